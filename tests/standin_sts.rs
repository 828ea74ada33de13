//! STS in the Identity Center stand-in (tests/support/standin.rs), driven by botocore, an
//! independent client: AssumeRole and GetCallerIdentity signed with credentials the stand-in
//! issued, chains of roles, every error shape, SigV4 verification, and botocore's own
//! assume-role provider with the AWS CLI's file cache (the facts written down in
//! docs/compat-assume-role.md).
//!
//! Needs `python3` with botocore (`.ci/run` installs it); without it these tests fail.

use crate::support::standin;

use serde_json::{json, Value};
use standin::{StandIn, SSO_USER_NAME, STATIC_USER_ARN};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const PRELUDE: &str = r#"
import json, sys, os, hashlib, datetime, time
import botocore, botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.utils import JSONFileCache
A = json.loads(sys.argv[1])
session = botocore.session.get_session()
def cfg(attempts=1, validate=True):
    return Config(retries={'mode': 'standard', 'total_max_attempts': attempts},
                  connect_timeout=5, read_timeout=20, parameter_validation=validate)
def sso_creds(token, account, role):
    sso = session.create_client('sso', region_name='eu-west-1',
                                config=Config(signature_version=botocore.UNSIGNED))
    rc = sso.get_role_credentials(accessToken=token, accountId=account, roleName=role)['roleCredentials']
    return {'AccessKeyId': rc['accessKeyId'], 'SecretAccessKey': rc['secretAccessKey'],
            'SessionToken': rc['sessionToken']}
def sts(creds, **kw):
    return session.create_client('sts', region_name='eu-west-1', config=cfg(**kw),
                                 aws_access_key_id=creds['AccessKeyId'],
                                 aws_secret_access_key=creds['SecretAccessKey'],
                                 aws_session_token=creds.get('SessionToken'))
def plain(r):
    r = dict(r)
    r.pop('ResponseMetadata', None)
    if 'Credentials' in r:
        c = dict(r['Credentials'])
        c['Expiration'] = c['Expiration'].isoformat()
        r['Credentials'] = c
    return r
def err(fn, **kw):
    try:
        fn(**kw)
        return None
    except ClientError as e:
        return {'code': e.response['Error']['Code'],
                'type': e.response['Error'].get('Type'),
                'status': e.response['ResponseMetadata']['HTTPStatusCode'],
                'message': e.response['Error'].get('Message', ''),
                'request_id': e.response['ResponseMetadata'].get('RequestId')}
out = {}
"#;

/// A fresh HOME for one Python run (botocore reads `~/.aws` from it).
struct TempHome(tempfile::TempDir);

impl TempHome {
    fn new() -> TempHome {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = tempfile::Builder::new()
            .prefix(&format!(
                "standin-sts-{}-",
                N.fetch_add(1, Ordering::Relaxed)
            ))
            .tempdir()
            .unwrap();
        TempHome(dir)
    }
    fn path(&self) -> &std::path::Path {
        self.0.path()
    }
    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Runs `body` (Python, after PRELUDE) with HOME = `home`, every AWS_* variable removed and
/// the SSO and STS endpoints pointed at the stand-in; `args` arrive as `A`; returns `out`.
fn run_py_in(home: &TempHome, server: &StandIn, args: Value, body: &str) -> Value {
    let script = format!("{PRELUDE}\n{body}\nprint('@@OUT@@' + json.dumps(out))\n");
    let mut cmd = crate::support::python_command();
    cmd.arg("-c").arg(&script).arg(args.to_string());
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        let upper = k.to_ascii_uppercase();
        if upper.starts_with("AWS_") || upper.ends_with("_PROXY") || upper == "PYTHONPATH" {
            cmd.env_remove(&k);
        }
    }
    cmd.env("HOME", home.path())
        .env("USERPROFILE", home.path())
        .env("AWS_ENDPOINT_URL_SSO", server.url())
        .env("AWS_ENDPOINT_URL_SSO_OIDC", server.url())
        .env("AWS_ENDPOINT_URL_STS", server.url())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_PROXY", "127.0.0.1");
    let output = cmd.output().expect("run python3");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "python failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    let line = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("@@OUT@@"))
        .unwrap_or_else(|| panic!("no result line\nstdout:\n{stdout}\nstderr:\n{stderr}"));
    serde_json::from_str(line).unwrap()
}

