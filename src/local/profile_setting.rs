//! One setting of a profile beyond its Identity Center keys (today `ca_bundle`), read only on
//! the cold path, just before a call is made. Sections are matched as botocore names them:
//! `[default]` and `[profile NAME]`; a later section of the same name wins.

use crate::local::{ini, paths};

/// The value of `key` in profile `profile`, if the config has one (errors in the file are
/// reported by the commands that read it; here they read as "not set").
pub(crate) fn get(profile: &str, key: &str) -> Option<String> {
    let path = paths::config_file().ok()?;
    let text = std::fs::read_to_string(&path).ok()?;
    let sections = ini::parse(&text, &path.display().to_string()).ok()?;
    sections
        .iter()
        .rev()
        .filter(|s| names(s.header, profile))
        .find_map(|s| s.get(key))
        .filter(|v| !v.trim().is_empty())
        .map(|v| v.trim().to_string())
}

/// Whether a `[...]` header declares `profile`, read as the config parser reads headers
/// (shlex-split, so a quoted name matches too).
fn names(header: &str, profile: &str) -> bool {
    crate::local::config::profile_name_ref(header).is_some_and(|n| n == profile)
}

#[cfg(test)]
mod tests {
    #[test]
    fn headers_name_profiles_as_botocore_does() {
        assert!(super::names("default", "default"));
        assert!(super::names("profile  koa", "koa"));
        assert!(!super::names("profile koa", "default"));
        assert!(!super::names("sso-session koa", "koa"));
        assert!(super::names("profile 'my koa'", "my koa"));
    }
}
