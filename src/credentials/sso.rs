//! Identity Center profiles: the role cache first (the warm path: one file read, no SDK),
//! else a valid SSO token (refreshed, or signed in on demand, when needed) and one
//! GetRoleCredentials call, under a lock so that concurrent invocations for the same role make
//! one call and all get the same credentials.

use super::{Identity, LoginHint, OnDemand, Source};
use crate::error::{shown, Error, Result, EXIT_LOGIN_NEEDED};
use crate::keys::Credentials;
use crate::local::config::{SsoProfile, SsoSettings};
use crate::local::fsutil;
use crate::local::role_cache::{self, Entry};
use crate::local::sso_cache::{self, Token};
use crate::remote::oidc::{Oidc, TokenError};
use crate::remote::portal::{self, FetchError};
use crate::signin;
use crate::timefmt;

/// Under this much left, a token is refreshed when it can be (botocore's window).
pub(crate) const REFRESH_WINDOW_SECS: i64 = 15 * 60;
/// Under this much left and no way to refresh, a token is not used: sign in again.
pub(crate) const TOKEN_MIN_SECS: i64 = 5 * 60;

pub(crate) struct SsoSource {
    profile: SsoProfile,
}

impl SsoSource {
    pub(crate) fn new(profile: SsoProfile) -> SsoSource {
        SsoSource { profile }
    }
}

impl Source for SsoSource {
    fn name(&self) -> &str {
        &self.profile.name
    }

    fn kind(&self) -> &'static str {
        "sso"
    }

    fn region(&self) -> Option<&str> {
        self.profile.region.as_deref()
    }

    fn identity(&self) -> Identity {
        Identity {
            account_id: Some(self.profile.account_id.clone()),
            role_name: Some(self.profile.role_name.clone()),
        }
    }

    fn get(&self, on_demand: OnDemand) -> Result<Credentials> {
        Ok(get(&self.profile, on_demand)?.credentials)
    }

    fn forget(&self) -> Result<bool> {
        fsutil::remove_optional(&role_cache::path(&self.profile)?)
    }
}

fn get(p: &SsoProfile, on_demand: OnDemand) -> Result<Entry> {
    if let Some(c) = role_cache::read(p, timefmt::now())? {
        crate::debug!(
            "role credentials from the cache {} (until {})",
            role_cache::path(p)?.display(),
            timefmt::format_utc(c.expiration)
        );
        return Ok(c);
    }
    crate::debug!(
        "role cache miss at {}; taking the lock",
        role_cache::path(p)?.display()
    );
    let _lock = fsutil::lock(&role_cache::key(p))?;
    // Someone may have fetched while we waited for the lock.
    if let Some(c) = role_cache::read(p, timefmt::now())? {
        return Ok(c);
    }
    let token = session_token(&p.sso, &LoginHint::Profile(p.name.clone()), on_demand)?;
    let started = std::time::Instant::now();
    crate::debug!(
        "GetRoleCredentials for account {} role {}",
        p.account_id,
        p.role_name
    );
    let creds = match portal::get_role_credentials(p, &token.access_token) {
        Ok(c) => c,
        Err(FetchError::Unauthorized) => {
            // Revoked or expired server-side: the cached token is useless to everyone.
            let _ = sso_cache::delete_token(&p.sso);
            let why = "Identity Center refused your sign-in (expired or revoked)";
            let OnDemand::Login = on_demand else {
                return Err(needs_login(p, why));
            };
            eprintln!("sso-env: {why}; signing in again");
            let token = signin::login(&p.sso, &signin::label(&p.sso), signin::Options::default())?;
            portal::get_role_credentials(p, &token.access_token).map_err(|e| match e {
                FetchError::Unauthorized => needs_login(p, why),
                FetchError::Other(e) => e,
            })?
        }
        Err(FetchError::Other(e)) => return Err(e),
    };
    crate::debug!(
        "role credentials fetched in {} ms, until {}",
        started.elapsed().as_millis(),
        timefmt::format_utc(creds.expiration)
    );
    check_clock(&creds)?;
    if let Err(e) = role_cache::write(p, &creds) {
        eprintln!("sso-env: warning: {e}");
    }
    Ok(creds)
}

/// A token good for Identity Center calls: the cached one, refreshed when close to expiry, or
/// a new sign-in when allowed. `hint` says how to sign in when that is not allowed.
pub(crate) fn session_token(
    sso: &SsoSettings,
    hint: &LoginHint,
    on_demand: OnDemand,
) -> Result<Token> {
    let now = timefmt::now();
    let cached = read_token(sso)?;
    match &cached {
        Some(t) => crate::debug!(
            "token {} expires {}",
            sso_cache::token_path(sso)?.display(),
            timefmt::format_utc(t.expires_at)
        ),
        None => crate::debug!(
            "no usable token at {}",
            sso_cache::token_path(sso)?.display()
        ),
    }
    if let Some(t) = &cached {
        if t.expires_at - now >= REFRESH_WINDOW_SECS {
            return Ok(t.clone());
        }
        if t.refresh_grant(now).is_some() {
            if let Some(t) = refresh(sso)? {
                return Ok(t);
            }
        }
        if t.expires_at - now >= TOKEN_MIN_SECS {
            return Ok(t.clone());
        }
    }
    let why = match &cached {
        Some(t) if t.expires_at > now => "your Identity Center sign-in expires in under 5 minutes",
        Some(_) => "your Identity Center sign-in has expired",
        None => "you are not signed in to Identity Center",
    };
    let label = signin::label(sso);
    match on_demand {
        OnDemand::Login => {
            eprintln!("sso-env: {why}; signing in to {label}");
            signin::login(sso, &label, signin::Options::default())
        }
        OnDemand::Fail | OnDemand::Never => {
            Err(Error::new(format!("{why} ({label}); run: {hint}")).with_code(EXIT_LOGIN_NEEDED))
        }
    }
}

