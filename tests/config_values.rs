//! Values in `~/.aws/config` that cannot be what the user meant (an inline comment, a typo) are
//! refused with the file, the line and the key, before anything is exported or signed in.
//! botocore keeps ` # ...` in the value, so exporting it would break every later AWS call.

use crate::support;

use support::{fails_cleanly, Sandbox, CONFIG};

/// `CONFIG` with one line replaced; returns the config and that line's number.
fn with_line(from: &str, to: &str) -> (String, usize) {
    assert!(CONFIG.contains(from), "{from}");
    let config = CONFIG.replacen(from, to, 1);
    let line = 1 + config[..config.find(to).unwrap()].matches('\n').count();
    (config, line)
}

fn inline_comments_and_bad_values_are_refused_with_their_line() {
    let cases = [
        (
            "region = eu-west-1",
            "region = us-west-2   # Oregon",
            "region",
            true,
        ),
        (
            "sso_region = eu-west-1\nsso_registration",
            "sso_region = eu-west-1 # Ireland\nsso_registration",
            "sso_region",
            true,
        ),
        (
            "sso_account_id = 931827427725",
            "sso_account_id = 931827427725 ; dev",
            "sso_account_id",
            true,
        ),
        (
            "sso_account_id = 931827427725",
            "sso_account_id = 93182742772",
            "sso_account_id",
            false,
        ),
        (
            "sso_role_name = idp_customer_access",
            "sso_role_name = idp_customer_access # mine",
            "sso_role_name",
            true,
        ),
        (
            "sso_session = koa",
            "sso_session = koa  # the company one",
            "sso_session",
            true,
        ),
        (
            "sso_start_url = https://d-1234567890.awsapps.com/start",
            "sso_start_url = https://d-1234567890.awsapps.com/start # prod",
            "sso_start_url",
            true,
        ),
    ];
    for (from, to, key, comment) in cases {
        let sb = Sandbox::new();
        let (config, line) = with_line(from, to);
        sb.write_config(&config);
        sb.seed_token("koa", std::time::Duration::from_secs(3600));
        for args in [
            &["export", "koa-dev-customer", "--format", "sh"][..],
            &["login", "--profile", "koa-dev-customer", "--no-browser"][..],
        ] {
            // Signing in needs only where to sign in.
            let login_key = ["sso_region", "sso_start_url", "sso_session"].contains(&key);
            if args[0] == "login" && !login_key {
                continue;
            }
            let out = sb
                .command(args)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap();
            let msg = fails_cleanly(&out, to);
            let at = format!("{}:{line}:", sb.config_path().display());
            assert!(msg.contains(&at), "{to}: {msg} (wants {at})");
            assert!(msg.contains(key), "{to}: {msg}");
            assert_eq!(
                msg.contains("does not start a comment"),
                comment,
                "{to}: {msg}"
            );
        }
        assert!(
            sb.server.requests().is_empty(),
            "{to}: nothing was asked of Identity Center"
        );
    }
}

/// The reason to refuse: botocore reads the comment as part of the value.
fn botocore_keeps_the_comment_in_the_value() {
    let sb = Sandbox::new();
    let (config, _) = with_line("region = eu-west-1", "region = us-west-2   # Oregon");
    sb.write_config(&config);
    let out = support::python(
        &sb,
        "import botocore.session; s = botocore.session.Session(profile='koa-dev-customer'); print(s.get_config_variable('region'))",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "us-west-2   # Oregon"
    );
}

fn ordinary_values_still_work() {
    let sb = Sandbox::new();
    let config = CONFIG
        .replace("region = eu-west-1", "region = us-gov-west-1")
        .replace(
            "sso_role_name = idp_customer_access",
            "sso_role_name = Admin+Ops=x,y.z@w-1",
        );
    sb.write_config(&config);
    sb.seed_token("koa", std::time::Duration::from_secs(3600));
    sb.server
        .add_account("931827427725", "koa-dev", &["Admin+Ops=x,y.z@w-1"]);
    let out = sb.ok(&["export", "koa-dev-customer", "--format", "sh"]);
    assert!(out.contains("AWS_REGION='us-gov-west-1'"), "{out}");
}

crate::tests![
    inline_comments_and_bad_values_are_refused_with_their_line,
    botocore_keeps_the_comment_in_the_value,
    ordinary_values_still_work,
];