fn run_py(server: &StandIn, args: Value, body: &str) -> Value {
    run_py_in(&TempHome::new(), server, args, body)
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A stand-in with one Identity Center account and a valid access token.
fn with_sso() -> (StandIn, String) {
    let s = StandIn::start();
    s.add_account("931827427725", "koa-dev", &["idp_customer_access"]);
    let token = s.issue_token(Duration::from_secs(8 * 3600));
    (s, token)
}

const TARGET: &str = "arn:aws:iam::222222222222:role/Deploy";

/// (a) Role credentials from the portal sign an AssumeRole; the answer parses in botocore and
/// the stand-in records which key signed it.
fn assume_role_signed_with_sso_role_credentials() {
    crate::support::require_botocore();
    let (s, token) = with_sso();
    let before = now_secs();
    let out = run_py(
        &s,
        json!({"token": token, "target": TARGET}),
        r#"
src = sso_creds(A['token'], '931827427725', 'idp_customer_access')
c = sts(src)
r = c.assume_role(RoleArn=A['target'], RoleSessionName='deploy-session', DurationSeconds=900,
                  ExternalId='ext-1234', SourceIdentity='alice@example.com',
                  Tags=[{'Key': 'team', 'Value': 'koa'}, {'Key': 'env', 'Value': 'dev'}],
                  TransitiveTagKeys=['team'],
                  Policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
                  PolicyArns=[{'arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess'}])
out['request_id'] = r['ResponseMetadata']['RequestId']
out['header_request_id'] = r['ResponseMetadata']['HTTPHeaders'].get('x-amzn-requestid')
out['content_type'] = r['ResponseMetadata']['HTTPHeaders'].get('content-type')
out['tz'] = r['Credentials']['Expiration'].utcoffset().total_seconds()
out['exp_epoch'] = r['Credentials']['Expiration'].timestamp()
out['r'] = plain(r)
out['src'] = src['AccessKeyId']
out['who_src'] = plain(c.get_caller_identity())
out['who_new'] = plain(sts(r['Credentials']).get_caller_identity())
plain_role = c.assume_role(RoleArn=A['target'], RoleSessionName='second')
out['plain_role'] = plain(plain_role)
"#,
    );
    let issued = s.issued_credentials();
    assert_eq!(issued.len(), 3, "{issued:?}");
    let sso = &issued[0];
    assert_eq!(sso.operation, "GetRoleCredentials");
    assert_eq!(out["src"], json!(sso.access_key_id));
    let new = &issued[1];
    assert_eq!(new.operation, "AssumeRole");
    assert_eq!(new.account_id, "222222222222");
    assert_eq!(new.role_name, "Deploy");

    // The answer, as botocore parsed it.
    let r = &out["r"];
    let c = &r["Credentials"];
    assert_eq!(c["AccessKeyId"], json!(new.access_key_id));
    assert_eq!(c["SecretAccessKey"], json!(new.secret_access_key));
    assert_eq!(c["SessionToken"], json!(new.session_token));
    assert!(new.access_key_id.starts_with("ASIA") && new.access_key_id.len() == 20);
    assert_eq!(new.secret_access_key.len(), 40);
    assert_eq!(out["tz"], 0.0, "Expiration is UTC");
    let exp = out["exp_epoch"].as_f64().unwrap() as u64;
    assert!(
        exp >= before + 900 - 2 && exp <= now_secs() + 900 + 2,
        "{exp}"
    );
    assert_eq!(new.expiration_ms, exp * 1000);
    assert_eq!(
        r["AssumedRoleUser"]["Arn"],
        "arn:aws:sts::222222222222:assumed-role/Deploy/deploy-session"
    );
    let role_id = r["AssumedRoleUser"]["AssumedRoleId"].as_str().unwrap();
    assert!(
        role_id.starts_with("AROA") && role_id.ends_with(":deploy-session"),
        "{role_id}"
    );
    assert_eq!(
        role_id.find(':'),
        Some(21),
        "AROA + 17 characters: {role_id}"
    );
    assert_eq!(r["SourceIdentity"], "alice@example.com");
    let packed = r["PackedPolicySize"].as_u64().unwrap();
    assert!((1..=100).contains(&packed), "{packed}");
    // Request id: a UUID, the same in the body and in the header.
    let rid = out["request_id"].as_str().unwrap();
    assert_eq!(rid.len(), 36);
    assert_eq!(out["header_request_id"], json!(rid));
    assert_eq!(out["content_type"], "text/xml");
    // Without Policy, Tags or PolicyArns there is no PackedPolicySize (nor SourceIdentity).
    assert!(out["plain_role"].get("PackedPolicySize").is_none());
    assert!(out["plain_role"].get("SourceIdentity").is_none());

    // GetCallerIdentity for the Identity Center session and for the assumed role.
    let who = &out["who_src"];
    assert_eq!(who["Account"], "931827427725");
    let arn = who["Arn"].as_str().unwrap();
    assert!(
        arn.starts_with(
            "arn:aws:sts::931827427725:assumed-role/AWSReservedSSO_idp_customer_access_"
        ) && arn.ends_with(&format!("/{SSO_USER_NAME}")),
        "{arn}"
    );
    assert_eq!(
        out["who_new"]["Arn"],
        "arn:aws:sts::222222222222:assumed-role/Deploy/deploy-session"
    );
    assert_eq!(out["who_new"]["Account"], "222222222222");
    assert_eq!(out["who_new"]["UserId"], json!(role_id));
    assert_eq!(s.caller_identity(&sso.access_key_id).unwrap().arn, arn);

    // What the stand-in recorded: the STS call was signed with the SSO role's key.
    let calls = s.assume_role_calls();
    assert_eq!(calls.len(), 2);
    let call = &calls[0];
    assert_eq!(call.caller_access_key_id, sso.access_key_id);
    assert_eq!(call.caller_arn, arn);
    assert_eq!(call.role_arn, TARGET);
    assert_eq!(call.role_session_name, "deploy-session");
    assert_eq!(call.duration_seconds, Some(900));
    assert_eq!(call.external_id.as_deref(), Some("ext-1234"));
    assert_eq!(call.source_identity.as_deref(), Some("alice@example.com"));
    assert_eq!(call.serial_number, None);
    assert_eq!(
        call.tags,
        [("team".into(), "koa".into()), ("env".into(), "dev".into())]
    );
    assert_eq!(call.transitive_tag_keys, ["team"]);
    assert_eq!(call.policy_arns, ["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    assert!(call.policy.as_deref().unwrap().contains("s3:*"));
    assert_eq!(call.issued_access_key_id, new.access_key_id);
    assert_eq!(calls[1].duration_seconds, None);

    // The wire: a signed form POST to `/`.
    let reqs = s.requests_for("AssumeRole");
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        (reqs[0].method.as_str(), reqs[0].path.as_str()),
        ("POST", "/")
    );
    assert!(reqs[0]
        .header("content-type")
        .unwrap()
        .starts_with("application/x-www-form-urlencoded"));
    assert!(reqs[0]
        .body
        .starts_with("Action=AssumeRole&Version=2011-06-15&"));
    let auth = reqs[0].header("authorization").unwrap();
    assert!(
        auth.starts_with(&format!(
            "AWS4-HMAC-SHA256 Credential={}/",
            sso.access_key_id
        )) && auth.contains("/eu-west-1/sts/aws4_request"),
        "{auth}"
    );
    assert_eq!(
        reqs[0].header("x-amz-security-token"),
        Some(sso.session_token.as_str())
    );
    assert_eq!(reqs[0].status, 200);
    assert_eq!(s.count("GetCallerIdentity"), 2);

    // Secrets audit: STS-issued secrets are listed with the rest.
    let secrets = s.issued_secrets();
    for c in &issued {
        assert!(secrets.contains(&c.secret_access_key));
        assert!(secrets.contains(&c.session_token));
    }
}

/// (b) Chains: SSO -> RoleA -> RoleB -> RoleC, with strict trust rules; each hop signed with
/// the previous hop's key; SourceIdentity carried along; the 1-hour role-chaining limit.
fn role_chains_with_trust_rules() {
    crate::support::require_botocore();
    let (s, token) = with_sso();
    let (a, b, c) = (
        "arn:aws:iam::222222222222:role/RoleA",
        "arn:aws:iam::333333333333:role/team/RoleB",
        "arn:aws:iam::444444444444:role/RoleC",
    );
    s.set_trust_strict(true);
    s.allow_assume("idp_customer_access", a); // by permission set name
    s.allow_assume(a, b); // by role ARN
    s.allow_assume("arn:aws:sts::333333333333:assumed-role/RoleB/*", c); // by session ARN
    let out = run_py(
        &s,
        json!({"token": token, "a": a, "b": b, "c": c}),
        r#"
src = sso_creds(A['token'], '931827427725', 'idp_customer_access')
h1 = sts(src).assume_role(RoleArn=A['a'], RoleSessionName='hop1', SourceIdentity='alice')
h2 = sts(h1['Credentials']).assume_role(RoleArn=A['b'], RoleSessionName='hop2')
h3 = sts(h2['Credentials']).assume_role(RoleArn=A['c'], RoleSessionName='hop3')
out['hops'] = [plain(h) for h in (h1, h2, h3)]
out['who3'] = plain(sts(h3['Credentials']).get_caller_identity())
out['skip'] = err(sts(src).assume_role, RoleArn=A['c'], RoleSessionName='skip')
out['back'] = err(sts(h1['Credentials']).assume_role, RoleArn=A['a'], RoleSessionName='again')
out['long'] = err(sts(h1['Credentials']).assume_role, RoleArn=A['b'], RoleSessionName='long',
                  DurationSeconds=7200)
out['no_role'] = err(sts(src).assume_role, RoleArn='arn:aws:iam::222222222222:user/NotARole',
                     RoleSessionName='x1')
"#,
    );
    let calls = s.assume_role_calls();
    assert_eq!(calls.len(), 3, "{calls:?}");
    let sso_key = s.issued_credentials()[0].access_key_id.clone();
    assert_eq!(calls[0].caller_access_key_id, sso_key);
    assert_eq!(calls[1].caller_access_key_id, calls[0].issued_access_key_id);
    assert_eq!(calls[2].caller_access_key_id, calls[1].issued_access_key_id);
    assert_eq!(
        calls[1].caller_arn,
        "arn:aws:sts::222222222222:assumed-role/RoleA/hop1"
    );
    assert_eq!(
        calls[2].caller_arn,
        "arn:aws:sts::333333333333:assumed-role/RoleB/hop2"
    );
    let targets: Vec<&str> = calls.iter().map(|c| c.role_arn.as_str()).collect();
    assert_eq!(targets, [a, b, c]);
    // The role path is not part of the assumed-role ARN.
    assert_eq!(
        out["hops"][1]["AssumedRoleUser"]["Arn"],
        "arn:aws:sts::333333333333:assumed-role/RoleB/hop2"
    );
    assert_eq!(
        out["who3"]["Arn"],
        "arn:aws:sts::444444444444:assumed-role/RoleC/hop3"
    );
    // The source identity set at hop 1 persists along the chain.
    for h in 0..3 {
        assert_eq!(out["hops"][h]["SourceIdentity"], "alice", "hop {h}");
    }
    assert_eq!(calls[1].source_identity, None, "as sent");

    let skip = &out["skip"];
    assert_eq!(skip["code"], "AccessDenied");
    assert_eq!(skip["status"], 403);
    let caller = s.caller_identity(&sso_key).unwrap().arn;
    assert_eq!(
        skip["message"],
        json!(format!(
            "User: {caller} is not authorized to perform: sts:AssumeRole on resource: {c}"
        ))
    );
    assert_eq!(out["back"]["code"], "AccessDenied");
    assert_eq!(out["no_role"]["code"], "AccessDenied");
    assert_eq!(out["long"]["code"], "ValidationError");
    assert_eq!(
        out["long"]["message"],
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    );
    let statuses: Vec<u16> = s
        .requests_for("AssumeRole")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [200, 200, 200, 403, 403, 400, 403]);
}

/// (c) Every error shape the stand-in sends is parsed by botocore into the right code, status
/// and message; faults, drops and delays work for AssumeRole.
fn sts_error_shapes_parse_in_botocore() {
    crate::support::require_botocore();
    let (s, token) = with_sso();
    let cases = [
        ("AccessDenied", 403),
        ("ExpiredToken", 400),
        ("InvalidClientTokenId", 403),
        ("SignatureDoesNotMatch", 403),
        ("Throttling", 400),
        ("ValidationError", 400),
        ("RegionDisabledException", 403),
    ];
    for (code, status) in cases {
        s.fail_next_with("AssumeRole", 1, status, code);
    }
    // Rules are used in the order they were added: one per call below.
    s.fail_next("AssumeRole", 1, 500);
    let out = run_py(
        &s,
        json!({"token": token, "target": TARGET, "cases": cases}),
        r#"
src = sso_creds(A['token'], '931827427725', 'idp_customer_access')
out['src'] = src['AccessKeyId']
c = sts(src)
unchecked = sts(src, validate=False)
out['cases'] = {}
for code, status in A['cases']:
    out['cases'][code] = err(c.assume_role, RoleArn=A['target'], RoleSessionName='s-' + code)
out['default_500'] = err(c.assume_role, RoleArn=A['target'], RoleSessionName='five')
out['short'] = err(unchecked.assume_role, RoleArn=A['target'], RoleSessionName='short', DurationSeconds=100)
out['long'] = err(unchecked.assume_role, RoleArn=A['target'], RoleSessionName='long', DurationSeconds=50000)
out['max'] = err(c.assume_role, RoleArn=A['target'], RoleSessionName='max', DurationSeconds=7200)
out['two'] = err(unchecked.assume_role, RoleArn='arn:short', RoleSessionName='bad name')
out['unknown_action'] = err(c.get_session_token)
"#,
    );
    let src_account = "931827427725";
    for (code, status) in cases {
        let e = &out["cases"][code];
        assert_eq!(e["code"], code, "{e}");
        assert_eq!(e["status"], status, "{code}");
        assert_eq!(e["type"], "Sender", "{code}");
        assert_eq!(e["request_id"].as_str().unwrap().len(), 36, "{code}");
    }
    let msg = |code: &str| out["cases"][code]["message"].as_str().unwrap().to_string();
    assert_eq!(msg("Throttling"), "Rate exceeded");
    assert_eq!(
        msg("ExpiredToken"),
        "The security token included in the request is expired"
    );
    assert_eq!(
        msg("InvalidClientTokenId"),
        "The security token included in the request is invalid."
    );
    assert!(msg("SignatureDoesNotMatch").starts_with(
        "The request signature we calculated does not match the signature you provided."
    ));
    assert_eq!(
        msg("RegionDisabledException"),
        format!("STS is not activated in this region for account:{src_account}. Your account administrator can activate STS in this region using the IAM Console.")
    );
    let e = &out["default_500"];
    assert_eq!(
        (e["code"].as_str(), e["status"].as_u64()),
        (Some("InternalFailure"), Some(500))
    );
    assert_eq!(e["type"], "Receiver");

    // Real validation errors (botocore checks the minimum itself, so those run unvalidated).
    assert_eq!(out["short"]["code"], "ValidationError");
    assert_eq!(
        out["short"]["message"],
        "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
    );
    assert_eq!(
        out["long"]["message"],
        "1 validation error detected: Value '50000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"
    );
    // An Identity Center session is a role session: more than 1 h is role chaining.
    assert_eq!(
        out["max"]["message"],
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    );
    assert_eq!(
        out["two"]["message"],
        "2 validation errors detected: Value 'arn:short' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; Value 'bad name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
    );
    assert_eq!(out["unknown_action"]["code"], "InvalidAction");
    assert_eq!(
        out["unknown_action"]["message"],
        "Could not find operation GetSessionToken for version 2011-06-15"
    );
    assert_eq!(s.count("Unknown"), 1);
    assert!(s.assume_role_calls().is_empty());

    // Retries, drops and delays.
    s.fail_next_with("AssumeRole", 2, 400, "Throttling");
    s.drop_next("GetCallerIdentity", 1);
    s.set_delay("AssumeRole", Duration::from_millis(400));
    let out = run_py(
        &s,
        json!({"token": token, "target": TARGET}),
        r#"
src = sso_creds(A['token'], '931827427725', 'idp_customer_access')
t = time.time()
r = sts(src, attempts=3).assume_role(RoleArn=A['target'], RoleSessionName='retried')
out['elapsed'] = time.time() - t
out['throttled_attempts'] = r['ResponseMetadata']['RetryAttempts']
r = sts(src, attempts=2).get_caller_identity()
out['dropped_attempts'] = r['ResponseMetadata']['RetryAttempts']
"#,
    );
    assert_eq!(out["throttled_attempts"], 2);
    assert_eq!(out["dropped_attempts"], 1);
    assert!(
        out["elapsed"].as_f64().unwrap() >= 1.2,
        "{}",
        out["elapsed"]
    );
    let statuses: Vec<u16> = s
        .requests_for("AssumeRole")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(&statuses[statuses.len() - 3..], [400, 400, 200]);
    let statuses: Vec<u16> = s
        .requests_for("GetCallerIdentity")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [0, 200]);

    // always_fail, and the raw wire shape of an STS error.
    s.clear_faults();
    s.always_fail("AssumeRole", 429);
    let body = "Action=AssumeRole&Version=2011-06-15&RoleArn=x&RoleSessionName=y";
    let (status, headers, text) = raw_post(&s, body);
    assert_eq!(status, 429);
    assert!(text.starts_with(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>Throttling</Code>\n    <Message>Rate exceeded</Message>\n  </Error>\n  <RequestId>"
    ), "{text}");
    let rid = headers
        .iter()
        .find(|(k, _)| k == "x-amzn-requestid")
        .map(|(_, v)| v.clone())
        .unwrap();
    assert!(
        text.contains(&format!("<RequestId>{rid}</RequestId>")),
        "{text}"
    );
    assert_eq!(
        headers
            .iter()
            .filter(|(k, _)| k == "x-amzn-requestid")
            .count(),
        1
    );
    s.clear_faults();
    // Unsigned: MissingAuthenticationToken.
    let (status, _, text) = raw_post(&s, body);
    assert_eq!(status, 403);
    assert!(
        text.contains("<Code>MissingAuthenticationToken</Code>"),
        "{text}"
    );
}

