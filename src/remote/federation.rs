//! The AWS sign-in federation endpoint: getSigninToken turns role credentials into a
//! 15-minute console sign-in token. The credentials travel in a POST body, never in a URL.

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::keys::Credentials;
use crate::remote::sdk;
use crate::url;

/// The federation endpoint for the profile's partition; `SSO_ENV_FEDERATION_ENDPOINT`
/// overrides it (for tests and unusual partitions).
pub(crate) fn endpoint(region: &str) -> String {
    if let Ok(e) = std::env::var("SSO_ENV_FEDERATION_ENDPOINT") {
        if !e.is_empty() {
            return e.trim_end_matches('/').to_string();
        }
    }
    if region.starts_with("us-gov-") {
        "https://signin.amazonaws-us-gov.com".into()
    } else if region.starts_with("cn-") {
        "https://signin.amazonaws.cn".into()
    } else {
        "https://signin.aws.amazon.com".into()
    }
}

/// A console sign-in token for `creds` from `endpoint`.
pub(crate) fn signin_token(endpoint: &str, creds: &Credentials) -> Result<String> {
    let session = json!({"sessionId": creds.access_key_id, "sessionKey": creds.secret_access_key, "sessionToken": creds.session_token}).to_string();
    let body = format!("Action=getSigninToken&Session={}", url::encode(&session));
    let (status, answer) = sdk::block_on(sdk::post_form(&format!("{endpoint}/federation"), body))??;
    if status != 200 {
        return Err(Error::new(format!("{endpoint}/federation answered HTTP {status} to getSigninToken; the role may not allow console access")));
    }
    serde_json::from_slice::<Value>(&answer)
        .ok()
        .and_then(|v| {
            v.get("SigninToken")
                .and_then(Value::as_str)
                .map(String::from)
        })
        .ok_or_else(|| {
            Error::new(format!(
                "{endpoint}/federation answered without a SigninToken"
            ))
        })
}
