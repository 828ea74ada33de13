//! `sso-env init SHELL`: print the shell hook (templates and filling live in `shell/hook.rs`).

use std::path::{Path, PathBuf};

use clap::Args;

use super::{print, Run};
use crate::error::{Error, Result};
use crate::local::startup_file::{self, Added};
use crate::local::{cmd_autorun, config_edit, fsutil, paths};
use crate::shell::{cmd_autorun_line, hook, ShellKind};

#[derive(Args)]
#[command(
    after_help = "Examples:\n  sso-env init bash --install          # adds one line to ~/.bashrc (--uninstall removes it)\n  sso-env init zsh --install           # ${ZDOTDIR:-~}/.zshrc\n  sso-env init fish --install          # ~/.config/fish/config.fish\n  sso-env init powershell --install --file $PROFILE\n  sso-env init cmd --install           # saves the hook, adds it to cmd's AutoRun\n\nOr the line yourself, last in the startup file:\n  bash        eval \"$(sso-env init bash)\"\n  zsh         eval \"$(sso-env init zsh)\"      # after compinit\n  fish        sso-env init fish | source\n  nu          sso-env init nu | save -f ($nu.data-dir | path join vendor/autoload/sso-env.nu)   # once\n  PowerShell  sso-env init powershell | Out-String | Invoke-Expression\n\nThen: use-profile koa-dev-customer, use-profile (picker), use-profile --clear.\nSSO_ENV_AUTO_REFRESH=0 turns auto-refresh off."
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
    /// Add the line that loads the hook to the shell's startup file (once; shown). cmd: save
    /// the hook as %USERPROFILE%\sso-env-hook.cmd and add it to cmd's AutoRun, before what
    /// other tools (conda, Clink) run there.
    #[arg(long, conflicts_with = "uninstall")]
    install: bool,
    /// Remove what --install added (only that).
    #[arg(long)]
    uninstall: bool,
    /// The startup file for --install/--uninstall (default: the one the shell reads, e.g.
    /// ~/.bashrc; in PowerShell pass $PROFILE).
    #[arg(long, value_name = "PATH")]
    file: Option<PathBuf>,
}

