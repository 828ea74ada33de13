//! PowerShell (Windows PowerShell 5.1 and pwsh 7): `$Env:NAME = 'value'`.
//!
//! A verbatim (single-quoted) string expands nothing; its only special characters are the
//! single quotes, and PowerShell counts the typographic ones (U+2018..U+201B) as single quotes
//! too, so each of them is doubled. Removal assigns `$null`, which deletes the variable.
//! Apply with `| Out-String | Invoke-Expression` so multi-line values stay whole.

use super::{refuse_nul, Refusal, Shell};

pub struct PowerShell;

fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

pub(crate) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if is_single_quote(c) {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

impl Shell for PowerShell {
    fn name(&self) -> &'static str {
        "powershell"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["pwsh"]
    }

    fn programs(&self) -> &'static [&'static str] {
        &["pwsh", "powershell"]
    }

    fn hook_template(&self) -> Option<&'static str> {
        Some(include_str!("hook.ps1"))
    }

    fn boolean(&self, b: bool) -> &'static str {
        if b {
            "$true"
        } else {
            "$false"
        }
    }

    fn nothing(&self) -> &'static str {
        "$null"
    }

    fn literal(&self, value: &str) -> Result<String, Refusal> {
        refuse_nul(value)?;
        Ok(quote(value))
    }

    fn set(&self, name: &str, value: &str) -> Result<String, Refusal> {
        Ok(format!("$Env:{name} = {}", self.literal(value)?))
    }

    fn unset(&self, name: &str) -> String {
        format!("$Env:{name} = $null")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_every_single_quote_kind() {
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(
            quote("\u{2018}x\u{2019}"),
            "'\u{2018}\u{2018}x\u{2019}\u{2019}'"
        );
        assert_eq!(quote("$(x) `n \"y\""), "'$(x) `n \"y\"'");
    }
}
