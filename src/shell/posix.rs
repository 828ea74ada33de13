//! bash, zsh, dash and any POSIX sh: `export NAME='value'`.
//!
//! Inside single quotes nothing is special but the single quote itself, which is written as
//! `'\''` (close, escaped quote, reopen). Newlines, `$`, backticks, `!` (history expansion is
//! not applied inside single quotes) and any UTF-8 pass through as data.

use super::{refuse_nul, Refusal, Shell};

pub struct Posix {
    pub name: &'static str,
}

pub fn quote(value: &str) -> String {
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
        let sh = Posix { name: "bash" };
        assert!(sh.set("A", "a\0b").is_err());
        assert_eq!(sh.set("A", "x").unwrap(), "export A='x'");
    }
}
