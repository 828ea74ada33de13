//! What the endpoint cannot override from the environment: a `default` profile with
//! credentials of its own comes before the container endpoint in the SDKs' chains (botocore:
//! environment, then the profile, then the container), so the command would act as someone
//! else without a word. We say so.

use std::path::Path;

use crate::local::{ini, paths};

/// Keys that give a config profile credentials of its own.
const CONFIG_KEYS: [&str; 7] = [
    "aws_access_key_id",
    "sso_session",
    "sso_start_url",
    "sso_account_id",
    "credential_process",
    "role_arn",
    "web_identity_token_file",
];

/// A warning when the `default` profile has credentials SDKs would prefer to the endpoint's.
pub(crate) fn default_profile_warning() -> Option<String> {
    let found = [
        (paths::credentials_file().ok()?, &["aws_access_key_id"][..]),
        (paths::config_file().ok()?, &CONFIG_KEYS[..]),
    ]
    .into_iter()
    .find(|(path, keys)| default_has(path, keys))?;
    Some(format!(
        "profile 'default' has credentials of its own in {}; SDKs in the command use them before the endpoint (move them to a named profile, or run sso-env exec without --server)",
        found.0.display()
    ))
}

/// Does the file's `[default]` (or `[profile default]`) section have one of `keys`?
fn default_has(path: &Path, keys: &[&str]) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let Ok(sections) = ini::parse(&text, &path.display().to_string()) else {
        return false;
    };
    sections
        .iter()
        .filter(|s| s.header.trim() == "default" || s.header.trim() == "profile default")
        .any(|s| {
            keys.iter()
                .any(|k| s.get(k).is_some_and(|v| !v.trim().is_empty()))
        })
}
