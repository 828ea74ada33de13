//! Every profile the AWS CLI resolves, against the stand-in: the shared credentials file merged
//! into the config, static keys, role chaining through STS AssumeRole (with the AWS CLI's
//! assume-role cache, shared both ways with botocore), credential_process, MFA, and the errors.

use crate::support;

use std::time::Duration;

use support::{fails_cleanly, parse_json_vars, python, Sandbox, START_URL};

/// The seed's layout: a legacy Identity Center `default` in the config, one stanza per role of
/// the organisation in the credentials file.
const SEED_CONFIG: &str = "\
[default]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111111111111
sso_role_name = ReadOnly
region = eu-west-1
";

const SEED_CREDENTIALS: &str = "\
[platform-developer]
role_arn=arn:aws:iam::760097843905:role/platform-developer
source_profile=default
region=eu-west-1

[platform-admin]
role_arn=arn:aws:iam::760097843905:role/platform-admin
source_profile=default
region=eu-west-1

[data-reader]
role_arn=arn:aws:iam::760097843906:role/team/data-reader
source_profile=platform-developer
";

fn seed() -> Sandbox {
    let sb = Sandbox::empty();
    sb.write_config(SEED_CONFIG);
    sb.write_credentials(SEED_CREDENTIALS);
    sb.seed_token(START_URL, Duration::from_secs(3600));
    sb
}

fn export_json(sb: &Sandbox, args: &[&str]) -> serde_json::Map<String, serde_json::Value> {
    let mut all = vec!["export", "--format", "json"];
    all.extend_from_slice(args);
    parse_json_vars(&sb.ok(&all))
}

fn var<'a>(v: &'a serde_json::Map<String, serde_json::Value>, k: &str) -> &'a str {
    v.get(k)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("{k} missing in {v:?}"))
}

