//! `credential_source = EcsContainer | Ec2InstanceMetadata`: the credentials of the container
//! or the instance, through the SDK's own providers (the ECS endpoint from
//! `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI`, IMDSv2), as botocore's
//! `CanonicalNameCredentialSourcer` does with its container and instance providers.

use aws_config::ecs::EcsCredentialsProvider;
use aws_config::imds::credentials::ImdsCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::BehaviorVersion;
use aws_sdk_sts::config::ProvideCredentials;

use crate::error::{shown, Error, Result};
use crate::keys::Credentials;
use crate::remote::sdk;

/// The credentials `source` (`EcsContainer` or `Ec2InstanceMetadata`) provides; `profile` names
/// the role profile in errors.
pub(crate) fn credentials(source: &str, profile: &str) -> Result<Credentials> {
    let conf = ProviderConfig::without_region()
        .with_http_client(sdk::https_client()?)
        .with_behavior_version(Some(BehaviorVersion::latest()));
    let result = sdk::block_on(async {
        let call = async {
            if source == "EcsContainer" {
                let p = EcsCredentialsProvider::builder().configure(&conf).build();
                p.provide_credentials().await
            } else {
                let p = ImdsCredentialsProvider::builder().configure(&conf).build();
                p.provide_credentials().await
            }
        };
        tokio::time::timeout(sdk::CALL_TIMEOUT, call).await
    })?;
    let fail = |why: String| {
        Error::new(format!(
            "profile {} has credential_source = {source} but {why}",
            shown(profile)
        ))
    };
    let c = match result {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return Err(fail(format!("no credentials came from it ({e})"))),
        Err(_) => return Err(fail("it did not answer in time".into())),
    };
    Ok(Credentials {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: c.secret_access_key().to_string(),
        session_token: c.session_token().map(String::from),
        expiration: c.expiry().and_then(|t| {
            t.duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs() as i64)
        }),
    })
}
