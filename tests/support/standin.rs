//! A local stand-in for AWS IAM Identity Center: the SSO portal API (service `sso`),
//! SSO-OIDC (service `sso-oidc`) and STS (service `sts`: AssumeRole, GetCallerIdentity) on one
//! plain HTTP/1.1 server bound to `127.0.0.1:0`.
//!
//! Point clients at it with `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC` and
//! `AWS_ENDPOINT_URL_STS`, all set to [`StandIn::url`]. Every test gets its own server; it shuts
//! down when the handle drops.
//!
//! # Wire behaviour
//! Portal (`sso`): `GET /federation/credentials` (GetRoleCredentials), `GET /assignment/accounts`
//! (ListAccounts), `GET /assignment/roles` (ListAccountRoles), `POST /logout` (Logout); the
//! access token travels in the `x-amz-sso_bearer_token` header. Role credentials expire in
//! epoch MILLISECONDS. An unknown, revoked or expired token gets 401 `UnauthorizedException`;
//! an account the caller cannot see, or a role not assigned in it, gets 403
//! `ForbiddenException` ("No access"), as the real service answers both.
//!
//! SSO-OIDC: `POST /client/register` (RegisterClient), `POST /device_authorization`
//! (StartDeviceAuthorization), `POST /token` (CreateToken), `GET /authorize` (Authorize, answered
//! like a browser that is already signed in: a 302 to the redirect URI). Times in
//! RegisterClient are epoch SECONDS; `expiresIn` and `interval` are SECONDS.
//!
//! Errors look like the real service's: status 400 (401 for `InvalidClientException` and
//! `UnauthorizedException`, 403 for `ForbiddenException`, 429 for `TooManyRequestsException`),
//! `x-amzn-ErrorType: <Code>:http://internal.amazon.com/coral/<namespace>/`, JSON bodies
//! `{"error":"..","error_description":".."}` (OIDC) or `{"message":".."}` (portal). Every answer
//! carries `x-amzn-RequestId` and `Content-Length`.
//!
//! STS (the AWS Query protocol): `POST /` with `Content-Type: application/x-www-form-urlencoded`
//! and `Action=<op>&Version=2011-06-15&...`; another Version or Action gets 400 `InvalidAction`.
//! - Answers are `text/xml` as the real service writes them: `AssumeRoleResponse/AssumeRoleResult`
//!   with `Credentials` (`ASIA...` keys, Expiration `YYYY-MM-DDTHH:MM:SSZ`), `AssumedRoleUser`
//!   (`AROA...:SESSION`; `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, the role's path
//!   dropped), `PackedPolicySize` (only when Policy, PolicyArns or Tags were sent; a rough
//!   percentage) and `SourceIdentity` (sent, or inherited from the caller's session); the
//!   RequestId (a UUID) is also in `x-amzn-RequestId`. GetCallerIdentity: Arn, UserId, Account.
//! - Keys: those GetRoleCredentials and AssumeRole issued, until they expire, and those
//!   registered with [`StandIn::add_static_keys`]. Identity Center credentials act as
//!   `arn:aws:sts::ACCOUNT:assumed-role/AWSReservedSSO_<role>_<16 hex>/`[`SSO_USER_NAME`].
//! - Requests are authenticated as the real service does it: the SigV4 `Authorization` header
//!   is verified (canonical request, string to sign, HMAC chain) and `x-amz-security-token` must
//!   be the key's session token (and absent for static keys).
//! - Errors: `ErrorResponse/Error/{Type (Sender|Receiver), Code, Message}` and `RequestId`, with
//!   the real codes, statuses and messages: 403 `MissingAuthenticationToken` (unsigned),
//!   400 `IncompleteSignature`, 403 `InvalidClientTokenId` (unknown key; wrong or missing session
//!   token), 400 `ExpiredToken`, 403 `SignatureDoesNotMatch`, 403 `AccessDenied` ("User: ARN is
//!   not authorized to perform: sts:AssumeRole on resource: ROLE" when trust, the ExternalId or a
//!   required MFA is missing; the "MultiFactorAuthentication failed ..." messages for half-given
//!   MFA, a wrong serial or code), 400 `ValidationError` (Coral's "N validation error(s)
//!   detected: Value 'v' at 'field' failed to satisfy constraint: ..." with the limits of
//!   botocore's model, e.g. DurationSeconds 900..=43200; over 1 h when the caller holds role
//!   credentials, Identity Center ones included (the role-chaining limit); over the role's
//!   MaxSessionDuration).
//!
//! Refresh tokens are issued only to clients registered with `grantTypes` containing
//! `refresh_token` (as the real service does), unless [`StandIn::set_always_issue_refresh_token`]
//! says otherwise. Refresh rotates: the used refresh token is burnt. Authorization codes are
//! single-use (burnt on the first successful exchange; a failed exchange leaves them usable).
//!
//! # Operation names (request log, fault injection)
//! `GetRoleCredentials`, `ListAccounts`, `ListAccountRoles`, `Logout`, `RegisterClient`,
//! `StartDeviceAuthorization`, `CreateToken`, `Authorize`, `GetSigninToken` (the console
//! federation endpoint, `/federation`), `AssumeRole`, `GetCallerIdentity` (STS), `Unknown` (no
//! such route: 404; an unknown STS Action: 400 `InvalidAction`) and `Malformed` (an unparseable
//! request: 400). `"*"` matches every operation in fault rules. Faults on STS operations answer
//! in STS's XML, with the real message for `Throttling`, `ExpiredToken`, `InvalidClientTokenId`,
//! `SignatureDoesNotMatch` and `RegionDisabledException`.
//!
//! # Test controls on [`StandIn`]
//! - Directory: [`add_account`](StandIn::add_account), [`add_account_with_email`](StandIn::add_account_with_email),
//!   [`set_page_size`](StandIn::set_page_size) (server page size; default 100).
//! - Tokens: [`issue_token`](StandIn::issue_token) (seed an access token without a login),
//!   [`revoke`](StandIn::revoke), [`token_is_valid`](StandIn::token_is_valid),
//!   [`set_token_ttl`](StandIn::set_token_ttl) (default 8 h),
//!   [`set_role_credentials_ttl`](StandIn::set_role_credentials_ttl) (default 1 h),
//!   [`set_registration_ttl`](StandIn::set_registration_ttl) (default 90 days),
//!   [`set_device_code_ttl`](StandIn::set_device_code_ttl) (default 600 s),
//!   [`set_poll_interval`](StandIn::set_poll_interval) (whole seconds; default 1),
//!   [`set_enforce_poll_interval`](StandIn::set_enforce_poll_interval) (answer `SlowDownException`
//!   to polls that come faster than the interval; default off),
//!   [`set_always_issue_refresh_token`](StandIn::set_always_issue_refresh_token).
//! - Login scripts: [`set_device_script`](StandIn::set_device_script) with a [`DeviceScript`]
//!   (default: approve at the first poll), [`set_authorize_outcome`](StandIn::set_authorize_outcome).
//! - STS: [`add_static_keys`](StandIn::add_static_keys), [`add_static_keys_as`](StandIn::add_static_keys_as),
//!   [`expire_access_key`](StandIn::expire_access_key), [`set_trust_strict`](StandIn::set_trust_strict)
//!   (default off: any known key may assume any role) with [`allow_assume`](StandIn::allow_assume),
//!   [`require_mfa`](StandIn::require_mfa), [`require_external_id`](StandIn::require_external_id),
//!   [`set_assume_role_ttl`](StandIn::set_assume_role_ttl) (default: DurationSeconds, else 1 h),
//!   [`set_max_session_duration`](StandIn::set_max_session_duration) (default 1 h),
//!   [`set_verify_signatures`](StandIn::set_verify_signatures) (default on).
//! - Faults: [`fail_next`](StandIn::fail_next), [`fail_next_with`](StandIn::fail_next_with),
//!   [`always_fail`](StandIn::always_fail), [`drop_next`](StandIn::drop_next) (close the
//!   connection without answering), [`set_delay`](StandIn::set_delay), [`clear_faults`](StandIn::clear_faults).
//! - Inspection: [`requests`](StandIn::requests), [`requests_for`](StandIn::requests_for),
//!   [`count`](StandIn::count), [`clear_log`](StandIn::clear_log),
//!   [`issued_credentials`](StandIn::issued_credentials) (GetRoleCredentials and AssumeRole),
//!   [`issued_secrets`](StandIn::issued_secrets), [`registered_clients`](StandIn::registered_clients),
//!   [`assume_role_calls`](StandIn::assume_role_calls) (who assumed what, signed with which key),
//!   [`caller_identity`](StandIn::caller_identity).
//! - A tiny HTTP client for tests acting as the browser: [`http_get`].
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const OIDC_NS: &str = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/";
const PORTAL_NS: &str = "http://internal.amazon.com/coral/com.amazon.switchboard.portal/";
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 8 * 1024 * 1024;
const MAX_HEADERS: usize = 200;
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// One request as the server saw it, in arrival order.
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    /// Operation name (see the module docs), e.g. `GetRoleCredentials`.
    pub op: String,
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Raw query string (without `?`), still percent-encoded.
    pub query: String,
    /// Header names lowercased, in the order sent.
    pub headers: Vec<(String, String)>,
    /// Request body (lossy UTF-8; chunked bodies are decoded).
    pub body: String,
    /// Status answered; 0 when the connection was dropped on purpose.
    pub status: u16,
    /// When the request arrived (for tests of polling intervals).
    pub time: Instant,
}

impl LoggedRequest {
    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
    /// Decoded query parameter.
    pub fn query_param(&self, name: &str) -> Option<String> {
        parse_query(&self.query)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
    /// The body parsed as JSON (`None` when empty or not JSON).
    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }
}

/// Role credentials handed out by GetRoleCredentials.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// Epoch milliseconds, as on the wire.
    pub expiration_ms: u64,
    pub account_id: String,
    pub role_name: String,
    /// The operation that issued them: `GetRoleCredentials` or `AssumeRole`.
    pub operation: &'static str,
}