fn seed_layout_assumes_the_role_with_the_sso_role_keys_once() {
    let sb = seed();
    let v = export_json(&sb, &["platform-developer"]);
    let calls = sb.server.assume_role_calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0];
    assert_eq!(
        call.role_arn,
        "arn:aws:iam::760097843905:role/platform-developer"
    );
    // Signed with the Identity Center role's key, which GetRoleCredentials issued.
    let sso_keys: Vec<String> = sb
        .server
        .issued_credentials()
        .into_iter()
        .filter(|c| c.operation == "GetRoleCredentials")
        .map(|c| c.access_key_id)
        .collect();
    assert_eq!(sso_keys, std::slice::from_ref(&call.caller_access_key_id));
    assert!(call.role_session_name.starts_with("botocore-session-"));
    assert_eq!(var(&v, "AWS_ACCESS_KEY_ID"), call.issued_access_key_id);
    assert_eq!(var(&v, "SSO_ENV_ROLE_NAME"), "platform-developer");
    assert_eq!(var(&v, "SSO_ENV_ACCOUNT_ID"), "760097843905");
    assert_eq!(var(&v, "AWS_PROFILE"), "platform-developer");
    assert_eq!(var(&v, "AWS_REGION"), "eu-west-1");
    assert!(v.contains_key("AWS_SESSION_TOKEN") && v.contains_key("SSO_ENV_EXPIRES_AT"));

    // The second export is the warm path: no call at all.
    sb.server.clear_log();
    let again = export_json(&sb, &["platform-developer"]);
    assert_eq!(sb.server.requests().len(), 0, "{:?}", sb.server.requests());
    assert_eq!(
        var(&again, "AWS_ACCESS_KEY_ID"),
        var(&v, "AWS_ACCESS_KEY_ID")
    );

    // The cache entry is private and where the AWS CLI looks for it.
    let key =
        support::sha1_hex(r#"{"RoleArn": "arn:aws:iam::760097843905:role/platform-developer"}"#);
    let path = sb.role_cache_dir().join(format!("{key}.json"));
    assert!(path.exists(), "no {}", path.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

fn three_hops_each_signed_with_the_previous_role() {
    let sb = seed();
    let v = export_json(&sb, &["data-reader"]);
    let calls = sb.server.assume_role_calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(
        calls[0].role_arn,
        "arn:aws:iam::760097843905:role/platform-developer"
    );
    assert_eq!(
        calls[1].role_arn,
        "arn:aws:iam::760097843906:role/team/data-reader"
    );
    assert_eq!(calls[1].caller_access_key_id, calls[0].issued_access_key_id);
    assert_eq!(var(&v, "AWS_ACCESS_KEY_ID"), calls[1].issued_access_key_id);
    // The role name is the ARN's last part, the path dropped.
    assert_eq!(var(&v, "SSO_ENV_ROLE_NAME"), "data-reader");
    assert_eq!(var(&v, "SSO_ENV_ACCOUNT_ID"), "760097843906");
    // data-reader has no region and none is exported.
    assert!(!v.contains_key("AWS_REGION"));
}

fn twenty_concurrent_callers_make_one_sts_call() {
    let sb = seed();
    let outs = sb.run_concurrently(&["export", "--format", "json", "platform-admin"], 20);
    let mut keys = std::collections::HashSet::new();
    for o in &outs {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v = parse_json_vars(&String::from_utf8_lossy(&o.stdout));
        keys.insert(var(&v, "AWS_ACCESS_KEY_ID").to_string());
    }
    assert_eq!(sb.server.count("AssumeRole"), 1);
    assert_eq!(sb.server.count("GetRoleCredentials"), 1);
    assert_eq!(keys.len(), 1);
}

/// botocore's assume-role provider as the AWS CLI sets it up (awscli's
/// customizations/assumerole.py gives it a JSONFileCache on ~/.aws/cli/cache).
const BOTOCORE: &str = r#"
import json, os, sys
import botocore.session
from botocore.utils import JSONFileCache
s = botocore.session.Session(profile=sys.argv[1])
p = s.get_component('credential_provider').get_provider('assume-role')
p.cache = JSONFileCache(os.path.expanduser(os.path.join('~', '.aws', 'cli', 'cache')))
c = s.get_credentials().get_frozen_credentials()
print(json.dumps([c.access_key, c.secret_key, c.token]))
"#;

fn botocore_creds(sb: &Sandbox, profile: &str) -> Vec<String> {
    let mut cmd = crate::support::python_command();
    cmd.arg("-c").arg(BOTOCORE).arg(profile);
    sb.clean_env(&mut cmd);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "botocore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn botocore_reuses_our_cache_entry_and_we_reuse_its() {
    let sb = seed();
    support::require_botocore();
    let ours = export_json(&sb, &["platform-developer"]);
    sb.server.clear_log();
    let theirs = botocore_creds(&sb, "platform-developer");
    assert_eq!(sb.server.count("AssumeRole"), 0, "botocore called STS");
    assert_eq!(theirs[0], var(&ours, "AWS_ACCESS_KEY_ID"));
    assert_eq!(theirs[1], var(&ours, "AWS_SECRET_ACCESS_KEY"));
    assert_eq!(theirs[2], var(&ours, "AWS_SESSION_TOKEN"));

    // The other way: botocore assumes platform-admin (needs the SSO role's keys: the AWS CLI's
    // role cache is shared too), then we read its entry.
    let theirs = botocore_creds(&sb, "platform-admin");
    assert_eq!(sb.server.count("AssumeRole"), 1);
    let ours = export_json(&sb, &["platform-admin"]);
    assert_eq!(sb.server.count("AssumeRole"), 1, "we called STS again");
    assert_eq!(var(&ours, "AWS_ACCESS_KEY_ID"), theirs[0]);
}

fn credentials_file_keys_win_and_static_keys_export_without_expiry() {
    let sb = Sandbox::empty();
    sb.write_config(
        "[profile keys]\nregion = us-east-2\naws_access_key_id = AKIACONFIG\naws_secret_access_key = from-config\n",
    );
    sb.write_credentials(
        "[keys]\naws_access_key_id = AKIACREDS\naws_secret_access_key = from-creds\n\n[only-here]\naws_access_key_id = AKIAONLY\naws_secret_access_key = s\naws_session_token = tok\n",
    );
    let v = export_json(&sb, &["keys"]);
    assert_eq!(var(&v, "AWS_ACCESS_KEY_ID"), "AKIACREDS");
    assert_eq!(var(&v, "AWS_SECRET_ACCESS_KEY"), "from-creds");
    // The config's region still applies: the two sections are merged.
    assert_eq!(var(&v, "AWS_REGION"), "us-east-2");
    for k in [
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "SSO_ENV_EXPIRES_AT",
    ] {
        assert!(!v.contains_key(k), "{k} set: {v:?}");
    }
    let v = export_json(&sb, &["only-here"]);
    assert_eq!(var(&v, "AWS_SESSION_TOKEN"), "tok");
    // A shell export clears what a previous profile left.
    let sh = sb.ok(&["export", "--format", "bash", "keys"]);
    assert!(
        sh.contains("unset AWS_SESSION_TOKEN") || sh.contains("AWS_SESSION_TOKEN"),
        "{sh}"
    );
    assert_eq!(sb.server.requests().len(), 0);
}

fn a_profile_with_keys_and_role_arn_sources_itself() {
    let sb = Sandbox::empty();
    sb.server
        .add_static_keys("AKIASELF000000000001", "self-secret");
    sb.write_credentials(
        "[self]\naws_access_key_id = AKIASELF000000000001\naws_secret_access_key = self-secret\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = self\n",
    );
    let v = export_json(&sb, &["self"]);
    let calls = sb.server.assume_role_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].caller_access_key_id, "AKIASELF000000000001");
    assert_eq!(var(&v, "AWS_ACCESS_KEY_ID"), calls[0].issued_access_key_id);
}

