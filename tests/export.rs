//! `sso-env export` end to end: the real binary against the Identity Center stand-in, the
//! caches it shares with the AWS CLI v2, and botocore reading what we write.

use crate::support;

#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, SystemTime};

use support::{fails_cleanly, parse_json_vars, python, Sandbox};

const HOUR: Duration = Duration::from_secs(3600);

fn export_json(sb: &Sandbox, profile: &str) -> serde_json::Map<String, serde_json::Value> {
    parse_json_vars(&sb.ok(&["export", profile, "--format", "json"]))
}

fn fetches_role_credentials_once_then_serves_them_from_the_cache() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    let first = export_json(&sb, "koa-dev-customer");
    assert_eq!(sb.server.count("GetRoleCredentials"), 1);
    let issued = sb.server.issued_credentials();
    assert_eq!(issued.len(), 1);
    let c = &issued[0];
    assert_eq!(first["AWS_ACCESS_KEY_ID"], c.access_key_id.as_str());
    assert_eq!(first["AWS_SECRET_ACCESS_KEY"], c.secret_access_key.as_str());
    assert_eq!(first["AWS_SESSION_TOKEN"], c.session_token.as_str());
    assert_eq!(first["AWS_PROFILE"], "koa-dev-customer");
    assert_eq!(first["AWS_REGION"], "eu-west-1");
    assert_eq!(first["AWS_DEFAULT_REGION"], "eu-west-1");
    assert_eq!(first["SSO_ENV_ACCOUNT_ID"], "931827427725");
    assert_eq!(first["SSO_ENV_ROLE_NAME"], "idp_customer_access");
    let expires = (c.expiration_ms / 1000).to_string();
    assert_eq!(first["SSO_ENV_EXPIRES_AT"], expires.as_str());
    let rfc = humantime::format_rfc3339_seconds(
        SystemTime::UNIX_EPOCH + Duration::from_secs(c.expiration_ms / 1000),
    )
    .to_string();
    assert_eq!(first["AWS_CREDENTIAL_EXPIRATION"], rfc.as_str());
    // The request carried the token in the portal's header.
    let req = &sb.server.requests_for("GetRoleCredentials")[0];
    assert_eq!(
        req.query_param("account_id").as_deref(),
        Some("931827427725")
    );
    assert_eq!(
        req.query_param("role_name").as_deref(),
        Some("idp_customer_access")
    );
    assert!(req.header("x-amz-sso_bearer_token").is_some());

    let second = export_json(&sb, "koa-dev-customer");
    assert_eq!(first, second);
    assert_eq!(
        sb.server.count("GetRoleCredentials"),
        1,
        "the second export must come from the cache"
    );
}

fn role_cache_entry_is_the_aws_cli_one_and_private() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    export_json(&sb, "koa-dev-customer");
    let path = sb.role_cache_path("931827427725", "idp_customer_access", "koa");
    let entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("entry at the AWS CLI's key")).unwrap();
    assert_eq!(entry["ProviderType"], "sso");
    let c = &sb.server.issued_credentials()[0];
    assert_eq!(
        entry["Credentials"]["AccessKeyId"],
        c.access_key_id.as_str()
    );
    assert_eq!(entry["Credentials"]["AccountId"], "931827427725");
    let exp = entry["Credentials"]["Expiration"].as_str().unwrap();
    assert!(exp.ends_with('Z') && exp.len() == 20, "{exp}");
    #[cfg(unix)]
    {
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            std::fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o700
        );
    }
    #[cfg(not(unix))]
    eprintln!("SKIP (not Unix): the 0600/0700 modes of the cache entry");
}

