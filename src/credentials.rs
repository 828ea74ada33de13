//! From a profile to role credentials: the role cache first (the warm path: one file read, no
//! SDK), else the SSO token and one GetRoleCredentials call, under a lock so that concurrent
//! invocations for the same role make one call and all get the same credentials.

use crate::config::SsoProfile;
use crate::error::{shown, Error, Result};
use crate::portal::{self, FetchError};
use crate::role_cache::{self, RoleCredentials};
use crate::{fsutil, sso_cache, timefmt};

/// A token with less than this left is not used; without a refresh, sign in again.
pub const TOKEN_MIN_SECS: i64 = 5 * 60;

pub fn get(p: &SsoProfile) -> Result<RoleCredentials> {
    if let Some(c) = role_cache::read(p, timefmt::now())? {
        return Ok(c);
    }
    let _lock = fsutil::lock(&role_cache::key(p))?;
    // Someone may have fetched while we waited for the lock.
    if let Some(c) = role_cache::read(p, timefmt::now())? {
        return Ok(c);
    }
    let now = timefmt::now();
    let token = match sso_cache::read_token(&p.sso)? {
        Some(t) if t.expires_at - now >= TOKEN_MIN_SECS => t,
        Some(t) if t.expires_at > now => {
            return Err(needs_login(
                p,
                "your Identity Center sign-in expires in under 5 minutes",
            ))
        }
        Some(_) => return Err(needs_login(p, "your Identity Center sign-in has expired")),
        None => return Err(needs_login(p, "you are not signed in to Identity Center")),
    };
    match portal::get_role_credentials(p, &token.access_token) {
        Ok(creds) => {
            if let Err(e) = role_cache::write(p, &creds) {
                eprintln!("sso-env: warning: {e}");
            }
            Ok(creds)
        }
        Err(FetchError::Unauthorized) => Err(needs_login(
            p,
            "Identity Center refused your sign-in (expired or revoked)",
        )),
        Err(FetchError::Other(e)) => Err(e),
    }
}

/// The error that sends the user to `sso-env login`, with the exact command to run.
pub fn needs_login(p: &SsoProfile, why: &str) -> Error {
    let via = match &p.sso.session_name {
        Some(s) => format!(" (sso-session {})", shown(s)),
        None => String::new(),
    };
    Error::new(format!(
        "{why} for profile {}{via}; run: sso-env login --profile {}",
        shown(&p.name),
        shell_words::quote(&p.name)
    ))
}