/// Who the holder of an access key is, as GetCallerIdentity reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerIdentity {
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` or `arn:aws:iam::ACCOUNT:user/NAME`.
    pub arn: String,
    /// `AROA...:SESSION` for role sessions, `AIDA...` for users.
    pub user_id: String,
    pub account: String,
}

/// One successful AssumeRole, as received (values `None` when the parameter was absent).
#[derive(Clone, Debug, PartialEq)]
pub struct AssumeRoleCall {
    /// The access key the request was signed with.
    pub caller_access_key_id: String,
    /// The caller's ARN (see [`CallerIdentity::arn`]).
    pub caller_arn: String,
    pub role_arn: String,
    pub role_session_name: String,
    pub external_id: Option<String>,
    pub serial_number: Option<String>,
    pub token_code: Option<String>,
    /// `SourceIdentity` as sent (the answer may carry one inherited from the caller's session).
    pub source_identity: Option<String>,
    /// `DurationSeconds` as sent.
    pub duration_seconds: Option<u64>,
    pub policy: Option<String>,
    pub policy_arns: Vec<String>,
    /// `Tags.member.N.Key` / `.Value`, in N order.
    pub tags: Vec<(String, String)>,
    pub transitive_tag_keys: Vec<String>,
    /// What was issued.
    pub issued_access_key_id: String,
    pub assumed_role_arn: String,
    pub expiration: SystemTime,
}

/// A client registered through RegisterClient.
#[derive(Clone, Debug)]
pub struct RegisteredClient {
    pub client_id: String,
    pub client_secret: String,
    pub client_name: String,
    pub client_type: String,
    pub scopes: Vec<String>,
    pub grant_types: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub issuer_url: Option<String>,
    /// Epoch seconds (`clientSecretExpiresAt`).
    pub expires_at: u64,
}

/// One scripted answer to a device-code poll before the final outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Poll {
    /// `AuthorizationPendingException`
    Pending,
    /// `SlowDownException`
    SlowDown,
}

/// What a device authorization ends in once the scripted polls are used up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceOutcome {
    /// Tokens are issued; the device code is then spent (`InvalidGrantException` on reuse).
    Approve,
    /// `AccessDeniedException` (the user said no).
    Deny,
    /// `ExpiredTokenException` (the user never approved).
    Expire,
}

/// How CreateToken answers device-code polls: poll `i` (counted per device code, from 1) gets
/// `polls[i-1]`; once those are used up every poll gets `outcome`. The script is read at poll
/// time, so it may be changed while a client is polling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceScript {
    pub polls: Vec<Poll>,
    pub outcome: DeviceOutcome,
}

impl Default for DeviceScript {
    fn default() -> Self {
        DeviceScript::approve_after(0)
    }
}

impl DeviceScript {
    /// `pending` AuthorizationPending answers, then tokens.
    pub fn approve_after(pending: usize) -> Self {
        DeviceScript {
            polls: vec![Poll::Pending; pending],
            outcome: DeviceOutcome::Approve,
        }
    }
    /// `pending` AuthorizationPending answers, then AccessDenied.
    pub fn deny_after(pending: usize) -> Self {
        DeviceScript {
            polls: vec![Poll::Pending; pending],
            outcome: DeviceOutcome::Deny,
        }
    }
    /// `pending` AuthorizationPending answers, then ExpiredToken.
    pub fn expire_after(pending: usize) -> Self {
        DeviceScript {
            polls: vec![Poll::Pending; pending],
            outcome: DeviceOutcome::Expire,
        }
    }
    /// Makes poll number `k` (from 1) a SlowDown, inserted before the answer that was there.
    pub fn slow_down_at(mut self, k: usize) -> Self {
        let at = k.saturating_sub(1).min(self.polls.len());
        self.polls.insert(at, Poll::SlowDown);
        self
    }
}

/// How `GET /authorize` answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorizeOutcome {
    /// 302 to `redirect_uri?code=..&state=..`.
    Approve,
    /// 302 to `redirect_uri?error=access_denied&error_description=..&state=..`.
    Deny,
}

#[derive(Clone, Debug)]
enum FaultKind {
    Status(u16, String),
    Drop,
    /// This status and body, verbatim (a truncated or incomplete answer).
    Answer(u16, String),
}

#[derive(Clone, Debug)]
struct FaultRule {
    op: String,
    /// `None`: forever.
    remaining: Option<usize>,
    kind: FaultKind,
}

struct Account {
    id: String,
    name: String,
    email: String,
    roles: Vec<String>,
}

struct TokenInfo {
    expires_at: SystemTime,
    revoked: bool,
}

struct DeviceAuth {
    client_id: String,
    polls: usize,
    expires_at: SystemTime,
    spent: bool,
    last_poll: Option<Instant>,
}

struct AuthCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    spent: bool,
    expires_at: SystemTime,
}

struct RefreshInfo {
    client_id: String,
    spent: bool,
}

/// An access key STS accepts: issued by GetRoleCredentials or AssumeRole, or registered.
#[derive(Clone)]
struct KeyInfo {
    secret: String,
    /// `None` for long-term (static) keys.
    session_token: Option<String>,
    /// `None`: never expires.
    expires_at: Option<SystemTime>,
    identity: CallerIdentity,
    /// What trust rules may name the caller by, besides its ARN and access key id: the role
    /// ARN and role name (and, for Identity Center sessions, the permission set name).
    names: Vec<String>,
    /// Role sessions are temporary credentials: assuming a role with them is role chaining.
    temporary: bool,
    source_identity: Option<String>,
}

struct MfaRule {
    serial: String,
    code: String,
}

struct State {
    accounts: Vec<Account>,
    page_size: usize,
    tokens: HashMap<String, TokenInfo>,
    clients: HashMap<String, RegisteredClient>,
    device_auths: HashMap<String, DeviceAuth>,
    auth_codes: HashMap<String, AuthCode>,
    refresh_tokens: HashMap<String, RefreshInfo>,
    token_ttl: Duration,
    role_ttl: Duration,
    registration_ttl: Duration,
    device_code_ttl: Duration,
    poll_interval: u64,
    enforce_interval: bool,
    always_refresh: Option<bool>,
    device_script: DeviceScript,
    authorize_outcome: AuthorizeOutcome,
    faults: Vec<FaultRule>,
    delays: Vec<(String, Duration)>,
    log: Vec<LoggedRequest>,
    credentials: Vec<RoleCredentials>,
    secrets: Vec<String>,
    keys: HashMap<String, KeyInfo>,
    assume_calls: Vec<AssumeRoleCall>,
    trust_strict: bool,
    trust_rules: Vec<(String, String)>,
    mfa_rules: HashMap<String, MfaRule>,
    external_ids: HashMap<String, String>,
    assume_ttl: Option<Duration>,
    max_session: HashMap<String, Duration>,
    verify_signatures: bool,
}

struct Shared {
    state: Mutex<State>,
    shutdown: AtomicBool,
    counter: AtomicU64,
    nonce: u64,
    base_url: String,
    conns: Mutex<HashMap<u64, TcpStream>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not make the server useless for the rest.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn next(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Random-looking URL-safe string of `len` characters (`len` <= 400).
    fn random(&self, len: usize) -> String {
        let mut out = String::new();
        while out.len() < len {
            let mut h = Sha256::new();
            h.update(self.nonce.to_le_bytes());
            h.update(self.next().to_le_bytes());
            h.update(now_nanos().to_le_bytes());
            out.push_str(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(h.finalize()));
        }
        out.truncate(len);
        out
    }

    fn alnum(&self, len: usize) -> String {
        let mut s: String = self.random(len * 2).replace(['-', '_'], "");
        while s.len() < len {
            s.push_str(&self.random(len).replace(['-', '_'], ""));
        }
        s.truncate(len);
        s
    }
}

/// Handle on a running stand-in server. Dropping it stops the server.
pub struct StandIn {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept: Option<JoinHandle<()>>,
}

impl StandIn {
    /// Starts a server on `127.0.0.1:0` with no accounts.
    pub fn start() -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("stand-in: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("stand-in: local_addr");
        let nonce = now_nanos() as u64 ^ (u64::from(std::process::id()) << 32) ^ addr.port() as u64;
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                accounts: Vec::new(),
                page_size: 100,
                tokens: HashMap::new(),
                clients: HashMap::new(),
                device_auths: HashMap::new(),
                auth_codes: HashMap::new(),
                refresh_tokens: HashMap::new(),
                token_ttl: Duration::from_secs(8 * 3600),
                role_ttl: Duration::from_secs(3600),
                registration_ttl: Duration::from_secs(90 * 24 * 3600),
                device_code_ttl: Duration::from_secs(600),
                poll_interval: 1,
                enforce_interval: false,
                always_refresh: None,
                device_script: DeviceScript::default(),
                authorize_outcome: AuthorizeOutcome::Approve,
                faults: Vec::new(),
                delays: Vec::new(),
                log: Vec::new(),
                credentials: Vec::new(),
                secrets: Vec::new(),
                keys: HashMap::new(),
                assume_calls: Vec::new(),
                trust_strict: false,
                trust_rules: Vec::new(),
                mfa_rules: HashMap::new(),
                external_ids: HashMap::new(),
                assume_ttl: None,
                max_session: HashMap::new(),
                verify_signatures: true,
            }),
            shutdown: AtomicBool::new(false),
            counter: AtomicU64::new(0),
            nonce,
            base_url: format!("http://{addr}"),
            conns: Mutex::new(HashMap::new()),
        });
        let sh = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("standin-accept".into())
            .spawn(move || accept_loop(sh, listener))
            .expect("stand-in: spawn accept thread");
        StandIn {
            shared,
            addr,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:PORT`, the endpoint for both services.
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.lock()
    }

    // ----- directory -------------------------------------------------------------------

    /// Adds an account (or replaces one with the same id) with these roles assigned.
    /// The e-mail address is `<name lowercased>@example.com`.
    pub fn add_account(&self, id: &str, name: &str, roles: &[&str]) {
        let email = format!(
            "{}@example.com",
            name.to_ascii_lowercase().replace(' ', "-")
        );
        self.add_account_with_email(id, name, &email, roles);
    }

    /// Adds an account (or replaces one with the same id) with an explicit e-mail address.
    pub fn add_account_with_email(&self, id: &str, name: &str, email: &str, roles: &[&str]) {
        let mut st = self.lock();
        st.accounts.retain(|a| a.id != id);
        st.accounts.push(Account {
            id: id.to_string(),
            name: name.to_string(),
            email: email.to_string(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        });
    }

    /// Server-side page size for ListAccounts/ListAccountRoles (pages hold
    /// `min(max_result, page_size)` items). Values below 1 count as 1.
    pub fn set_page_size(&self, n: usize) {
        self.lock().page_size = n.max(1);
    }

    // ----- tokens and lifetimes ----------------------------------------------------------

    /// Seeds a valid access token that expires in `ttl` (`Duration::ZERO`: already expired),
    /// as if a login had happened. Write it into a token cache file yourself.
    pub fn issue_token(&self, ttl: Duration) -> String {
        let token = format!("aoa{}", self.shared.random(120));
        let mut st = self.lock();
        st.tokens.insert(
            token.clone(),
            TokenInfo {
                expires_at: SystemTime::now() + ttl,
                revoked: false,
            },
        );
        st.secrets.push(token.clone());
        token
    }

    /// Makes an access token invalid (as Logout does).
    pub fn revoke(&self, token: &str) {
        if let Some(t) = self.lock().tokens.get_mut(token) {
            t.revoked = true;
        }
    }

    /// Whether the portal would accept this access token now.
    pub fn token_is_valid(&self, token: &str) -> bool {
        token_ok(&self.lock(), token)
    }

    /// Lifetime of access tokens issued by CreateToken (`expiresIn`). Default 8 h.
    pub fn set_token_ttl(&self, ttl: Duration) {
        self.lock().token_ttl = ttl;
    }

    /// Lifetime of role credentials. Default 1 h.
    pub fn set_role_credentials_ttl(&self, ttl: Duration) {
        self.lock().role_ttl = ttl;
    }

    /// Lifetime of client registrations (`clientSecretExpiresAt`). Default 90 days.
    pub fn set_registration_ttl(&self, ttl: Duration) {
        self.lock().registration_ttl = ttl;
    }

    /// Lifetime of device codes (`expiresIn` of StartDeviceAuthorization). Default 600 s.
    pub fn set_device_code_ttl(&self, ttl: Duration) {
        self.lock().device_code_ttl = ttl;
    }

    /// `interval` returned by StartDeviceAuthorization, in whole SECONDS. Default 1
    /// (the real service says 1 or 5). 0 is allowed for fast tests.
    pub fn set_poll_interval(&self, seconds: u64) {
        self.lock().poll_interval = seconds;
    }

    /// When on, a device-code poll that comes sooner than `interval` seconds after the
    /// previous poll gets `SlowDownException` (not counted as a scripted poll). Default off.
    pub fn set_enforce_poll_interval(&self, on: bool) {
        self.lock().enforce_interval = on;
    }

    /// `None` (default): refresh tokens only for clients registered with the `refresh_token`
    /// grant type. `Some(true)`: always. `Some(false)`: never.
    pub fn set_always_issue_refresh_token(&self, policy: Option<bool>) {
        self.lock().always_refresh = policy;
    }

    // ----- login scripts -----------------------------------------------------------------

    /// How device-code polls are answered (read at each poll). Default: approve at once.
    pub fn set_device_script(&self, script: DeviceScript) {
        self.lock().device_script = script;
    }

    /// How `GET /authorize` answers. Default: approve.
    pub fn set_authorize_outcome(&self, outcome: AuthorizeOutcome) {
        self.lock().authorize_outcome = outcome;
    }

    // ----- STS -------------------------------------------------------------------------------

    /// Registers long-term keys (an IAM user's) that STS accepts, for the user
    /// [`STATIC_USER_ARN`]. They never expire and carry no session token.
    pub fn add_static_keys(&self, access_key_id: &str, secret_access_key: &str) {
        self.add_static_keys_as(access_key_id, secret_access_key, STATIC_USER_ARN);
    }

    /// Like [`add_static_keys`](Self::add_static_keys) for the IAM user `user_arn`
    /// (`arn:aws:iam::ACCOUNT:user/NAME`).
    pub fn add_static_keys_as(&self, access_key_id: &str, secret_access_key: &str, user_arn: &str) {
        let account = arn_account(user_arn).unwrap_or("123456789012").to_string();
        let info = KeyInfo {
            secret: secret_access_key.to_string(),
            session_token: None,
            expires_at: None,
            identity: CallerIdentity {
                arn: user_arn.to_string(),
                user_id: stable_id("AIDA", user_arn),
                account,
            },
            names: vec![user_arn.rsplit('/').next().unwrap_or(user_arn).to_string()],
            temporary: false,
            source_identity: None,
        };
        let mut st = self.lock();
        st.secrets.push(secret_access_key.to_string());
        st.keys.insert(access_key_id.to_string(), info);
    }

    /// Makes an access key (issued or registered) expired: STS answers `ExpiredToken` to it.
    pub fn expire_access_key(&self, access_key_id: &str) {
        if let Some(k) = self.lock().keys.get_mut(access_key_id) {
            k.expires_at = Some(SystemTime::now() - Duration::from_secs(1));
        }
    }

    /// Who STS takes the holder of this access key for (`None`: not a key it knows).
    pub fn caller_identity(&self, access_key_id: &str) -> Option<CallerIdentity> {
        self.lock()
            .keys
            .get(access_key_id)
            .map(|k| k.identity.clone())
    }

    /// With strict trust on, AssumeRole is allowed only where a rule says so. Default off:
    /// any key STS knows may assume any role.
    pub fn set_trust_strict(&self, strict: bool) {
        self.lock().trust_strict = strict;
    }

    /// Adds a trust rule (used with [`set_trust_strict`](Self::set_trust_strict)): callers
    /// matching `caller` may assume roles matching `target_role_arn`. `caller` is compared with
    /// the caller's ARN, its access key id, its role ARN and role name, and for Identity Center
    /// sessions the permission set name (`sso_role_name`); `*` in either pattern matches any
    /// run of characters (`"*"` alone: anyone, any role).
    pub fn allow_assume(&self, caller: &str, target_role_arn: &str) {
        self.lock()
            .trust_rules
            .push((caller.to_string(), target_role_arn.to_string()));
    }

    /// Assuming `role_arn` needs `SerialNumber` = `serial` and `TokenCode` = `code`.
    pub fn require_mfa(&self, role_arn: &str, serial: &str, code: &str) {
        self.lock().mfa_rules.insert(
            role_arn.to_string(),
            MfaRule {
                serial: serial.to_string(),
                code: code.to_string(),
            },
        );
    }

    /// Assuming `role_arn` needs `ExternalId` = `external_id`.
    pub fn require_external_id(&self, role_arn: &str, external_id: &str) {
        self.lock()
            .external_ids
            .insert(role_arn.to_string(), external_id.to_string());
    }

    /// Lifetime of AssumeRole credentials, whatever `DurationSeconds` says (which is still
    /// validated). Default: `DurationSeconds`, else 3600 s. `Duration::ZERO` issues credentials
    /// that are already expired.
    pub fn set_assume_role_ttl(&self, ttl: Duration) {
        self.lock().assume_ttl = Some(ttl);
    }

    /// The role's MaxSessionDuration (1 h to 12 h on the real service). Default 1 h, as for a
    /// role created without one.
    pub fn set_max_session_duration(&self, role_arn: &str, max: Duration) {
        self.lock().max_session.insert(role_arn.to_string(), max);
    }

    /// Whether SigV4 signatures are checked (`SignatureDoesNotMatch`). Default on. The access
    /// key and session token are checked either way.
    pub fn set_verify_signatures(&self, on: bool) {
        self.lock().verify_signatures = on;
    }

    /// Every successful AssumeRole, in order.
    pub fn assume_role_calls(&self) -> Vec<AssumeRoleCall> {
        self.lock().assume_calls.clone()
    }

    // ----- faults --------------------------------------------------------------------------

    /// The next `n` requests to `op` (`"*"`: any) fail with `status`, with the usual error type
    /// for it: 400 InvalidRequestException, 401 UnauthorizedException (portal) or
    /// InvalidClientException (OIDC), 403 ForbiddenException / AccessDeniedException,
    /// 429 TooManyRequestsException, 500 InternalServerException, 502 BadGatewayException,
    /// 503 ServiceUnavailableException, 504 GatewayTimeoutException. STS operations answer in
    /// STS's XML with 400 ValidationError, 401/403 AccessDenied, 429 Throttling,
    /// 503 ServiceUnavailable, other 5xx InternalFailure.
    pub fn fail_next(&self, op: &str, n: usize, status: u16) {
        self.add_fault(op, Some(n), FaultKind::Status(status, String::new()));
    }

    /// Like [`fail_next`](Self::fail_next) with an explicit error type (e.g. `SlowDownException`).
    pub fn fail_next_with(&self, op: &str, n: usize, status: u16, error_type: &str) {
        self.add_fault(
            op,
            Some(n),
            FaultKind::Status(status, error_type.to_string()),
        );
    }

    /// Every request to `op` (`"*"`: any) fails with `status` until [`clear_faults`](Self::clear_faults).
    pub fn always_fail(&self, op: &str, status: u16) {
        self.add_fault(op, None, FaultKind::Status(status, String::new()));
    }

    /// The next `n` requests to `op` (`"*"`: any) are read, logged (status 0) and then the
    /// connection is closed without an answer.
    pub fn drop_next(&self, op: &str, n: usize) {
        self.add_fault(op, Some(n), FaultKind::Drop);
    }

    /// The next `n` requests to `op` are answered with `status` and `body` as given (in STS's
    /// content type), to play a truncated or incomplete answer.
    pub fn answer_next(&self, op: &str, n: usize, status: u16, body: &str) {
        self.add_fault(op, Some(n), FaultKind::Answer(status, body.to_string()));
    }

    /// Waits `delay` before answering each request to `op` (`"*"`: any). Zero removes it.
    pub fn set_delay(&self, op: &str, delay: Duration) {
        let mut st = self.lock();
        st.delays.retain(|(o, _)| o != op);
        if !delay.is_zero() {
            st.delays.push((op.to_string(), delay));
        }
    }

    /// Removes every fault rule and delay.
    pub fn clear_faults(&self) {
        let mut st = self.lock();
        st.faults.clear();
        st.delays.clear();
    }

    fn add_fault(&self, op: &str, remaining: Option<usize>, kind: FaultKind) {
        if remaining == Some(0) {
            return;
        }
        self.lock().faults.push(FaultRule {
            op: op.to_string(),
            remaining,
            kind,
        });
    }

    // ----- inspection ------------------------------------------------------------------------

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.lock().log.clone()
    }

    /// The requests to one operation, in order.
    pub fn requests_for(&self, op: &str) -> Vec<LoggedRequest> {
        self.lock()
            .log
            .iter()
            .filter(|r| r.op == op)
            .cloned()
            .collect()
    }

    /// How many requests `op` received (`"*"`: all).
    pub fn count(&self, op: &str) -> usize {
        self.lock()
            .log
            .iter()
            .filter(|r| op == "*" || r.op == op)
            .count()
    }

    /// Forgets the request log.
    pub fn clear_log(&self) {
        self.lock().log.clear();
    }

    /// Every set of role credentials handed out (GetRoleCredentials and AssumeRole), in order.
    pub fn issued_credentials(&self) -> Vec<RoleCredentials> {
        self.lock().credentials.clone()
    }

    /// Every secret the server has handed out (access and refresh tokens, client secrets,
    /// secret access keys and session tokens from the portal and STS, registered static secret
    /// keys, device codes, authorization codes), so tests can
    /// check none of them leaks into output or logs.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.lock().secrets.clone()
    }

    /// Clients registered so far.
    /// Registers a public client directly, as if RegisterClient had been called earlier (e.g.
    /// by the AWS CLI); returns (clientId, clientSecret).
    pub fn register_client(&self, grant_types: &[&str]) -> (String, String) {
        let mut st = self.lock();
        let client = RegisteredClient {
            client_id: self.shared.random(22),
            client_secret: format!(
                "eyJraWQiOiJrZXktMSIsImFsZyI6IkhTMzg0In0.{}",
                self.shared.random(200)
            ),
            client_name: "botocore-client-test".into(),
            client_type: "public".into(),
            scopes: vec!["sso:account:access".into()],
            grant_types: grant_types.iter().map(|g| g.to_string()).collect(),
            redirect_uris: Vec::new(),
            issuer_url: None,
            expires_at: epoch_secs(SystemTime::now() + st.registration_ttl),
        };
        st.secrets.push(client.client_secret.clone());
        let pair = (client.client_id.clone(), client.client_secret.clone());
        st.clients.insert(client.client_id.clone(), client);
        pair
    }

    pub fn registered_clients(&self) -> Vec<RegisteredClient> {
        let mut v: Vec<_> = self.lock().clients.values().cloned().collect();
        v.sort_by_key(|c| c.expires_at);
        v
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        // Unblock accept().
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        // Close open keep-alive connections so their threads end.
        let conns =
            std::mem::take(&mut *self.shared.conns.lock().unwrap_or_else(|e| e.into_inner()));
        for (_, c) in conns {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

// ----- HTTP plumbing ---------------------------------------------------------------------------

fn accept_loop(shared: Arc<Shared>, listener: TcpListener) {
    for conn in listener.incoming() {
        if shared.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else { continue };
        let sh = Arc::clone(&shared);
        let _ = std::thread::Builder::new()
            .name("standin-conn".into())
            .spawn(move || {
                let id = sh.next();
                if let Ok(c) = stream.try_clone() {
                    sh.conns
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(id, c);
                }
                serve_connection(&sh, stream);
                sh.conns
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&id);
            });
    }
}

struct Request {
    method: String,
    path: String,
    query: String,
    version: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn wants_close(&self) -> bool {
        let conn = self.header("connection").unwrap_or("").to_ascii_lowercase();
        if self.version == "HTTP/1.0" {
            !conn.split(',').any(|t| t.trim() == "keep-alive")
        } else {
            conn.split(',').any(|t| t.trim() == "close")
        }
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn json(status: u16, body: &Value) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }
}

enum ReadError {
    /// Connection closed or failed; nothing to answer.
    Gone,
    /// Answer 400 and close.
    Malformed(String),
}

fn serve_connection(shared: &Shared, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        if shared.shutdown.load(Ordering::SeqCst) {
            break;
        }
        match read_request(&mut reader, &mut writer) {
            Err(ReadError::Gone) => break,
            Err(ReadError::Malformed(msg)) => {
                let resp = error_response(Service::Portal, 400, "InvalidRequestException", &msg);
                let rid = shared.random(36);
                shared.lock().log.push(LoggedRequest {
                    op: "Malformed".into(),
                    method: String::new(),
                    path: String::new(),
                    query: String::new(),
                    headers: Vec::new(),
                    body: msg,
                    status: 400,
                    time: Instant::now(),
                });
                let _ = write_response(&mut writer, &resp, &rid, true);
                break;
            }
            Ok(req) => {
                let close = req.wants_close();
                match handle(shared, &req) {
                    None => {
                        let _ = writer.shutdown(Shutdown::Both);
                        break;
                    }
                    Some(resp) => {
                        let rid = shared.random(36);
                        if write_response(&mut writer, &resp, &rid, close).is_err() || close {
                            break;
                        }
                    }
                }
            }
        }
    }
}

