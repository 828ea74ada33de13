//! Long-term keys (`aws_access_key_id`, `aws_secret_access_key`, optional
//! `aws_session_token`) written in the credentials file or the config: nothing to fetch or
//! cache, and no expiry (so the prompt shows no countdown).
//!
//! Keys are read as botocore reads them: as a set from one file (`SharedCredentialProvider`
//! for the credentials file, `ConfigProvider` for the config), never key by key across the
//! two: a pair from one file with a token from the other is a token AWS rejects.

use super::{Identity, OnDemand, Source};
use crate::error::{shown, Error, Result};
use crate::keys::Credentials;
use crate::local::config::{File, ProfileView};

pub(crate) struct StaticSource {
    name: String,
    region: Option<String>,
    creds: Credentials,
}

/// Whether `file`'s section of `p` holds keys (botocore: `aws_access_key_id in section`).
pub(crate) fn has_keys_in(p: &ProfileView<'_>, file: File) -> bool {
    p.get_in(file, "aws_access_key_id").is_some()
}

/// A secret written without its key id, for the "no credentials" message.
pub(crate) fn lone_secret(p: &ProfileView<'_>) -> Option<String> {
    [File::Credentials, File::Config]
        .into_iter()
        .find(|f| p.get_in(*f, "aws_secret_access_key").is_some() && !has_keys_in(p, *f))
        .map(|f| {
            format!(
                "{}: profile {} has aws_secret_access_key but no aws_access_key_id in {}; add the key id next to it",
                p.at_in(f, "aws_secret_access_key"),
                shown(p.name),
                p.path_of(f).display()
            )
        })
}

impl StaticSource {
    /// The keys of `p` in `file`; both halves are needed there, as botocore requires.
    pub(crate) fn new(
        p: &ProfileView<'_>,
        file: File,
        region: Option<String>,
    ) -> Result<StaticSource> {
        let key = |k: &str| p.get_in(file, k);
        let id = key("aws_access_key_id").unwrap_or_default();
        let Some(secret) = key("aws_secret_access_key") else {
            return Err(Error::new(format!(
                "{}: profile {} has aws_access_key_id but no aws_secret_access_key in {}; add it there (keys are read as a pair from one file)",
                p.at_in(file, "aws_access_key_id"),
                shown(p.name),
                p.path_of(file).display()
            )));
        };
        for (k, v) in [("aws_access_key_id", id), ("aws_secret_access_key", secret)] {
            if v.is_empty() {
                return Err(Error::new(format!(
                    "{}: {k} of profile {} is empty; set it",
                    p.at_in(file, k),
                    shown(p.name)
                )));
            }
        }
        // botocore's order: the older aws_security_token first.
        let token = key("aws_security_token").or_else(|| key("aws_session_token"));
        Ok(StaticSource {
            name: p.name.to_string(),
            region,
            creds: Credentials {
                access_key_id: id.to_string(),
                secret_access_key: secret.to_string(),
                session_token: token.filter(|t| !t.is_empty()).map(String::from),
                expiration: None,
            },
        })
    }
}

impl Source for StaticSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> &'static str {
        "static"
    }

    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    fn identity(&self) -> Identity {
        Identity::default()
    }

    fn get(&self, _: OnDemand) -> Result<Credentials> {
        Ok(self.creds.clone())
    }
}
