//! The test harness: every test module lists its tests with `tests![...]`, and `main` in
//! `tests/tests.rs` runs them through libtest-mimic (the standard harness cannot skip at run
//! time; libtest-mimic reports a runtime skip as `ignored (REASON)` and counts it).
//!
//! The skip policy: a test that needs something optional calls `require("zsh")` or
//! `skip_unless(cond, "tmpfs", "cannot mount a tmpfs here")`. When it is missing the test stops
//! there and is reported as skipped with the reason, and the run ends with a summary that counts
//! skips per missing tool. `SSO_ENV_TEST_REQUIRE=all` turns every skip into a failure naming
//! what is missing, except for the tools named in `SSO_ENV_TEST_ALLOW_SKIP` (comma-separated:
//! what a platform cannot have, such as `powershell` here).

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Mutex;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

use super::interactive::Sh;

/// One registered test.
pub struct Test {
    pub name: &'static str,
    pub run: Runner,
    /// Run only on request (`--ignored`): helpers that a test starts as a child process.
    pub ignored: bool,
}

/// How a test is run.
pub enum Runner {
    Plain(fn()),
    /// Once per shell listed, from the table in `interactive.rs`.
    EachShell(fn(Sh), &'static [Sh]),
}

/// Lists a module's tests as its `TESTS`. An entry may carry `#[cfg(...)]`; `name = ignored`
/// marks a helper run only when asked for by name; `name for all` runs `fn name(sh: Sh)` once
/// per interactive shell, `name for [Bash, Zsh]` for those only (a test of what the others do
/// another way). A test function that is not listed is dead code, which the lints reject.
#[macro_export]
macro_rules! tests {
    ($($(#[$m:meta])* $name:ident $(= $flag:ident)? $(for $shells:tt)?),* $(,)?) => {
        pub(crate) const TESTS: $crate::support::harness::Module = $crate::support::harness::Module {
            path: module_path!(),
            tests: &[$($(#[$m])* $crate::support::harness::Test {
                name: stringify!($name),
                run: $crate::tests!(@run $name $($shells)?),
                ignored: $crate::tests!(@flag $($flag)?),
            },)*],
        };
    };
    (@flag) => { false };
    (@flag ignored) => { true };
    (@run $name:ident) => { $crate::support::harness::Runner::Plain($name) };
    (@run $name:ident all) => {
        $crate::support::harness::Runner::EachShell($name, $crate::support::interactive::ALL)
    };
    (@run $name:ident [$($sh:ident),*]) => {
        $crate::support::harness::Runner::EachShell(
            $name,
            &[$($crate::support::interactive::Sh::$sh),*],
        )
    };
}

/// A test module: its path (`tests::export`) and its tests.
pub struct Module {
    pub path: &'static str,
    pub tests: &'static [Test],
}

/// The panic payload of a skip: what is missing and why.
struct Skip {
    what: String,
    reason: String,
}

/// Stops the test as skipped unless `tool` is on PATH (with `.exe` and the other `PATHEXT`
/// endings on Windows); returns its path.
pub fn require(tool: &str) -> PathBuf {
    match find_program(tool) {
        Some(path) => path,
        None if cfg!(windows) => skip(tool, &format!("needs {tool}: not on this Windows machine")),
        None => skip(
            tool,
            &format!("{tool} is not installed (.ci/run installs it)"),
        ),
    }
}

/// Unix programs the tests drive (the Unix shells, tmux, script): found by [`require`] on
/// Unix; on Windows always skipped. Git for Windows brings a bash, but sso-env's Windows build
/// targets cmd and PowerShell, and these tests drive the shell through Unix paths and ptys.
pub fn require_unix(tool: &str) -> PathBuf {
    if cfg!(windows) {
        let why = match find_program(tool) {
            Some(_) => {
                "a Unix program (found, but the Windows build's shells are cmd and PowerShell)"
            }
            None => "not on this Windows machine",
        };
        skip(tool, &format!("needs {tool}: {why}"));
    }
    require(tool)
}

/// Stops the test as skipped unless `cond` holds; `what` names the missing capability in the
/// summary, `reason` says why it is missing.
pub fn skip_unless(cond: bool, what: &str, reason: &str) {
    if !cond {
        skip(what, reason);
    }
}

/// Stops the test as skipped (or, under `SSO_ENV_TEST_REQUIRE=all`, failed).
pub fn skip(what: &str, reason: &str) -> ! {
    if must_not_skip(what) {
        panic!(
            "{what} is required (SSO_ENV_TEST_REQUIRE=all) but cannot be used here: {reason}; \
             install it or add {what} to SSO_ENV_TEST_ALLOW_SKIP"
        );
    }
    panic::panic_any(Skip {
        what: what.to_string(),
        reason: reason.to_string(),
    })
}

fn must_not_skip(what: &str) -> bool {
    let required = std::env::var("SSO_ENV_TEST_REQUIRE").unwrap_or_default();
    if !required
        .split(',')
        .any(|r| r.trim() == "all" || r.trim() == what)
    {
        return false;
    }
    let allowed = std::env::var("SSO_ENV_TEST_ALLOW_SKIP").unwrap_or_default();
    !allowed.split(',').any(|a| a.trim() == what)
}

/// A program on PATH, found as the platform finds it.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let endings: Vec<String> = if cfg!(windows) && !name.contains('.') {
        std::env::var("PATHEXT")
            .unwrap_or_else(|_| ".COM;.EXE;.BAT;.CMD".into())
            .split(';')
            .map(str::to_ascii_lowercase)
            .collect()
    } else {
        vec![String::new()]
    };
    std::env::split_paths(&path).find_map(|dir| {
        endings
            .iter()
            .map(|end| dir.join(format!("{name}{end}")))
            .find(|p| is_program(p))
    })
}

#[cfg(unix)]
fn is_program(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_program(path: &std::path::Path) -> bool {
    path.is_file()
}

/// The argument that makes the test binary print its environment instead of testing.
const PRINT_ENV: &str = "--sso-env-test-print-env";

/// A command that prints its environment as `NAME=VALUE` entries each ended by a NUL (what
/// `env -0` prints): `env -0` on Unix; on Windows, where there is no `env`, this test binary.
pub fn print_env_argv() -> Vec<String> {
    if cfg!(windows) {
        let exe = std::env::current_exe().expect("the test binary's path");
        vec![exe.to_string_lossy().into_owned(), PRINT_ENV.to_string()]
    } else {
        vec!["env".to_string(), "-0".to_string()]
    }
}

fn print_env() -> ! {
    use std::io::Write;
    let mut out = Vec::new();
    for (name, value) in std::env::vars_os() {
        out.extend_from_slice(name.to_string_lossy().as_bytes());
        out.push(b'=');
        out.extend_from_slice(value.to_string_lossy().as_bytes());
        out.push(0);
    }
    let mut stdout = std::io::stdout().lock();
    let ok = stdout.write_all(&out).and_then(|()| stdout.flush()).is_ok();
    std::process::exit(if ok { 0 } else { 1 })
}

/// Skips recorded during the run: (what is missing, reason) -> test names.
static SKIPS: Mutex<BTreeMap<(String, String), Vec<String>>> = Mutex::new(BTreeMap::new());

/// Runs the listed modules' tests as libtest-mimic trials and prints the skip summary.
pub fn main(modules: &[Module]) -> ! {
    if std::env::args_os().nth(1).is_some_and(|a| a == PRINT_ENV) {
        print_env();
    }
    let (args, filters) = arguments();
    install_quiet_skip_hook();
    let trials: Vec<Trial> = modules
        .iter()
        .flat_map(|m| {
            let module = m.path.split_once("::").map_or(m.path, |(_, rest)| rest);
            m.tests.iter().flat_map(move |t| match t.run {
                Runner::Plain(f) => vec![trial(format!("{module}::{}", t.name), t, f)],
                Runner::EachShell(f, shells) => shells
                    .iter()
                    .map(|&sh| {
                        let name = format!("{module}::{}::{}", t.name, sh.name());
                        trial(name, t, move || f(sh))
                    })
                    .collect(),
            })
        })
        .filter(|t: &Trial| {
            filters.is_empty()
                || filters.iter().any(|f| match args.exact {
                    true => t.name() == f,
                    false => t.name().contains(f.as_str()),
                })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    let skips = SKIPS.lock().unwrap_or_else(|e| e.into_inner());
    let skipped: usize = skips.values().map(Vec::len).sum();
    if skipped > 0 {
        println!("skipped {skipped} test(s), by what is missing:");
        for ((what, reason), names) in skips.iter() {
            println!("  {what}: {} test(s): {reason}", names.len());
            for name in names {
                println!("      {name}");
            }
        }
        println!("(SSO_ENV_TEST_REQUIRE=all makes every skip a failure)");
    }
    let passed = conclusion.num_passed;
    println!(
        "tests: {passed} passed, {} failed, {skipped} skipped",
        conclusion.num_failed
    );
    conclusion.exit()
}

/// libtest-mimic's arguments, with the name filters taken out: the standard harness takes
/// several (`cargo test -- init:: prompts::`), libtest-mimic one.
fn arguments() -> (Arguments, Vec<String>) {
    const TAKES_VALUE: &[&str] = &[
        "--test-threads",
        "--skip",
        "--color",
        "--format",
        "--logfile",
    ];
    let mut rest = Vec::new();
    let mut filters = Vec::new();
    let mut argv = std::env::args();
    rest.extend(argv.next());
    while let Some(arg) = argv.next() {
        if TAKES_VALUE.contains(&arg.as_str()) {
            rest.push(arg);
            rest.extend(argv.next());
        } else if arg.starts_with('-') {
            rest.push(arg);
        } else {
            filters.push(arg);
        }
    }
    (Arguments::from_iter(rest), filters)
}

fn trial(name: String, t: &Test, run: impl FnOnce() + Send + 'static) -> Trial {
    let full = name.clone();
    Trial::ignorable_test(name, move || {
        match panic::catch_unwind(AssertUnwindSafe(run)) {
            Ok(()) => Ok(Completion::Completed),
            Err(payload) => match payload.downcast::<Skip>() {
                Ok(skip) => {
                    let reason = format!("{}: {}", skip.what, skip.reason);
                    SKIPS
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .entry((skip.what, skip.reason))
                        .or_default()
                        .push(full);
                    Ok(Completion::ignored_with(reason))
                }
                Err(payload) => Err(Failed::from(panic_message(&payload))),
            },
        }
    })
    .with_ignored_flag(t.ignored)
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panicked".to_string()
    }
}

/// The default panic message for a skip would read as a failure; a skip says nothing here
/// (the harness reports it).
fn install_quiet_skip_hook() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !info.payload().is::<Skip>() {
            default(info);
        }
    }));
}
