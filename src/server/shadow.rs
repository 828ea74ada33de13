//! What the endpoint cannot override from the environment alone: a `default` profile with
//! credentials of its own comes before the container endpoint in the SDKs' chains (botocore:
//! environment, then the active profile's role, SSO, keys and process, then the container;
//! the Rust, Go, JS and Java SDKs alike), so a command without `AWS_PROFILE` would act as
//! `default`. When it has them, the command gets a copy of the config with one more profile,
//! which has no credentials (only the region), as `AWS_PROFILE`: every SDK then falls through
//! to the endpoint, and every other profile (`aws --profile X`) still works in the command.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::local::{fsutil, ini, paths};
use crate::shell::Vars;

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

/// The name of the profile without credentials (a number is added if the files have it).
const PROFILE: &str = "sso-env-endpoint";

/// The config copy the command reads; removed when the endpoint stops.
pub(crate) struct Isolation {
    pub(crate) config_file: PathBuf,
    pub(crate) profile: String,
}

impl Isolation {
    /// Points the command at the copy and the profile without credentials.
    pub(crate) fn apply(&self, vars: &mut Vars) {
        vars.unset
            .retain(|n| *n != "AWS_PROFILE" && *n != "AWS_CONFIG_FILE");
        vars.set.push((
            "AWS_CONFIG_FILE",
            self.config_file.to_string_lossy().into_owned(),
        ));
        vars.set.push(("AWS_PROFILE", self.profile.clone()));
    }
}

impl Drop for Isolation {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.config_file);
    }
}

/// A config copy that keeps the `default` profile from shadowing the endpoint, when it would
/// (its credentials are in the config or the credentials file); `None` when nothing shadows.
pub(crate) fn isolate(region: Option<&str>) -> Result<Option<Isolation>> {
    let (config, creds) = (paths::config_file()?, paths::credentials_file()?);
    if !default_has(&creds, &["aws_access_key_id"]) && !default_has(&config, &CONFIG_KEYS) {
        return Ok(None);
    }
    let text = match fsutil::read_optional(&config)? {
        Some(bytes) => String::from_utf8(bytes)
            .map_err(|_| Error::new(format!("{} is not UTF-8 text", config.display())))?,
        None => String::new(),
    };
    let taken = |n: &str| {
        [&config, &creds]
            .iter()
            .any(|p| has_section(p, &[n, &format!("profile {n}")]))
    };
    let profile = (0..)
        .map(|i| match i {
            0 => PROFILE.to_string(),
            i => format!("{PROFILE}-{i}"),
        })
        .find(|n| !taken(n))
        .unwrap_or_default();
    let dir = paths::lock_dir()?.with_file_name("server");
    sweep(&dir);
    let config_file = dir.join(format!("{}.config", std::process::id()));
    let mut copy = text;
    if !copy.is_empty() && !copy.ends_with('\n') {
        copy.push('\n');
    }
    copy.push_str(&format!(
        "\n# sso-env exec --server / serve: no credentials here, so SDKs ask the endpoint\n[profile {profile}]\n"
    ));
    if let Some(r) = region {
        copy.push_str(&format!("region = {r}\n"));
    }
    fsutil::write_private(&config_file, copy.as_bytes())?;
    crate::debug!(
        "profile 'default' has credentials; the command reads {} with AWS_PROFILE={profile}",
        config_file.display()
    );
    Ok(Some(Isolation {
        config_file,
        profile,
    }))
}

/// Removes the copies of endpoints that were killed before they could (their pid is gone).
fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_suffix(".config").and_then(|p| p.parse().ok()) else {
            continue;
        };
        if !alive(pid) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(unix)]
fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let found = unsafe { libc::kill(pid, 0) == 0 };
    found || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn alive(_pid: i32) -> bool {
    true
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// Does the file have a section with one of these headers?
fn has_section(path: &Path, headers: &[&str]) -> bool {
    let Some(text) = read(path) else {
        return false;
    };
    ini::parse(&text, &path.display().to_string()).is_ok_and(|s| {
        s.iter()
            .any(|s| headers.iter().any(|h| s.header.trim() == *h))
    })
}

/// Does the file's `[default]` (or `[profile default]`) section have one of `keys`?
fn default_has(path: &Path, keys: &[&str]) -> bool {
    let Some(text) = read(path) else {
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
