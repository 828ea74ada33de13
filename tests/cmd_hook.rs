//! cmd.exe under wine: what `export --format cmd` and the `init cmd` hook do in a real cmd.
//! (`tests/init.rs` covers use-profile, the prompt and --clear.)

use crate::support;
use crate::support::shells;

use std::path::Path;
use std::time::Duration;

use support::Sandbox;

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    sb.seed_token(support::START_URL, Duration::from_secs(8 * 3600));
    sb
}

fn win(p: &Path) -> String {
    format!("Z:{}", p.display().to_string().replace('/', "\\"))
}

fn calling_exported_lines_never_echoes_the_secrets() {
    shells::require("cmd");
    let sb = sandbox();
    let exported = sb.ok(&["export", "koa-dev-customer", "--format", "cmd"]);
    let file = sb.home().join("aws-env.bat");
    std::fs::write(&file, &exported).unwrap();
    // As from a prompt or a batch file with echo on.
    let script = format!("echo on\r\ncall \"{}\"\r\n", win(&file));
    let ev = shells::eval_cmd(script.as_bytes(), &[]);
    let creds = &sb.server.issued_credentials()[0];
    assert_eq!(
        ev.get_lossy("AWS_SECRET_ACCESS_KEY").as_deref(),
        Some(creds.secret_access_key.as_str()),
        "{}",
        ev.describe()
    );
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&ev.stdout),
        String::from_utf8_lossy(&ev.stderr)
    );
    assert!(shown.contains("call"), "echo was on: {}", ev.describe());
    for secret in [&creds.secret_access_key, &creds.session_token] {
        assert!(!shown.contains(secret.as_str()), "echoed a secret: {shown}");
    }
}

/// A hook whose sso-env is a batch file replaying the real binary's output, which also fails
/// after printing a line.
fn fake_hook(sb: &Sandbox) -> String {
    let dir = sb.home();
    std::fs::write(
        dir.join("export.txt"),
        sb.ok(&["export", "koa-dev-customer", "--format", "cmd"]),
    )
    .unwrap();
    let fake = format!(
        "@echo off\r\n\
         if \"%~5\"==\"koa-dev-customer\" (type \"{e}\" & exit /b 0)\r\n\
         if \"%~5\"==\"failing\" (echo @set \"AWS_ACCESS_KEY_ID=from-a-failed-run\"& exit /b 3)\r\n\
         exit /b 1\r\n",
        e = win(&dir.join("export.txt"))
    );
    std::fs::write(dir.join("fake-sso-env.cmd"), fake).unwrap();
    let hook = sb.ok(&["init", "cmd", "--exe", &win(&dir.join("fake-sso-env.cmd"))]);
    std::fs::write(dir.join("hook.cmd"), hook).unwrap();
    win(&dir.join("hook.cmd"))
}

fn a_failure_changes_nothing_whatever_its_exit_code() {
    shells::require("cmd");
    let sb = sandbox();
    let h = fake_hook(&sb);
    let tmp = sb.home().join("temp dir");
    std::fs::create_dir(&tmp).unwrap();
    let script = format!(
        "set \"TEMP={t}\"\r\ncall \"{h}\"\r\ncall \"{h}\" use failing\r\nset \"STATUS=%ERRORLEVEL%\"\r\n",
        t = win(&tmp)
    );
    let ev = shells::eval_cmd(script.as_bytes(), &[]);
    assert!(ev.env_captured, "{}", ev.describe());
    assert_eq!(ev.get("AWS_ACCESS_KEY_ID"), None, "{}", ev.describe());
    assert_eq!(ev.get_lossy("STATUS").as_deref(), Some("1"));
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "temp left behind"
    );

    // A crashed Windows process exits with a negative code, which `if errorlevel 1` misses.
    // (Wine's `call` turns every failure into 1, so the check itself is run here on a
    // negative code from `cmd /c exit -1`.)
    let hook = sb.ok(&["init", "cmd"]);
    assert!(
        hook.contains("\r\nif errorlevel 1 goto :failed\r\nif not errorlevel 0 goto :failed\r\n"),
        "{hook}"
    );
    let ev = shells::eval_cmd(
        b"cmd /c exit -1\r\nif errorlevel 1 set \"GE1=yes\"\r\nif not errorlevel 0 set \"LT0=yes\"\r\n",
        &[],
    );
    assert_eq!(ev.get("GE1"), None, "{}", ev.describe());
    assert_eq!(
        ev.get_lossy("LT0").as_deref(),
        Some("yes"),
        "{}",
        ev.describe()
    );
}