fn role_settings_reach_sts_and_the_cache_key() {
    let sb = Sandbox::empty();
    sb.server
        .add_static_keys("AKIABASE000000000001", "base-secret");
    sb.server
        .require_external_id("arn:aws:iam::123456789012:role/ext", "the-ext");
    sb.server.set_max_session_duration(
        "arn:aws:iam::123456789012:role/ext",
        Duration::from_secs(7200),
    );
    sb.write_credentials(
        "[base]\naws_access_key_id = AKIABASE000000000001\naws_secret_access_key = base-secret\n",
    );
    sb.write_config("[profile ext]\nrole_arn = arn:aws:iam::123456789012:role/ext\nsource_profile = base\nexternal_id = the-ext\nrole_session_name = me\nduration_seconds = 7200\n");
    export_json(&sb, &["ext"]);
    let calls = sb.server.assume_role_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].external_id.as_deref(), Some("the-ext"));
    assert_eq!(calls[0].role_session_name, "me");
    assert_eq!(calls[0].duration_seconds, Some(7200));
    let key = support::sha1_hex(
        r#"{"DurationSeconds": 7200, "ExternalId": "the-ext", "RoleArn": "arn:aws:iam::123456789012:role/ext", "RoleSessionName": "me"}"#,
    );
    assert!(sb.role_cache_dir().join(format!("{key}.json")).exists());
}

