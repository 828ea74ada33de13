//! Everyday commands: `profiles` (table and JSON with sign-in and cache state), `discover`
//! (accounts and roles across pages and throttling, `--write` merging into the config) and
//! `console` (federation sign-in) against the stand-in.

use crate::support;

use std::time::{Duration, SystemTime};

use serde_json::Value;
use support::{python, Sandbox};

const HOUR: Duration = Duration::from_secs(3600);

const MORE: &str = "
# a comment that must survive
[sso-session other]
sso_start_url = https://d-other.awsapps.com/start
sso_region = us-east-1

[profile other-admin]
sso_session = other
sso_account_id = 222222222222
sso_role_name = Admin

[profile plain]
region = us-west-2
";

fn profiles_json_reports_sign_in_and_cache_state() {
    let sb = Sandbox::new();
    sb.write_config(&format!("{}{MORE}", support::CONFIG));
    sb.seed_token("koa", 8 * HOUR);
    let expired = sb.server.issue_token(HOUR);
    sb.write_token_file(
        support::START_URL,
        &expired,
        SystemTime::now() - Duration::from_secs(60),
    );
    sb.ok(&["export", "koa-dev-customer"]);
    let v: Value = serde_json::from_str(&sb.ok(&["profiles", "--json"])).unwrap();
    let by = |name: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {v}"))
            .clone()
    };
    let koa = by("koa-dev-customer");
    assert_eq!(koa["sso"], true);
    assert_eq!(koa["account_id"], "931827427725");
    assert_eq!(koa["sso_session"], "koa");
    assert_eq!(koa["login"]["valid"], true);
    assert_eq!(koa["cached_credentials"]["valid"], true);
    let legacy = by("legacy-style");
    assert_eq!(legacy["login"]["valid"], false, "{legacy}");
    assert_eq!(legacy["cached_credentials"], Value::Null);
    assert_eq!(by("other-admin")["login"], Value::Null, "no token at all");
    assert_eq!(by("plain")["sso"], false);
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names.last(),
        Some(&"plain"),
        "SSO profiles first: {names:?}"
    );

    let table = sb.ok(&["profiles"]);
    assert!(
        table.lines().all(|l| l.chars().count() <= 80),
        "fits 80 columns:\n{table}"
    );
    assert!(!table.contains('\x1b'), "no colour when not a terminal");
    let row = |name: &str| {
        table
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name}:\n{table}"))
            .to_string()
    };
    let koa = row("koa-dev-customer");
    assert!(
        (koa.contains(" 8h00m ") || koa.contains(" 7h59m "))
            && (koa.ends_with(" 1h00m") || koa.ends_with(" 59m")),
        "{table}"
    );
    assert!(row("legacy-style").contains("expired"), "{table}");
    assert!(row("plain").contains("(no credentials"), "{table}");
}

/// Five accounts over three pages, roles over pages too.
fn organisation(sb: &Sandbox) -> Vec<(String, String)> {
    sb.server.set_page_size(2);
    let accounts = [
        (
            "333333333333",
            "Data Lake",
            &["Admin", "ReadOnly", "Analyst"][..],
        ),
        ("444444444444", "web/prod", &["Deploy"]),
        (
            "555555555555",
            "Sandbox",
            &["Admin", "PowerUser", "ReadOnly"],
        ),
    ];
    for (id, name, roles) in accounts {
        sb.server.add_account(id, name, roles);
    }
    let mut all = vec![
        (
            "931827427725".to_string(),
            "idp_customer_access".to_string(),
        ),
        ("931827427725".to_string(), "ReadOnly".to_string()),
        ("111111111111".to_string(), "ReadOnly".to_string()),
    ];
    for (id, _, roles) in accounts {
        all.extend(roles.iter().map(|r| (id.to_string(), r.to_string())));
    }
    all.sort();
    all
}