fn the_temp_directory_is_never_one_that_exists() {
    shells::require("cmd");
    let sb = sandbox();
    let h = fake_hook(&sb);
    let tmp = sb.home().join("temp dir");
    // A user variable RANDOM fixes cmd's %RANDOM%: every name drawn is sso-env-7-7, as for two
    // windows opened in the same second.
    let planted = tmp.join("sso-env-7-7");
    std::fs::create_dir_all(&planted).unwrap();
    std::fs::write(
        planted.join("vars.cmd"),
        "@set \"AWS_ACCESS_KEY_ID=planted\"\r\n",
    )
    .unwrap();
    let script = format!(
        "set \"TEMP={t}\"\r\nset \"RANDOM=7\"\r\ncall \"{h}\"\r\ncall \"{h}\" use koa-dev-customer\r\nset \"STATUS=%ERRORLEVEL%\"\r\n",
        t = win(&tmp)
    );
    let ev = shells::eval_cmd(script.as_bytes(), &[]);
    assert!(ev.env_captured, "{}", ev.describe());
    assert_eq!(ev.get("AWS_ACCESS_KEY_ID"), None, "{}", ev.describe());
    assert_eq!(ev.get_lossy("STATUS").as_deref(), Some("1"));
    assert!(
        String::from_utf8_lossy(&ev.stderr).contains("cannot create a directory"),
        "{}",
        ev.describe()
    );
    assert!(
        planted.join("vars.cmd").exists(),
        "someone else's directory removed"
    );

    // Once the name is free, the same fixed draw works and leaves nothing behind.
    std::fs::remove_dir_all(&planted).unwrap();
    let ev = shells::eval_cmd(script.as_bytes(), &[]);
    let key = &sb.server.issued_credentials()[0].access_key_id;
    assert_eq!(
        ev.get_lossy("AWS_ACCESS_KEY_ID").as_deref(),
        Some(key.as_str()),
        "{}",
        ev.describe()
    );
    assert_eq!(ev.get_lossy("STATUS").as_deref(), Some("0"));
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "temp left behind"
    );
}

/// cmd's --install writes the registry: off Windows it refuses and writes nothing. (The other
/// shells' --install edits a startup file: tests/init_install.rs.)
fn cmd_install_needs_windows() {
    let sb = sandbox();
    if cfg!(windows) {
        return; // tests/windows.rs runs --install for real.
    }
    for flag in ["--install", "--uninstall"] {
        let out = sb.run(&["init", "cmd", flag]);
        let line = support::fails_cleanly(&out, flag);
        assert!(line.contains("run this on Windows"), "{line}");
    }
    assert!(!sb.home().join("sso-env-hook.cmd").exists());
}

/// A hook whose sso-env is a batch file that prints `exported` (what the real binary printed)
/// whatever it is asked.
fn replay_hook(sb: &Sandbox, exported: &str) -> String {
    let dir = sb.home();
    std::fs::write(dir.join("replay.txt"), exported).unwrap();
    let fake = format!(
        "@echo off\r\ntype \"{}\"\r\nexit /b 0\r\n",
        win(&dir.join("replay.txt"))
    );
    std::fs::write(dir.join("replay-sso-env.cmd"), fake).unwrap();
    let hook = sb.ok(&[
        "init",
        "cmd",
        "--exe",
        &win(&dir.join("replay-sso-env.cmd")),
    ]);
    std::fs::write(dir.join("hook.cmd"), hook).unwrap();
    win(&dir.join("hook.cmd"))
}

/// Static keys have no role and no expiry: the prompt names the profile and nothing else (it
/// once showed `(keys  until ~11,5Z)`, cmd's text for a substring of an unset variable). A `$`
/// in the name is shown as it is, not taken as a PROMPT code (`$G` is `>`).
fn static_keys_prompt_names_the_profile_and_shows_dollars_as_text() {
    shells::require("cmd");
    let sb = Sandbox::new();
    sb.write_config(
        "[profile team$G&keys]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = s3cret\n",
    );
    let exported = sb.ok(&["export", "team$G&keys", "--format", "cmd"]);
    let h = replay_hook(&sb, &exported);
    // With echo on, cmd shows its prompt before each command it runs.
    let script = format!(
        "call \"{h}\"\r\ncall \"{h}\" use \"team$G&keys\"\r\necho on\r\nrem shown\r\n@echo off\r\n"
    );
    let ev = shells::eval_cmd(script.as_bytes(), &[]);
    assert_eq!(
        ev.get_lossy("AWS_ACCESS_KEY_ID").as_deref(),
        Some("AKIASTATIC"),
        "{}",
        ev.describe()
    );
    assert_eq!(
        ev.get_lossy("PROMPT").as_deref(),
        Some("(team$$G&keys)$S$P$G"),
        "{}",
        ev.describe()
    );
    let out = String::from_utf8_lossy(&ev.stdout);
    let shown = out
        .lines()
        .map(str::trim_end)
        .find(|l| l.ends_with(">rem shown"))
        .unwrap_or("");
    assert!(shown.starts_with("(team$G&keys) "), "{}", ev.describe());
    assert!(!shown.contains('~'), "{}", ev.describe());
}