fn credential_process_runs_and_cannot_loop() {
    let sb = Sandbox::empty();
    let script = sb.home().join("creds.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho 'from the process' >&2\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", \"SecretAccessKey\": \"proc-secret\", \"SessionToken\": \"proc-token\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n",
    )
    .unwrap();
    let bad = sb.home().join("bad.sh");
    std::fs::write(&bad, "#!/bin/sh\necho 'no such thing' >&2\nexit 3\n").unwrap();
    #[cfg(unix)]
    for f in [&script, &bad] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let exe = support::bin();
    sb.write_config(&format!(
        "[profile proc]\ncredential_process = {}\n\n[profile bad]\ncredential_process = {}\n\n[profile loop]\ncredential_process = {} export loop --format process\n\n[profile junk]\ncredential_process = echo nope\n",
        script.display(),
        bad.display(),
        exe.display()
    ));
    let out = sb.run(&["export", "--format", "json", "proc"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // stderr passes through.
    assert!(String::from_utf8_lossy(&out.stderr).contains("from the process"));
    let v = parse_json_vars(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(var(&v, "AWS_ACCESS_KEY_ID"), "AKIAPROC");
    assert_eq!(var(&v, "AWS_CREDENTIAL_EXPIRATION"), "2099-01-01T00:00:00Z");

    let e = sb.run(&["export", "bad"]);
    assert!(!e.status.success() && e.stdout.is_empty());
    let err = String::from_utf8_lossy(&e.stderr);
    assert!(
        err.contains("no such thing") && err.contains("credential_process of profile 'bad' failed"),
        "{err}"
    );

    let e = sb.fails(&["export", "junk"]);
    assert!(
        e.contains("profile 'junk'") && e.contains("not JSON"),
        "{e}"
    );

    // The loop: the inner sso-env refuses, the outer reports the failure; nothing hangs.
    let e = sb.run(&["export", "loop"]);
    assert!(!e.status.success() && e.stdout.is_empty());
    let err = String::from_utf8_lossy(&e.stderr);
    assert!(
        err.contains("runs sso-env for the same profile again"),
        "{err}"
    );
}

fn mfa_code_from_the_flag_and_no_terminal() {
    let sb = Sandbox::empty();
    let role = "arn:aws:iam::123456789012:role/mfa";
    let serial = "arn:aws:iam::123456789012:mfa/me";
    sb.server
        .add_static_keys("AKIABASE000000000001", "base-secret");
    sb.server.require_mfa(role, serial, "123456");
    sb.write_credentials(
        "[base]\naws_access_key_id = AKIABASE000000000001\naws_secret_access_key = base-secret\n",
    );
    sb.write_config(&format!(
        "[profile mfa]\nrole_arn = {role}\nsource_profile = base\nmfa_serial = {serial}\n"
    ));
    // No terminal (the test has none): fail at once, saying what to do.
    let mut cmd = sb.command(&["export", "mfa"]);
    cmd.stdin(std::process::Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // A new session: no controlling terminal, so /dev/tty cannot open.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
    }
    let e = fails_cleanly(&cmd.output().unwrap(), "no tty");
    assert!(e.contains("--mfa-code"), "{e}");
    assert_eq!(sb.server.count("AssumeRole"), 0);

    let e = sb.fails(&["export", "mfa", "--mfa-code", "000000"]);
    assert!(
        e.contains("MultiFactorAuthentication") || e.contains("MFA"),
        "{e}"
    );

    let v = export_json(&sb, &["mfa", "--mfa-code", "123456"]);
    let calls = sb.server.assume_role_calls();
    assert_eq!(calls.last().unwrap().token_code.as_deref(), Some("123456"));
    assert_eq!(calls.last().unwrap().serial_number.as_deref(), Some(serial));
    // One code per role session: the next export uses the cache, asking nothing.
    let again = export_json(&sb, &["mfa"]);
    assert_eq!(
        var(&again, "AWS_ACCESS_KEY_ID"),
        var(&v, "AWS_ACCESS_KEY_ID")
    );
}

fn mfa_prompt_on_the_terminal() {
    let sb = Sandbox::empty();
    support::require_botocore();
    let role = "arn:aws:iam::123456789012:role/mfa";
    let serial = "arn:aws:iam::123456789012:mfa/me";
    sb.server
        .add_static_keys("AKIABASE000000000001", "base-secret");
    sb.server.require_mfa(role, serial, "654321");
    sb.write_credentials(
        "[base]\naws_access_key_id = AKIABASE000000000001\naws_secret_access_key = base-secret\n",
    );
    sb.write_config(&format!(
        "[profile mfa]\nrole_arn = {role}\nsource_profile = base\nmfa_serial = {serial}\n"
    ));
    // expect-style: a pty as the controlling terminal, stdout to a file.
    let script = format!(
        r#"
import os, pty, sys, time
out = os.path.join(os.environ['HOME'], 'out.json')
pid, fd = pty.fork()
if pid == 0:
    os.execv('/bin/sh', ['sh', '-c', '"$0" export --format json mfa > "$1"', {exe:?}, out])
seen = b''
deadline = time.time() + 60
while b'Enter MFA code for {serial}: ' not in seen and time.time() < deadline:
    try:
        seen += os.read(fd, 1024)
    except OSError:
        break
os.write(fd, b'654321\n')
rest = b''
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    rest += chunk
_, status = os.waitpid(pid, 0)
print(repr(seen))
print(os.waitstatus_to_exitcode(status))
print(open(out).read())
"#,
        exe = support::bin().display().to_string()
    );
    let out = python(&sb, &script);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines = text.lines();
    let seen = lines.next().unwrap();
    assert!(seen.contains("Enter MFA code for"), "{text}");
    assert_eq!(lines.next(), Some("0"), "{text}");
    let v = parse_json_vars(&lines.collect::<Vec<_>>().join("\n"));
    let calls = sb.server.assume_role_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].token_code.as_deref(), Some("654321"));
    assert_eq!(var(&v, "AWS_ACCESS_KEY_ID"), calls[0].issued_access_key_id);
}

fn config_errors_name_the_file_line_and_fix() {
    let sb = Sandbox::empty();
    sb.write_config("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n\n[profile nosrc]\nrole_arn = arn:aws:iam::1:role/x\n\n[profile two]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = a\ncredential_source = Environment\n\n[profile dangling]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = platform-devloper\n\n[profile empty]\nregion = eu-west-1\n");
    sb.write_credentials("[platform-developer]\naws_access_key_id = A\naws_secret_access_key = S\n\n[half]\naws_access_key_id = A\n");
    let config = sb.config_path().display().to_string();
    let creds = sb.credentials_path().display().to_string();

    let e = sb.fails(&["export", "a"]);
    assert!(
        e.contains("loop (a -> b -> a)") && e.contains(&format!("{config}:7")),
        "{e}"
    );
    let e = sb.fails(&["export", "nosrc"]);
    assert!(
        e.contains(&format!("{config}:10")) && e.contains("no source_profile or credential_source"),
        "{e}"
    );
    let e = sb.fails(&["export", "two"]);
    assert!(
        e.contains("both source_profile and credential_source"),
        "{e}"
    );
    let e = sb.fails(&["export", "dangling"]);
    assert!(
        e.contains(&format!("{config}:19")) && e.contains("did you mean 'platform-developer'"),
        "{e}"
    );
    let e = sb.fails(&["export", "empty"]);
    assert!(
        e.contains("has no credentials") && !e.contains("aws configure sso"),
        "{e}"
    );
    let e = sb.fails(&["export", "half"]);
    assert!(
        e.contains(&format!("{creds}:6")) && e.contains("no aws_secret_access_key"),
        "{e}"
    );
    let e = sb.fails(&["export", "nowhere-at-all"]);
    assert!(e.contains(&config) && e.contains(&creds), "{e}");
    assert_eq!(sb.server.requests().len(), 0);
}

fn sts_errors_are_one_line() {
    let sb = Sandbox::empty();
    sb.server
        .add_static_keys("AKIABASE000000000001", "base-secret");
    sb.write_credentials("[base]\naws_access_key_id = AKIABASE000000000001\naws_secret_access_key = base-secret\n\n[unknown]\naws_access_key_id = AKIAUNKNOWN000000001\naws_secret_access_key = nope\n");
    sb.write_config("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n\n[profile u]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = unknown\n");
    let e = sb.fails(&["export", "u"]);
    assert!(
        e.contains("InvalidClientTokenId") && e.contains("profile 'unknown'"),
        "{e}"
    );

    sb.server.set_trust_strict(true);
    let e = sb.fails(&["export", "r"]);
    assert!(
        e.contains("AccessDenied") && e.contains("trusts profile 'base'"),
        "{e}"
    );
    sb.server.set_trust_strict(false);

    sb.server.always_fail("AssumeRole", 429);
    let e = sb.fails(&["export", "r"]);
    assert!(
        e.contains("Throttling") && e.contains("wait a moment"),
        "{e}"
    );
    sb.server.clear_faults();

    sb.server
        .fail_next_with("AssumeRole", 1, 400, "ExpiredToken");
    let e = sb.fails(&["export", "r"]);
    assert!(
        e.contains("ExpiredToken") && e.contains("replace them"),
        "{e}"
    );
    // Nothing was cached on any failure.
    assert!(
        !sb.role_cache_dir().exists()
            || std::fs::read_dir(sb.role_cache_dir()).unwrap().count() == 0
    );
    export_json(&sb, &["r"]);
}

fn profiles_status_and_login_follow_the_chain() {
    let sb = seed();
    let mut extra = String::from(SEED_CREDENTIALS);
    extra.push_str("\n[keys]\naws_access_key_id = AKIAKEYS\naws_secret_access_key = s\n");
    sb.write_credentials(&extra);
    sb.write_config(&format!(
        "{SEED_CONFIG}\n[profile proc]\ncredential_process = /bin/false\n\n[profile nothing]\nregion = eu-west-1\n"
    ));
    export_json(&sb, &["platform-developer"]);
    let table = sb.ok(&["profiles"]);
    // Not a terminal: nothing is cut (issue 10), so the chain is there whole.
    let row = |prefix: &str| {
        table
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix}:\n{table}"))
            .to_string()
    };
    assert!(table.lines().next().unwrap().contains("KIND"), "{table}");
    assert!(row("default ").contains(" sso "), "{table}");
    let dev = row("platform-de");
    assert!(
        dev.contains("role <- ") && dev.contains("760097843905"),
        "{table}"
    );
    // Its assume-role cache entry is valid (about an hour); platform-admin has none. LOGIN is
    // the sign-in at the root of the chain (an hour left on the seeded token).
    assert!(dev.ends_with("59m") || dev.ends_with("1h00m"), "{table}");
    assert!(
        dev.contains("  59m  ") || dev.contains("  1h00m  "),
        "the root's sign-in: {table}"
    );
    assert!(row("platform-ad").ends_with(" -"), "{table}");
    assert!(row("data-reader ").contains("role <- "), "{table}");
    assert!(row("keys ").contains(" static "), "{table}");
    assert!(row("proc ").contains(" process "), "{table}");
    assert!(row("nothing ").contains("no credentials"), "{table}");

    let names = sb.ok(&["profiles", "--names"]);
    assert_eq!(
        names,
        "default\nproc\nplatform-developer\nplatform-admin\ndata-reader\nkeys\n"
    );
    let v: serde_json::Value = serde_json::from_str(&sb.ok(&["profiles", "--json"])).unwrap();
    let dev = v
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "platform-developer")
        .unwrap();
    assert_eq!(dev["kind"], "role");
    assert_eq!(dev["login"]["valid"], true, "{dev}");
    assert_eq!(
        dev["chain"],
        serde_json::json!(["platform-developer", "default"])
    );

    // status, in a shell that used platform-developer.
    let vars = export_json(&sb, &["platform-developer"]);
    let mut cmd = sb.command(&["status"]);
    for (k, v) in &vars {
        cmd.env(k, v.as_str().unwrap());
    }
    let out = cmd.output().unwrap();
    let status = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        status.contains("chain    platform-developer <- default"),
        "{status}"
    );
    assert!(
        status.contains("role     platform-developer in account 760097843905"),
        "{status}"
    );
    assert!(status.contains("sign-in  valid until"), "{status}");

    // login --profile of a role signs in where its chain starts (the legacy default).
    std::fs::remove_file(sb.token_path(START_URL)).unwrap();
    let out = sb.run(&[
        "login",
        "--profile",
        "data-reader",
        "--device-code",
        "--no-browser",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(sb.token_path(START_URL).exists());
}

fn console_login_hint_and_environment_source_follow_the_chain() {
    let sb = seed();
    // The console signs in as the assumed role: its keys go to the federation endpoint.
    let out = sb
        .command(&["console", "platform-developer", "--print"])
        .env("SSO_ENV_FEDERATION_ENDPOINT", sb.server.url())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let assumed = &sb.server.assume_role_calls()[0].issued_access_key_id;
    let req = &sb.server.requests_for("GetSigninToken")[0];
    assert!(
        req.body.contains(assumed.as_str()),
        "signed in as the assumed role"
    );

    // Not signed in and nobody to ask: the error names the sign-in at the root of the chain.
    std::fs::remove_file(sb.token_path(START_URL)).unwrap();
    std::fs::remove_dir_all(sb.role_cache_dir()).unwrap();
    let e = sb.fails(&["export", "platform-admin", "--no-login"]);
    assert!(e.contains("run: sso-env login --profile default"), "{e}");
    assert_eq!(sb.server.count("AssumeRole"), 1);

    // credential_source = Environment: the keys in this process's environment sign the call.
    sb.server
        .add_static_keys("AKIAENVIRONMENT00001", "env-secret");
    sb.write_config("[profile from-env]\nrole_arn = arn:aws:iam::123456789012:role/e\ncredential_source = Environment\n\n[profile from-env-2]\nrole_arn = arn:aws:iam::123456789012:role/e2\ncredential_source = Environment\n");
    let out = sb
        .command(&["export", "--format", "json", "from-env"])
        .env("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001")
        .env("AWS_SECRET_ACCESS_KEY", "env-secret")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = sb.server.assume_role_calls();
    assert_eq!(
        calls.last().unwrap().caller_access_key_id,
        "AKIAENVIRONMENT00001"
    );
    // (from-env itself is cached now, as botocore would reuse it too.)
    let e = sb.fails(&["export", "from-env-2"]);
    assert!(
        e.contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"),
        "{e}"
    );
}

fn no_secret_or_mfa_code_in_the_debug_log() {
    let sb = seed();
    let role = "arn:aws:iam::760097843905:role/platform-admin";
    sb.server
        .require_mfa(role, "arn:aws:iam::1:mfa/me", "246810");
    let creds = SEED_CREDENTIALS.replace(
        "role_arn=arn:aws:iam::760097843905:role/platform-admin\n",
        "role_arn=arn:aws:iam::760097843905:role/platform-admin\nmfa_serial = arn:aws:iam::1:mfa/me\n",
    );
    sb.write_credentials(&creds);
    for profile in ["data-reader", "platform-admin"] {
        let out = sb
            .command(&[
                "export",
                "--format",
                "json",
                profile,
                "--mfa-code",
                "246810",
            ])
            .env("SSO_ENV_LOG", "debug")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(
            log.contains("AssumeRole"),
            "the log says what it did: {log}"
        );
        assert!(!log.contains("246810"), "the MFA code leaked: {log}");
        for secret in sb.server.issued_secrets() {
            assert!(!log.contains(&secret), "a secret leaked into the log");
        }
    }
}

/// A container credentials endpoint (what ECS serves at AWS_CONTAINER_CREDENTIALS_FULL_URI),
/// answering every request with `body`; returns its URL.
fn container_endpoint(body: String) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/creds", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn credential_source_ecs_container_through_the_sdk() {
    let sb = Sandbox::new();
    sb.seed_token("koa", Duration::from_secs(3600));
    // Credentials the stand-in's STS knows (with a session token, as ECS hands out).
    let sso = export_json(&sb, &["koa-dev-customer"]);
    let body = serde_json::json!({
        "AccessKeyId": var(&sso, "AWS_ACCESS_KEY_ID"),
        "SecretAccessKey": var(&sso, "AWS_SECRET_ACCESS_KEY"),
        "Token": var(&sso, "AWS_SESSION_TOKEN"),
        "Expiration": var(&sso, "AWS_CREDENTIAL_EXPIRATION"),
    })
    .to_string();
    let url = container_endpoint(body);
    sb.write_credentials(
        "[in-ecs]\nrole_arn = arn:aws:iam::123456789012:role/task\ncredential_source = EcsContainer\nregion = eu-west-1\n",
    );
    let out = sb
        .command(&["export", "--format", "json", "in-ecs"])
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = sb.server.assume_role_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].caller_access_key_id,
        var(&sso, "AWS_ACCESS_KEY_ID")
    );
    let v = parse_json_vars(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(var(&v, "AWS_ACCESS_KEY_ID"), calls[0].issued_access_key_id);

    // Outside a container: one line saying so.
    sb.write_credentials(
        "[in-ecs-2]\nrole_arn = arn:aws:iam::123456789012:role/task2\ncredential_source = EcsContainer\n",
    );
    let e = sb.fails(&["export", "in-ecs-2"]);
    assert!(
        e.contains("credential_source = EcsContainer but no credentials came from it"),
        "{e}"
    );
}

