//! Drives the Identity Center stand-in (tests/support/standin.rs) with botocore, an
//! independent client, to make sure the stand-in speaks the real wire protocol. Also a few
//! raw-HTTP checks (keep-alive, chunked bodies, malformed requests).
//!
//! Needs `python3` with botocore (`.ci/run` installs it); without it these tests fail.

use crate::support::standin;

use serde_json::{json, Value};
use standin::{AuthorizeOutcome, DeviceScript, StandIn};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const PRELUDE: &str = r#"
import json, sys, time, hashlib, base64, http.client, urllib.parse
import botocore, botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
A = json.loads(sys.argv[1])
cfg = Config(signature_version=botocore.UNSIGNED,
             retries={'mode': 'standard', 'total_max_attempts': A.get('attempts', 4)},
             connect_timeout=5, read_timeout=A.get('read_timeout', 20))
session = botocore.session.get_session()
sso = session.create_client('sso', region_name='eu-west-1', config=cfg)
oidc = session.create_client('sso-oidc', region_name='eu-west-1', config=cfg)
out = {}
def err(fn, **kw):
    try:
        fn(**kw)
        return None
    except ClientError as e:
        return {'code': e.response['Error']['Code'],
                'status': e.response['ResponseMetadata']['HTTPStatusCode'],
                'message': e.response['Error'].get('Message', ''),
                'body_error': e.response.get('error')}
def strip(r):
    r = dict(r)
    r.pop('ResponseMetadata', None)
    return r
"#;

struct TempHome(PathBuf);

