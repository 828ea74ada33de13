//! `sso-env exec`: the command gets the credentials, its arguments verbatim, and replaces us.

use crate::support;

use std::collections::BTreeMap;
#[cfg(unix)]
use std::os::unix::ffi::OsStrExt;
#[cfg(unix)]
use std::os::unix::process::ExitStatusExt;
use std::time::Duration;

use support::{fails_cleanly, Sandbox};

fn signed_in() -> Sandbox {
    let sb = Sandbox::new();
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    sb
}

/// `args` followed by a command printing its environment as `env -0` does.
fn with_print_env<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let print_env: &'static [String] = PRINT_ENV.get_or_init(support::harness::print_env_argv);
    args.iter()
        .copied()
        .chain(print_env.iter().map(String::as_str))
        .collect()
}

static PRINT_ENV: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

fn env0(bytes: &[u8]) -> BTreeMap<String, String> {
    bytes
        .split(|b| *b == 0)
        .filter(|e| !e.is_empty())
        .filter_map(|e| {
            let s = String::from_utf8_lossy(e);
            s.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

fn command_gets_the_credentials_and_stale_variables_are_gone() {
    let sb = signed_in();
    let out = sb
        .command(&with_print_env(&["exec", "koa-dev-customer", "--"]))
        .env("AWS_SECURITY_TOKEN", "stale")
        .env("AWS_ACCESS_KEY_ID", "OUTER")
        .env("AWS_PROFILE", "outer")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env = env0(&out.stdout);
    let c = &sb.server.issued_credentials()[0];
    assert_eq!(
        env["AWS_ACCESS_KEY_ID"], c.access_key_id,
        "inner profile replaces the outer one"
    );
    assert_eq!(env["AWS_SECRET_ACCESS_KEY"], c.secret_access_key);
    assert_eq!(env["AWS_SESSION_TOKEN"], c.session_token);
    assert_eq!(env["AWS_PROFILE"], "koa-dev-customer");
    assert_eq!(env["AWS_REGION"], "eu-west-1");
    assert!(!env.contains_key("AWS_SECURITY_TOKEN"));
    assert_eq!(
        env["HOME"],
        sb.home().to_string_lossy(),
        "the rest of the environment is kept"
    );
}

#[cfg(unix)]
fn arguments_pass_verbatim() {
    let sb = signed_in();
    let weird: Vec<std::ffi::OsString> = vec![
        "".into(),
        "a b".into(),
        "$(touch pwned)".into(),
        "'\"\\".into(),
        "--".into(),
        std::ffi::OsStr::from_bytes(b"\xff\xfe").into(),
        "é\n".into(),
    ];
    let mut cmd = sb.command(&["exec", "koa-dev-customer", "--", "printf", "%s\\0"]);
    cmd.args(&weird);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<&[u8]> = out.stdout.split(|b| *b == 0).collect();
    let want: Vec<&[u8]> = weird
        .iter()
        .map(|a| a.as_bytes())
        .chain([&b""[..]])
        .collect();
    assert_eq!(got, want);
    assert!(!sb.home().join("pwned").exists());
}

#[cfg(unix)]
fn exit_code_signal_and_pid_are_the_commands() {
    let sb = signed_in();
    let out = sb.run(&["exec", "koa-dev-customer", "--", "sh", "-c", "exit 7"]);
    assert_eq!(out.status.code(), Some(7));
    let out = sb.run(&[
        "exec",
        "koa-dev-customer",
        "--",
        "sh",
        "-c",
        "kill -TERM $$",
    ]);
    assert_eq!(out.status.signal(), Some(15), "{:?}", out.status);
    // The process is replaced: the shell's PID is the one we started.
    let child = sb
        .command(&["exec", "koa-dev-customer", "--", "sh", "-c", "echo $$"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), pid.to_string());
}

fn missing_command_is_127_with_its_name() {
    let sb = signed_in();
    let out = sb.run(&[
        "exec",
        "koa-dev-customer",
        "--",
        "no-such-command-xyz",
        "arg",
    ]);
    assert_eq!(out.status.code(), Some(127));
    let line = fails_cleanly(&out, "missing command");
    assert!(
        line.contains("command not found: no-such-command-xyz"),
        "{line}"
    );
}

fn profile_defaults_to_aws_profile_so_nesting_works() {
    let sb = signed_in();
    sb.seed_token(support::START_URL, Duration::from_secs(3600));
    // Outer: legacy-style; inner, chosen by $AWS_PROFILE set by the outer exec: same profile.
    let bin = support::bin();
    let out = sb
        .command(&with_print_env(&[
            "exec",
            "--",
            bin.to_str().unwrap(),
            "exec",
            "koa-dev-customer",
            "--",
        ]))
        .env("AWS_PROFILE", "legacy-style")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env = env0(&out.stdout);
    assert_eq!(env["AWS_PROFILE"], "koa-dev-customer");
    assert_eq!(env["SSO_ENV_ACCOUNT_ID"], "931827427725");
    let out = sb
        .command(&with_print_env(&["exec", "--"]))
        .env("AWS_PROFILE", "legacy-style")
        .output()
        .unwrap();
    assert_eq!(env0(&out.stdout)["SSO_ENV_ACCOUNT_ID"], "111111111111");
}

fn a_command_without_double_dash_is_told_where_it_goes() {
    let sb = signed_in();
    for (args, profile) in [
        (&["exec", "koa-dev-customer", "echo", "hi"][..], None),
        (&["exec", "echo", "hi"][..], Some("koa-dev-customer")),
        (&["exec", "echo"][..], Some("koa-dev-customer")),
        (&["exec", "koa-dev-customer"][..], None),
    ] {
        let mut cmd = sb.command(args);
        if let Some(p) = profile {
            cmd.env("AWS_PROFILE", p);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let line = fails_cleanly(&out, &format!("{args:?}"));
        assert!(
            line.contains("put the command after --")
                && line.contains("sso-env exec [PROFILE] -- COMMAND"),
            "{args:?}: {line}"
        );
    }
    // An unknown option is still named as such.
    let line = sb.fails(&["exec", "--bogus", "--", "true"]);
    assert!(line.contains("'--bogus'"), "{line}");
}

/// The x bit is a Unix notion; on Windows this test does not apply.
#[cfg(unix)]
fn a_file_that_is_not_executable_is_126_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let sb = signed_in();
    let script = sb.home().join("script.sh");
    std::fs::write(&script, "#!/bin/sh\necho ran\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
    let bin_dir = sb.home().join("bin");
    std::fs::create_dir(&bin_dir).unwrap();
    std::fs::copy(&script, bin_dir.join("only-readable")).unwrap();
    // By path, and found on PATH only as a file without the x bit: bash says the same.
    for (cmd_name, path) in [
        ("./script.sh", None),
        (script.to_str().unwrap(), None),
        ("only-readable", Some(&bin_dir)),
    ] {
        let mut cmd = sb.command(&["exec", "koa-dev-customer", "--", cmd_name]);
        if let Some(dir) = path {
            cmd.env("PATH", format!("{}:/usr/bin:/bin", dir.display()));
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(126), "{cmd_name}");
        let line = fails_cleanly(&out, cmd_name);
        assert!(
            line.contains("permission denied") && line.contains(cmd_name),
            "{cmd_name}: {line}"
        );
        let bash = std::process::Command::new(crate::support::harness::require_unix("bash"))
            .args(["-c", cmd_name])
            .env(
                "PATH",
                path.map_or("/usr/bin:/bin".into(), |d| {
                    format!("{}:/usr/bin:/bin", d.display())
                }),
            )
            .current_dir(sb.home())
            .output()
            .unwrap();
        assert_eq!(bash.status.code(), Some(126), "bash agrees for {cmd_name}");
    }
    // A directory, too.
    let out = sb.run(&["exec", "koa-dev-customer", "--", "./bin"]);
    assert_eq!(out.status.code(), Some(126));
}

crate::tests![
    command_gets_the_credentials_and_stale_variables_are_gone,
    #[cfg(unix)]
    arguments_pass_verbatim,
    #[cfg(unix)]
    exit_code_signal_and_pid_are_the_commands,
    missing_command_is_127_with_its_name,
    profile_defaults_to_aws_profile_so_nesting_works,
    a_command_without_double_dash_is_told_where_it_goes,
    #[cfg(unix)]
    a_file_that_is_not_executable_is_126_permission_denied,
];
