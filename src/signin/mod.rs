//! `sso-env login`: sign in to Identity Center and cache the token where the AWS CLI v2 keeps
//! it, so `aws`, boto3, Terraform and the SDKs use it too.
//!
//! sso-session profiles sign in with an authorization code and PKCE: a one-shot listener on
//! 127.0.0.1 (only), the browser opened on the `/authorize` page, `state` checked on the way
//! back. Legacy profiles, `--device-code`, and machines with no browser use the device flow.
//! Everything the user sees goes to stderr; nothing is written until the token is in hand.

pub(crate) mod browser;

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{shown, Error, Result};
use crate::local::config::SsoSettings;
use crate::local::sso_cache::{self, Registration, Token};
use crate::remote::oidc::{NewToken, Oidc, TokenError};
use crate::timefmt;
use crate::url;

#[derive(Default, Clone, Copy)]
pub struct Options {
    /// Use the device flow even where PKCE is possible.
    pub device_code: bool,
    /// Print the URL instead of opening a browser.
    pub no_browser: bool,
}

/// How long the browser flow waits for the redirect, as the AWS CLI does.
const CALLBACK_TIMEOUT: Duration = Duration::from_secs(600);

/// Signs in and caches the token. `label` names what is signed in to, for messages.
pub fn login(sso: &SsoSettings, label: &str, opts: Options) -> Result<Token> {
    let oidc = Oidc::new(&sso.region)?;
    let mut pkce = sso.session_name.is_some() && !opts.device_code;
    crate::debug!(
        "sign-in to {label} at {}: {}",
        oidc.endpoint,
        if pkce {
            "authorization code with PKCE"
        } else {
            "device code"
        }
    );
    if pkce && !opts.no_browser && !browser::available() {
        eprintln!("sso-env: no browser here (no display and no $BROWSER); signing in with a device code instead");
        pkce = false;
    }
    // A registration the service no longer accepts is replaced once, silently.
    let mut fresh = false;
    loop {
        let reg = registration(&oidc, sso, pkce, fresh)?;
        let result = if pkce {
            browser_flow(&oidc, sso, &reg, opts)
        } else {
            device_flow(&oidc, sso, &reg, opts)
        };
        match result {
            Ok(new) => {
                let token = to_token(&reg, new);
                sso_cache::write_token(sso, &token)?;
                eprintln!(
                    "sso-env: signed in to {label}; valid until {}",
                    timefmt::format_utc(token.expires_at)
                );
                return Ok(token);
            }
            Err(TokenError::InvalidClient) if !fresh => fresh = true,
            Err(TokenError::InvalidClient) => {
                return Err(Error::new(
                    "Identity Center refused a brand-new client registration; try again later",
                ))
            }
            Err(TokenError::InvalidGrant) => {
                return Err(Error::new(
                    "Identity Center refused the sign-in code; run sso-env login again",
                ))
            }
            Err(TokenError::Other(e)) => return Err(e),
            Err(TokenError::Pending | TokenError::SlowDown) => {
                unreachable!("the flows handle polling")
            }
        }
    }
}

fn registration(
    oidc: &Oidc,
    sso: &SsoSettings,
    pkce: bool,
    force_new: bool,
) -> Result<Registration> {
    if !force_new {
        if let Some(reg) = sso_cache::read_registration(sso, pkce, timefmt::now())? {
            crate::debug!(
                "reusing the client registration (until {})",
                timefmt::format_utc(reg.expires_at)
            );
            return Ok(reg);
        }
    }
    crate::debug!("registering a new client");
    let reg = oidc.register(sso, pkce)?;
    sso_cache::write_registration(sso, &reg)?;
    Ok(reg)
}

/// The token file's content, as the AWS CLI writes it after a sign-in.
pub fn to_token(reg: &Registration, new: NewToken) -> Token {
    let expires_at = timefmt::now() + new.expires_in;
    let mut fields = Map::new();
    fields.insert("clientId".into(), Value::String(reg.client_id.clone()));
    fields.insert(
        "clientSecret".into(),
        Value::String(reg.client_secret.clone()),
    );
    fields.insert(
        "registrationExpiresAt".into(),
        Value::String(timefmt::format_utc(reg.expires_at)),
    );
    if let Some(r) = new.refresh_token {
        fields.insert("refreshToken".into(), Value::String(r));
    }
    Token {
        access_token: new.access_token,
        expires_at,
        fields,
    }
}

