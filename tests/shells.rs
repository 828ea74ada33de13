//! Every shell format, evaluated by the real shell (bash, zsh, dash, fish, cmd under wine) or
//! parsed (PowerShell, with tree-sitter-powershell), with hostile profile names and regions:
//! every byte must arrive as data and nothing may run.

use crate::support;
use crate::support::shells;

use std::time::Duration;

use shells::{Evaluated, HOSTILE};
use support::{fails_cleanly, Sandbox};

/// A profile name can hold anything a `[profile "..."]` header can: not a line break (the file
/// is line based; Python also splits on a lone CR) and not empty (that is no profile).
fn usable_as_profile_name(v: &str) -> bool {
    !v.is_empty() && !v.contains(['\n', '\r', '\0'])
}

/// A header botocore reads back as `name` (shlex double quotes escape `"` and `\`).
fn header(name: &str) -> String {
    format!(
        "[profile \"{}\"]",
        name.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// A sandbox whose config has one profile per hostile name, all on the same role.
fn hostile_sandbox() -> Sandbox {
    let sb = Sandbox::new();
    let mut config = support::CONFIG.to_string();
    for name in HOSTILE.iter().filter(|v| usable_as_profile_name(v)) {
        config.push_str(&format!("\n{}\nsso_session = koa\nsso_account_id = 931827427725\nsso_role_name = idp_customer_access\n", header(name)));
    }
    sb.write_config(&config);
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    sb
}

/// The cases: each hostile value as the region, and as the profile name where it can be one.
fn cases() -> impl Iterator<Item = (&'static str, &'static str)> {
    HOSTILE.iter().map(|v| {
        (
            if usable_as_profile_name(v) {
                *v
            } else {
                "koa-dev-customer"
            },
            *v,
        )
    })
}

fn export(sb: &Sandbox, format: &str, profile: &str, region: &str) -> std::process::Output {
    sb.command(&[
        "export",
        "--format",
        format,
        &format!("--region={region}"),
        "--",
        profile,
    ])
    .output()
    .unwrap()
}

/// Checks the evaluated environment holds exactly what export promised.
fn check(sb: &Sandbox, ev: &Evaluated, profile: &str, region: &str, what: &str) {
    assert!(
        ev.created_files.is_empty(),
        "{what}: the script ran something: {}",
        ev.describe()
    );
    assert!(ev.env_captured, "{what}: {}", ev.describe());
    let key = sb.server.issued_credentials()[0].access_key_id.clone();
    for (name, want) in [
        ("AWS_PROFILE", profile),
        ("SSO_ENV_PROFILE", profile),
        ("AWS_REGION", region),
        ("AWS_DEFAULT_REGION", region),
        ("AWS_ACCESS_KEY_ID", key.as_str()),
    ] {
        assert_eq!(
            ev.get(name),
            Some(want.as_bytes()),
            "{what}: {name}: got {:?}, want {want:?}\n{}",
            ev.get_lossy(name),
            ev.describe()
        );
    }
    assert_eq!(
        ev.get("AWS_SECURITY_TOKEN"),
        None,
        "{what}: stale variable left"
    );
}

fn posix_shell(shell: &str, format: &str) {
    shells::require(shell);
    let sb = hostile_sandbox();
    for (profile, region) in cases() {
        let out = export(&sb, format, profile, region);
        assert!(
            out.status.success(),
            "{profile:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ev = shells::eval_posix(shell, &out.stdout, &[("AWS_SECURITY_TOKEN", "stale")]);
        check(
            &sb,
            &ev,
            profile,
            region,
            &format!("{shell} {profile:?} / {region:?}"),
        );
    }
}

fn bash_carries_hostile_values() {
    posix_shell("bash", "bash");
}

fn zsh_carries_hostile_values() {
    posix_shell("zsh", "zsh");
}

fn dash_carries_hostile_values() {
    posix_shell("dash", "sh");
}

fn fish_carries_hostile_values() {
    shells::require("fish");
    let sb = hostile_sandbox();
    for (profile, region) in cases() {
        let out = export(&sb, "fish", profile, region);
        assert!(
            out.status.success(),
            "{profile:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ev = shells::eval_fish(&out.stdout, &[("AWS_SECURITY_TOKEN", "stale")]);
        check(
            &sb,
            &ev,
            profile,
            region,
            &format!("fish {profile:?} / {region:?}"),
        );
        assert_eq!(
            ev.status,
            0,
            "the script's status is the last set's: {}",
            ev.describe()
        );
    }
}

fn powershell_output_parses_to_exactly_the_values() {
    let sb = hostile_sandbox();
    let key = sb.ok(&["export", "koa-dev-customer", "--format", "json"]);
    let key = support::parse_json_vars(&key)["AWS_ACCESS_KEY_ID"]
        .as_str()
        .unwrap()
        .to_string();
    for alias in ["powershell", "pwsh"] {
        for (profile, region) in cases() {
            let out = export(&sb, alias, profile, region);
            assert!(
                out.status.success(),
                "{profile:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let script = String::from_utf8(out.stdout).unwrap();
            // PowerShell decodes a native program's output in the console code page.
            assert!(script.is_ascii(), "{profile:?}: not ASCII:\n{script}");
            let stmts = shells::parse_powershell(&script)
                .unwrap_or_else(|e| panic!("{profile:?}: {e}\n{script}"));
            let get = |n: &str| {
                stmts
                    .iter()
                    .rev()
                    .find(|(k, _)| k == n)
                    .and_then(|(_, v)| v.clone())
            };
            assert_eq!(get("AWS_PROFILE").as_deref(), Some(profile));
            assert_eq!(get("AWS_REGION").as_deref(), Some(region));
            assert_eq!(get("AWS_ACCESS_KEY_ID").as_deref(), Some(key.as_str()));
            assert!(
                stmts
                    .iter()
                    .any(|(k, v)| k == "AWS_SECURITY_TOKEN" && v.is_none()),
                "stale variable removed"
            );
        }
    }
}

fn cmd_carries_what_it_can_and_refuses_the_rest() {
    shells::require("cmd");
    let sb = hostile_sandbox();
    let (mut carried, mut refused) = (0, 0);
    for (profile, region) in cases() {
        let out = export(&sb, "cmd", profile, region);
        let can = [profile, region]
            .iter()
            .all(|v| shells::cmd_can_carry(v) && v.is_ascii());
        if !can {
            let line = fails_cleanly(&out, &format!("cmd {profile:?} / {region:?}"));
            assert!(
                line.contains("cannot write") && line.contains("for cmd"),
                "{line}"
            );
            refused += 1;
            continue;
        }
        assert!(
            out.status.success(),
            "{profile:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stdout.windows(2).filter(|w| w == b"\r\n").count() >= 10,
            "CRLF line ends"
        );
        let ev = shells::eval_cmd(&out.stdout, &[("AWS_SECURITY_TOKEN", "stale")]);
        check(
            &sb,
            &ev,
            profile,
            region,
            &format!("cmd {profile:?} / {region:?}"),
        );
        carried += 1;
    }
    assert!(
        carried >= 20 && refused >= 10,
        "carried {carried}, refused {refused}"
    );
}

fn unset_output_removes_everything_in_each_shell() {
    let sb = hostile_sandbox();
    let exported = sb.ok(&["export", "koa-dev-customer", "--format", "bash"]);
    let unset = sb.ok(&["unset", "--format", "bash"]);
    let ev = shells::eval_posix("bash", format!("{exported}\n{unset}").as_bytes(), &[]);
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "SSO_ENV_PROFILE",
        "SSO_ENV_EXPIRES_AT",
    ] {
        assert_eq!(ev.get(name), None, "{name}: {}", ev.describe());
    }
    // The region was sso-env's (it equals SSO_ENV_REGION) only when unset runs in that shell;
    // here unset ran outside it, so the user's view is kept: nothing about regions is removed.
    let exported = sb.ok(&["export", "koa-dev-customer", "--format", "fish"]);
    let unset = sb.ok(&["unset", "--format", "fish"]);
    let ev = shells::eval_fish(format!("{exported}\n{unset}").as_bytes(), &[]);
    assert_eq!(ev.get("AWS_SESSION_TOKEN"), None, "{}", ev.describe());
    assert_eq!(ev.status, 0, "{}", ev.describe());
}

fn default_format_follows_the_calling_shell() {
    let sb = hostile_sandbox();
    let bin = support::bin();
    let bin = bin.to_str().unwrap();
    // $(...) runs sso-env from a child of the shell, as `eval "$(sso-env export)"` does.
    let cases = [
        (
            "bash",
            "x=$(BIN export koa-dev-customer); printf %s \"$x\"",
            "export AWS_PROFILE='koa-dev-customer'",
        ),
        (
            "zsh",
            "x=$(BIN export koa-dev-customer); printf %s \"$x\"",
            "export AWS_PROFILE='koa-dev-customer'",
        ),
        (
            "fish",
            "BIN export koa-dev-customer | string collect",
            "set -gx AWS_PROFILE 'koa-dev-customer'",
        ),
    ];
    for (shell, script, want) in cases {
        let mut cmd = std::process::Command::new(shell);
        sb.clean_env(&mut cmd);
        let out = cmd
            .arg("-c")
            .arg(script.replace("BIN", bin))
            .env("SHELL", "/bin/sh")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.lines().any(|l| l == want),
            "{shell}: {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Not run from a shell: $SHELL decides.
    let out = sb
        .command(&["export", "koa-dev-customer"])
        .env("SHELL", "/usr/bin/fish")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("set -gx AWS_PROFILE 'koa-dev-customer'"));
    let out = sb
        .command(&["export", "koa-dev-customer"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("export AWS_PROFILE='koa-dev-customer'"),
        "sh by default"
    );
}

fn dotenv_is_literal_or_refused() {
    let sb = hostile_sandbox();
    let out = sb.ok(&[
        "export",
        "koa-dev-customer",
        "--format",
        "dotenv",
        "--region=a $b",
    ]);
    assert!(out.lines().any(|l| l == "AWS_REGION='a $b'"), "{out}");
    let out = export(&sb, "dotenv", "koa-dev-customer", "it's $(x)");
    let line = fails_cleanly(&out, "dotenv");
    assert!(
        line.contains("cannot write AWS_REGION for dotenv"),
        "{line}"
    );
}

crate::tests![
    bash_carries_hostile_values,
    zsh_carries_hostile_values,
    dash_carries_hostile_values,
    fish_carries_hostile_values,
    powershell_output_parses_to_exactly_the_values,
    cmd_carries_what_it_can_and_refuses_the_rest,
    unset_output_removes_everything_in_each_shell,
    default_format_follows_the_calling_shell,
    dotenv_is_literal_or_refused,
];
