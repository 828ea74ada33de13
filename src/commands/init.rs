//! `sso-env init SHELL`: print the shell hook (templates and filling live in `shell/hook.rs`).

use clap::Args;

use super::{print, Run};
use crate::error::{Error, Result};
use crate::shell::{hook, ShellKind};

#[derive(Args)]
#[command(
    after_help = "Examples (one line in your shell's startup file):\n  bash        eval \"$(sso-env init bash)\"                        # ~/.bashrc\n  zsh         eval \"$(sso-env init zsh)\"                         # ~/.zshrc, after compinit\n  fish        sso-env init fish | source                        # ~/.config/fish/config.fish\n  PowerShell  sso-env init powershell | Out-String | Invoke-Expression   # $PROFILE\n  cmd         sso-env init cmd > %USERPROFILE%\\sso-env-hook.cmd, then run it from AutoRun\n\nThen: use-profile koa-dev-customer, use-profile (picker), use-profile --clear.\nSSO_ENV_AUTO_REFRESH=0 turns auto-refresh off."
)]
pub(crate) struct Init {
    #[arg(value_parser = ShellKind::hook_parser())]
    shell: ShellKind,
    /// Name of the command the hook defines.
    #[arg(long = "cmd", default_value = "use-profile", value_name = "NAME")]
    cmd_name: String,
    /// Leave the prompt alone; the segment is still available (sso_env_prompt_segment).
    #[arg(long)]
    no_prompt: bool,
    /// A key that opens the profile picker, in the shell's notation (e.g. '\C-g' bash, '^G' zsh, '\cg' fish).
    #[arg(long, value_name = "KEY")]
    picker_key: Option<String>,
    /// How the hook runs sso-env (default: this binary's full path).
    #[arg(long, value_name = "PATH")]
    exe: Option<String>,
}

impl Run for Init {
    fn run(self) -> Result<i32> {
        let exe = match self.exe {
            Some(e) => e,
            None => default_exe()?,
        };
        let opts = hook::Options {
            cmd: self.cmd_name,
            prompt: !self.no_prompt,
            picker_key: self.picker_key,
            exe,
        };
        print(&hook::render(self.shell, &opts)?)
    }
}

/// The hook calls this binary by its full path, so it works before PATH is set up and never
/// picks up another sso-env.
fn default_exe() -> Result<String> {
    let exe = std::env::current_exe().map_err(|e| {
        Error::new(format!(
            "cannot find the sso-env binary: {e}; pass --exe PATH"
        ))
    })?;
    exe.into_os_string()
        .into_string()
        .map_err(|_| Error::new("the sso-env path is not UTF-8; pass --exe PATH"))
}