fn login_of_keys_says_there_is_nothing_to_sign_in_to() {
    let sb = Sandbox::empty();
    sb.write_credentials("[keys]\naws_access_key_id = A\naws_secret_access_key = S\n");
    sb.write_config(
        "[profile role-on-keys]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = keys\n",
    );
    for profile in ["keys", "role-on-keys"] {
        let e = sb.fails(&["login", "--profile", profile]);
        assert!(
            e.contains("uses static credentials") && e.contains("nothing to sign in to"),
            "{e}"
        );
        assert!(!e.contains("aws configure"), "{e}");
    }
    assert_eq!(sb.server.requests().len(), 0);
}

fn refused_cached_source_credentials_are_fetched_again_once() {
    let sb = seed();
    export_json(&sb, &["platform-developer"]);
    // The SSO role's cached keys stop working (revoked, say); the next role needs them.
    let sso_key = sb.server.assume_role_calls()[0]
        .caller_access_key_id
        .clone();
    sb.server.expire_access_key(&sso_key);
    let v = export_json(&sb, &["platform-admin"]);
    let calls = sb.server.assume_role_calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_ne!(
        calls[1].caller_access_key_id, sso_key,
        "new SSO role keys were fetched"
    );
    assert_eq!(sb.server.count("GetRoleCredentials"), 2);
    assert_eq!(var(&v, "AWS_ACCESS_KEY_ID"), calls[1].issued_access_key_id);
}

