//! `sso-env init SHELL`: print the shell hook (templates and filling live in `shell/hook.rs`).

use clap::Args;

use super::{print, Run};
use crate::error::{Error, Result};
use crate::local::{cmd_autorun, fsutil, paths};
use crate::shell::{cmd_autorun_line, hook, ShellKind};

#[derive(Args)]
#[command(
    after_help = "Examples (one line in your shell's startup file):\n  bash        eval \"$(sso-env init bash)\"                        # ~/.bashrc\n  zsh         eval \"$(sso-env init zsh)\"                         # ~/.zshrc, after compinit\n  fish        sso-env init fish | source                        # ~/.config/fish/config.fish\n  nu          sso-env init nu | save -f ($nu.data-dir | path join vendor/autoload/sso-env.nu)   # once\n  PowerShell  sso-env init powershell | Out-String | Invoke-Expression   # $PROFILE\n  cmd         sso-env init cmd --install   # saves the hook, adds it to AutoRun (--uninstall)\n\nThen: use-profile koa-dev-customer, use-profile (picker), use-profile --clear.\nSSO_ENV_AUTO_REFRESH=0 turns auto-refresh off."
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
    /// A key that opens the profile picker, in the shell's notation (e.g. '\C-g' bash, '^G' zsh, '\cg' fish, 'ctrl+g' nu).
    #[arg(long, value_name = "KEY")]
    picker_key: Option<String>,
    /// How the hook runs sso-env (default: this binary's full path).
    #[arg(long, value_name = "PATH")]
    exe: Option<String>,
    /// cmd on Windows: save the hook as %USERPROFILE%\sso-env-hook.cmd and add it to cmd's
    /// AutoRun, before what other tools (conda, Clink) run there.
    #[arg(long, conflicts_with = "uninstall")]
    install: bool,
    /// cmd on Windows: remove what --install added (only that) and the hook file.
    #[arg(long)]
    uninstall: bool,
}

impl Run for Init {
    fn run(self) -> Result<i32> {
        if (self.install || self.uninstall) && self.shell != ShellKind::Cmd {
            return Err(Error::new(format!(
                "--install and --uninstall are for cmd; for {} add the line shown by `sso-env init --help` to your startup file",
                self.shell.name()
            ))
            .with_code(2));
        }
        if self.uninstall {
            return uninstall();
        }
        let exe = match self.exe {
            Some(e) => e,
            None => default_exe()?,
        };
        let mut opts = hook::Options {
            cmd: self.cmd_name,
            prompt: !self.no_prompt,
            picker_key: self.picker_key,
            exe: hook::Exe::FromAutoRun,
        };
        if self.install {
            return install(&hook::render(self.shell, &opts)?, &exe);
        }
        opts.exe = hook::Exe::Path(exe);
        print(&hook::render(self.shell, &opts)?)
    }
}

/// Saves the cmd hook (ASCII with CRLF: cmd reads it alike in every code page) and adds it to
/// AutoRun, first, keeping what is there; AutoRun hands the hook `exe`.
fn install(hook: &str, exe: &str) -> Result<i32> {
    let current = cmd_autorun::read()?;
    let path = paths::home()?.join(cmd_autorun_line::HOOK_FILE);
    let entry = path
        .to_str()
        .ok_or_else(|| Error::new("your profile directory's path is not valid text"))
        .and_then(|p| {
            cmd_autorun_line::entry(p, exe)
                .map_err(|r| Error::new(format!("{}; pass --exe with another path", r.0)))
        })?;
    fsutil::write_private(&path, hook.as_bytes())?;
    let (line, expand) = current.unwrap_or((String::new(), true));
    cmd_autorun::write(&cmd_autorun_line::add(&line, &entry), expand)?;
    eprintln!(
        "sso-env: saved {} and added it to {}; new cmd windows have use-profile",
        path.display(),
        cmd_autorun::describe()
    );
    Ok(0)
}

/// Removes our command from AutoRun (deleting the value if nothing else is left) and the hook.
fn uninstall() -> Result<i32> {
    if let Some((line, expand)) = cmd_autorun::read()? {
        match cmd_autorun_line::remove(&line) {
            rest if rest == line => {}
            rest if rest.is_empty() => cmd_autorun::delete()?,
            rest => cmd_autorun::write(&rest, expand)?,
        }
    }
    let path = paths::home()?.join(cmd_autorun_line::HOOK_FILE);
    fsutil::remove_optional(&path)?;
    eprintln!(
        "sso-env: removed the sso-env hook from {} and {}",
        cmd_autorun::describe(),
        path.display()
    );
    Ok(0)
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