fn stanza_pairs(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut account = None;
    for line in text.lines() {
        if let Some(a) = line.strip_prefix("sso_account_id = ") {
            account = Some(a.to_string());
        }
        if let Some(r) = line.strip_prefix("sso_role_name = ") {
            pairs.push((account.take().unwrap(), r.to_string()));
        }
    }
    pairs.sort();
    pairs
}

fn discover_finds_every_pair_across_pages_and_throttling() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    let all = organisation(&sb);
    sb.server.fail_next("ListAccounts", 1, 429);
    sb.server.fail_next("ListAccountRoles", 3, 429);
    let out = sb.ok(&["discover", "--sso-session", "koa"]);
    assert_eq!(stanza_pairs(&out), all, "{out}");
    assert!(
        sb.server.count("ListAccounts") >= 4,
        "three pages plus a throttled try"
    );
    assert!(out.contains("[profile Data-Lake-Analyst]\n"), "{out}");
    assert!(out.contains("[profile web-prod-Deploy]\n"), "{out}");
    assert!(out.contains("sso_session = koa\n") && out.contains("region = eu-west-1\n"));
    let out = sb.ok(&[
        "discover",
        "--sso-session",
        "koa",
        "--name-template",
        "{session}.{account_id}.{role_name}",
        "--region",
        "us-east-2",
    ]);
    assert!(
        out.contains("[profile koa.444444444444.Deploy]\n") && out.contains("region = us-east-2\n"),
        "{out}"
    );
}

fn discover_write_keeps_the_file_and_adds_only_what_is_missing() {
    let sb = Sandbox::new();
    let original = format!("{}{MORE}", support::CONFIG);
    sb.write_config(&original);
    sb.seed_token("koa", 8 * HOUR);
    let all = organisation(&sb);
    let out = sb.run(&["discover", "--sso-session", "koa", "--write"]);
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new = std::fs::read_to_string(sb.config_path()).unwrap();
    assert!(
        new.starts_with(&original),
        "existing text and comments kept byte for byte"
    );
    let backup = sb.config_path().with_file_name("config.sso-env-backup");
    assert_eq!(std::fs::read_to_string(backup).unwrap(), original);
    let added = stanza_pairs(&new[original.len()..]);
    // koa-dev-customer's pair is configured for sso-session koa already; legacy-style's is not
    // (it signs in by start URL, another sign-in), so the session gets its own profile for it.
    let want: Vec<_> = all
        .iter()
        .filter(|p| {
            **p != (
                "931827427725".to_string(),
                "idp_customer_access".to_string(),
            )
        })
        .cloned()
        .collect();
    assert_eq!(added, want);
    // A second run adds nothing.
    sb.ok(&["discover", "--sso-session", "koa", "--write"]);
    assert_eq!(std::fs::read_to_string(sb.config_path()).unwrap(), new);
    // botocore reads the result and resolves a new profile through the stand-in.
    let script = r#"
import json, botocore.session
s = botocore.session.Session()
names = s.available_profiles
c = botocore.session.Session(profile="web-prod-Deploy").get_credentials().get_frozen_credentials()
print(json.dumps({"names": names, "key": c.access_key}))
"#;
    let out = python(&sb, script);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["names"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == "Data-Lake-Analyst"),
        "{v}"
    );
    assert_eq!(
        v["key"],
        sb.server
            .issued_credentials()
            .last()
            .unwrap()
            .access_key_id
            .as_str()
    );
}

