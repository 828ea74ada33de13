//! `sso-env status` (what this shell has active, and whether the sign-in behind it is still
//! valid) and `sso-env profiles` (the SSO profiles in the config; `--names` for completion).

use std::fmt::Write as _;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::{credentials, sso_cache, timefmt};

pub fn status() -> Result<String> {
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
    let sign_in = match Config::load().and_then(|c| c.login_settings(&profile)) {
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
                shell_words::quote(&profile)
            ),
            None => format!(
                "none; run: sso-env login --profile {}",
                shell_words::quote(&profile)
            ),
        },
        Err(e) => format!("unknown ({e})"),
    };
    let _ = writeln!(out, "sign-in  {sign_in}");
    Ok(out)
}

/// The SSO profiles, one name per line (`--names`), or with account, role and region.
pub fn profiles(names_only: bool) -> Result<String> {
    let config = Config::load()?;
    let names = config.sso_profile_names()?;
    let mut out = String::new();
    if names_only {
        for n in names {
            let _ = writeln!(out, "{n}");
        }
        return Ok(out);
    }
    let rows: Vec<[String; 4]> = names
        .iter()
        .map(|n| match config.sso_profile(n) {
            Ok(p) => [
                n.clone(),
                p.account_id,
                p.role_name,
                p.region.unwrap_or_default(),
            ],
            Err(_) => [
                n.clone(),
                "(incomplete)".into(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    let header = [
        "PROFILE".to_string(),
        "ACCOUNT".into(),
        "ROLE".into(),
        "REGION".into(),
    ];
    let width = |i: usize| {
        rows.iter()
            .chain([&header])
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2)];
    for r in [&header].into_iter().chain(rows.iter()) {
        let _ = writeln!(
            out,
            "{:w0$}  {:w1$}  {:w2$}  {}",
            r[0],
            r[1],
            r[2],
            r[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    }
    Ok(out)
}

fn left(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s => format!("{}h{:02}m", s / 3600, s / 60 % 60),
    }
}
