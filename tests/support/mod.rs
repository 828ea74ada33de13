//! Shared test support: a sandbox per test (its own HOME, config and Identity Center stand-in)
//! and a way to run the real `sso-env` binary inside it with a clean environment.
#![allow(dead_code)]

pub mod harness;
pub mod interactive;
pub mod shells;
pub mod standin;
pub mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

// The demo and the benches include this module without the skip policy.
#[allow(unused_imports)]
pub use harness::{require, skip, skip_unless};
pub use standin::StandIn;

pub const START_URL: &str = "https://d-1234567890.awsapps.com/start";

/// The config from the wiki pages users follow, plus a legacy-style profile.
pub const CONFIG: &str = "\
[profile koa-dev-customer]
sso_session = koa
sso_account_id = 931827427725
sso_role_name = idp_customer_access
region = eu-west-1
output = json

[sso-session koa]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile legacy-style]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111111111111
sso_role_name = ReadOnly
";

pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub server: StandIn,
}

impl Sandbox {
    /// A fresh HOME with `CONFIG`, and a stand-in that knows its accounts and roles.
    pub fn new() -> Sandbox {
        let sb = Sandbox::empty();
        sb.write_config(CONFIG);
        sb
    }

    /// A fresh HOME with no config.
    pub fn empty() -> Sandbox {
        let dir = tempfile::Builder::new()
            .prefix("sso-env-test")
            .tempdir()
            .unwrap();
        let server = StandIn::start();
        server.add_account(
            "931827427725",
            "koa-dev",
            &["idp_customer_access", "ReadOnly"],
        );
        server.add_account("111111111111", "legacy", &["ReadOnly"]);
        Sandbox { dir, server }
    }

    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    pub fn config_path(&self) -> PathBuf {
        self.home().join(".aws").join("config")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::create_dir_all(self.home().join(".aws")).unwrap();
        std::fs::write(self.config_path(), text).unwrap();
    }

    pub fn credentials_path(&self) -> PathBuf {
        self.home().join(".aws").join("credentials")
    }

    /// Writes `~/.aws/credentials` (the shared credentials file).
    pub fn write_credentials(&self, text: &str) {
        std::fs::create_dir_all(self.home().join(".aws")).unwrap();
        std::fs::write(self.credentials_path(), text).unwrap();
    }

    /// Seeds a token the way the AWS CLI v2 caches it after `aws sso login`: file named by the
    /// SHA-1 of the session name (or start URL), AWS CLI key order and timestamp format.
    /// Returns the access token.
    pub fn seed_token(&self, session_or_start_url: &str, ttl: Duration) -> String {
        let token = self.server.issue_token(ttl);
        self.write_token_file(session_or_start_url, &token, SystemTime::now() + ttl);
        token
    }

    pub fn write_token_file(&self, session_or_start_url: &str, token: &str, expires: SystemTime) {
        let body = format!(
            r#"{{"startUrl": "{START_URL}", "region": "eu-west-1", "accessToken": "{token}", "expiresAt": "{}"}}"#,
            humantime::format_rfc3339_seconds(expires)
        );
        std::fs::create_dir_all(self.sso_cache_dir()).unwrap();
        std::fs::write(self.token_path(session_or_start_url), body).unwrap();
    }

    pub fn token_path(&self, session_or_start_url: &str) -> PathBuf {
        self.sso_cache_dir()
            .join(format!("{}.json", sha1_hex(session_or_start_url)))
    }

    pub fn sso_cache_dir(&self) -> PathBuf {
        self.home().join(".aws").join("sso").join("cache")
    }

