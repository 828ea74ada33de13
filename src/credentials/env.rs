//! The variables `export` sets and clears, and their rendering in each format.

use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::local::config::SsoProfile;
use crate::local::role_cache::RoleCredentials;
use crate::shell::format::Format;
use crate::timefmt;

/// Variables that would contradict a newly exported identity: other tools' markers and the
/// legacy session-token name some SDKs still read first.
const STALE: [&str; 6] = [
    "AWS_SECURITY_TOKEN",
    "AWS_SESSION_EXPIRATION",
    "AWS_SSO_PROFILE",
    "AWSUME_PROFILE",
    "AWSU_PROFILE",
    "AWS_VAULT",
];

/// Everything `export` may set, in output order.
const OURS: [&str; 12] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "SSO_ENV_PROFILE",
    "SSO_ENV_ACCOUNT_ID",
    "SSO_ENV_ROLE_NAME",
    "SSO_ENV_EXPIRES_AT",
    "SSO_ENV_REGION",
];

/// A change to the environment: variables to remove, then variables to set.
#[derive(Debug, Default)]
pub struct Vars {
    pub unset: Vec<&'static str>,
    pub set: Vec<(&'static str, String)>,
}

/// The variables for a profile's credentials. `region` is what `export_region` chose.
pub fn for_profile(p: &SsoProfile, creds: &RoleCredentials, region: Option<String>) -> Vars {
    let mut v = Vars {
        unset: STALE.to_vec(),
        set: Vec::with_capacity(OURS.len()),
    };
    v.set
        .push(("AWS_ACCESS_KEY_ID", creds.access_key_id.clone()));
    v.set
        .push(("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.clone()));
    v.set
        .push(("AWS_SESSION_TOKEN", creds.session_token.clone()));
    v.set.push((
        "AWS_CREDENTIAL_EXPIRATION",
        timefmt::format_utc(creds.expiration),
    ));
    match region {
        Some(r) => {
            v.set.push(("AWS_REGION", r.clone()));
            v.set.push(("AWS_DEFAULT_REGION", r.clone()));
            v.set.push(("SSO_ENV_REGION", r));
        }
        // No region for this profile: drop one we exported for a previous profile.
        None => v.unset.extend(our_region_vars()),
    }
    v.set.push(("AWS_PROFILE", p.name.clone()));
    v.set.push(("SSO_ENV_PROFILE", p.name.clone()));
    v.set.push(("SSO_ENV_ACCOUNT_ID", p.account_id.clone()));
    v.set.push(("SSO_ENV_ROLE_NAME", p.role_name.clone()));
    v.set
        .push(("SSO_ENV_EXPIRES_AT", creds.expiration.to_string()));
    v
}

/// Everything `export` sets, for `sso-env unset`. The region variables only go when they still
/// hold the region sso-env exported; a region the user set is theirs.
pub fn clearing() -> Vars {
    let mut unset: Vec<&'static str> = OURS
        .iter()
        .copied()
        .filter(|n| !n.ends_with("REGION") || *n == "SSO_ENV_REGION")
        .collect();
    unset.extend(our_region_vars());
    unset.extend(STALE);
    Vars {
        unset,
        set: Vec::new(),
    }
}

fn our_region_vars() -> Vec<&'static str> {
    let ours = std::env::var("SSO_ENV_REGION").ok();
    ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .into_iter()
        .filter(|n| ours.is_some() && std::env::var(n).ok() == ours)
        .collect()
}

/// The whole output for `format`, built before anything is printed so that a refusal leaves
/// stdout empty.
pub fn render(format: Format, vars: &Vars, creds: Option<&RoleCredentials>) -> Result<String> {
    match format {
        Format::Json => {
            let map: Map<String, Value> = vars
                .set
                .iter()
                .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
                .collect();
            Ok(format!("{}\n", Value::Object(map)))
        }
        Format::Process => {
            let c = creds.ok_or_else(|| {
                Error::new("the process format prints credentials; use it with export")
            })?;
            let v = json!({
                "Version": 1,
                "AccessKeyId": c.access_key_id,
                "SecretAccessKey": c.secret_access_key,
                "SessionToken": c.session_token,
                "Expiration": timefmt::format_utc(c.expiration),
            });
            Ok(format!("{v}\n"))
        }
        _ => {
            let shell = format.shell().expect("every other format is a shell");
            let nl = shell.newline();
            let mut out = String::new();
            for name in &vars.unset {
                let line = shell.unset(name);
                if !line.is_empty() {
                    out.push_str(&line);
                    out.push_str(nl);
                }
            }
            for (name, value) in &vars.set {
                let line = shell.set(name, value).map_err(|r| {
                    Error::new(format!(
                        "cannot write {name} for {}: {}; use another --format (e.g. powershell)",
                        shell.name(),
                        r.0
                    ))
                })?;
                out.push_str(&line);
                out.push_str(nl);
            }
            Ok(out)
        }
    }
}