/// POSTs a form body to the stand-in without signing it: (status, headers, body).
fn raw_post(s: &StandIn, body: &str) -> (u16, Vec<(String, String)>, String) {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(s.addr()).unwrap();
    write!(
        c,
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        s.addr(),
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    c.read_to_string(&mut raw).unwrap();
    let (head, text) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, text.to_string())
}

/// (d) Keys STS does not know, a wrong session token, expired keys, and registered static keys.
fn unknown_expired_and_static_keys() {
    crate::support::require_botocore();
    let (s, token) = with_sso();
    s.add_static_keys("AKIASTANDINSTATIC01", "static-secret-0123456789");
    s.add_static_keys_as(
        "AKIASTANDINSTATIC02",
        "static-secret-abcdefghij",
        "arn:aws:iam::555555555555:user/ops/bob",
    );
    s.set_max_session_duration(TARGET, Duration::from_secs(12 * 3600));
    s.set_role_credentials_ttl(Duration::ZERO);
    let expired = {
        // Role credentials that are expired the moment they are issued.
        let out = run_py(
            &s,
            json!({"token": token}),
            "out['c'] = sso_creds(A['token'], '931827427725', 'idp_customer_access')",
        );
        out["c"].clone()
    };
    s.set_role_credentials_ttl(Duration::from_secs(3600));
    let out = run_py(
        &s,
        json!({"token": token, "target": TARGET, "expired": expired}),
        r#"
src = sso_creds(A['token'], '931827427725', 'idp_customer_access')
ar = lambda c, **kw: err(sts(c).assume_role, RoleArn=A['target'], RoleSessionName='x-session', **kw)
out['unknown'] = ar({'AccessKeyId': 'AKIANOTKNOWN00000000', 'SecretAccessKey': 'x' * 40})
out['unknown_temp'] = ar({'AccessKeyId': 'ASIANOTKNOWN00000000', 'SecretAccessKey': 'x' * 40, 'SessionToken': 'tok'})
out['wrong_token'] = ar(dict(src, SessionToken=src['SessionToken'] + 'x'))
out['no_token'] = ar({'AccessKeyId': src['AccessKeyId'], 'SecretAccessKey': src['SecretAccessKey']})
out['expired'] = ar(A['expired'])
static = {'AccessKeyId': 'AKIASTANDINSTATIC01', 'SecretAccessKey': 'static-secret-0123456789'}
out['static_token'] = ar(dict(static, SessionToken='unexpected'))
out['static_who'] = plain(sts(static).get_caller_identity())
r = sts(static).assume_role(RoleArn=A['target'], RoleSessionName='from-user', DurationSeconds=43200)
out['static_exp'] = r['Credentials']['Expiration'].timestamp()
out['static_too_long'] = err(sts(static).assume_role, RoleArn='arn:aws:iam::222222222222:role/Other',
                            RoleSessionName='x-session', DurationSeconds=7200)
bob = {'AccessKeyId': 'AKIASTANDINSTATIC02', 'SecretAccessKey': 'static-secret-abcdefghij'}
out['bob_who'] = plain(sts(bob).get_caller_identity())
out['src'] = src
"#,
    );
    for k in [
        "unknown",
        "unknown_temp",
        "wrong_token",
        "no_token",
        "static_token",
    ] {
        assert_eq!(out[k]["code"], "InvalidClientTokenId", "{k}: {}", out[k]);
        assert_eq!(out[k]["status"], 403, "{k}");
        assert_eq!(
            out[k]["message"], "The security token included in the request is invalid.",
            "{k}"
        );
    }
    assert_eq!(out["expired"]["code"], "ExpiredToken");
    assert_eq!(out["expired"]["status"], 400);
    assert_eq!(
        out["expired"]["message"],
        "The security token included in the request is expired"
    );
    assert_eq!(out["static_who"]["Arn"], STATIC_USER_ARN);
    assert_eq!(out["static_who"]["Account"], "123456789012");
    assert!(out["static_who"]["UserId"]
        .as_str()
        .unwrap()
        .starts_with("AIDA"));
    assert_eq!(
        out["bob_who"]["Arn"],
        "arn:aws:iam::555555555555:user/ops/bob"
    );
    assert_eq!(out["bob_who"]["Account"], "555555555555");
    // An IAM user is not chaining roles: 12 h is allowed where the role's maximum allows it.
    let exp = out["static_exp"].as_f64().unwrap() as u64;
    assert!(exp.abs_diff(now_secs() + 43200) < 5, "{exp}");
    // A role's MaxSessionDuration defaults to 1 h.
    assert_eq!(out["static_too_long"]["code"], "ValidationError");
    assert_eq!(
        out["static_too_long"]["message"],
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    );
    let calls = s.assume_role_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].caller_access_key_id, "AKIASTANDINSTATIC01");
    assert_eq!(calls[0].caller_arn, STATIC_USER_ARN);

    // expire_access_key: the key the stand-in issued stops working.
    let src = out["src"].clone();
    s.expire_access_key(src["AccessKeyId"].as_str().unwrap());
    let out = run_py(
        &s,
        json!({"src": src}),
        "out['e'] = err(sts(A['src']).get_caller_identity)",
    );
    assert_eq!(out["e"]["code"], "ExpiredToken");
}