fn read_line_limited(
    reader: &mut BufReader<TcpStream>,
    budget: &mut usize,
) -> Result<Option<String>, ReadError> {
    let mut buf = Vec::new();
    let limit = (*budget as u64).saturating_add(1);
    match reader.by_ref().take(limit).read_until(b'\n', &mut buf) {
        Ok(0) => return Ok(None),
        Ok(n) => {
            if n > *budget {
                return Err(ReadError::Malformed("request head too large".into()));
            }
            *budget -= n;
        }
        Err(_) => return Err(ReadError::Gone),
    }
    if buf.last() != Some(&b'\n') {
        // EOF in the middle of a line.
        return Err(ReadError::Gone);
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| ReadError::Malformed("request head is not UTF-8".into()))
}

fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
) -> Result<Request, ReadError> {
    let mut budget = MAX_HEAD;
    // Skip stray empty lines between requests (RFC 9112 2.2).
    let line = loop {
        match read_line_limited(reader, &mut budget)? {
            None => return Err(ReadError::Gone),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed("bad request line".into()));
    };
    if method.is_empty()
        || !method.bytes().all(|b| b.is_ascii_uppercase())
        || !target.starts_with('/')
        || !(version == "HTTP/1.1" || version == "HTTP/1.0")
    {
        return Err(ReadError::Malformed("bad request line".into()));
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.to_string(), String::new()),
    };
    let mut headers = Vec::new();
    loop {
        let Some(l) = read_line_limited(reader, &mut budget)? else {
            return Err(ReadError::Gone);
        };
        if l.is_empty() {
            break;
        }
        let Some((k, v)) = l.split_once(':') else {
            return Err(ReadError::Malformed("bad header line".into()));
        };
        if k.is_empty() || k.contains(' ') || k.contains('\t') {
            return Err(ReadError::Malformed("bad header name".into()));
        }
        headers.push((k.to_ascii_lowercase(), v.trim().to_string()));
        if headers.len() > MAX_HEADERS {
            return Err(ReadError::Malformed("too many headers".into()));
        }
    }
    let mut req = Request {
        method: method.to_string(),
        path,
        query,
        version: version.to_string(),
        headers,
        body: Vec::new(),
    };
    let chunked = req
        .header("transfer-encoding")
        .map(|te| te.to_ascii_lowercase().contains("chunked"))
        .unwrap_or(false);
    let has_body = chunked || req.header("content-length").is_some();
    let expects_continue = req
        .header("expect")
        .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"));
    if has_body && expects_continue {
        let _ = writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    if chunked {
        req.body = read_chunked(reader)?;
    } else if let Some(cl) = req.header("content-length") {
        let n: usize = cl
            .parse()
            .map_err(|_| ReadError::Malformed("bad Content-Length".into()))?;
        if n > MAX_BODY {
            return Err(ReadError::Malformed("body too large".into()));
        }
        let mut body = vec![0; n];
        reader.read_exact(&mut body).map_err(|_| ReadError::Gone)?;
        req.body = body;
    }
    Ok(req)
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let mut budget = 1024;
        let Some(line) = read_line_limited(reader, &mut budget)? else {
            return Err(ReadError::Gone);
        };
        let size_hex = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| ReadError::Malformed("bad chunk size".into()))?;
        if size == 0 {
            // Trailers up to the empty line.
            let mut budget = MAX_HEAD;
            loop {
                match read_line_limited(reader, &mut budget)? {
                    None => return Err(ReadError::Gone),
                    Some(l) if l.is_empty() => return Ok(body),
                    Some(_) => {}
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(ReadError::Malformed("body too large".into()));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader
            .read_exact(&mut body[start..])
            .map_err(|_| ReadError::Gone)?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf).map_err(|_| ReadError::Gone)?;
        if &crlf != b"\r\n" {
            return Err(ReadError::Malformed("bad chunk terminator".into()));
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

fn write_response(
    w: &mut TcpStream,
    resp: &Response,
    request_id: &str,
    close: bool,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    // STS answers carry their request id in the body too; the header must agree with it.
    if !resp
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("x-amzn-RequestId"))
    {
        head.push_str(&format!("x-amzn-RequestId: {request_id}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    head.push_str(if close {
        "Connection: close\r\n\r\n"
    } else {
        "Connection: keep-alive\r\n\r\n"
    });
    let mut out = head.into_bytes();
    out.extend_from_slice(&resp.body);
    w.write_all(&out)?;
    w.flush()
}

// ----- routing and operations ------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Service {
    Portal,
    Oidc,
    Sts,
}

/// Where `/vanity-start` redirects: an Identity Center portal in eu-west-1.
pub const VANITY_ISSUER: &str =
    "https://ssoins-7223b4c5a0d4e6f8.portal.eu-west-1.app.aws/?from=vanity";

fn route(req: &Request) -> (&'static str, Service) {
    // STS (the AWS Query protocol): every operation is a form POST to `/`, named by `Action`.
    if req.method == "POST" && req.path == "/" && is_form(req) {
        let params = form_params(req);
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        if get("Version") != Some(STS_VERSION) {
            return ("Unknown", Service::Sts);
        }
        return match get("Action") {
            Some("AssumeRole") => ("AssumeRole", Service::Sts),
            Some("GetCallerIdentity") => ("GetCallerIdentity", Service::Sts),
            _ => ("Unknown", Service::Sts),
        };
    }
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/federation/credentials") => ("GetRoleCredentials", Service::Portal),
        ("GET", "/assignment/accounts") => ("ListAccounts", Service::Portal),
        ("GET", "/assignment/roles") => ("ListAccountRoles", Service::Portal),
        ("POST", "/logout") => ("Logout", Service::Portal),
        ("POST", "/client/register") => ("RegisterClient", Service::Oidc),
        ("POST", "/device_authorization") => ("StartDeviceAuthorization", Service::Oidc),
        ("POST", "/token") => ("CreateToken", Service::Oidc),
        ("GET", "/authorize") => ("Authorize", Service::Oidc),
        // The AWS console federation endpoint (signin.aws.amazon.com), for `sso-env console`.
        ("POST" | "GET", "/federation") => ("GetSigninToken", Service::Portal),
        // A company's own start URL that redirects to the AWS issuer (vanity URLs).
        ("HEAD" | "GET", "/vanity-start") => ("VanityRedirect", Service::Portal),
        _ => ("Unknown", Service::Portal),
    }
}

fn default_error_type(service: Service, status: u16) -> &'static str {
    if service == Service::Sts {
        return match status {
            400 => "ValidationError",
            401 | 403 => "AccessDenied",
            429 => "Throttling",
            503 => "ServiceUnavailable",
            _ => "InternalFailure",
        };
    }
    match (status, service) {
        (400, _) => "InvalidRequestException",
        (401, Service::Portal) => "UnauthorizedException",
        (401, Service::Oidc) => "InvalidClientException",
        (403, Service::Portal) => "ForbiddenException",
        (403, Service::Oidc) => "AccessDeniedException",
        (404, _) => "ResourceNotFoundException",
        (429, _) => "TooManyRequestsException",
        (502, _) => "BadGatewayException",
        (503, _) => "ServiceUnavailableException",
        (504, _) => "GatewayTimeoutException",
        _ => "InternalServerException",
    }
}

