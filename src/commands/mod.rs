//! One file per subcommand: its clap arguments and its `run`.

pub(crate) mod console;
pub(crate) mod discover;
pub(crate) mod exec;
pub(crate) mod logout;
pub(crate) mod profiles;
