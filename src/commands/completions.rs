//! `sso-env completions SHELL`: clap_complete's script for sso-env's own arguments.

use clap::{Args, CommandFactory};

use super::{print, Run};
use crate::cli::Cli;
use crate::error::Result;

#[derive(Args)]
#[command(
    after_help = "Example:\n  sso-env completions bash > ~/.local/share/bash-completion/completions/sso-env"
)]
pub(crate) struct Completions {
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

impl Run for Completions {
    fn run(self) -> Result<i32> {
        let mut out = Vec::new();
        clap_complete::generate(self.shell, &mut Cli::command(), "sso-env", &mut out);
        print(&String::from_utf8_lossy(&out))
    }
}
