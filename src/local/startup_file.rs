//! The user's shell startup file (`~/.bashrc`, `~/.zshrc`, fish's `config.fish`, PowerShell's
//! `$PROFILE`) and the one line `sso-env init SHELL --install` keeps in it. The line carries a
//! marker so that a second install replaces it instead of adding another, and `--uninstall`
//! removes only it; nothing else in the file moves.

use std::path::PathBuf;

use crate::error::Result;
use crate::local::paths;
use crate::shell::ShellKind;

/// The comment that marks our line (every shell with a startup file here comments with `#`).
pub(crate) const MARKER: &str = "# added by sso-env init --install";

/// Where `kind` reads its interactive startup file, as that shell finds it.
pub(crate) fn path(kind: ShellKind) -> Result<PathBuf> {
    let home = paths::home()?;
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let xdg_config = || var("XDG_CONFIG_HOME").unwrap_or_else(|| home.join(".config"));
    Ok(match kind {
        ShellKind::Zsh => var("ZDOTDIR")
            .unwrap_or_else(|| home.clone())
            .join(".zshrc"),
        ShellKind::Fish => xdg_config().join("fish").join("config.fish"),
        // PowerShell 7's $PROFILE (CurrentUserCurrentHost); `--file $PROFILE` names another.
        ShellKind::Powershell if cfg!(windows) => home
            .join("Documents")
            .join("PowerShell")
            .join("Microsoft.PowerShell_profile.ps1"),
        ShellKind::Powershell => xdg_config()
            .join("powershell")
            .join("Microsoft.PowerShell_profile.ps1"),
        _ => home.join(".bashrc"),
    })
}

/// What adding the line did to the text.
#[derive(Debug, PartialEq)]
pub(crate) enum Added {
    /// Appended as a new last line.
    Appended(String),
    /// Our earlier line (1-based line number) was replaced by the new one.
    Replaced(usize, String),
    /// Our line is there already, as it would be written.
    Unchanged(usize),
    /// A line of the user's own already runs the hook: nothing added beside it.
    Theirs(usize),
}

/// Adds `line` (already marked) to `text`, or says why not.
pub(crate) fn add(text: &str, line: &str, kind: ShellKind) -> Added {
    let nl = eol(text);
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        let bare = l.trim_end_matches(['\r', '\n']);
        if is_ours(bare) {
            if bare == line {
                return Added::Unchanged(i + 1);
            }
            let end = offset + bare.len();
            return Added::Replaced(i + 1, format!("{}{line}{}", &text[..offset], &text[end..]));
        }
        if runs_hook(bare, kind) {
            return Added::Theirs(i + 1);
        }
        offset += l.len();
    }
    let mut new = text.to_string();
    if !new.is_empty() && !new.ends_with('\n') {
        new.push_str(nl);
    }
    new.push_str(line);
    new.push_str(nl);
    Added::Appended(new)
}

/// `text` without our line(s); the removed lines' numbers (1-based).
pub(crate) fn remove(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut removed = Vec::new();
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if is_ours(l.trim_end_matches(['\r', '\n'])) {
            removed.push(i + 1);
        } else {
            out.push_str(l);
        }
    }
    (out, removed)
}

/// The 1-based number of a line of the user's own that runs the hook for `kind`.
pub(crate) fn theirs(text: &str, kind: ShellKind) -> Option<usize> {
    text.lines()
        .position(|l| !is_ours(l) && runs_hook(l, kind))
        .map(|i| i + 1)
}

fn is_ours(line: &str) -> bool {
    line.trim_end().ends_with(MARKER)
}

/// A line, not a comment, that runs `sso-env init SHELL` (any path to the binary).
fn runs_hook(line: &str, kind: ShellKind) -> bool {
    let code = line.trim_start();
    if code.starts_with('#') {
        return false;
    }
    let names: Vec<&str> = std::iter::once(kind.name())
        .chain(kind.imp().aliases().iter().copied())
        .collect();
    code.contains("sso-env") && names.iter().any(|n| code.contains(&format!("init {n}")))
}

fn eol(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = "eval \"$(sso-env init bash)\"  # added by sso-env init --install";

    #[test]
    fn add_is_idempotent_and_keeps_the_rest() {
        let Added::Appended(once) = add("alias ll='ls -l'", LINE, ShellKind::Bash) else {
            panic!("not appended")
        };
        assert_eq!(once, format!("alias ll='ls -l'\n{LINE}\n"));
        assert_eq!(add(&once, LINE, ShellKind::Bash), Added::Unchanged(2));
        let other = LINE.replace("init bash", "init bash --no-prompt");
        let Added::Replaced(2, replaced) = add(&once, &other, ShellKind::Bash) else {
            panic!("not replaced")
        };
        assert_eq!(replaced, format!("alias ll='ls -l'\n{other}\n"));
        assert_eq!(
            remove(&replaced),
            ("alias ll='ls -l'\n".to_string(), vec![2])
        );
    }

    #[test]
    fn a_line_of_their_own_is_left_alone() {
        let text = "# eval \"$(sso-env init bash)\"\r\neval \"$(~/bin/sso-env init bash)\"\r\n";
        assert_eq!(add(text, LINE, ShellKind::Bash), Added::Theirs(2));
        assert_eq!(theirs(text, ShellKind::Bash), Some(2));
        assert_eq!(theirs(text, ShellKind::Zsh), None);
        let Added::Appended(crlf) = add("x\r\n", LINE, ShellKind::Zsh) else {
            panic!("not appended")
        };
        assert_eq!(crlf, format!("x\r\n{LINE}\r\n"));
    }
}
