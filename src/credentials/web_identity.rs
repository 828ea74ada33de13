//! Web-identity profiles (`web_identity_token_file` + `role_arn`, or the environment's
//! `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`): CI systems and EKS pods write an OIDC token
//! to a file, and STS AssumeRoleWithWebIdentity (unsigned) trades it for role credentials.
//! As botocore's `AssumeRoleWithWebIdentityProvider`: each setting from the environment when
//! the profile was not named explicitly, else from the profile; the answer cached in
//! `~/.aws/cli/cache` under the assume-role key of `RoleArn` (+ `RoleSessionName`), which the
//! AWS CLI shares.

use super::{Identity, OnDemand, Source};
use crate::error::{shown, Error, Result};
use crate::keys::Credentials;
use crate::local::assume_role_cache::{self as cache, arn_account, Args};
use crate::local::config::ProfileView;
use crate::local::fsutil;
use crate::remote::sts::{self, StsError};
use crate::timefmt;

pub(crate) struct WebIdentitySource {
    name: String,
    region: Option<String>,
    sts_region: Option<String>,
    token_file: String,
    /// `role_arn` and `role_session_name`; the rest stay `None` (not in the cache key).
    args: Args,
    /// Where the settings were read, for messages.
    from: String,
}

/// The settings botocore reads: the variable when `env` allows it and it is set, else the key.
fn setting(p: Option<&ProfileView<'_>>, env: bool, key: &str, var: &str) -> Option<String> {
    if env {
        if let Some(v) = std::env::var_os(var) {
            return Some(v.to_string_lossy().into_owned());
        }
    }
    p.and_then(|p| p.get(key)).map(String::from)
}

impl WebIdentitySource {
    /// The web-identity source of profile `name` (`p`, absent when only the environment
    /// configures it), or `None` when no token file is set (botocore moves on).
    pub(crate) fn find(
        name: &str,
        p: Option<&ProfileView<'_>>,
        env: bool,
        region: Option<String>,
        sts_region: Option<String>,
    ) -> Option<Result<WebIdentitySource>> {
        let token_file = setting(
            p,
            env,
            "web_identity_token_file",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
        )
        .filter(|t| !t.is_empty())?;
        let from_env = env && std::env::var_os("AWS_WEB_IDENTITY_TOKEN_FILE").is_some();
        let from = match (from_env, p) {
            (false, Some(p)) => format!(
                "{}: profile {}",
                p.at("web_identity_token_file"),
                shown(name)
            ),
            _ => "AWS_WEB_IDENTITY_TOKEN_FILE".to_string(),
        };
        let Some(role_arn) = setting(p, env, "role_arn", "AWS_ROLE_ARN").filter(|r| !r.is_empty())
        else {
            return Some(Err(Error::new(format!(
                "{from} has a web identity token file but no role ARN; set role_arn in the profile or AWS_ROLE_ARN"
            ))));
        };
        let session_name =
            setting(p, env, "role_session_name", "AWS_ROLE_SESSION_NAME").filter(|s| !s.is_empty());
        Some(Ok(WebIdentitySource {
            name: name.to_string(),
            region,
            sts_region,
            token_file,
            args: Args {
                role_arn,
                session_name,
                external_id: None,
                serial_number: None,
                duration_seconds: None,
            },
            from,
        }))
    }

    fn assume(&self) -> Result<cache::Entry> {
        // Read as botocore reads it: the whole file, as it is.
        let token = std::fs::read_to_string(&self.token_file).map_err(|e| {
            Error::new(format!(
                "{}: cannot read the web identity token file {}: {e}; check the path (your CI or cluster writes it)",
                self.from,
                shown(&self.token_file)
            ))
        })?;
        let session = self
            .args
            .session_name
            .clone()
            .unwrap_or_else(|| format!("botocore-session-{}", timefmt::now()));
        crate::debug!(
            "AssumeRoleWithWebIdentity {} for {}",
            self.args.role_arn,
            self.name
        );
        sts::assume_role_with_web_identity(
            self.sts_region.as_deref(),
            &self.args.role_arn,
            &session,
            &token,
        )
        .map_err(|e| self.refused(e))
    }

    fn refused(&self, e: StsError) -> Error {
        let fix = match e.code.as_deref() {
            Some("InvalidIdentityToken" | "ExpiredTokenException" | "IDPRejectedClaim") => {
                format!(
                    "the token in {} was refused; renew it and retry",
                    shown(&self.token_file)
                )
            }
            Some("AccessDenied") => {
                "check that the role trusts this identity provider and subject".into()
            }
            _ => "try again (SSO_ENV_LOG=debug shows the calls)".into(),
        };
        Error::new(format!(
            "cannot assume role {} with web identity for profile {}: {}; {fix}",
            self.args.role_arn,
            shown(&self.name),
            e.detail
        ))
    }
}

impl Source for WebIdentitySource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> &'static str {
        "web-identity"
    }

    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    fn identity(&self) -> Identity {
        let arn = &self.args.role_arn;
        Identity {
            account_id: arn_account(arn).map(String::from),
            role_name: arn.rsplit(['/', ':']).next().map(String::from),
        }
    }

    fn cache_key(&self) -> Option<String> {
        Some(cache::key(&self.args))
    }

    fn forget(&self) -> Result<bool> {
        fsutil::remove_optional(&cache::path(&cache::key(&self.args))?)
    }

    fn get(&self, _: OnDemand) -> Result<Credentials> {
        let key = cache::key(&self.args);
        if let Some(e) = cache::read(&key, timefmt::now())? {
            crate::debug!("web-identity credentials from the cache {key}");
            return Ok(e.credentials);
        }
        let _lock = fsutil::lock(&format!("assume-role-{key}"))?;
        if let Some(e) = cache::read(&key, timefmt::now())? {
            return Ok(e.credentials);
        }
        let entry = self.assume()?;
        if let Err(e) = cache::write(&key, &entry) {
            eprintln!("sso-env: warning: {e}");
        }
        Ok(entry.credentials)
    }
}