/// (e) MFA and ExternalId conditions of a role's trust policy.
fn mfa_and_external_id_conditions() {
    crate::support::require_botocore();
    let (s, token) = with_sso();
    let mfa_role = "arn:aws:iam::222222222222:role/NeedsMfa";
    let ext_role = "arn:aws:iam::222222222222:role/ThirdParty";
    let serial = "arn:aws:iam::123456789012:mfa/alice";
    s.require_mfa(mfa_role, serial, "123456");
    s.require_external_id(ext_role, "ext-secret-42");
    let out = run_py(
        &s,
        json!({"token": token, "mfa": mfa_role, "ext": ext_role, "serial": serial}),
        r#"
src = sso_creds(A['token'], '931827427725', 'idp_customer_access')
c = sts(src)
m = lambda **kw: err(c.assume_role, RoleArn=A['mfa'], RoleSessionName='mfa-session', **kw)
out['none'] = m()
out['serial_only'] = m(SerialNumber=A['serial'])
out['code_only'] = m(TokenCode='123456')
out['wrong_code'] = m(SerialNumber=A['serial'], TokenCode='654321')
out['wrong_serial'] = m(SerialNumber='arn:aws:iam::123456789012:mfa/mallory', TokenCode='123456')
out['right'] = m(SerialNumber=A['serial'], TokenCode='123456')
e = lambda **kw: err(c.assume_role, RoleArn=A['ext'], RoleSessionName='ext-session', **kw)
out['ext_missing'] = e()
out['ext_wrong'] = e(ExternalId='ext-secret-43')
out['ext_right'] = e(ExternalId='ext-secret-42')
"#,
    );
    let caller = s
        .caller_identity(&s.issued_credentials()[0].access_key_id)
        .unwrap()
        .arn;
    let denied = |role: &str| {
        json!(format!(
            "User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role}"
        ))
    };
    for k in [
        "none",
        "serial_only",
        "code_only",
        "wrong_code",
        "wrong_serial",
        "ext_missing",
        "ext_wrong",
    ] {
        assert_eq!(out[k]["code"], "AccessDenied", "{k}: {}", out[k]);
        assert_eq!(out[k]["status"], 403, "{k}");
    }
    assert_eq!(out["none"]["message"], denied(mfa_role));
    let both = "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.";
    assert_eq!(out["serial_only"]["message"], both);
    assert_eq!(out["code_only"]["message"], both);
    assert_eq!(
        out["wrong_code"]["message"],
        "MultiFactorAuthentication failed with invalid MFA one time pass code."
    );
    assert!(out["wrong_serial"]["message"]
        .as_str()
        .unwrap()
        .starts_with("MultiFactorAuthentication failed, unable to validate MFA code."));
    assert_eq!(out["right"], Value::Null);
    assert_eq!(out["ext_missing"]["message"], denied(ext_role));
    assert_eq!(out["ext_wrong"]["message"], denied(ext_role));
    assert_eq!(out["ext_right"], Value::Null);
    let calls = s.assume_role_calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].serial_number.as_deref(), Some(serial));
    assert_eq!(calls[0].token_code.as_deref(), Some("123456"));
    assert_eq!(calls[1].external_id.as_deref(), Some("ext-secret-42"));
}