impl TempHome {
    fn new() -> TempHome {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "standin-botocore-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            nanos
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempHome(dir)
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `body` (Python, after PRELUDE) against the server; `args` arrive as `A`; the script
/// fills the dict `out`, which is returned.
fn run_py(server: &StandIn, args: Value, body: &str) -> Value {
    let home = TempHome::new();
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
    cmd.env("HOME", &home.0)
        .env("USERPROFILE", &home.0)
        .env("AWS_ENDPOINT_URL_SSO", server.url())
        .env("AWS_ENDPOINT_URL_SSO_OIDC", server.url())
        .env("AWS_CONFIG_FILE", home.0.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.0.join("credentials"))
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

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn get_role_credentials_happy_path() {
    crate::support::require_botocore();
    let s = StandIn::start();
    s.add_account("111111111111", "Dev", &["ReadOnly", "Admin"]);
    let token = s.issue_token(Duration::from_secs(3600));
    let before = now_ms();
    let out = run_py(
        &s,
        json!({"token": token}),
        r#"
out['a'] = strip(sso.get_role_credentials(roleName='ReadOnly', accountId='111111111111', accessToken=A['token']))
out['b'] = strip(sso.get_role_credentials(roleName='Admin', accountId='111111111111', accessToken=A['token']))
"#,
    );
    let after = now_ms();
    let issued = s.issued_credentials();
    assert_eq!(issued.len(), 2);
    for (key, creds) in [("a", &issued[0]), ("b", &issued[1])] {
        let rc = &out[key]["roleCredentials"];
        assert_eq!(rc["accessKeyId"], json!(creds.access_key_id));
        assert_eq!(rc["secretAccessKey"], json!(creds.secret_access_key));
        assert_eq!(rc["sessionToken"], json!(creds.session_token));
        assert_eq!(rc["expiration"], json!(creds.expiration_ms));
        let exp = rc["expiration"].as_u64().expect("expiration is an integer");
        // epoch milliseconds, one hour ahead
        assert!(
            exp >= before + 3_600_000 - 1000 && exp <= after + 3_600_000 + 1000,
            "{exp}"
        );
        assert!(creds.access_key_id.starts_with("ASIA"));
        assert_eq!(creds.access_key_id.len(), 20);
        assert_eq!(creds.secret_access_key.len(), 40);
    }
    assert_eq!(issued[0].role_name, "ReadOnly");
    assert_eq!(issued[1].role_name, "Admin");
    assert_ne!(issued[0].access_key_id, issued[1].access_key_id);
    assert_ne!(issued[0].secret_access_key, issued[1].secret_access_key);
    assert_ne!(issued[0].session_token, issued[1].session_token);

    // The log shows what botocore sent.
    assert_eq!(s.count("GetRoleCredentials"), 2);
    assert_eq!(s.count("*"), 2);
    let reqs = s.requests_for("GetRoleCredentials");
    let r = &reqs[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, "/federation/credentials");
    assert_eq!(r.header("x-amz-sso_bearer_token"), Some(token.as_str()));
    assert_eq!(r.query_param("account_id").as_deref(), Some("111111111111"));
    assert_eq!(r.query_param("role_name").as_deref(), Some("ReadOnly"));
    assert_eq!(r.status, 200);
    let secrets = s.issued_secrets();
    assert!(secrets.contains(&token));
    assert!(secrets.contains(&issued[1].secret_access_key));
    assert!(secrets.contains(&issued[1].session_token));
}

fn portal_errors_unauthorized_and_forbidden() {
    crate::support::require_botocore();
    let s = StandIn::start();
    s.add_account("111111111111", "Dev", &["ReadOnly"]);
    s.add_account("222222222222", "Prod", &["Admin"]);
    let good = s.issue_token(Duration::from_secs(3600));
    let expired = s.issue_token(Duration::ZERO);
    let revoked = s.issue_token(Duration::from_secs(3600));
    s.revoke(&revoked);
    assert!(s.token_is_valid(&good));
    assert!(!s.token_is_valid(&expired));
    assert!(!s.token_is_valid(&revoked));
    let out = run_py(
        &s,
        json!({"good": good, "expired": expired, "revoked": revoked}),
        r#"
g = sso.get_role_credentials
out['unknown'] = err(g, roleName='ReadOnly', accountId='111111111111', accessToken='not-a-token')
out['expired'] = err(g, roleName='ReadOnly', accountId='111111111111', accessToken=A['expired'])
out['revoked'] = err(g, roleName='ReadOnly', accountId='111111111111', accessToken=A['revoked'])
out['not_assigned'] = err(g, roleName='Admin', accountId='111111111111', accessToken=A['good'])
out['other_account'] = err(g, roleName='ReadOnly', accountId='222222222222', accessToken=A['good'])
out['no_account'] = err(g, roleName='ReadOnly', accountId='999999999999', accessToken=A['good'])
out['list_unknown'] = err(sso.list_accounts, accessToken='nope')
out['ok'] = err(g, roleName='Admin', accountId='222222222222', accessToken=A['good'])
"#,
    );
    for k in ["unknown", "expired", "revoked", "list_unknown"] {
        assert_eq!(out[k]["code"], "UnauthorizedException", "{k}: {}", out[k]);
        assert_eq!(out[k]["status"], 401, "{k}");
        assert!(!out[k]["message"].as_str().unwrap().is_empty());
    }
    for k in ["not_assigned", "other_account", "no_account"] {
        assert_eq!(out[k]["code"], "ForbiddenException", "{k}: {}", out[k]);
        assert_eq!(out[k]["status"], 403, "{k}");
    }
    assert_eq!(out["ok"], Value::Null);
    assert_eq!(s.issued_credentials().len(), 1);
    let statuses: Vec<u16> = s
        .requests_for("GetRoleCredentials")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [401, 401, 401, 403, 403, 403, 200]);
}

fn list_accounts_and_roles_paginate() {
    crate::support::require_botocore();
    let s = StandIn::start();
    s.set_page_size(3);
    for i in 0..7 {
        let roles: Vec<String> = (0..if i == 0 { 5 } else { 1 })
            .map(|r| format!("Role{r}"))
            .collect();
        let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
        s.add_account(&format!("10000000000{i}"), &format!("Account {i}"), &roles);
    }
    let token = s.issue_token(Duration::from_secs(3600));
    let out = run_py(
        &s,
        json!({"token": token}),
        r#"
def collect(op, key, **kw):
    items = []
    for page in sso.get_paginator(op).paginate(accessToken=A['token'], **kw):
        items.extend(page[key])
    return items
out['accounts'] = collect('list_accounts', 'accountList')
out['accounts_small'] = collect('list_accounts', 'accountList', PaginationConfig={'PageSize': 2})
out['roles'] = collect('list_account_roles', 'roleList', accountId='100000000000')
first = sso.list_accounts(accessToken=A['token'], maxResults=2)
out['first'] = strip(first)
out['bad_next'] = err(sso.list_accounts, accessToken=A['token'], nextToken='garbage')
out['forbidden'] = err(sso.list_account_roles, accessToken=A['token'], accountId='999999999999')
"#,
    );
    let accounts = out["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 7);
    assert_eq!(accounts[0]["accountId"], "100000000000");
    assert_eq!(accounts[0]["accountName"], "Account 0");
    assert_eq!(accounts[0]["emailAddress"], "account-0@example.com");
    assert_eq!(accounts[6]["accountId"], "100000000006");
    assert_eq!(out["accounts_small"].as_array().unwrap().len(), 7);
    let roles = out["roles"].as_array().unwrap();
    let names: Vec<&str> = roles
        .iter()
        .map(|r| r["roleName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Role0", "Role1", "Role2", "Role3", "Role4"]);
    assert!(roles.iter().all(|r| r["accountId"] == "100000000000"));
    assert_eq!(out["first"]["accountList"].as_array().unwrap().len(), 2);
    assert!(out["first"]["nextToken"].is_string());
    assert_eq!(out["bad_next"]["code"], "InvalidRequestException");
    assert_eq!(out["forbidden"]["code"], "ForbiddenException");

    // 7 accounts: 3 pages of 3, then 4 pages of 2, the single call, the bad token.
    let lists = s.requests_for("ListAccounts");
    assert_eq!(lists.len(), 3 + 4 + 1 + 1);
    assert_eq!(lists[0].query_param("next_token"), None);
    assert_eq!(
        lists[1].query_param("next_token"),
        Some("page.3".to_string())
    );
    assert_eq!(lists[3].query_param("max_result").as_deref(), Some("2"));
    assert!(lists
        .iter()
        .all(|r| r.header("x-amz-sso_bearer_token") == Some(token.as_str())));
    // 5 roles in pages of 3: two calls, plus the forbidden one.
    assert_eq!(s.count("ListAccountRoles"), 3);
}

fn logout_invalidates_token() {
    crate::support::require_botocore();
    let s = StandIn::start();
    s.add_account("111111111111", "Dev", &["ReadOnly"]);
    let token = s.issue_token(Duration::from_secs(3600));
    let other = s.issue_token(Duration::from_secs(3600));
    let out = run_py(
        &s,
        json!({"token": token, "other": other}),
        r#"
g = sso.get_role_credentials
out['before'] = err(g, roleName='ReadOnly', accountId='111111111111', accessToken=A['token'])
out['logout'] = err(sso.logout, accessToken=A['token'])
out['after'] = err(g, roleName='ReadOnly', accountId='111111111111', accessToken=A['token'])
out['logout_again'] = err(sso.logout, accessToken=A['token'])
out['other'] = err(g, roleName='ReadOnly', accountId='111111111111', accessToken=A['other'])
"#,
    );
    assert_eq!(out["before"], Value::Null);
    assert_eq!(out["logout"], Value::Null);
    assert_eq!(out["after"]["code"], "UnauthorizedException");
    assert_eq!(out["logout_again"]["code"], "UnauthorizedException");
    assert_eq!(out["other"], Value::Null);
    assert!(!s.token_is_valid(&token));
    assert!(s.token_is_valid(&other));
    let logouts = s.requests_for("Logout");
    assert_eq!(logouts.len(), 2);
    assert_eq!(logouts[0].method, "POST");
    assert_eq!(logouts[0].path, "/logout");
    assert_eq!(
        logouts[0].header("x-amz-sso_bearer_token"),
        Some(token.as_str())
    );
    assert_eq!(logouts[0].status, 200);
}

fn device_code_flow_pending_slow_down_then_token() {
    crate::support::require_botocore();
    let s = StandIn::start();
    s.add_account("111111111111", "Dev", &["ReadOnly"]);
    s.set_device_script(DeviceScript::approve_after(2).slow_down_at(3));
    s.set_token_ttl(Duration::from_secs(7200));
    let out = run_py(
        &s,
        json!({}),
        r#"
reg = oidc.register_client(clientName='botocore-client-test', clientType='public', scopes=['sso:account:access'])
out['reg'] = strip(reg)
out['bad_secret'] = err(oidc.start_device_authorization, clientId=reg['clientId'], clientSecret='wrong', startUrl='https://d-1234567890.awsapps.com/start')
dev = oidc.start_device_authorization(clientId=reg['clientId'], clientSecret=reg['clientSecret'], startUrl='https://d-1234567890.awsapps.com/start')
out['dev'] = strip(dev)
codes = []
tok = None
for _ in range(10):
    try:
        tok = oidc.create_token(clientId=reg['clientId'], clientSecret=reg['clientSecret'],
                                grantType='urn:ietf:params:oauth:grant-type:device_code', deviceCode=dev['deviceCode'])
        break
    except ClientError as e:
        codes.append([e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response.get('error')])
out['codes'] = codes
out['token'] = strip(tok)
out['reuse'] = err(oidc.create_token, clientId=reg['clientId'], clientSecret=reg['clientSecret'],
                   grantType='urn:ietf:params:oauth:grant-type:device_code', deviceCode=dev['deviceCode'])
out['wrong_secret_token'] = err(oidc.create_token, clientId=reg['clientId'], clientSecret='nope',
                   grantType='urn:ietf:params:oauth:grant-type:device_code', deviceCode=dev['deviceCode'])
out['creds'] = err(sso.get_role_credentials, roleName='ReadOnly', accountId='111111111111', accessToken=tok['accessToken'])
"#,
    );
    let reg = &out["reg"];
    let now = now_ms() / 1000;
    let issued_at = reg["clientIdIssuedAt"].as_u64().unwrap();
    let expires_at = reg["clientSecretExpiresAt"].as_u64().unwrap();
    assert!(issued_at.abs_diff(now) < 60, "epoch seconds: {issued_at}");
    assert_eq!(expires_at - issued_at, 90 * 24 * 3600);
    assert_eq!(out["bad_secret"]["code"], "InvalidClientException");
    assert_eq!(out["bad_secret"]["status"], 401);

    let dev = &out["dev"];
    assert_eq!(dev["interval"], 1);
    assert_eq!(dev["expiresIn"], 600);
    let user_code = dev["userCode"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert!(dev["verificationUri"]
        .as_str()
        .unwrap()
        .starts_with(&s.url()));
    assert!(dev["verificationUriComplete"]
        .as_str()
        .unwrap()
        .ends_with(user_code));

    assert_eq!(
        out["codes"],
        json!([
            [
                "AuthorizationPendingException",
                400,
                "authorization_pending"
            ],
            [
                "AuthorizationPendingException",
                400,
                "authorization_pending"
            ],
            ["SlowDownException", 400, "slow_down"],
        ])
    );
    let tok = &out["token"];
    assert_eq!(tok["tokenType"], "Bearer");
    assert_eq!(tok["expiresIn"], 7200);
    assert!(
        tok.get("refreshToken").is_none(),
        "no refresh token for a client without the refresh_token grant"
    );
    let access = tok["accessToken"].as_str().unwrap();
    assert!(s.token_is_valid(access));
    assert_eq!(out["reuse"]["code"], "InvalidGrantException");
    assert_eq!(out["wrong_secret_token"]["code"], "InvalidClientException");
    assert_eq!(out["creds"], Value::Null);

    // What botocore sent.
    let clients = s.registered_clients();
    assert_eq!(clients.len(), 1);
    assert_eq!(clients[0].client_name, "botocore-client-test");
    assert_eq!(clients[0].scopes, ["sso:account:access"]);
    let polls = s.requests_for("CreateToken");
    assert_eq!(polls.len(), 3 + 1 + 2);
    let body = polls[0].json().unwrap();
    assert_eq!(
        body["grantType"],
        "urn:ietf:params:oauth:grant-type:device_code"
    );
    assert_eq!(body["clientId"], json!(clients[0].client_id));
    assert_eq!(polls[0].path, "/token");
    let start = &s.requests_for("StartDeviceAuthorization")[1];
    assert_eq!(
        start.json().unwrap()["startUrl"],
        "https://d-1234567890.awsapps.com/start"
    );
    let secrets = s.issued_secrets();
    assert!(secrets.contains(&access.to_string()));
    assert!(secrets.contains(&clients[0].client_secret));
}

fn device_code_flow_deny_expire_and_refresh_policy() {
    crate::support::require_botocore();
    let s = StandIn::start();
    s.set_always_issue_refresh_token(Some(true));
    let out = run_py(
        &s,
        json!({}),
        r#"
reg = oidc.register_client(clientName='c', clientType='public')
d = oidc.start_device_authorization(clientId=reg['clientId'], clientSecret=reg['clientSecret'], startUrl='https://x.awsapps.com/start')
out['token'] = strip(oidc.create_token(clientId=reg['clientId'], clientSecret=reg['clientSecret'],
                grantType='urn:ietf:params:oauth:grant-type:device_code', deviceCode=d['deviceCode']))
"#,
    );
    assert!(out["token"]["refreshToken"].is_string(), "{out}");

    s.set_always_issue_refresh_token(None);
    s.set_device_script(DeviceScript::deny_after(1));
    let out = run_py(
        &s,
        json!({}),
        r#"
reg = oidc.register_client(clientName='c', clientType='public')
d = oidc.start_device_authorization(clientId=reg['clientId'], clientSecret=reg['clientSecret'], startUrl='https://x.awsapps.com/start')
p = lambda: err(oidc.create_token, clientId=reg['clientId'], clientSecret=reg['clientSecret'],
                grantType='urn:ietf:params:oauth:grant-type:device_code', deviceCode=d['deviceCode'])
out['deny'] = [p(), p()]
out['bad_grant'] = err(oidc.create_token, clientId=reg['clientId'], clientSecret=reg['clientSecret'], grantType='password')
out['bad_code'] = err(oidc.create_token, clientId=reg['clientId'], clientSecret=reg['clientSecret'],
                grantType='urn:ietf:params:oauth:grant-type:device_code', deviceCode='nope')
"#,
    );
    assert_eq!(out["deny"][0]["code"], "AuthorizationPendingException");
    assert_eq!(out["deny"][1]["code"], "AccessDeniedException");
    assert_eq!(out["bad_grant"]["code"], "UnsupportedGrantTypeException");
    assert_eq!(out["bad_code"]["code"], "InvalidGrantException");

    s.set_device_script(DeviceScript::expire_after(0));
    s.set_device_code_ttl(Duration::from_secs(120));
    let out = run_py(
        &s,
        json!({}),
        r#"
reg = oidc.register_client(clientName='c', clientType='public')
d = oidc.start_device_authorization(clientId=reg['clientId'], clientSecret=reg['clientSecret'], startUrl='https://x.awsapps.com/start')
out['expires_in'] = d['expiresIn']
out['expire'] = err(oidc.create_token, clientId=reg['clientId'], clientSecret=reg['clientSecret'],
                grantType='urn:ietf:params:oauth:grant-type:device_code', deviceCode=d['deviceCode'])
"#,
    );
    assert_eq!(out["expires_in"], 120);
    assert_eq!(out["expire"]["code"], "ExpiredTokenException");
    assert_eq!(out["expire"]["status"], 400);
    let last = s.requests_for("CreateToken").pop().unwrap();
    assert_eq!(last.status, 400);
}

fn enforced_poll_interval_answers_slow_down() {
    crate::support::require_botocore();
    let s = StandIn::start();
    s.set_poll_interval(5);
    s.set_enforce_poll_interval(true);
    s.set_device_script(DeviceScript::approve_after(1));
    let out = run_py(
        &s,
        json!({}),
        r#"
reg = oidc.register_client(clientName='c', clientType='public')
d = oidc.start_device_authorization(clientId=reg['clientId'], clientSecret=reg['clientSecret'], startUrl='https://x.awsapps.com/start')
p = lambda: err(oidc.create_token, clientId=reg['clientId'], clientSecret=reg['clientSecret'],
                grantType='urn:ietf:params:oauth:grant-type:device_code', deviceCode=d['deviceCode'])
out['polls'] = [p(), p()]
"#,
    );
    assert_eq!(out["polls"][0]["code"], "AuthorizationPendingException");
    assert_eq!(out["polls"][1]["code"], "SlowDownException");
}

const PKCE_PRELUDE: &str = r#"
REDIRECT = 'http://127.0.0.1:49152/oauth/callback'
reg = oidc.register_client(clientName='botocore-client-pkce', clientType='public',
    grantTypes=['authorization_code', 'refresh_token'],
    redirectUris=['http://127.0.0.1/oauth/callback'],
    issuerUrl='https://d-1234567890.awsapps.com/start', scopes=['sso:account:access'])
def challenge(v):
    return base64.urlsafe_b64encode(hashlib.sha256(v.encode()).digest()).decode().rstrip('=')
def authorize(verifier, state, client_id=None, redirect=REDIRECT, with_challenge=True):
    u = urllib.parse.urlparse(A['url'])
    q = {'response_type': 'code', 'client_id': client_id or reg['clientId'], 'redirect_uri': redirect,
         'state': state, 'code_challenge_method': 'S256', 'scopes': 'sso:account:access'}
    if with_challenge:
        q['code_challenge'] = challenge(verifier)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    c.request('GET', '/authorize?' + urllib.parse.urlencode(q, quote_via=urllib.parse.quote))
    r = c.getresponse()
    r.read()
    loc = r.getheader('Location')
    c.close()
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(loc).query)) if loc else None
    return {'status': r.status, 'location': loc, 'params': params}
def token(**kw):
    return oidc.create_token(clientId=reg['clientId'], clientSecret=reg['clientSecret'], **kw)
VERIFIER = 'A' * 20 + 'b-._~' * 8 + '0123456789' * 0 + 'x' * 4
"#;

fn authorization_code_with_pkce() {
    crate::support::require_botocore();
    let s = StandIn::start();
    s.add_account("111111111111", "Dev", &["ReadOnly"]);
    let body = format!(
        "{PKCE_PRELUDE}\n{}",
        r#"
a = authorize(VERIFIER, 'state-123')
out['authorize'] = a
code = a['params']['code']
out['wrong_verifier'] = err(token, grantType='authorization_code', code=code, codeVerifier='B' * 64, redirectUri=REDIRECT)
out['wrong_redirect'] = err(token, grantType='authorization_code', code=code, codeVerifier=VERIFIER, redirectUri='http://127.0.0.1:1/oauth/callback')
t = token(grantType='authorization_code', code=code, codeVerifier=VERIFIER, redirectUri=REDIRECT)
out['token'] = strip(t)
out['reuse'] = err(token, grantType='authorization_code', code=code, codeVerifier=VERIFIER, redirectUri=REDIRECT)
out['creds'] = err(sso.get_role_credentials, roleName='ReadOnly', accountId='111111111111', accessToken=t['accessToken'])
out['unknown_client'] = authorize(VERIFIER, 's', client_id='nope')
out['no_challenge'] = authorize(VERIFIER, 's', with_challenge=False)
out['bad_redirect'] = authorize(VERIFIER, 's', redirect='https://evil.example/cb')
"#
    );
    let out = run_py(&s, json!({"url": s.url()}), &body);
    let a = &out["authorize"];
    assert_eq!(a["status"], 302);
    assert!(a["location"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:49152/oauth/callback?code="));
    assert_eq!(a["params"]["state"], "state-123");
    assert_eq!(out["wrong_verifier"]["code"], "InvalidGrantException");
    assert_eq!(out["wrong_verifier"]["status"], 400);
    assert_eq!(out["wrong_redirect"]["code"], "InvalidGrantException");
    let tok = &out["token"];
    assert_eq!(tok["tokenType"], "Bearer");
    assert_eq!(tok["expiresIn"], 8 * 3600);
    assert!(tok["refreshToken"].is_string());
    assert_eq!(out["reuse"]["code"], "InvalidGrantException");
    assert_eq!(out["creds"], Value::Null);
    for k in ["unknown_client", "no_challenge", "bad_redirect"] {
        assert_eq!(out[k]["status"], 400, "{k}");
        assert_eq!(out[k]["location"], Value::Null, "{k}");
    }

    // The authorize request as the server saw it.
    let auth = &s.requests_for("Authorize")[0];
    assert_eq!(
        auth.query_param("scopes").as_deref(),
        Some("sso:account:access")
    );
    assert_eq!(
        auth.query_param("code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(
        auth.query_param("code_challenge"),
        Some(standin::pkce_challenge(
            &("A".repeat(20) + &"b-._~".repeat(8) + "xxxx")
        ))
    );
    let client = &s.registered_clients()[0];
    assert_eq!(client.grant_types, ["authorization_code", "refresh_token"]);
    assert_eq!(client.redirect_uris, ["http://127.0.0.1/oauth/callback"]);
    assert_eq!(
        client.issuer_url.as_deref(),
        Some("https://d-1234567890.awsapps.com/start")
    );
    let exchange = s
        .requests_for("CreateToken")
        .into_iter()
        .find(|r| r.status == 200)
        .unwrap();
    let body = exchange.json().unwrap();
    assert_eq!(body["grantType"], "authorization_code");
    assert_eq!(body["redirectUri"], "http://127.0.0.1:49152/oauth/callback");
}

fn authorize_denied_redirects_with_error() {
    crate::support::require_botocore();
    let s = StandIn::start();
    s.set_authorize_outcome(AuthorizeOutcome::Deny);
    let body = format!(
        "{PKCE_PRELUDE}\n{}",
        "out['authorize'] = authorize(VERIFIER, 'st-9')\n"
    );
    let out = run_py(&s, json!({"url": s.url()}), &body);
    let a = &out["authorize"];
    assert_eq!(a["status"], 302);
    assert_eq!(a["params"]["error"], "access_denied");
    assert_eq!(a["params"]["state"], "st-9");
    assert!(a["params"]["error_description"].is_string());
    assert!(a["params"].get("code").is_none());
}

fn refresh_token_rotates() {
    crate::support::require_botocore();
    let s = StandIn::start();
    s.add_account("111111111111", "Dev", &["ReadOnly"]);
    let body = format!(
        "{PKCE_PRELUDE}\n{}",
        r#"
code = authorize(VERIFIER, 's')['params']['code']
t1 = token(grantType='authorization_code', code=code, codeVerifier=VERIFIER, redirectUri=REDIRECT)
t2 = token(grantType='refresh_token', refreshToken=t1['refreshToken'])
out['t1'] = strip(t1)
out['t2'] = strip(t2)
out['reuse_old'] = err(token, grantType='refresh_token', refreshToken=t1['refreshToken'])
t3 = token(grantType='refresh_token', refreshToken=t2['refreshToken'])
out['t3'] = strip(t3)
out['bogus'] = err(token, grantType='refresh_token', refreshToken='aor-bogus')
other = oidc.register_client(clientName='other', clientType='public', grantTypes=['refresh_token'])
out['other_client'] = err(oidc.create_token, clientId=other['clientId'], clientSecret=other['clientSecret'],
                          grantType='refresh_token', refreshToken=t3['refreshToken'])
out['creds'] = err(sso.get_role_credentials, roleName='ReadOnly', accountId='111111111111', accessToken=t3['accessToken'])
"#
    );
    let out = run_py(&s, json!({"url": s.url()}), &body);
    let rts: Vec<&str> = ["t1", "t2", "t3"]
        .iter()
        .map(|k| out[*k]["refreshToken"].as_str().unwrap())
        .collect();
    let ats: Vec<&str> = ["t1", "t2", "t3"]
        .iter()
        .map(|k| out[*k]["accessToken"].as_str().unwrap())
        .collect();
    assert!(rts[0] != rts[1] && rts[1] != rts[2] && rts[0] != rts[2]);
    assert!(ats[0] != ats[1] && ats[1] != ats[2]);
    assert_eq!(out["reuse_old"]["code"], "InvalidGrantException");
    assert_eq!(out["reuse_old"]["status"], 400);
    assert_eq!(out["bogus"]["code"], "InvalidGrantException");
    assert_eq!(out["other_client"]["code"], "InvalidGrantException");
    assert_eq!(out["creds"], Value::Null);
    for at in &ats {
        assert!(s.token_is_valid(at));
    }
    let refreshes: Vec<_> = s
        .requests_for("CreateToken")
        .into_iter()
        .filter(|r| r.json().unwrap()["grantType"] == "refresh_token")
        .collect();
    assert_eq!(refreshes.len(), 5);
    assert_eq!(refreshes[0].json().unwrap()["refreshToken"], json!(rts[0]));
    assert_eq!(refreshes[0].status, 200);
    assert_eq!(refreshes[1].status, 400);
}

fn injected_faults_are_retried_by_botocore() {
    crate::support::require_botocore();
    let s = StandIn::start();
    s.add_account("111111111111", "Dev", &["ReadOnly"]);
    let token = s.issue_token(Duration::from_secs(3600));
    s.fail_next("GetRoleCredentials", 2, 500);
    s.fail_next("ListAccounts", 1, 429);
    s.fail_next("RegisterClient", 1, 503);
    s.drop_next("ListAccountRoles", 1);
    s.always_fail("Logout", 503);
    let out = run_py(
        &s,
        json!({"token": token, "attempts": 3}),
        r#"
r = sso.get_role_credentials(roleName='ReadOnly', accountId='111111111111', accessToken=A['token'])
out['creds_attempts'] = r['ResponseMetadata']['RetryAttempts']
r = sso.list_accounts(accessToken=A['token'])
out['list_attempts'] = r['ResponseMetadata']['RetryAttempts']
out['list'] = len(r['accountList'])
r = oidc.register_client(clientName='c', clientType='public')
out['reg_attempts'] = r['ResponseMetadata']['RetryAttempts']
r = sso.list_account_roles(accessToken=A['token'], accountId='111111111111')
out['roles'] = [x['roleName'] for x in r['roleList']]
out['logout'] = err(sso.logout, accessToken=A['token'])
"#,
    );
    assert_eq!(out["creds_attempts"], 2);
    assert_eq!(out["list_attempts"], 1);
    assert_eq!(out["list"], 1);
    assert_eq!(out["reg_attempts"], 1);
    assert_eq!(out["roles"], json!(["ReadOnly"]));
    assert_eq!(out["logout"]["code"], "ServiceUnavailableException");
    assert_eq!(out["logout"]["status"], 503);

    let statuses = |op: &str| -> Vec<u16> { s.requests_for(op).iter().map(|r| r.status).collect() };
    assert_eq!(statuses("GetRoleCredentials"), [500, 500, 200]);
    assert_eq!(statuses("ListAccounts"), [429, 200]);
    assert_eq!(statuses("RegisterClient"), [503, 200]);
    assert_eq!(statuses("ListAccountRoles"), [0, 200]);
    assert_eq!(statuses("Logout"), [503, 503, 503]);
    assert_eq!(s.issued_credentials().len(), 1);
    // Logout never got through, so the token still works.
    assert!(s.token_is_valid(&token));

    // Error shapes of injected faults.
    let (status, headers, body) =
        standin::http_get(&format!("{}/assignment/accounts", s.url())).unwrap();
    assert_eq!(status, 401);
    assert!(body.contains("message"));
    let hdr = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        hdr("x-amzn-errortype"),
        "UnauthorizedException:http://internal.amazon.com/coral/com.amazon.switchboard.portal/"
    );
    assert!(!hdr("x-amzn-requestid").is_empty());
    assert_eq!(hdr("content-type"), "application/json");
}

fn slow_answers_and_read_timeout() {
    crate::support::require_botocore();
    let s = StandIn::start();
    s.add_account("111111111111", "Dev", &["ReadOnly"]);
    let token = s.issue_token(Duration::from_secs(3600));
    s.set_delay("ListAccounts", Duration::from_millis(600));
    let started = Instant::now();
    let out = run_py(
        &s,
        json!({"token": token, "attempts": 1}),
        r#"
t = time.time()
sso.list_accounts(accessToken=A['token'])
out['slow'] = time.time() - t
t = time.time()
sso.list_account_roles(accessToken=A['token'], accountId='111111111111')
out['fast'] = time.time() - t
"#,
    );
    assert!(started.elapsed() >= Duration::from_millis(600));
    assert!(out["slow"].as_f64().unwrap() >= 0.55, "{out}");
    assert!(out["fast"].as_f64().unwrap() < 0.5, "{out}");

    s.set_delay("*", Duration::from_secs(3));
    let out = run_py(
        &s,
        json!({"token": token, "attempts": 1, "read_timeout": 1}),
        r#"
from botocore.exceptions import ReadTimeoutError
try:
    sso.list_accounts(accessToken=A['token'])
    out['timeout'] = False
except ReadTimeoutError:
    out['timeout'] = True
"#,
    );
    assert_eq!(out["timeout"], true);
    s.clear_faults();
    let t = Instant::now();
    let (status, _, _) = standin::http_get(&format!("{}/nothing", s.url())).unwrap();
    assert_eq!(status, 404);
    assert!(t.elapsed() < Duration::from_secs(2));
}

// ----- raw HTTP ------------------------------------------------------------------------------

fn read_response(stream: &mut TcpStream) -> (u16, String, String) {
    // Read the head, then Content-Length bytes.
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).unwrap();
        assert!(
            n == 1,
            "connection closed mid-head: {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .expect("Content-Length on every answer");
    let mut body = vec![0; len];
    stream.read_exact(&mut body).unwrap();
    (status, head, String::from_utf8(body).unwrap())
}

fn raw_http_keep_alive_chunked_and_malformed() {
    let s = StandIn::start();
    let mut c = TcpStream::connect(s.addr()).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();

    // A chunked RegisterClient body, then a second request on the same connection.
    let body = r#"{"clientName":"raw","clientType":"public"}"#;
    let (a, b) = body.split_at(10);
    write!(
        c,
        "POST /client/register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n{:x}\r\n{a}\r\n{:x};ext=1\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    )
    .unwrap();
    let (status, head, resp) = read_response(&mut c);
    assert_eq!(status, 200, "{head}{resp}");
    assert!(head.contains("x-amzn-RequestId: "));
    let v: Value = serde_json::from_str(&resp).unwrap();
    assert!(v["clientId"].is_string());
    assert_eq!(s.registered_clients()[0].client_name, "raw");
    assert_eq!(s.requests_for("RegisterClient")[0].body, body);

    // Same connection: an OIDC error with the right shape.
    let bad =
        r#"{"clientId":"x","clientSecret":"y","grantType":"refresh_token","refreshToken":"z"}"#;
    write!(
        c,
        "POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{bad}",
        bad.len()
    )
    .unwrap();
    let (status, head, resp) = read_response(&mut c);
    assert_eq!(status, 401);
    assert!(head.contains(
        "x-amzn-ErrorType: InvalidClientException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
    ));
    let v: Value = serde_json::from_str(&resp).unwrap();
    assert_eq!(v["error"], "invalid_client");
    assert!(v["error_description"].is_string());

    // Connection: close is honoured.
    write!(
        c,
        "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let (status, head, _) = read_response(&mut c);
    assert_eq!(status, 404);
    assert!(head.contains("Connection: close"));
    let mut rest = Vec::new();
    assert_eq!(c.read_to_end(&mut rest).unwrap(), 0);

    // Malformed requests get 400 and no panic; the server keeps serving.
    for junk in [
        "GARBAGE\r\n\r\n".to_string(),
        "GET /x HTTP/1.1\r\nno-colon-here\r\n\r\n".to_string(),
        "POST /token HTTP/1.1\r\nContent-Length: abc\r\n\r\n".to_string(),
        "POST /token HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_string(),
        format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(70 * 1024)),
        "POST /token HTTP/1.1\r\nContent-Length: 9\r\n\r\nnot json!".to_string(),
    ] {
        let mut c = TcpStream::connect(s.addr()).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        c.write_all(junk.as_bytes()).unwrap();
        let (status, _, _) = read_response(&mut c);
        assert_eq!(status, 400, "{:?}", &junk[..junk.len().min(60)]);
    }
    assert_eq!(s.count("Malformed"), 5);
    // A client that connects and leaves without a word.
    drop(TcpStream::connect(s.addr()).unwrap());
    let (status, _, _) = standin::http_get(&format!("{}/federation/credentials", s.url())).unwrap();
    assert_eq!(status, 401);
}

fn drop_stops_the_server() {
    let s = StandIn::start();
    let addr = s.addr();
    let mut idle = TcpStream::connect(addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // Make sure the connection thread is up.
    write!(idle, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut idle).0, 404);
    let t = Instant::now();
    drop(s);
    assert!(t.elapsed() < Duration::from_secs(5));
    // The idle keep-alive connection is closed and nothing listens any more.
    let mut rest = Vec::new();
    assert_eq!(idle.read_to_end(&mut rest).unwrap_or(0), 0);
    assert!(TcpStream::connect(addr).is_err());
}

crate::tests![
    get_role_credentials_happy_path,
    portal_errors_unauthorized_and_forbidden,
    list_accounts_and_roles_paginate,
    logout_invalidates_token,
    device_code_flow_pending_slow_down_then_token,
    device_code_flow_deny_expire_and_refresh_policy,
    enforced_poll_interval_answers_slow_down,
    authorization_code_with_pkce,
    authorize_denied_redirects_with_error,
    refresh_token_rotates,
    injected_faults_are_retried_by_botocore,
    slow_answers_and_read_timeout,
    raw_http_keep_alive_chunked_and_malformed,
    drop_stops_the_server,
];
