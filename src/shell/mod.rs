//! Every piece of shell syntax: one module per shell, each owning its quoting and its hook's
//! literals, behind the `Shell` trait; `ShellKind` names them all, for `export`, `unset`,
//! `init` and detection alike. Adding a shell: a module here, its hook template
//! (`hook.<ext>`), one line in `shells!` below, and its tests.
//!
//! Every value reaches the shell as data: each module either quotes it so the shell reads back
//! exactly those characters, or refuses it with a `Refusal` saying why.

mod cmd;
mod detect;
mod docker;
mod dotenv;
mod fish;
mod format;
pub(crate) mod hook;
mod noexport;
mod nu;
mod posix;
mod powershell;

pub(crate) use cmd::autorun as cmd_autorun_line;
pub use cmd::Cmd;
pub use docker::DockerEnv;
pub use dotenv::Dotenv;
pub use fish::Fish;
pub use noexport::NoExport;
pub use nu::Nu;
pub use posix::Posix;
pub use powershell::PowerShell;

pub(crate) use format::{render, Format, Vars};

/// Why a value cannot be written for a shell.
#[derive(Debug, PartialEq)]
pub struct Refusal(pub String);

pub trait Shell: Sync {
    /// The shell's name on the command line and in messages.
    fn name(&self) -> &'static str;
    /// Other names accepted for it on the command line (`pwsh`).
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    /// Program names (without `.exe` or a login `-`) that mean this shell, for detection.
    fn programs(&self) -> &'static [&'static str] {
        &[]
    }
    /// `value` as a literal of this shell: read back as exactly these characters, never
    /// expanded or run. Hook templates use it for paths; `set` for values.
    fn literal(&self, value: &str) -> Result<String, Refusal>;
    /// One statement that sets and exports `name` (a fixed ASCII name) to `value`.
    fn set(&self, name: &str, value: &str) -> Result<String, Refusal>;
    /// One statement that removes `name` from the environment, quietly if it is not set.
    fn unset(&self, name: &str) -> String;
    /// The whole output of `export`/`unset` around its lines (nushell's record braces).
    fn wrap(&self, lines: String) -> String {
        lines
    }
    /// The line ending the shell expects.
    fn newline(&self) -> &'static str {
        "\n"
    }
    /// The `init` hook template, for shells that have one (see `hook.rs`).
    fn hook_template(&self) -> Option<&'static str> {
        None
    }
    /// A boolean as the hook template's code compares it.
    fn boolean(&self, b: bool) -> &'static str {
        if b {
            "1"
        } else {
            "0"
        }
    }
    /// "No value" in the hook template.
    fn nothing(&self) -> &'static str {
        "''"
    }
    /// The path of the sso-env binary as the hook calls it.
    fn program_literal(&self, path: &str) -> Result<String, Refusal> {
        self.literal(path)
    }
}

/// The shells, each with the value that implements it. One line per shell.
macro_rules! shells {
    ($($kind:ident => $imp:expr,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum ShellKind {
            $($kind,)*
        }

        impl ShellKind {
            pub(crate) const ALL: &'static [ShellKind] = &[$(ShellKind::$kind,)*];

            pub(crate) fn imp(self) -> &'static dyn Shell {
                match self {
                    $(ShellKind::$kind => &$imp,)*
                }
            }
        }
    };
}

shells! {
    Bash => posix::BASH,
    Zsh => posix::ZSH,
    Fish => Fish,
    Powershell => PowerShell,
    Cmd => Cmd,
    Nu => Nu,
    Sh => posix::SH,
    Dotenv => Dotenv,
    EnvNoExport => NoExport,
    DockerEnv => DockerEnv,
}

impl ShellKind {
    pub(crate) fn name(self) -> &'static str {
        self.imp().name()
    }

    /// The shell named `name` on the command line (a name or an alias).
    pub(crate) fn from_name(name: &str) -> Option<ShellKind> {
        ShellKind::ALL.iter().copied().find(|k| {
            let imp = k.imp();
            imp.name() == name || imp.aliases().contains(&name)
        })
    }

    /// The shell a program name means (`-zsh`, `pwsh.exe`, `dash`).
    pub(crate) fn from_program(program: &str) -> Option<ShellKind> {
        let name = program
            .strip_suffix(".exe")
            .unwrap_or(program)
            .trim_start_matches('-');
        ShellKind::ALL
            .iter()
            .copied()
            .find(|k| k.imp().programs().contains(&name))
    }

    pub(crate) fn has_hook(self) -> bool {
        self.imp().hook_template().is_some()
    }

    /// clap's view of the shells that have an `init` hook.
    pub(crate) fn hook_parser() -> impl clap::builder::TypedValueParser<Value = ShellKind> {
        use clap::builder::TypedValueParser as _;
        let values = ShellKind::ALL
            .iter()
            .filter(|k| k.has_hook())
            .map(|k| clap::builder::PossibleValue::new(k.name()).aliases(k.imp().aliases()));
        clap::builder::PossibleValuesParser::new(values)
            .map(|s| ShellKind::from_name(&s).expect("clap accepted only known shells"))
    }
}

/// NUL cannot live in any environment variable; every shell refuses it.
fn refuse_nul(value: &str) -> Result<(), Refusal> {
    if value.contains('\0') {
        return Err(Refusal(
            "it contains a NUL byte, which no environment variable can hold".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_programs() {
        assert_eq!(ShellKind::from_program("-zsh"), Some(ShellKind::Zsh));
        assert_eq!(
            ShellKind::from_program("pwsh.exe"),
            Some(ShellKind::Powershell)
        );
        assert_eq!(ShellKind::from_program("dash"), Some(ShellKind::Sh));
        assert_eq!(ShellKind::from_program("cargo"), None);
        assert_eq!(ShellKind::from_name("pwsh"), Some(ShellKind::Powershell));
        assert_eq!(ShellKind::from_name("windows-cmd"), Some(ShellKind::Cmd));
        assert_eq!(ShellKind::from_name("env"), Some(ShellKind::Sh));
        for k in ShellKind::ALL {
            assert_eq!(ShellKind::from_name(k.name()), Some(*k));
        }
    }
}