fn exec_runs_with_the_assumed_role() {
    let sb = seed();
    let out = sb.ok(&[
        "exec",
        "platform-developer",
        "--",
        "sh",
        "-c",
        "printf '%s %s %s' \"$AWS_ACCESS_KEY_ID\" \"$AWS_PROFILE\" \"$SSO_ENV_ROLE_NAME\"",
    ]);
    let calls = sb.server.assume_role_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        out,
        format!(
            "{} platform-developer platform-developer",
            calls[0].issued_access_key_id
        )
    );
}

fn big_files_parse_alike_and_errors_name_their_line() {
    let sb = Sandbox::empty();
    let mut config = String::new();
    let mut creds = String::new();
    for i in 0..5_000 {
        config.push_str(&format!(
            "[profile p{i}]\nrole_arn = arn:aws:iam::1:role/r{i}\nsource_profile = k{i}\nregion = eu-west-1\n\n"
        ));
        creds.push_str(&format!(
            "[k{i}]\naws_access_key_id = AKIA{i:016}\naws_secret_access_key = s{i}\n\n"
        ));
    }
    assert!(config.len() > 256 * 1024 && creds.len() > 256 * 1024);
    sb.write_config(&config);
    sb.write_credentials(&creds);
    let v = export_json(&sb, &["k4999"]);
    assert_eq!(var(&v, "AWS_ACCESS_KEY_ID"), "AKIA0000000000004999");
    let names = sb.ok(&["profiles", "--names"]);
    assert_eq!(names.lines().count(), 10_000);
    // A broken line at the end of the credentials file is refused with its line.
    creds.push_str("[k-last]\nno equals sign here\n");
    sb.write_credentials(&creds);
    let e = sb.fails(&["export", "k1"]);
    let lines = creds.lines().count();
    assert!(
        e.contains(&format!("{}:{lines}:", sb.credentials_path().display())),
        "{e}"
    );
}