fn legacy_profiles_use_the_start_url_keys() {
    let sb = Sandbox::new();
    sb.seed_token(support::START_URL, 8 * HOUR);
    let vars = export_json(&sb, "legacy-style");
    assert_eq!(vars["SSO_ENV_ACCOUNT_ID"], "111111111111");
    assert!(
        !vars.contains_key("AWS_REGION"),
        "legacy-style has no region"
    );
    let key = format!(
        r#"{{"accountId":"111111111111","roleName":"ReadOnly","startUrl":"{}"}}"#,
        support::START_URL
    );
    assert!(sb
        .role_cache_dir()
        .join(format!("{}.json", support::sha1_hex(&key)))
        .exists());
}

/// botocore, set up as the AWS CLI v2 sets it up (its JSONFileCache on ~/.aws/cli/cache),
/// prints the credentials it resolves for a profile and whether it had to call the portal.
const BOTOCORE_CREDS: &str = r#"
import json, os, sys
import botocore.session
from botocore.utils import JSONFileCache
s = botocore.session.Session(profile=sys.argv[1] if len(sys.argv) > 1 else "koa-dev-customer")
s.get_component("credential_provider").get_provider("sso").cache = JSONFileCache(os.path.expanduser("~/.aws/cli/cache"))
c = s.get_credentials().get_frozen_credentials()
print(json.dumps({"AWS_ACCESS_KEY_ID": c.access_key, "AWS_SECRET_ACCESS_KEY": c.secret_key, "AWS_SESSION_TOKEN": c.token}))
"#;

fn botocore_uses_our_role_cache_entry_without_calling_the_portal() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    let ours = export_json(&sb, "koa-dev-customer");
    let out = python(&sb, BOTOCORE_CREDS);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = parse_json_vars(&String::from_utf8(out.stdout).unwrap());
    for k in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ] {
        assert_eq!(theirs[k], ours[k], "{k}");
    }
    assert_eq!(
        sb.server.count("GetRoleCredentials"),
        1,
        "botocore must have read our entry"
    );
}

fn we_use_an_entry_botocore_wrote_from_a_token_it_read_like_we_do() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    // botocore reads the seeded token, calls the stand-in and caches the role as the AWS CLI does.
    let out = python(&sb, BOTOCORE_CREDS);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = parse_json_vars(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(sb.server.count("GetRoleCredentials"), 1);
    let ours = export_json(&sb, "koa-dev-customer");
    assert_eq!(ours["AWS_ACCESS_KEY_ID"], theirs["AWS_ACCESS_KEY_ID"]);
    assert_eq!(ours["AWS_SESSION_TOKEN"], theirs["AWS_SESSION_TOKEN"]);
    assert_eq!(
        sb.server.count("GetRoleCredentials"),
        1,
        "we must have used botocore's entry"
    );
}

fn short_lived_and_corrupt_cache_entries_are_misses() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    let path = sb.role_cache_path("931827427725", "idp_customer_access", "koa");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    // Ten minutes left: under the AWS CLI's 15-minute window.
    let soon = humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(600));
    std::fs::write(&path, format!(r#"{{"ProviderType":"sso","Credentials":{{"AccessKeyId":"OLD","SecretAccessKey":"S","SessionToken":"T","Expiration":"{soon}"}}}}"#)).unwrap();
    let vars = export_json(&sb, "koa-dev-customer");
    assert_ne!(vars["AWS_ACCESS_KEY_ID"], "OLD");
    assert_eq!(sb.server.count("GetRoleCredentials"), 1);
    std::fs::write(&path, b"{\"ProviderType\": \"sso\", \"Credentials\": {tru").unwrap();
    export_json(&sb, "koa-dev-customer");
    assert_eq!(
        sb.server.count("GetRoleCredentials"),
        2,
        "a corrupt entry is refetched and replaced"
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&std::fs::read(&path).unwrap()).is_ok());
}

