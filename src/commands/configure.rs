//! `sso-env configure` (alias `setup`): from nothing to working profiles, replacing
//! `aws configure sso`. With `--start-url` it asks nothing (scripts, onboarding docs); at a
//! terminal without it, a wizard asks for the start URL, region and session, signs in, lets
//! the user pick accounts and roles, and names the profiles. Either way the `[sso-session]`
//! and `[profile]` stanzas go through the config writer (existing bytes kept, backup, the
//! real file behind a symlink), and an existing profile is never replaced silently.

use std::io::IsTerminal;

use clap::Args;

use super::discover::{self, Pair};
use super::Run;
use crate::credentials::{session_token, LoginHint, OnDemand};
use crate::error::{shown, Error, Result};
use crate::local::config::{Config, SsoSettings};
use crate::local::config_edit::{self, Stanza};
use crate::start_url;
use crate::term::{ask, picker};

const SCOPES: &str = "sso:account:access";
const TEMPLATE: &str = "{account_name}-{role_name}";

#[derive(Args)]
#[command(
    after_help = "Examples:\n  sso-env configure                          # asks, signs in, lets you pick accounts and roles\n  sso-env configure --start-url https://koa.awsapps.com/start --region eu-west-1 --session koa --all\n  sso-env configure --start-url koa.awsapps.com/start --region eu-west-1 --session koa \\\n      --account 931827427725 --role idp_customer_access --profile koa-dev-customer\n\nTemplate fields: {account_name}, {account_id}, {role_name}, {session}."
)]
pub(crate) struct Configure {
    /// The Identity Center start URL (https:// is added when missing).
    #[arg(long, value_name = "URL")]
    start_url: Option<String>,
    /// The region Identity Center runs in (sso_region).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// The [sso-session] name (default: from the start URL).
    #[arg(long, value_name = "NAME")]
    session: Option<String>,
    /// sso_registration_scopes.
    #[arg(long, default_value = SCOPES)]
    scopes: String,
    /// A profile for every account and role you can reach (signs in to list them).
    #[arg(long, conflicts_with = "account")]
    all: bool,
    /// One profile: its account id...
    #[arg(long, requires_all = ["role", "profile"])]
    account: Option<String>,
    /// ...its role...
    #[arg(long, requires = "account")]
    role: Option<String>,
    /// ...and its name.
    #[arg(long, requires = "account")]
    profile: Option<String>,
    /// How to name profiles with --all.
    #[arg(long, default_value = TEMPLATE, value_name = "TEMPLATE")]
    name_template: String,
    /// The profiles' default `region` (default: the SSO region).
    #[arg(long, value_name = "REGION")]
    profile_region: Option<String>,
    /// The profiles' default `output`.
    #[arg(long, value_name = "FORMAT")]
    output: Option<String>,
    /// Replace profiles (and an sso-session) of the same name.
    #[arg(long)]
    force: bool,
}

/// What to write.
struct Plan {
    sso: SsoSettings,
    profiles: Vec<(String, Pair)>,
    region: String,
    output: Option<String>,
}

impl Run for Configure {
    fn run(self) -> Result<i32> {
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        let plan = match &self.start_url {
            Some(url) => self.flags(url)?,
            None if interactive => wizard()?,
            None => {
                return Err(Error::new(
                    "configure needs --start-url and --region when it cannot ask; see: sso-env configure --help",
                )
                .with_code(2))
            }
        };
        let Some(names) = write(&plan, self.force, interactive && self.start_url.is_none())? else {
            return Ok(1);
        };
        next_steps(&names);
        Ok(0)
    }
}

