//! The `aws login` session cache, `~/.aws/login/cache/<sha256 of the session>.json`
//! (`AWS_LOGIN_CACHE_DIRECTORY`), as the AWS CLI (`awscli/customizations/login/`) writes it and
//! botocore's `LoginCredentialFetcher` reads and rewrites it: `accessToken` (15-minute keys
//! with `accountId` and `expiresAt`), `tokenType`, `clientId`, `refreshToken`, `idToken` and
//! `dpopKey` (the P-256 key every refresh proves possession of, SEC1 PEM).

use std::path::PathBuf;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::keys::Credentials;
use crate::local::fsutil;
use crate::timefmt;

/// The fields botocore requires before it uses an entry.
const REQUIRED: [&str; 4] = ["accessToken", "refreshToken", "dpopKey", "clientId"];

/// The AWS CLI's key order, for writing an entry back the way it writes one.
const ORDER: [&str; 6] = [
    "accessToken",
    "tokenType",
    "clientId",
    "refreshToken",
    "idToken",
    "dpopKey",
];
const TOKEN_ORDER: [&str; 5] = [
    "accessKeyId",
    "secretAccessKey",
    "sessionToken",
    "accountId",
    "expiresAt",
];

/// One cached session.
pub(crate) struct Entry {
    fields: Map<String, Value>,
}

/// `<dir>/<sha256 hex of the session name>.json` (botocore's `generate_login_cache_key`).
pub(crate) fn path(session: &str) -> Result<PathBuf> {
    Ok(crate::local::paths::login_cache_dir()?.join(format!("{}.json", key(session))))
}

/// The file's name without `.json`.
pub(crate) fn key(session: &str) -> String {
    Sha256::digest(session.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The entry of `session`: `Ok(None)` when there is none, `Err` with the missing fields
/// named when it is unusable.
pub(crate) fn read(session: &str) -> Result<Option<Entry>> {
    let path = path(session)?;
    let Some(bytes) = fsutil::read_optional(&path)? else {
        return Ok(None);
    };
    let bad = |why: String| Error::new(format!("{}: {why}", path.display()));
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(bad("not a login session (not a JSON object)".into()));
    };
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|k| !fields.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        return Err(bad(format!(
            "the login session lacks {}",
            missing.join(", ")
        )));
    }
    Ok(Some(Entry { fields }))
}

impl Entry {
    fn str(&self, k: &str) -> Option<&str> {
        self.fields.get(k).and_then(Value::as_str)
    }

    fn token(&self, k: &str) -> Option<&str> {
        self.fields.get("accessToken")?.get(k)?.as_str()
    }

    pub(crate) fn client_id(&self) -> &str {
        self.str("clientId").unwrap_or_default()
    }

    pub(crate) fn refresh_token(&self) -> &str {
        self.str("refreshToken").unwrap_or_default()
    }

    pub(crate) fn dpop_key(&self) -> &str {
        self.str("dpopKey").unwrap_or_default()
    }

    /// `accessToken.expiresAt` in Unix seconds, if readable.
    pub(crate) fn expires_at(&self) -> Option<i64> {
        self.token("expiresAt").and_then(timefmt::parse)
    }

    pub(crate) fn account_id(&self) -> Option<&str> {
        self.token("accountId")
    }

    /// The cached keys, if the entry has them all.
    pub(crate) fn credentials(&self) -> Option<Credentials> {
        Some(Credentials {
            access_key_id: self.token("accessKeyId")?.to_string(),
            secret_access_key: self.token("secretAccessKey")?.to_string(),
            session_token: Some(self.token("sessionToken")?.to_string()),
            expiration: self.expires_at(),
        })
    }

    /// botocore's `token.update(...)` after a refresh: new keys (the account kept), their
    /// expiry, the rotated refresh token; every other field as it was.
    pub(crate) fn refreshed(&mut self, creds: &Credentials, refresh_token: &str) {
        let mut token = Map::new();
        token.insert("accessKeyId".into(), creds.access_key_id.clone().into());
        token.insert(
            "secretAccessKey".into(),
            creds.secret_access_key.clone().into(),
        );
        token.insert(
            "sessionToken".into(),
            creds.session_token.clone().unwrap_or_default().into(),
        );
        let account = self.account_id().map_or(Value::Null, Value::from);
        token.insert("accountId".into(), account);
        let expires = timefmt::format_utc(creds.expiration.unwrap_or_else(timefmt::now));
        token.insert("expiresAt".into(), expires.into());
        self.fields
            .insert("accessToken".into(), Value::Object(token));
        self.fields
            .insert("refreshToken".into(), refresh_token.to_string().into());
    }

    /// Writes the entry back, private and atomic, in the AWS CLI's key order and
    /// `json.dumps` separators.
    pub(crate) fn write(&self, session: &str) -> Result<()> {
        fsutil::write_private(&path(session)?, render(&self.fields).as_bytes())
    }
}

/// `json.dumps(token)` of an entry the AWS CLI built: its keys in its order, others after.
fn render(fields: &Map<String, Value>) -> String {
    object(fields, &ORDER, Some(&TOKEN_ORDER))
}

/// An object with the keys of `order` first; nested objects ordered by `inner` (one level).
fn object(m: &Map<String, Value>, order: &[&str], inner: Option<&[&str]>) -> String {
    let mut keys: Vec<&String> = order
        .iter()
        .filter_map(|k| m.get_key_value(*k).map(|(k, _)| k))
        .collect();
    keys.extend(m.keys().filter(|k| !order.contains(&k.as_str())));
    let items: Vec<String> = keys
        .into_iter()
        .map(|k| {
            let v = match (&m[k], inner) {
                (Value::Object(o), Some(order)) => object(o, order, None),
                (v, _) => py(v),
            };
            format!("{}: {v}", py(&Value::from(k.as_str())))
        })
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// A value as Python's `json.dumps` writes it (`ensure_ascii`, `", "` and `": "`).
fn py(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let mut out = String::new();
            for c in serde_json::to_string(s).unwrap_or_default().chars() {
                match c {
                    ' '..='~' => out.push(c),
                    _ => {
                        let mut units = [0u16; 2];
                        for u in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{u:04x}"));
                        }
                    }
                }
            }
            out
        }
        Value::Array(items) => format!("[{}]", items.iter().map(py).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => object(m, &[], None),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_the_aws_cli() {
        let v: Value = serde_json::from_str(r#"{"dpopKey": "-----BEGIN EC PRIVATE KEY-----\nk\n-----END EC PRIVATE KEY-----\n", "idToken": "i", "refreshToken": "r", "clientId": "c", "tokenType": "aws_sigv4", "accessToken": {"expiresAt": "2026-01-01T00:00:00Z", "accountId": "1", "sessionToken": "t", "secretAccessKey": "s", "accessKeyId": "a"}, "extra": "\u00e9"}"#).unwrap();
        let Value::Object(m) = v else { unreachable!() };
        assert_eq!(
            render(&m),
            r#"{"accessToken": {"accessKeyId": "a", "secretAccessKey": "s", "sessionToken": "t", "accountId": "1", "expiresAt": "2026-01-01T00:00:00Z"}, "tokenType": "aws_sigv4", "clientId": "c", "refreshToken": "r", "idToken": "i", "dpopKey": "-----BEGIN EC PRIVATE KEY-----\nk\n-----END EC PRIVATE KEY-----\n", "extra": "\u00e9"}"#
        );
    }
}