fn profile_defaults_to_aws_profile_then_default() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    sb.seed_token(support::START_URL, 8 * HOUR);
    let out = sb
        .command(&["export", "--format", "json"])
        .env("AWS_PROFILE", "legacy-style")
        .env("AWS_DEFAULT_PROFILE", "koa-dev-customer")
        .output()
        .unwrap();
    assert_eq!(
        parse_json_vars(&String::from_utf8(out.stdout).unwrap())["AWS_PROFILE"],
        "legacy-style"
    );
    let out = sb
        .command(&["export", "--format", "json"])
        .env("AWS_DEFAULT_PROFILE", "koa-dev-customer")
        .output()
        .unwrap();
    assert_eq!(
        parse_json_vars(&String::from_utf8(out.stdout).unwrap())["AWS_PROFILE"],
        "koa-dev-customer"
    );
    let line = sb.fails(&["export", "--format", "json"]);
    assert!(line.contains("profile 'default' not found"), "{line}");
}

fn region_comes_from_the_environment_before_the_profile_but_not_our_own_earlier_export() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    let run = |env: &[(&str, &str)]| {
        let mut cmd = sb.command(&["export", "koa-dev-customer", "--format", "json"]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        parse_json_vars(&String::from_utf8(cmd.output().unwrap().stdout).unwrap())
    };
    assert_eq!(
        run(&[("AWS_REGION", "us-east-2")])["AWS_REGION"],
        "us-east-2"
    );
    assert_eq!(
        run(&[("AWS_DEFAULT_REGION", "ap-south-1")])["AWS_REGION"],
        "ap-south-1"
    );
    // us-east-2 was exported by sso-env for another profile: the profile's region wins.
    assert_eq!(
        run(&[("AWS_REGION", "us-east-2"), ("SSO_ENV_REGION", "us-east-2")])["AWS_REGION"],
        "eu-west-1"
    );
    let out = sb.ok(&[
        "export",
        "koa-dev-customer",
        "--format",
        "json",
        "--region",
        "sa-east-1",
    ]);
    assert_eq!(parse_json_vars(&out)["AWS_REGION"], "sa-east-1");
}

fn process_format_is_credential_process_version_1() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    let v: serde_json::Value =
        serde_json::from_str(&sb.ok(&["export", "koa-dev-customer", "--format", "process"]))
            .unwrap();
    let c = &sb.server.issued_credentials()[0];
    assert_eq!(v["Version"], 1);
    assert_eq!(v["AccessKeyId"], c.access_key_id.as_str());
    assert_eq!(v["SecretAccessKey"], c.secret_access_key.as_str());
    assert_eq!(v["SessionToken"], c.session_token.as_str());
    assert!(v["Expiration"].as_str().unwrap().ends_with('Z'));
}