fn a_role_sourced_from_a_credential_process() {
    let sb = Sandbox::empty();
    sb.server
        .add_static_keys("AKIAPROCESS000000001", "proc-secret");
    let script = sb.home().join("creds.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROCESS000000001\", \"SecretAccessKey\": \"proc-secret\"}'\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    sb.write_config(&format!(
        "[profile proc]\ncredential_process = {}\n\n[profile role-on-proc]\nrole_arn = arn:aws:iam::123456789012:role/p\nsource_profile = proc\n",
        script.display()
    ));
    let v = export_json(&sb, &["role-on-proc"]);
    let calls = sb.server.assume_role_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].caller_access_key_id, "AKIAPROCESS000000001");
    assert_eq!(var(&v, "AWS_ACCESS_KEY_ID"), calls[0].issued_access_key_id);
    assert_eq!(var(&v, "SSO_ENV_ROLE_NAME"), "p");
}

/// A role profile with keys to sign with, STS at `sts` (the stand-in unless given).
fn role_on_keys(duration: &str) -> Sandbox {
    let sb = Sandbox::empty();
    sb.server
        .add_static_keys("AKIABASE000000000001", "base-secret");
    sb.write_credentials(
        "[base]\naws_access_key_id = AKIABASE000000000001\naws_secret_access_key = base-secret\n",
    );
    sb.write_config(&format!(
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n{duration}"
    ));
    sb
}

fn incomplete_or_expired_sts_answers_are_refused() {
    let sb = role_on_keys("");
    let only_key = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials><AccessKeyId>ASIAONLYKEY</AccessKeyId></Credentials></AssumeRoleResult></AssumeRoleResponse>";
    let truncated = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials><AccessKeyId>ASIATRUNC</AccessKeyId><SecretAcc";
    let expired = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials><AccessKeyId>ASIAOLD</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2020-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";
    for (body, want) in [
        (only_key, "without SecretAccessKey"),
        (truncated, ""),
        (expired, "expired at 2020-01-01"),
    ] {
        sb.server.answer_next("AssumeRole", 1, 200, body);
        let e = sb.fails(&["export", "r"]);
        assert!(
            e.contains("cannot assume role") && e.contains(want),
            "{body}: {e}"
        );
        assert!(!sb.role_cache_dir().exists(), "nothing cached: {e}");
    }
    export_json(&sb, &["r"]);
}

fn duration_seconds_out_of_range_is_refused_not_wrapped() {
    for d in ["4294968196", "-5", "60", "99999"] {
        let sb = role_on_keys(&format!("duration_seconds = {d}\n"));
        let e = sb.fails(&["export", "r"]);
        assert!(
            e.contains("duration_seconds") && e.contains(d) && e.contains("900 to 43200"),
            "{d}: {e}"
        );
        assert!(sb.server.assume_role_calls().is_empty(), "{d}: not sent");
    }
}

fn sts_unreachable_exits_offline_like_identity_center() {
    let sb = role_on_keys("");
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let out = sb
        .command(&["export", "r"])
        .env("AWS_ENDPOINT_URL_STS", &url)
        .output()
        .unwrap();
    let e = fails_cleanly(&out, "export r, STS unreachable");
    assert_eq!(out.status.code(), Some(5), "{e}");
    assert!(e.contains("cannot assume role"), "{e}");
}

fn refused_source_credentials_name_what_renews_them() {
    // Static keys: no login renews them.
    let sb = role_on_keys("");
    sb.server
        .fail_next_with("AssumeRole", 1, 403, "InvalidClientTokenId");
    let e = sb.fails(&["export", "r"]);
    assert!(!e.contains("NAME"), "{e}");
    assert!(
        !e.contains("sso-env login"),
        "keys are not signed in to: {e}"
    );
    assert!(e.contains("profile 'base'"), "{e}");
    // The seed: Identity Center under the role, so the login of that profile.
    let sb = seed();
    sb.server
        .fail_next_with("AssumeRole", 2, 400, "ExpiredToken");
    let e = sb.fails(&["export", "platform-developer"]);
    assert!(e.contains("sso-env login --profile default"), "{e}");
}

