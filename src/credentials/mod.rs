//! From a profile to `Credentials`: one `Source` per kind of profile (today Identity Center,
//! `sso.rs`), each owning its cache-or-fetch policy, and the typed login hint every "sign in
//! again" message renders. A new kind of profile is one new file here and one arm in `resolve`.

pub(crate) mod env;
mod sso;

use std::fmt;

use crate::error::Result;
use crate::keys::Credentials;
use crate::local::config::Config;

pub(crate) use sso::{session_token, SsoSource, REFRESH_WINDOW_SECS, TOKEN_MIN_SECS};

/// May a command that needs a sign-in run the login flow itself?
#[derive(Clone, Copy)]
pub(crate) enum OnDemand {
    /// Yes (a person is at a terminal).
    Login,
    /// No: fail fast with the command to run.
    Fail,
}

impl OnDemand {
    /// Login on demand only when someone can see it: stderr (where the sign-in page, the code
    /// and the spinner go) is a terminal, `CI` is not set, and `--no-login` was not given. A
    /// terminal on stdin alone is not enough: as a `credential_process` the AWS CLI captures
    /// our stderr while stdin stays the user's terminal, and a sign-in would hang unseen.
    pub(crate) fn detect(no_login: bool) -> OnDemand {
        use std::io::IsTerminal;
        let interactive = std::io::stderr().is_terminal();
        if !no_login && interactive && std::env::var_os("CI").is_none() {
            OnDemand::Login
        } else {
            OnDemand::Fail
        }
    }
}

/// Whom a profile's credentials act as, for the prompt and `status`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Identity {
    pub account_id: Option<String>,
    pub role_name: Option<String>,
}

/// Where a profile's credentials come from.
pub(crate) trait Source {
    /// The profile's name.
    fn name(&self) -> &str;
    /// The profile's `region`, if any.
    fn region(&self) -> Option<&str>;
    fn identity(&self) -> Identity;
    /// Credentials good for a while: cached when they are, else fetched (and cached).
    fn get(&self, on_demand: OnDemand) -> Result<Credentials>;
}

/// The source behind profile `name`.
pub(crate) fn resolve(config: &Config, name: &str) -> Result<Box<dyn Source>> {
    // Its `ca_bundle` applies to any call made for it (read only if a call is made).
    crate::remote::net::for_profile(name);
    Ok(Box::new(SsoSource::new(config.sso_profile(name)?)))
}

/// What to pass to `sso-env login` to sign in again: rendered in one place so every message
/// names a command that exists.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LoginHint {
    Profile(String),
    Session(String),
}

impl fmt::Display for LoginHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoginHint::Profile(p) => write!(f, "sso-env login --profile {}", shell_words::quote(p)),
            LoginHint::Session(s) => {
                write!(f, "sso-env login --sso-session {}", shell_words::quote(s))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_hints_are_commands() {
        assert_eq!(
            LoginHint::Session("koa".into()).to_string(),
            "sso-env login --sso-session koa"
        );
        assert_eq!(
            LoginHint::Profile("it's".into()).to_string(),
            r"sso-env login --profile 'it'\''s'"
        );
    }
}
