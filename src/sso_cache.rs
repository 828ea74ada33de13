//! The SSO token cache, `~/.aws/sso/cache/<sha1>.json`, shared with the AWS CLI v2, botocore
//! and the SDKs. The file name is the SHA-1 of the sso-session name, or of the start URL for
//! legacy profiles; the content is the AWS CLI's JSON.

use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::config::SsoSettings;
use crate::error::{Error, Result};
use crate::{fsutil, pyjson, timefmt};

/// A cached SSO access token.
#[derive(Debug, Clone)]
pub struct Token {
    pub access_token: String,
    /// Unix seconds.
    pub expires_at: i64,
    /// Every field of the file, so a rewrite (refresh) keeps what it does not know.
    #[allow(dead_code)]
    pub fields: Map<String, Value>,
}

/// The token file's name for these settings.
pub fn token_key(sso: &SsoSettings) -> String {
    pyjson::sha1_hex(sso.session_name.as_deref().unwrap_or(&sso.start_url))
}

pub fn token_path(sso: &SsoSettings) -> Result<PathBuf> {
    Ok(crate::paths::sso_cache_dir()?.join(format!("{}.json", token_key(sso))))
}

/// Reads the cached token; `Ok(None)` when there is none or it is unreadable as a token
/// (a corrupt file is a miss: logging in again overwrites it).
pub fn read_token(sso: &SsoSettings) -> Result<Option<Token>> {
    let path = token_path(sso)?;
    let Some(bytes) = fsutil::read_optional(&path)? else {
        return Ok(None);
    };
    Ok(parse_token(&bytes))
}

fn parse_token(bytes: &[u8]) -> Option<Token> {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(bytes) else {
        return None;
    };
    let access_token = fields.get("accessToken")?.as_str()?.to_string();
    let expires_at = timefmt::parse(fields.get("expiresAt")?.as_str()?)?;
    if access_token.is_empty() {
        return None;
    }
    Some(Token {
        access_token,
        expires_at,
        fields,
    })
}

/// Writes a token in the AWS CLI's layout (key order as the CLI writes it).
#[allow(dead_code)] // login and refresh write tokens
pub fn write_token(sso: &SsoSettings, token: &Token) -> Result<()> {
    let mut out = Map::new();
    out.insert("startUrl".into(), Value::String(sso.start_url.clone()));
    out.insert("region".into(), Value::String(sso.region.clone()));
    out.insert(
        "accessToken".into(),
        Value::String(token.access_token.clone()),
    );
    out.insert(
        "expiresAt".into(),
        Value::String(timefmt::format_utc(token.expires_at)),
    );
    for key in [
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    ] {
        if let Some(v) = token.fields.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    for (k, v) in &token.fields {
        if !out.contains_key(k) {
            out.insert(k.clone(), v.clone());
        }
    }
    let data = serde_json::to_vec(&Value::Object(out))
        .map_err(|e| Error::new(format!("cannot encode token: {e}")))?;
    fsutil::write_private(&token_path(sso)?, &data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_sha1_of_session_or_start_url() {
        let mut s = SsoSettings {
            session_name: Some("my-sso".into()),
            start_url: "https://x/start".into(),
            region: "eu-west-1".into(),
            scopes: vec![],
        };
        assert_eq!(token_key(&s), "0ad374308c5a4e22f723adf10145eafad7c4031c");
        s.session_name = None;
        assert_eq!(token_key(&s), pyjson::sha1_hex("https://x/start"));
    }

    #[test]
    fn corrupt_or_incomplete_files_are_misses() {
        for bad in [
            &b"{"[..],
            b"[]",
            b"{\"accessToken\":\"a\"}",
            b"{\"accessToken\":\"a\",\"expiresAt\":\"2026-01-01T00:00:00\"}",
            b"{\"accessToken\":\"\",\"expiresAt\":\"2026-01-01T00:00:00Z\"}",
        ] {
            assert!(
                parse_token(bad).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let t =
            parse_token(br#"{"accessToken":"a","expiresAt":"2026-01-01T00:00:00UTC"}"#).unwrap();
        assert_eq!(
            t.expires_at,
            timefmt::parse("2026-01-01T00:00:00Z").unwrap()
        );
    }
}
