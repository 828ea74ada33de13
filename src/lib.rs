//! sso-env: AWS IAM Identity Center (SSO) credentials in the shell you are already using.
//! `main.rs` is a thin wrapper around `cli::run`. ARCHITECTURE.md maps the folders; each
//! module's header says what it owns. Only what tests and benchmarks use is public.

mod cli;
mod commands;
mod credentials;
mod error;
mod keys;
mod local;
mod log;
mod remote;
mod server;
mod shell;
mod signin;
mod start_url;
mod suggest;
mod term;
mod timefmt;
mod url;

pub use cli::run;
pub use error::Error;

// The parsers and the quoting, for the property tests; everything else is crate-private.
pub use local::config::Config;
pub use local::ini;
pub use shell::{Cmd, Fish, Posix, PowerShell, Shell};
