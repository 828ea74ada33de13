//! `sso-env exec --server` and `sso-env serve`: a credential endpoint (the ECS container
//! protocol) that botocore uses as it uses a container's, across a credential rotation, with
//! signed STS calls to the stand-in; tokens, exit codes, signals, loopback only.
#![cfg(unix)]

use crate::support;
use crate::support::tmux;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::{fails_cleanly, Sandbox};

fn signed_in() -> Sandbox {
    let sb = Sandbox::new();
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    sb
}

/// `sso-env exec --server koa-dev-customer -- python3 -c SCRIPT`, STS pointed at the stand-in.
fn exec_python(sb: &Sandbox, script: &str) -> Command {
    let mut cmd = sb.command(&[
        "exec",
        "--server",
        "koa-dev-customer",
        "--",
        "python3",
        "-c",
        script,
    ]);
    cmd.env("AWS_ENDPOINT_URL_STS", sb.server.url());
    cmd
}

fn json_out(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}; stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// botocore asks the endpoint (no keys, no profile in its environment), signs STS calls with
/// what it got, asks again when its credentials enter the last 15 minutes, and gets new ones,
/// never expired ones. The stand-in issues credentials for 15 minutes and 8 seconds, so the
/// rotation comes after a few seconds.
const ROTATION: &str = r#"
import botocore.session, datetime, json, os, time
s = botocore.session.Session()
creds = s.get_credentials()
sts = s.create_client('sts', region_name='eu-west-1')
seen = []
def snap():
    arn = sts.get_caller_identity()['Arn']
    f = creds.get_frozen_credentials()
    left = (creds._expiry_time - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    seen.append({'key': f.access_key, 'left': left, 'arn': arn})
snap()
time.sleep(max(0, seen[0]['left'] - 900 + 2))
snap()
env = {k: os.environ.get(k) for k in ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_REGION',
    'SSO_ENV_PROFILE', 'SSO_ENV_EXPIRES_AT']}
print(json.dumps({'method': creds.method, 'seen': seen, 'env': env}))
"#;

fn botocore_gets_fresh_credentials_across_a_rotation_and_signs_with_them() {
    let sb = signed_in();
    sb.server
        .set_role_credentials_ttl(Duration::from_secs(15 * 60 + 8));
    let out = exec_python(&sb, ROTATION)
        .env("AWS_ACCESS_KEY_ID", "AKIAOUTERSTATIC")
        .env("AWS_SECRET_ACCESS_KEY", "outer")
        .env("AWS_PROFILE", "koa-dev-customer")
        .output()
        .unwrap();
    let v = json_out(&out);
    assert_eq!(v["method"], "container-role", "{v}");
    let env = &v["env"];
    for gone in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "SSO_ENV_EXPIRES_AT",
    ] {
        assert!(
            env[gone].is_null(),
            "{gone} must not reach the child: {env}"
        );
    }
    let url = env["AWS_CONTAINER_CREDENTIALS_FULL_URI"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(env["AWS_REGION"], "eu-west-1");
    assert_eq!(env["SSO_ENV_PROFILE"], "koa-dev-customer");

    let issued: Vec<String> = sb
        .server
        .issued_credentials()
        .into_iter()
        .map(|c| c.access_key_id)
        .collect();
    let seen = v["seen"].as_array().unwrap();
    let (first, second) = (&seen[0], &seen[1]);
    assert_ne!(first["key"], second["key"], "rotated: {v}");
    for s in seen {
        let key = s["key"].as_str().unwrap();
        assert!(
            issued.iter().any(|k| k == key),
            "{key} not issued: {issued:?}"
        );
        // Never expired, never inside botocore's 10-minute mandatory-refresh window.
        assert!(s["left"].as_f64().unwrap() > 600.0, "{s}");
        assert!(
            s["arn"]
                .as_str()
                .unwrap()
                .contains("assumed-role/AWSReservedSSO_idp_customer_access_"),
            "{s}"
        );
    }
    assert!(sb.server.count("GetCallerIdentity") >= 2);
}

