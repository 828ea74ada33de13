//! `sso-env profiles`: every profile in the config, with sign-in and cache state (`--json` for
//! scripts, `--names` for completion).

use std::collections::HashMap;
use std::fmt::Write as _;

use clap::Args;
use serde_json::{json, Value};

use super::{print, Run};
use crate::credentials;
use crate::error::Result;
use crate::local::assume_role_cache;
use crate::local::config::{Config, Parsed, SsoProfile, SsoSettings};
use crate::local::role_cache;
use crate::local::sso_cache;
use crate::term::table::{self, Cell, Line};
use crate::timefmt;

#[derive(Args)]
#[command(
    after_help = "Examples:\n  sso-env profiles\n  sso-env profiles --json | jq '.[] | select(.login.valid)'\n  sso-env profiles --names      # usable profile names, one per line (completion)"
)]
pub(crate) struct Profiles {
    /// Only the names of profiles that give credentials, one per line.
    #[arg(long, conflicts_with = "json")]
    names: bool,
    /// JSON for scripts.
    #[arg(long)]
    json: bool,
}

impl Run for Profiles {
    fn run(self) -> Result<i32> {
        if self.names {
            return print(&profile_names()?);
        }
        print(&profiles(self.json)?)
    }
}

/// The profiles that give credentials, one name per line (`--names`: one config parse, nothing else read).
fn profile_names() -> Result<String> {
    let mut out = String::new();
    for n in Config::load()?.usable_profile_names()? {
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
    /// Another kind of profile (role, static, process), resolved: its details.
    other: Option<Other>,
}

/// A profile that is not Identity Center's own.
struct Other {
    kind: &'static str,
    /// The profile, then those its credentials rest on (roles only have more than one).
    chain: Vec<String>,
    account_id: Option<String>,
    role_name: Option<String>,
    region: Option<String>,
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
fn profiles(json: bool) -> Result<String> {
    let config = Config::load()?;
    // One parse for every lookup below: a 10,000-profile file stays fast.
    let parsed = config.parse()?;
    let now = timefmt::now();
    let sso_names = parsed.sso_profile_names();
    let mut rows = Vec::new();
    let mut tokens: HashMap<String, State> = HashMap::new();
    for name in &sso_names {
        let (sso, problem) = match parsed.sso_profile(name) {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let login = match parsed.login_settings(name) {
            Ok(s) => login_state(&s, now, &mut tokens)?,
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
            other: None,
        });
    }
    let sso_set: std::collections::HashSet<&String> = sso_names.iter().collect();
    for name in parsed.profile_names() {
        if !sso_set.contains(&name) {
            rows.push(other_row(&parsed, name, now, &mut tokens)?);
        }
    }
    if json {
        return Ok(format!("{}\n", profiles_json(&rows)));
    }
    if rows.is_empty() {
        eprintln!(
            "sso-env: no profiles in {}; run: sso-env configure",
            config.path.display()
        );
        return Ok(String::new());
    }
    Ok(table(&rows, now))
}

/// A role, static-keys or process profile (or one that gives no credentials at all).
/// `tokens`: sign-in states already read, by token key.
fn other_row(
    parsed: &Parsed<'_>,
    name: String,
    now: i64,
    tokens: &mut HashMap<String, State>,
) -> Result<Row> {
    let mut login = State::None;
    let (other, problem, cached) = match credentials::resolve_in(parsed, &name) {
        Ok(src) => {
            let id = src.identity();
            let cached = match src.cache_key() {
                Some(key) => cache_state(
                    assume_role_cache::read_any(&key)?.map(|e| e.expiration),
                    now,
                ),
                None => State::None,
            };
            // A role shows the sign-in at the root of its chain, when that is Identity Center.
            let chain = src.chain();
            if chain.len() > 1 {
                if let Some(sso) = chain.last().and_then(|r| parsed.login_settings(r).ok()) {
                    login = login_state(&sso, now, tokens)?;
                }
            }
            let other = Other {
                kind: src.kind(),
                chain,
                account_id: id.account_id,
                role_name: id.role_name,
                region: src.region().map(String::from),
            };
            (Some(other), None, cached)
        }
        Err(e) => (None, Some(e.to_string()), State::None),
    };
    Ok(Row {
        name,
        is_sso: false,
        sso: None,
        problem,
        login,
        cached,
        other,
    })
}

/// The sign-in state of `sso`, read once per token.
fn login_state(sso: &SsoSettings, now: i64, tokens: &mut HashMap<String, State>) -> Result<State> {
    let key = sso_cache::token_key(sso);
    if let Some(st) = tokens.get(&key) {
        return Ok(st.clone());
    }
    let st = token_state(sso, now)?;
    tokens.insert(key, st.clone());
    Ok(st)
}

fn cache_state(expiration: Option<i64>, now: i64) -> State {
    match expiration {
        Some(t) if t - now >= assume_role_cache::EXPIRY_WINDOW_SECS => State::Valid(t),
        Some(t) if t > now => State::Expiring(t),
        Some(t) => State::Expired(t),
        None => State::None,
    }
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
                let kind = match &r.other {
                    Some(o) => Some(o.kind),
                    None if r.is_sso => Some("sso"),
                    None => None,
                };
                let mut o = json!({"name": r.name, "sso": r.is_sso, "kind": kind});
                if let Some(other) = &r.other {
                    o["chain"] = json!(other.chain);
                    o["account_id"] = json!(other.account_id);
                    o["role_name"] = json!(other.role_name);
                    o["region"] = json!(other.region);
                    if other.kind == "role" {
                        o["login"] = state_json(&r.login);
                        o["cached_credentials"] = state_json(&r.cached);
                    }
                }
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
    // Time left; `!` where it is short (a token to refresh, credentials inside the window).
    let describe = |s: &State| -> Cell {
        match s {
            State::None => Cell::plain("-"),
            State::Valid(t) => Cell::colored(left(t - now), "32"),
            State::Expiring(t) => Cell::colored(format!("{}!", left(t - now)), "33"),
            State::Expired(_) => Cell::colored("expired", "31"),
        }
    };
    let dash = |v: &Option<String>| Cell::plain(v.as_deref().unwrap_or("-"));
    let lines = rows.iter().map(|r| match (&r.sso, &r.problem) {
        (None, None) if r.other.is_some() => {
            let o = r.other.as_ref().expect("checked");
            // A role shows what it rests on: `role <- default`.
            let kind = std::iter::once(o.kind.to_string())
                .chain(o.chain.iter().skip(1).cloned())
                .collect::<Vec<_>>()
                .join(" <- ");
            Line::Cells(vec![
                Cell::plain(&r.name),
                Cell::plain(kind),
                dash(&o.account_id),
                dash(&o.role_name),
                dash(&o.region),
                describe(&r.login),
                describe(&r.cached),
            ])
        }
        (Some(p), _) => Line::Cells(vec![
            Cell::plain(&r.name),
            Cell::plain("sso"),
            Cell::plain(&p.account_id),
            Cell::plain(&p.role_name),
            Cell::plain(p.region.as_deref().unwrap_or("-")),
            describe(&r.login),
            describe(&r.cached),
        ]),
        (None, Some(_)) if r.is_sso => Line::Note(
            Cell::plain(&r.name),
            Cell::colored("(incomplete SSO profile: see sso-env export)", "31"),
        ),
        (None, Some(_)) => Line::Note(
            Cell::plain(&r.name),
            Cell::plain("(no credentials: see sso-env export)"),
        ),
        (None, None) => Line::Note(Cell::plain(&r.name), Cell::plain("")),
    });
    let mut header = vec![
        "PROFILE", "KIND", "ACCOUNT", "ROLE", "REGION", "LOGIN", "CACHED",
    ];
    let mut lines: Vec<Line> = lines.collect();
    // Only Identity Center profiles: no KIND column, the table stays as narrow as it was.
    if rows.iter().all(|r| r.other.is_none()) {
        header.remove(1);
        for line in &mut lines {
            if let Line::Cells(cells) = line {
                cells.remove(1);
            }
        }
        // Fit a narrow terminal: cut ROLE, then leave out REGION, ACCOUNT, CACHED and ROLE;
        // PROFILE, the name people type, stays whole.
        let fit = table::Fit {
            shrinkable: &[2],
            droppable: &[3, 1, 5, 2],
        };
        return table::render(&header, &lines, &fit);
    }
    // The same with KIND (a role's chain), which is cut like ROLE and left out last.
    let fit = table::Fit {
        shrinkable: &[1, 3],
        droppable: &[4, 2, 6, 3, 1],
    };
    table::render(&header, &lines, &fit)
}

pub(super) fn left(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s => format!("{}h{:02}m", s / 3600, s / 60 % 60),
    }
}
