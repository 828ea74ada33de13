//! The SSO token cache, `~/.aws/sso/cache/<sha1>.json`, shared with the AWS CLI v2, botocore
//! and the SDKs. The file name is the SHA-1 of the sso-session name, or of the start URL for
//! legacy profiles; the content is the AWS CLI's JSON.

use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::local::config::SsoSettings;
use crate::local::fsutil;
use crate::local::pyjson;
use crate::local::pyjson::Val;
use crate::timefmt;

/// A cached SSO access token.
#[derive(Clone)]
pub(crate) struct Token {
    pub access_token: String,
    /// Unix seconds.
    pub expires_at: i64,
    /// Every field of the file, so a rewrite (refresh) keeps what it does not know.
    pub fields: Map<String, Value>,
}

impl Token {
    /// What a refresh needs, when the file has it and the registration is still valid.
    pub(crate) fn refresh_grant(&self, now: i64) -> Option<(Registration, String)> {
        let s = |k: &str| {
            self.fields
                .get(k)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(String::from)
        };
        let registration = Registration {
            client_id: s("clientId")?,
            client_secret: s("clientSecret")?,
            expires_at: timefmt::parse(&s("registrationExpiresAt")?)?,
            scopes: None,
            grant_types: None,
        };
        (registration.expires_at > now).then_some((registration, s("refreshToken")?))
    }
}

/// `Debug` without secrets.
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token {{ expires_at: {} }}", self.expires_at)
    }
}

/// An SSO-OIDC client registration, cached like the AWS CLI caches it.
#[derive(Clone)]
pub(crate) struct Registration {
    pub client_id: String,
    pub client_secret: String,
    /// Unix seconds.
    pub expires_at: i64,
    pub scopes: Option<Vec<String>>,
    /// Present (`authorization_code`, `refresh_token`) only for PKCE registrations.
    pub grant_types: Option<Vec<String>>,
}

impl Registration {
    pub(crate) fn is_for_auth_code(&self) -> bool {
        self.grant_types
            .as_ref()
            .is_some_and(|g| g.iter().any(|t| t == "authorization_code"))
    }
}

/// The AWS CLI reuses a registration while it has more than this left.
pub(crate) const REGISTRATION_WINDOW_SECS: i64 = 15 * 60;

/// The registration's file name: SHA-1 of Python's `json.dumps` of region, scopes (null when
/// not configured), session name (null for legacy profiles), start URL and `"tool": "botocore"`.
pub(crate) fn registration_key(sso: &SsoSettings) -> String {
    let scopes = if sso.scopes_configured {
        Val::List(&sso.scopes)
    } else {
        Val::Null
    };
    let session = match &sso.session_name {
        Some(s) => Val::Str(s),
        None => Val::Null,
    };
    let args = pyjson::dumps(
        &[
            ("region", Val::Str(&sso.region)),
            ("scopes", scopes),
            ("session_name", session),
            ("startUrl", Val::Str(&sso.start_url)),
            ("tool", Val::Str("botocore")),
        ],
        ", ",
        ": ",
    );
    pyjson::sha1_hex(&args)
}

fn registration_path(sso: &SsoSettings) -> Result<PathBuf> {
    Ok(crate::local::paths::sso_cache_dir()?.join(format!("{}.json", registration_key(sso))))
}

/// The cached registration if usable for this flow (PKCE needs a PKCE registration, the device
/// flow refuses one) and not within 15 minutes of expiry.
pub(crate) fn read_registration(
    sso: &SsoSettings,
    pkce: bool,
    now: i64,
) -> Result<Option<Registration>> {
    let Some(bytes) = fsutil::read_cache(&registration_path(sso)?) else {
        return Ok(None);
    };
    let Ok(v) = serde_json::from_slice::<Value>(&bytes) else {
        return Ok(None);
    };
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let list = |k: &str| {
        v.get(k).and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect::<Vec<_>>()
        })
    };
    let (Some(client_id), Some(client_secret), Some(expires_at)) = (
        s("clientId"),
        s("clientSecret"),
        s("expiresAt").and_then(|e| timefmt::parse(&e)),
    ) else {
        return Ok(None);
    };
    let reg = Registration {
        client_id,
        client_secret,
        expires_at,
        scopes: list("scopes"),
        grant_types: list("grantTypes"),
    };
    Ok(
        (reg.expires_at - now >= REGISTRATION_WINDOW_SECS && reg.is_for_auth_code() == pkce)
            .then_some(reg),
    )
}

pub(crate) fn write_registration(sso: &SsoSettings, reg: &Registration) -> Result<()> {
    let mut out = Map::new();
    out.insert("clientId".into(), Value::String(reg.client_id.clone()));
    out.insert(
        "clientSecret".into(),
        Value::String(reg.client_secret.clone()),
    );
    out.insert(
        "expiresAt".into(),
        Value::String(timefmt::format_utc(reg.expires_at)),
    );
    if let Some(scopes) = &reg.scopes {
        out.insert(
            "scopes".into(),
            scopes.iter().cloned().map(Value::String).collect(),
        );
    }
    if let Some(g) = &reg.grant_types {
        out.insert(
            "grantTypes".into(),
            g.iter().cloned().map(Value::String).collect(),
        );
    }
    let data = serde_json::to_vec(&Value::Object(out))
        .map_err(|e| Error::new(format!("cannot encode registration: {e}")))?;
    fsutil::write_private(&registration_path(sso)?, &data)
}

/// Removes the token file (after a logout, or when the service revoked it).
pub(crate) fn delete_token(sso: &SsoSettings) -> Result<bool> {
    fsutil::remove_optional(&token_path(sso)?)
}

/// The token file's name for these settings.
pub(crate) fn token_key(sso: &SsoSettings) -> String {
    pyjson::sha1_hex(sso.session_name.as_deref().unwrap_or(&sso.start_url))
}

pub(crate) fn token_path(sso: &SsoSettings) -> Result<PathBuf> {
    Ok(crate::local::paths::sso_cache_dir()?.join(format!("{}.json", token_key(sso))))
}

/// Reads the cached token; `Ok(None)` when there is none or it is unreadable as a token
/// (a corrupt file is a miss: logging in again overwrites it).
pub(crate) fn read_token(sso: &SsoSettings) -> Result<Option<Token>> {
    let path = token_path(sso)?;
    let Some(bytes) = fsutil::read_cache(&path) else {
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
pub(crate) fn write_token(sso: &SsoSettings, token: &Token) -> Result<()> {
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
            scopes_configured: false,
        };
        assert_eq!(token_key(&s), "0ad374308c5a4e22f723adf10145eafad7c4031c");
        s.session_name = None;
        assert_eq!(token_key(&s), pyjson::sha1_hex("https://x/start"));
    }

    #[test]
    fn registration_key_matches_the_aws_cli() {
        let s = SsoSettings {
            session_name: Some("my-sso".into()),
            start_url: "https://d-123.awsapps.com/start".into(),
            region: "us-east-1".into(),
            scopes: vec!["sso:account:access".into()],
            scopes_configured: true,
        };
        assert_eq!(
            registration_key(&s),
            "41703fba9789c2c8f9b7faa73b70bebb72c62cc9"
        );
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
