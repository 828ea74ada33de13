//! `login_session` profiles (`aws login`, AWS CLI 2.32): console credentials for IAM users,
//! root and federated users. The AWS CLI keeps the session in `local/login_cache.rs`; its
//! 15-minute keys are used while they have more than 5 minutes left (botocore's
//! `LoginCredentialFetcher._REFRESH_THRESHOLD`), else refreshed through the sign-in service
//! (`remote/signin.rs`) with a DPoP proof signed by the cached key, and the entry written back
//! as botocore writes it, so `aws` and sso-env keep sharing it. There is no sso-env sign-in for
//! these sessions: when the refresh is refused, the way out is `aws login`.

use p256::ecdsa::SigningKey;
use p256::pkcs8::DecodePrivateKey;

use super::{Identity, OnDemand, Source};
use crate::error::{shown, Error, Result};
use crate::keys::Credentials;
use crate::local::fsutil;
use crate::local::login_cache::{self, Entry};
use crate::remote::signin;
use crate::timefmt;

/// botocore's `LoginCredentialFetcher._REFRESH_THRESHOLD`.
const REFRESH_THRESHOLD_SECS: i64 = 5 * 60;

pub(crate) struct LoginSource {
    pub(crate) name: String,
    pub(crate) region: Option<String>,
    /// The region the sign-in service is called in (the asked-for profile's, as for STS).
    pub(crate) call_region: Option<String>,
    /// `login_session`: the ARN of who signed in.
    pub(crate) session: String,
}

impl LoginSource {
    /// The one way out when the session cannot be used or renewed.
    fn relogin(&self, why: &str) -> Error {
        Error::new(format!(
            "{why}; run: aws login --profile {}",
            shell_words::quote(&self.name)
        ))
    }

    fn entry(&self) -> Result<Entry> {
        let path = login_cache::path(&self.session)?;
        match login_cache::read(&self.session) {
            Ok(Some(e)) => Ok(e),
            Ok(None) => Err(self.relogin(&format!(
                "profile {} uses login_session {} but there is no session cache {}",
                shown(&self.name),
                shown(&self.session),
                path.display()
            ))),
            Err(e) => Err(self.relogin(&e.to_string())),
        }
    }

    /// The key every refresh is proved with: SEC1 (`EC PRIVATE KEY`, what the AWS CLI writes)
    /// or PKCS#8, PEM armour optional, as botocore's loader takes it.
    fn key(&self, e: &Entry) -> Result<SigningKey> {
        use base64::Engine as _;
        let body: String = e
            .dpop_key()
            .lines()
            .filter(|l| !l.starts_with("-----BEGIN") && !l.starts_with("-----END"))
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.trim())
            .ok();
        der.and_then(|d| {
            p256::SecretKey::from_sec1_der(&d)
                .or_else(|_| p256::SecretKey::from_pkcs8_der(&d))
                .ok()
        })
        .map(SigningKey::from)
        .ok_or_else(|| self.relogin("the login session's dpopKey is not a P-256 private key"))
    }

    fn fresh(e: &Entry, now: i64) -> Option<Credentials> {
        e.credentials().filter(|_| {
            e.expires_at()
                .is_some_and(|t| t - now > REFRESH_THRESHOLD_SECS)
        })
    }

    fn refresh(&self) -> Result<Credentials> {
        let _lock = fsutil::lock(&format!("login-{}", login_cache::key(&self.session)))?;
        // Reloaded, as botocore does: someone may have refreshed it meanwhile.
        let mut e = self.entry()?;
        if let Some(c) = Self::fresh(&e, timefmt::now()) {
            return Ok(c);
        }
        let key = self.key(&e)?;
        let region = self
            .call_region
            .clone()
            .or_else(env_region)
            .ok_or_else(|| {
                Error::new(format!(
                    "profile {} has no region to reach the sign-in service in; add region = REGION to it (aws login sets one)",
                    shown(&self.name)
                ))
            })?;
        crate::debug!("refreshing the login session of {}", self.name);
        let out = signin::refresh(&region, e.client_id(), e.refresh_token(), &key)
            .map_err(|err| self.refused(err))?;
        e.refreshed(&out.credentials, &out.refresh_token);
        e.write(&self.session)?;
        Ok(out.credentials)
    }

    fn refused(&self, e: signin::SigninError) -> Error {
        match e.error.as_deref() {
            Some("TOKEN_EXPIRED" | "USER_CREDENTIALS_CHANGED") => self.relogin(&format!(
                "the login session of profile {} has ended ({})",
                shown(&self.name),
                e.detail
            )),
            Some("INSUFFICIENT_PERMISSIONS") => Error::new(format!(
                "cannot renew the login session of profile {}: {}; the signed-in identity needs the signin:CreateOAuth2Token permission",
                shown(&self.name),
                e.detail
            )),
            _ => Error::new(format!(
                "cannot renew the login session of profile {}: {}; try again (SSO_ENV_LOG=debug shows the calls)",
                shown(&self.name),
                e.detail
            )),
        }
    }
}

fn env_region() -> Option<String> {
    ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .into_iter()
        .find_map(|v| std::env::var(v).ok().filter(|r| !r.is_empty()))
}

impl Source for LoginSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> &'static str {
        "login"
    }

    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The account of the session ARN (`arn:aws:iam::ACCOUNT:user/NAME`).
    fn identity(&self) -> Identity {
        Identity {
            account_id: crate::local::assume_role_cache::arn_account(&self.session)
                .map(String::from),
            role_name: None,
        }
    }

    fn get(&self, _: OnDemand) -> Result<Credentials> {
        let e = self.entry()?;
        if let Some(c) = Self::fresh(&e, timefmt::now()) {
            crate::debug!("login-session credentials from {}", self.session);
            return Ok(c);
        }
        self.refresh()
    }
}
