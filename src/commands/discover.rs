//! `sso-env discover`: the accounts and roles the signed-in user can reach (ListAccounts,
//! ListAccountRoles; paginated, fetched concurrently with a bound, throttling retried), as
//! ready-to-use `[profile ...]` stanzas, optionally merged into the config file: existing text
//! untouched byte for byte, only missing profiles appended, a backup kept, written atomically.

use std::sync::Arc;

use clap::Args;

use super::{print, Run};
use crate::credentials::{session_token, LoginHint, OnDemand};
use crate::error::{shown, Error, Result};
use crate::local::config::{self, Config, SsoSettings};
use crate::local::config_edit;
use crate::remote::portal;
use crate::term::progress::Progress;

#[derive(Args)]
#[command(
    after_help = "Examples:\n  sso-env discover                           # print stanzas\n  sso-env discover --sso-session koa --write # add missing profiles to ~/.aws/config (backup kept)\n  sso-env discover --name-template '{session}-{account_name}-{role_name}'\n\nTemplate fields: {account_name}, {account_id}, {role_name}, {session}."
)]
pub(crate) struct Discover {
    /// The [sso-session] to list (default: the current profile's, or the only one).
    #[arg(long)]
    sso_session: Option<String>,
    /// Add the missing profiles to the config file instead of printing them.
    #[arg(long)]
    write: bool,
    /// How to name profiles.
    #[arg(
        long,
        default_value = "{account_name}-{role_name}",
        value_name = "TEMPLATE"
    )]
    name_template: String,
    /// The `region` of the new profiles (default: the sso-session's region).
    #[arg(long)]
    region: Option<String>,
    /// Never start a sign-in; fail with the command to run instead.
    #[arg(long)]
    no_login: bool,
}

impl Run for Discover {
    fn run(self) -> Result<i32> {
        let on_demand = OnDemand::detect(self.no_login);
        print(&discover(&self, on_demand)?)
    }
}

/// One account/role pair the user can reach.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pair {
    pub account_name: String,
    pub account_id: String,
    pub role_name: String,
}

fn discover(opts: &Discover, on_demand: OnDemand) -> Result<String> {
    let config = Config::load()?;
    let (sso, hint) = pick_session(&config, opts.sso_session.as_deref())?;
    let token = session_token(&sso, &hint, on_demand)?;
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
    config_edit::append(&config.path, &stanzas)?;
    eprintln!(
        "sso-env: added {added} profile(s) to {} (backup: {})",
        config.path.display(),
        config_edit::backup_path(&config.path).display()
    );
    Ok(String::new())
}

/// `--sso-session`, else the session of the current profile, else the only session there is;
/// with how to sign in to it.
fn pick_session(config: &Config, session: Option<&str>) -> Result<(SsoSettings, LoginHint)> {
    let for_session = |s: &str| -> Result<(SsoSettings, LoginHint)> {
        Ok((
            config.session_settings(s)?,
            LoginHint::Session(s.to_string()),
        ))
    };
    if let Some(s) = session {
        return for_session(s);
    }
    let profile = config::chosen_profile(None);
    if let Ok(sso) = config.login_settings(&profile) {
        let hint = match &sso.session_name {
            Some(s) => LoginHint::Session(s.clone()),
            None => LoginHint::Profile(profile),
        };
        return Ok((sso, hint));
    }
    let sessions = config.session_names()?;
    match sessions.as_slice() {
        [one] => for_session(one),
        [] => Err(Error::new(format!(
            "no [sso-session] in {}; run: sso-env configure",
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
pub(crate) fn fetch(sso: &SsoSettings, token: &str) -> Result<Vec<Pair>> {
    let progress = Progress::new();
    let tick = progress.clone();
    let found = portal::list_roles(
        sso,
        token,
        Arc::new(move |done, total| tick.tick(done, total)),
    );
    progress.finish();
    let mut pairs: Vec<Pair> = found?
        .into_iter()
        .map(|(account_id, account_name, role_name)| Pair {
            account_name,
            account_id,
            role_name,
        })
        .collect();
    pairs.sort();
    pairs.dedup();
    Ok(pairs)
}

/// The template with `{account_name}`, `{account_id}`, `{role_name}` and `{session}` filled in,
/// then made a plain profile name: runs of anything but letters, digits, `.`, `_` and `-`
/// become one `-`.
pub(crate) fn profile_name(template: &str, p: &Pair, sso: &SsoSettings) -> String {
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