    /// Removes the role cache. A shell's hook may be refreshing in the background and writing
    /// into it at that moment, so a directory that fills up again while it goes is retried.
    pub fn clear_role_cache(&self) {
        let dir = self.role_cache_dir();
        for _ in 0..100 {
            match std::fs::remove_dir_all(&dir) {
                Ok(()) => return,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        panic!("cannot remove {}", dir.display());
    }

    pub fn role_cache_dir(&self) -> PathBuf {
        self.home().join(".aws").join("cli").join("cache")
    }

    /// The role-cache file the AWS CLI v2 uses for an sso-session profile.
    pub fn role_cache_path(&self, account: &str, role: &str, session: &str) -> PathBuf {
        let key =
            format!(r#"{{"accountId":"{account}","roleName":"{role}","sessionName":"{session}"}}"#);
        self.role_cache_dir()
            .join(format!("{}.json", sha1_hex(&key)))
    }

    /// `sso-env ARGS` with a clean environment: no `AWS_*` from the machine, HOME in the
    /// sandbox, the SDK pointed at the stand-in.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.args(args);
        self.clean_env(&mut cmd);
        cmd
    }

    /// Applies the sandbox environment to any command (shells, python).
    pub fn clean_env(&self, cmd: &mut Command) {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("LANG", "C.UTF-8")
            .env("AWS_ENDPOINT_URL_SSO", self.server.url())
            .env("AWS_ENDPOINT_URL_SSO_OIDC", self.server.url())
            .env("AWS_ENDPOINT_URL_STS", self.server.url())
            .current_dir(self.home());
        windows_env(cmd, self.home());
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Starts `n` copies of `sso-env ARGS` at once (shells restored together by tmux, say) and
    /// waits for all of them.
    pub fn run_concurrently(&self, args: &[&str], n: usize) -> Vec<Output> {
        let children: Vec<_> = (0..n)
            .map(|_| {
                self.command(args)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect()
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "sso-env {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs and expects the failure shape every bad input must have: non-zero exit, nothing on
    /// stdout, exactly one line on stderr starting with `sso-env:`. Returns that line.
    pub fn fails(&self, args: &[&str]) -> String {
        fails_cleanly(&self.run(args), &format!("{args:?}"))
    }
}

/// What a Windows process needs beside `PATH` once its environment is cleared, with the user's
/// own directories in the sandbox `home`: without `SystemRoot` Winsock fails to start (error
/// 10106, so the stand-in is unreachable), without `USERPROFILE` sso-env has no home, without
/// `TEMP`/`TMP` the temporary directory falls back to `C:\Windows`, without `PATHEXT` and `ComSpec`
/// no `.exe`/`.bat` is found by name. Nothing on other systems.
pub fn windows_env(cmd: &mut Command, home: &Path) {
    if !cfg!(windows) {
        return;
    }
    for keep in [
        "SystemRoot",
        "SystemDrive",
        "windir",
        "ComSpec",
        "PATHEXT",
        "ProgramData",
        "ProgramFiles",
        "ProgramFiles(x86)",
        "CommonProgramFiles",
        "PSModulePath",
        "NUMBER_OF_PROCESSORS",
        "PROCESSOR_ARCHITECTURE",
        "OS",
        "USERNAME",
        "COMPUTERNAME",
        // wine's own (not on Windows): the prefix and its server, for the children it starts.
        "WINEPREFIX",
        "WINEDEBUG",
        "WINEDLLOVERRIDES",
        "WINESERVER",
    ] {
        if let Some(v) = std::env::var_os(keep) {
            cmd.env(keep, v);
        }
    }
    let temp = std::env::temp_dir();
    cmd.env("USERPROFILE", home)
        .env("APPDATA", home.join("AppData").join("Roaming"))
        .env("LOCALAPPDATA", home.join("AppData").join("Local"))
        .env("TEMP", &temp)
        .env("TMP", &temp);
}

/// Checks the failure shape (see `Sandbox::fails`) of any finished run.
pub fn fails_cleanly(out: &Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "{what} should fail; stderr: {stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "{what}: stdout must be empty, got {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "{what}: want one line on stderr, got {stderr:?}"
    );
    assert!(stderr.starts_with("sso-env: "), "{what}: {stderr}");
    assert!(
        !stderr.contains("internal error") && !stderr.contains("panicked"),
        "{what}: {stderr}"
    );
    stderr.trim_end().to_string()
}

/// The binary under test. Cargo names it for tests and benches; an example (the demo) finds
/// it beside its own directory, `target/<profile>/`.
pub fn bin() -> PathBuf {
    match option_env!("CARGO_BIN_EXE_sso-env") {
        Some(p) => build_path(p),
        None => {
            let exe = std::env::current_exe().unwrap();
            exe.parent()
                .and_then(|d| d.parent())
                .unwrap()
                .join(format!("sso-env{}", std::env::consts::EXE_SUFFIX))
        }
    }
}

/// A path cargo gave at build time (`CARGO_BIN_EXE_*`, `CARGO_MANIFEST_DIR`), as this process
/// names it. A Windows build cross-compiled on Linux and run under wine gets Unix paths, which
/// Windows reads as relative to the current drive: wine maps `/` to `Z:`.
pub fn build_path(path: &str) -> PathBuf {
    if cfg!(windows) && path.starts_with('/') {
        PathBuf::from(format!("Z:{}", path.replace('/', "\\")))
    } else {
        PathBuf::from(path)
    }
}

/// A file of the source tree (`tests/support/fake_browser.py`, say).
pub fn source_file(relative: &str) -> PathBuf {
    build_path(env!("CARGO_MANIFEST_DIR")).join(relative)
}

pub fn sha1_hex(s: &str) -> String {
    sha1_smol::Sha1::from(s.as_bytes()).digest().to_string()
}

/// The object printed by `export --format json`.
pub fn parse_json_vars(json: &str) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::from_str(json).unwrap() {
        serde_json::Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

/// Python with botocore, in the sandbox environment (HOME must be set before Python starts:
/// botocore fixes its cache paths at import).
pub fn python(sb: &Sandbox, script: &str) -> Output {
    let mut cmd = python_command();
    cmd.arg("-c").arg(script);
    sb.clean_env(&mut cmd);
    cmd.output().unwrap()
}

/// Python 3 as the platform names it: `python3` on Unix; on Windows `python` (what a venv and
/// the python.org installer put on PATH), else the `py` launcher. Skips the test when there is
/// none.
pub fn python_command() -> Command {
    if !cfg!(windows) {
        return Command::new(require("python3"));
    }
    if let Some(python) = harness::find_program("python") {
        return Command::new(python);
    }
    match harness::find_program("py") {
        Some(py) => {
            let mut cmd = Command::new(py);
            cmd.arg("-3");
            cmd
        }
        None => skip("python", "needs Python: not on this Windows machine"),
    }
}

/// How a shell command line (`BROWSER`, say) names Python: as [`python_command`] finds it.
pub fn python_command_line() -> String {
    let cmd = python_command();
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| command_word(&a.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One word of a command line as `$BROWSER` is read: Windows in double quotes (`C:\Program
/// Files\...`), Unix as is (the test paths have no spaces).
pub fn command_word(word: &str) -> String {
    if cfg!(windows) {
        format!("\"{word}\"")
    } else {
        word.to_string()
    }
}

/// `$BROWSER` for a sign-in: `fake_browser.py` (a browser whose user is signed in) run by
/// Python; skips the test where there is no Python.
pub fn fake_browser() -> String {
    format!(
        "{} {} %s",
        python_command_line(),
        command_word(&source_file("tests/support/fake_browser.py").to_string_lossy())
    )
}

/// Stops the test as skipped (see `harness`) unless Python with botocore, the independent
/// client, can be run here.
pub fn require_botocore() {
    static FOUND: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let found = *FOUND.get_or_init(|| {
        python_command()
            .args(["-c", "import botocore"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .output()
            .is_ok_and(|o| o.status.success())
    });
    skip_unless(
        found,
        "botocore",
        if cfg!(windows) {
            "needs Python with botocore: not on this Windows machine (python -m pip install botocore)"
        } else {
            "python3 with botocore is not installed (python3 -m pip install botocore)"
        },
    );
}