fn oauth_code(error_type: &str) -> String {
    match error_type {
        "AuthorizationPendingException" => "authorization_pending".into(),
        "SlowDownException" => "slow_down".into(),
        "ExpiredTokenException" => "expired_token".into(),
        "AccessDeniedException" => "access_denied".into(),
        "InvalidGrantException" => "invalid_grant".into(),
        "InvalidClientException" => "invalid_client".into(),
        "InvalidRequestException" => "invalid_request".into(),
        "InvalidScopeException" => "invalid_scope".into(),
        "UnsupportedGrantTypeException" => "unsupported_grant_type".into(),
        "UnauthorizedClientException" => "unauthorized_client".into(),
        "InvalidClientMetadataException" => "invalid_client_metadata".into(),
        "InternalServerException" => "server_error".into(),
        other => {
            // FooBarException -> foo_bar
            let base = other.strip_suffix("Exception").unwrap_or(other);
            let mut s = String::new();
            for (i, c) in base.chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    s.push('_');
                }
                s.push(c.to_ascii_lowercase());
            }
            s
        }
    }
}

fn error_response(service: Service, status: u16, error_type: &str, msg: &str) -> Response {
    let (ns, body) = match service {
        Service::Oidc => (
            OIDC_NS,
            json!({"error": oauth_code(error_type), "error_description": msg}),
        ),
        Service::Portal => (PORTAL_NS, json!({"message": msg})),
        Service::Sts => return sts_error(status, error_type, msg),
    };
    let mut r = Response::json(status, &body);
    r.headers
        .push(("x-amzn-ErrorType".into(), format!("{error_type}:{ns}")));
    r
}