/// Raw requests: no token 401, a wrong one 403 (logged at debug, without the token), the
/// right one the ECS JSON; the listener is on 127.0.0.1 only; it is gone after the child.
const PROBE: &str = r#"
import json, os, urllib.request, urllib.error
url = os.environ['AWS_CONTAINER_CREDENTIALS_FULL_URI']
token = os.environ['AWS_CONTAINER_AUTHORIZATION_TOKEN']
def get(headers, path=''):
    req = urllib.request.Request(url + path, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
port = int(url.rsplit(':', 1)[1].strip('/'))
listening = []
for table in ['/proc/net/tcp', '/proc/net/tcp6']:
    with open(table) as f:
        for line in list(f)[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == '0A' and int(local.rsplit(':', 1)[1], 16) == port:
                listening.append(local)
print(json.dumps({'url': url, 'token': token, 'listening': listening,
    'none': get({}), 'wrong': get({'Authorization': token[:-1] + 'x'}),
    'doubled': get({'Authorization': token + token}),
    'right': get({'Authorization': token}),
    'elsewhere': get({'Authorization': token}, 'other')}))
"#;

fn the_endpoint_wants_its_token_listens_on_loopback_and_dies_with_the_child() {
    let sb = signed_in();
    let out = exec_python(&sb, PROBE)
        .env("SSO_ENV_LOG", "debug")
        .output()
        .unwrap();
    let v = json_out(&out);
    assert_eq!(v["none"][0], 401, "{v}");
    assert_eq!(v["wrong"][0], 403, "{v}");
    assert_eq!(v["doubled"][0], 403, "{v}");
    assert_eq!(v["elsewhere"][0], 404, "{v}");
    assert_eq!(v["right"][0], 200, "{v}");
    let body = &v["right"][1];
    let c = &sb.server.issued_credentials()[0];
    assert_eq!(body["AccessKeyId"], c.access_key_id.as_str());
    assert_eq!(body["SecretAccessKey"], c.secret_access_key.as_str());
    assert_eq!(body["Token"], c.session_token.as_str());
    assert_eq!(body["AccountId"], "931827427725");
    let exp = body["Expiration"].as_str().unwrap();
    assert!(exp.ends_with('Z') && exp.len() == 20, "RFC 3339 UTC: {exp}");
    // 127.0.0.1 (0100007F) and nothing else.
    assert_eq!(
        v["listening"],
        serde_json::json!([format!(
            "0100007F:{:04X}",
            v["url"]
                .as_str()
                .unwrap()
                .rsplit(':')
                .next()
                .unwrap()
                .trim_end_matches('/')
                .parse::<u16>()
                .unwrap()
        )]),
        "{v}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("wrong authorization token"), "{stderr}");
    assert!(stderr.contains("missing Authorization header"), "{stderr}");
    let token = v["token"].as_str().unwrap();
    assert_eq!(token.len(), 64);
    assert!(!stderr.contains(token), "the token must not be logged");
    for secret in sb.server.issued_secrets() {
        assert!(
            !stderr.contains(&secret),
            "a secret in the debug log: {stderr}"
        );
    }
    // Gone with the child.
    let addr = v["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .trim_end_matches('/');
    assert!(TcpStream::connect(addr).is_err(), "{addr} still answers");
    // A fresh token per run.
    let again = json_out(&exec_python(&sb, PROBE).output().unwrap());
    assert_ne!(again["token"], v["token"]);
}

fn exit_codes_pass_through() {
    let sb = signed_in();
    for (script, want) in [
        ("exit 0", 0),
        ("exit 3", 3),
        ("kill -INT $$", 130),
        ("kill -TERM $$", 143),
    ] {
        let out = sb.run(&[
            "exec",
            "--server",
            "koa-dev-customer",
            "--",
            "sh",
            "-c",
            script,
        ]);
        assert_eq!(
            out.status.code(),
            Some(want),
            "{script}: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // --ecs-server, as aws-vault users type it.
    let out = sb.run(&[
        "exec",
        "--ecs-server",
        "koa-dev-customer",
        "--",
        "sh",
        "-c",
        "exit 4",
    ]);
    assert_eq!(out.status.code(), Some(4));
    // A missing command is the usual one-line error.
    let line = fails_cleanly(
        &sb.run(&[
            "exec",
            "--server",
            "koa-dev-customer",
            "--",
            "no-such-command-x",
        ]),
        "missing command",
    );
    assert!(line.contains("command not found"), "{line}");
}

/// Waits until sso-env has spawned its child (Linux /proc).
fn child_of(pid: u32) -> u32 {
    for _ in 0..600 {
        let path = format!("/proc/{pid}/task/{pid}/children");
        if let Some(c) = std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.split_whitespace().next().map(String::from))
        {
            return c.parse().unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("sso-env {pid} started no child");
}

const COUNT_SIGINT: &str = r#"
import signal, sys, time
hits = []
signal.signal(signal.SIGINT, lambda s, f: hits.append(s))
print('ready', flush=True)
deadline = time.time() + 60
while not hits and time.time() < deadline:
    time.sleep(0.05)
time.sleep(1)  # a second, duplicated SIGINT would arrive in this second
print('hits', len(hits), flush=True)
sys.exit(5)
"#;

fn signals_sent_to_sso_env_reach_the_child() {
    support::skip_unless(
        std::path::Path::new("/proc/self/task").exists(),
        "/proc",
        "needs Linux /proc to find the child",
    );
    let sb = signed_in();
    // SIGTERM: the child (sleep) dies of it; sso-env does not, and reports 143.
    let mut sso = sb
        .command(&["exec", "--server", "koa-dev-customer", "--", "sleep", "60"])
        .spawn()
        .unwrap();
    child_of(sso.id());
    let kill = |sig: &str, pid: u32| {
        assert!(Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .unwrap()
            .success());
    };
    kill("-TERM", sso.id());
    let status = sso.wait().unwrap();
    assert_eq!(status.code(), Some(143), "{status:?}");
    // SIGHUP likewise (129).
    let mut sso = sb
        .command(&["exec", "--server", "koa-dev-customer", "--", "sleep", "60"])
        .spawn()
        .unwrap();
    child_of(sso.id());
    kill("-HUP", sso.id());
    let status = sso.wait().unwrap();
    assert_eq!(status.code(), Some(129), "{status:?}");
    // SIGINT to sso-env alone: the child gets exactly one and its exit code is ours.
    let mut sso = sb
        .command(&[
            "exec",
            "--server",
            "koa-dev-customer",
            "--",
            "python3",
            "-c",
            COUNT_SIGINT,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(sso.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready");
    kill("-INT", sso.id());
    assert_eq!(lines.next().unwrap().unwrap(), "hits 1");
    let status = sso.wait().unwrap();
    assert_eq!(status.code(), Some(5), "{status:?}");
    assert_eq!(status.signal(), None);
}

fn ctrl_c_in_a_terminal_reaches_the_child_once_and_sso_env_waits_for_it() {
    support::require("tmux");
    let sb = signed_in();
    let script = sb.home().join("count_sigint.py");
    std::fs::write(&script, COUNT_SIGINT).unwrap();
    let t = tmux::Tmux::start(&format!(
        "cd '{home}' && exec env -i PATH=\"$PATH\" HOME='{home}' AWS_ENDPOINT_URL_SSO='{url}' AWS_ENDPOINT_URL_SSO_OIDC='{url}' SSO_ENV_LOG=debug PS1='$ ' bash --norc --noprofile",
        home = sb.home().display(),
        url = sb.server.url()
    ));
    t.line(&format!(
        "'{}' exec --server koa-dev-customer -- python3 count_sigint.py; echo \"rc=$?\"",
        support::bin().display()
    ));
    t.wait_text("ready");
    t.key("C-c");
    let screen = t.wait_for("the exit code", |s| s.lines().any(|l| l.starts_with("rc=")));
    assert!(screen.contains("hits 1"), "{screen}");
    assert!(screen.contains("rc=5"), "{screen}");
    // The terminal sent it to the whole group: passing it on would send it twice (two
    // SIGINTs close together often merge, so the log is the reliable witness).
    assert!(screen.contains("credential endpoint listening"), "{screen}");
    assert!(!screen.contains("forwarding signal"), "{screen}");
}

fn the_sign_in_is_needed_up_front_and_the_endpoint_says_why_later() {
    let sb = Sandbox::new();
    // Not signed in, no terminal: the usual error before anything runs.
    let line = fails_cleanly(
        &sb.run(&["exec", "--server", "koa-dev-customer", "--", "true"]),
        "not signed in",
    );
    assert!(
        line.contains("sso-env login --profile koa-dev-customer"),
        "{line}"
    );
    // Signed in, but the token is revoked while the child runs and its credentials are in
    // their last minute: the child hears why (the 500's message), not nearly expired keys.
    let token = sb.seed_token("koa", Duration::from_secs(8 * 3600));
    sb.server.set_role_credentials_ttl(Duration::from_secs(62));
    let script = r#"
import json, os, time, urllib.request, urllib.error
time.sleep(5)
req = urllib.request.Request(os.environ['AWS_CONTAINER_CREDENTIALS_FULL_URI'],
    headers={'Authorization': os.environ['AWS_CONTAINER_AUTHORIZATION_TOKEN']})
try:
    urllib.request.urlopen(req, timeout=30)
    print(json.dumps({'status': 200}))
except urllib.error.HTTPError as e:
    print(json.dumps({'status': e.code, 'body': json.loads(e.read())}))
"#;
    let child = exec_python(&sb, script)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Revoke once the first credentials are out.
    while sb.server.issued_credentials().is_empty() {
        std::thread::sleep(Duration::from_millis(50));
    }
    sb.server.revoke(&token);
    let out = child.wait_with_output().unwrap();
    let v = json_out(&out);
    assert_eq!(v["status"], 500, "{v}");
    let msg = v["body"]["message"].as_str().unwrap();
    assert!(
        msg.contains("sso-env login --profile koa-dev-customer"),
        "{msg}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot refresh the credentials"),
        "{stderr}"
    );
}

/// `serve` in the background: reads its stdout up to the last variable it prints.
fn serve(sb: &Sandbox, args: &[&str]) -> (std::process::Child, Vec<String>) {
    let mut all = vec!["serve", "koa-dev-customer"];
    all.extend_from_slice(args);
    let mut child = sb
        .command(&all)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let last = line.contains("SSO_ENV_ROLE_NAME");
        lines.push(line);
        if last {
            break;
        }
    }
    (child, lines)
}

fn serve_prints_the_variables_for_the_shell_and_botocore_uses_them() {
    let sb = signed_in();
    let (mut server, lines) = serve(&sb, &["--format", "bash"]);
    let script = sb.home().join("vars.sh");
    std::fs::write(&script, lines.join("\n")).unwrap();
    // The variables, as bash reads them, bring botocore to the endpoint (and to signed calls).
    let mut bash = std::process::Command::new(crate::support::harness::require_unix("bash"));
    bash.args([
        "-c",
        ". ./vars.sh && python3 -c \"import botocore.session, json; s = botocore.session.Session(); c = s.get_credentials(); print(json.dumps([c.method, c.get_frozen_credentials().access_key, s.create_client('sts', region_name='eu-west-1').get_caller_identity()['Account']]))\"",
    ]);
    sb.clean_env(&mut bash);
    bash.env("AWS_ENDPOINT_URL_STS", sb.server.url())
        .env("AWS_ACCESS_KEY_ID", "AKIASTALE")
        .env("AWS_PROFILE", "koa-dev-customer");
    let v = json_out(&bash.output().unwrap());
    let issued = &sb.server.issued_credentials()[0];
    assert_eq!(
        v,
        serde_json::json!(["container-role", issued.access_key_id, "931827427725"])
    );
    let url = lines
        .iter()
        .find_map(|l| l.strip_prefix("export AWS_CONTAINER_CREDENTIALS_FULL_URI="))
        .unwrap()
        .trim_matches('\'')
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    // SIGTERM stops it cleanly; the port is closed.
    assert!(Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap()
        .success());
    let status = server.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status:?}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("docker run --network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e AWS_CONTAINER_AUTHORIZATION_TOKEN"), "{stderr}");
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    assert!(TcpStream::connect(addr).is_err(), "{addr} still answers");
}

fn serve_listens_where_asked_and_only_on_loopback_unless_told() {
    let sb = signed_in();
    let line = fails_cleanly(
        &sb.run(&[
            "serve",
            "koa-dev-customer",
            "--bind",
            "0.0.0.0",
            "--format",
            "json",
        ]),
        "non-loopback bind",
    );
    assert!(line.contains("--allow-non-loopback"), "{line}");
    assert_eq!(
        sb.server.count("GetRoleCredentials"),
        0,
        "refused before any fetch"
    );
    // A chosen port; all addresses when explicitly allowed, with a warning.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (mut server, lines) = serve(
        &sb,
        &[
            "--port",
            &port.to_string(),
            "--bind",
            "0.0.0.0",
            "--allow-non-loopback",
            "--format",
            "json",
        ],
    );
    let vars: Value = serde_json::from_str(&lines.join("\n")).unwrap();
    assert_eq!(
        vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
        format!("http://127.0.0.1:{port}/")
    );
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
    Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(server.wait().unwrap().code(), Some(0));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("warning: listening on 0.0.0.0"), "{stderr}");
}

/// One raw HTTP exchange with the endpoint: the status line's code.
fn raw(addr: &str, request: &[u8]) -> u16 {
    use std::io::{Read, Write};
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    // The endpoint may answer and close before reading all of an oversized request.
    let _ = s.write_all(request);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    text.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"))
}

fn the_endpoint_refuses_what_is_not_a_small_get() {
    let sb = signed_in();
    let (mut server, lines) = serve(&sb, &["--format", "json"]);
    let vars: Value = serde_json::from_str(&lines.join("\n")).unwrap();
    let url = vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"].as_str().unwrap();
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let token = vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"].as_str().unwrap();
    let get =
        |extra: &str| format!("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\n{extra}\r\n");
    assert_eq!(raw(addr, get("").as_bytes()), 200);
    assert_eq!(
        raw(
            addr,
            format!("POST / HTTP/1.1\r\nAuthorization: {token}\r\nContent-Length: 0\r\n\r\n")
                .as_bytes()
        ),
        405
    );
    // A head over the limit, and two Authorization headers, are refused.
    let big = format!("X-Pad: {}\r\n", "a".repeat(64 * 1024));
    assert_eq!(raw(addr, get(&big).as_bytes()), 400);
    assert_eq!(
        raw(addr, get(&format!("Authorization: {token}\r\n")).as_bytes()),
        401
    );
    assert_eq!(raw(addr, b"nonsense\r\n\r\n"), 400);
    // It still serves afterwards.
    assert_eq!(raw(addr, get("").as_bytes()), 200);
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(server.wait().unwrap().code(), Some(0));
}

/// The seed's layout: a legacy Identity Center `[default]` and roles sourced from it.
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
";

/// What botocore in the command acts as, and how it got its credentials.
const WHO: &str = r#"
import botocore.session, json, os
s = botocore.session.Session()
c = s.get_credentials()
arn = s.create_client('sts', region_name='eu-west-1').get_caller_identity()['Arn']
other = botocore.session.Session(profile='platform-developer').get_config_variable('region')
print(json.dumps({'method': c.method, 'arn': arn, 'config': os.environ.get('AWS_CONFIG_FILE'), 'other': other}))
"#;

fn a_default_profile_with_credentials_of_its_own_does_not_shadow_the_endpoint() {
    let sb = Sandbox::empty();
    sb.write_config(SEED_CONFIG);
    sb.write_credentials(SEED_CREDENTIALS);
    sb.seed_token(support::START_URL, Duration::from_secs(3600));
    let out = sb
        .command(&[
            "exec",
            "--server",
            "platform-developer",
            "--",
            "python3",
            "-c",
            WHO,
        ])
        .output()
        .unwrap();
    let v = json_out(&out);
    assert_eq!(v["method"], "container-role", "{v}");
    assert!(
        v["arn"]
            .as_str()
            .unwrap()
            .contains(":assumed-role/platform-developer/"),
        "acts as the role asked for: {v}"
    );
    // The user's other profiles still resolve in the command.
    assert_eq!(v["other"], "eu-west-1", "{v}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("warning"), "{stderr}");
    // The copy of the config the command read is gone with it.
    let copy = v["config"].as_str().expect("a config copy");
    assert!(!std::path::Path::new(copy).exists(), "{copy} left behind");

    // Keys in ~/.aws/credentials [default], beside an ordinary config: the same.
    let sb = signed_in();
    sb.write_credentials(
        "[default]\naws_access_key_id = AKIADEFAULTKEYS\naws_secret_access_key = x\n",
    );
    let out = exec_python(
        &sb,
        "import botocore.session; print(botocore.session.Session().get_credentials().method)",
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "container-role"
    );
}

fn sigkill_of_exec_server_ends_the_command_with_it() {
    let sb = signed_in();
    let mut sso = sb
        .command(&[
            "exec",
            "--server",
            "koa-dev-customer",
            "--",
            "sh",
            "-c",
            "echo $$; exec sleep 120",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(sso.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let pid: i32 = line.trim().parse().unwrap();
    sso.kill().unwrap(); // SIGKILL
    sso.wait().unwrap();
    // The command must not run on without its endpoint (a hang guard, not a timing check).
    let alive = |pid: i32| {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z "))
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while alive(pid) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let still = alive(pid);
    if still {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    assert!(!still, "the command outlived sso-env");
}

fn serve_into_a_file_keeps_the_token_private() {
    use std::os::unix::fs::PermissionsExt;
    let sb = signed_in();
    let creds = sb.home().join("creds.sh");
    let mut sh = Command::new("sh");
    sb.clean_env(&mut sh);
    let mut child = sh
        .args([
            "-c",
            "umask 022; exec \"$0\" serve koa-dev-customer --format bash > creds.sh",
        ])
        .arg(support::bin())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&creds)
        .unwrap_or_default()
        .contains("SSO_ENV_ROLE_NAME")
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let mode = std::fs::metadata(&creds).unwrap().permissions().mode() & 0o777;
    let text = std::fs::read_to_string(&creds).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(text.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN"), "{text}");
    assert_eq!(mode, 0o600, "the token file is {mode:o}");
}

crate::tests![
    botocore_gets_fresh_credentials_across_a_rotation_and_signs_with_them,
    the_endpoint_wants_its_token_listens_on_loopback_and_dies_with_the_child,
    exit_codes_pass_through,
    signals_sent_to_sso_env_reach_the_child,
    ctrl_c_in_a_terminal_reaches_the_child_once_and_sso_env_waits_for_it,
    the_sign_in_is_needed_up_front_and_the_endpoint_says_why_later,
    serve_prints_the_variables_for_the_shell_and_botocore_uses_them,
    serve_listens_where_asked_and_only_on_loopback_unless_told,
    the_endpoint_refuses_what_is_not_a_small_get,
    a_default_profile_with_credentials_of_its_own_does_not_shadow_the_endpoint,
    #[cfg(target_os = "linux")]
    sigkill_of_exec_server_ends_the_command_with_it,
    serve_into_a_file_keeps_the_token_private,
];
