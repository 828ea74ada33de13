//! One file per subcommand: its clap arguments and its `run` (the `Run` trait). `cli.rs` holds
//! only the tree and the dispatch.

pub(crate) mod completions;
pub(crate) mod configure;
pub(crate) mod console;
pub(crate) mod discover;
pub(crate) mod exec;
pub(crate) mod export;
pub(crate) mod init;
pub(crate) mod login;
pub(crate) mod logout;
pub(crate) mod pick;
pub(crate) mod profiles;
pub(crate) mod serve;
pub(crate) mod status;

use crate::credentials::{self, OnDemand, Source};
use crate::error::Result;
use crate::keys::Credentials;
use crate::local::config::{self, Config};

pub(crate) use crate::cli::print;

/// A subcommand: parsed arguments that know how to run; returns the exit code.
pub(crate) trait Run {
    fn run(self) -> Result<i32>;
}

/// The profile a command acts on (the argument, `$AWS_PROFILE`, ...) and its credentials.
fn credentials_for(
    profile: Option<&str>,
    no_login: bool,
    mfa_code: Option<String>,
) -> Result<(Box<dyn Source>, Credentials)> {
    if let Some(code) = mfa_code {
        credentials::set_mfa_code(code);
    }
    let name = config::chosen_profile(profile);
    let source = match profile {
        Some(_) => credentials::resolve(&Config::load()?, &name)?,
        None => credentials::resolve_unnamed(&Config::load()?, &name)?,
    };
    let creds = source.get(OnDemand::detect(no_login))?;
    Ok((source, creds))
}