/// An operation's failure: (status, error type, message).
type OpError = (u16, &'static str, String);

fn err<T>(status: u16, ty: &'static str, msg: impl Into<String>) -> Result<T, OpError> {
    Err((status, ty, msg.into()))
}

/// Handles one request: `None` means drop the connection without answering.
fn handle(shared: &Shared, req: &Request) -> Option<Response> {
    let (op, service) = route(req);
    let entry = LoggedRequest {
        op: op.to_string(),
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        headers: req.headers.clone(),
        body: String::from_utf8_lossy(&req.body).into_owned(),
        status: 0,
        time: Instant::now(),
    };
    // Log at arrival, take the fault decision and the delay.
    let (index, fault, delay) = {
        let mut st = shared.lock();
        st.log.push(entry);
        let index = st.log.len() - 1;
        let mut fault = None;
        for rule in st.faults.iter_mut() {
            if rule.op != "*" && rule.op != op {
                continue;
            }
            match rule.remaining {
                Some(0) => continue,
                Some(ref mut n) => *n -= 1,
                None => {}
            }
            fault = Some(rule.kind.clone());
            break;
        }
        st.faults.retain(|r| r.remaining != Some(0));
        let delay = st
            .delays
            .iter()
            .filter(|(o, _)| o == "*" || o == op)
            .map(|(_, d)| *d)
            .max();
        (index, fault, delay)
    };
    if let Some(d) = delay {
        std::thread::sleep(d);
    }
    let resp = match fault {
        Some(FaultKind::Drop) => return None,
        Some(FaultKind::Answer(status, body)) => sts_xml(status, &sts_request_id(), body),
        Some(FaultKind::Status(status, ty)) => {
            let ty = if ty.is_empty() {
                default_error_type(service, status).to_string()
            } else {
                ty
            };
            let msg = if service == Service::Sts {
                sts_fault_message(&shared.lock(), req, &ty)
            } else {
                "injected fault".to_string()
            };
            error_response(service, status, &ty, &msg)
        }
        None => {
            let mut st = shared.lock();
            let result = match op {
                "GetRoleCredentials" => get_role_credentials(shared, &mut st, req),
                "ListAccounts" => list_accounts(&st, req),
                "ListAccountRoles" => list_account_roles(&st, req),
                "Logout" => logout(&mut st, req),
                "RegisterClient" => register_client(shared, &mut st, req),
                "StartDeviceAuthorization" => start_device_authorization(shared, &mut st, req),
                "CreateToken" => create_token(shared, &mut st, req),
                "Authorize" => authorize(shared, &mut st, req),
                "GetSigninToken" => get_signin_token(shared, &mut st, req),
                "VanityRedirect" => Ok(Response {
                    status: 302,
                    headers: vec![("Location".into(), VANITY_ISSUER.into())],
                    body: Vec::new(),
                }),
                "AssumeRole" => assume_role(shared, &mut st, req),
                "GetCallerIdentity" => get_caller_identity(&st, req),
                _ if service == Service::Sts => Err(invalid_action(req)),
                _ => err(404, "UnknownOperationException", "no such operation"),
            };
            result.unwrap_or_else(|(status, ty, msg)| error_response(service, status, ty, &msg))
        }
    };
    if let Some(e) = shared.lock().log.get_mut(index) {
        e.status = resp.status;
    }
    Some(resp)
}

fn token_ok(st: &State, token: &str) -> bool {
    st.tokens
        .get(token)
        .is_some_and(|t| !t.revoked && SystemTime::now() < t.expires_at)
}

fn bearer<'a>(st: &State, req: &'a Request) -> Result<&'a str, OpError> {
    let Some(token) = req.header("x-amz-sso_bearer_token") else {
        return err(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        );
    };
    if !token_ok(st, token) {
        return err(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        );
    }
    Ok(token)
}

fn query_map(req: &Request) -> HashMap<String, String> {
    parse_query(&req.query).into_iter().collect()
}

/// `Action=getSigninToken&Session={"sessionId","sessionKey","sessionToken"}` (form body or
/// query string, as the real endpoint takes both): a sign-in token for credentials this server
/// issued; 400 for anything else.
fn get_signin_token(shared: &Shared, st: &mut State, req: &Request) -> Result<Response, OpError> {
    let mut params = parse_query(&req.query);
    params.extend(parse_query(&String::from_utf8_lossy(&req.body)));
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    if get("Action").as_deref() != Some("getSigninToken") {
        return err(
            400,
            "InvalidRequestException",
            "Action must be getSigninToken",
        );
    }
    let session: Value = get("Session")
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null);
    let field = |k: &str| {
        session
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let known = st.credentials.iter().any(|c| {
        c.access_key_id == field("sessionId")
            && c.secret_access_key == field("sessionKey")
            && c.session_token == field("sessionToken")
    });
    if !known {
        return err(
            400,
            "InvalidRequestException",
            "unknown session credentials",
        );
    }
    let token = format!("SIGNIN{}", shared.random(120));
    st.secrets.push(token.clone());
    Ok(Response::json(200, &json!({ "SigninToken": token })))
}

fn get_role_credentials(
    shared: &Shared,
    st: &mut State,
    req: &Request,
) -> Result<Response, OpError> {
    bearer(st, req)?;
    let q = query_map(req);
    let (Some(account_id), Some(role_name)) = (q.get("account_id"), q.get("role_name")) else {
        return err(
            400,
            "InvalidRequestException",
            "account_id and role_name are required",
        );
    };
    let assigned = st
        .accounts
        .iter()
        .any(|a| &a.id == account_id && a.roles.iter().any(|r| r == role_name));
    if !assigned {
        return err(403, "ForbiddenException", "No access");
    }
    let n = shared.next();
    let creds = RoleCredentials {
        access_key_id: format!("ASIASTANDIN{:09}", n % 1_000_000_000),
        secret_access_key: shared.random(40),
        session_token: format!("IQoJb3JpZ2luX2Vj{}", shared.random(300)),
        expiration_ms: epoch_ms(SystemTime::now() + st.role_ttl),
        account_id: account_id.clone(),
        role_name: role_name.clone(),
        operation: "GetRoleCredentials",
    };
    st.secrets.push(creds.secret_access_key.clone());
    st.secrets.push(creds.session_token.clone());
    st.credentials.push(creds.clone());
    // The role Identity Center made for the permission set, as STS sees the session.
    let reserved = format!(
        "AWSReservedSSO_{role_name}_{}",
        &hex(&Sha256::digest(
            format!("{account_id}/{role_name}").as_bytes()
        ))[..16]
    );
    let role_arn =
        format!("arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/{reserved}");
    st.keys.insert(
        creds.access_key_id.clone(),
        KeyInfo {
            secret: creds.secret_access_key.clone(),
            session_token: Some(creds.session_token.clone()),
            expires_at: Some(UNIX_EPOCH + Duration::from_millis(creds.expiration_ms)),
            identity: CallerIdentity {
                arn: format!("arn:aws:sts::{account_id}:assumed-role/{reserved}/{SSO_USER_NAME}"),
                user_id: format!("{}:{SSO_USER_NAME}", stable_id("AROA", &role_arn)),
                account: account_id.clone(),
            },
            names: vec![role_arn, reserved, role_name.clone()],
            temporary: true,
            source_identity: None,
        },
    );
    Ok(Response::json(
        200,
        &json!({"roleCredentials": {
            "accessKeyId": creds.access_key_id,
            "secretAccessKey": creds.secret_access_key,
            "sessionToken": creds.session_token,
            "expiration": creds.expiration_ms,
        }}),
    ))
}

/// Returns (start, end, next_token) for a page over `total` items.
fn page(
    st: &State,
    q: &HashMap<String, String>,
    total: usize,
) -> Result<(usize, usize, Option<String>), OpError> {
    let mut size = st.page_size;
    if let Some(m) = q.get("max_result") {
        match m.parse::<usize>() {
            Ok(m) if (1..=1000).contains(&m) => size = size.min(m),
            _ => return err(400, "InvalidRequestException", "invalid max_result"),
        }
    }
    let start = match q.get("next_token") {
        None => 0,
        Some(t) => match t
            .strip_prefix("page.")
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) if n <= total => n,
            _ => return err(400, "InvalidRequestException", "invalid next_token"),
        },
    };
    let end = (start + size).min(total);
    let next = (end < total).then(|| format!("page.{end}"));
    Ok((start, end, next))
}

fn list_accounts(st: &State, req: &Request) -> Result<Response, OpError> {
    bearer(st, req)?;
    let q = query_map(req);
    let (start, end, next) = page(st, &q, st.accounts.len())?;
    let list: Vec<Value> = st.accounts[start..end]
        .iter()
        .map(|a| json!({"accountId": a.id, "accountName": a.name, "emailAddress": a.email}))
        .collect();
    let mut body = json!({ "accountList": list });
    if let Some(n) = next {
        body["nextToken"] = json!(n);
    }
    Ok(Response::json(200, &body))
}

fn list_account_roles(st: &State, req: &Request) -> Result<Response, OpError> {
    bearer(st, req)?;
    let q = query_map(req);
    let Some(account_id) = q.get("account_id") else {
        return err(400, "InvalidRequestException", "account_id is required");
    };
    let Some(account) = st.accounts.iter().find(|a| &a.id == account_id) else {
        return err(403, "ForbiddenException", "No access");
    };
    let (start, end, next) = page(st, &q, account.roles.len())?;
    let list: Vec<Value> = account.roles[start..end]
        .iter()
        .map(|r| json!({"roleName": r, "accountId": account.id}))
        .collect();
    let mut body = json!({ "roleList": list });
    if let Some(n) = next {
        body["nextToken"] = json!(n);
    }
    Ok(Response::json(200, &body))
}

fn logout(st: &mut State, req: &Request) -> Result<Response, OpError> {
    let token = bearer(st, req)?.to_string();
    if let Some(t) = st.tokens.get_mut(&token) {
        t.revoked = true;
    }
    Ok(Response {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Vec::new(),
    })
}

