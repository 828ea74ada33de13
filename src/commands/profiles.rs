//! `sso-env status` (what this shell has active, and whether the sign-in behind it is still
//! valid) and `sso-env profiles` (the SSO profiles in the config; `--names` for completion).

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::credentials;
use crate::error::{Error, Result};
use crate::local::config::{Config, SsoProfile, SsoSettings};
use crate::local::role_cache;
use crate::local::sso_cache;
use crate::timefmt;

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

/// The SSO profiles, one name per line (`--names`: one config parse, nothing else read).
pub fn profile_names() -> Result<String> {
    let mut out = String::new();
    for n in Config::load()?.sso_profile_names()? {
        let _ = writeln!(out, "{n}");
    }
    Ok(out)
}

/// What `profiles` knows of one profile.
struct Row {
    name: String,
    /// Uses Identity Center (has sso keys), complete or not.
    is_sso: bool,
    sso: Option<SsoProfile>,
    /// The profile uses SSO but is incomplete or invalid: why.
    problem: Option<String>,
    login: State,
    cached: State,
}

#[derive(Clone)]
enum State {
    None,
    Valid(i64),
    /// Still usable but short (a token that needs refreshing, credentials inside the window).
    Expiring(i64),
    Expired(i64),
}

/// Every profile: SSO ones first (account, role, region, sign-in and cache state), then the
/// others, marked. A table that fits the terminal (80 columns when not a terminal), or JSON.
pub fn profiles(json: bool) -> Result<String> {
    let config = Config::load()?;
    // One parse for every lookup below: a 10,000-profile file stays fast.
    let parsed = config.parse()?;
    let now = timefmt::now();
    let sso_names = parsed.sso_profile_names();
    let mut rows = Vec::new();
    let mut tokens: std::collections::HashMap<String, State> = std::collections::HashMap::new();
    for name in &sso_names {
        let (sso, problem) = match parsed.sso_profile(name) {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let login = match parsed.login_settings(name) {
            Ok(s) => match tokens.get(&sso_cache::token_key(&s)) {
                Some(st) => st.clone(),
                None => {
                    let st = token_state(&s, now)?;
                    tokens.insert(sso_cache::token_key(&s), st.clone());
                    st
                }
            },
            Err(_) => State::None,
        };
        let cached = match &sso {
            Some(p) => match role_cache::read_any(p)? {
                Some(c) if c.expiration - now >= role_cache::EXPIRY_WINDOW_SECS => {
                    State::Valid(c.expiration)
                }
                Some(c) if c.expiration > now => State::Expiring(c.expiration),
                Some(c) => State::Expired(c.expiration),
                None => State::None,
            },
            None => State::None,
        };
        rows.push(Row {
            name: name.clone(),
            is_sso: true,
            sso,
            problem,
            login,
            cached,
        });
    }
    let sso_set: std::collections::HashSet<&String> = sso_names.iter().collect();
    for name in parsed.profile_names() {
        if !sso_set.contains(&name) {
            rows.push(Row {
                name,
                is_sso: false,
                sso: None,
                problem: None,
                login: State::None,
                cached: State::None,
            });
        }
    }
    if json {
        return Ok(format!("{}\n", profiles_json(&rows)));
    }
    Ok(table(&rows, now))
}

fn token_state(sso: &SsoSettings, now: i64) -> Result<State> {
    Ok(match sso_cache::read_token(sso)? {
        Some(t) if t.expires_at - now >= credentials::REFRESH_WINDOW_SECS => {
            State::Valid(t.expires_at)
        }
        Some(t)
            if t.refresh_grant(now).is_some()
                || t.expires_at - now >= credentials::TOKEN_MIN_SECS =>
        {
            State::Expiring(t.expires_at)
        }
        Some(t) => State::Expired(t.expires_at),
        None => State::None,
    })
}

fn state_json(s: &State) -> Value {
    match s {
        State::None => Value::Null,
        State::Valid(t) => json!({"valid": true, "expires_at": timefmt::format_utc(*t)}),
        State::Expiring(t) => {
            json!({"valid": true, "expiring": true, "expires_at": timefmt::format_utc(*t)})
        }
        State::Expired(t) => json!({"valid": false, "expires_at": timefmt::format_utc(*t)}),
    }
}

fn profiles_json(rows: &[Row]) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                let mut o = json!({"name": r.name, "sso": r.is_sso});
                if let Some(p) = &r.sso {
                    o["account_id"] = json!(p.account_id);
                    o["role_name"] = json!(p.role_name);
                    o["region"] = json!(p.region);
                    o["sso_session"] = json!(p.sso.session_name);
                    o["sso_start_url"] = json!(p.sso.start_url);
                    o["sso_region"] = json!(p.sso.region);
                }
                if let Some(problem) = &r.problem {
                    o["problem"] = json!(problem);
                }
                if r.is_sso {
                    o["login"] = state_json(&r.login);
                    o["cached_credentials"] = state_json(&r.cached);
                }
                o
            })
            .collect(),
    )
}

