//! The Identity Center portal API (service `sso`): role credentials for a signed-in user.

use aws_sdk_sso::operation::get_role_credentials::GetRoleCredentialsError;
use aws_smithy_runtime_api::client::result::SdkError;

use crate::error::{shown, Error, Result};
use crate::local::config::SsoProfile;
use crate::local::role_cache::RoleCredentials;
use crate::remote::sdk;

/// Why a role could not be fetched, where the caller acts on the difference.
pub enum FetchError {
    /// The token was refused (expired or revoked): a new login is needed.
    Unauthorized,
    Other(Error),
}

/// GetRoleCredentials for the profile's account and role.
pub fn get_role_credentials(
    p: &SsoProfile,
    access_token: &str,
) -> Result<RoleCredentials, FetchError> {
    let endpoint = sdk::endpoint_for("SSO", "portal.sso", &p.sso.region);
    let result = sdk::block_on(async {
        let conf = sdk::config(&p.sso.region).await?;
        let client = aws_sdk_sso::Client::new(&conf);
        Ok(client
            .get_role_credentials()
            .account_id(&p.account_id)
            .role_name(&p.role_name)
            .access_token(access_token)
            .send()
            .await)
    })
    .and_then(|r| r)
    .map_err(FetchError::Other)?;
    let out = match result {
        Ok(out) => out,
        Err(SdkError::ServiceError(se))
            if matches!(se.err(), GetRoleCredentialsError::UnauthorizedException(_)) =>
        {
            return Err(FetchError::Unauthorized);
        }
        Err(e) => {
            let what = match &e {
                SdkError::ServiceError(se) if matches!(se.err(), GetRoleCredentialsError::ResourceNotFoundException(_)) || sdk::status(&e) == Some(403) => format!(
                    "Identity Center refused role {} in account {} for profile {}: check sso_account_id and sso_role_name, or that your user is assigned that role ({})",
                    shown(&p.role_name),
                    shown(&p.account_id),
                    shown(&p.name),
                    sdk::describe(&e, &endpoint)
                ),
                SdkError::ServiceError(se) if matches!(se.err(), GetRoleCredentialsError::TooManyRequestsException(_)) => {
                    format!("Identity Center is throttling requests ({}); wait a moment and try again", sdk::describe(&e, &endpoint))
                }
                _ => format!("cannot get credentials for profile {}: {}", shown(&p.name), sdk::describe(&e, &endpoint)),
            };
            return Err(FetchError::Other(Error::new(what)));
        }
    };
    let rc = out.role_credentials().ok_or_else(|| {
        FetchError::Other(Error::new(format!(
            "{endpoint} answered without role credentials"
        )))
    })?;
    let field = |v: Option<&str>| v.filter(|s| !s.is_empty()).map(String::from);
    match (
        field(rc.access_key_id()),
        field(rc.secret_access_key()),
        field(rc.session_token()),
    ) {
        (Some(access_key_id), Some(secret_access_key), Some(session_token)) => {
            Ok(RoleCredentials {
                access_key_id,
                secret_access_key,
                session_token,
                // The portal answers in epoch milliseconds.
                expiration: rc.expiration().div_euclid(1000),
            })
        }
        _ => Err(FetchError::Other(Error::new(format!(
            "{endpoint} answered with incomplete role credentials"
        )))),
    }
}

/// Logout: ends the sign-in on the service side. A token the service already forgot is fine.
pub fn logout(region: &str, access_token: &str) -> Result<()> {
    let endpoint = sdk::endpoint_for("SSO", "portal.sso", region);
    let result = sdk::block_on(async {
        let conf = sdk::config(region).await?;
        Ok(aws_sdk_sso::Client::new(&conf)
            .logout()
            .access_token(access_token)
            .send()
            .await)
    })
    .and_then(|r| r)?;
    match result {
        Ok(_) => Ok(()),
        Err(e) if sdk::status(&e) == Some(401) => Ok(()),
        Err(e) => Err(Error::new(sdk::describe(&e, &endpoint))),
    }
}