impl Configure {
    fn flags(&self, url: &str) -> Result<Plan> {
        let url = start_url::normalize(url)?;
        let region = match &self.region {
            Some(r) => r.clone(),
            None => issuer_region(&url)?.ok_or_else(|| {
                Error::new(
                    "--region is required: the region your Identity Center runs in (sso_region)",
                )
                .with_code(2)
            })?,
        };
        let session = self
            .session
            .clone()
            .unwrap_or_else(|| start_url::session_name(&url));
        let sso = settings(&session, &url, &region, &self.scopes);
        let profiles = if self.all {
            // The session first, so that when no one can sign in here the hint to run
            // `sso-env login --sso-session NAME` names a session that exists.
            let session_only = Plan {
                sso: sso.clone(),
                profiles: Vec::new(),
                region: region.clone(),
                output: None,
            };
            write(&session_only, self.force, false)?;
            let pairs = sign_in_and_list(&sso, OnDemand::detect(false))?;
            name_all(&self.name_template, &pairs, &sso)
        } else if let (Some(a), Some(r), Some(p)) = (&self.account, &self.role, &self.profile) {
            let pair = Pair {
                account_name: String::new(),
                account_id: a.clone(),
                role_name: r.clone(),
            };
            vec![(p.clone(), pair)]
        } else {
            Vec::new()
        };
        Ok(Plan {
            region: self.profile_region.clone().unwrap_or(region),
            sso,
            profiles,
            output: self.output.clone(),
        })
    }
}

/// The region the start URL names, a company's own URL resolved as the AWS CLI does.
fn issuer_region(url: &str) -> Result<Option<String>> {
    let r = crate::remote::vanity::resolve(url)?;
    if r.url != url {
        eprintln!("sso-env: {} leads to {}", shown(url), shown(&r.url));
    }
    Ok(r.region)
}

fn settings(session: &str, url: &str, region: &str, scopes: &str) -> SsoSettings {
    SsoSettings {
        session_name: Some(session.to_string()),
        start_url: url.to_string(),
        region: region.to_string(),
        scopes: scopes
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        scopes_configured: true,
    }
}

fn sign_in_and_list(sso: &SsoSettings, on_demand: OnDemand) -> Result<Vec<Pair>> {
    let hint = LoginHint::Session(sso.session_name.clone().unwrap_or_default());
    let token = session_token(sso, &hint, on_demand)?;
    let pairs = discover::fetch(sso, &token.access_token)?;
    if pairs.is_empty() {
        return Err(Error::new(format!(
            "{} has no accounts or roles for your user; ask your administrator to assign you one",
            crate::signin::label(sso)
        )));
    }
    Ok(pairs)
}

