//! PowerShell (Windows PowerShell 5.1 and pwsh 7): `$Env:NAME = 'value'`.
//!
//! Every value is written as ASCII only: PowerShell decodes a native program's output in the
//! console's code page (437/850 by default), so `Zoë` printed as UTF-8 would arrive as `ZoÃ«`.
//! Printable ASCII goes in verbatim (single-quoted) strings, which expand nothing and whose only
//! special character is the single quote, doubled; every other character (non-ASCII, line
//! breaks, control characters) is a `[char]0x00EB` piece, and the pieces are joined with `+`:
//! `'Zo' + [char]0x00EB`. The expression always starts with a string, so that `+` joins text
//! rather than adding character codes. Removal assigns `$null`, which deletes the variable.

use super::{refuse_nul, Refusal, Shell};

pub struct PowerShell;

/// `value` as an ASCII-only PowerShell expression (see the module docs). A character beyond
/// U+FFFF is two pieces, its UTF-16 surrogates, as .NET strings hold it.
pub(crate) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    let mut in_string = false;
    for c in value.chars() {
        if c == ' ' || c.is_ascii_graphic() {
            if !in_string {
                if !out.is_empty() {
                    out.push_str(" + ");
                }
                out.push('\'');
                in_string = true;
            }
            if c == '\'' {
                out.push('\'');
            }
            out.push(c);
            continue;
        }
        if in_string {
            out.push('\'');
            in_string = false;
        } else if out.is_empty() {
            out.push_str("''");
        }
        for unit in c.encode_utf16(&mut [0; 2]) {
            out.push_str(&format!(" + [char]0x{unit:04X}"));
        }
    }
    if in_string {
        out.push('\'');
    } else if out.is_empty() {
        out.push_str("''");
    }
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
    fn ascii_only_with_char_pieces() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(quote("$(x) `n \"y\""), "'$(x) `n \"y\"'");
        assert_eq!(quote("Zo\u{eb}"), "'Zo' + [char]0x00EB");
        assert_eq!(
            quote("\u{eb}a\u{2019}\u{2019}b"),
            "'' + [char]0x00EB + 'a' + [char]0x2019 + [char]0x2019 + 'b'"
        );
        assert_eq!(quote("a\nb"), "'a' + [char]0x000A + 'b'");
        assert_eq!(quote("\u{1F600}"), "'' + [char]0xD83D + [char]0xDE00");
        assert_eq!(
            quote("C:\\Users\\Zo\u{eb}\\sso-env.exe"),
            r"'C:\Users\Zo' + [char]0x00EB + '\sso-env.exe'"
        );
        for v in [
            "",
            "x",
            "\u{eb}",
            "a\tb\r\n",
            "\u{2018}'\u{201b}",
            "\u{10FFFF}",
        ] {
            assert!(quote(v).is_ascii(), "{v:?}");
        }
    }
}