fn botocore_runs_us_as_a_credential_process() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    let bin = support::bin();
    sb.write_config(&format!("{}\n[profile via-process]\ncredential_process = {} export koa-dev-customer --format process\n", support::CONFIG, bin.display()));
    let out = python(
        &sb,
        &BOTOCORE_CREDS.replace(
            "sys.argv[1] if len(sys.argv) > 1 else \"koa-dev-customer\"",
            "\"via-process\"",
        ),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = parse_json_vars(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(
        theirs["AWS_ACCESS_KEY_ID"],
        sb.server.issued_credentials()[0].access_key_id.as_str()
    );
}

fn concurrent_exports_with_a_cold_cache_make_one_call() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    sb.server
        .set_delay("GetRoleCredentials", Duration::from_millis(300));
    let outs = sb.run_concurrently(&["export", "koa-dev-customer", "--format", "json"], 20);
    for o in &outs {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let keys: std::collections::BTreeSet<String> = outs
        .iter()
        .map(|o| {
            parse_json_vars(&String::from_utf8_lossy(&o.stdout))["AWS_ACCESS_KEY_ID"].to_string()
        })
        .collect();
    assert_eq!(keys.len(), 1, "every caller gets the same credentials");
    assert_eq!(sb.server.count("GetRoleCredentials"), 1);
}

fn missing_expired_or_revoked_tokens_send_the_user_to_login() {
    let sb = Sandbox::new();
    let line = sb.fails(&["export", "koa-dev-customer", "--format", "bash"]);
    assert!(
        line.ends_with("run: sso-env login --profile koa-dev-customer"),
        "{line}"
    );
    let token = sb.server.issue_token(HOUR);
    sb.write_token_file("koa", &token, SystemTime::now() - Duration::from_secs(60));
    let line = sb.fails(&["export", "koa-dev-customer", "--format", "bash"]);
    assert!(
        line.contains("expired") && line.ends_with("run: sso-env login --profile koa-dev-customer"),
        "{line}"
    );
    assert_eq!(
        sb.server.count("GetRoleCredentials"),
        0,
        "an expired token is not even tried"
    );
    let token = sb.seed_token("koa", HOUR);
    sb.server.revoke(&token);
    let line = sb.fails(&["export", "koa-dev-customer", "--format", "bash"]);
    assert!(
        line.contains("refused") && line.ends_with("run: sso-env login --profile koa-dev-customer"),
        "{line}"
    );
    // A hostile profile name is quoted in the suggested command.
    sb.write_config(
        &support::CONFIG.replace("[profile koa-dev-customer]", "[profile \"it's $(x)\"]"),
    );
    let line = sb.fails(&["export", "it's $(x)", "--format", "bash"]);
    assert!(
        line.ends_with(r#"run: sso-env login --profile 'it'\''s $(x)'"#),
        "{line}"
    );
}

fn bad_input_gives_one_line_errors() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "unknown profile",
            vec!["export", "koa-dev-custmer"],
            "did you mean 'koa-dev-customer'",
        ),
        (
            "unknown format",
            vec!["export", "koa-dev-customer", "--format", "tcsh"],
            "possible values",
        ),
        ("unknown command", vec!["exprot"], "did you mean 'export'"),
    ];
    for (what, args, want) in cases {
        let line = sb.fails(&args);
        assert!(line.contains(want), "{what}: {line}");
    }
    let configs = [
        ("malformed", "[profile koa-dev-customer]\nsso_session koa\n", "config:2: expected 'key = value'"),
        ("missing sso-session", "[profile koa-dev-customer]\nsso_session = koa\nsso_account_id = 1\nsso_role_name = r\n", "no [sso-session koa] section"),
        ("account without role", "[profile koa-dev-customer]\nsso_start_url = u\nsso_region = r\nsso_account_id = 1\n", "missing sso_role_name"),
        ("no credentials", "[profile koa-dev-customer]\nregion = eu-west-1\n", "has no credentials"),
        ("invalid UTF-8", "[profile koa-dev-customer]\nregion = \u{0}\n", ""),
    ];
    for (what, text, want) in configs {
        sb.write_config(text);
        let line = sb.fails(&["export", "koa-dev-customer", "--format", "sh"]);
        assert!(line.contains(want), "{what}: {line}");
    }
    std::fs::write(
        sb.config_path(),
        b"[profile koa-dev-customer]\nregion = \xff\n",
    )
    .unwrap();
    let line = sb.fails(&["export", "koa-dev-customer"]);
    assert!(line.contains("config:2: not valid UTF-8"), "{line}");
}

fn a_corrupt_token_file_is_a_miss_not_a_crash() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.sso_cache_dir()).unwrap();
    std::fs::write(
        sb.token_path("koa"),
        b"{\"accessToken\": \"x\", \"expiresAt\": 12}",
    )
    .unwrap();
    let line = sb.fails(&["export", "koa-dev-customer"]);
    assert!(line.contains("not signed in"), "{line}");
}