fn a_credentials_file_error_names_its_own_header_form() {
    let sb = role_on_keys("");
    sb.write_credentials("aws_access_key_id = AKIAX\n[base\n");
    let e = sb.fails(&["export", "r"]);
    assert!(e.contains("credentials:1:"), "{e}");
    assert!(e.contains("in the credentials file: [NAME]"), "{e}");
}

/// A profile `name` whose credential_process prints `json` (and its arguments, one a line,
/// to args.txt).
fn process_profile(sb: &Sandbox, name: &str, json: &str, args: &str) -> String {
    let script = sb.home().join(format!("{name}.sh"));
    let argfile = sb.home().join(format!("{name}.args"));
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\ncat <<'EOF'\n{json}\nEOF\n",
            argfile.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!(
        "[profile {name}]\ncredential_process = {} {args}\n",
        script.display()
    )
}

fn credential_process_answers_are_read_as_botocore_reads_them() {
    let sb = Sandbox::empty();
    let past = process_profile(
        &sb,
        "past",
        r#"{"Version": 1, "AccessKeyId": "AKIAP", "SecretAccessKey": "s", "Expiration": "2020-01-01T00:00:00Z"}"#,
        "",
    );
    let numeric = process_profile(
        &sb,
        "numeric",
        r#"{"Version": 1, "AccessKeyId": "AKIAN", "SecretAccessKey": "s", "Expiration": 4102444800}"#,
        "--x #arg 'a b'",
    );
    sb.write_config(&format!("{past}\n{numeric}"));
    let e = sb.fails(&["export", "past"]);
    assert!(
        e.contains("profile 'past'") && e.contains("expired at 2020-01-01"),
        "{e}"
    );
    // botocore fails on a numeric Expiration; never take it for keys that do not expire.
    let e = sb.fails(&["export", "numeric"]);
    assert!(
        e.contains("profile 'numeric'") && e.contains("not an ISO 8601 string (4102444800)"),
        "{e}"
    );
    // shlex.split without comments: `#arg` is an argument, as botocore passes it.
    let args = std::fs::read_to_string(sb.home().join("numeric.args")).unwrap();
    assert_eq!(args, "--x\n#arg\na b\n");
}

fn a_role_whose_process_exports_the_same_role_is_refused_not_deadlocked() {
    let sb = Sandbox::empty();
    let exe = support::bin();
    sb.write_config(&format!(
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = p\n\n[profile p]\ncredential_process = {} export r --format process\n",
        exe.display()
    ));
    let mut child = sb
        .command(&["export", "r"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A deadlock never ends: give up after a minute rather than hang the suite.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("export r deadlocked on its own lock");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success() && out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("profile 'r' is being resolved by the credential_process"),
        "{err}"
    );
}

fn an_unreadable_assume_role_cache_entry_is_a_warning_and_a_miss() {
    let sb = role_on_keys("");
    let key = support::sha1_hex(r#"{"RoleArn": "arn:aws:iam::123456789012:role/r"}"#);
    let entry = sb.role_cache_dir().join(format!("{key}.json"));
    std::fs::create_dir_all(&entry).unwrap();
    let out = sb.run(&["export", "--format", "json", "r"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning:") && stderr.contains("treated as not cached"),
        "{stderr}"
    );
    let v = parse_json_vars(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        var(&v, "AWS_ACCESS_KEY_ID"),
        sb.server.assume_role_calls()[0].issued_access_key_id
    );
}

crate::tests![
    seed_layout_assumes_the_role_with_the_sso_role_keys_once,
    three_hops_each_signed_with_the_previous_role,
    twenty_concurrent_callers_make_one_sts_call,
    botocore_reuses_our_cache_entry_and_we_reuse_its,
    credentials_file_keys_win_and_static_keys_export_without_expiry,
    a_profile_with_keys_and_role_arn_sources_itself,
    role_settings_reach_sts_and_the_cache_key,
    credential_process_runs_and_cannot_loop,
    mfa_code_from_the_flag_and_no_terminal,
    mfa_prompt_on_the_terminal,
    config_errors_name_the_file_line_and_fix,
    sts_errors_are_one_line,
    profiles_status_and_login_follow_the_chain,
    console_login_hint_and_environment_source_follow_the_chain,
    no_secret_or_mfa_code_in_the_debug_log,
    credential_source_ecs_container_through_the_sdk,
    login_of_keys_says_there_is_nothing_to_sign_in_to,
    refused_cached_source_credentials_are_fetched_again_once,
    exec_runs_with_the_assumed_role,
    big_files_parse_alike_and_errors_name_their_line,
    a_role_sourced_from_a_credential_process,
    incomplete_or_expired_sts_answers_are_refused,
    duration_seconds_out_of_range_is_refused_not_wrapped,
    sts_unreachable_exits_offline_like_identity_center,
    refused_source_credentials_name_what_renews_them,
    a_credentials_file_error_names_its_own_header_form,
    credential_process_answers_are_read_as_botocore_reads_them,
    a_role_whose_process_exports_the_same_role_is_refused_not_deadlocked,
    an_unreadable_assume_role_cache_entry_is_a_warning_and_a_miss,
];
