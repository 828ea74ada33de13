//! `sso-env login`, refresh and `logout` end to end against the Identity Center stand-in, with
//! a fake browser for PKCE, and botocore using what we cache.

use crate::support;

#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use support::standin::{AuthorizeOutcome, DeviceScript};
use support::{parse_json_vars, python, Sandbox};

fn fake_browser() -> String {
    support::fake_browser()
}

fn browser_log(sb: &Sandbox) -> PathBuf {
    sb.home().join("browser.json")
}

/// What the fake browser recorded. It is a detached process that may still be writing after
/// sso-env has answered it and exited, so wait for the file to be complete.
fn browser_saw(sb: &Sandbox) -> Value {
    let path = browser_log(sb);
    for _ in 0..200 {
        if let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&path).unwrap_or_default()) {
            return v;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the fake browser left no log at {}", path.display());
}

/// `sso-env ARGS` with the fake browser as $BROWSER.
fn with_browser(sb: &Sandbox, args: &[&str], mode: &str) -> Output {
    sb.command(args)
        .env("BROWSER", fake_browser())
        .env("FAKE_BROWSER_LOG", browser_log(sb))
        .env("FAKE_BROWSER_MODE", mode)
        .output()
        .unwrap()
}

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_slice(
        &std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap()
}

/// A sign-in that fails: it may have printed its instructions first, but it ends with one
/// error line, exits non-zero and leaves stdout empty.
fn login_fails(out: &Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{what} should fail: {stderr}");
    assert!(out.stdout.is_empty(), "{what}: stdout must be empty");
    assert!(
        !stderr.contains("internal error") && !stderr.contains("panicked"),
        "{what}: {stderr}"
    );
    let last = stderr.lines().last().unwrap_or_default().to_string();
    assert!(last.starts_with("sso-env: "), "{what}: {stderr}");
    last
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "login prints nothing on stdout: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Python's own json.dumps for the registration key, independent of our implementation.
fn registration_key_by_python(sb: &Sandbox, scopes: &str, session: &str) -> String {
    let out = python(
        sb,
        &format!(
            "import json, hashlib; print(hashlib.sha1(json.dumps({{'tool': 'botocore', 'startUrl': '{}', 'region': 'eu-west-1', 'scopes': {scopes}, 'session_name': {session}}}, sort_keys=True).encode()).hexdigest())",
            support::START_URL
        ),
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn pkce_login_writes_what_the_aws_cli_writes() {
    let sb = Sandbox::new();
    let out = with_browser(&sb, &["login", "--profile", "koa-dev-customer"], "ok");
    ok(&out);
    let log = browser_saw(&sb);
    assert_eq!(log["callback_status"], 200, "{log}");
    assert_eq!(log["callback_host"], "127.0.0.1");
    assert_eq!(
        log["other_loopback"], "refused",
        "the listener must be bound to 127.0.0.1 only"
    );
    assert!(log["callback_body"]
        .as_str()
        .unwrap()
        .contains("close this tab"));

    // The authorize request as the AWS CLI builds it.
    let auth = &sb.server.requests_for("Authorize")[0];
    assert_eq!(auth.query_param("response_type").as_deref(), Some("code"));
    assert_eq!(
        auth.query_param("code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(
        auth.query_param("scopes").as_deref(),
        Some("sso:account:access")
    );
    let redirect = auth.query_param("redirect_uri").unwrap();
    assert!(
        redirect.starts_with("http://127.0.0.1:") && redirect.ends_with("/oauth/callback"),
        "{redirect}"
    );
    let reg_req = sb.server.requests_for("RegisterClient")[0].json().unwrap();
    assert_eq!(reg_req["clientName"], "botocore-client-koa");
    assert_eq!(
        reg_req["grantTypes"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(
        reg_req["redirectUris"],
        serde_json::json!(["http://127.0.0.1/oauth/callback"])
    );
    assert_eq!(reg_req["issuerUrl"], support::START_URL);
    let token_req = sb.server.requests_for("CreateToken")[0].json().unwrap();
    assert_eq!(token_req["grantType"], "authorization_code");
    assert_eq!(token_req["redirectUri"].as_str(), Some(redirect.as_str()));
    assert_eq!(token_req["codeVerifier"].as_str().unwrap().len(), 64);

    // Token file: the CLI's name, fields and format, private.
    let token_path = sb.token_path("koa");
    let token = read_json(&token_path);
    assert_eq!(token["startUrl"], support::START_URL);
    assert_eq!(token["region"], "eu-west-1");
    assert!(sb
        .server
        .token_is_valid(token["accessToken"].as_str().unwrap()));
    assert!(token["expiresAt"].as_str().unwrap().ends_with('Z'));
    assert!(
        token["refreshToken"].is_string()
            && token["clientId"].is_string()
            && token["clientSecret"].is_string()
    );
    assert!(token["registrationExpiresAt"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    #[cfg(unix)]
    assert_eq!(
        std::fs::metadata(&token_path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    #[cfg(not(unix))]
    eprintln!("SKIP (not Unix): the 0600 mode of the token file");
    // Registration file at the AWS CLI's key (scopes not configured: null... here configured).
    let key = registration_key_by_python(&sb, "['sso:account:access']", "'koa'");
    let reg = read_json(&sb.sso_cache_dir().join(format!("{key}.json")));
    assert_eq!(reg["clientId"], token["clientId"]);
    assert_eq!(
        reg["grantTypes"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );

    // A second login reuses the registration.
    ok(&with_browser(
        &sb,
        &["login", "--profile", "koa-dev-customer"],
        "ok",
    ));
    assert_eq!(sb.server.count("RegisterClient"), 1);
    assert_eq!(sb.server.count("CreateToken"), 2);
}

const BOTOCORE_CREDS: &str = r#"
import json, botocore.session
s = botocore.session.Session(profile="koa-dev-customer")
c = s.get_credentials().get_frozen_credentials()
print(json.dumps({"AWS_ACCESS_KEY_ID": c.access_key}))
"#;

fn botocore_uses_the_token_sso_env_cached() {
    let sb = Sandbox::new();
    ok(&with_browser(
        &sb,
        &["login", "--profile", "koa-dev-customer"],
        "ok",
    ));
    let out = python(&sb, BOTOCORE_CREDS);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = parse_json_vars(&String::from_utf8(out.stdout).unwrap());
    let issued = sb.server.issued_credentials();
    assert_eq!(
        issued.len(),
        1,
        "botocore fetched with our token, without a login of its own"
    );
    assert_eq!(
        theirs["AWS_ACCESS_KEY_ID"],
        issued[0].access_key_id.as_str()
    );
    assert_eq!(sb.server.count("CreateToken"), 1);
}

fn a_forged_state_or_an_error_callback_is_refused() {
    let sb = Sandbox::new();
    let out = with_browser(&sb, &["login", "--profile", "koa-dev-customer"], "tamper");
    let line = login_fails(&out, "forged state");
    assert!(line.contains("wrong state"), "{line}");
    assert_eq!(browser_saw(&sb)["callback_status"], 400);
    assert!(!sb.token_path("koa").exists());
    assert_eq!(sb.server.count("CreateToken"), 0, "no code exchanged");

    sb.server.set_authorize_outcome(AuthorizeOutcome::Deny);
    let out = with_browser(&sb, &["login", "--profile", "koa-dev-customer"], "ok");
    let line = login_fails(&out, "denied");
    assert!(
        line.contains("did not sign you in: access_denied"),
        "{line}"
    );
    assert!(!sb.token_path("koa").exists());
}

fn device_code_login_polls_through_pending_and_slow_down() {
    let sb = Sandbox::new();
    sb.server
        .set_device_script(DeviceScript::approve_after(2).slow_down_at(1));
    let out = sb.run(&["login", "--profile", "legacy-style", "--no-browser"]);
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let auth = sb.server.requests_for("StartDeviceAuthorization")[0]
        .json()
        .unwrap();
    assert_eq!(auth["startUrl"], support::START_URL);
    assert!(
        stderr.contains("/device"),
        "the verification URL is shown: {stderr}"
    );
    let polls = sb.server.requests_for("CreateToken");
    assert_eq!(polls.len(), 4, "pending, slow down, pending, token");
    assert!(polls
        .iter()
        .all(|r| r.json().unwrap()["grantType"] == "urn:ietf:params:oauth:grant-type:device_code"));
    let t = |i: usize| polls[i].time;
    assert!(
        t(2).duration_since(t(1)) >= Duration::from_secs(6),
        "slow down adds 5 s to the 1 s interval"
    );
    // Legacy profile: token named by the start URL; registration without grant types.
    let token = read_json(&sb.token_path(support::START_URL));
    assert!(sb
        .server
        .token_is_valid(token["accessToken"].as_str().unwrap()));
    let reg_req = sb.server.requests_for("RegisterClient")[0].json().unwrap();
    assert!(reg_req.get("grantTypes").is_none(), "{reg_req}");
    let key = registration_key_by_python(&sb, "None", "None");
    let reg = read_json(&sb.sso_cache_dir().join(format!("{key}.json")));
    assert!(reg.get("grantTypes").is_none());
    // And export now works without another sign-in.
    let vars = parse_json_vars(&sb.ok(&["export", "legacy-style", "--format", "json"]));
    assert_eq!(vars["SSO_ENV_ACCOUNT_ID"], "111111111111");
}

fn device_login_reuses_an_aws_cli_registration_and_refuses_a_pkce_one() {
    let sb = Sandbox::new();
    sb.server.set_poll_interval(0);
    // A device registration written by the AWS CLI for [sso-session koa] (scopes configured).
    let client = sb.server.register_client(&[]);
    let key = registration_key_by_python(&sb, "['sso:account:access']", "'koa'");
    let expires =
        humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(30 * 86400));
    std::fs::create_dir_all(sb.sso_cache_dir()).unwrap();
    let path = sb.sso_cache_dir().join(format!("{key}.json"));
    std::fs::write(&path, format!(r#"{{"clientId": "{}", "clientSecret": "{}", "expiresAt": "{expires}", "scopes": ["sso:account:access"]}}"#, client.0, client.1)).unwrap();
    let before = sb.server.count("RegisterClient");
    ok(&sb.run(&[
        "login",
        "--sso-session",
        "koa",
        "--device-code",
        "--no-browser",
    ]));
    assert_eq!(
        sb.server.count("RegisterClient"),
        before,
        "the AWS CLI's registration was reused"
    );
    assert_eq!(
        sb.server.requests_for("StartDeviceAuthorization")[0]
            .json()
            .unwrap()["clientId"]
            .as_str(),
        Some(client.0.as_str())
    );
    // The same file holding a PKCE registration is not used for the device flow.
    std::fs::write(&path, format!(r#"{{"clientId": "{}", "clientSecret": "{}", "expiresAt": "{expires}", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}}"#, client.0, client.1)).unwrap();
    ok(&sb.run(&[
        "login",
        "--sso-session",
        "koa",
        "--device-code",
        "--no-browser",
    ]));
    assert_eq!(sb.server.count("RegisterClient"), before + 1);
}

fn device_login_errors_are_one_line() {
    let sb = Sandbox::new();
    sb.server.set_poll_interval(0);
    sb.server.set_device_script(DeviceScript::deny_after(1));
    let line = login_fails(
        &sb.run(&["login", "--profile", "legacy-style", "--no-browser"]),
        "denied",
    );
    assert!(line.contains("denied"), "{line}");
    sb.server.set_device_script(DeviceScript::expire_after(1));
    let line = login_fails(
        &sb.run(&["login", "--profile", "legacy-style", "--no-browser"]),
        "expired",
    );
    assert!(line.contains("expired before it was approved"), "{line}");
    sb.server.set_device_script(DeviceScript::approve_after(0));
    sb.server.fail_next_with(
        "StartDeviceAuthorization",
        1,
        400,
        "InvalidRequestException",
    );
    let line = login_fails(
        &sb.run(&["login", "--profile", "legacy-style", "--no-browser"]),
        "bad start URL",
    );
    assert!(line.contains("check sso_start_url"), "{line}");
    // A registration the service stopped accepting is replaced silently.
    let registrations = sb.server.count("RegisterClient");
    sb.server
        .fail_next_with("StartDeviceAuthorization", 1, 400, "InvalidClientException");
    ok(&sb.run(&["login", "--profile", "legacy-style", "--no-browser"]));
    assert_eq!(sb.server.count("RegisterClient"), registrations + 1);
}

/// Rewrites the cached token so it expires in `secs`.
fn age_token(sb: &Sandbox, secs: u64) {
    let path = sb.token_path("koa");
    let mut token = read_json(&path);
    token["expiresAt"] = Value::String(
        humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(secs))
            .to_string(),
    );
    std::fs::write(&path, serde_json::to_vec(&token).unwrap()).unwrap();
}

fn a_token_close_to_expiry_is_refreshed_once_and_botocore_reads_it() {
    let sb = Sandbox::new();
    ok(&with_browser(
        &sb,
        &["login", "--profile", "koa-dev-customer"],
        "ok",
    ));
    let before = read_json(&sb.token_path("koa"));
    age_token(&sb, 600);
    // Twenty exports at once, nothing cached: one refresh, one role fetch.
    for out in sb.run_concurrently(&["export", "koa-dev-customer", "--format", "json"], 20) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let refreshes: Vec<_> = sb
        .server
        .requests_for("CreateToken")
        .into_iter()
        .filter(|r| r.json().unwrap()["grantType"] == "refresh_token")
        .collect();
    assert_eq!(
        refreshes.len(),
        1,
        "one refresh, the refresh token spent once"
    );
    assert_eq!(sb.server.count("GetRoleCredentials"), 1);
    let after = read_json(&sb.token_path("koa"));
    assert_ne!(after["accessToken"], before["accessToken"]);
    assert_ne!(after["refreshToken"], before["refreshToken"], "rotated");
    assert_eq!(after["clientId"], before["clientId"]);
    assert_eq!(after["startUrl"], support::START_URL);
    let left = humantime::parse_rfc3339(after["expiresAt"].as_str().unwrap())
        .unwrap()
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(left > Duration::from_secs(3600), "{left:?}");
    // botocore reads the refreshed token (no refresh of its own: it has hours left).
    std::fs::remove_dir_all(sb.role_cache_dir()).unwrap();
    let out = python(&sb, BOTOCORE_CREDS);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sb.server.requests_for("CreateToken").len(),
        2,
        "botocore did not refresh again"
    );
    let got = sb.server.requests_for("GetRoleCredentials");
    assert_eq!(
        got.last().unwrap().header("x-amz-sso_bearer_token"),
        after["accessToken"].as_str()
    );
}

fn a_token_that_cannot_be_refreshed_needs_a_login() {
    let sb = Sandbox::new();
    let token = sb.server.issue_token(Duration::from_secs(3600));
    // Four minutes left, no refresh token: under the 5-minute floor.
    sb.write_token_file("koa", &token, SystemTime::now() + Duration::from_secs(240));
    let line = sb.fails(&["export", "koa-dev-customer"]);
    assert!(
        line.contains("expires in under 5 minutes")
            && line.ends_with("run: sso-env login --profile koa-dev-customer"),
        "{line}"
    );
    // Ten minutes left and no refresh token: still good enough to use.
    sb.write_token_file("koa", &token, SystemTime::now() + Duration::from_secs(600));
    sb.ok(&["export", "koa-dev-customer"]);
}

fn a_revoked_token_is_discarded() {
    let sb = Sandbox::new();
    let token = sb.seed_token("koa", Duration::from_secs(3600));
    sb.server.revoke(&token);
    let line = sb.fails(&["export", "koa-dev-customer"]);
    assert!(line.contains("refused your sign-in"), "{line}");
    assert!(!sb.token_path("koa").exists(), "a revoked token is removed");
}

fn login_on_demand_at_a_terminal_but_not_in_ci_or_with_no_login() {
    let sb = Sandbox::new();
    // `script` gives sso-env a terminal, as a person's shell would.
    // stderr goes to a file (captured, as by the AWS CLI), or with "tty" stays on the terminal.
    let run = |extra_env: &[(&str, &str)], args: &str| {
        let mut cmd = std::process::Command::new(crate::support::harness::require_unix("script"));
        sb.clean_env(&mut cmd);
        let (args, stderr_to) = match args.strip_suffix(" tty") {
            Some(a) => (a, "&1".to_string()),
            None => (args, sb.home().join("stderr").display().to_string()),
        };
        cmd.args([
            "-qec",
            &format!("{} {args} 2>{stderr_to}", support::bin().display()),
            "/dev/null",
        ])
        .env("BROWSER", fake_browser())
        .env("FAKE_BROWSER_LOG", browser_log(&sb));
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        (
            out,
            std::fs::read_to_string(sb.home().join("stderr")).unwrap_or_default(),
        )
    };
    let (out, stderr) = run(&[("CI", "true")], "export koa-dev-customer --format json");
    assert!(
        !out.status.success() && stderr.contains("run: sso-env login"),
        "{stderr}"
    );
    let (out, stderr) = run(&[], "export koa-dev-customer --format json --no-login");
    assert!(
        !out.status.success() && stderr.contains("run: sso-env login"),
        "{stderr}"
    );
    assert_eq!(sb.server.count("CreateToken"), 0);
    // stdin a terminal but stderr captured (a credential_process): nobody would see a sign-in.
    let (out, stderr) = run(&[], "export koa-dev-customer --format json");
    assert!(
        !out.status.success() && stderr.contains("run: sso-env login"),
        "{stderr}"
    );
    assert_eq!(sb.server.count("CreateToken"), 0);
    // stderr on the terminal too: the sign-in runs there, stdout has only the JSON.
    let (out, _) = run(&[], "export koa-dev-customer --format json tty");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("signing in"), "{stdout}");
    let json = stdout
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("stdout has only the JSON: {stdout:?}"));
    assert_eq!(parse_json_vars(json)["AWS_PROFILE"], "koa-dev-customer");
    assert_eq!(sb.server.count("CreateToken"), 1);
}

fn credentials_already_expired_mean_a_wrong_clock() {
    let sb = Sandbox::new();
    sb.seed_token("koa", Duration::from_secs(3600));
    sb.server.set_role_credentials_ttl(Duration::ZERO);
    let line = sb.fails(&["export", "koa-dev-customer"]);
    assert!(line.contains("clock"), "{line}");
}

fn logout_removes_tokens_and_sso_role_credentials() {
    let sb = Sandbox::new();
    ok(&with_browser(
        &sb,
        &["login", "--profile", "koa-dev-customer"],
        "ok",
    ));
    sb.seed_token(support::START_URL, Duration::from_secs(3600));
    sb.ok(&["export", "koa-dev-customer"]);
    sb.ok(&["export", "legacy-style"]);
    let koa_token = read_json(&sb.token_path("koa"))["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    // An entry of another provider type stays.
    std::fs::write(
        sb.role_cache_dir().join("assume.json"),
        br#"{"ProviderType": "assume-role", "Credentials": {}}"#,
    )
    .unwrap();

    let out = sb.run(&["logout", "--profile", "koa-dev-customer"]);
    ok(&out);
    assert_eq!(
        sb.server.requests_for("Logout")[0].header("x-amz-sso_bearer_token"),
        Some(koa_token.as_str())
    );
    assert!(!sb.token_path("koa").exists());
    assert!(!sb
        .role_cache_path("931827427725", "idp_customer_access", "koa")
        .exists());
    assert!(
        sb.token_path(support::START_URL).exists(),
        "another sign-in is untouched"
    );
    let line = sb.fails(&["export", "koa-dev-customer"]);
    assert!(line.contains("not signed in"), "{line}");

    ok(&sb.run(&["logout", "--all"]));
    let left: Vec<String> = std::fs::read_dir(sb.sso_cache_dir())
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        left.iter().all(|f| !f.contains("accessToken")),
        "no token file left: {left:?}"
    );
    assert!(
        !left.is_empty(),
        "registrations are kept, as the AWS CLI keeps them"
    );
    let roles: Vec<_> = std::fs::read_dir(sb.role_cache_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(roles, ["assume.json"]);
    assert_eq!(sb.server.count("Logout"), 2);
    let line = sb.fails(&["export", "legacy-style"]);
    assert!(line.contains("not signed in"), "{line}");
}

#[cfg(unix)]
fn ctrl_c_while_waiting_leaves_no_half_written_file() {
    let sb = Sandbox::new();
    sb.server
        .set_device_script(DeviceScript::approve_after(10_000));
    let mut child = sb
        .command(&["login", "--profile", "legacy-style", "--no-browser"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it is polling, then interrupt it as Ctrl-C would.
    for _ in 0..200 {
        if sb.server.count("CreateToken") >= 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert!(
        sb.server.count("CreateToken") >= 1,
        "the sign-in started polling"
    );
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert!(
        !sb.token_path(support::START_URL).exists(),
        "no token written"
    );
    for entry in std::fs::read_dir(sb.sso_cache_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            !name.starts_with('.') && name.ends_with(".json"),
            "a stray file: {name}"
        );
        serde_json::from_slice::<Value>(&std::fs::read(&path).unwrap())
            .unwrap_or_else(|e| panic!("{name} is whole JSON: {e}"));
    }
}

fn a_refreshed_token_that_cannot_be_saved_is_still_used() {
    let sb = Sandbox::new();
    ok(&with_browser(
        &sb,
        &["login", "--profile", "koa-dev-customer"],
        "ok",
    ));
    age_token(&sb, 600);
    let before = read_json(&sb.token_path("koa"));
    // An immutable cache directory: nothing in it can be created or replaced, even by root, as
    // when another process keeps the file open on Windows past fsutil's retries.
    let dir = sb.sso_cache_dir();
    let chattr = |flag: &str| {
        Command::new("chattr")
            .arg(flag)
            .arg(&dir)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    support::skip_unless(
        chattr("+i"),
        "chattr +i",
        "chattr +i does not work here (it needs root and ext4)",
    );
    let out = sb.run(&["export", "koa-dev-customer", "--format", "json"]);
    assert!(chattr("-i"), "cannot undo chattr +i on {}", dir.display());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("cannot write") && stderr.contains("using the refreshed sign-in"),
        "{stderr}"
    );
    let vars = parse_json_vars(&String::from_utf8_lossy(&out.stdout));
    assert!(vars["AWS_ACCESS_KEY_ID"].is_string());
    let refreshes = sb
        .server
        .requests_for("CreateToken")
        .into_iter()
        .filter(|r| r.json().unwrap()["grantType"] == "refresh_token")
        .count();
    assert_eq!(refreshes, 1);
    // The role credentials were fetched with the new token, though the file keeps the old one.
    let got = sb.server.requests_for("GetRoleCredentials");
    assert_ne!(
        got.last().unwrap().header("x-amz-sso_bearer_token"),
        before["accessToken"].as_str()
    );
    assert_eq!(read_json(&sb.token_path("koa")), before);
}

crate::tests![
    pkce_login_writes_what_the_aws_cli_writes,
    botocore_uses_the_token_sso_env_cached,
    a_forged_state_or_an_error_callback_is_refused,
    device_code_login_polls_through_pending_and_slow_down,
    device_login_reuses_an_aws_cli_registration_and_refuses_a_pkce_one,
    device_login_errors_are_one_line,
    a_token_close_to_expiry_is_refreshed_once_and_botocore_reads_it,
    a_token_that_cannot_be_refreshed_needs_a_login,
    a_revoked_token_is_discarded,
    login_on_demand_at_a_terminal_but_not_in_ci_or_with_no_login,
    credentials_already_expired_mean_a_wrong_clock,
    logout_removes_tokens_and_sso_role_credentials,
    #[cfg(unix)]
    ctrl_c_while_waiting_leaves_no_half_written_file,
    a_refreshed_token_that_cannot_be_saved_is_still_used,
];
