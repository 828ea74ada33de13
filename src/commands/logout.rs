//! `sso-env logout`: end sign-ins on the service, then delete the token files and the cached
//! role credentials they produced, as `aws sso logout` does. With no arguments, every sign-in
//! (as `aws sso logout`); `--profile` or `--sso-session` for one.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::local::config::{Config, SsoSettings};
use crate::local::fsutil;
use crate::local::paths;
use crate::local::role_cache;
use crate::local::sso_cache;
use crate::remote::portal;
use crate::signin;

use clap::Args;

use super::Run;

#[derive(Args)]
#[command(
    after_help = "Examples:\n  sso-env logout                             # every sign-in, like aws sso logout\n  sso-env logout --profile koa-dev-customer\n  sso-env logout --sso-session koa"
)]
pub(crate) struct Logout {
    #[arg(long, conflicts_with_all = ["sso_session", "all"])]
    profile: Option<String>,
    #[arg(long, conflicts_with = "all")]
    sso_session: Option<String>,
    /// Every cached sign-in and SSO role credential (the default).
    #[arg(long)]
    all: bool,
}

impl Run for Logout {
    fn run(self) -> Result<i32> {
        let target = match (self.sso_session, self.profile) {
            (Some(s), _) => Target::Session(s),
            (None, Some(p)) => Target::Profile(p),
            (None, None) => Target::All,
        };
        run(target)?;
        Ok(0)
    }
}

enum Target {
    /// The sign-in behind one profile (its sso-session, or its start URL).
    Profile(String),
    Session(String),
    /// Every cached sign-in and every cached SSO role credential.
    All,
}

fn run(target: Target) -> Result<()> {
    let (config, sso) = match target {
        Target::All => {
            all()?;
            remind_exported(|_| true);
            return Ok(());
        }
        Target::Profile(name) => {
            let config = Config::load()?;
            let sso = config.login_settings(&name)?;
            (config, sso)
        }
        Target::Session(name) => {
            let config = Config::load()?;
            let sso = config.session_settings(&name)?;
            (config, sso)
        }
    };
    one(&config, &sso)?;
    remind_exported(|active| config.login_settings(active).is_ok_and(|s| s == sso));
    Ok(())
}

/// Role credentials outlive the sign-in that produced them: if this shell holds some from the
/// session just ended (`SSO_ENV_PROFILE`, set by export), say so and until when.
fn remind_exported(same_session: impl Fn(&str) -> bool) {
    let Some(active) = std::env::var("SSO_ENV_PROFILE")
        .ok()
        .filter(|p| !p.is_empty())
    else {
        return;
    };
    if !same_session(&active) {
        return;
    }
    let now = crate::timefmt::now();
    let until = std::env::var("AWS_CREDENTIAL_EXPIRATION")
        .ok()
        .and_then(|t| crate::timefmt::parse(&t).map(|secs| (t, secs)))
        .filter(|(_, secs)| *secs > now)
        .map_or_else(
            || "until they expire".to_string(),
            |(t, secs)| format!("until {t} ({} left)", super::profiles::left(secs - now)),
        );
    eprintln!(
        "sso-env: this shell still holds role credentials of {} {until}; \
         remove them with: use-profile --clear (or eval \"$(sso-env unset)\")",
        crate::error::shown(&active)
    );
}

fn one(config: &Config, sso: &SsoSettings) -> Result<()> {
    let label = signin::label(sso);
    if let Some(t) = sso_cache::read_token(sso)? {
        end_session(&sso.region, &t.access_token);
    }
    let had_token = sso_cache::delete_token(sso)?;
    let mut removed = 0;
    for p in config.profiles_using(sso)? {
        if fsutil::remove_optional(&role_cache::path(&p)?)? {
            removed += 1;
        }
    }
    let what = if had_token {
        "signed out of"
    } else {
        "was not signed in to"
    };
    eprintln!("sso-env: {what} {label}; removed {removed} cached role credential(s)");
    Ok(())
}

fn all() -> Result<()> {
    let mut tokens = 0;
    for (path, v) in json_files(&paths::sso_cache_dir()?)? {
        // Token files have an access token; client registrations (kept, as the AWS CLI keeps
        // them) do not.
        let Some(access_token) = v.get("accessToken").and_then(Value::as_str) else {
            continue;
        };
        if let Some(region) = v.get("region").and_then(Value::as_str) {
            end_session(region, access_token);
        }
        if fsutil::remove_optional(&path)? {
            tokens += 1;
        }
    }
    let mut creds = 0;
    for (path, v) in json_files(&paths::role_cache_dir()?)? {
        if v.get("ProviderType").and_then(Value::as_str) == Some("sso")
            && fsutil::remove_optional(&path)?
        {
            creds += 1;
        }
    }
    eprintln!(
        "sso-env: signed out; removed {tokens} sign-in(s) and {creds} cached role credential(s)"
    );
    Ok(())
}

/// Logout on the service; failure (offline, say) still lets the local sign-out go ahead.
fn end_session(region: &str, access_token: &str) {
    if let Err(e) = portal::logout(region, access_token) {
        eprintln!("sso-env: warning: could not end the session on the service ({e}); removing it here anyway");
    }
}

fn json_files(dir: &Path) -> Result<Vec<(std::path::PathBuf, Value)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::new(format!("cannot read {}: {e}", dir.display()))),
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "json") {
            if let Ok(v) =
                serde_json::from_slice::<Value>(&std::fs::read(&path).unwrap_or_default())
            {
                out.push((path, v));
            }
        }
    }
    Ok(out)
}