fn device_flow(
    oidc: &Oidc,
    sso: &SsoSettings,
    reg: &Registration,
    opts: Options,
) -> Result<NewToken, TokenError> {
    let auth = oidc.start_device(reg, &sso.start_url)?;
    let opened = !opts.no_browser && browser::open(&auth.verification_uri_complete);
    if opened {
        eprintln!(
            "sso-env: approve the sign-in request opened in your browser; if none opened, open:"
        );
    } else {
        eprintln!("sso-env: to sign in, open this page in any browser:");
    }
    eprintln!("  {}", auth.verification_uri_complete);
    eprintln!(
        "sso-env: it must show the code {} (or open {} and enter that code)",
        auth.user_code, auth.verification_uri
    );
    let deadline = Instant::now() + Duration::from_secs(auth.expires_in.max(1) as u64);
    let mut interval = Duration::from_secs(auth.interval.max(1) as u64);
    let mut wait = Waiting::new("waiting for approval");
    loop {
        wait.sleep(interval, deadline);
        match oidc.poll_device(reg, &auth.device_code) {
            Ok(t) => {
                wait.done();
                return Ok(t);
            }
            Err(TokenError::Pending) => {}
            Err(TokenError::SlowDown) => interval += Duration::from_secs(5),
            Err(e) => {
                wait.done();
                return Err(e);
            }
        }
        if Instant::now() >= deadline {
            wait.done();
            return Err(TokenError::Other(Error::new(
                "the sign-in code expired before it was approved; run sso-env login again",
            )));
        }
    }
}

fn browser_flow(
    oidc: &Oidc,
    sso: &SsoSettings,
    reg: &Registration,
    opts: Options,
) -> Result<NewToken, TokenError> {
    let other = |e: Error| TokenError::Other(e);
    // 127.0.0.1 only: the AWS CLI listens on every interface; a sign-in code has no business
    // arriving from the network.
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| {
        other(Error::new(format!(
            "cannot listen on 127.0.0.1 for the sign-in: {e}"
        )))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| other(Error::new(e.to_string())))?
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}/oauth/callback");
    let verifier = pkce_verifier().map_err(other)?;
    let state = random_hex(16).map_err(other)?;
    let scopes = if sso.scopes.is_empty() {
        "sso:account:access".to_string()
    } else {
        sso.scopes.join(" ")
    };
    let url = format!(
        "{}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={}",
        oidc.endpoint,
        url::encode(&reg.client_id),
        url::encode(&redirect_uri),
        state,
        url::encode(&scopes),
        pkce_challenge(&verifier)
    );
    let opened = !opts.no_browser && browser::open(&url);
    if opened {
        eprintln!("sso-env: signing in in your browser; if it did not open, open this page on this machine:");
    } else {
        eprintln!("sso-env: to sign in, open this page in a browser on this machine:");
    }
    eprintln!("  {url}");
    let code = wait_for_callback(&listener, &state).map_err(other)?;
    oidc.exchange_code(reg, &code, &verifier, &redirect_uri)
}

/// Serves the redirect back from the sign-in page: returns the code once a request to
/// `/oauth/callback` carries one with our `state`.
fn wait_for_callback(listener: &TcpListener, state: &str) -> Result<String> {
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::new(format!("cannot wait for the sign-in: {e}")))?;
    let deadline = Instant::now() + CALLBACK_TIMEOUT;
    let mut wait = Waiting::new("waiting for the browser");
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Some(result) = answer_callback(stream, state) {
                    wait.done();
                    return result;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                wait.sleep(Duration::from_millis(100), deadline)
            }
            Err(e) => {
                wait.done();
                return Err(Error::new(format!(
                    "cannot accept the sign-in redirect: {e}"
                )));
            }
        }
        if Instant::now() >= deadline {
            wait.done();
            return Err(Error::new("no sign-in arrived from the browser within 10 minutes; run sso-env login again (or with --device-code)"));
        }
    }
}

