//! From a profile to `Credentials`: one `Source` per kind of profile (Identity Center `sso.rs`,
//! roles `assume_role.rs`, keys `static_keys.rs`, `process.rs`), each owning its cache-or-fetch
//! policy, and the typed login hint every "sign in again" message renders. `resolve` picks the
//! kind from the profile's keys in botocore's order. A new kind of profile is one new file here
//! and one arm in `resolve`.

mod assume_role;
pub(crate) mod env;
mod login;
mod process;
mod sso;
mod static_keys;
mod web_identity;

use std::fmt;

use crate::error::{shown, Error, Result};
use crate::keys::Credentials;
use crate::local::assume_role_cache::Args;
use crate::local::config::{Config, File, Parsed, ProfileView};

pub(crate) use assume_role::set_mfa_code;
use assume_role::{AssumeRoleSource, Via};
use login::LoginSource;
use process::ProcessSource;
use static_keys::StaticSource;
use web_identity::WebIdentitySource;

pub(crate) use sso::{session_token, SsoSource, REFRESH_WINDOW_SECS, TOKEN_MIN_SECS};

/// May a command that needs a sign-in run the login flow itself?
#[derive(Clone, Copy)]
pub(crate) enum OnDemand {
    /// Yes (a person is at a terminal).
    Login,
    /// No: fail fast with the command to run (an MFA code may still be asked on the terminal).
    Fail,
    /// Nothing interactive at all (`--no-login`): no sign-in and no MFA prompt, so that a
    /// background refresh never reads the terminal.
    Never,
}