fn table(rows: &[Row], now: i64) -> String {
    use std::io::IsTerminal;
    let tty = std::io::stdout().is_terminal();
    let color = tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let cols = if tty {
        crossterm::terminal::size().map_or(80, |(c, _)| usize::from(c))
    } else {
        80
    };
    // Time left; `!` where it is short (a token to refresh, credentials inside the window).
    let describe = |s: &State| -> (String, Option<&'static str>) {
        match s {
            State::None => ("-".into(), None),
            State::Valid(t) => (left(t - now), Some("32")),
            State::Expiring(t) => (format!("{}!", left(t - now)), Some("33")),
            State::Expired(_) => ("expired".into(), Some("31")),
        }
    };
    let mut cells: Vec<[(String, Option<&'static str>); 6]> = Vec::new();
    for r in rows {
        let row = match (&r.sso, &r.problem) {
            (Some(p), _) => [
                (r.name.clone(), None),
                (p.account_id.clone(), None),
                (p.role_name.clone(), None),
                (p.region.clone().unwrap_or_else(|| "-".into()), None),
                describe(&r.login),
                describe(&r.cached),
            ],
            (None, Some(_)) => [
                (r.name.clone(), None),
                (
                    "(incomplete SSO profile: see sso-env export)".into(),
                    Some("31"),
                ),
                Default::default(),
                Default::default(),
                Default::default(),
                Default::default(),
            ],
            (None, None) if !r.is_sso => [
                (r.name.clone(), None),
                ("(not SSO)".into(), None),
                Default::default(),
                Default::default(),
                Default::default(),
                Default::default(),
            ],
            (None, None) => [
                (r.name.clone(), None),
                Default::default(),
                Default::default(),
                Default::default(),
                Default::default(),
                Default::default(),
            ],
        };
        cells.push(row);
    }
    let header = ["PROFILE", "ACCOUNT", "ROLE", "REGION", "LOGIN", "CACHED"];
    // Notes like "(not SSO)" span the rest of their row and do not set the account width.
    let spans =
        |c: &[(String, Option<&'static str>); 6]| c[1].0.starts_with('(') && c[2].0.is_empty();
    let mut widths: Vec<usize> = (0..6)
        .map(|i| {
            cells
                .iter()
                .filter(|c| i != 1 || !spans(c))
                .map(|c| c[i].0.chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Fit the terminal: shrink the profile and role columns, longest first.
    let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * (w.len() - 1);
    while total(&widths) > cols && (widths[0] > 8 || widths[2] > 8) {
        let i = if widths[0] >= widths[2] { 0 } else { 2 };
        widths[i] -= 1;
    }
    let mut out = String::new();
    let paint = |text: &str, code: Option<&str>| match (color, code) {
        (true, Some(c)) => format!("\x1b[{c}m{text}\x1b[0m"),
        _ => text.to_string(),
    };
    let line = |out: &mut String, row: &[(String, Option<&'static str>)]| {
        let mut parts = Vec::new();
        let spans = row[1].0.starts_with('(') && row[2].0.is_empty();
        for (i, (text, code)) in row.iter().enumerate() {
            if spans && i > 1 {
                break;
            }
            let w = if spans && i == 1 {
                usize::MAX
            } else {
                widths[i]
            };
            let shown = fit(text, w);
            let pad = if i + 1 == row.len() || (spans && i == 1) {
                0
            } else {
                w.saturating_sub(shown.chars().count())
            };
            parts.push(format!("{}{}", paint(&shown, *code), " ".repeat(pad)));
        }
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(&mut out, &header.map(|h| (h.to_string(), None)));
    for row in &cells {
        line(&mut out, row);
    }
    out
}

/// Cuts `s` to `width` characters, marking the cut with `…`; control characters become `?`.
fn fit(s: &str, width: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if clean.chars().count() <= width {
        return clean;
    }
    let mut out: String = clean.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn left(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s => format!("{}h{:02}m", s / 3600, s / 60 % 60),
    }
}
