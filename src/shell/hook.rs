//! `sso-env init SHELL`: the hook that gives a shell `use-profile`, completion, a prompt segment
//! and auto-refresh. Each shell's hook is one readable file in `shell/`; this module fills in the
//! few values that vary (how to call sso-env, the command's name, prompt on or off), each
//! written as a literal of that shell.

use clap::ValueEnum;

use crate::error::{Error, Result};
use crate::shell::{Cmd, Fish, Posix, PowerShell, Shell};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookShell {
    Bash,
    Zsh,
    Fish,
    #[value(alias = "pwsh")]
    Powershell,
    Cmd,
}

pub struct Options {
    /// The command the hook defines (`use-profile`).
    pub cmd: String,
    /// Add the segment to the prompt (else only expose it).
    pub prompt: bool,
    /// A key that opens the picker, in the shell's own notation; none by default.
    pub picker_key: Option<String>,
    /// How the hook calls sso-env.
    pub exe: String,
}

impl HookShell {
    fn template(self) -> &'static str {
        match self {
            HookShell::Bash => include_str!("hook.bash"),
            HookShell::Zsh => include_str!("hook.zsh"),
            HookShell::Fish => include_str!("hook.fish"),
            HookShell::Powershell => include_str!("hook.ps1"),
            HookShell::Cmd => include_str!("hook.cmd"),
        }
    }

    fn shell(self) -> Box<dyn Shell> {
        match self {
            HookShell::Bash => Box::new(Posix { name: "bash" }),
            HookShell::Zsh => Box::new(Posix { name: "zsh" }),
            HookShell::Fish => Box::new(Fish),
            HookShell::Powershell => Box::new(PowerShell),
            HookShell::Cmd => Box::new(Cmd),
        }
    }
}

pub fn render(sh: HookShell, opts: &Options) -> Result<String> {
    let valid_name = |s: &str| {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if !valid_name(&opts.cmd) {
        return Err(Error::new(format!("--cmd {:?} is not a usable command name; use letters, digits, '-' and '_', starting with a letter", opts.cmd)).with_code(2));
    }
    let key = opts.picker_key.clone().unwrap_or_default();
    if !key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "\\-^@[]+_".contains(c))
    {
        return Err(Error::new(format!("--picker-key {key:?} has characters a key binding does not need; use e.g. '\\C-g' (bash), '^G' (zsh), '\\cg' (fish) or 'Ctrl+g' (PowerShell)")).with_code(2));
    }
    let shell = sh.shell();
    let literal = |v: &str| {
        shell.literal(v).map_err(|r| {
            Error::new(format!(
                "cannot write {v:?} for {}: {}; pass --exe with another path",
                shell.name(),
                r.0
            ))
        })
    };
    let exe = match sh {
        // cmd: `call "C:\path\sso-env.exe" ...`; literal() has refused what quotes cannot hold.
        HookShell::Cmd => format!("\"{}\"", literal(&opts.exe)?),
        _ => literal(&opts.exe)?,
    };
    let prompt = match (sh, opts.prompt) {
        (HookShell::Powershell, true) => "$true",
        (HookShell::Powershell, false) => "$false",
        (_, true) => "1",
        (_, false) => "0",
    };
    let picker_key = match sh {
        HookShell::Cmd => String::new(),
        _ if key.is_empty() => match sh {
            HookShell::Powershell => "$null".to_string(),
            _ => "''".to_string(),
        },
        _ => literal(&key)?,
    };
    let out = sh
        .template()
        .replace("{{exe}}", &exe)
        .replace("{{cmd}}", &opts.cmd)
        .replace("{{prompt}}", prompt)
        .replace("{{picker_key}}", &picker_key)
        .replace("{{picker_key_bare}}", &key);
    Ok(match sh {
        HookShell::Cmd => out.replace('\n', "\r\n"),
        _ => out,
    })
}

/// The hook calls this binary by its full path, so it works before PATH is set up and never
/// picks up another sso-env.
pub fn default_exe() -> Result<String> {
    let exe = std::env::current_exe().map_err(|e| {
        Error::new(format!(
            "cannot find the sso-env binary: {e}; pass --exe PATH"
        ))
    })?;
    exe.into_os_string()
        .into_string()
        .map_err(|_| Error::new("the sso-env path is not UTF-8; pass --exe PATH"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Options {
        Options {
            cmd: "use-profile".into(),
            prompt: true,
            picker_key: None,
            exe: "/opt/it's here/sso-env".into(),
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        for sh in [
            HookShell::Bash,
            HookShell::Zsh,
            HookShell::Fish,
            HookShell::Powershell,
            HookShell::Cmd,
        ] {
            let out = render(sh, &opts()).unwrap();
            assert!(!out.contains("{{"), "{sh:?}");
            assert!(out.contains("use-profile"), "{sh:?}");
        }
        assert!(render(HookShell::Bash, &opts())
            .unwrap()
            .contains(r"__sso_env_exe='/opt/it'\''s here/sso-env'"));
        assert!(render(HookShell::Cmd, &opts()).unwrap().contains("\r\n"));
    }

    #[test]
    fn refuses_unsafe_names() {
        for bad in ["", "1x", "a;b", "a b", "$(x)"] {
            let o = Options {
                cmd: bad.into(),
                ..opts()
            };
            assert!(render(HookShell::Bash, &o).is_err(), "{bad}");
        }
        let o = Options {
            picker_key: Some("'; rm".into()),
            ..opts()
        };
        assert!(render(HookShell::Bash, &o).is_err());
    }
}
