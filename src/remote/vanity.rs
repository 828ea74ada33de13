//! Start URLs on a company's own domain (`https://sso.koa.example`), resolved as the AWS CLI
//! (2.36, `awscli/customizations/sso/resolve.py`) does: one HEAD request (GET when HEAD is not
//! allowed), its redirect followed once, the target cleaned (no query, no trailing slash, no
//! default port) and accepted only on an AWS-owned https host; the region read from that host
//! when it names one. The resolved URL is the issuer sent to Identity Center; the token stays
//! cached under the configured URL's (or session's) key, as the AWS CLI keeps it.

use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;

use crate::error::{shown, Error, Result};
use crate::remote::sdk;
use crate::start_url;

/// A start URL as Identity Center knows it.
pub(crate) struct Resolved {
    /// The AWS issuer URL (the start URL itself when it is on an AWS domain).
    pub url: String,
    /// The region the issuer's host names, if it names one.
    pub region: Option<String>,
}

/// Resolves `url`; an AWS-owned one is returned as it is, without a request.
pub(crate) fn resolve(url: &str) -> Result<Resolved> {
    let host = start_url::host(url).unwrap_or_default();
    if start_url::is_aws_owned(&host) {
        return Ok(Resolved {
            url: url.to_string(),
            region: start_url::region_of(&host),
        });
    }
    crate::debug!("start URL {url} is not on an AWS domain; following its redirect");
    let target = clean(&follow(url)?);
    let target_host = start_url::host(&target).unwrap_or_default();
    if !start_url::is_aws_owned(&target_host) || !target.starts_with("https://") {
        return Err(Error::new(format!(
            "start URL {} does not lead to Identity Center (it ends at {}); check sso_start_url, or use the AWS access portal URL",
            shown(url),
            shown(&target)
        )));
    }
    crate::debug!("start URL {url} resolves to {target}");
    Ok(Resolved {
        region: start_url::region_of(&target_host),
        url: target,
    })
}

/// One request, one redirect at most (as the AWS CLI's `_MAX_REDIRECTS = 1`).
fn follow(url: &str) -> Result<String> {
    for method in ["HEAD", "GET"] {
        let mut req = HttpRequest::new(SdkBody::empty());
        req.set_uri(url)
            .map_err(|e| Error::new(format!("bad start URL {}: {e}", shown(url))))?;
        req.set_method(method)
            .map_err(|e| Error::new(e.to_string()))?;
        let answer = sdk::block_on(sdk::send(url, req))??;
        match (answer.status, answer.location) {
            (301 | 302 | 303 | 307 | 308, Some(location)) => return Ok(join(url, &location)),
            (405 | 501, _) if method == "HEAD" => continue,
            (200..=299, _) => return Ok(url.to_string()),
            _ => break,
        }
    }
    Err(Error::new(format!(
        "cannot resolve start URL {}: it answered with an error; check sso_start_url",
        shown(url)
    )))
}

/// A `Location` against the URL it came from: absolute, or a path on the same origin.
fn join(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let origin_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|i| base[i..].find('/').map(|j| i + j))
        .unwrap_or(base.len());
    format!(
        "{}/{}",
        &base[..origin_end],
        location.trim_start_matches('/')
    )
}

/// The AWS CLI's `_normalize_url`: scheme, host, a non-default port and the path without a
/// trailing slash; no query or fragment.
fn clean(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let authority = authority
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let authority = match (scheme, authority.rsplit_once(':')) {
        ("https", Some((h, "443"))) | ("http", Some((h, "80"))) => h.to_string(),
        _ => authority,
    };
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        format!("{scheme}://{authority}")
    } else {
        format!("{scheme}://{authority}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_targets_are_cleaned_as_the_aws_cli_does() {
        assert_eq!(
            clean("https://ssoins-1.portal.eu-west-1.app.aws:443/?x=1"),
            "https://ssoins-1.portal.eu-west-1.app.aws"
        );
        assert_eq!(
            clean("https://D-1.awsapps.com/start/#/"),
            "https://d-1.awsapps.com/start"
        );
        assert_eq!(
            join("https://sso.koa.example/x/y", "/start"),
            "https://sso.koa.example/start"
        );
        assert_eq!(
            join("https://sso.koa.example", "https://a.app.aws/"),
            "https://a.app.aws/"
        );
    }
}
