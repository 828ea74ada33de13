//! Long-term keys (`aws_access_key_id`, `aws_secret_access_key`, optional
//! `aws_session_token`) written in the credentials file or the config: nothing to fetch or
//! cache, and no expiry (so the prompt shows no countdown).

use super::{Identity, OnDemand, Source};
use crate::error::{shown, Error, Result};
use crate::keys::Credentials;
use crate::local::config::ProfileView;

pub(crate) struct StaticSource {
    name: String,
    region: Option<String>,
    creds: Credentials,
}

impl StaticSource {
    /// The keys of `p`; both halves are needed, as botocore requires.
    pub(crate) fn new(p: &ProfileView<'_>, region: Option<String>) -> Result<StaticSource> {
        let key = |k: &str| p.get(k).filter(|v| !v.is_empty());
        let (id, secret) = match (key("aws_access_key_id"), key("aws_secret_access_key")) {
            (Some(id), Some(secret)) => (id, secret),
            (have, _) => {
                let (has, lacks) = if have.is_some() {
                    ("aws_access_key_id", "aws_secret_access_key")
                } else {
                    ("aws_secret_access_key", "aws_access_key_id")
                };
                return Err(Error::new(format!(
                    "{}: profile {} has {has} but no {lacks}; add it",
                    p.at(has),
                    shown(p.name)
                )));
            }
        };
        Ok(StaticSource {
            name: p.name.to_string(),
            region,
            creds: Credentials {
                access_key_id: id.to_string(),
                secret_access_key: secret.to_string(),
                session_token: key("aws_session_token").map(String::from),
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
