//! Windows only (the GitHub Windows runner; also run under wine): cmd's AutoRun edited by
//! `init cmd --install`/`--uninstall`, and the shell detected from the parent process.
//! Self-contained (std only), so it builds whatever the Unix-only test support does.
#![cfg(windows)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_sso-env"))
}

fn temp_home(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sso-env-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn reg(args: &[&str]) -> Output {
    Command::new("reg").args(args).output().unwrap()
}

/// The AutoRun value under `key` as `reg query` shows it (the tests' values are ASCII).
fn autorun(key: &str) -> Option<String> {
    let out = reg(&["query", &format!(r"HKCU\{key}"), "/v", "AutoRun"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("AutoRun"))?;
    let rest = line.trim_start().strip_prefix("AutoRun")?.trim_start();
    let value = rest.split_once("    ").map_or("", |(_, v)| v);
    Some(value.to_string())
}

fn sso_env(home: &Path, key: &str, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env("USERPROFILE", home)
        .env("SSO_ENV_AUTORUN_KEY", key)
        .env_remove("SHELL")
        .output()
        .unwrap()
}

fn install_keeps_other_autorun_commands_and_uninstall_removes_only_ours() {
    let home = temp_home("autorun home");
    let key = format!(r"Software\sso-env-test-{}", std::process::id());
    let other = "echo conda& echo clink";
    assert!(reg(&[
        "add",
        &format!(r"HKCU\{key}"),
        "/v",
        "AutoRun",
        "/t",
        "REG_SZ",
        "/d",
        other,
        "/f"
    ])
    .status
    .success());

    for _ in 0..2 {
        let out = sso_env(&home, &key, &["init", "cmd", "--install"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }
    let hook = home.join("sso-env-hook.cmd");
    let entry = format!("(if exist \"{0}\" call \"{0}\")", hook.display());
    assert_eq!(
        autorun(&key).as_deref(),
        Some(format!("{other} & {entry}").as_str())
    );
    // ASCII with CRLF, never UTF-16: cmd reads it in any code page.
    let bytes = std::fs::read(&hook).unwrap();
    assert!(bytes.is_ascii() && bytes.windows(2).any(|w| w == b"\r\n"));

    // What AutoRun runs runs the hook (the path has a space), which sets up the prompt.
    let bat = home.join("check.bat");
    std::fs::write(
        &bat,
        format!("@echo off\r\n{entry}\r\necho shown=%SSO_ENV_SHOW_PROMPT%\r\n"),
    )
    .unwrap();
    let out = Command::new("cmd")
        .args(["/d", "/c"])
        .arg(&bat)
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("shown=1"), "{shown}");

    let out = sso_env(&home, &key, &["init", "cmd", "--uninstall"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(autorun(&key).as_deref(), Some(other));
    assert!(!hook.exists());

    // Alone in AutoRun, ours goes with the value.
    reg(&["delete", &format!(r"HKCU\{key}"), "/v", "AutoRun", "/f"]);
    sso_env(&home, &key, &["init", "cmd", "--install"]);
    assert_eq!(autorun(&key).as_deref(), Some(entry.as_str()));
    sso_env(&home, &key, &["init", "cmd", "--uninstall"]);
    assert_eq!(autorun(&key), None);

    reg(&["delete", &format!(r"HKCU\{key}"), "/f"]);
    let _ = std::fs::remove_dir_all(&home);
}

fn the_parent_shell_decides_the_format() {
    let home = temp_home("detect");
    let out = Command::new("cmd")
        .args(["/d", "/c"])
        .arg(bin())
        .arg("unset")
        .env("USERPROFILE", &home)
        .env_remove("SHELL")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("@set \"AWS_ACCESS_KEY_ID=\"\r\n"),
        "{text}"
    );
    for ps in ["pwsh", "powershell"] {
        if !is_powershell(ps) {
            eprintln!("SKIPPED: {ps} not on PATH (or not a working PowerShell)");
            continue;
        }
        let script = format!("& '{}' unset", bin().display());
        match Command::new(ps)
            .args(["-NoProfile", "-NonInteractive", "-Command", &script])
            .env("USERPROFILE", &home)
            .env_remove("SHELL")
            .output()
        {
            Ok(out) => {
                let text = String::from_utf8_lossy(&out.stdout);
                assert!(
                    text.starts_with("$Env:AWS_ACCESS_KEY_ID = $null"),
                    "{ps}: {text}"
                );
            }
            Err(e) => eprintln!("SKIPPED: {ps} not on PATH ({e})"),
        }
    }
    let _ = std::fs::remove_dir_all(&home);
}

/// Whether `ps` runs PowerShell (wine ships a `powershell.exe` that does nothing).
fn is_powershell(ps: &str) -> bool {
    Command::new(ps)
        .args([
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            "$PSVersionTable.PSVersion.Major",
        ])
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<u32>()
                .is_ok()
        })
}

/// The cmd hook in the real cmd: a failing sso-env (here with -1, as a crashed process exits)
/// changes nothing, a working one sets the variables without echoing them, and nothing is left
/// in %TEMP%. sso-env is a batch file standing in for it.
fn cmd_hook_applies_only_what_succeeded() {
    let home = temp_home("cmd hook");
    let tmp = home.join("temp dir");
    std::fs::create_dir(&tmp).unwrap();
    let fake = home.join("fake-sso-env.cmd");
    std::fs::write(
        &fake,
        "@echo off\r\n\
         if \"%~5\"==\"good\" (echo @set \"AWS_ACCESS_KEY_ID=AKIAGOOD\"& exit /b 0)\r\n\
         echo @set \"AWS_ACCESS_KEY_ID=AKIABAD\"\r\n\
         exit /b -1\r\n",
    )
    .unwrap();
    let out = Command::new(bin())
        .args(["init", "cmd", "--exe"])
        .arg(&fake)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hook = home.join("hook.cmd");
    std::fs::write(&hook, &out.stdout).unwrap();
    let h = hook.display();
    let bat = home.join("run.bat");
    std::fs::write(
        &bat,
        format!(
            "@echo off\r\nset \"TEMP={t}\"\r\ncall \"{h}\"\r\necho on\r\n\
             call \"{h}\" use bad\r\n@echo status=%ERRORLEVEL% key=[%AWS_ACCESS_KEY_ID%]\r\n\
             call \"{h}\" use good\r\n@echo status=%ERRORLEVEL% key=[%AWS_ACCESS_KEY_ID%]\r\n",
            t = tmp.display()
        ),
    )
    .unwrap();
    let out = Command::new("cmd")
        .args(["/d", "/c"])
        .arg(&bat)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("status=1 key=[]"), "{text}");
    assert!(text.contains("status=0 key=[AKIAGOOD]"), "{text}");
    assert!(!text.contains("AKIABAD"), "{text}");
    assert!(!text.contains("set \"AWS"), "echoed: {text}");
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "temp left behind"
    );
    let _ = std::fs::remove_dir_all(&home);
}

crate::tests![
    install_keeps_other_autorun_commands_and_uninstall_removes_only_ours,
    the_parent_shell_decides_the_format,
    cmd_hook_applies_only_what_succeeded,
];
