//! `cargo bench --bench report`: one table of what sso-env costs, each beside botocore doing the
//! same job where there is one, as medians (and p90) over many runs and their ratio. Single runs
//! on a 2-core machine mislead; timed assertions do not belong in tests, so figures live here.
//!
//! - export, warm: token and role credentials cached (config parse, one file read, print);
//! - export, cold: role credentials fetched from the local Identity Center stand-in;
//! - botocore: a Python process resolving the same profile from the same AWS CLI cache (what
//!   `aws configure export-credentials` does before printing), and in-process, import excluded;
//! - use-profile end to end and one prompt draw, timed inside bash and zsh ($EPOCHREALTIME);
//! - a 10,000-profile config: warm export, `profiles --names` (botocore: the same export, and
//!   `available_profiles`) and the `profiles` table, which resolves every profile;
//! - footprint: binary size and peak memory of a warm export.
//! - other kinds of profile: a role chained on the SSO profile (assume-role cache warm) beside
//!   the SSO profile; 10,000 profiles plus a 10,000-section credentials file; each beside
//!   `/bin/true` started the same way (the process start is the floor);
//! - a 50 MB config: peak memory of a cold export beside a warm one (the SDK must not parse the
//!   config again).
//!
//! - the floors, paired: a warm export and `--version` run in turn with a static hello-world
//!   (glibc `+crt-static`, non-PIE; and musl when its target is installed) and `/bin/true`,
//!   each as a ratio of that floor (`of floor`);
//!
//! `BENCH_RUNS` sets the number of runs of the fast cases (default 200).

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
    let slow_runs = (runs / 10).max(10);
    let sb = Sandbox::new();
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    let bin = support::bin().display().to_string();
    let export = ["export", "koa-dev-customer", "--format", "bash"];
    let mut rows: Vec<Row> = Vec::new();

    let warm = sample(runs, || time_ok(&sb, &export));
    let cache_file = sb.role_cache_path("931827427725", "idp_customer_access", "koa");
    let cold = sample((runs / 5).max(10), || {
        let _ = std::fs::remove_file(&cache_file);
        time_ok(&sb, &export)
    });
    sb.ok(&export);
    let calls = sb.server.count("GetRoleCredentials");
    let boto_warm = sample(slow_runs, || {
        time_python(
            &sb,
            &botocore_script("koa-dev-customer", "~/.aws/cli/cache"),
        )
    });
    assert_eq!(
        sb.server.count("GetRoleCredentials"),
        calls,
        "botocore used the cache"
    );
    let boto_in_process = in_process(&sb, runs);
    let empty_cache = sb.home().join("empty-cache");
    let boto_cold = sample(slow_runs, || {
        let _ = std::fs::remove_dir_all(&empty_cache);
        time_python(
            &sb,
            &botocore_script("koa-dev-customer", &empty_cache.display().to_string()),
        )
    });
    rows.push(
        Row::new("export, warm (both caches)", &warm).versus("botocore, new process", &boto_warm),
    );
    rows.push(
        Row::new("export, warm", &warm)
            .versus("botocore in-process, import excluded", &[boto_in_process]),
    );
    rows.push(
        Row::new("export, cold (GetRoleCredentials)", &cold)
            .versus("botocore, new process", &boto_cold),
    );

    // The floor: a process that does nothing, started the same way.
    let floor = sample(runs, || time_program(&sb, "/bin/true", &[]));
    rows.push(Row::new("/bin/true (the floor)", &floor));
    floors(&sb, runs, &export, &mut rows);
    // A role chained on the SSO profile, both caches warm.
    sb.write_credentials("[chained]\nrole_arn = arn:aws:iam::931827427725:role/chained\nsource_profile = koa-dev-customer\nregion = eu-west-1\n");
    let chained_export = ["export", "chained", "--format", "bash"];
    sb.ok(&chained_export);
    let chained = sample(runs, || time_ok(&sb, &chained_export));
    let warm_again = sample(runs, || time_ok(&sb, &export));
    rows.push(
        Row::new("export, warm, role chained on SSO", &chained)
            .versus("export, warm, the SSO profile", &warm_again),
    );
    let mut notes = vec![format!(
        "chained role, warm: {:+.1}% beside the SSO profile ({:.3} ms above the floor)",
        (ms(median(&chained)) / ms(median(&warm_again)) - 1.0) * 100.0,
        ms(median(&chained)) - ms(median(&floor))
    )];

    let init = |shell: &str| format!("eval \"$('{bin}' init {shell})\"\n");
    let active = "use-profile koa-dev-customer\n";
    let use_profile = shell_timings(
        &sb,
        "bash",
        &format!(
            "{}{}",
            init("bash"),
            timing_loop("use-profile koa-dev-customer", runs)
        ),
    );
    let prompt_bash = shell_timings(
        &sb,
        "bash",
        &format!(
            "{}{active}{}",
            init("bash"),
            timing_loop("__sso_env_prompt_command", runs * 5)
        ),
    );
    let prompt_zsh = shell_timings(
        &sb,
        "zsh",
        &format!(
            "{}{active}{}",
            init("zsh"),
            timing_loop("__sso_env_precmd", runs * 5)
        ),
    );
    rows.push(Row::new(
        "use-profile, bash, warm, end to end",
        &use_profile,
    ));
    rows.push(Row::new("prompt draw with segment, bash", &prompt_bash));
    rows.push(Row::new("prompt draw with segment, zsh", &prompt_zsh));

    // A 10,000-profile config; the profile in use is the last section.
    let mut big = String::from(support::CONFIG);
    for i in 0..10_000 {
        big.push_str(&format!("\n[profile p{i:05}-team-role]\nsso_session = koa\nsso_account_id = {}\nsso_role_name = ReadOnly\nregion = eu-west-1\noutput = json\n", 100_000_000_000u64 + i));
    }
    big.push_str("\n[profile the-last-one]\nsso_session = koa\nsso_account_id = 931827427725\nsso_role_name = idp_customer_access\nregion = eu-west-1\n");
    sb.write_config(&big);
    let big_export = ["export", "the-last-one", "--format", "bash"];
    sb.ok(&big_export);
    let big_warm = sample(runs / 2, || time_ok(&sb, &big_export));
    let big_names = sample(runs / 2, || time_ok(&sb, &["profiles", "--names"]));
    let big_table = sample(slow_runs.min(10), || time_ok(&sb, &["profiles"]));
    let boto_big = sample(slow_runs.min(10), || {
        time_python(&sb, &botocore_script("the-last-one", "~/.aws/cli/cache"))
    });
    let boto_names = sample(slow_runs.min(10), || {
        time_python(&sb, "import botocore.session\nprint('\\n'.join(botocore.session.Session().available_profiles))")
    });
    rows.push(
        Row::new("export, warm, 10,000 profiles", &big_warm)
            .versus("botocore, new process", &boto_big),
    );
    rows.push(
        Row::new("profiles --names, 10,000 profiles", &big_names)
            .versus("botocore available_profiles", &boto_names),
    );
    rows.push(Row::new(
        "profiles (table, sign-in state), 10,000",
        &big_table,
    ));

    // The same with a 10,000-section credentials file beside it.
    let mut creds = String::new();
    for i in 0..10_000 {
        creds.push_str(&format!("[c{i:05}-deploy]\naws_access_key_id = AKIA{i:016}\naws_secret_access_key = secret-{i:034}\nregion = eu-west-1\n\n"));
    }
    sb.write_credentials(&creds);
    let both_warm = sample(runs / 2, || time_ok(&sb, &big_export));
    let floor_again = sample(runs / 2, || time_program(&sb, "/bin/true", &[]));
    rows.push(
        Row::new("export, warm, 10,000 + 10,000 credentials", &both_warm)
            .of_floor("/bin/true", &floor_again),
    );
    notes.push(format!(
        "10,000 profiles + 10,000 credentials sections ({:.2} MB + {:.2} MB), warm export: {:.3} ms above the floor",
        big.len() as f64 / 1e6,
        creds.len() as f64 / 1e6,
        ms(median(&both_warm)) - ms(median(&floor_again))
    ));
    sb.write_credentials("");

    println!(
        "sso-env benchmark report: medians over N runs, {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!();
    println!(
        "{:<38} {:>5} {:>10} {:>10}   {:<38} {:>10} {:>14}",
        "case", "N", "median", "p90", "beside", "median", "ratio"
    );
    for r in &rows {
        r.print();
    }
    println!();
    let size = std::fs::metadata(support::bin()).map_or(0, |m| m.len());
    println!(
        "binary: {:.1} MiB ({})",
        size as f64 / 1048576.0,
        support::bin().display()
    );
    sb.write_config(support::CONFIG);
    if let Some(kb) = peak_rss_kb(&sb, &export) {
        println!("peak memory of a warm export: {kb} KiB (maximum resident set size)");
    }
    if let Some(line) = memory_on_a_huge_config(&sb, &export) {
        notes.push(line);
    }
    for n in notes {
        println!("{n}");
    }
}