fn json_body(req: &Request) -> Result<serde_json::Map<String, Value>, OpError> {
    if req.body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => err(
            400,
            "InvalidRequestException",
            "request body is not a JSON object",
        ),
    }
}

fn str_field(m: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    m.get(key).and_then(Value::as_str).map(str::to_string)
}

fn required(m: &serde_json::Map<String, Value>, key: &str) -> Result<String, OpError> {
    match str_field(m, key) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err((400, "InvalidRequestException", format!("{key} is required"))),
    }
}

fn str_list(m: &serde_json::Map<String, Value>, key: &str) -> Vec<String> {
    m.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn register_client(shared: &Shared, st: &mut State, req: &Request) -> Result<Response, OpError> {
    let m = json_body(req)?;
    let client_name = required(&m, "clientName")?;
    let client_type = required(&m, "clientType")?;
    if client_type != "public" {
        return err(
            400,
            "InvalidClientMetadataException",
            "clientType must be public",
        );
    }
    let now = SystemTime::now();
    let client = RegisteredClient {
        client_id: shared.random(22),
        client_secret: format!(
            "eyJraWQiOiJrZXktMSIsImFsZyI6IkhTMzg0In0.{}",
            shared.random(200)
        ),
        client_name,
        client_type,
        scopes: str_list(&m, "scopes"),
        grant_types: str_list(&m, "grantTypes"),
        redirect_uris: str_list(&m, "redirectUris"),
        issuer_url: str_field(&m, "issuerUrl"),
        expires_at: epoch_secs(now + st.registration_ttl),
    };
    st.secrets.push(client.client_secret.clone());
    let body = json!({
        "clientId": client.client_id,
        "clientSecret": client.client_secret,
        "clientIdIssuedAt": epoch_secs(now),
        "clientSecretExpiresAt": client.expires_at,
    });
    st.clients.insert(client.client_id.clone(), client);
    Ok(Response::json(200, &body))
}

/// Checks clientId/clientSecret; returns the client.
fn client_auth(
    st: &State,
    m: &serde_json::Map<String, Value>,
) -> Result<RegisteredClient, OpError> {
    let client_id = required(m, "clientId")?;
    let secret = required(m, "clientSecret")?;
    match st.clients.get(&client_id) {
        Some(c) if c.client_secret == secret => {
            if epoch_secs(SystemTime::now()) >= c.expires_at {
                err(
                    401,
                    "InvalidClientException",
                    "client registration has expired",
                )
            } else {
                Ok(c.clone())
            }
        }
        _ => err(401, "InvalidClientException", "invalid client credentials"),
    }
}

fn start_device_authorization(
    shared: &Shared,
    st: &mut State,
    req: &Request,
) -> Result<Response, OpError> {
    let m = json_body(req)?;
    let client = client_auth(st, &m)?;
    required(&m, "startUrl")?;
    let device_code = shared.random(43);
    let letters: String = shared
        .random(64)
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase())
        .chain("QWERTYUI".chars())
        .take(8)
        .collect();
    let user_code = format!("{}-{}", &letters[..4], &letters[4..]);
    let ttl = st.device_code_ttl;
    st.device_auths.insert(
        device_code.clone(),
        DeviceAuth {
            client_id: client.client_id,
            polls: 0,
            expires_at: SystemTime::now() + ttl,
            spent: false,
            last_poll: None,
        },
    );
    st.secrets.push(device_code.clone());
    let verification_uri = format!("{}/device", shared.base_url);
    Ok(Response::json(
        200,
        &json!({
            "deviceCode": device_code,
            "userCode": user_code,
            "verificationUri": verification_uri,
            "verificationUriComplete": format!("{verification_uri}?user_code={user_code}"),
            "expiresIn": ttl.as_secs(),
            "interval": st.poll_interval,
        }),
    ))
}

fn issue_tokens(shared: &Shared, st: &mut State, client: &RegisteredClient) -> Response {
    let access = format!("aoa{}", shared.random(120));
    let ttl = st.token_ttl;
    st.tokens.insert(
        access.clone(),
        TokenInfo {
            expires_at: SystemTime::now() + ttl,
            revoked: false,
        },
    );
    st.secrets.push(access.clone());
    let refresh = st
        .always_refresh
        .unwrap_or_else(|| client.grant_types.iter().any(|g| g == "refresh_token"));
    let mut body = json!({
        "accessToken": access,
        "tokenType": "Bearer",
        "expiresIn": ttl.as_secs(),
    });
    if refresh {
        let rt = format!("aor{}", shared.random(120));
        st.refresh_tokens.insert(
            rt.clone(),
            RefreshInfo {
                client_id: client.client_id.clone(),
                spent: false,
            },
        );
        st.secrets.push(rt.clone());
        body["refreshToken"] = json!(rt);
    }
    Response::json(200, &body)
}

fn create_token(shared: &Shared, st: &mut State, req: &Request) -> Result<Response, OpError> {
    let m = json_body(req)?;
    let client = client_auth(st, &m)?;
    let grant = required(&m, "grantType")?;
    match grant.as_str() {
        "urn:ietf:params:oauth:grant-type:device_code" => {
            let code = required(&m, "deviceCode")?;
            let interval = st.poll_interval;
            let enforce = st.enforce_interval;
            let script = st.device_script.clone();
            let Some(da) = st.device_auths.get_mut(&code) else {
                return err(400, "InvalidGrantException", "Invalid device code provided");
            };
            if da.client_id != client.client_id || da.spent {
                return err(400, "InvalidGrantException", "Invalid device code provided");
            }
            if SystemTime::now() >= da.expires_at {
                return err(400, "ExpiredTokenException", "Device code has expired");
            }
            let now = Instant::now();
            if enforce {
                if let Some(last) = da.last_poll {
                    if now.duration_since(last) < Duration::from_secs(interval) {
                        da.last_poll = Some(now);
                        return err(400, "SlowDownException", "Client is polling too fast");
                    }
                }
            }
            da.last_poll = Some(now);
            da.polls += 1;
            if let Some(p) = script.polls.get(da.polls - 1) {
                return match p {
                    Poll::Pending => err(
                        400,
                        "AuthorizationPendingException",
                        "Authorization is still pending",
                    ),
                    Poll::SlowDown => err(400, "SlowDownException", "Client is polling too fast"),
                };
            }
            match script.outcome {
                DeviceOutcome::Approve => {
                    da.spent = true;
                    Ok(issue_tokens(shared, st, &client))
                }
                DeviceOutcome::Deny => {
                    err(400, "AccessDeniedException", "Authorization was denied")
                }
                DeviceOutcome::Expire => {
                    err(400, "ExpiredTokenException", "Device code has expired")
                }
            }
        }
        "authorization_code" => {
            let code = required(&m, "code")?;
            let verifier = required(&m, "codeVerifier")?;
            let redirect = str_field(&m, "redirectUri").unwrap_or_default();
            let Some(ac) = st.auth_codes.get_mut(&code) else {
                return err(400, "InvalidGrantException", "Invalid authorization code");
            };
            if ac.client_id != client.client_id || ac.spent || SystemTime::now() >= ac.expires_at {
                return err(400, "InvalidGrantException", "Invalid authorization code");
            }
            if ac.redirect_uri != redirect {
                return err(400, "InvalidGrantException", "redirectUri does not match");
            }
            if pkce_challenge(&verifier) != ac.challenge {
                return err(400, "InvalidGrantException", "code verifier does not match");
            }
            ac.spent = true;
            Ok(issue_tokens(shared, st, &client))
        }
        "refresh_token" => {
            let rt = required(&m, "refreshToken")?;
            match st.refresh_tokens.get_mut(&rt) {
                Some(info) if !info.spent && info.client_id == client.client_id => {
                    info.spent = true;
                }
                _ => {
                    return err(
                        400,
                        "InvalidGrantException",
                        "Invalid refresh token provided",
                    )
                }
            }
            Ok(issue_tokens(shared, st, &client))
        }
        _ => err(
            400,
            "UnsupportedGrantTypeException",
            "Unsupported grant type",
        ),
    }
}

/// `base64url_nopad(sha256(verifier))`, the S256 PKCE challenge.
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn authorize(shared: &Shared, st: &mut State, req: &Request) -> Result<Response, OpError> {
    let q = query_map(req);
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("response_type") != "code" {
        return err(400, "InvalidRequestException", "response_type must be code");
    }
    let client_id = get("client_id");
    let Some(client) = st.clients.get(&client_id).cloned() else {
        return err(400, "InvalidClientException", "unknown client_id");
    };
    if !client.grant_types.iter().any(|g| g == "authorization_code") {
        return err(
            400,
            "UnauthorizedClientException",
            "client is not registered for authorization_code",
        );
    }
    let redirect = get("redirect_uri");
    if redirect.is_empty() {
        return err(400, "InvalidRequestException", "redirect_uri is required");
    }
    if !client.redirect_uris.is_empty()
        && !client
            .redirect_uris
            .iter()
            .any(|r| strip_loopback_port(r) == strip_loopback_port(&redirect))
    {
        return err(
            400,
            "InvalidRequestException",
            "redirect_uri is not registered",
        );
    }
    let challenge = get("code_challenge");
    if challenge.is_empty() || get("code_challenge_method") != "S256" {
        return err(
            400,
            "InvalidRequestException",
            "code_challenge with method S256 is required",
        );
    }
    let state_param = get("state");
    let sep = if redirect.contains('?') { '&' } else { '?' };
    let location = match st.authorize_outcome {
        AuthorizeOutcome::Approve => {
            let code = shared.random(48);
            st.auth_codes.insert(
                code.clone(),
                AuthCode {
                    client_id,
                    redirect_uri: redirect.clone(),
                    challenge,
                    spent: false,
                    expires_at: SystemTime::now() + Duration::from_secs(600),
                },
            );
            st.secrets.push(code.clone());
            format!(
                "{redirect}{sep}code={}&state={}",
                pct(&code),
                pct(&state_param)
            )
        }
        AuthorizeOutcome::Deny => format!(
            "{redirect}{sep}error=access_denied&error_description={}&state={}",
            pct("The user denied the request"),
            pct(&state_param)
        ),
    };
    Ok(Response {
        status: 302,
        headers: vec![
            ("Location".into(), location),
            ("Content-Type".into(), "text/html".into()),
        ],
        body: Vec::new(),
    })
}

/// `http://127.0.0.1:1234/x` -> `http://127.0.0.1/x` (loopback redirect URIs may use any port).
fn strip_loopback_port(uri: &str) -> String {
    for host in ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"] {
        if let Some(rest) = uri.strip_prefix(host) {
            let path_at = rest.find('/').unwrap_or(rest.len());
            return format!("{}{}", &host[..host.len() - 1], &rest[path_at..]);
        }
    }
    uri.to_string()
}

