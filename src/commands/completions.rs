//! `sso-env completions SHELL`: clap_complete's script for sso-env's own arguments.

use clap::{Args, CommandFactory};

use super::{print, Run};
use crate::cli::Cli;
use crate::error::Result;

#[derive(Args)]
#[command(after_help = "Examples (install, or load at startup):\n  \
    bash: sso-env completions bash > ~/.local/share/bash-completion/completions/sso-env\n  \
    zsh:  eval \"$(sso-env completions zsh)\"   (in ~/.zshrc, after compinit)\n  \
    fish: sso-env completions fish > ~/.config/fish/completions/sso-env.fish")]
pub(crate) struct Completions {
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

impl Run for Completions {
    fn run(self) -> Result<i32> {
        let mut out = Vec::new();
        clap_complete::generate(self.shell, &mut Cli::command(), "sso-env", &mut out);
        let mut script = String::from_utf8_lossy(&out).into_owned();
        if self.shell == clap_complete::Shell::Bash {
            script = fix_bash_case_labels(&script);
        }
        print(&script)
    }
}

/// clap_complete names a subcommand's state `sso__env__subcmd__login` when it walks the words,
/// but labels its options branch `sso__subcmd__env__subcmd__login` (the dash of the binary name
/// is turned into a subcommand separator there), so no option after a subcommand ever
/// completed. One spelling for both; the function name `_sso__env` stays as the init hook
/// calls it.
fn fix_bash_case_labels(script: &str) -> String {
    script.replace("sso__subcmd__env__subcmd__", "sso__env__subcmd__")
}
