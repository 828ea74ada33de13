//! sso-env: AWS IAM Identity Center (SSO) credentials in the shell you are already using.
//! `main.rs` is a thin wrapper around `cli::run`. ARCHITECTURE.md maps the folders; each
//! module's header says what it owns. Only what tests and benchmarks use is public.

mod cli;
mod commands;
mod credentials;
mod error;
mod keys;
pub mod local;
mod log;
mod remote;
pub mod shell;
mod signin;
mod suggest;
mod term;
mod timefmt;
mod url;

pub use cli::run;