impl Run for Init {
    fn run(self) -> Result<i32> {
        if self.file.is_some()
            && (self.shell == ShellKind::Cmd || !(self.install || self.uninstall))
        {
            return Err(Error::new(
                "--file goes with --install or --uninstall, for bash, zsh, fish or powershell; see: sso-env init --help",
            )
            .with_code(2));
        }
        if self.shell != ShellKind::Cmd && (self.install || self.uninstall) {
            let file = match &self.file {
                Some(f) => f.clone(),
                None => startup_file::path(self.shell)?,
            };
            if self.uninstall {
                return uninstall_line(self.shell, &file);
            }
            let line = self.startup_line()?;
            return install_line(self.shell, &file, &line).map(|_| 0);
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

impl Init {
    /// The marked line for the startup file, with this command's options.
    fn startup_line(&self) -> Result<String> {
        let exe = match &self.exe {
            Some(e) => e.clone(),
            None => startup_exe()?,
        };
        // The options are checked now, not at the next shell's start.
        hook::render(
            self.shell,
            &hook::Options {
                cmd: self.cmd_name.clone(),
                prompt: !self.no_prompt,
                picker_key: self.picker_key.clone(),
                exe: hook::Exe::Path(exe.clone()),
            },
        )?;
        let mut args = vec![self.shell.name().to_string()];
        if self.cmd_name != "use-profile" {
            args.extend(["--cmd".to_string(), self.cmd_name.clone()]);
        }
        if self.no_prompt {
            args.push("--no-prompt".to_string());
        }
        if let Some(k) = &self.picker_key {
            args.extend(["--picker-key".to_string(), k.clone()]);
        }
        if self.exe.is_some() {
            args.extend(["--exe".to_string(), exe.clone()]);
        }
        startup_line(self.shell, &exe, &args)
    }
}

/// `eval "$(EXE init bash ...)"` and the like, every word a literal of that shell, marked.
pub(crate) fn startup_line(kind: ShellKind, exe: &str, args: &[String]) -> Result<String> {
    let shell = kind.imp();
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-".contains(c);
    let lit = |v: &str| {
        if !v.is_empty() && v.chars().all(plain) && !v.starts_with('-')
            || v.starts_with("--") && v.chars().all(plain)
        {
            return Ok(v.to_string());
        }
        shell.literal(v).map_err(|r| {
            Error::new(format!(
                "cannot write {v:?} in a {} startup file: {}",
                kind.name(),
                r.0
            ))
        })
    };
    // PowerShell's `&` takes a quoted path.
    let program = match kind {
        ShellKind::Powershell => shell.literal(exe).map_err(|r| {
            Error::new(format!(
                "cannot write {exe:?} in a PowerShell profile: {}",
                r.0
            ))
        })?,
        _ => lit(exe)?,
    };
    let mut words = vec![program, "init".to_string()];
    for a in args {
        words.push(lit(a)?);
    }
    let call = words.join(" ");
    let code = match kind {
        ShellKind::Fish => format!("{call} | source"),
        ShellKind::Powershell => {
            // A literal built from pieces (`'Zo' + [char]0x00EB`) is called as one value.
            let program = &words[0];
            let rest = words[1..].join(" ");
            let program = if program.contains(" + ") {
                format!("({program})")
            } else {
                program.clone()
            };
            format!("& {program} {rest} | Out-String | Invoke-Expression")
        }
        _ => format!("eval \"$({call})\""),
    };
    Ok(format!("{code}  {}", startup_file::MARKER))
}

/// Adds `line` to `file` (its real target when it is a symlink) unless it is there; says what
/// it did. `true` when the file changed.
pub(crate) fn install_line(kind: ShellKind, file: &Path, line: &str) -> Result<bool> {
    let mut outcome = None;
    let changed = config_edit::rewrite(file, |old| {
        let added = startup_file::add(old, line, kind);
        let new = match &added {
            Added::Appended(t) | Added::Replaced(_, t) => t.clone(),
            Added::Unchanged(_) | Added::Theirs(_) => old.to_string(),
        };
        outcome = Some((added, old.lines().count()));
        new
    })?;
    let shown = file.display();
    match outcome {
        Some((Added::Appended(_), n)) => {
            eprintln!("sso-env: added to {shown} (line {}):\n  {line}", n + 1)
        }
        Some((Added::Replaced(n, _), _)) => {
            eprintln!("sso-env: replaced line {n} of {shown} with:\n  {line}")
        }
        Some((Added::Unchanged(n), _)) => {
            eprintln!("sso-env: {shown} already has the line (line {n}); unchanged")
        }
        Some((Added::Theirs(n), _)) => eprintln!(
            "sso-env: line {n} of {shown} already runs sso-env init {}; unchanged",
            kind.name()
        ),
        None => {}
    }
    eprintln!(
        "sso-env: new {} shells have use-profile; in this one run: {}",
        kind.name(),
        manual_line(kind)
    );
    Ok(changed)
}

/// The line a user types to load the hook into the shell already open.
pub(crate) fn manual_line(kind: ShellKind) -> &'static str {
    match kind {
        ShellKind::Zsh => "eval \"$(sso-env init zsh)\"",
        ShellKind::Fish => "sso-env init fish | source",
        ShellKind::Powershell => "sso-env init powershell | Out-String | Invoke-Expression",
        _ => "eval \"$(sso-env init bash)\"",
    }
}

/// Removes the marked line(s) from `file`; a line the user wrote is named, not touched.
fn uninstall_line(kind: ShellKind, file: &Path) -> Result<i32> {
    let mut removed = Vec::new();
    let mut theirs = None;
    if fsutil::read_optional(file)?.is_some() {
        config_edit::rewrite(file, |old| {
            theirs = startup_file::theirs(old, kind);
            let (new, lines) = startup_file::remove(old);
            removed = lines;
            new
        })?;
    }
    let shown = file.display();
    match removed.as_slice() {
        [] => eprintln!("sso-env: {shown} has no line added by sso-env init --install; unchanged"),
        lines => {
            let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
            eprintln!("sso-env: removed line {} from {shown}", lines.join(", "));
        }
    }
    if let Some(n) = theirs {
        eprintln!(
            "sso-env: line {n} of {shown} runs sso-env init {} and was not written by --install: remove it yourself",
            kind.name()
        );
    }
    Ok(0)
}

/// How a startup file calls sso-env: by the PATH entry that is this binary (a package
/// manager's stable link, not the versioned file behind it), else by this binary's path.
fn startup_exe() -> Result<String> {
    let me = std::env::current_exe()
        .ok()
        .and_then(|p| p.canonicalize().ok());
    if let (Ok(found), Some(me)) = (which::which("sso-env"), me) {
        if found.canonicalize().ok().as_ref() == Some(&me) {
            if let Some(s) = found.to_str() {
                return Ok(s.to_string());
            }
        }
    }
    default_exe()
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
