//! `sso-env discover`: the accounts and roles the signed-in user can reach (ListAccounts,
//! ListAccountRoles; paginated, fetched concurrently with a bound, throttling retried), as
//! ready-to-use `[profile ...]` stanzas, optionally merged into the config file: existing text
//! untouched byte for byte, only missing profiles appended, a backup kept, written atomically.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;

use crate::credentials::{self, OnDemand};
use crate::error::{shown, Error, Result};
use crate::local::config::{Config, SsoSettings};
use crate::local::fsutil;
use crate::remote::sdk;

/// ListAccountRoles calls in flight at once: fast on a big organisation, gentle on the API.
const IN_FLIGHT: usize = 8;
/// Throttling (429) is retried with backoff up to this many attempts per call.
const ATTEMPTS: u32 = 6;

pub struct Options {
    pub session: Option<String>,
    pub write: bool,
    pub name_template: String,
    pub region: Option<String>,
}

/// One account/role pair the user can reach.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pair {
    pub account_name: String,
    pub account_id: String,
    pub role_name: String,
}

pub fn run(opts: &Options, on_demand: OnDemand) -> Result<String> {
    let config = Config::load()?;
    let sso = pick_session(&config, opts.session.as_deref())?;
    let token = credentials::session_token(&sso, &crate::signin::label(&sso), on_demand)?;
    let pairs = fetch(&sso, &token.access_token)?;
    let region = opts.region.clone().unwrap_or_else(|| sso.region.clone());
    let parsed = config.parse()?;
    let existing: std::collections::HashSet<(String, String)> = parsed
        .profiles_using(&sso)
        .into_iter()
        .map(|p| (p.account_id, p.role_name))
        .collect();
    let taken = parsed.profile_names();
    let mut stanzas = String::new();
    let mut added = 0;
    let mut names: Vec<String> = taken.clone();
    for p in &pairs {
        if !opts.write || !existing.contains(&(p.account_id.clone(), p.role_name.clone())) {
            let name = unique_name(&profile_name(&opts.name_template, p, &sso), &names);
            names.push(name.clone());
            stanzas.push_str(&stanza(&name, p, &sso, &region));
            added += 1;
        }
    }
    if !opts.write {
        return Ok(stanzas);
    }
    if added == 0 {
        eprintln!(
            "sso-env: all {} account/role pairs already have profiles in {}",
            pairs.len(),
            config.path.display()
        );
        return Ok(String::new());
    }
    merge(&config.path, &stanzas)?;
    eprintln!(
        "sso-env: added {added} profile(s) to {} (backup: {})",
        config.path.display(),
        backup_path(&config.path).display()
    );
    Ok(String::new())
}

/// `--sso-session`, else the session of the current profile, else the only session there is.
fn pick_session(config: &Config, session: Option<&str>) -> Result<SsoSettings> {
    if let Some(s) = session {
        return config.session_settings(s);
    }
    let profile = crate::local::config::chosen_profile(None);
    if let Ok(sso) = config.login_settings(&profile) {
        return Ok(sso);
    }
    let sessions = config.session_names()?;
    match sessions.as_slice() {
        [one] => config.session_settings(one),
        [] => Err(Error::new(format!(
            "no [sso-session] in {}; add one or run: aws configure sso-session",
            config.path.display()
        ))),
        many => Err(Error::new(format!(
            "several sso-sessions ({}); choose one with --sso-session NAME",
            many.iter().map(|s| shown(s)).collect::<Vec<_>>().join(", ")
        ))
        .with_code(2)),
    }
}

/// Every account/role pair, sorted by account name, then role.
fn fetch(sso: &SsoSettings, token: &str) -> Result<Vec<Pair>> {
    let endpoint = sdk::endpoint_for("SSO", "portal.sso", &sso.region);
    let result =
        sdk::block_on(async {
            let conf = sdk::config(&sso.region).await?;
            let conf = aws_sdk_sso::config::Builder::from(&conf)
                .retry_config(RetryConfig::standard().with_max_attempts(ATTEMPTS))
                .build();
            let client = aws_sdk_sso::Client::from_conf(conf);
            let mut accounts = Vec::new();
            let mut pages = client
                .list_accounts()
                .access_token(token)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| {
                    Error::new(format!(
                        "cannot list accounts: {}",
                        sdk::describe(&e, &endpoint)
                    ))
                })?;
                for a in page.account_list() {
                    if let Some(id) = a.account_id() {
                        accounts.push((id.to_string(), a.account_name().unwrap_or(id).to_string()));
                    }
                }
            }
            let progress = Progress::new(accounts.len());
            let limit = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
            let mut tasks = tokio::task::JoinSet::new();
            for (id, name) in accounts {
                let (client, limit, token, endpoint, progress) = (
                    client.clone(),
                    limit.clone(),
                    token.to_string(),
                    endpoint.clone(),
                    progress.clone(),
                );
                tasks.spawn(async move {
                    let _permit = limit.acquire().await.expect("semaphore is never closed");
                    let mut roles = Vec::new();
                    let mut pages = client
                        .list_account_roles()
                        .access_token(&token)
                        .account_id(&id)
                        .into_paginator()
                        .send();
                    while let Some(page) = pages.next().await {
                        let page = page.map_err(|e| {
                            Error::new(format!(
                                "cannot list roles of account {id}: {}",
                                sdk::describe(&e, &endpoint)
                            ))
                        })?;
                        roles.extend(page.role_list().iter().filter_map(|r| r.role_name()).map(
                            |r| Pair {
                                account_name: name.clone(),
                                account_id: id.clone(),
                                role_name: r.to_string(),
                            },
                        ));
                    }
                    progress.tick();
                    Ok::<_, Error>(roles)
                });
            }
            let mut pairs = Vec::new();
            while let Some(done) = tasks.join_next().await {
                pairs.extend(done.map_err(|e| Error::new(format!("internal error: {e}")))??);
            }
            progress.finish();
            Ok::<_, Error>(pairs)
        })??;
    let mut pairs = result;
    pairs.sort();
    pairs.dedup();
    Ok(pairs)
}

