//! SSO-OIDC (service `sso-oidc`): client registration, device authorization, and tokens from a
//! device code, an authorization code (PKCE) or a refresh token.

use aws_sdk_ssooidc::operation::create_token::CreateTokenError;
use aws_smithy_runtime_api::client::result::SdkError;

use crate::error::{Error, Result};
use crate::local::config::SsoSettings;
use crate::local::sso_cache::Registration;
use crate::remote::sdk;
use crate::timefmt;

/// One runtime and client for a whole sign-in, which makes several calls.
pub(crate) struct Oidc {
    rt: tokio::runtime::Runtime,
    client: aws_sdk_ssooidc::Client,
    /// Base URL of the service, for messages and for the browser's `/authorize` page.
    pub endpoint: String,
}

/// A token as CreateToken returns it.
pub(crate) struct NewToken {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: Option<String>,
}

pub(crate) struct DeviceAuth {
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    pub expires_in: i64,
    pub interval: i64,
}

/// Why CreateToken did not give a token.
pub(crate) enum TokenError {
    /// Device flow: the user has not approved yet.
    Pending,
    /// Device flow: poll less often (+5 s).
    SlowDown,
    /// The client registration is no longer accepted: register again.
    InvalidClient,
    /// The grant (code, refresh token) is no longer valid.
    InvalidGrant,
    Other(Error),
}

pub(crate) const PKCE_GRANT_TYPES: [&str; 2] = ["authorization_code", "refresh_token"];
const DEFAULT_SCOPE: &str = "sso:account:access";
/// The redirect URI registered for PKCE clients; the port is added per sign-in.
pub(crate) const REDIRECT_URI_WITHOUT_PORT: &str = "http://127.0.0.1/oauth/callback";

