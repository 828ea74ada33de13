//! The assume-role cache, `~/.aws/cli/cache/<key>.json`, as botocore's
//! `AssumeRoleCredentialFetcher` keeps it for the AWS CLI: the key is the SHA-1 of the
//! AssumeRole arguments as `json.dumps(args, sort_keys=True)` (the generated session name left
//! out), made file-safe; the entry is the AssumeRole response with `Credentials.AccountId`
//! added. `aws` reuses our entries and we reuse its. Under 15 minutes left is a miss.

use std::path::PathBuf;

use serde_json::Value;

use crate::error::Result;
use crate::keys::Credentials;
use crate::local::fsutil;
use crate::local::pyjson::{self, Val};
use crate::timefmt;

/// botocore's `AssumeRoleProvider.EXPIRY_WINDOW_SECONDS`.
pub(crate) const EXPIRY_WINDOW_SECS: i64 = 15 * 60;

/// The AssumeRole arguments that make up the cache key (the MFA code is not one of them).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Args {
    pub role_arn: String,
    /// `role_session_name`; `None` when botocore would generate `botocore-session-<time>`.
    pub session_name: Option<String>,
    pub external_id: Option<String>,
    pub serial_number: Option<String>,
    pub duration_seconds: Option<i64>,
}

/// A cached AssumeRole result.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub credentials: Credentials,
    /// Unix seconds.
    pub expiration: i64,
    /// `AssumedRoleUser.Arn` and `AssumedRoleId`, when known.
    pub assumed_arn: Option<String>,
    pub assumed_id: Option<String>,
}

pub(crate) fn key(a: &Args) -> String {
    let mut pairs = vec![("RoleArn", Val::Str(&a.role_arn))];
    let opt = [
        ("RoleSessionName", &a.session_name),
        ("ExternalId", &a.external_id),
        ("SerialNumber", &a.serial_number),
    ];
    for (k, v) in opt {
        if let Some(v) = v {
            pairs.push((k, Val::Str(v)));
        }
    }
    if let Some(d) = a.duration_seconds {
        pairs.push(("DurationSeconds", Val::Int(d)));
    }
    let args = pyjson::dumps(&pairs, ", ", ": ");
    pyjson::sha1_hex(&args).replace([':', '/', '\\'], "_")
}

pub(crate) fn path(key: &str) -> Result<PathBuf> {
    Ok(crate::local::paths::role_cache_dir()?.join(format!("{key}.json")))
}

/// The entry if present, well formed and good for more than the window.
pub(crate) fn read(key: &str, now: i64) -> Result<Option<Entry>> {
    Ok(read_any(key)?.filter(|c| c.expiration - now >= EXPIRY_WINDOW_SECS))
}

/// The entry if present and well formed, however little time it has left.
pub(crate) fn read_any(key: &str) -> Result<Option<Entry>> {
    // Unreadable (root-owned after `sudo aws`, a directory): a warning and a miss, as botocore.
    Ok(fsutil::read_cache(&path(key)?).and_then(|bytes| parse(&bytes)))
}

fn parse(bytes: &[u8]) -> Option<Entry> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    let c = v.get("Credentials")?;
    let s = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let expiration = timefmt::parse(&s(c, "Expiration")?)?;
    let user = v.get("AssumedRoleUser").unwrap_or(&Value::Null);
    Some(Entry {
        credentials: Credentials {
            access_key_id: s(c, "AccessKeyId")?,
            secret_access_key: s(c, "SecretAccessKey")?,
            session_token: Some(s(c, "SessionToken")?),
            expiration: Some(expiration),
        },
        expiration,
        assumed_arn: s(user, "Arn"),
        assumed_id: s(user, "AssumedRoleId"),
    })
}

/// Writes the entry the AWS CLI would write, in its key order: the AssumeRole response with
/// `Credentials.AccountId` (from the assumed role's ARN), Expiration as botocore's
/// `JSONFileCache` serialises datetimes (`%Y-%m-%dT%H:%M:%S%Z`: a literal `UTC`).
pub(crate) fn write(key: &str, e: &Entry) -> Result<()> {
    fsutil::write_private(&path(key)?, render(e).as_bytes())
}

