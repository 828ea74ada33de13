//! STS AssumeRole, signed with the source profile's credentials: the cold path of a role
//! profile. The regional endpoint of the profile's region (us-east-1 without one, as
//! botocore's global endpoint is there); `AWS_ENDPOINT_URL_STS` redirects it (the SDK's rule).

use aws_sdk_sts::config::Credentials as SdkCredentials;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::error::Error;
use crate::keys::Credentials;
use crate::local::assume_role_cache::{Args, Entry};
use crate::remote::sdk;

/// Why STS said no: its error code (`AccessDenied`, `ExpiredToken`, ...) when it answered,
/// and the whole story in words (endpoint, status, code, the service's message).
pub(crate) struct StsError {
    pub code: Option<String>,
    pub detail: String,
    /// The exit code: `EXIT_OFFLINE` when STS was not reached, as for Identity Center.
    pub exit: i32,
}

impl From<Error> for StsError {
    fn from(e: Error) -> StsError {
        StsError {
            code: None,
            exit: e.code(),
            detail: e.to_string(),
        }
    }
}

/// AssumeRole with `args` (plus the MFA code, never cached or logged) as `source`.
pub(crate) fn assume_role(
    region: Option<&str>,
    source: &Credentials,
    args: &Args,
    session_name: &str,
    token_code: Option<&str>,
) -> Result<Entry, StsError> {
    let region = region.unwrap_or("us-east-1");
    let endpoint = sdk::endpoint_for("STS", "sts", region);
    let creds = SdkCredentials::new(
        &source.access_key_id,
        &source.secret_access_key,
        source.session_token.clone(),
        None,
        "sso-env",
    );
    let result = sdk::block_on(async {
        let conf = sdk::config(region).await?;
        let conf = aws_sdk_sts::config::Builder::from(&conf)
            .credentials_provider(creds)
            .build();
        let client = aws_sdk_sts::Client::from_conf(conf);
        Ok::<_, Error>(
            client
                .assume_role()
                .role_arn(&args.role_arn)
                .role_session_name(session_name)
                .set_external_id(args.external_id.clone())
                .set_serial_number(args.serial_number.clone())
                .set_token_code(token_code.map(String::from))
                .set_duration_seconds(args.duration_seconds.map(|d| d as i32))
                .send()
                .await,
        )
    })
    .and_then(|r| r)?;
    let out = result.map_err(|e| sdk_error(e, &endpoint))?;
    entry(&endpoint, out.credentials(), out.assumed_role_user())
}

/// An error of the SDK's call, with STS's error code when it answered one.
fn sdk_error<E: ProvideErrorMetadata + std::error::Error>(
    e: SdkError<E, HttpResponse>,
    endpoint: &str,
) -> StsError {
    StsError {
        code: match &e {
            SdkError::ServiceError(se) => se.err().code().map(String::from),
            _ => None,
        },
        exit: sdk::exit_code(&e),
        detail: sdk::describe(&e, endpoint),
    }
}

/// The cache entry for what STS answered (AssumeRole and AssumeRoleWithWebIdentity alike).
fn entry(
    endpoint: &str,
    credentials: Option<&aws_sdk_sts::types::Credentials>,
    user: Option<&aws_sdk_sts::types::AssumedRoleUser>,
) -> Result<Entry, StsError> {
    let bad = |what: String| StsError::from(Error::new(format!("{endpoint} answered {what}")));
    let c = credentials.ok_or_else(|| bad("without credentials".into()))?;
    // The SDK fills what an incomplete answer lacks with "" and the epoch: never export that.
    for (name, value) in [
        ("AccessKeyId", c.access_key_id()),
        ("SecretAccessKey", c.secret_access_key()),
        ("SessionToken", c.session_token()),
    ] {
        if value.is_empty() {
            return Err(bad(format!("without {name} (an incomplete answer)")));
        }
    }
    let expiration = c.expiration().secs();
    if expiration <= crate::timefmt::now() {
        return Err(bad(format!(
            "with credentials that expired at {} (check this machine's clock)",
            crate::timefmt::format_utc(expiration)
        )));
    }
    Ok(Entry {
        credentials: Credentials {
            access_key_id: c.access_key_id().to_string(),
            secret_access_key: c.secret_access_key().to_string(),
            session_token: Some(c.session_token().to_string()),
            expiration: Some(expiration),
        },
        expiration,
        assumed_arn: user.map(|u| u.arn().to_string()),
        assumed_id: user.map(|u| u.assumed_role_id().to_string()),
    })
}

/// AssumeRoleWithWebIdentity: unsigned (the token is the proof), as botocore sends it.
pub(crate) fn assume_role_with_web_identity(
    region: Option<&str>,
    role_arn: &str,
    session_name: &str,
    token: &str,
) -> Result<Entry, StsError> {
    let region = region.unwrap_or("us-east-1");
    let endpoint = sdk::endpoint_for("STS", "sts", region);
    let result = sdk::block_on(async {
        // The operation has no auth scheme in the model: with no credentials it is sent unsigned.
        let conf = sdk::config(region).await?;
        let client = aws_sdk_sts::Client::new(&conf);
        Ok::<_, Error>(
            client
                .assume_role_with_web_identity()
                .role_arn(role_arn)
                .role_session_name(session_name)
                .web_identity_token(token)
                .send()
                .await,
        )
    })
    .and_then(|r| r)?;
    let out = result.map_err(|e| sdk_error(e, &endpoint))?;
    entry(&endpoint, out.credentials(), out.assumed_role_user())
}
