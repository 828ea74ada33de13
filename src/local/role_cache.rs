//! The role-credential cache, `~/.aws/cli/cache/<key>.json`, exactly as the AWS CLI v2 keeps
//! it, so each tool reuses the other's entries. An entry with under 15 minutes left, or one
//! that does not parse, is a miss (the CLI's rule).

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::keys::Credentials;
use crate::local::config::SsoProfile;
use crate::local::fsutil;
use crate::local::pyjson::{self, Val};
use crate::timefmt;

/// The AWS CLI treats an entry with less than this left as expired.
pub(crate) const EXPIRY_WINDOW_SECS: i64 = 15 * 60;

/// A cached entry: role credentials always carry a session token and an expiry.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct Entry {
    pub credentials: Credentials,
    /// Unix seconds.
    pub expiration: i64,
}

/// The cache key: SHA-1 of the compact, sorted JSON of account, role and session name
/// (start URL for legacy profiles), with `:` and `/` made file-safe.
pub(crate) fn key(p: &SsoProfile) -> String {
    let third = match &p.sso.session_name {
        Some(s) => ("sessionName", Val::Str(s)),
        None => ("startUrl", Val::Str(&p.sso.start_url)),
    };
    let args = pyjson::dumps(
        &[
            ("accountId", Val::Str(&p.account_id)),
            ("roleName", Val::Str(&p.role_name)),
            third,
        ],
        ",",
        ":",
    );
    pyjson::sha1_hex(&args).replace([':', '/'], "_")
}

pub(crate) fn path(p: &SsoProfile) -> Result<PathBuf> {
    Ok(crate::local::paths::role_cache_dir()?.join(format!("{}.json", key(p))))
}

/// The cached credentials if present, well formed and good for more than the window.
pub(crate) fn read(p: &SsoProfile, now: i64) -> Result<Option<Entry>> {
    Ok(read_any(p)?.filter(|c| c.expiration - now >= EXPIRY_WINDOW_SECS))
}

/// The cached credentials if present and well formed, however little time they have left.
pub(crate) fn read_any(p: &SsoProfile) -> Result<Option<Entry>> {
    Ok(fsutil::read_cache(&path(p)?).and_then(|bytes| parse(&bytes)))
}

fn parse(bytes: &[u8]) -> Option<Entry> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    let c = v.get("Credentials")?;
    let s = |k: &str| {
        c.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let expiration = timefmt::parse(&s("Expiration")?)?;
    Some(Entry {
        credentials: Credentials {
            access_key_id: s("AccessKeyId")?,
            secret_access_key: s("SecretAccessKey")?,
            session_token: Some(s("SessionToken")?),
            expiration: Some(expiration),
        },
        expiration,
    })
}

/// Writes an entry the AWS CLI v2 would write for this profile.
pub(crate) fn write(p: &SsoProfile, entry: &Entry) -> Result<()> {
    let creds = &entry.credentials;
    let entry = json!({
        "ProviderType": "sso",
        "Credentials": {
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key,
            "SessionToken": creds.session_token,
            "Expiration": timefmt::format_utc(entry.expiration),
            "AccountId": p.account_id,
        }
    });
    let data = serde_json::to_vec(&entry)
        .map_err(|e| Error::new(format!("cannot encode credentials: {e}")))?;
    fsutil::write_private(&path(p)?, &data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::config::SsoSettings;

    fn profile(session: Option<&str>) -> SsoProfile {
        SsoProfile {
            name: "p".into(),
            account_id: "123456789012".into(),
            role_name: "ReadOnly".into(),
            region: None,
            sso: SsoSettings {
                session_name: session.map(String::from),
                start_url: "https://d-123.awsapps.com/start".into(),
                region: "us-east-1".into(),
                scopes: vec![],
                scopes_configured: false,
            },
        }
    }

    #[test]
    fn key_matches_the_aws_cli() {
        assert_eq!(
            key(&profile(Some("my-sso"))),
            "31b260dab331b2af063485cea75f7b8b3cf54c71"
        );
        // Legacy: startUrl takes sessionName's place.
        let want = pyjson::sha1_hex(
            r#"{"accountId":"123456789012","roleName":"ReadOnly","startUrl":"https://d-123.awsapps.com/start"}"#,
        );
        assert_eq!(key(&profile(None)), want);
    }

    #[test]
    fn short_lived_or_broken_entries_are_misses() {
        let entry = |exp: &str| {
            format!(
                r#"{{"ProviderType":"sso","Credentials":{{"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T","Expiration":"{exp}"}}}}"#
            )
        };
        let c = parse(entry("2026-01-01T01:00:00Z").as_bytes()).unwrap();
        assert_eq!(
            c.expiration,
            timefmt::parse("2026-01-01T01:00:00Z").unwrap()
        );
        assert!(parse(entry("soon").as_bytes()).is_none());
        assert!(parse(b"{\"Credentials\":{}}").is_none());
        assert!(parse(b"not json").is_none());
    }
}
