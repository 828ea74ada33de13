//! Role profiles (`role_arn` with `source_profile` or `credential_source`): STS AssumeRole
//! signed with the source's credentials, cached where the AWS CLI caches it
//! (`local/assume_role_cache.rs`), so the warm path is one file read and `aws` shares the
//! entries. A cache miss takes a lock, so concurrent callers make one STS call (and ask for
//! one MFA code).

use std::sync::OnceLock;

use super::{Identity, OnDemand, Source};
use crate::error::{shown, Error, Result, EXIT_MFA_NEEDED, EXIT_OFFLINE};
use crate::keys::Credentials;
use crate::local::assume_role_cache::{self as cache, arn_account, Args};
use crate::local::fsutil;
use crate::remote::sts::{self, StsError};
use crate::timefmt;

/// Where the credentials that call AssumeRole come from.
pub(crate) enum Via {
    /// `source_profile`: another profile, of any kind.
    Profile(Box<dyn Source>),
    /// `credential_source = Environment`: the AWS_* variables of this process.
    Environment,
    /// `credential_source = EcsContainer` or `Ec2InstanceMetadata`: the SDK's providers.
    Named(&'static str),
}

pub(crate) struct AssumeRoleSource {
    pub(crate) name: String,
    pub(crate) region: Option<String>,
    /// The region STS is called in: the region of the profile the command asked for, as the
    /// botocore session that assumes the whole chain has.
    pub(crate) sts_region: Option<String>,
    pub(crate) args: Args,
    pub(crate) via: Via,
}

static MFA_CODE: OnceLock<String> = OnceLock::new();

/// `--mfa-code`: used instead of asking on the terminal.
pub(crate) fn set_mfa_code(code: String) {
    let _ = MFA_CODE.set(code);
}

impl Source for AssumeRoleSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> &'static str {
        "role"
    }

    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The account and role name of the role ARN (`arn:aws:iam::ACCOUNT:role/path/NAME`).
    fn identity(&self) -> Identity {
        let arn = &self.args.role_arn;
        Identity {
            account_id: arn_account(arn).map(String::from),
            role_name: arn.rsplit(['/', ':']).next().map(String::from),
        }
    }

    fn chain(&self) -> Vec<String> {
        let mut chain = vec![self.name.clone()];
        match &self.via {
            Via::Profile(s) if s.name() != self.name => chain.extend(s.chain()),
            Via::Profile(_) => {}
            Via::Environment => chain.push("(environment)".into()),
            Via::Named(source) => chain.push(format!("({source})")),
        }
        chain
    }

    fn root(&self) -> (String, &'static str) {
        match &self.via {
            Via::Profile(s) => s.root(),
            _ => (self.name.clone(), self.kind()),
        }
    }

    fn cache_key(&self) -> Option<String> {
        Some(cache::key(&self.args))
    }

    fn forget(&self) -> Result<bool> {
        fsutil::remove_optional(&cache::path(&cache::key(&self.args))?)
    }

    fn get(&self, on_demand: OnDemand) -> Result<Credentials> {
        let key = cache::key(&self.args);
        if let Some(e) = cache::read(&key, timefmt::now())? {
            crate::debug!("assumed-role credentials from the cache {key}");
            return Ok(e.credentials);
        }
        if super::process::in_chain(&self.name) {
            return Err(Error::new(format!(
                "profile {} is being resolved by the credential_process that runs this sso-env (a loop that would wait on its own lock); point that credential_process at another profile",
                shown(&self.name)
            )));
        }
        let _lock = fsutil::lock(&format!("assume-role-{key}"))?;
        // Someone may have assumed the role while we waited for the lock.
        if let Some(e) = cache::read(&key, timefmt::now())? {
            return Ok(e.credentials);
        }
        let entry = match self.assume(on_demand)? {
            // The source's cached credentials were refused (revoked, or expired early): drop
            // them and try once more with new ones.
            Err(e) if source_refused(&e) => match &self.via {
                Via::Profile(s) if s.forget()? => {
                    crate::debug!(
                        "STS refused the cached credentials of {}; fetching new ones",
                        s.name()
                    );
                    self.assume(on_demand)?
                }
                _ => Err(e),
            },
            other => other,
        }
        .map_err(|e| self.refused(e))?;
        if let Err(e) = cache::write(&key, &entry) {
            eprintln!("sso-env: warning: {e}");
        }
        Ok(entry.credentials)
    }
}

