//! `sso-env console`: sign in to the AWS web console with a profile's role credentials through
//! the AWS federation endpoint: getSigninToken (credentials in a POST body, never in a URL),
//! then a login URL that carries only the short-lived sign-in token.

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::local::config::SsoProfile;
use crate::local::role_cache::RoleCredentials;
use crate::remote::sdk;
use crate::signin::browser;
use crate::url;

pub struct Options {
    /// Print the URL instead of opening a browser.
    pub print: bool,
    /// Console page to land on; default the console home in the profile's region.
    pub destination: Option<String>,
}

/// The federation endpoint for the profile's partition; `SSO_ENV_FEDERATION_ENDPOINT`
/// overrides it (for tests and unusual partitions).
fn federation_endpoint(region: &str) -> String {
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

fn console_home(region: &str) -> String {
    if region.starts_with("us-gov-") {
        format!("https://console.amazonaws-us-gov.com/console/home?region={region}")
    } else if region.starts_with("cn-") {
        format!("https://console.amazonaws.cn/console/home?region={region}")
    } else {
        format!("https://{region}.console.aws.amazon.com/console/home?region={region}")
    }
}

/// Returns the URL when printing; opens the browser otherwise.
pub fn run(
    p: &SsoProfile,
    creds: &RoleCredentials,
    region: Option<String>,
    opts: &Options,
) -> Result<Option<String>> {
    let region = region.unwrap_or_else(|| "us-east-1".to_string());
    let endpoint = federation_endpoint(&region);
    let session = json!({"sessionId": creds.access_key_id, "sessionKey": creds.secret_access_key, "sessionToken": creds.session_token}).to_string();
    let body = format!("Action=getSigninToken&Session={}", url::encode(&session));
    let (status, answer) = sdk::block_on(sdk::post_form(&format!("{endpoint}/federation"), body))??;
    if status != 200 {
        return Err(Error::new(format!("{endpoint}/federation answered HTTP {status} to getSigninToken; the role may not allow console access")));
    }
    let token = serde_json::from_slice::<Value>(&answer)
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
        })?;
    let destination = opts
        .destination
        .clone()
        .unwrap_or_else(|| console_home(&region));
    let url = format!(
        "{endpoint}/federation?Action=login&Issuer={}&Destination={}&SigninToken={}",
        url::encode("sso-env"),
        url::encode(&destination),
        url::encode(&token)
    );
    if opts.print {
        return Ok(Some(url));
    }
    if !browser::open(&url) {
        return Err(Error::new(
            "no browser to open here; run with --print and open the URL yourself",
        ));
    }
    eprintln!(
        "sso-env: opened the AWS console for profile {} in your browser",
        crate::error::shown(&p.name)
    );
    Ok(None)
}
