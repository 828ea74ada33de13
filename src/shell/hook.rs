//! `sso-env init SHELL`: the hook that gives a shell `use-profile`, completion, a prompt segment
//! and auto-refresh. Each shell's hook is one readable file beside this one (`hook.bash`,
//! `hook.zsh`, ...); this module fills in the few values that vary (how to call sso-env, the
//! command's name, prompt on or off, the thresholds), each written as a literal of that shell.

use super::{Shell, ShellKind};
use crate::error::{Error, Result, EXIT_LOGIN_NEEDED, EXIT_MFA_NEEDED, EXIT_OFFLINE};

/// Under this much time left the prompt marks the credentials (`!`) and refreshes them.
pub(crate) const WARN_SECS: i64 = 600;
/// The prompt tries a refresh at most this often.
pub(crate) const RETRY_SECS: i64 = 60;
/// Keys expired (or within a minute of it) when a command is about to run are refreshed first,
/// waiting at most this long; a slower refresh goes on in the background.
pub(crate) const FOREGROUND_SECS: i64 = 2;

pub(crate) struct Options {
    /// The command the hook defines (`use-profile`).
    pub cmd: String,
    /// Add the segment to the prompt (else only expose it).
    pub prompt: bool,
    /// A key that opens the picker, in the shell's own notation; none by default.
    pub picker_key: Option<String>,
    /// How the hook calls sso-env.
    pub exe: Exe,
}

pub(crate) enum Exe {
    /// This path, written into the hook as a literal of its shell.
    Path(String),
    /// cmd's installed hook: the path AutoRun hands it when cmd starts (see `hook.cmd`), so that
    /// the file holds none (a non-ASCII one would be garbled: cmd reads batch files in the
    /// console code page; AutoRun is UTF-16).
    FromAutoRun,
}

fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn check(opts: &Options) -> Result<()> {
    if !valid_name(&opts.cmd) {
        return Err(Error::new(format!("--cmd {:?} is not a usable command name; use letters, digits, '-' and '_', starting with a letter", opts.cmd)).with_code(2));
    }
    let key = opts.picker_key.as_deref().unwrap_or_default();
    if !key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "\\-^@[]+_".contains(c))
    {
        return Err(Error::new(format!("--picker-key {key:?} has characters a key binding does not need; use e.g. '\\C-g' (bash), '^G' (zsh), '\\cg' (fish), 'ctrl+g' (nu) or 'Ctrl+g' (PowerShell)")).with_code(2));
    }
    Ok(())
}

/// The hook for `kind`: its template with each placeholder filled by a literal of that shell.
pub(crate) fn render(kind: ShellKind, opts: &Options) -> Result<String> {
    check(opts)?;
    let shell: &dyn Shell = kind.imp();
    let template = shell.hook_template().ok_or_else(|| {
        Error::new(format!(
            "{} has no hook; use bash, zsh, fish, nu, powershell or cmd",
            kind.name()
        ))
        .with_code(2)
    })?;
    let refused = |v: &str, why: String| {
        Error::new(format!(
            "cannot write {v:?} for {}: {why}; pass --exe with another path",
            shell.name()
        ))
    };
    let exe = match &opts.exe {
        Exe::Path(p) => shell.program_literal(p).map_err(|r| refused(p, r.0))?,
        Exe::FromAutoRun if kind == ShellKind::Cmd => super::cmd_autorun_line::EXE.to_string(),
        Exe::FromAutoRun => return Err(Error::new("only cmd's hook is installed through AutoRun")),
    };
    let key = opts.picker_key.clone().unwrap_or_default();
    let picker_key = match key.as_str() {
        "" => shell.nothing().to_string(),
        k => shell.literal(k).map_err(|r| refused(k, r.0))?,
    };
    let out = template
        .replace("{{exe}}", &exe)
        .replace("{{cmd}}", &opts.cmd)
        .replace("{{prompt}}", shell.boolean(opts.prompt))
        .replace("{{picker_key}}", &picker_key)
        .replace(
            "{{picker_key_bare}}",
            if key.is_empty() {
                shell.nothing()
            } else {
                &key
            },
        )
        .replace("{{warn_secs}}", &WARN_SECS.to_string())
        .replace("{{retry_secs}}", &RETRY_SECS.to_string())
        .replace("{{exit_login_needed}}", &EXIT_LOGIN_NEEDED.to_string())
        .replace("{{fg_secs}}", &FOREGROUND_SECS.to_string())
        .replace("{{exit_mfa_needed}}", &EXIT_MFA_NEEDED.to_string())
        .replace("{{exit_offline}}", &EXIT_OFFLINE.to_string());
    Ok(match shell.newline() {
        "\n" => out,
        nl => out.replace('\n', nl),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Options {
        Options {
            cmd: "use-profile".into(),
            prompt: true,
            picker_key: None,
            exe: Exe::Path("/opt/it's here/sso-env".into()),
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        for sh in ShellKind::ALL.iter().copied().filter(|k| k.has_hook()) {
            let out = render(sh, &opts()).unwrap();
            assert!(!out.contains("{{"), "{sh:?}");
            assert!(out.contains("use-profile"), "{sh:?}");
        }
        assert!(render(ShellKind::Bash, &opts())
            .unwrap()
            .contains(r"__sso_env_exe='/opt/it'\''s here/sso-env'"));
        assert!(render(ShellKind::Cmd, &opts()).unwrap().contains("\r\n"));
    }

    #[test]
    fn refuses_unsafe_names() {
        for bad in ["", "1x", "a;b", "a b", "$(x)"] {
            let o = Options {
                cmd: bad.into(),
                ..opts()
            };
            assert!(render(ShellKind::Bash, &o).is_err(), "{bad}");
        }
        let o = Options {
            picker_key: Some("'; rm".into()),
            ..opts()
        };
        assert!(render(ShellKind::Bash, &o).is_err());
    }
}