/// Handles one connection; `None` when it was not the callback (a favicon, a probe).
fn answer_callback(mut stream: TcpStream, state: &str) -> Option<Result<String>> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line).ok()?;
    let target = line.split_whitespace().nth(1)?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/oauth/callback" {
        let _ = respond(&mut stream, "404 Not Found", "Not found.");
        return None;
    }
    let params: Vec<(String, String)> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (url::decode(k), url::decode(v)))
        .collect();
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    if let Some(err) = get("error") {
        let _ = respond(
            &mut stream,
            "200 OK",
            "Sign-in failed. You can close this tab and return to the terminal.",
        );
        let detail = get("error_description")
            .map(|d| format!(" ({})", crate::error::one_line(d)))
            .unwrap_or_default();
        return Some(Err(Error::new(format!(
            "Identity Center did not sign you in: {}{detail}; run sso-env login to try again",
            crate::error::one_line(err)
        ))));
    }
    match (get("code"), get("state")) {
        (Some(code), Some(s)) if s == state => {
            let _ = respond(&mut stream, "200 OK", "Signed in to AWS IAM Identity Center. You can close this tab and return to the terminal.");
            Some(Ok(code.to_string()))
        }
        (Some(_), _) => {
            let _ = respond(
                &mut stream,
                "400 Bad Request",
                "This sign-in did not come from the request sso-env made; it was refused.",
            );
            Some(Err(Error::new("the sign-in redirect carried the wrong state (not the request sso-env made), so it was refused; run sso-env login again")))
        }
        _ => {
            let _ = respond(
                &mut stream,
                "400 Bad Request",
                "No sign-in code in this request.",
            );
            None
        }
    }
}

fn respond(stream: &mut TcpStream, status: &str, text: &str) -> std::io::Result<()> {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>sso-env</title></head><body style=\"font-family:sans-serif;margin:4em\"><p>{text}</p></body></html>"
    );
    write!(stream, "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())?;
    stream.flush()
}

/// What the user sees while waiting: a spinner with the time left on a terminal, nothing more
/// on a pipe (the instructions were already printed).
struct Waiting {
    what: &'static str,
    tty: bool,
    frame: usize,
    drawn: bool,
}

impl Waiting {
    fn new(what: &'static str) -> Waiting {
        Waiting {
            what,
            tty: std::io::stderr().is_terminal(),
            frame: 0,
            drawn: false,
        }
    }

    fn sleep(&mut self, d: Duration, deadline: Instant) {
        let end = Instant::now() + d;
        while Instant::now() < end {
            if self.tty {
                let left = deadline.saturating_duration_since(Instant::now()).as_secs();
                const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
                self.frame = (self.frame + 1) % FRAMES.len();
                eprint!(
                    "\r{} {} ({}:{:02} left, Ctrl-C to cancel) ",
                    FRAMES[self.frame],
                    self.what,
                    left / 60,
                    left % 60
                );
                self.drawn = true;
            }
            std::thread::sleep(
                end.saturating_duration_since(Instant::now())
                    .min(Duration::from_millis(100)),
            );
        }
    }

    fn done(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[2K");
            self.drawn = false;
        }
    }
}

/// 64 characters of `[A-Za-z0-9-._~]`, uniformly drawn (RFC 7636).
fn pkce_verifier() -> Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    let mut out = String::with_capacity(64);
    while out.len() < 64 {
        let mut buf = [0u8; 64];
        getrandom::getrandom(&mut buf)
            .map_err(|e| Error::new(format!("no randomness from the OS: {e}")))?;
        // Reject bytes past the last whole multiple of 66 so every character is equally likely.
        for b in buf
            .iter()
            .filter(|b| usize::from(**b) < 256 - 256 % ALPHABET.len())
        {
            if out.len() < 64 {
                out.push(ALPHABET[usize::from(*b) % ALPHABET.len()] as char);
            }
        }
    }
    Ok(out)
}

pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf)
        .map_err(|e| Error::new(format!("no randomness from the OS: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Says which sso-session or start URL a sign-in is for.
pub fn label(sso: &SsoSettings) -> String {
    match &sso.session_name {
        Some(s) => format!("sso-session {}", shown(s)),
        None => shown(&sso.start_url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_pieces() {
        let v = pkce_verifier().unwrap();
        assert_eq!(v.len(), 64);
        assert!(v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)));
        assert_ne!(v, pkce_verifier().unwrap());
        // RFC 7636 appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