fn console_signs_in_through_the_federation_endpoint() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    let url = sb
        .command(&["console", "koa-dev-customer", "--print"])
        .env("SSO_ENV_FEDERATION_ENDPOINT", sb.server.url())
        .output()
        .unwrap();
    assert!(
        url.status.success(),
        "{:?} {}",
        url.status,
        String::from_utf8_lossy(&url.stderr)
    );
    let url = String::from_utf8(url.stdout).unwrap();
    let creds = sb.server.issued_credentials()[0].clone();
    let req = &sb.server.requests_for("GetSigninToken")[0];
    assert_eq!(req.method, "POST");
    assert!(req.query.is_empty(), "no credentials in the request URL");
    assert!(
        req.body.contains(&creds.access_key_id),
        "credentials go in the form body"
    );
    let prefix = format!("{}/federation?Action=login&Issuer=sso-env&Destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1&SigninToken=SIGNIN", sb.server.url());
    assert!(url.starts_with(&prefix), "{url}");
    for secret in [
        &creds.secret_access_key,
        &creds.session_token,
        &creds.access_key_id,
    ] {
        assert!(
            !url.contains(secret.as_str()),
            "a credential leaked into the URL"
        );
    }
    // Opening a browser: its argv holds the login URL only.
    // The browser is a shell command that records the URL.
    support::harness::require_unix("sh");
    let argv_file = sb.home().join("argv");
    let out = sb
        .command(&[
            "console",
            "koa-dev-customer",
            "--destination",
            "https://console.aws.amazon.com/s3/",
        ])
        .env("SSO_ENV_FEDERATION_ENDPOINT", sb.server.url())
        .env(
            "BROWSER",
            format!("sh -c 'echo \"$0\" > {}'", argv_file.display()),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut argv = String::new();
    for _ in 0..100 {
        argv = std::fs::read_to_string(&argv_file).unwrap_or_default();
        if !argv.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        argv.contains(
            "Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2F&SigninToken=SIGNIN"
        ),
        "{argv}"
    );
    assert!(!argv.contains(&creds.secret_access_key) && !argv.contains(&creds.session_token));
}

fn unknown_names_suggest_the_closest() {
    let sb = Sandbox::new();
    sb.write_config(&format!("{}{MORE}", support::CONFIG));
    let line = sb.fails(&["export", "koa-dev-custmer"]);
    assert!(line.contains("did you mean 'koa-dev-customer'"), "{line}");
    let line = sb.fails(&["discover", "--sso-session", "kao"]);
    assert!(line.contains("did you mean 'koa'"), "{line}");
    let line = sb.fails(&["login", "--sso-session", "otehr"]);
    assert!(line.contains("did you mean 'other'"), "{line}");
}

fn every_subcommand_has_examples_in_help() {
    let sb = Sandbox::empty();
    for cmd in [
        "export",
        "unset",
        "exec",
        "login",
        "logout",
        "init",
        "profiles",
        "discover",
        "console",
        "status",
        "completions",
    ] {
        let out = sb.ok(&[cmd, "--help"]);
        assert!(
            out.contains("Example"),
            "{cmd} --help has no examples:\n{out}"
        );
    }
}

/// Every "sign in again" hint is a command that exists: run it and it is accepted.
fn sign_in_hints_are_real_commands() {
    let sb = Sandbox::new();
    sb.write_config(support::CONFIG);
    let hint = |line: &str| -> Vec<String> {
        let cmd = line
            .split("run: ")
            .nth(1)
            .unwrap_or_else(|| panic!("no 'run:' in {line}"));
        shell_words::split(cmd).unwrap()
    };
    for (args, want) in [
        (
            &["discover", "--sso-session", "koa", "--no-login"][..],
            "sso-env login --sso-session koa",
        ),
        (
            &["export", "koa-dev-customer", "--no-login"][..],
            "sso-env login --profile koa-dev-customer",
        ),
    ] {
        let line = sb.fails(args);
        let argv = hint(&line);
        assert_eq!(argv.join(" "), want, "{line}");
        // The hint parses as an sso-env command line (`--help` stops before any sign-in).
        let mut check: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
        check.push("--help");
        sb.ok(&check);
    }
}

crate::tests![
    profiles_json_reports_sign_in_and_cache_state,
    discover_finds_every_pair_across_pages_and_throttling,
    discover_write_keeps_the_file_and_adds_only_what_is_missing,
    console_signs_in_through_the_federation_endpoint,
    unknown_names_suggest_the_closest,
    every_subcommand_has_examples_in_help,
    sign_in_hints_are_real_commands,
];
