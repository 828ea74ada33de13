//! The AWS SDK, set up once per cold call: a current-thread tokio runtime, a rustls (ring)
//! HTTPS client behind the proxy the environment names (`remote/net.rs`), bounded timeouts
//! and retries. Nothing here runs on the warm path.
//!
//! Endpoints follow the SDK's own rules, so `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`
//! and `AWS_ENDPOINT_URL` redirect the calls (the tests point them at a local stand-in).

use std::time::Duration;

// Deprecated aliases of aws-runtime's EnvConfigFiles: the same types, without one more crate.
#[allow(deprecated)]
use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider, TlsContext, TrustStore};
use aws_smithy_http_client::{Connector, ConnectorBuilder};
use aws_smithy_runtime_api::client::http::{HttpConnector, SharedHttpClient};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::error::{Error, Result};
use crate::remote::net;

/// Per attempt; the whole call (with retries and backoff) is bounded by `CALL_TIMEOUT`.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub(crate) const CALL_TIMEOUT: Duration = Duration::from_secs(25);

/// Runs `f` on a fresh current-thread runtime.
pub(crate) fn block_on<F: std::future::Future>(f: F) -> Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new(format!("cannot start the async runtime: {e}")))?;
    Ok(rt.block_on(f))
}

/// TLS trust: like the AWS CLI, exactly the bundle named by AWS_CA_BUNDLE or the profile's
/// `ca_bundle` when one is set (TLS-inspecting proxies), else the system's roots.
fn tls_context() -> Result<Option<TlsContext>> {
    let Some((path, from)) = net::ca_bundle() else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    let pem = std::fs::read(&path).map_err(|e| {
        Error::new(format!(
            "cannot read the CA bundle {shown} ({from}): {e}; fix or unset it"
        ))
    })?;
    let store = TrustStore::empty().with_pem_certificate(pem);
    let ctx = TlsContext::builder()
        .with_trust_store(store)
        .build()
        .map_err(|e| Error::new(format!("bad CA bundle {shown} ({from}): {e}")))?;
    Ok(Some(ctx))
}

/// The one connector set-up for every call: rustls with our trust, and the proxy from
/// `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` (either case). The SDK's default
/// client builder sets no proxy, so the connector is built here with the smithy client's own
/// `ProxyConfig` (CONNECT for https://, absolute-form requests for http://).
fn connector(tls: Option<&TlsContext>, setup: impl FnOnce(&mut ConnectorBuilder)) -> Connector {
    let mut b = Connector::builder().proxy_config(ProxyConfig::from_env());
    setup(&mut b);
    let b = b.tls_provider(Provider::Rustls(CryptoMode::Ring));
    match tls {
        Some(ctx) => b.tls_context(ctx.clone()).build(),
        None => b.build(),
    }
}

/// SDK configuration for the AWS APIs in `region`. No credentials: the Identity Center APIs
/// are called with a bearer token or none, and STS is given its source's credentials.
#[allow(deprecated)]
pub(crate) async fn config(region: &str) -> Result<SdkConfig> {
    Ok(aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .no_credentials()
        // sso-env has read the config already: the SDK must not read and parse it again (a
        // 50 MB config cost 773 MB resident). Endpoints still follow AWS_ENDPOINT_URL_*.
        .profile_files(
            ProfileFiles::builder()
                .with_contents(ProfileFileKind::Config, "")
                .build(),
        )
        .http_client(https_client()?)
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .read_timeout(ATTEMPT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(CALL_TIMEOUT)
                .build(),
        )
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .load()
        .await)
}

/// The HTTP client every SDK call uses: our connector (trust, proxy) for each connection.
pub(crate) fn https_client() -> Result<SharedHttpClient> {
    let tls = tls_context()?;
    Ok(
        aws_smithy_http_client::Builder::new().build_with_connector_fn(
            move |settings, components| {
                connector(tls.as_ref(), |b| {
                    b.set_connector_settings(settings.cloned());
                    if let Some(c) = components {
                        b.set_sleep_impl(c.sleep_impl());
                    }
                })
            },
        ),
    )
}

/// A form POST outside the SDK (the console federation endpoint), over the same connector.
/// Returns the status and the body; the whole call is bounded by `CALL_TIMEOUT`.
pub(crate) async fn post_form(url: &str, body: String) -> Result<(u16, Vec<u8>)> {
    let len = body.len();
    let mut req = HttpRequest::new(SdkBody::from(body));
    req.set_uri(url)
        .map_err(|e| Error::new(format!("bad URL {url}: {e}")))?;
    req.set_method("POST")
        .map_err(|e| Error::new(e.to_string()))?;
    req.headers_mut()
        .insert("content-type", "application/x-www-form-urlencoded");
    req.headers_mut().insert("content-length", len.to_string());
    let answer = send(url, req).await?;
    Ok((answer.status, answer.body))
}