impl OnDemand {
    /// Login on demand only when someone can see it: stderr (where the sign-in page, the code
    /// and the spinner go) is a terminal, `CI` is not set, and `--no-login` was not given. A
    /// terminal on stdin alone is not enough: as a `credential_process` the AWS CLI captures
    /// our stderr while stdin stays the user's terminal, and a sign-in would hang unseen.
    pub(crate) fn detect(no_login: bool) -> OnDemand {
        use std::io::IsTerminal;
        let interactive = std::io::stderr().is_terminal();
        if no_login {
            OnDemand::Never
        } else if interactive && std::env::var_os("CI").is_none() {
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
    /// `sso`, `role`, `static` or `process` (the `profiles` KIND column).
    fn kind(&self) -> &'static str;
    /// This profile and the ones its credentials rest on, down to the root.
    fn chain(&self) -> Vec<String> {
        vec![self.name().to_string()]
    }
    /// The name and kind of the profile the chain rests on (the profile itself but for roles),
    /// for saying what renews refused credentials.
    fn root(&self) -> (String, &'static str) {
        (self.name().to_string(), self.kind())
    }
    /// The assume-role cache entry this profile's credentials live in, for roles.
    fn cache_key(&self) -> Option<String> {
        None
    }
    /// Drops cached credentials that AWS refused, so the next `get` fetches new ones; `false`
    /// when there was nothing to drop (keys written in a file stay what they are).
    fn forget(&self) -> Result<bool> {
        Ok(false)
    }
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
    resolve_in(&config.parse()?, name)
}

/// The source behind `name` when the command was not given a profile (it came from
/// `AWS_PROFILE` or is `default`): botocore then also reads the web-identity settings from the
/// environment (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`), and
/// they need no profile at all.
pub(crate) fn resolve_unnamed(config: &Config, name: &str) -> Result<Box<dyn Source>> {
    crate::remote::net::for_profile(name);
    resolve_with(&config.parse()?, name, true)
}

/// The source behind `name` in a config already parsed (`profiles` resolves many).
pub(crate) fn resolve_in(parsed: &Parsed<'_>, name: &str) -> Result<Box<dyn Source>> {
    resolve_with(parsed, name, false)
}

fn resolve_with(parsed: &Parsed<'_>, name: &str, env: bool) -> Result<Box<dyn Source>> {
    let p = match parsed.view(name) {
        Ok(p) => p,
        Err(e) => {
            return match WebIdentitySource::find(name, None, env, None, None) {
                Some(source) => Ok(Box::new(source?)),
                None => Err(e),
            }
        }
    };
    let region = region_of(&p);
    let mut r = Resolver {
        parsed,
        sts_region: region.clone(),
        visited: vec![name.to_string()],
        env,
    };
    r.top(&p, region)
}

/// The profile whose sign-in `name` rests on: the root of a role's chain, else `name`
/// itself (also when it does not resolve, so the caller's own error is the one shown).
pub(crate) fn root_profile(parsed: &Parsed<'_>, name: &str) -> String {
    resolve_in(parsed, name)
        .ok()
        .and_then(|s| s.chain().pop())
        .unwrap_or_else(|| name.to_string())
}

fn region_of(p: &ProfileView<'_>) -> Option<String> {
    p.get("region").filter(|r| !r.is_empty()).map(String::from)
}

/// Walks a chain of profiles as botocore's `AssumeRoleProvider` does.
struct Resolver<'a, 'c> {
    parsed: &'a Parsed<'c>,
    sts_region: Option<String>,
    /// Profiles met on the way down, to refuse a loop with its chain named.
    visited: Vec<String>,
    /// Web-identity settings from the environment count (the asked-for profile, unnamed).
    env: bool,
}

impl Resolver<'_, '_> {
    /// The profile a command asked for: a role when it has `role_arn`, else its own kind.
    fn top(&mut self, p: &ProfileView<'_>, region: Option<String>) -> Result<Box<dyn Source>> {
        if is_role(p) {
            // Source profiles never read the environment (botocore's disable_env_vars).
            self.env = false;
            return self.role(p, region);
        }
        self.leaf(p, region)
    }

    /// A profile that is not used as a role: botocore's profile providers in order: web
    /// identity, Identity Center, the credentials file's keys, an `aws login` session, a
    /// process, the config's keys.
    fn leaf(&mut self, p: &ProfileView<'_>, region: Option<String>) -> Result<Box<dyn Source>> {
        let (env, sts_region) = (std::mem::take(&mut self.env), self.sts_region.clone());
        if let Some(w) = WebIdentitySource::find(p.name, Some(p), env, region.clone(), sts_region) {
            return Ok(Box::new(w?));
        }
        let sso_keys = [
            "sso_session",
            "sso_start_url",
            "sso_region",
            "sso_account_id",
            "sso_role_name",
        ];
        if sso_keys.iter().any(|k| p.has(k)) {
            return Ok(Box::new(SsoSource::new(self.parsed.sso_profile(p.name)?)));
        }
        if static_keys::has_keys_in(p, File::Credentials) {
            return Ok(Box::new(StaticSource::new(p, File::Credentials, region)?));
        }
        if let Some(session) = p.get("login_session").filter(|s| !s.is_empty()) {
            return Ok(Box::new(LoginSource {
                name: p.name.to_string(),
                region,
                call_region: self.sts_region.clone(),
                session: session.to_string(),
            }));
        }
        if let Some(cmd) = p.get("credential_process").filter(|c| !c.is_empty()) {
            let at = p.at("credential_process");
            let above = self.visited.clone();
            return Ok(Box::new(ProcessSource::new(p.name, region, cmd, at, above)));
        }
        if static_keys::has_keys_in(p, File::Config) {
            return Ok(Box::new(StaticSource::new(p, File::Config, region)?));
        }
        if let Some(msg) = static_keys::lone_secret(p) {
            return Err(Error::new(msg));
        }
        Err(Error::new(format!(
            "{}: profile {} has no credentials: no sso_session or sso_* keys, aws_access_key_id, role_arn, web_identity_token_file, login_session or credential_process; add one, or for Identity Center run: sso-env configure",
            p.at("region"),
            shown(p.name)
        )))
    }

    fn role(&mut self, p: &ProfileView<'_>, region: Option<String>) -> Result<Box<dyn Source>> {
        let via = match (p.get("source_profile"), p.get("credential_source")) {
            (Some(_), Some(_)) => {
                return Err(Error::new(format!(
                    "{}: profile {} has both source_profile and credential_source; keep one",
                    p.at("credential_source"),
                    shown(p.name)
                )))
            }
            (None, None) => {
                return Err(Error::new(format!(
                    "{}: profile {} has role_arn but no source_profile or credential_source; add source_profile = NAME (the profile whose credentials assume the role)",
                    p.at("role_arn"),
                    shown(p.name)
                )))
            }
            (Some(src), None) => Via::Profile(self.source(p, src)?),
            (None, Some("Environment")) => Via::Environment,
            (None, Some("EcsContainer")) => Via::Named("EcsContainer"),
            (None, Some("Ec2InstanceMetadata")) => Via::Named("Ec2InstanceMetadata"),
            (None, Some(other)) => {
                return Err(Error::new(format!(
                    "{}: credential_source {} in profile {} is not valid; use Environment, EcsContainer or Ec2InstanceMetadata",
                    p.at("credential_source"),
                    shown(other),
                    shown(p.name)
                )));
            }
        };
        Ok(Box::new(AssumeRoleSource {
            name: p.name.to_string(),
            region,
            sts_region: self.sts_region.clone(),
            args: role_args(p)?,
            via,
        }))
    }

    /// `source_profile = src` of role profile `p`: its own keys when it names itself, a role
    /// when it is one (and has no keys), else its own kind.
    fn source(&mut self, p: &ProfileView<'_>, src: &str) -> Result<Box<dyn Source>> {
        let Ok(s) = self.parsed.view(src) else {
            let e = self.parsed.unknown_profile(src).to_string();
            return Err(Error::new(format!(
                "{}: source_profile of profile {}: {e}",
                p.at("source_profile"),
                shown(p.name)
            )));
        };
        let has_keys = s.has("aws_access_key_id") || s.has("aws_secret_access_key");
        if self.visited.iter().any(|v| v == src) && !(src == p.name && has_keys) {
            let mut chain = self.visited.clone();
            chain.push(src.to_string());
            return Err(Error::new(format!(
                "{}: profiles source each other in a loop ({}); point source_profile at a profile with credentials",
                p.at("source_profile"),
                chain.join(" -> ")
            )));
        }
        self.visited.push(src.to_string());
        let region = region_of(&s);
        if has_keys || !is_role(&s) {
            return self.leaf(&s, region);
        }
        self.role(&s, region)
    }
}

/// botocore's test: `role_arn`, and not a web-identity profile.
fn is_role(p: &ProfileView<'_>) -> bool {
    p.has("role_arn") && !p.has("web_identity_token_file")
}

/// The AssumeRole arguments a role profile sets, as botocore reads them.
fn role_args(p: &ProfileView<'_>) -> Result<Args> {
    let opt = |k: &str| p.get(k).map(String::from);
    // botocore drops a duration_seconds that is not an integer; one STS cannot take is
    // refused here rather than wrapped into another number.
    let duration_seconds = match p.get("duration_seconds").map(|d| d.trim().parse::<i128>()) {
        Some(Ok(d)) if !(900..=43200).contains(&d) => {
            return Err(Error::new(format!(
                "{}: duration_seconds = {d} in profile {} is out of range; AssumeRole takes 900 to 43200 seconds",
                p.at("duration_seconds"),
                shown(p.name)
            )))
        }
        Some(Ok(d)) => i64::try_from(d).ok(),
        _ => None,
    };
    Ok(Args {
        role_arn: p.get("role_arn").unwrap_or_default().to_string(),
        // An empty name is botocore's "not given": generated, and left out of the cache key.
        session_name: opt("role_session_name").filter(|n| !n.is_empty()),
        external_id: opt("external_id"),
        serial_number: opt("mfa_serial"),
        duration_seconds,
    })
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
