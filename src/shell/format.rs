//! Output formats of `export` and `unset`, and which one to use when none is given.

use clap::ValueEnum;

use crate::shell::{Cmd, Dotenv, Fish, Posix, PowerShell, Shell};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Bash,
    Zsh,
    Fish,
    #[value(alias = "pwsh")]
    Powershell,
    #[value(alias = "windows-cmd")]
    Cmd,
    #[value(alias = "env")]
    Sh,
    Dotenv,
    /// The variables as one JSON object.
    Json,
    /// The AWS `credential_process` JSON (Version 1).
    Process,
}

impl Format {
    /// The shell that writes this format; `None` for the JSON formats.
    pub fn shell(self) -> Option<Box<dyn Shell>> {
        Some(match self {
            Format::Bash => Box::new(Posix { name: "bash" }),
            Format::Zsh => Box::new(Posix { name: "zsh" }),
            Format::Sh => Box::new(Posix { name: "sh" }),
            Format::Fish => Box::new(Fish),
            Format::Powershell => Box::new(PowerShell),
            Format::Cmd => Box::new(Cmd),
            Format::Dotenv => Box::new(Dotenv),
            Format::Json | Format::Process => return None,
        })
    }

    /// The format of the shell we were started from: the parent process (Linux), then
    /// `$SHELL`, then POSIX sh, which every Unix shell but fish reads.
    pub fn detect() -> Format {
        #[cfg(target_os = "linux")]
        if let Ok(comm) = std::fs::read_to_string(format!(
            "/proc/{}/comm",
            std::os::unix::process::parent_id()
        )) {
            if let Some(f) = Format::from_program(comm.trim()) {
                return f;
            }
        }
        if let Some(shell) = std::env::var_os("SHELL") {
            if let Some(f) = std::path::Path::new(&shell)
                .file_name()
                .and_then(|n| Format::from_program(&n.to_string_lossy()))
            {
                return f;
            }
        }
        if cfg!(windows) {
            return Format::Powershell;
        }
        Format::Sh
    }

    fn from_program(name: &str) -> Option<Format> {
        let name = name
            .strip_suffix(".exe")
            .unwrap_or(name)
            .trim_start_matches('-');
        Some(match name {
            "bash" => Format::Bash,
            "zsh" => Format::Zsh,
            "fish" => Format::Fish,
            "pwsh" | "powershell" => Format::Powershell,
            "cmd" => Format::Cmd,
            "sh" | "dash" | "ash" | "ksh" | "mksh" | "busybox" => Format::Sh,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_shell_programs() {
        assert_eq!(Format::from_program("-zsh"), Some(Format::Zsh));
        assert_eq!(Format::from_program("pwsh.exe"), Some(Format::Powershell));
        assert_eq!(Format::from_program("dash"), Some(Format::Sh));
        assert_eq!(Format::from_program("cargo"), None);
    }
}
