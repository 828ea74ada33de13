//! `cargo bench --bench export`: what `sso-env export` costs per process, beside botocore
//! doing the same job, as medians over many runs (single runs on a 2-core machine mislead).
//!
//! - warm: token and role credentials cached (the everyday case): config parse, one file read, print;
//! - cold: role credentials fetched from the local Identity Center stand-in, then cached;
//! - botocore: a Python process that resolves the same profile from the same AWS CLI cache
//!   (what `aws configure export-credentials` does before printing), and the same resolution
//!   timed inside one warm Python process, import excluded.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use support::Sandbox;

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let sb = Sandbox::new();
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    let args = ["export", "koa-dev-customer", "--format", "bash"];
    let bin = support::bin().display().to_string();

    let warm = sample(runs, || {
        let t = Instant::now();
        let out = sb.command(&args).stdout(Stdio::piped()).output().unwrap();
        assert!(out.status.success());
        t.elapsed()
    });

    let cache_file = sb.role_cache_path("931827427725", "idp_customer_access", "koa");
    let cold = sample((runs / 5).max(10), || {
        let _ = std::fs::remove_file(&cache_file);
        let t = Instant::now();
        let out = sb.command(&args).stdout(Stdio::piped()).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.elapsed()
    });

    // Leave a warm entry for botocore to read.
    sb.ok(&args);
    let calls_before = sb.server.count("GetRoleCredentials");
    let boto_runs = (runs / 10).max(10);
    let boto_process = sample(boto_runs, || {
        let t = Instant::now();
        let out = support::python(&sb, BOTOCORE_ONCE);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.elapsed()
    });
    let out = support::python(&sb, &BOTOCORE_IN_PROCESS.replace("RUNS", &runs.to_string()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let boto_in_process = Duration::from_secs_f64(
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<f64>()
            .unwrap(),
    );
    assert_eq!(
        sb.server.count("GetRoleCredentials"),
        calls_before,
        "botocore must have used the cache"
    );

    // The shell hook: `use-profile` end to end (an export run plus eval) and one prompt draw
    // with a profile active, timed inside the shell with $EPOCHREALTIME.
    let hook_runs = runs.min(200);
    let init = |shell: &str| format!("eval \"$('{bin}' init {shell})\"\n");
    let use_profile_bash = shell_timings(
        &sb,
        "bash",
        &format!(
            "{}{}",
            init("bash"),
            timing_loop("use-profile koa-dev-customer", hook_runs)
        ),
    );
    let active = "use-profile koa-dev-customer\n";
    let prompt_bash = shell_timings(
        &sb,
        "bash",
        &format!(
            "{}{active}{}",
            init("bash"),
            timing_loop("__sso_env_prompt_command", hook_runs * 5)
        ),
    );
    let prompt_zsh = shell_timings(
        &sb,
        "zsh",
        &format!(
            "{}{active}{}",
            init("zsh"),
            timing_loop("__sso_env_precmd", hook_runs * 5)
        ),
    );

    println!(
        "sso-env export, per process, median of N runs ({} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("{:<44} {:>6} {:>10} {:>10}", "case", "N", "median", "p90");
    row("sso-env warm (both caches)", &warm);
    row("sso-env cold (GetRoleCredentials, stand-in)", &cold);
    row("botocore warm, new python process", &boto_process);
    println!(
        "{:<44} {:>6} {:>9.3}ms {:>10}",
        "botocore warm, in-process (import excluded)",
        runs,
        ms(boto_in_process),
        "-"
    );
    row("use-profile in bash (warm, end to end)", &use_profile_bash);
    row("prompt draw with segment, bash", &prompt_bash);
    row("prompt draw with segment, zsh", &prompt_zsh);
    println!();
    println!(
        "warm: botocore process / sso-env = {:.0}x",
        ms(median(&boto_process)) / ms(median(&warm))
    );
    println!(
        "warm: botocore in-process / sso-env process = {:.1}x",
        ms(boto_in_process) / ms(median(&warm))
    );
}

const BOTOCORE_ONCE: &str = r#"
import os, botocore.session
from botocore.utils import JSONFileCache
s = botocore.session.Session(profile="koa-dev-customer")
s.get_component("credential_provider").get_provider("sso").cache = JSONFileCache(os.path.expanduser("~/.aws/cli/cache"))
c = s.get_credentials().get_frozen_credentials()
print("export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s" % (c.access_key, c.secret_key, c.token))
"#;

const BOTOCORE_IN_PROCESS: &str = r#"
import os, time, statistics, botocore.session
from botocore.utils import JSONFileCache
times = []
for _ in range(RUNS):
    t = time.perf_counter()
    s = botocore.session.Session(profile="koa-dev-customer")
    s.get_component("credential_provider").get_provider("sso").cache = JSONFileCache(os.path.expanduser("~/.aws/cli/cache"))
    c = s.get_credentials().get_frozen_credentials()
    times.append(time.perf_counter() - t)
print(statistics.median(times))
"#;

/// A shell loop printing the start and end of each run of `cmd` ($EPOCHREALTIME, seconds).
fn timing_loop(cmd: &str, n: usize) -> String {
    format!("for ((i = 0; i < {n}; i++)); do s=$EPOCHREALTIME; {cmd}; e=$EPOCHREALTIME; echo \"T $s $e\"; done")
}

fn shell_timings(sb: &Sandbox, shell: &str, script: &str) -> Vec<Duration> {
    let mut cmd = std::process::Command::new(shell);
    sb.clean_env(&mut cmd);
    let out = cmd
        .arg("-c")
        .arg(script)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut v: Vec<Duration> = text
        .lines()
        .filter_map(|l| {
            let mut it = l
                .strip_prefix("T ")?
                .split(' ')
                .map(|x| x.parse::<f64>().ok());
            let (s, e) = (it.next()??, it.next()??);
            Some(Duration::from_secs_f64((e - s).max(0.0)))
        })
        .collect();
    assert!(!v.is_empty(), "{shell} printed no timings: {text}");
    v.sort();
    v
}

fn sample(n: usize, mut f: impl FnMut() -> Duration) -> Vec<Duration> {
    f(); // warm the page cache and the stand-in's connection handling
    let mut v: Vec<Duration> = (0..n).map(|_| f()).collect();
    v.sort();
    v
}

fn median(v: &[Duration]) -> Duration {
    v[v.len() / 2]
}

fn row(name: &str, v: &[Duration]) {
    println!(
        "{:<44} {:>6} {:>9.3}ms {:>8.3}ms",
        name,
        v.len(),
        ms(median(v)),
        ms(v[v.len() * 9 / 10])
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
