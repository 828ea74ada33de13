//! bash, zsh, dash and any POSIX sh: `export NAME='value'`.
//!
//! Inside single quotes nothing is special but the single quote itself, which is written as
//! `'\''` (close, escaped quote, reopen). Newlines, `$`, backticks, `!` (history expansion is
//! not applied inside single quotes) and any UTF-8 pass through as data.

use super::{refuse_nul, Refusal, Shell};

pub struct Posix {
    pub name: &'static str,
    programs: &'static [&'static str],
    hook: Option<&'static str>,
}

pub(super) const BASH: Posix = Posix {
    name: "bash",
    programs: &["bash"],
    hook: Some(include_str!("hook.bash")),
};
pub(super) const ZSH: Posix = Posix {
    name: "zsh",
    programs: &["zsh"],
    hook: Some(include_str!("hook.zsh")),
};
pub(super) const SH: Posix = Posix {
    name: "sh",
    programs: &["sh", "dash", "ash", "ksh", "mksh", "busybox"],
    hook: None,
};

impl Posix {
    /// POSIX quoting under a given shell's name (tests and benchmarks).
    pub fn named(name: &'static str) -> Posix {
        Posix {
            name,
            programs: &[],
            hook: None,
        }
    }
}

pub(crate) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

impl Shell for Posix {
    fn name(&self) -> &'static str {
        self.name
    }

    fn aliases(&self) -> &'static [&'static str] {
        if self.name == "sh" {
            &["env"]
        } else {
            &[]
        }
    }

    fn programs(&self) -> &'static [&'static str] {
        self.programs
    }

    fn hook_template(&self) -> Option<&'static str> {
        self.hook
    }

    fn literal(&self, value: &str) -> Result<String, Refusal> {
        refuse_nul(value)?;
        Ok(quote(value))
    }

    fn set(&self, name: &str, value: &str) -> Result<String, Refusal> {
        Ok(format!("export {name}={}", self.literal(value)?))
    }

    fn unset(&self, name: &str) -> String {
        format!("unset {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_single_quotes_only() {
        assert_eq!(quote("plain"), "'plain'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$(x)`y`\n\\"), "'$(x)`y`\n\\'");
        assert_eq!(quote(""), "''");
        let sh = BASH;
        assert!(sh.set("A", "a\0b").is_err());
        assert_eq!(sh.set("A", "x").unwrap(), "export A='x'");
    }
}