// ----- STS (AssumeRole, GetCallerIdentity) -----------------------------------------------------

const STS_NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
const STS_VERSION: &str = "2011-06-15";

/// The IAM user [`StandIn::add_static_keys`] registers keys for.
pub const STATIC_USER_ARN: &str = "arn:aws:iam::123456789012:user/standin-user";

/// The role session name of Identity Center role credentials (the user's name on the real
/// service): their caller ARN is
/// `arn:aws:sts::ACCOUNT:assumed-role/AWSReservedSSO_<sso_role_name>_<16 hex>/standin-user`.
pub const SSO_USER_NAME: &str = "standin-user";

const MSG_INVALID_TOKEN: &str = "The security token included in the request is invalid.";
const MSG_EXPIRED_TOKEN: &str = "The security token included in the request is expired";
const MSG_SIGNATURE: &str = "The request signature we calculated does not match the signature \
     you provided. Check your AWS Secret Access Key and signing method. Consult the service \
     documentation for details.";
const MSG_CHAINING: &str =
    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.";
const MSG_MAX_SESSION: &str =
    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.";
const MSG_MFA_BOTH: &str =
    "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.";
const MSG_MFA_SERIAL: &str = "MultiFactorAuthentication failed, unable to validate MFA code.  \
     Please verify your MFA serial number is valid and associated with this user.";
const MSG_MFA_CODE: &str = "MultiFactorAuthentication failed with invalid MFA one time pass code.";

fn is_form(req: &Request) -> bool {
    req.header("content-type").is_some_and(|ct| {
        ct.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    })
}

/// The form body's parameters, decoded, in order.
fn form_params(req: &Request) -> Vec<(String, String)> {
    parse_query(&String::from_utf8_lossy(&req.body))
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// HMAC-SHA256 (RFC 2104) over sha2's SHA-256.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&ipad)
        .chain_update(data)
        .finalize();
    Sha256::new()
        .chain_update(&opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// The SigV4 signing key: HMAC chain over `AWS4<secret>`, date (`YYYYMMDD`), region, service
/// and `aws4_request`.
pub fn sigv4_signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, b"aws4_request")
}

/// `prefix` + 17 characters of base32 (A-Z, 2-7) derived from `seed`: stable ids in the shape
/// of IAM's unique ids (`AROA...` roles, `AIDA...` users).
fn stable_id(prefix: &str, seed: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha256::digest(seed.as_bytes());
    let mut out = prefix.to_string();
    out.extend(
        digest
            .iter()
            .take(17)
            .map(|b| ALPHABET[(*b & 31) as usize] as char),
    );
    out
}

/// The account of `arn:PARTITION:SERVICE:REGION:ACCOUNT:...`.
fn arn_account(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6 && parts[0] == "arn" && !parts[4].is_empty()).then(|| parts[4])
}

/// (account, role name) of `arn:aws:iam::ACCOUNT:role/[PATH/]NAME`.
fn parse_role_arn(arn: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[2] != "iam" || !parts[3].is_empty() {
        return None;
    }
    let account = parts[4];
    let name = parts[5].strip_prefix("role/")?.rsplit('/').next()?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
        return None;
    }
    Some((account.to_string(), name.to_string()))
}