/// Peak memory of a cold and a warm export on a 50 MB config.
fn memory_on_a_huge_config(sb: &Sandbox, export: &[&str]) -> Option<String> {
    let mut huge = String::from(support::CONFIG);
    let mut i = 0u64;
    while huge.len() < 50_000_000 {
        huge.push_str(&format!("\n[profile h{i:07}-team-role]\nsso_session = koa\nsso_account_id = {}\nsso_role_name = ReadOnly\nregion = eu-west-1\n", 100_000_000_000u64 + i));
        i += 1;
    }
    sb.write_config(&huge);
    let cache_file = sb.role_cache_path("931827427725", "idp_customer_access", "koa");
    let _ = std::fs::remove_file(&cache_file);
    let cold = peak_rss_kb(sb, export)?;
    let warm = peak_rss_kb(sb, export)?;
    sb.write_config(support::CONFIG);
    Some(format!(
        "50 MB config ({i} profiles): peak memory cold {cold} KiB, warm {warm} KiB ({:.2}x)",
        cold as f64 / warm as f64
    ))
}

/// Runs a warm export, `--version` and the floors in turn (one sample of each per round, so
/// load on a shared machine falls on all alike) and adds one row per case and floor.
fn floors(sb: &Sandbox, runs: usize, export: &[&str], rows: &mut Vec<Row>) {
    let hellos = static_hellos(sb);
    let bin = support::bin().display().to_string();
    let mut cases: Vec<(String, Box<dyn Fn() -> Duration + '_>)> = vec![
        ("export, warm".into(), Box::new(|| time_ok(sb, export))),
        (
            "--version".into(),
            Box::new(|| time_program(sb, &bin, &["--version"])),
        ),
        (
            "/bin/true".into(),
            Box::new(|| time_program(sb, "/bin/true", &[])),
        ),
    ];
    for (name, path) in &hellos {
        let path = path.display().to_string();
        cases.push((name.clone(), Box::new(move || time_program(sb, &path, &[]))));
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    for (_, f) in &cases {
        f(); // warm the page cache
    }
    for _ in 0..runs {
        for (i, (_, f)) in cases.iter().enumerate() {
            times[i].push(f());
        }
    }
    times.iter_mut().for_each(|v| v.sort());
    for i in 2..cases.len() {
        rows.push(Row::new(&format!("floor: {}", cases[i].0), &times[i]));
    }
    for (case, t) in cases.iter().zip(&times).take(2) {
        for (floor, f) in cases.iter().zip(&times).skip(2) {
            rows.push(Row::new(&format!("{}, paired", case.0), t).of_floor(&floor.0, f));
        }
    }
}

/// A hello-world built static and non-PIE (the fastest start a Rust program has here), with
/// glibc and, when the target is installed, musl; none when rustc cannot build them.
fn static_hellos(sb: &Sandbox) -> Vec<(String, std::path::PathBuf)> {
    let dir = sb.home().join("hello");
    let _ = std::fs::create_dir_all(&dir);
    let src = dir.join("hello.rs");
    std::fs::write(&src, "fn main() { println!(\"hello\"); }\n").unwrap();
    let variants: [(&str, &[&str]); 2] = [
        (
            "static hello (glibc)",
            &["-C", "target-feature=+crt-static"],
        ),
        (
            "static hello (musl)",
            &["--target", "x86_64-unknown-linux-musl"],
        ),
    ];
    let mut out = Vec::new();
    for (i, (name, flags)) in variants.into_iter().enumerate() {
        let exe = dir.join(format!("hello{i}"));
        let built = std::process::Command::new(std::env::var("RUSTC").unwrap_or("rustc".into()))
            .args(["-O", "-C", "relocation-model=static", "-o"])
            .arg(&exe)
            .args(flags)
            .arg(&src)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if built {
            out.push((name.to_string(), exe));
        }
    }
    out
}

struct Row {
    case: String,
    n: usize,
    median: Duration,
    p90: Duration,
    beside: Option<(String, Duration)>,
    /// The ratio is ours over theirs (a floor), not theirs over ours (a competitor).
    floor: bool,
}

impl Row {
    fn new(case: &str, v: &[Duration]) -> Row {
        Row {
            case: case.into(),
            n: v.len(),
            median: median(v),
            p90: v[v.len() * 9 / 10],
            beside: None,
            floor: false,
        }
    }

    fn of_floor(mut self, what: &str, v: &[Duration]) -> Row {
        self.beside = Some((what.into(), median(v)));
        self.floor = true;
        self
    }

    fn versus(mut self, what: &str, v: &[Duration]) -> Row {
        self.beside = Some((what.into(), median(v)));
        self
    }

    fn print(&self) {
        let (what, theirs, ratio) = match &self.beside {
            Some((w, d)) => (
                w.as_str(),
                format!("{:.3}ms", ms(*d)),
                match self.floor {
                    true => format!("{:.2}x of floor", ms(self.median) / ms(*d)),
                    false => format!("{:.1}x", ms(*d) / ms(self.median)),
                },
            ),
            None => ("", String::new(), String::new()),
        };
        println!(
            "{:<38} {:>5} {:>8.3}ms {:>8.3}ms   {:<38} {:>10} {:>14}",
            self.case,
            self.n,
            ms(self.median),
            ms(self.p90),
            what,
            theirs,
            ratio
        );
    }
}

/// botocore resolving `profile`'s credentials with the AWS CLI's role cache at `cache`, then
/// printing them.
fn botocore_script(profile: &str, cache: &str) -> String {
    format!(
        r#"
import os, botocore.session
from botocore.utils import JSONFileCache
s = botocore.session.Session(profile="{profile}")
s.get_component("credential_provider").get_provider("sso").cache = JSONFileCache(os.path.expanduser("{cache}"))
c = s.get_credentials().get_frozen_credentials()
print("export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s" % (c.access_key, c.secret_key, c.token))
"#
    )
}

/// The same resolution inside one warm Python process, import excluded: the median.
fn in_process(sb: &Sandbox, runs: usize) -> Duration {
    let script = format!(
        r#"
import os, time, statistics, botocore.session
from botocore.utils import JSONFileCache
times = []
for _ in range({runs}):
    t = time.perf_counter()
    s = botocore.session.Session(profile="koa-dev-customer")
    s.get_component("credential_provider").get_provider("sso").cache = JSONFileCache(os.path.expanduser("~/.aws/cli/cache"))
    c = s.get_credentials().get_frozen_credentials()
    times.append(time.perf_counter() - t)
print(statistics.median(times))
"#
    );
    let out = support::python(sb, &script);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Duration::from_secs_f64(String::from_utf8_lossy(&out.stdout).trim().parse().unwrap())
}

fn time_ok(sb: &Sandbox, args: &[&str]) -> Duration {
    let t = Instant::now();
    let out = sb.command(args).stdout(Stdio::piped()).output().unwrap();
    let d = t.elapsed();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    d
}

fn time_program(sb: &Sandbox, program: &str, args: &[&str]) -> Duration {
    let mut cmd = std::process::Command::new(program);
    sb.clean_env(&mut cmd);
    let t = Instant::now();
    let out = cmd.args(args).stdout(Stdio::piped()).output().unwrap();
    let d = t.elapsed();
    assert!(out.status.success(), "{program}");
    d
}

fn time_python(sb: &Sandbox, script: &str) -> Duration {
    let t = Instant::now();
    let out = support::python(sb, script);
    let d = t.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    d
}

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

/// Peak RSS of one run, from GNU time when it is installed.
fn peak_rss_kb(sb: &Sandbox, args: &[&str]) -> Option<u64> {
    let mut cmd = std::process::Command::new("/usr/bin/time");
    sb.clean_env(&mut cmd);
    let out = cmd
        .args(["-f", "%M"])
        .arg(support::bin())
        .args(args)
        .stdout(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