/// An answer to a request made outside the SDK.
pub(crate) struct Answer {
    pub status: u16,
    /// The `location` header, for redirects.
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// Sends one request outside the SDK through `connector()`. An answer from a refusing proxy is
/// an error.
pub(crate) async fn send(url: &str, req: HttpRequest) -> Result<Answer> {
    let connector = connector(tls_context()?.as_ref(), |_| {});
    crate::debug!(
        "{url}: {}",
        net::proxy_for(url).map_or("direct".to_string(), |(p, _)| format!(
            "through the proxy {p}"
        ))
    );
    let call = async {
        let resp = connector.call(req).await.map_err(|e| {
            Error::new(net::unreachable(url, "connection failed", &error_chain(&e)))
        })?;
        let status = resp.status().as_u16();
        if let Some(msg) = net::proxy_refused(url, status) {
            return Err(Error::new(msg));
        }
        let location = resp.headers().get("location").map(String::from);
        let bytes = ByteStream::new(resp.into_body())
            .collect()
            .await
            .map_err(|e| Error::new(format!("cannot read the answer of {url}: {e}")))?;
        Ok::<_, Error>(Answer {
            status,
            location,
            body: bytes.to_vec(),
        })
    };
    tokio::time::timeout(CALL_TIMEOUT, call)
        .await
        .map_err(|_| {
            Error::new(format!(
                "no answer from {url} within {} s",
                CALL_TIMEOUT.as_secs()
            ))
        })?
}

/// An error and its causes in one line (the TLS reason is usually a few levels down).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        parts.push(c.to_string());
        cur = c.source();
    }
    parts.dedup();
    parts.join(": ")
}

/// The endpoint a service is reached at, for error messages (mirrors the SDK's env lookup).
pub(crate) fn endpoint_for(env_suffix: &str, default_host: &str, region: &str) -> String {
    for var in [
        format!("AWS_ENDPOINT_URL_{env_suffix}"),
        "AWS_ENDPOINT_URL".to_string(),
    ] {
        if let Ok(v) = std::env::var(&var) {
            if !v.is_empty() {
                return v;
            }
        }
    }
    format!("https://{default_host}.{region}.amazonaws.com")
}

/// What went wrong in a call, in words, for errors the caller has no special message for.
/// Takes only codes, statuses and the service's message: never request data.
pub(crate) fn describe<E: ProvideErrorMetadata + std::error::Error>(
    err: &SdkError<E, HttpResponse>,
    endpoint: &str,
) -> String {
    match err {
        SdkError::ServiceError(se)
            if net::proxy_refused(endpoint, se.raw().status().as_u16()).is_some() =>
        {
            net::proxy_refused(endpoint, se.raw().status().as_u16()).unwrap_or_default()
        }
        SdkError::ResponseError(r)
            if net::proxy_refused(endpoint, r.raw().status().as_u16()).is_some() =>
        {
            net::proxy_refused(endpoint, r.raw().status().as_u16()).unwrap_or_default()
        }
        SdkError::ServiceError(se) => {
            let status = se.raw().status().as_u16();
            let code = se.err().code().unwrap_or("unknown error");
            match se.err().message() {
                Some(m) if !m.is_empty() => {
                    format!(
                        "{endpoint} answered HTTP {status} {code}: {}",
                        crate::error::one_line(m)
                    )
                }
                _ => format!("{endpoint} answered HTTP {status} {code}"),
            }
        }
        SdkError::TimeoutError(_) => format!(
            "no answer from {endpoint} within {} s",
            CALL_TIMEOUT.as_secs()
        ),
        SdkError::DispatchFailure(d) => {
            let why = if d.is_timeout() {
                "timed out"
            } else if d.is_io() {
                "connection failed"
            } else {
                "request failed"
            };
            match d.as_connector_error() {
                Some(c) => net::unreachable(endpoint, why, &error_chain(c)),
                None => net::unreachable(endpoint, why, why),
            }
        }
        SdkError::ResponseError(_) => format!("{endpoint} sent an answer that could not be read"),
        SdkError::ConstructionFailure(_) => format!("could not build the request to {endpoint}"),
        _ => format!("call to {endpoint} failed"),
    }
}

/// The exit code for a failed call: `EXIT_OFFLINE` when the service was not reached or did not
/// answer in time (the network, not the user's sign-in, is the problem), else 1.
pub(crate) fn exit_code<E>(err: &SdkError<E, HttpResponse>) -> i32 {
    match err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => crate::error::EXIT_OFFLINE,
        _ => 1,
    }
}

/// The HTTP status of a service error, if the call got that far.
pub(crate) fn status<E>(err: &SdkError<E, HttpResponse>) -> Option<u16> {
    match err {
        SdkError::ServiceError(se) => Some(se.raw().status().as_u16()),
        _ => None,
    }
}