/// Runs the hook as AutoRun does, with cmd's command line `line` (as a user variable, which cmd
/// reads before its own %CMDCMDLINE%; wine's cmd has none of its own) and `extra` lines before;
/// whether it set up, and the sso-env path it keeps.
fn autorun(h: &str, line: &str, extra: &str) -> (bool, Option<String>) {
    let script = format!(
        "set \"CMDCMDLINE={line}\"\r\n{extra}call \"{h}\" autorun \"C:\\Program Files (x86)\\sso-env.exe\"\r\n"
    );
    let ev = shells::eval_cmd(script.as_bytes(), &[]);
    assert!(ev.env_captured, "{}", ev.describe());
    let ran = ev.get("SSO_ENV_SHOW_PROMPT").is_some();
    (ran, ev.get_lossy("SSO_ENV_HOOK_EXE"))
}

/// From AutoRun, SSO_ENV_NOAUTORUN keeps the hook out (as CLINK_NOAUTORUN does Clink); else it
/// sets up and keeps the sso-env path AutoRun handed it. Called by hand it always sets up.
fn autorun_honours_the_opt_out_and_keeps_the_exe_it_was_given() {
    shells::require("cmd");
    let sb = sandbox();
    let h = fake_hook(&sb);
    let console = r#""C:\Windows\system32\cmd.exe""#;
    let exe = "C:\\Program Files (x86)\\sso-env.exe";
    assert_eq!(autorun(&h, console, ""), (true, Some(exe.to_string())));
    assert_eq!(
        autorun(&h, console, "set \"SSO_ENV_NOAUTORUN=1\"\r\n"),
        (false, None)
    );
    let script = format!("set \"SSO_ENV_NOAUTORUN=1\"\r\ncall \"{h}\"\r\n");
    let ev = shells::eval_cmd(script.as_bytes(), &[]);
    assert_eq!(ev.get_lossy("SSO_ENV_SHOW_PROMPT").as_deref(), Some("1"));
}

/// Whether this cmd does `!VAR:a=b!` (Windows' does; wine 8's expands no modifier under delayed
/// expansion).
fn cmd_substitutes_under_delayed_expansion() -> bool {
    let ev = shells::eval_cmd(
        b"setlocal EnableDelayedExpansion\r\nset \"A=x/cy\"\r\nif \"!A:/c=!\"==\"xy\" endlocal & set \"SUBST=yes\"\r\n",
        &[],
    );
    ev.get("SUBST").is_some()
}

/// From AutoRun the hook stays out of `cmd /c` shells (every `for /f` subshell, npm and make
/// tasks), as Clink does: /k anywhere, or neither /c nor /r, is an interactive cmd.
fn autorun_stays_out_of_cmd_c_shells() {
    shells::require("cmd");
    support::skip_unless(
        cmd_substitutes_under_delayed_expansion(),
        "cmd's !VAR:a=b!",
        "wine 8's cmd has no %CMDCMDLINE% and no !VAR:a=b!, which the hook reads it with; runs on Windows",
    );
    let sb = sandbox();
    let h = fake_hook(&sb);
    for (line, runs) in [
        (
            r#"C:\Windows\system32\cmd.exe /c "npm run build & echo done""#,
            false,
        ),
        ("C:\\WINDOWS\\system32\\cmd.exe /C dir /b", false),
        ("cmd /r make", false),
        (r#""C:\Windows\system32\cmd.exe""#, true),
        (r#"cmd.exe /k "C:/conda/activate.bat""#, true),
    ] {
        assert_eq!(autorun(&h, line, "").0, runs, "{line}");
    }
}
crate::tests![
    calling_exported_lines_never_echoes_the_secrets,
    a_failure_changes_nothing_whatever_its_exit_code,
    the_temp_directory_is_never_one_that_exists,
    cmd_install_needs_windows,
    static_keys_prompt_names_the_profile_and_shows_dollars_as_text,
    autorun_honours_the_opt_out_and_keeps_the_exe_it_was_given,
    autorun_stays_out_of_cmd_c_shells,
];
