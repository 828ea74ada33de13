//! The environment variables credentials become: what `export` and `exec` set and clear.

use super::Source;
use crate::keys::Credentials;
use crate::shell::Vars;
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

/// The variables for a source's credentials. `region` is what `export_region` chose.
pub(crate) fn for_source(src: &dyn Source, creds: &Credentials, region: Option<String>) -> Vars {
    let mut v = Vars {
        unset: STALE.to_vec(),
        set: Vec::with_capacity(OURS.len()),
    };
    v.set
        .push(("AWS_ACCESS_KEY_ID", creds.access_key_id.clone()));
    v.set
        .push(("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.clone()));
    match &creds.session_token {
        Some(t) => v.set.push(("AWS_SESSION_TOKEN", t.clone())),
        None => v.unset.push("AWS_SESSION_TOKEN"),
    }
    if let Some(exp) = creds.expiration {
        v.set
            .push(("AWS_CREDENTIAL_EXPIRATION", timefmt::format_utc(exp)));
    } else {
        v.unset.push("AWS_CREDENTIAL_EXPIRATION");
    }
    set_region(&mut v, region);
    v.set.push(("AWS_PROFILE", src.name().to_string()));
    set_identity(&mut v, src);
    match creds.expiration {
        Some(e) => v.set.push(("SSO_ENV_EXPIRES_AT", e.to_string())),
        None => v.unset.push("SSO_ENV_EXPIRES_AT"),
    }
    v
}

/// The region variables: the user's own region stays theirs (never marked as sso-env's, so no
/// later export or `unset` takes it over or removes it); another is marked in SSO_ENV_REGION.
fn set_region(v: &mut Vars, region: Option<String>) {
    match region {
        // The user's own region is not marked as sso-env's, so that no later export or `unset`
        // takes it over or removes it. Each name keeps the user's value (written out as it
        // is, for the JSON and dotenv formats) or gets the region.
        Some(r) if users_region().as_deref() == Some(r.as_str()) => {
            let ours = std::env::var("SSO_ENV_REGION").ok();
            for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
                match std::env::var(name) {
                    Ok(own) if !own.is_empty() && Some(&own) != ours.as_ref() => {
                        v.set.push((name, own));
                    }
                    _ => v.set.push((name, r.clone())),
                }
            }
            v.unset.push("SSO_ENV_REGION");
        }
        Some(r) => {
            v.set.push(("AWS_REGION", r.clone()));
            v.set.push(("AWS_DEFAULT_REGION", r.clone()));
            v.set.push(("SSO_ENV_REGION", r));
        }
        // No region for this profile: drop one we exported for a previous profile.
        None => {
            v.unset.extend(our_region_vars());
            v.unset.push("SSO_ENV_REGION");
        }
    }
}

/// SSO_ENV_PROFILE and whom the credentials act as, for the prompt and `status`.
fn set_identity(v: &mut Vars, src: &dyn Source) {
    v.set.push(("SSO_ENV_PROFILE", src.name().to_string()));
    let id = src.identity();
    for (name, value) in [
        ("SSO_ENV_ACCOUNT_ID", id.account_id),
        ("SSO_ENV_ROLE_NAME", id.role_name),
    ] {
        match value {
            Some(value) => v.set.push((name, value)),
            None => v.unset.push(name),
        }
    }
}

/// Variables that would make an SDK pick other credentials before the container endpoint's
/// (botocore's order: environment keys, then the profile (`AWS_PROFILE` or
/// `AWS_DEFAULT_PROFILE`, web identity), and only then the container), a relative URI or a
/// token file that SDKs prefer to ours, and the expiry the prompt would try to refresh.
const SHADOWING: [&str; 12] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "SSO_ENV_EXPIRES_AT",
];

/// The variables that point SDKs at a credential endpoint (`exec --server`, `serve`): its URL
/// and token, the region, the profile's name for the prompt, and no static keys.
pub(crate) fn for_endpoint(
    src: &dyn Source,
    url: &str,
    token: &str,
    region: Option<String>,
) -> Vars {
    let mut v = Vars {
        unset: STALE.to_vec(),
        set: vec![
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url.to_string()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", token.to_string()),
        ],
    };
    v.unset.extend(SHADOWING);
    set_region(&mut v, region);
    set_identity(&mut v, src);
    v
}

/// The region to export: an explicit choice, then the environment (as every SDK resolves it),
/// then the profile's. A region in the environment that sso-env itself exported earlier
/// (it equals `$SSO_ENV_REGION`) is not the user's choice and does not override the profile.
pub(crate) fn export_region(src: &dyn Source, explicit: Option<&str>) -> Option<String> {
    if let Some(r) = explicit {
        return Some(r.to_string());
    }
    users_region().or_else(|| src.region().map(String::from))
}

/// `$AWS_REGION`, else `$AWS_DEFAULT_REGION`, unless it is the region sso-env exported.
fn users_region() -> Option<String> {
    let ours = std::env::var("SSO_ENV_REGION").ok();
    ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .into_iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|v| !v.is_empty() && Some(v) != ours.as_ref())
}

/// Everything `export` sets, for `sso-env unset`. The region variables only go when they still
/// hold the region sso-env exported; a region the user set is theirs.
pub(crate) fn clearing() -> Vars {
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
