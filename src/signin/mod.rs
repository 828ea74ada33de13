//! `sso-env login`: sign in to Identity Center and cache the token where the AWS CLI v2 keeps
//! it, so `aws`, boto3, Terraform and the SDKs use it too.
//!
//! sso-session profiles sign in with an authorization code and PKCE: a one-shot listener on
//! 127.0.0.1 (only), the browser opened on the `/authorize` page, `state` checked on the way
//! back. Legacy profiles, `--device-code`, and machines with no browser use the device flow.
//! Everything the user sees goes to stderr; nothing is written until the token is in hand.

pub(crate) mod browser;
mod callback;
mod pkce;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use crate::error::{shown, Error, Result};
use crate::local::config::SsoSettings;
use crate::local::sso_cache::{self, Registration, Token};
use crate::remote::oidc::{NewToken, Oidc, TokenError};
use crate::term::spinner::Waiting;
use crate::timefmt;
use crate::url;

#[derive(Default, Clone, Copy)]
pub(crate) struct Options {
    /// Use the device flow even where PKCE is possible.
    pub device_code: bool,
    /// Print the URL instead of opening a browser.
    pub no_browser: bool,
}

/// Signs in and caches the token. `label` names what is signed in to, for messages.
pub(crate) fn login(sso: &SsoSettings, label: &str, opts: Options) -> Result<Token> {
    let (issuer, moved) = follow_start_url(sso)?;
    let sso = moved.as_ref().unwrap_or(sso);
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
        let reg = registration(&oidc, sso, pkce, fresh, &issuer)?;
        let result = if pkce {
            browser_flow(&oidc, sso, &reg, opts)
        } else {
            device_flow(&oidc, &issuer, &reg, opts)
        };
        match result {
            Ok(new) => {
                let token = to_token(&reg, new);
                // This command still uses a sign-in that could not be saved (after fsutil's retries).
                if let Err(e) = sso_cache::write_token(sso, &token) {
                    eprintln!("sso-env: warning: signed in but could not save the sign-in: {e}");
                }
                eprintln!(
                    "sso-env: signed in to {label}; valid until {}",
                    timefmt::format_utc(token.expires_at)
                );
                if moved.is_some() {
                    record_region(sso)?;
                }
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

/// The issuer URL to send, and, when a company's start URL leads to an issuer in another
/// region than `sso_region`, the settings with that region: the AWS CLI signs in there and then
/// updates `sso_region` in the config (`record_region`).
fn follow_start_url(sso: &SsoSettings) -> Result<(String, Option<SsoSettings>)> {
    let issuer = crate::remote::vanity::resolve(&sso.start_url)?;
    let vanity = issuer.url != sso.start_url;
    let moved = match issuer.region {
        Some(r) if vanity && r != sso.region => Some(SsoSettings {
            region: r,
            ..sso.clone()
        }),
        _ => None,
    };
    Ok((issuer.url, moved))
}

/// Writes the issuer's region as `sso_region` of the sso-session, as `aws sso login` does
/// after a vanity URL moved it; a legacy profile (whose name is not known here) is named in a
/// warning instead.
fn record_region(sso: &SsoSettings) -> Result<()> {
    let path = crate::local::paths::config_file()?;
    match &sso.session_name {
        Some(s) => {
            let header = format!("[sso-session {s}]");
            crate::local::config_edit::set_key(&path, &header, "sso_region", &sso.region)?;
            eprintln!(
                "sso-env: SSO region updated to {} in {}",
                sso.region,
                path.display()
            );
        }
        None => eprintln!(
            "sso-env: warning: {} is in region {}; set sso_region = {} in the profiles that use it",
            shown(&sso.start_url),
            sso.region,
            sso.region
        ),
    }
    Ok(())
}

fn registration(
    oidc: &Oidc,
    sso: &SsoSettings,
    pkce: bool,
    force_new: bool,
    issuer: &str,
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
    let reg = oidc.register(sso, pkce, issuer)?;
    sso_cache::write_registration(sso, &reg)?;
    Ok(reg)
}

/// The token file's content, as the AWS CLI writes it after a sign-in.
pub(crate) fn to_token(reg: &Registration, new: NewToken) -> Token {
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
    start_url: &str,
    reg: &Registration,
    opts: Options,
) -> Result<NewToken, TokenError> {
    let auth = oidc.start_device(reg, start_url)?;
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
    let verifier = pkce::verifier().map_err(other)?;
    let state = pkce::random_hex(16).map_err(other)?;
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
        pkce::challenge(&verifier)
    );
    let opened = !opts.no_browser && browser::open(&url);
    if opened {
        eprintln!("sso-env: signing in in your browser; if it did not open, open this page on this machine:");
    } else {
        eprintln!("sso-env: to sign in, open this page in a browser on this machine:");
    }
    eprintln!("  {url}");
    let code = callback::wait_for_callback(&listener, &state).map_err(other)?;
    oidc.exchange_code(reg, &code, &verifier, &redirect_uri)
}

/// Says which sso-session or start URL a sign-in is for.
pub(crate) fn label(sso: &SsoSettings) -> String {
    match &sso.session_name {
        Some(s) => format!("sso-session {}", shown(s)),
        None => shown(&sso.start_url),
    }
}