fn server_errors_are_retried_then_reported_in_one_line() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    // Two failures then success: the retries hide them.
    sb.server.fail_next("GetRoleCredentials", 2, 500);
    export_json(&sb, "koa-dev-customer");
    assert_eq!(sb.server.count("GetRoleCredentials"), 3);

    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    sb.server.always_fail("GetRoleCredentials", 503);
    let started = std::time::Instant::now();
    let line = sb.fails(&["export", "koa-dev-customer"]);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "gave up after {:?}",
        started.elapsed()
    );
    assert!(line.contains("HTTP 503"), "{line}");
    assert!(
        !sb.role_cache_dir().exists()
            || std::fs::read_dir(sb.role_cache_dir()).unwrap().count() == 0,
        "nothing cached from a failed call"
    );

    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    sb.server.always_fail("GetRoleCredentials", 429);
    let line = sb.fails(&["export", "koa-dev-customer"]);
    assert!(line.contains("throttling"), "{line}");

    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    sb.write_config(&support::CONFIG.replace(
        "sso_role_name = idp_customer_access",
        "sso_role_name = NotAssigned",
    ));
    let line = sb.fails(&["export", "koa-dev-customer"]);
    assert!(line.contains("refused role 'NotAssigned'"), "{line}");
}

fn a_server_that_never_answers_is_given_up_on_in_time() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    sb.server
        .set_delay("GetRoleCredentials", Duration::from_secs(60));
    let started = std::time::Instant::now();
    let out = sb.run(&["export", "koa-dev-customer"]);
    let line = fails_cleanly(&out, "slow server");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "gave up after {:?}",
        started.elapsed()
    );
    assert!(
        line.contains("no answer") || line.contains("timed out"),
        "{line}"
    );
}

fn unreachable_endpoint_is_a_network_error() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = sb
        .command(&["export", "koa-dev-customer"])
        .env("AWS_ENDPOINT_URL_SSO", format!("http://127.0.0.1:{port}"))
        .output()
        .unwrap();
    let line = fails_cleanly(&out, "unreachable");
    assert!(
        line.contains("cannot reach") && line.contains("check your network"),
        "{line}"
    );
}

fn secrets_never_reach_stderr() {
    let sb = Sandbox::new();
    let token = sb.seed_token("koa", 8 * HOUR);
    sb.server.always_fail("GetRoleCredentials", 500);
    let out = sb.run(&["export", "koa-dev-customer"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains(&token), "{stderr}");
}

fn unset_removes_what_export_sets() {
    let sb = Sandbox::new();
    let out = sb.ok(&["unset", "--format", "bash"]);
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "SSO_ENV_PROFILE",
        "AWS_SECURITY_TOKEN",
    ] {
        assert!(
            out.lines().any(|l| l == format!("unset {name}")),
            "{name} in {out}"
        );
    }
    assert!(
        !out.contains("unset AWS_REGION"),
        "a region the user set is kept"
    );
    let out = sb
        .command(&["unset", "--format", "bash"])
        .env("AWS_REGION", "eu-west-1")
        .env("SSO_ENV_REGION", "eu-west-1")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l == "unset AWS_REGION"));
    sb.fails(&["unset", "--format", "process"]);
}

crate::tests![
    fetches_role_credentials_once_then_serves_them_from_the_cache,
    role_cache_entry_is_the_aws_cli_one_and_private,
    legacy_profiles_use_the_start_url_keys,
    botocore_uses_our_role_cache_entry_without_calling_the_portal,
    we_use_an_entry_botocore_wrote_from_a_token_it_read_like_we_do,
    short_lived_and_corrupt_cache_entries_are_misses,
    profile_defaults_to_aws_profile_then_default,
    region_comes_from_the_environment_before_the_profile_but_not_our_own_earlier_export,
    process_format_is_credential_process_version_1,
    botocore_runs_us_as_a_credential_process,
    concurrent_exports_with_a_cold_cache_make_one_call,
    missing_expired_or_revoked_tokens_send_the_user_to_login,
    bad_input_gives_one_line_errors,
    a_corrupt_token_file_is_a_miss_not_a_crash,
    server_errors_are_retried_then_reported_in_one_line,
    a_server_that_never_answers_is_given_up_on_in_time,
    unreachable_endpoint_is_a_network_error,
    secrets_never_reach_stderr,
    unset_removes_what_export_sets,
];