/// (f) SigV4 is verified: a wrong secret or a body changed after signing is refused.
fn bad_signatures_are_refused() {
    crate::support::require_botocore();
    let (s, token) = with_sso();
    let script = r#"
src = sso_creds(A['token'], '931827427725', 'idp_customer_access')
bad = dict(src, SecretAccessKey=src['SecretAccessKey'][:-1] + ('A' if src['SecretAccessKey'][-1] != 'A' else 'B'))
out['tampered_secret'] = err(sts(bad).assume_role, RoleArn=A['target'], RoleSessionName='sig')
out['tampered_secret_who'] = err(sts(bad).get_caller_identity)
c = sts(src)
def change_body(request, **kw):
    request.body = request.body.replace('RoleSessionName=sig', 'RoleSessionName=gis')
c.meta.events.register('before-send.sts.AssumeRole', change_body)
out['tampered_body'] = err(c.assume_role, RoleArn=A['target'], RoleSessionName='sig')
other_region = session.create_client('sts', region_name='us-west-2', config=cfg(),
    aws_access_key_id=src['AccessKeyId'], aws_secret_access_key=src['SecretAccessKey'],
    aws_session_token=src['SessionToken'])
out['other_region'] = err(other_region.get_caller_identity)
"#;
    let out = run_py(&s, json!({"token": token, "target": TARGET}), script);
    let msg = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    for k in ["tampered_secret", "tampered_secret_who", "tampered_body"] {
        assert_eq!(out[k]["code"], "SignatureDoesNotMatch", "{k}: {}", out[k]);
        assert_eq!(out[k]["status"], 403, "{k}");
        assert_eq!(out[k]["message"], msg, "{k}");
    }
    // Any region signs correctly (the stand-in serves them all).
    assert_eq!(out["other_region"], Value::Null);
    assert!(s.assume_role_calls().is_empty());

    // With verification off, only the key and the session token are checked.
    s.set_verify_signatures(false);
    let out = run_py(&s, json!({"token": token, "target": TARGET}), script);
    assert_eq!(out["tampered_secret"], Value::Null);
    assert_eq!(out["tampered_body"], Value::Null);
    assert_eq!(s.assume_role_calls()[1].role_session_name, "gis");
}

