//! The Identity Center portal API (service `sso`): role credentials for a signed-in user.

use std::sync::Arc;

use aws_config::retry::RetryConfig;
use aws_sdk_sso::operation::get_role_credentials::GetRoleCredentialsError;
use aws_smithy_runtime_api::client::result::SdkError;

use crate::error::{shown, Error, Result};
use crate::keys::Credentials;
use crate::local::config::{SsoProfile, SsoSettings};
use crate::local::role_cache::Entry;
use crate::remote::sdk;

/// ListAccountRoles calls in flight at once: fast on a big organisation, gentle on the API.
const IN_FLIGHT: usize = 8;
/// Throttling (429) is retried with backoff up to this many attempts per call.
const ATTEMPTS: u32 = 6;

/// Why a role could not be fetched, where the caller acts on the difference.
pub(crate) enum FetchError {
    /// The token was refused (expired or revoked): a new login is needed.
    Unauthorized,
    Other(Error),
}

/// GetRoleCredentials for the profile's account and role.
pub(crate) fn get_role_credentials(
    p: &SsoProfile,
    access_token: &str,
) -> Result<Entry, FetchError> {
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
            return Err(FetchError::Other(
                Error::new(what).with_code(sdk::exit_code(&e)),
            ));
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
            // The portal answers in epoch milliseconds.
            let expiration = rc.expiration().div_euclid(1000);
            Ok(Entry {
                credentials: Credentials {
                    access_key_id,
                    secret_access_key,
                    session_token: Some(session_token),
                    expiration: Some(expiration),
                },
                expiration,
            })
        }
        _ => Err(FetchError::Other(Error::new(format!(
            "{endpoint} answered with incomplete role credentials"
        )))),
    }
}

/// Every (account id, account name, role name) the token can reach: all pages, `IN_FLIGHT`
/// ListAccountRoles calls at once, throttling retried. `tick(done, total)` after each account.
pub(crate) fn list_roles(
    sso: &SsoSettings,
    token: &str,
    tick: Arc<dyn Fn(usize, usize) + Send + Sync>,
) -> Result<Vec<(String, String, String)>> {
    let endpoint = sdk::endpoint_for("SSO", "portal.sso", &sso.region);
    let result = sdk::block_on(async {
        let conf = sdk::config(&sso.region).await?;
        let conf = aws_sdk_sso::config::Builder::from(&conf)
            .retry_config(RetryConfig::standard().with_max_attempts(ATTEMPTS))
            .build();
        let client = aws_sdk_sso::Client::from_conf(conf);
        let accounts = accounts(&client, token, &endpoint).await?;
        let total = accounts.len();
        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let limit = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
        let mut tasks = tokio::task::JoinSet::new();
        for (id, name) in accounts {
            let (client, limit, token, endpoint, tick, done) = (
                client.clone(),
                limit.clone(),
                token.to_string(),
                endpoint.clone(),
                tick.clone(),
                done.clone(),
            );
            tasks.spawn(async move {
                let _permit = limit.acquire().await.expect("semaphore is never closed");
                let roles = roles_of(&client, &token, &id, &name, &endpoint).await?;
                tick(
                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                    total,
                );
                Ok::<_, Error>(roles)
            });
        }
        let mut pairs = Vec::new();
        while let Some(done) = tasks.join_next().await {
            pairs.extend(done.map_err(|e| Error::new(format!("internal error: {e}")))??);
        }
        Ok::<_, Error>(pairs)
    })??;
    Ok(result)
}

/// Every (account id, account name), all pages.
async fn accounts(
    client: &aws_sdk_sso::Client,
    token: &str,
    endpoint: &str,
) -> Result<Vec<(String, String)>> {
    let mut accounts = Vec::new();
    let mut pages = client
        .list_accounts()
        .access_token(token)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            Error::new(format!(
                "cannot list accounts: {}",
                sdk::describe(&e, endpoint)
            ))
        })?;
        for a in page.account_list() {
            if let Some(id) = a.account_id() {
                accounts.push((id.to_string(), a.account_name().unwrap_or(id).to_string()));
            }
        }
    }
    Ok(accounts)
}

/// Every role of one account, all pages, as (account id, account name, role name).
async fn roles_of(
    client: &aws_sdk_sso::Client,
    token: &str,
    id: &str,
    name: &str,
    endpoint: &str,
) -> Result<Vec<(String, String, String)>> {
    let mut roles = Vec::new();
    let mut pages = client
        .list_account_roles()
        .access_token(token)
        .account_id(id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            Error::new(format!(
                "cannot list roles of account {id}: {}",
                sdk::describe(&e, endpoint)
            ))
        })?;
        roles.extend(
            page.role_list()
                .iter()
                .filter_map(|r| r.role_name())
                .map(|r| (id.to_string(), name.to_string(), r.to_string())),
        );
    }
    Ok(roles)
}

/// Logout: ends the sign-in on the service side. A token the service already forgot is fine.
pub(crate) fn logout(region: &str, access_token: &str) -> Result<()> {
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
