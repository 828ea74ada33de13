//! The AWS files on this machine: the config, the SSO and role caches, lock files. This is the
//! warm path; nothing here imports the SDK or an async runtime.

pub(crate) mod assume_role_cache;
pub(crate) mod cmd_autorun;
pub(crate) mod config;
pub(crate) mod config_edit;
pub(crate) mod fsutil;
pub mod ini;
pub(crate) mod login_cache;
pub(crate) mod paths;
pub(crate) mod profile_setting;
pub(crate) mod pyjson;
pub(crate) mod role_cache;
pub(crate) mod sso_cache;
pub(crate) mod startup_file;
pub(crate) mod validate;
