//! sso-env: AWS IAM Identity Center (SSO) credentials in the shell you are already using.
//! The binary (`main.rs`) is a thin wrapper around `cli::run`; each module's header says what
//! it owns. The modules are public so that tests and benchmarks can reach the quoting and
//! parsing code directly.

pub mod browser;
pub mod cli;
pub mod config;
pub mod console;
pub mod credentials;
pub mod discover;
pub mod error;
pub mod exec;
pub mod export;
pub mod format;
pub mod fsutil;
pub mod ini;
pub mod init;
pub mod log;
pub mod login;
pub mod logout;
pub mod oidc;
pub mod paths;
pub mod picker;
pub mod portal;
pub mod pyjson;
pub mod role_cache;
pub mod sdk;
pub mod shell;
pub mod sso_cache;
pub mod status;
pub mod suggest;
pub mod timefmt;
pub mod url;
