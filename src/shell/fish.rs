//! fish: `set -gx NAME 'value'`.
//!
//! In fish single quotes only `\'` and `\\` are escapes, so those two characters are escaped
//! and everything else (newlines, `$`, `(`, `{`, UTF-8) is literal.

use super::{refuse_nul, Refusal, Shell};

pub struct Fish;

pub fn quote(value: &str) -> String {
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

    fn set(&self, name: &str, value: &str) -> Result<String, Refusal> {
        refuse_nul(value)?;
        Ok(format!("set -gx {name} {}", quote(value)))
    }

    /// `set -e` fails (quietly, status 4) for a variable that is not set; the removals come
    /// first in our output, so the script's final status is still that of the last `set -gx`.
    fn unset(&self, name: &str) -> String {
        format!("set -e -g {name}")
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