fn name_all(template: &str, pairs: &[Pair], sso: &SsoSettings) -> Vec<(String, Pair)> {
    let mut out: Vec<(String, Pair)> = Vec::new();
    for p in pairs {
        let base = discover::profile_name(template, p, sso);
        let mut name = base.clone();
        let mut n = 2;
        while out.iter().any(|(o, _)| *o == name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        out.push((name, p.clone()));
    }
    out
}

/// The questions, the sign-in and the picker.
fn wizard() -> Result<Plan> {
    eprintln!(
        "sso-env: setting up AWS IAM Identity Center (SSO) profiles; Enter takes [the default]"
    );
    let url = loop {
        match start_url::normalize(&ask::ask("SSO start URL", "")?) {
            Ok(u) => break u,
            Err(e) => eprintln!("sso-env: {e}"),
        }
    };
    let suggested = issuer_region(&url)
        .unwrap_or_else(|e| {
            eprintln!("sso-env: {e}");
            None
        })
        .or_else(|| std::env::var("AWS_REGION").ok().filter(|r| !r.is_empty()))
        .unwrap_or_else(|| "us-east-1".to_string());
    let region = ask::ask("SSO region", &suggested)?;
    let session = ask::ask("SSO session name", &start_url::session_name(&url))?;
    let scopes = ask::ask("SSO registration scopes", SCOPES)?;
    let sso = settings(&session, &url, &region, &scopes);
    let pairs = sign_in_and_list(&sso, OnDemand::Login)?;
    let labels: Vec<String> = pairs
        .iter()
        .map(|p| format!("{} ({})  {}", p.account_name, p.account_id, p.role_name))
        .collect();
    let Some(chosen) = picker::pick_many("account and role> ", &labels)? else {
        return Err(Error::new("cancelled; nothing was written").with_code(130));
    };
    let chosen: Vec<Pair> = chosen.into_iter().map(|i| pairs[i].clone()).collect();
    eprintln!("sso-env: {} account/role pair(s) chosen", chosen.len());
    let profiles = if let [one] = chosen.as_slice() {
        let name = ask::ask("Profile name", &discover::profile_name(TEMPLATE, one, &sso))?;
        vec![(name, one.clone())]
    } else {
        let template = ask::ask("Profile names (template)", TEMPLATE)?;
        name_all(&template, &chosen, &sso)
    };
    let profile_region = ask::ask("Default region of the profiles", &region)?;
    let output = ask::ask("Default output format", "json")?;
    Ok(Plan {
        sso,
        profiles,
        region: profile_region,
        output: Some(output).filter(|o| !o.is_empty()),
    })
}

/// Writes the plan; returns the profile names written, `None` when the user declined.
fn write(plan: &Plan, force: bool, can_ask: bool) -> Result<Option<Vec<String>>> {
    let config = Config::load()?;
    let parsed = config.parse()?;
    let session = plan.sso.session_name.clone().unwrap_or_default();
    let mut clashes: Vec<String> = Vec::new();
    // An identical [sso-session] is left as it is (with its comments and extra keys).
    let old = parsed.session_settings(&session).ok();
    let same_session = old
        .as_ref()
        .is_some_and(|o| o.start_url == plan.sso.start_url && o.region == plan.sso.region);
    if old.is_some() && !same_session {
        clashes.push(format!("[sso-session {session}]"));
    }
    // A profile that already says the same is left as it is; one that says otherwise clashes.
    let taken = parsed.profile_names();
    let same = |name: &str, p: &Pair| {
        parsed.sso_profile(name).is_ok_and(|o| {
            o.account_id == p.account_id
                && o.role_name == p.role_name
                && o.sso.session_name.as_deref() == Some(session.as_str())
        })
    };
    let mut plan_profiles = Vec::new();
    for (name, p) in &plan.profiles {
        if same(name, p) && same_session {
            continue;
        }
        if taken.contains(name) {
            clashes.push(format!("profile {}", shown(name)));
        }
        plan_profiles.push((name.clone(), p.clone()));
    }
    if !clashes.is_empty() && !force {
        let what = clashes.join(", ");
        let path = config.path.display();
        if !can_ask {
            return Err(Error::new(format!(
                "{what} already in {path}; choose other names or add --force to replace"
            )));
        }
        if !ask::confirm(&format!("{what} already in {path}; replace?"))? {
            eprintln!("sso-env: nothing was written");
            return Ok(None);
        }
    }
    let mut stanzas = stanzas(plan, &plan_profiles, &session);
    if same_session {
        stanzas.remove(0);
    }
    config_edit::upsert(&config.path, &stanzas)?;
    let names: Vec<String> = plan.profiles.iter().map(|(n, _)| n.clone()).collect();
    eprintln!(
        "sso-env: wrote [sso-session {session}] and {} profile(s) to {} (backup: {})",
        names.len(),
        config.path.display(),
        config_edit::backup_path(&config.path).display()
    );
    Ok(Some(names))
}

fn stanzas(plan: &Plan, profiles: &[(String, Pair)], session: &str) -> Vec<Stanza> {
    let sso = &plan.sso;
    let mut out = vec![Stanza {
        header: format!("[sso-session {session}]"),
        body: format!(
            "sso_start_url = {}\nsso_region = {}\nsso_registration_scopes = {}\n",
            sso.start_url,
            sso.region,
            sso.scopes.join(",")
        ),
    }];
    for (name, p) in profiles {
        let header = if name == "default" {
            "[default]".to_string()
        } else {
            format!("[profile {name}]")
        };
        let mut body = String::new();
        if !p.account_name.is_empty() {
            body.push_str(&format!(
                "# {} ({})\n",
                crate::error::one_line(&p.account_name),
                p.account_id
            ));
        }
        body.push_str(&format!(
            "sso_session = {session}\nsso_account_id = {}\nsso_role_name = {}\nregion = {}\n",
            p.account_id, p.role_name, plan.region
        ));
        if let Some(o) = &plan.output {
            body.push_str(&format!("output = {o}\n"));
        }
        out.push(Stanza { header, body });
    }
    out
}

fn next_steps(names: &[String]) {
    let Some(first) = names.first() else {
        eprintln!("sso-env: next: sso-env login --sso-session NAME, then sso-env discover --write to add profiles");
        return;
    };
    let q = shell_words::quote(first);
    eprintln!("sso-env: next, in this shell: eval \"$(sso-env init bash)\" (or zsh, fish...), then: use-profile {q}");
    eprintln!("sso-env: or run one command: sso-env exec {q} -- aws sts get-caller-identity");
}