/// `--no-login` and a role that needs a new MFA code: said at once, the terminal left alone.
fn mfa_needed(serial: &str, profile: &str) -> Error {
    let p = shown(profile);
    Error::new(format!(
        "profile {p} needs a new MFA code for {} (--no-login asks for none); run: sso-env export {p} --mfa-code CODE",
        shown(serial)
    ))
    .with_code(EXIT_MFA_NEEDED)
}

fn source_refused(e: &StsError) -> bool {
    matches!(
        e.code.as_deref(),
        Some("ExpiredToken" | "InvalidClientTokenId")
    )
}

impl AssumeRoleSource {
    /// One AssumeRole call with the source's credentials (and an MFA code when needed). The
    /// outer error is the source's own (a sign-in needed, say), shown as it is.
    fn assume(&self, on_demand: OnDemand) -> Result<Result<cache::Entry, StsError>> {
        let source = match &self.via {
            Via::Profile(s) => s.get(on_demand)?,
            Via::Environment => environment(&self.name)?,
            Via::Named(source) => crate::remote::named_source::credentials(source, &self.name)?,
        };
        let code = match &self.args.serial_number {
            Some(serial) => Some(match MFA_CODE.get() {
                Some(c) => c.clone(),
                None if matches!(on_demand, OnDemand::Never) => {
                    return Err(mfa_needed(serial, &self.name))
                }
                None => crate::term::mfa::ask(serial, &shown(&self.name))?,
            }),
            None => None,
        };
        let session = self
            .args
            .session_name
            .clone()
            .unwrap_or_else(|| format!("botocore-session-{}", timefmt::now()));
        crate::debug!("AssumeRole {} as profile {}", self.args.role_arn, self.name);
        Ok(sts::assume_role(
            self.sts_region.as_deref(),
            &source,
            &self.args,
            &session,
            code.as_deref(),
        ))
    }

    /// One line saying which role was refused, why, and what to do.
    fn refused(&self, e: StsError) -> Error {
        let source = match &self.via {
            Via::Profile(s) => format!("profile {}", shown(s.name())),
            Via::Environment => "the AWS_* environment variables".to_string(),
            Via::Named(source) => format!("the {source} credentials"),
        };
        let fix = match e.code.as_deref() {
            Some("AccessDenied") if e.detail.contains("MultiFactorAuthentication") => {
                "check mfa_serial and enter a current MFA code".to_string()
            }
            Some("AccessDenied") => format!(
                "check that the role trusts {source}, and external_id / mfa_serial if it needs them"
            ),
            Some("ExpiredToken" | "InvalidClientTokenId") => self.renew(&source),
            Some("Throttling") => "STS is throttling requests; wait a moment and try again".into(),
            Some("ValidationError") => {
                "check duration_seconds, role_session_name and external_id".into()
            }
            _ if e.exit == EXIT_OFFLINE => "check the network and try again".into(),
            _ => "try again (SSO_ENV_LOG=debug shows the calls)".into(),
        };
        Error::new(format!(
            "cannot assume role {} for profile {} with {source}: {}; {fix}",
            self.args.role_arn,
            shown(&self.name),
            e.detail
        ))
        .with_code(e.exit)
    }
}

impl AssumeRoleSource {
    /// What renews the source's refused credentials: a sign-in only where there is one.
    fn renew(&self, source: &str) -> String {
        let refused = format!("the credentials of {source} were refused");
        let Via::Profile(s) = &self.via else {
            return format!("{refused}; replace them with current ones and retry");
        };
        let (root, kind) = s.root();
        match kind {
            "sso" => format!(
                "{refused}; run {} and retry",
                super::LoginHint::Profile(root)
            ),
            "process" => format!(
                "{refused}; check what the credential_process of profile {} prints",
                shown(&root)
            ),
            _ => format!(
                "{refused}; the keys of profile {} are expired or revoked: replace them with current ones",
                shown(&root)
            ),
        }
    }
}

/// `credential_source = Environment`: keys from this process's environment.
fn environment(profile: &str) -> Result<Credentials> {
    let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => Ok(Credentials {
            access_key_id: id,
            secret_access_key: secret,
            session_token: var("AWS_SESSION_TOKEN"),
            expiration: None,
        }),
        _ => Err(Error::new(format!(
            "profile {} has credential_source = Environment but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; set them",
            shown(profile)
        ))),
    }
}
