//! `sso-env status`: what this shell has active, and whether the sign-in behind it is still
//! valid.

use std::fmt::Write as _;

use clap::Args;

use super::profiles::left;
use super::{print, Run};
use crate::credentials;
use crate::error::{Error, Result};
use crate::local::config::Config;
use crate::local::sso_cache;
use crate::timefmt;

#[derive(Args)]
#[command(after_help = "Example:\n  sso-env status      # after use-profile NAME")]
pub(crate) struct Status {}

impl Run for Status {
    fn run(self) -> Result<i32> {
        print(&status()?)
    }
}

fn status() -> Result<String> {
    let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    let Some(profile) = var("SSO_ENV_PROFILE") else {
        return Err(Error::new("no sso-env profile is active in this shell; run: use-profile NAME (see sso-env init --help)"));
    };
    let now = timefmt::now();
    let mut out = String::new();
    let _ = writeln!(out, "profile  {profile}");
    if let (Some(role), Some(account)) = (var("SSO_ENV_ROLE_NAME"), var("SSO_ENV_ACCOUNT_ID")) {
        let _ = writeln!(out, "role     {role} in account {account}");
    }
    if let Some(region) = var("AWS_REGION") {
        let _ = writeln!(out, "region   {region}");
    }
    match var("SSO_ENV_EXPIRES_AT").and_then(|v| v.parse::<i64>().ok()) {
        Some(t) if t > now => {
            let _ = writeln!(
                out,
                "expires  {} ({} left)",
                timefmt::format_utc(t),
                left(t - now)
            );
        }
        Some(t) => {
            let _ = writeln!(
                out,
                "expires  {} (expired; run: use-profile {})",
                timefmt::format_utc(t),
                shell_words::quote(&profile)
            );
        }
        None => {}
    }
    if var("AWS_PROFILE").as_deref() != Some(profile.as_str()) {
        let _ = writeln!(
            out,
            "note     AWS_PROFILE is {:?}, not this profile",
            var("AWS_PROFILE").unwrap_or_default()
        );
    }
    let (chain, sign_in) = sign_in(&profile, now)?;
    if chain.len() > 1 {
        let _ = writeln!(out, "chain    {}", chain.join(" <- "));
    }
    let _ = writeln!(out, "sign-in  {sign_in}");
    Ok(out)
}

/// The chain `profile` rests on (itself alone unless it is a role) and the state of the
/// sign-in at its root.
fn sign_in(profile: &str, now: i64) -> Result<(Vec<String>, String)> {
    let profile = profile.to_string();
    let config = Config::load()?;
    let parsed = config.parse()?;
    // A role rests on the profiles below it: show them and the sign-in at the root.
    let (chain, root_kind) = match credentials::resolve_in(&parsed, &profile) {
        Ok(src) => {
            let chain = src.chain();
            let root = chain.last().cloned().unwrap_or_default();
            let kind = credentials::resolve_in(&parsed, &root).map_or("sso", |s| s.kind());
            (chain, kind)
        }
        Err(_) => (vec![profile.clone()], "sso"),
    };
    let root = chain.last().cloned().unwrap_or_else(|| profile.clone());
    let sign_in = match parsed.login_settings(&root) {
        _ if root_kind != "sso" => format!("none needed ({root_kind} credentials)"),
        Ok(sso) => match sso_cache::read_token(&sso)? {
            Some(t)
                if t.expires_at - now >= credentials::TOKEN_MIN_SECS
                    || t.refresh_grant(now).is_some() =>
            {
                format!(
                    "valid until {} ({} left{})",
                    timefmt::format_utc(t.expires_at),
                    left(t.expires_at - now),
                    if t.refresh_grant(now).is_some() {
                        ", refreshable"
                    } else {
                        ""
                    }
                )
            }
            Some(_) => format!(
                "expired; run: sso-env login --profile {}",
                shell_words::quote(&root)
            ),
            None => format!(
                "none; run: sso-env login --profile {}",
                shell_words::quote(&root)
            ),
        },
        Err(e) => format!("unknown ({e})"),
    };
    Ok((chain, sign_in))
}