impl Oidc {
    pub(crate) fn new(region: &str) -> Result<Oidc> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::new(format!("cannot start the async runtime: {e}")))?;
        let conf = rt.block_on(sdk::config(region))?;
        let endpoint = sdk::endpoint_for("SSO_OIDC", "oidc", region)
            .trim_end_matches('/')
            .to_string();
        Ok(Oidc {
            rt,
            client: aws_sdk_ssooidc::Client::new(&conf),
            endpoint,
        })
    }

    /// RegisterClient, as the AWS CLI registers: `botocore-client-<session>`, public, and for
    /// PKCE the grant types, redirect URI and issuer (the start URL) too.
    /// `issuer` is the start URL as Identity Center knows it (a vanity URL resolved).
    pub(crate) fn register(
        &self,
        sso: &SsoSettings,
        pkce: bool,
        issuer: &str,
    ) -> Result<Registration> {
        let name = match &sso.session_name {
            Some(s) => format!("botocore-client-{s}"),
            None => format!("botocore-client-{}", timefmt::now()),
        };
        let mut scopes = sso
            .scopes_configured
            .then(|| sso.scopes.clone())
            .filter(|s| !s.is_empty());
        let mut req = self
            .client
            .register_client()
            .client_name(name)
            .client_type("public");
        let mut grant_types = None;
        if pkce {
            let s = scopes.get_or_insert_with(|| vec![DEFAULT_SCOPE.to_string()]);
            let g: Vec<String> = PKCE_GRANT_TYPES.iter().map(|s| s.to_string()).collect();
            req = req
                .set_grant_types(Some(g.clone()))
                .redirect_uris(REDIRECT_URI_WITHOUT_PORT)
                .issuer_url(issuer)
                .set_scopes(Some(s.clone()));
            grant_types = Some(g);
        } else {
            req = req.set_scopes(scopes.clone());
        }
        let out = self.rt.block_on(req.send()).map_err(|e| {
            Error::new(format!(
                "cannot register with Identity Center: {}",
                sdk::describe(&e, &self.endpoint)
            ))
        })?;
        match (out.client_id(), out.client_secret()) {
            (Some(id), Some(secret)) => Ok(Registration {
                client_id: id.to_string(),
                client_secret: secret.to_string(),
                expires_at: out.client_secret_expires_at(),
                scopes,
                grant_types,
            }),
            _ => Err(Error::new(format!(
                "{} answered RegisterClient without a client",
                self.endpoint
            ))),
        }
    }

    pub(crate) fn start_device(
        &self,
        reg: &Registration,
        start_url: &str,
    ) -> Result<DeviceAuth, TokenError> {
        let req = self
            .client
            .start_device_authorization()
            .client_id(&reg.client_id)
            .client_secret(&reg.client_secret)
            .start_url(start_url);
        let out = self.rt.block_on(req.send()).map_err(|e| match &e {
            SdkError::ServiceError(se) if se.err().is_invalid_client_exception() => TokenError::InvalidClient,
            SdkError::ServiceError(se) if se.err().is_invalid_request_exception() => TokenError::Other(Error::new(format!(
                "Identity Center refused the start URL {start_url} ({}); check sso_start_url in your config",
                sdk::describe(&e, &self.endpoint)
            ))),
            _ => TokenError::Other(Error::new(format!("cannot start the sign-in: {}", sdk::describe(&e, &self.endpoint)))),
        })?;
        let s = |v: Option<&str>| v.unwrap_or_default().to_string();
        Ok(DeviceAuth {
            device_code: s(out.device_code()),
            user_code: s(out.user_code()),
            verification_uri: s(out.verification_uri()),
            verification_uri_complete: out
                .verification_uri_complete()
                .map_or_else(|| s(out.verification_uri()), String::from),
            expires_in: i64::from(out.expires_in()),
            interval: if out.interval() > 0 {
                i64::from(out.interval())
            } else {
                5
            },
        })
    }

    pub(crate) fn poll_device(
        &self,
        reg: &Registration,
        device_code: &str,
    ) -> Result<NewToken, TokenError> {
        let req = self
            .create_token(reg, "urn:ietf:params:oauth:grant-type:device_code")
            .device_code(device_code);
        self.token(req)
    }

    pub(crate) fn exchange_code(
        &self,
        reg: &Registration,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<NewToken, TokenError> {
        let req = self
            .create_token(reg, "authorization_code")
            .code(code)
            .code_verifier(verifier)
            .redirect_uri(redirect_uri);
        self.token(req)
    }

    pub(crate) fn refresh(
        &self,
        reg: &Registration,
        refresh_token: &str,
    ) -> Result<NewToken, TokenError> {
        let req = self
            .create_token(reg, "refresh_token")
            .refresh_token(refresh_token);
        self.token(req)
    }

    /// CreateToken for this client and grant type; the caller adds the grant's fields.
    fn create_token(
        &self,
        reg: &Registration,
        grant_type: &str,
    ) -> aws_sdk_ssooidc::operation::create_token::builders::CreateTokenFluentBuilder {
        self.client
            .create_token()
            .client_id(&reg.client_id)
            .client_secret(&reg.client_secret)
            .grant_type(grant_type)
    }

    fn token(
        &self,
        req: aws_sdk_ssooidc::operation::create_token::builders::CreateTokenFluentBuilder,
    ) -> Result<NewToken, TokenError> {
        match self.rt.block_on(req.send()) {
            Ok(out) => match out.access_token() {
                Some(t) if !t.is_empty() => Ok(NewToken {
                    access_token: t.to_string(),
                    expires_in: i64::from(out.expires_in()),
                    refresh_token: out
                        .refresh_token()
                        .filter(|r| !r.is_empty())
                        .map(String::from),
                }),
                _ => Err(TokenError::Other(Error::new(format!(
                    "{} answered CreateToken without a token",
                    self.endpoint
                )))),
            },
            Err(SdkError::ServiceError(se))
                if matches!(se.err(), CreateTokenError::AuthorizationPendingException(_)) =>
            {
                Err(TokenError::Pending)
            }
            Err(SdkError::ServiceError(se))
                if matches!(se.err(), CreateTokenError::SlowDownException(_)) =>
            {
                Err(TokenError::SlowDown)
            }
            Err(SdkError::ServiceError(se))
                if matches!(se.err(), CreateTokenError::InvalidClientException(_)) =>
            {
                Err(TokenError::InvalidClient)
            }
            Err(SdkError::ServiceError(se))
                if matches!(se.err(), CreateTokenError::InvalidGrantException(_)) =>
            {
                Err(TokenError::InvalidGrant)
            }
            Err(e @ SdkError::ServiceError(_)) => {
                let what = match &e {
                    SdkError::ServiceError(se) if matches!(se.err(), CreateTokenError::ExpiredTokenException(_)) => {
                        "the sign-in request expired before it was approved; run sso-env login again".to_string()
                    }
                    SdkError::ServiceError(se) if matches!(se.err(), CreateTokenError::AccessDeniedException(_)) => {
                        "the sign-in was denied; approve it in the browser, or ask your administrator for access".to_string()
                    }
                    _ => format!("the sign-in failed: {}", sdk::describe(&e, &self.endpoint)),
                };
                Err(TokenError::Other(Error::new(what)))
            }
            Err(e) => Err(TokenError::Other(Error::new(format!(
                "the sign-in failed: {}",
                sdk::describe(&e, &self.endpoint)
            )))),
        }
    }
}