/// A progress line on stderr, only on a terminal and only once listing takes over a second.
#[derive(Clone)]
struct Progress {
    inner: Option<Arc<std::sync::Mutex<(usize, usize, Instant)>>>,
}

impl Progress {
    fn new(total: usize) -> Progress {
        let inner = std::io::stderr()
            .is_terminal()
            .then(|| Arc::new(std::sync::Mutex::new((0, total, Instant::now()))));
        Progress { inner }
    }

    fn tick(&self) {
        let Some(inner) = &self.inner else { return };
        let mut g = inner.lock().unwrap_or_else(|e| e.into_inner());
        g.0 += 1;
        if g.2.elapsed() > Duration::from_secs(1) {
            let width = 30;
            let filled = (g.0 * width).checked_div(g.1).unwrap_or(width).min(width);
            eprint!(
                "\r[{}{}] {}/{} accounts ",
                "#".repeat(filled),
                "-".repeat(width - filled),
                g.0,
                g.1
            );
            let _ = std::io::stderr().flush();
        }
    }

    fn finish(&self) {
        if let Some(inner) = &self.inner {
            if inner.lock().unwrap_or_else(|e| e.into_inner()).2.elapsed() > Duration::from_secs(1)
            {
                eprint!("\r\x1b[2K");
            }
        }
    }
}

/// The template with `{account_name}`, `{account_id}`, `{role_name}` and `{session}` filled in,
/// then made a plain profile name: runs of anything but letters, digits, `.`, `_` and `-`
/// become one `-`.
pub fn profile_name(template: &str, p: &Pair, sso: &SsoSettings) -> String {
    let raw = template
        .replace("{account_name}", &p.account_name)
        .replace("{account_id}", &p.account_id)
        .replace("{role_name}", &p.role_name)
        .replace("{session}", sso.session_name.as_deref().unwrap_or("sso"));
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        format!("{}-{}", p.account_id, p.role_name)
    } else {
        out
    }
}

fn unique_name(name: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == name) {
        return name.to_string();
    }
    (2..)
        .map(|i| format!("{name}-{i}"))
        .find(|n| !taken.contains(n))
        .expect("some suffix is free")
}

fn stanza(name: &str, p: &Pair, sso: &SsoSettings, region: &str) -> String {
    let how = match &sso.session_name {
        Some(s) => format!("sso_session = {s}\n"),
        None => format!(
            "sso_start_url = {}\nsso_region = {}\n",
            sso.start_url, sso.region
        ),
    };
    format!(
        "\n[profile {name}]\n# {} ({})\n{how}sso_account_id = {}\nsso_role_name = {}\nregion = {region}\n",
        crate::error::one_line(&p.account_name),
        p.account_id,
        p.account_id,
        p.role_name
    )
}

fn backup_path(path: &std::path::Path) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".sso-env-backup");
    path.with_file_name(name)
}

/// Appends the stanzas: the existing bytes stay as they are (a missing final newline is
/// added), the old file is kept as a backup, the new one replaces it atomically.
fn merge(path: &std::path::Path, stanzas: &str) -> Result<()> {
    let old = fsutil::read_optional(path)?.unwrap_or_default();
    if !old.is_empty() {
        fsutil::write_private(&backup_path(path), &old)?;
    }
    let mut new = old.clone();
    if !new.is_empty() && !new.ends_with(b"\n") {
        new.push(b'\n');
    }
    new.extend_from_slice(stanzas.as_bytes());
    fsutil::write_private(path, &new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitised_and_unique() {
        let sso = SsoSettings {
            session_name: Some("koa".into()),
            start_url: "u".into(),
            region: "eu-west-1".into(),
            scopes: vec![],
            scopes_configured: false,
        };
        let p = Pair {
            account_name: "KOA Dev (EU) / main".into(),
            account_id: "1".into(),
            role_name: "Admin".into(),
        };
        assert_eq!(
            profile_name("{account_name}-{role_name}", &p, &sso),
            "KOA-Dev-EU-main-Admin"
        );
        assert_eq!(profile_name("{session}.{account_id}", &p, &sso), "koa.1");
        assert_eq!(unique_name("a", &["a".into(), "a-2".into()]), "a-3");
    }
}