/// `*` matches any run of characters; everything else literally.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if text.len() < first.len() + last.len() || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A UUID-shaped request id, as STS uses.
fn sts_request_id() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let mut h = Sha256::new();
    h.update(N.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    h.update(now_nanos().to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    let x = hex(&h.finalize());
    format!(
        "{}-{}-4{}-a{}-{}",
        &x[..8],
        &x[8..12],
        &x[13..16],
        &x[17..20],
        &x[20..32]
    )
}

/// An STS answer: `text/xml`, the request id in the body and in `x-amzn-RequestId`.
fn sts_xml(status: u16, request_id: &str, body: String) -> Response {
    Response {
        status,
        headers: vec![
            ("Content-Type".into(), "text/xml".into()),
            ("x-amzn-RequestId".into(), request_id.to_string()),
        ],
        body: body.into_bytes(),
    }
}

fn sts_error(status: u16, code: &str, msg: &str) -> Response {
    let rid = sts_request_id();
    let side = if status >= 500 { "Receiver" } else { "Sender" };
    let body = format!(
        "<ErrorResponse xmlns=\"{STS_NS}\">\n  <Error>\n    <Type>{side}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{rid}</RequestId>\n</ErrorResponse>\n",
        xml_escape(code),
        xml_escape(msg)
    );
    sts_xml(status, &rid, body)
}

/// The message the real service gives with an injected STS error code.
fn sts_fault_message(st: &State, req: &Request, code: &str) -> String {
    let account = signing_key_id(req)
        .and_then(|k| st.keys.get(&k))
        .map(|k| k.identity.account.clone())
        .unwrap_or_else(|| "123456789012".into());
    match code {
        "Throttling" => "Rate exceeded".into(),
        "ExpiredToken" => MSG_EXPIRED_TOKEN.into(),
        "InvalidClientTokenId" => MSG_INVALID_TOKEN.into(),
        "SignatureDoesNotMatch" => MSG_SIGNATURE.into(),
        "RegionDisabledException" => format!(
            "STS is not activated in this region for account:{account}. Your account \
             administrator can activate STS in this region using the IAM Console."
        ),
        _ => "injected fault".into(),
    }
}

fn invalid_action(req: &Request) -> OpError {
    let params = form_params(req);
    let get = |k: &str| {
        params
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    (
        400,
        "InvalidAction",
        format!(
            "Could not find operation {} for version {}",
            get("Action"),
            get("Version")
        ),
    )
}

/// The access key id in the `Authorization` header's `Credential=`, if any.
fn signing_key_id(req: &Request) -> Option<String> {
    let auth = req.header("authorization")?;
    let cred = auth
        .split([' ', ','])
        .find_map(|p| p.strip_prefix("Credential="))?;
    Some(cred.split('/').next()?.to_string())
}

/// RFC 3986 encoding as SigV4 wants it: unreserved characters stay, `/` stays when asked.
fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SigV4 canonical request (non-S3 rules: the path as sent is encoded once more).
fn canonical_request(req: &Request, signed_headers: &str) -> String {
    let mut query: Vec<(String, String)> = parse_query(&req.query)
        .into_iter()
        .map(|(k, v)| (uri_encode(&k, false), uri_encode(&v, false)))
        .collect();
    query.sort();
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut headers = String::new();
    for name in signed_headers.split(';') {
        let values: Vec<String> = req
            .headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let payload = match req.header("x-amz-content-sha256") {
        Some(h) => h.to_string(),
        None => hex(&Sha256::digest(&req.body)),
    };
    format!(
        "{}\n{}\n{}\n{headers}\n{signed_headers}\n{payload}",
        req.method,
        uri_encode(&req.path, true),
        query.join("&")
    )
}

/// Checks the SigV4 `Authorization` header; returns the caller's access key id.
fn authenticate(st: &State, req: &Request) -> Result<String, OpError> {
    let Some(auth) = req.header("authorization") else {
        return err(
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        );
    };
    let incomplete = || {
        err(
            400,
            "IncompleteSignature",
            "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' \
             parameters of algorithm AWS4-HMAC-SHA256",
        )
    };
    let Some(rest) = auth.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return incomplete();
    };
    let mut fields = HashMap::new();
    for part in rest.split(',') {
        if let Some((k, v)) = part.trim().split_once('=') {
            fields.insert(k, v);
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) = (
        fields.get("Credential"),
        fields.get("SignedHeaders"),
        fields.get("Signature"),
    ) else {
        return incomplete();
    };
    let scope: Vec<&str> = credential.split('/').collect();
    if scope.len() != 5 {
        return incomplete();
    }
    let (akid, date, region, service, terminator) =
        (scope[0], scope[1], scope[2], scope[3], scope[4]);
    let Some(key) = st.keys.get(akid) else {
        return err(403, "InvalidClientTokenId", MSG_INVALID_TOKEN);
    };
    if key.expires_at.is_some_and(|t| SystemTime::now() >= t) {
        return err(400, "ExpiredToken", MSG_EXPIRED_TOKEN);
    }
    if req.header("x-amz-security-token") != key.session_token.as_deref() {
        return err(403, "InvalidClientTokenId", MSG_INVALID_TOKEN);
    }
    if !st.verify_signatures {
        return Ok(akid.to_string());
    }
    if service != "sts" {
        return err(
            403,
            "SignatureDoesNotMatch",
            "Credential should be scoped to correct service: 'sts'. ",
        );
    }
    if terminator != "aws4_request" {
        return err(
            403,
            "SignatureDoesNotMatch",
            format!("Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. "),
        );
    }
    let Some(amz_date) = req.header("x-amz-date") else {
        return err(
            400,
            "IncompleteSignature",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        );
    };
    if amz_date.get(..8) != Some(date) {
        return err(
            403,
            "SignatureDoesNotMatch",
            format!("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{date}' != '{}', from '{amz_date}'.", amz_date.get(..8).unwrap_or("")),
        );
    }
    if !signed_headers.split(';').any(|h| h == "host") {
        return err(403, "SignatureDoesNotMatch", MSG_SIGNATURE);
    }
    let canonical = canonical_request(req, signed_headers);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{date}/{region}/{service}/{terminator}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let key_bytes = sigv4_signing_key(&key.secret, date, region, service);
    let expected = hex(&hmac_sha256(&key_bytes, string_to_sign.as_bytes()));
    if !expected.eq_ignore_ascii_case(signature) {
        return err(403, "SignatureDoesNotMatch", MSG_SIGNATURE);
    }
    Ok(akid.to_string())
}

/// Coral-style validation of one string parameter: collects
/// `Value 'v' at 'field' failed to satisfy constraint: ...` problems.
fn check_param(
    problems: &mut Vec<String>,
    field: &str,
    value: Option<&str>,
    required: bool,
    (min, max): (usize, usize),
    allowed: Option<(&dyn Fn(char) -> bool, &str)>,
) {
    let Some(v) = value else {
        if required {
            problems.push(format!(
                "Value null at '{field}' failed to satisfy constraint: Member must not be null"
            ));
        }
        return;
    };
    let len = v.chars().count();
    let fail = |c: String| format!("Value '{v}' at '{field}' failed to satisfy constraint: {c}");
    if len < min {
        problems.push(fail(format!(
            "Member must have length greater than or equal to {min}"
        )));
    } else if len > max {
        problems.push(fail(format!(
            "Member must have length less than or equal to {max}"
        )));
    } else if let Some((ok, pattern)) = allowed {
        if !v.chars().all(ok) {
            problems.push(fail(format!(
                "Member must satisfy regular expression pattern: {pattern}"
            )));
        }
    }
}

fn word_or(extra: &'static str) -> impl Fn(char) -> bool {
    move |c: char| c.is_ascii_alphanumeric() || c == '_' || extra.contains(c)
}

/// `Prefix.member.N[.suffix]` values in N order.
fn member_list(params: &[(String, String)], prefix: &str, suffix: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = params
        .iter()
        .filter_map(|(k, v)| {
            let rest = k.strip_prefix(prefix)?.strip_prefix(".member.")?;
            let n = rest.strip_suffix(suffix)?;
            Some((n.parse().ok()?, v.clone()))
        })
        .collect();
    out.sort();
    out
}

fn assume_role(shared: &Shared, st: &mut State, req: &Request) -> Result<Response, OpError> {
    let caller_key = authenticate(st, req)?;
    let caller = st.keys[&caller_key].clone();
    let params = form_params(req);
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let role_arn = get("RoleArn");
    let session = get("RoleSessionName");
    let duration_raw = get("DurationSeconds");
    let external_id = get("ExternalId");
    let serial = get("SerialNumber");
    let token_code = get("TokenCode");
    let source_identity = get("SourceIdentity");
    let policy = get("Policy");

    // Parameter validation, with the constraints of botocore's model for STS 2011-06-15.
    let mut problems = Vec::new();
    check_param(
        &mut problems,
        "roleArn",
        role_arn.as_deref(),
        true,
        (20, 2048),
        None,
    );
    let session_chars = word_or("+=,.@-");
    check_param(
        &mut problems,
        "roleSessionName",
        session.as_deref(),
        true,
        (2, 64),
        Some((&session_chars, "[\\w+=,.@-]*")),
    );
    check_param(
        &mut problems,
        "policy",
        policy.as_deref(),
        false,
        (1, usize::MAX),
        None,
    );
    let mut duration = None;
    if let Some(raw) = &duration_raw {
        match raw.parse::<u64>() {
            Ok(d) if d < 900 => problems.push(format!(
                "Value '{raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
            )),
            Ok(d) if d > 43200 => problems.push(format!(
                "Value '{raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"
            )),
            Ok(d) => duration = Some(d),
            Err(_) => problems.push(format!(
                "Value '{raw}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer"
            )),
        }
    }
    let external_chars = word_or("+=,.@:/-");
    check_param(
        &mut problems,
        "externalId",
        external_id.as_deref(),
        false,
        (2, 1224),
        Some((&external_chars, "[\\w+=,.@:\\/-]*")),
    );
    let serial_chars = word_or("+=/:,.@-");
    check_param(
        &mut problems,
        "serialNumber",
        serial.as_deref(),
        false,
        (9, 256),
        Some((&serial_chars, "[\\w+=/:,.@-]*")),
    );
    let digits = |c: char| c.is_ascii_digit();
    check_param(
        &mut problems,
        "tokenCode",
        token_code.as_deref(),
        false,
        (6, 6),
        Some((&digits, "[\\d]*")),
    );
    check_param(
        &mut problems,
        "sourceIdentity",
        source_identity.as_deref(),
        false,
        (2, 64),
        Some((&session_chars, "[\\w+=,.@-]*")),
    );
    if !problems.is_empty() {
        let n = problems.len();
        return Err((
            400,
            "ValidationError",
            format!(
                "{n} validation error{} detected: {}",
                if n == 1 { "" } else { "s" },
                problems.join("; ")
            ),
        ));
    }
    let (role_arn, session) = (role_arn.unwrap_or_default(), session.unwrap_or_default());

    // Trust: a role that does not exist, or whose trust policy does not let the caller in,
    // gets the same AccessDenied on the real service.
    let denied = || {
        Err((
            403,
            "AccessDenied",
            format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
                caller.identity.arn
            ),
        ))
    };
    let Some((account, role_name)) = parse_role_arn(&role_arn) else {
        return denied();
    };
    if st.trust_strict {
        let mut names = vec![caller.identity.arn.as_str(), caller_key.as_str()];
        names.extend(caller.names.iter().map(String::as_str));
        let trusted = st
            .trust_rules
            .iter()
            .any(|(who, target)| glob(target, &role_arn) && names.iter().any(|n| glob(who, n)));
        if !trusted {
            return denied();
        }
    }
    if let Some(want) = st.external_ids.get(&role_arn) {
        if external_id.as_deref() != Some(want.as_str()) {
            return denied();
        }
    }
    if let Some(rule) = st.mfa_rules.get(&role_arn) {
        match (&serial, &token_code) {
            (None, None) => return denied(),
            (Some(_), None) | (None, Some(_)) => return err(403, "AccessDenied", MSG_MFA_BOTH),
            (Some(s), Some(c)) => {
                if *s != rule.serial {
                    return err(403, "AccessDenied", MSG_MFA_SERIAL);
                }
                if *c != rule.code {
                    return err(403, "AccessDenied", MSG_MFA_CODE);
                }
            }
        }
    }
    let requested = duration.unwrap_or(3600);
    if caller.temporary && requested > 3600 {
        return err(400, "ValidationError", MSG_CHAINING);
    }
    let max = st
        .max_session
        .get(&role_arn)
        .copied()
        .unwrap_or(Duration::from_secs(3600));
    if requested > max.as_secs() {
        return err(400, "ValidationError", MSG_MAX_SESSION);
    }

    // Issue.
    let ttl = st.assume_ttl.unwrap_or(Duration::from_secs(requested));
    let expiration = UNIX_EPOCH + Duration::from_secs(epoch_secs(SystemTime::now() + ttl));
    let access_key_id = format!("ASIASTS{:013}", shared.next() % 10_000_000_000_000);
    let secret = shared.random(40);
    let token = format!("FwoGZXIvYXdzE{}", shared.random(300));
    let assumed_arn = format!("arn:aws:sts::{account}:assumed-role/{role_name}/{session}");
    let user_id = format!("{}:{session}", stable_id("AROA", &role_arn));
    let effective_source = source_identity
        .clone()
        .or_else(|| caller.source_identity.clone());
    st.keys.insert(
        access_key_id.clone(),
        KeyInfo {
            secret: secret.clone(),
            session_token: Some(token.clone()),
            expires_at: Some(expiration),
            identity: CallerIdentity {
                arn: assumed_arn.clone(),
                user_id: user_id.clone(),
                account: account.clone(),
            },
            names: vec![role_arn.clone(), role_name.clone()],
            temporary: true,
            source_identity: effective_source.clone(),
        },
    );
    st.secrets.push(secret.clone());
    st.secrets.push(token.clone());
    st.credentials.push(RoleCredentials {
        access_key_id: access_key_id.clone(),
        secret_access_key: secret.clone(),
        session_token: token.clone(),
        expiration_ms: epoch_ms(expiration),
        account_id: account,
        role_name,
        operation: "AssumeRole",
    });
    let tags: Vec<(String, String)> = {
        let keys = member_list(&params, "Tags", ".Key");
        let values = member_list(&params, "Tags", ".Value");
        keys.into_iter()
            .map(|(n, k)| {
                let v = values
                    .iter()
                    .find(|(m, _)| *m == n)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                (k, v)
            })
            .collect()
    };
    let policy_arns: Vec<String> = member_list(&params, "PolicyArns", ".arn")
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    let transitive_tag_keys: Vec<String> = member_list(&params, "TransitiveTagKeys", "")
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    // A rough stand-in for the packed size: plain text against a 2048-byte budget.
    let packed = (policy.is_some() || !tags.is_empty() || !policy_arns.is_empty()).then(|| {
        let bytes = policy.as_deref().map_or(0, str::len)
            + tags.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
            + policy_arns.iter().map(String::len).sum::<usize>();
        (bytes * 100).div_ceil(2048).clamp(1, 100)
    });
    st.assume_calls.push(AssumeRoleCall {
        caller_access_key_id: caller_key,
        caller_arn: caller.identity.arn.clone(),
        role_arn,
        role_session_name: session,
        external_id,
        serial_number: serial,
        token_code,
        source_identity,
        duration_seconds: duration,
        policy,
        policy_arns,
        tags,
        transitive_tag_keys,
        issued_access_key_id: access_key_id.clone(),
        assumed_role_arn: assumed_arn.clone(),
        expiration,
    });

    let rid = sts_request_id();
    let mut result = format!(
        "    <Credentials>\n      <AccessKeyId>{access_key_id}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      <SessionToken>{}</SessionToken>\n      <Expiration>{}</Expiration>\n    </Credentials>\n    <AssumedRoleUser>\n      <AssumedRoleId>{}</AssumedRoleId>\n      <Arn>{}</Arn>\n    </AssumedRoleUser>\n",
        xml_escape(&secret),
        xml_escape(&token),
        humantime::format_rfc3339_seconds(expiration),
        xml_escape(&user_id),
        xml_escape(&assumed_arn),
    );
    if let Some(p) = packed {
        result.push_str(&format!("    <PackedPolicySize>{p}</PackedPolicySize>\n"));
    }
    if let Some(s) = &effective_source {
        result.push_str(&format!(
            "    <SourceIdentity>{}</SourceIdentity>\n",
            xml_escape(s)
        ));
    }
    Ok(sts_xml(
        200,
        &rid,
        format!(
            "<AssumeRoleResponse xmlns=\"{STS_NS}\">\n  <AssumeRoleResult>\n{result}  </AssumeRoleResult>\n  <ResponseMetadata>\n    <RequestId>{rid}</RequestId>\n  </ResponseMetadata>\n</AssumeRoleResponse>\n"
        ),
    ))
}

fn get_caller_identity(st: &State, req: &Request) -> Result<Response, OpError> {
    let key = authenticate(st, req)?;
    let id = &st.keys[&key].identity;
    let rid = sts_request_id();
    Ok(sts_xml(
        200,
        &rid,
        format!(
            "<GetCallerIdentityResponse xmlns=\"{STS_NS}\">\n  <GetCallerIdentityResult>\n    <Arn>{}</Arn>\n    <UserId>{}</UserId>\n    <Account>{}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>{rid}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
            xml_escape(&id.arn),
            xml_escape(&id.user_id),
            xml_escape(&id.account)
        ),
    ))
}

// ----- small helpers ---------------------------------------------------------------------------

fn now_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

fn epoch_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn epoch_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Percent-encodes everything but unreserved characters.
pub fn pct(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn pct_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes `a=1&b=x%20y` into pairs (form-style: `+` is a space).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (pct_decode(k), pct_decode(v)),
            None => (pct_decode(p), String::new()),
        })
        .collect()
}

/// `(status, headers with lowercased names, body)` from [`http_get`].
pub type HttpAnswer = (u16, Vec<(String, String)>, String);

/// A minimal HTTP/1.1 GET for tests playing the browser: fetches `url` (plain `http://` only)
/// without following redirects and returns `(status, headers (lowercased names), body)`.
pub fn http_get(url: &str) -> std::io::Result<HttpAnswer> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, m.to_string());
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| bad("only http:// URLs"))?;
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut s = TcpStream::connect(hostport)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\nUser-Agent: standin-browser\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("bad status line"))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok((status, headers, body.to_string()))
}
