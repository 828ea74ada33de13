//! Identity Center start URLs: checked and completed as typed, the domains AWS owns (the
//! same list as the AWS CLI's `awscli/customizations/sso/resolve.py`), the region a portal
//! host names, and a session name to suggest.

use crate::error::{Error, Result};

const AWS_OWNED_SUFFIXES: [&str; 8] = [
    ".app.aws",
    ".portal.amazonaws.com",
    ".portal.amazonaws.com.cn",
    ".app.amazonwebservices.com.cn",
    ".portal.amazonaws.eu",
    ".api.amazonwebservices.eu",
    ".awsapps.com",
    ".awsapps.cn",
];

const AWS_OWNED_EXACT: [&str; 4] = [
    "identitycenter.amazonaws.com",
    "identitycenter.amazonaws.com.cn",
    "identitycenter.amazonaws.eu",
    "identitycenter.us-gov.amazonaws.com",
];

/// A start URL as typed, made whole: spaces trimmed, `https://` added when there is no
/// scheme. Plain `http://` is refused except on loopback (a local stand-in).
pub(crate) fn normalize(typed: &str) -> Result<String> {
    let t = typed.trim();
    let url = if t.contains("://") {
        t.to_string()
    } else {
        format!("https://{t}")
    };
    let Some(host) = host(&url) else {
        return Err(Error::new(format!(
            "{} is not a start URL; it looks like https://d-1234567890.awsapps.com/start",
            crate::error::shown(typed)
        )));
    };
    if url.starts_with("https://") || (url.starts_with("http://") && is_loopback(&host)) {
        Ok(url)
    } else {
        Err(Error::new(format!(
            "the start URL must use https: {}",
            crate::error::shown(typed)
        )))
    }
}

/// The host of an `http(s)://` URL, lower-cased, without port or user.
pub(crate) fn host(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => authority.split(':').next()?,
    };
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    ok.then(|| host.to_ascii_lowercase())
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

/// Whether `host` is one of AWS's Identity Center domains (not a company's own).
pub(crate) fn is_aws_owned(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    AWS_OWNED_EXACT.contains(&h.as_str())
        || AWS_OWNED_SUFFIXES
            .iter()
            .any(|s| h == s[1..] || h.ends_with(s))
}

/// The region a portal host names (`ID.portal.REGION.app.aws`, `ID.REGION.portal.amazonaws.com`
/// and the other partitions' forms); `d-xxx.awsapps.com` names none.
pub(crate) fn region_of(host: &str) -> Option<String> {
    let labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
    let tail = |from: usize| labels.get(from..).map(|l| l.join(".")).unwrap_or_default();
    let region = if labels.get(1) == Some(&"portal")
        && matches!(
            tail(3).as_str(),
            "app.aws" | "app.amazonwebservices.com.cn" | "api.amazonwebservices.eu"
        ) {
        labels[2]
    } else if matches!(
        tail(2).as_str(),
        "portal.amazonaws.com" | "portal.amazonaws.com.cn" | "portal.amazonaws.eu"
    ) {
        labels[1]
    } else {
        return None;
    };
    let ok = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    ok.then(|| region.to_string())
}

/// A session name to suggest: the URL's first host label (`koa` for `koa.awsapps.com`).
pub(crate) fn session_name(url: &str) -> String {
    host(url)
        .and_then(|h| h.split('.').next().map(String::from))
        .filter(|s| !s.is_empty() && s.parse::<u8>().is_err())
        .unwrap_or_else(|| "sso".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_urls_are_completed_and_classified() {
        assert_eq!(
            normalize(" koa.awsapps.com/start ").unwrap(),
            "https://koa.awsapps.com/start"
        );
        assert!(normalize("http://koa.awsapps.com/start").is_err());
        assert!(normalize("http://127.0.0.1:9/start").is_ok());
        assert!(normalize("https://").is_err());
        assert!(is_aws_owned("koa.awsapps.com"));
        assert!(is_aws_owned("identitycenter.amazonaws.com"));
        assert!(!is_aws_owned("sso.koa.example"));
        assert_eq!(
            region_of("ssoins-1.portal.eu-west-1.app.aws").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            region_of("d-1.us-east-2.portal.amazonaws.com").as_deref(),
            Some("us-east-2")
        );
        assert_eq!(region_of("d-1234567890.awsapps.com"), None);
        assert_eq!(session_name("https://koa.awsapps.com/start"), "koa");
        assert_eq!(session_name("http://127.0.0.1:9/x"), "sso");
    }
}
