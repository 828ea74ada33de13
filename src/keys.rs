//! `Credentials`: the one source-neutral credentials type, whatever produced them (the role
//! cache, Identity Center, later STS or a credential process). Everything downstream (export,
//! exec, console, the prompt) takes this type and never asks where it came from.

/// AWS credentials. `Debug` is written by hand: a derived one would print the secrets.
#[derive(Clone, PartialEq)]
pub(crate) struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Temporary credentials carry a session token; long-term keys do not.
    pub session_token: Option<String>,
    /// Unix seconds; `None` for keys that do not expire.
    pub expiration: Option<i64>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Credentials {{ access_key_id: {}, expiration: {:?} }}",
            self.access_key_id, self.expiration
        )
    }
}