fn render(e: &Entry) -> String {
    let c = &e.credentials;
    let q = |s: &str| Value::from(s).to_string();
    let stamp = timefmt::format_utc(e.expiration).replace('Z', "UTC");
    let mut creds = format!(
        "\"AccessKeyId\": {}, \"SecretAccessKey\": {}, \"SessionToken\": {}, \"Expiration\": {}",
        q(&c.access_key_id),
        q(&c.secret_access_key),
        q(c.session_token.as_deref().unwrap_or_default()),
        q(&stamp)
    );
    if let Some(account) = e.assumed_arn.as_deref().and_then(arn_account) {
        creds.push_str(&format!(", \"AccountId\": {}", q(account)));
    }
    let mut entry = format!("{{\"Credentials\": {{{creds}}}");
    if let (Some(arn), Some(id)) = (&e.assumed_arn, &e.assumed_id) {
        entry.push_str(&format!(
            ", \"AssumedRoleUser\": {{\"AssumedRoleId\": {}, \"Arn\": {}}}",
            q(id),
            q(arn)
        ));
    }
    entry.push('}');
    entry
}

/// The account of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`).
pub(crate) fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    (parts.next()? == "arn").then_some(())?;
    let account = parts.nth(3)?;
    parts.next()?;
    (!account.is_empty()).then_some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> Args {
        Args {
            role_arn: "arn:aws:iam::760097843905:role/platform-developer".into(),
            session_name: None,
            external_id: Some("x".into()),
            serial_number: None,
            duration_seconds: Some(3600),
        }
    }

    #[test]
    fn key_matches_botocore() {
        // python3 -c 'import json,hashlib; print(hashlib.sha1(json.dumps({"RoleArn":
        //   "arn:aws:iam::760097843905:role/platform-developer","DurationSeconds":3600,
        //   "ExternalId":"x"}, sort_keys=True).encode()).hexdigest())'
        assert_eq!(key(&args()), "68dc60594c42caec43d421075d52a66b6cc2b50f");
    }

    #[test]
    fn reads_what_botocore_writes() {
        let text = r#"{"Credentials": {"AccessKeyId": "ASIA1", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2026-01-01T01:00:00+00:00", "AccountId": "1"}, "AssumedRoleUser": {"AssumedRoleId": "AROA:s", "Arn": "arn:aws:sts::1:assumed-role/r/s"}, "ResponseMetadata": {"RequestId": "x", "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}}"#;
        let e = parse(text.as_bytes()).unwrap();
        assert_eq!(
            e.expiration,
            timefmt::parse("2026-01-01T01:00:00Z").unwrap()
        );
        assert_eq!(e.credentials.access_key_id, "ASIA1");
        assert_eq!(
            e.assumed_arn.as_deref(),
            Some("arn:aws:sts::1:assumed-role/r/s")
        );
        assert!(parse(b"{\"Credentials\":{}}").is_none());
    }

    #[test]
    fn writes_what_botocore_writes() {
        let e = Entry {
            credentials: Credentials {
                access_key_id: "ASIA1".into(),
                secret_access_key: "S\"".into(),
                session_token: Some("T".into()),
                expiration: Some(1_795_681_043),
            },
            expiration: 1_795_681_043,
            assumed_arn: Some("arn:aws:sts::222222222222:assumed-role/Deploy/s".into()),
            assumed_id: Some("AROA1:s".into()),
        };
        let text = render(&e);
        assert_eq!(
            text,
            r#"{"Credentials": {"AccessKeyId": "ASIA1", "SecretAccessKey": "S\"", "SessionToken": "T", "Expiration": "2026-11-26T08:17:23UTC", "AccountId": "222222222222"}, "AssumedRoleUser": {"AssumedRoleId": "AROA1:s", "Arn": "arn:aws:sts::222222222222:assumed-role/Deploy/s"}}"#
        );
        assert_eq!(parse(text.as_bytes()).unwrap(), e);
    }

    #[test]
    fn arn_accounts() {
        assert_eq!(
            arn_account("arn:aws:iam::760097843905:role/a/b"),
            Some("760097843905")
        );
        assert_eq!(arn_account("arn:aws:iam:::role/a"), None);
        assert_eq!(arn_account("nope"), None);
    }
}
