//! The network around the calls: which proxy a URL goes through (`HTTPS_PROXY`, `HTTP_PROXY`,
//! `ALL_PROXY`, `NO_PROXY`, upper or lower case, as the AWS CLI and the SDK's connector read
//! them), shown without its user and password; which CA bundle TLS trusts (`AWS_CA_BUNDLE`,
//! else the profile's `ca_bundle`); and what to tell the user when either gets in the way.

use std::sync::OnceLock;

static PROFILE: OnceLock<String> = OnceLock::new();

/// The profile a command acts on, for its `ca_bundle`; commands that have one call this before
/// any call is made (others use `$AWS_PROFILE` or `default`).
pub(crate) fn for_profile(name: &str) {
    let _ = PROFILE.set(name.to_string());
}

/// The CA bundle to trust and the setting it came from: `AWS_CA_BUNDLE` first, then the
/// profile's `ca_bundle` (`~` expanded), as botocore orders them.
pub(crate) fn ca_bundle() -> Option<(std::path::PathBuf, String)> {
    if let Some(p) = std::env::var_os("AWS_CA_BUNDLE").filter(|p| !p.is_empty()) {
        return Some((p.into(), "AWS_CA_BUNDLE".into()));
    }
    let profile = PROFILE
        .get()
        .cloned()
        .unwrap_or_else(|| crate::local::config::chosen_profile(None));
    let v = crate::local::profile_setting::get(&profile, "ca_bundle")?;
    let path = match (v.strip_prefix("~/"), crate::local::paths::home()) {
        (Some(rest), Ok(home)) => home.join(rest),
        _ => v.into(),
    };
    Some((path, format!("ca_bundle in profile {profile}")))
}

fn env(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok())
        .filter(|v| !v.trim().is_empty())
}

/// The proxy `url` goes through, with any user:password replaced by `***`, and the variable
/// that set it; `None` when it goes direct.
pub(crate) fn proxy_for(url: &str) -> Option<(String, &'static str)> {
    let https = url.starts_with("https://");
    let (proxy, var) = if https {
        env(&["HTTPS_PROXY", "https_proxy"]).map(|p| (p, "HTTPS_PROXY"))
    } else {
        env(&["HTTP_PROXY", "http_proxy"]).map(|p| (p, "HTTP_PROXY"))
    }
    .or_else(|| env(&["ALL_PROXY", "all_proxy"]).map(|p| (p, "ALL_PROXY")))?;
    let host = crate::start_url::host(url)?;
    if bypassed(&host, &env(&["NO_PROXY", "no_proxy"]).unwrap_or_default()) {
        return None;
    }
    Some((redact(&proxy), var))
}

/// NO_PROXY's rules: `*`, a domain (and its subdomains, with or without a leading dot), an
/// address. (Subnets are honoured by the connector; here they only shape a message.)
fn bypassed(host: &str, no_proxy: &str) -> bool {
    no_proxy.split(',').map(str::trim).any(|rule| {
        let rule = rule.trim_start_matches('.').to_ascii_lowercase();
        rule == "*" || (!rule.is_empty() && (host == rule || host.ends_with(&format!(".{rule}"))))
    })
}

/// A proxy URL without its credentials: `http://user:pw@host:3128` -> `http://***@host:3128`.
pub(crate) fn redact(proxy: &str) -> String {
    let (scheme, rest) = proxy.split_once("://").unwrap_or(("http", proxy));
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let authority = match authority.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => authority.to_string(),
    };
    let path = if path.is_empty() {
        String::new()
    } else {
        format!("/{path}")
    };
    format!("{scheme}://{authority}{path}")
}

/// The message for a request to `endpoint` that failed before an answer: the proxy named when
/// one was used, a TLS failure told apart, each with the setting to check.
pub(crate) fn unreachable(endpoint: &str, why: &str, detail: &str) -> String {
    let tls = ["certificate", "tls", "handshake", "unknownissuer", "ssl"]
        .iter()
        .any(|w| detail.to_ascii_lowercase().contains(w));
    let proxy = proxy_for(endpoint);
    let bundle = ca_bundle().map(|(_, from)| from);
    match (tls, proxy) {
        (true, via) => format!(
            "TLS to {endpoint}{} failed ({}); if your network inspects TLS, set ca_bundle in the profile or AWS_CA_BUNDLE to its CA certificate{}",
            via.map_or(String::new(), |(p, _)| format!(" through the proxy {p}")),
            crate::error::one_line(detail),
            bundle.map_or(String::new(), |b| format!(" (now: {b})")),
        ),
        (false, Some((p, var))) => format!(
            "cannot reach {endpoint} through the proxy {p} ({why}: {}); check {var} and NO_PROXY",
            crate::error::one_line(detail)
        ),
        (false, None) => format!("cannot reach {endpoint} ({why}); check your network connection"),
    }
}

/// The message for an answer only a proxy gives (HTTP 407 Proxy Authentication Required).
pub(crate) fn proxy_refused(endpoint: &str, status: u16) -> Option<String> {
    let (p, var) = proxy_for(endpoint)?;
    (status == 407).then(|| {
        format!(
            "the proxy {p} refused the request to {endpoint} (HTTP {status}); check {var} (its user and password) and NO_PROXY"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_show_and_no_proxy_matches_domains() {
        assert_eq!(
            redact("http://bob:s3cret@proxy:3128"),
            "http://***@proxy:3128"
        );
        assert_eq!(redact("http://proxy:3128/"), "http://proxy:3128");
        assert_eq!(redact("proxy:3128"), "http://proxy:3128");
        assert!(bypassed("127.0.0.1", "localhost, 127.0.0.1"));
        assert!(bypassed(
            "portal.sso.eu-west-1.amazonaws.com",
            ".amazonaws.com"
        ));
        assert!(!bypassed("notamazonaws.com", "amazonaws.com"));
        assert!(bypassed("x", "*"));
    }
}
