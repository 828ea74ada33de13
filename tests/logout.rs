//! `sso-env logout` ends the sign-in, but role credentials already exported stay valid until
//! they expire: when this shell holds some from the session logged out, logout says so.

use crate::support;

use std::time::Duration;

use support::{parse_json_vars, Sandbox};

fn exported(sb: &Sandbox, profile: &str) -> Vec<(String, String)> {
    let json = sb.ok(&["export", profile, "--format", "json"]);
    parse_json_vars(&json)
        .into_iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_string())))
        .collect()
}

fn logout(sb: &Sandbox, args: &[&str], env: &[(String, String)]) -> String {
    let mut all = vec!["logout"];
    all.extend_from_slice(args);
    let out = sb.command(&all).envs(env.iter().cloned()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    assert!(out.stdout.is_empty());
    stderr
}

fn logout_reminds_that_this_shell_still_holds_credentials() {
    let sb = Sandbox::new();
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    sb.seed_token(support::START_URL, Duration::from_secs(8 * 3600));
    let koa = exported(&sb, "koa-dev-customer");
    let legacy = exported(&sb, "legacy-style");
    let expiry = |vars: &[(String, String)]| {
        vars.iter()
            .find(|(k, _)| k == "AWS_CREDENTIAL_EXPIRATION")
            .unwrap()
            .1
            .clone()
    };

    // The shell holds credentials of another sign-in: nothing to say about them.
    let said = logout(&sb, &["--profile", "koa-dev-customer"], &legacy);
    assert!(!said.contains("use-profile --clear"), "{said}");

    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    let said = logout(&sb, &["--profile", "koa-dev-customer"], &koa);
    assert!(
        said.contains("use-profile --clear")
            && said.contains("'koa-dev-customer'")
            && said.contains(&expiry(&koa)),
        "{said}"
    );
    // By session name, and --all, too.
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    let said = logout(&sb, &["--sso-session", "koa"], &koa);
    assert!(said.contains("use-profile --clear"), "{said}");
    let said = logout(&sb, &["--all"], &legacy);
    assert!(
        said.contains("use-profile --clear") && said.contains(&expiry(&legacy)),
        "{said}"
    );
    // Nothing exported: no reminder.
    let said = logout(&sb, &["--all"], &[]);
    assert!(!said.contains("use-profile"), "{said}");
}

crate::tests![logout_reminds_that_this_shell_still_holds_credentials,];
