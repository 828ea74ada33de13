//! fish: `set -gx NAME 'value'`.
//!
//! In fish single quotes only `\'` and `\\` are escapes, so those two characters are escaped
//! and everything else (newlines, `$`, `(`, `{`, UTF-8) is literal.

use super::{refuse_nul, Refusal, Shell};

pub struct Fish;

pub(crate) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

impl Shell for Fish {
    fn name(&self) -> &'static str {
        "fish"
    }

    fn programs(&self) -> &'static [&'static str] {
        &["fish"]
    }

    fn hook_template(&self) -> Option<&'static str> {
        Some(include_str!("hook.fish"))
    }

    /// A path of plain characters stays bare, as `fish_indent` writes it, so the rendered hook
    /// is already in fish's own style.
    fn program_literal(&self, path: &str) -> Result<String, Refusal> {
        let plain = |c: char| c.is_ascii_alphanumeric() || "/._+-,:=@".contains(c);
        if !path.is_empty() && path.chars().all(plain) && !path.starts_with(['-', '~']) {
            return Ok(path.to_string());
        }
        self.literal(path)
    }

    fn literal(&self, value: &str) -> Result<String, Refusal> {
        refuse_nul(value)?;
        Ok(quote(value))
    }

    fn set(&self, name: &str, value: &str) -> Result<String, Refusal> {
        Ok(format!("set -gx {name} {}", self.literal(value)?))
    }

    /// `set -e` fails (status 4) for a variable that is not set, and fish's `set` keeps the
    /// previous status, so a bare `set -e` would make `sso-env export | source` report failure.
    /// The `if` form removes quietly and leaves status 0.
    fn unset(&self, name: &str) -> String {
        format!("if set -q -g {name}; set -e -g {name}; end")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quote_and_backslash() {
        assert_eq!(quote(r"a'b\c"), r"'a\'b\\c'");
        assert_eq!(quote("$x (y) {a,b}\n"), "'$x (y) {a,b}\n'");
    }
}