/// Tokens this process refreshed but could not save, by token key: a long-running endpoint
/// (`exec --server`, `serve`) keeps using them rather than the file's older one, whose
/// refresh token the service has already spent.
static UNSAVED: std::sync::Mutex<Vec<(String, Token)>> = std::sync::Mutex::new(Vec::new());

/// The cached token, or the one refreshed here and not saved when it is newer.
fn read_token(sso: &SsoSettings) -> Result<Option<Token>> {
    let file = sso_cache::read_token(sso)?;
    let key = sso_cache::token_key(sso);
    let unsaved = UNSAVED
        .lock()
        .ok()
        .and_then(|u| u.iter().find(|(k, _)| *k == key).map(|(_, t)| t.clone()));
    Ok(match (file, unsaved) {
        (Some(f), Some(u)) if f.expires_at >= u.expires_at => Some(f),
        (f, None) => f,
        (_, u) => u,
    })
}

/// Refreshes the token with its refresh token, once for all concurrent callers: under the
/// token's lock, a token someone else just refreshed is used as it is, so a rotating refresh
/// token is never spent twice. `None` when refreshing is not possible or was refused.
fn refresh(sso: &SsoSettings) -> Result<Option<Token>> {
    let _lock = fsutil::lock(&format!("token-{}", sso_cache::token_key(sso)))?;
    let now = timefmt::now();
    let Some(current) = read_token(sso)? else {
        return Ok(None);
    };
    if current.expires_at - now >= REFRESH_WINDOW_SECS {
        return Ok(Some(current));
    }
    let Some((reg, refresh_token)) = current.refresh_grant(now) else {
        return Ok(None);
    };
    crate::debug!(
        "refreshing the token (expires {})",
        timefmt::format_utc(current.expires_at)
    );
    let oidc = Oidc::new(&sso.region)?;
    match oidc.refresh(&reg, &refresh_token) {
        Ok(new) => {
            let mut token = signin::to_token(&reg, new);
            // Keep what the file had (startUrl, the registration's expiry) and rotate the rest.
            for (k, v) in &current.fields {
                token.fields.entry(k.clone()).or_insert_with(|| v.clone());
            }
            // The service has rotated the refresh token: this one is the only good copy. A
            // file that cannot be written (full disk, root-owned) must not lose the sign-in
            // for this command too.
            if let Err(e) = sso_cache::write_token(sso, &token) {
                eprintln!(
                    "sso-env: warning: {e}; using the refreshed sign-in for this command only"
                );
                if let Ok(mut unsaved) = UNSAVED.lock() {
                    unsaved.retain(|(k, _)| *k != sso_cache::token_key(sso));
                    unsaved.push((sso_cache::token_key(sso), token.clone()));
                }
            }
            Ok(Some(token))
        }
        // Refused: the caller falls back to the token as it is, or to a new sign-in.
        Err(TokenError::InvalidGrant | TokenError::InvalidClient) => Ok(None),
        Err(TokenError::Other(e)) => {
            eprintln!("sso-env: warning: could not refresh the sign-in: {e}");
            Ok(None)
        }
        Err(TokenError::Pending | TokenError::SlowDown) => Ok(None),
    }
}

/// Role credentials carry an absolute expiry; one already past by our clock (or absurdly far
/// ahead) means the machine's clock is wrong, which breaks every signed AWS request too.
fn check_clock(c: &Entry) -> Result<()> {
    let now = timefmt::now();
    let skew_hint = |secs: i64| format!("about {} minutes", secs.abs() / 60);
    if c.expiration <= now {
        return Err(Error::new(format!(
            "Identity Center issued credentials that expire at {}, which this machine's clock says has passed ({} ago): the system clock is probably wrong; fix it (e.g. enable NTP)",
            timefmt::format_utc(c.expiration),
            skew_hint(now - c.expiration)
        )));
    }
    // Role sessions last at most 12 hours.
    if c.expiration - now > 12 * 3600 + 600 {
        eprintln!(
            "sso-env: warning: these credentials expire at {}, more than 12 hours from this machine's time: the system clock is probably behind",
            timefmt::format_utc(c.expiration)
        );
    }
    Ok(())
}

/// The error that sends the user to `sso-env login`, with the exact command to run.
fn needs_login(p: &SsoProfile, why: &str) -> Error {
    let via = match &p.sso.session_name {
        Some(s) => format!(" (sso-session {})", shown(s)),
        None => String::new(),
    };
    Error::new(format!(
        "{why} for profile {}{via}; run: {}",
        shown(&p.name),
        LoginHint::Profile(p.name.clone())
    ))
    .with_code(EXIT_LOGIN_NEEDED)
}
