//! Where things live: the files the AWS CLI v2 and botocore use, so the caches are shared.

use std::ffi::OsStr;
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

/// Expands a path from the environment as botocore does (`configloader.raw_config_parse`):
/// `os.path.expandvars`, then `os.path.expanduser`.
fn expand(path: &OsStr) -> Result<PathBuf> {
    let vars = expand_vars(&path.to_string_lossy());
    expand_user(&vars)
}

/// Python's `posixpath.expandvars`: `$NAME` and `${NAME}` (NAME of ASCII word characters) are
/// replaced by the variable's value; unknown names stay as written; values are not rescanned.
fn expand_vars(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        match std::env::var_os(name).filter(|_| !name.is_empty()) {
            Some(value) => out.push_str(&value.to_string_lossy()),
            None => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// Python's `posixpath.expanduser`: `~` is $HOME, `~user` that user's home directory; an
/// unknown user leaves the path as written.
fn expand_user(path: &str) -> Result<PathBuf> {
    let Some(after) = path.strip_prefix('~') else {
        return Ok(PathBuf::from(path));
    };
    let (user, tail) = after.split_at(after.find('/').unwrap_or(after.len()));
    let home = if user.is_empty() {
        home()?
    } else {
        match user_home(user) {
            Some(h) => h,
            None => return Ok(PathBuf::from(path)),
        }
    };
    let home = home.to_string_lossy();
    let joined = format!("{}{tail}", home.trim_end_matches('/'));
    Ok(PathBuf::from(if joined.is_empty() { "/" } else { &joined }))
}

/// The home directory of a named user, from the password database.
#[cfg(unix)]
fn user_home(user: &str) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(user).ok()?;
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; the strings live in `buf`, read before it is
    // dropped.
    let rc = unsafe {
        libc::getpwnam_r(
            name.as_ptr(),
            &mut pwd,
            buf.as_mut_ptr(),
            buf.len(),
            &mut found,
        )
    };
    if rc != 0 || found.is_null() || pwd.pw_dir.is_null() {
        return None;
    }
    let dir = unsafe { std::ffi::CStr::from_ptr(pwd.pw_dir) };
    Some(PathBuf::from(OsStr::from_bytes(dir.to_bytes())))
}

#[cfg(not(unix))]
fn user_home(_user: &str) -> Option<PathBuf> {
    None
}

pub(crate) fn config_file() -> Result<PathBuf> {
    from_env("AWS_CONFIG_FILE", "config")
}

/// `~/.aws/credentials` or `$AWS_SHARED_CREDENTIALS_FILE`, expanded like the config's path.
pub(crate) fn credentials_file() -> Result<PathBuf> {
    from_env("AWS_SHARED_CREDENTIALS_FILE", "credentials")
}

fn from_env(var: &str, default_name: &str) -> Result<PathBuf> {
    match std::env::var_os(var) {
        Some(p) if !p.is_empty() => expand(&p),
        _ => Ok(home()?.join(".aws").join(default_name)),
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

/// `~/.aws/login/cache` or `$AWS_LOGIN_CACHE_DIRECTORY`: the sessions of `aws login`.
pub(crate) fn login_cache_dir() -> Result<PathBuf> {
    match std::env::var_os("AWS_LOGIN_CACHE_DIRECTORY") {
        Some(p) if !p.is_empty() => expand(&p),
        _ => Ok(home()?.join(".aws").join("login").join("cache")),
    }
}

/// Our own lock files, kept out of the shared cache directories so that other tools that
/// sweep those directories (e.g. `aws sso logout`) never see a file they do not expect.
pub(crate) fn lock_dir() -> Result<PathBuf> {
    Ok(home()?.join(".aws").join("sso-env").join("locks"))
}
