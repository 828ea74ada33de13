//! cmd.exe: `set "NAME=value"` lines, CRLF.
//!
//! Inside `set "..."` the characters `& | < > ^ ( )` are literal, but cmd has no escape that
//! works both in a batch file and on the command line for `%`, cannot nest `"`, expands `!`
//! under delayed expansion, and cannot hold a line break. Such values are refused rather than
//! written wrongly.

use super::{refuse_nul, Refusal, Shell};

pub struct Cmd;

impl Shell for Cmd {
    fn name(&self) -> &'static str {
        "cmd"
    }

    fn set(&self, name: &str, value: &str) -> Result<String, Refusal> {
        refuse_nul(value)?;
        if let Some(c) = value
            .chars()
            .find(|c| matches!(c, '%' | '"' | '!') || c.is_control())
        {
            let what = match c {
                '%' => "'%', which cmd would expand as a variable".to_string(),
                '"' => "'\"', which cmd cannot quote".to_string(),
                '!' => "'!', which cmd expands under delayed expansion".to_string(),
                '\n' | '\r' => "a line break, which cmd cannot hold in a variable".to_string(),
                c => format!("the control character U+{:04X}", c as u32),
            };
            return Err(Refusal(format!("it contains {what}")));
        }
        Ok(format!("set \"{name}={value}\""))
    }

    fn unset(&self, name: &str) -> String {
        format!("set \"{name}=\"")
    }

    fn newline(&self) -> &'static str {
        "\r\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_cmd_cannot_carry() {
        assert_eq!(Cmd.set("A", "a&b|c^<>()").unwrap(), "set \"A=a&b|c^<>()\"");
        for bad in ["50%", "a\"b", "hi!", "a\nb", "a\rb", "\u{1b}[0m"] {
            assert!(Cmd.set("A", bad).is_err(), "{bad:?}");
        }
    }
}
