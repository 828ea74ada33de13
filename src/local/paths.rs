//! Where things live: the files the AWS CLI v2 and botocore use, so the caches are shared.

use std::path::PathBuf;

use crate::error::{Error, Result};

/// The home directory as botocore sees it (`os.path.expanduser("~")`).
pub(crate) fn home() -> Result<PathBuf> {
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    match std::env::var_os(var) {
        Some(h) if !h.is_empty() => Ok(PathBuf::from(h)),
        _ => Err(Error::new(format!(
            "${var} is not set; set it to your home directory"
        ))),
    }
}

/// Expands a leading `~` as botocore does for `AWS_CONFIG_FILE`.
fn expand(path: &std::ffi::OsStr) -> Result<PathBuf> {
    let s = path.to_string_lossy();
    if s == "~" {
        return home();
    }
    if let Some(rest) = s.strip_prefix("~/") {
        return Ok(home()?.join(rest));
    }
    Ok(PathBuf::from(path))
}

pub(crate) fn config_file() -> Result<PathBuf> {
    match std::env::var_os("AWS_CONFIG_FILE") {
        Some(p) if !p.is_empty() => expand(&p),
        _ => Ok(home()?.join(".aws").join("config")),
    }
}

/// `$AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`, as botocore finds it.
pub(crate) fn credentials_file() -> Result<PathBuf> {
    match std::env::var_os("AWS_SHARED_CREDENTIALS_FILE") {
        Some(p) if !p.is_empty() => expand(&p),
        _ => Ok(home()?.join(".aws").join("credentials")),
    }
}

/// `~/.aws/sso/cache`: SSO tokens and client registrations.
pub(crate) fn sso_cache_dir() -> Result<PathBuf> {
    Ok(home()?.join(".aws").join("sso").join("cache"))
}

/// `~/.aws/cli/cache`: role credentials, shared with the AWS CLI v2.
pub(crate) fn role_cache_dir() -> Result<PathBuf> {
    Ok(home()?.join(".aws").join("cli").join("cache"))
}

/// Our own lock files, kept out of the shared cache directories so that other tools that
/// sweep those directories (e.g. `aws sso logout`) never see a file they do not expect.
pub(crate) fn lock_dir() -> Result<PathBuf> {
    Ok(home()?.join(".aws").join("sso-env").join("locks"))
}