/// The HMAC and the SigV4 key derivation against published vectors (RFC 4231 test case 2; the
/// signing key of the AWS General Reference example).
fn hmac_and_signing_key_vectors() {
    assert_eq!(
        standin::hex(&standin::hmac_sha256(
            b"Jefe",
            b"what do ya want for nothing?"
        )),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    // RFC 4231 test case 6: a key longer than the block size.
    assert_eq!(
        standin::hex(&standin::hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        )),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
    assert_eq!(
        standin::hex(&standin::sigv4_signing_key(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20120215",
            "us-east-1",
            "iam"
        )),
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    );
}

// ----- botocore's assume-role provider with the AWS CLI's cache --------------------------------

/// What the AWS CLI does to every session (awscli/customizations/assumerole.py: CACHE_DIR and
/// inject_assume_role_provider_cache), so botocore's AssumeRoleProvider caches in
/// ~/.aws/cli/cache; `creds(profile)` resolves a profile the way `aws` would.
const CLI_PRELUDE: &str = r#"
CACHE_DIR = os.path.expanduser(os.path.join('~', '.aws', 'cli', 'cache'))
def cli_session(profile, prompts=None):
    s = botocore.session.Session(profile=profile)
    provider = s.get_component('credential_provider').get_provider('assume-role')
    provider.cache = JSONFileCache(CACHE_DIR)
    if prompts is not None:
        # The MFA prompt (getpass by default).
        provider._prompter = lambda prompt: (prompts.append(prompt), A.get('mfa_code', ''))[1]
    return s
def creds(profile, prompts=None):
    c = cli_session(profile, prompts).get_credentials().get_frozen_credentials()
    return {'AccessKeyId': c.access_key, 'SecretAccessKey': c.secret_key, 'SessionToken': c.token}
def cache_files():
    if not os.path.isdir(CACHE_DIR):
        return {}
    return {n: open(os.path.join(CACHE_DIR, n)).read() for n in sorted(os.listdir(CACHE_DIR))}
def mode(path):
    return oct(os.stat(path).st_mode & 0o777)
def fails(profile):
    try:
        creds(profile)
        return None
    except Exception as e:
        return type(e).__name__ + ': ' + str(e)
"#;

const SSO_PROFILE: &str = "\
[profile sso-prof]
sso_session = koa
sso_account_id = 931827427725
sso_role_name = idp_customer_access
region = eu-west-1

[sso-session koa]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
";

/// A HOME where `sso-prof` is signed in (the token where `aws sso login` leaves it).
fn sso_home(token: &str, more_config: &str) -> TempHome {
    let home = TempHome::new();
    home.write(".aws/config", &format!("{SSO_PROFILE}\n{more_config}"));
    let expires = SystemTime::now() + Duration::from_secs(8 * 3600);
    home.write(
        &format!(".aws/sso/cache/{}.json", sha1_hex("koa")),
        &json!({
            "startUrl": "https://d-1234567890.awsapps.com/start",
            "region": "eu-west-1",
            "accessToken": token,
            "expiresAt": humantime::format_rfc3339_seconds(expires).to_string(),
        })
        .to_string(),
    );
    home
}

fn sha1_hex(s: &str) -> String {
    sha1_smol::Sha1::from(s.as_bytes()).digest().to_string()
}

/// The cache file name botocore's AssumeRoleCredentialFetcher uses for these AssumeRole
/// arguments, given as the exact `json.dumps(args, sort_keys=True)` text (Python's default
/// separators `", "` and `": "`): sha1 hex, `:`, `/` and the path separator replaced by `_`
/// (a no-op on hex), then `.json`.
fn botocore_cache_file(sorted_args_json: &str) -> String {
    format!(
        "{}.json",
        sha1_hex(sorted_args_json).replace([':', '/', std::path::MAIN_SEPARATOR], "_")
    )
}

/// Each piece occurs in `text`, in this order (`text` must start with the first).
fn assert_in_order(text: &str, pieces: &[&str]) {
    assert!(text.starts_with(pieces[0]), "{text}");
    let mut at = 0;
    for p in pieces {
        match text[at..].find(p) {
            Some(i) => at += i + p.len(),
            None => panic!("{p:?} not found in order in {text}"),
        }
    }
    assert_eq!(at, text.len(), "{text}");
}

/// (g) botocore's own AssumeRole provider, sourced from an SSO profile, with the AWS CLI's
/// JSONFileCache: the cache key, the file botocore writes, when it reuses it.
fn botocore_assume_role_provider_with_cli_cache() {
    crate::support::require_botocore();
    let (s, token) = with_sso();
    s.add_static_keys("AKIASTANDINSTATIC01", "static-secret-0123456789");
    let home = sso_home(
        &token,
        "\
[profile chained]
role_arn = arn:aws:iam::222222222222:role/Deploy
source_profile = sso-prof
region = eu-central-1

[profile same-role-other-source]
role_arn = arn:aws:iam::222222222222:role/Deploy
source_profile = static
region = eu-central-1
",
    );
    home.write(
        ".aws/credentials",
        "[static]\naws_access_key_id = AKIASTANDINSTATIC01\naws_secret_access_key = static-secret-0123456789\n",
    );
    let body = format!(
        "{CLI_PRELUDE}\n{}",
        r#"
t0 = int(time.time())
first = creds('chained')
out['first'] = first
out['files'] = cache_files()
name = next(iter(out['files']))
path = os.path.join(CACHE_DIR, name)
out['file_mode'] = mode(path)
entry = json.load(open(path))
out['t0'] = t0
# A second process (a new session) reuses the file: no AssumeRole, no GetRoleCredentials.
out['again'] = creds('chained')
# Another source profile, same role: the key has no source in it, so the same entry serves.
out['other_source'] = creds('same-role-other-source')
# The expiry window: an entry with 14 minutes left is not used, one with 16 minutes is.
def set_expiry(seconds):
    e = json.load(open(path))
    e['Credentials']['Expiration'] = time.strftime('%Y-%m-%dT%H:%M:%SUTC', time.gmtime(time.time() + seconds))
    open(path, 'w').write(json.dumps(e))
    return e['Credentials']['AccessKeyId']
set_expiry(14 * 60)
out['after_14min'] = creds('chained')
out['rewritten'] = json.load(open(path))['Credentials']['AccessKeyId']
key16 = set_expiry(16 * 60)
out['after_16min'] = creds('chained')
out['key16'] = key16
# What the key is made of, recomputed from botocore's own fetcher.
from botocore.credentials import AssumeRoleCredentialFetcher
f = AssumeRoleCredentialFetcher(client_creator=None, source_credentials=None,
                                role_arn='arn:aws:iam::222222222222:role/Deploy')
out['fetcher_key'] = f._cache_key
out['fetcher_kwargs'] = f._assume_kwargs
"#
    );
    let out = run_py_in(&home, &s, json!({}), &body);

    // The file name: sha1 of the sorted arguments without the generated RoleSessionName.
    let expected = botocore_cache_file(r#"{"RoleArn": "arn:aws:iam::222222222222:role/Deploy"}"#);
    assert_eq!(expected, "d42d53ff6e9998d62ec043f628100fe602cf95e6.json");
    let files = out["files"].as_object().unwrap();
    assert_eq!(files.keys().collect::<Vec<_>>(), [&expected]);
    assert_eq!(
        format!("{}.json", out["fetcher_key"].as_str().unwrap()),
        expected
    );
    assert_eq!(out["file_mode"], "0o600");

    // What botocore writes: the whole AssumeRole answer as parsed, plus Credentials.AccountId.
    let text = files[&expected].as_str().unwrap();
    eprintln!("cache file {expected}:\n{text}");
    let entry: Value = serde_json::from_str(text).unwrap();
    let c = &entry["Credentials"];
    let issued = s.issued_credentials();
    assert_eq!(c["AccessKeyId"], json!(issued[1].access_key_id));
    assert_eq!(c["SecretAccessKey"], json!(issued[1].secret_access_key));
    assert_eq!(c["SessionToken"], json!(issued[1].session_token));
    assert_eq!(c["AccountId"], "222222222222");
    // Expiration: strftime('%Y-%m-%dT%H:%M:%S%Z') of a UTC datetime, so "...UTC", not "Z".
    let exp = c["Expiration"].as_str().unwrap();
    let want = humantime::format_rfc3339_seconds(
        UNIX_EPOCH + Duration::from_millis(issued[1].expiration_ms),
    )
    .to_string();
    assert_eq!(exp, want.replace('Z', "UTC"));
    // Key order: botocore's parser follows the service model, not the XML; AccountId is
    // appended by the fetcher, ResponseMetadata by the client.
    assert_in_order(
        text,
        &[
            "{\"Credentials\": {\"AccessKeyId\": ",
            ", \"SecretAccessKey\": ",
            ", \"SessionToken\": ",
            ", \"Expiration\": ",
            ", \"AccountId\": \"222222222222\"}, \"AssumedRoleUser\": {\"AssumedRoleId\": ",
            ", \"Arn\": ",
            "}, \"ResponseMetadata\": {\"RequestId\": ",
            ", \"HTTPStatusCode\": 200, \"HTTPHeaders\": {",
            "}, \"RetryAttempts\": 0}}",
        ],
    );
    assert_eq!(entry.as_object().unwrap().len(), 3);
    assert_eq!(c.as_object().unwrap().len(), 5);
    let meta = &entry["ResponseMetadata"];
    assert_eq!(meta["HTTPStatusCode"], 200);
    assert_eq!(meta["RetryAttempts"], 0);
    assert!(meta["RequestId"].is_string() && meta["HTTPHeaders"].is_object());

    // The call botocore made: signed with the SSO role's key, default session name.
    let calls = s.assume_role_calls();
    let t0 = out["t0"].as_u64().unwrap();
    let name = calls[0].role_session_name.clone();
    let stamp: u64 = name
        .strip_prefix("botocore-session-")
        .unwrap()
        .parse()
        .unwrap();
    assert!(stamp.abs_diff(t0) <= 5, "{name}");
    assert_eq!(calls[0].caller_access_key_id, issued[0].access_key_id);
    assert_eq!(issued[0].operation, "GetRoleCredentials");
    assert_eq!(calls[0].duration_seconds, None);
    assert_eq!(calls[0].external_id, None);
    assert_eq!(
        out["fetcher_kwargs"]["RoleSessionName"]
            .as_str()
            .unwrap()
            .len(),
        name.len()
    );

    // Reuse, the shared entry, and the 15-minute window.
    assert_eq!(out["again"], out["first"]);
    assert_eq!(out["other_source"], out["first"]);
    assert_ne!(
        out["after_14min"]["AccessKeyId"],
        out["first"]["AccessKeyId"]
    );
    assert_eq!(out["rewritten"], out["after_14min"]["AccessKeyId"]);
    assert_eq!(out["after_16min"]["AccessKeyId"], out["key16"]);
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(s.count("GetRoleCredentials"), 2);
    // The STS client is in the region of the profile being resolved, not the source's.
    let auth = s.requests_for("AssumeRole")[0]
        .header("authorization")
        .unwrap()
        .to_string();
    assert!(auth.contains("/eu-central-1/sts/aws4_request"), "{auth}");
}

/// (g, continued) How botocore turns profile settings into AssumeRole arguments and cache keys:
/// role_session_name, external_id, mfa_serial (and the prompt), duration_seconds,
/// source_identity (ignored), 2-hop config chains, credential_source, static source keys, a
/// profile that is its own source, which file wins, and the configuration errors.
fn botocore_assume_role_profile_settings() {
    crate::support::require_botocore();
    let (s, token) = with_sso();
    for key in [
        "AKIASTANDINSTATIC01",
        "AKIACREDSFILE0000001",
        "AKIACONFIGFILE000001",
        "AKIASELFSOURCED00001",
    ] {
        s.add_static_keys(key, &format!("secret-of-{key}"));
    }
    let needs_mfa = "arn:aws:iam::222222222222:role/NeedsMfa";
    s.require_mfa(needs_mfa, "arn:aws:iam::123456789012:mfa/alice", "123456");
    s.require_external_id(needs_mfa, "ext-1234");
    s.set_max_session_duration(
        "arn:aws:iam::222222222222:role/FromStatic",
        Duration::from_secs(12 * 3600),
    );
    let home = sso_home(
        &token,
        "\
[profile full]
role_arn = arn:aws:iam::222222222222:role/NeedsMfa
source_profile = sso-prof
role_session_name = my-session
external_id = ext-1234
mfa_serial = arn:aws:iam::123456789012:mfa/alice
duration_seconds = 900
source_identity = ignored-by-botocore

[profile chained-a]
role_arn = arn:aws:iam::222222222222:role/First
source_profile = sso-prof
role_session_name = hop1

[profile hop2]
role_arn = arn:aws:iam::333333333333:role/Second
source_profile = chained-a
role_session_name = hop2

[profile env-sourced]
role_arn = arn:aws:iam::222222222222:role/FromEnv
credential_source = Environment
role_session_name = from-env

[profile from-static]
role_arn = arn:aws:iam::222222222222:role/FromStatic
source_profile = static
role_session_name = from-static
duration_seconds = 7200

[profile both]
aws_access_key_id = AKIACONFIGFILE000001
aws_secret_access_key = secret-of-AKIACONFIGFILE000001

[profile from-both]
role_arn = arn:aws:iam::222222222222:role/FromBoth
source_profile = both
role_session_name = from-both

[profile self]
role_arn = arn:aws:iam::222222222222:role/Self
source_profile = self
role_session_name = self
aws_access_key_id = AKIASELFSOURCED00001
aws_secret_access_key = secret-of-AKIASELFSOURCED00001

[profile two-sources]
role_arn = arn:aws:iam::222222222222:role/X
source_profile = static
credential_source = Environment

[profile no-source]
role_arn = arn:aws:iam::222222222222:role/X

[profile loop-a]
role_arn = arn:aws:iam::222222222222:role/X
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::222222222222:role/X
source_profile = loop-a

[profile missing-source]
role_arn = arn:aws:iam::222222222222:role/X
source_profile = nowhere

[profile bad-source]
role_arn = arn:aws:iam::222222222222:role/X
credential_source = Laptop
",
    );
    home.write(
        ".aws/credentials",
        "\
[static]
aws_access_key_id = AKIASTANDINSTATIC01
aws_secret_access_key = secret-of-AKIASTANDINSTATIC01

[both]
aws_access_key_id = AKIACREDSFILE0000001
aws_secret_access_key = secret-of-AKIACREDSFILE0000001
",
    );
    let body = format!(
        "{CLI_PRELUDE}\n{}",
        r#"
# With AWS_ENDPOINT_URL_STS and no region botocore cannot sign (the real global endpoint
# signs for us-east-1); these profiles have no region, so give one for all of them.
os.environ['AWS_DEFAULT_REGION'] = 'us-east-2'
prompts = []
out['full'] = creds('full', prompts)
out['prompts'] = prompts
out['hop2'] = creds('hop2')
os.environ['AWS_ACCESS_KEY_ID'] = 'AKIASTANDINSTATIC01'
os.environ['AWS_SECRET_ACCESS_KEY'] = 'secret-of-AKIASTANDINSTATIC01'
out['env'] = creds('env-sourced')
del os.environ['AWS_ACCESS_KEY_ID'], os.environ['AWS_SECRET_ACCESS_KEY']
out['static'] = creds('from-static')
out['both'] = creds('from-both')
out['self'] = creds('self')
out['files'] = sorted(cache_files())
for p in ['two-sources', 'no-source', 'loop-a', 'missing-source', 'bad-source']:
    out['error ' + p] = fails(p)
"#
    );
    let out = run_py_in(&home, &s, json!({"mfa_code": "123456"}), &body);
    let calls = s.assume_role_calls();
    let by_role = |role: &str| {
        calls
            .iter()
            .find(|c| c.role_arn.ends_with(&format!(":role/{role}")))
            .unwrap_or_else(|| panic!("no call for {role}: {calls:?}"))
            .clone()
    };

    // mfa_serial, external_id, duration_seconds, role_session_name; source_identity is not
    // read by botocore; the MFA prompt text.
    let full = by_role("NeedsMfa");
    assert_eq!(full.role_session_name, "my-session");
    assert_eq!(full.external_id.as_deref(), Some("ext-1234"));
    assert_eq!(
        full.serial_number.as_deref(),
        Some("arn:aws:iam::123456789012:mfa/alice")
    );
    assert_eq!(full.token_code.as_deref(), Some("123456"));
    assert_eq!(full.duration_seconds, Some(900));
    assert_eq!(full.source_identity, None);
    assert_eq!(
        out["prompts"],
        json!(["Enter MFA code for arn:aws:iam::123456789012:mfa/alice: "])
    );
    assert_eq!(out["full"]["AccessKeyId"], json!(full.issued_access_key_id));
    // Each session resolves sso-prof anew (botocore keeps SSO role credentials in memory).
    let issued = s.issued_credentials();
    let from_portal = |key: &str| {
        issued
            .iter()
            .any(|c| c.access_key_id == key && c.operation == "GetRoleCredentials")
    };
    assert!(from_portal(&full.caller_access_key_id));

    // Two hops from the config: the second is signed with the first's credentials.
    let (a, b) = (by_role("First"), by_role("Second"));
    assert!(from_portal(&a.caller_access_key_id));
    assert_eq!(b.caller_access_key_id, a.issued_access_key_id);
    assert_eq!(out["hop2"]["AccessKeyId"], json!(b.issued_access_key_id));

    // Sources: credential_source = Environment, static keys from the credentials file, the
    // credentials file over the config file, a profile that is its own source.
    assert_eq!(
        by_role("FromEnv").caller_access_key_id,
        "AKIASTANDINSTATIC01"
    );
    let st = by_role("FromStatic");
    assert_eq!(st.caller_access_key_id, "AKIASTANDINSTATIC01");
    assert_eq!(st.duration_seconds, Some(7200));
    assert_eq!(
        by_role("FromBoth").caller_access_key_id,
        "AKIACREDSFILE0000001"
    );
    assert_eq!(by_role("Self").caller_access_key_id, "AKIASELFSOURCED00001");
    assert_eq!(calls.len(), 7, "{calls:?}");
    let region = s.requests_for("AssumeRole")[0]
        .header("authorization")
        .unwrap()
        .to_string();
    assert!(region.contains("/us-east-2/sts/aws4_request"), "{region}");

    // One cache file per AssumeRole, named by the exact sorted-keys JSON of its arguments
    // (DurationSeconds an integer; TokenCode never part of it).
    let mut want: Vec<String> = [
        r#"{"DurationSeconds": 900, "ExternalId": "ext-1234", "RoleArn": "arn:aws:iam::222222222222:role/NeedsMfa", "RoleSessionName": "my-session", "SerialNumber": "arn:aws:iam::123456789012:mfa/alice"}"#,
        r#"{"RoleArn": "arn:aws:iam::222222222222:role/First", "RoleSessionName": "hop1"}"#,
        r#"{"RoleArn": "arn:aws:iam::333333333333:role/Second", "RoleSessionName": "hop2"}"#,
        r#"{"RoleArn": "arn:aws:iam::222222222222:role/FromEnv", "RoleSessionName": "from-env"}"#,
        r#"{"DurationSeconds": 7200, "RoleArn": "arn:aws:iam::222222222222:role/FromStatic", "RoleSessionName": "from-static"}"#,
        r#"{"RoleArn": "arn:aws:iam::222222222222:role/FromBoth", "RoleSessionName": "from-both"}"#,
        r#"{"RoleArn": "arn:aws:iam::222222222222:role/Self", "RoleSessionName": "self"}"#,
    ]
    .iter()
    .map(|j| botocore_cache_file(j))
    .collect();
    want.sort();
    assert_eq!(out["files"], json!(want));
    assert_eq!(
        botocore_cache_file(
            r#"{"DurationSeconds": 900, "ExternalId": "ext-1234", "RoleArn": "arn:aws:iam::222222222222:role/NeedsMfa", "RoleSessionName": "my-session", "SerialNumber": "arn:aws:iam::123456789012:mfa/alice"}"#
        ),
        "07eec6e877d9baabb1911e7b1c9cc7973f6f2387.json"
    );

    // Configuration errors, as botocore words them.
    for (p, msg) in [
        ("two-sources", "InvalidConfigError: The profile \"two-sources\" contains both source_profile and credential_source."),
        ("no-source", "PartialCredentialsError: Partial credentials found in assume-role, missing: source_profile or credential_source"),
        ("missing-source", "InvalidConfigError: The source_profile \"nowhere\" referenced in the profile \"missing-source\" does not exist."),
        ("bad-source", "InvalidConfigError: The credential source \"Laptop\" referenced in profile \"bad-source\" is not valid."),
    ] {
        assert_eq!(out[format!("error {p}")], msg, "{p}");
    }
    assert_eq!(
        out["error loop-a"],
        "InfiniteLoopConfigError: Infinite loop in credential configuration detected. Attempting to load from profile loop-a which has already been visited. Visited profiles: ['loop-a', 'loop-b']"
    );
}

crate::tests![
    assume_role_signed_with_sso_role_credentials,
    role_chains_with_trust_rules,
    sts_error_shapes_parse_in_botocore,
    unknown_expired_and_static_keys,
    mfa_and_external_id_conditions,
    bad_signatures_are_refused,
    hmac_and_signing_key_vectors,
    botocore_assume_role_provider_with_cli_cache,
    botocore_assume_role_profile_settings,
];
