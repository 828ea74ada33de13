//! cmd.exe: `@set "NAME=value"` lines, CRLF, meant to be saved as a .bat file and `call`ed. The
//! `@` keeps cmd from echoing each line (secrets included) when the file is called from a
//! prompt or a batch file that has echo on.
//!
//! Inside `set "..."` the characters `& | < > ^ ( )` are literal, but cmd has no escape that
//! works both in a batch file and on the command line for `%`, cannot nest `"`, expands `!`
//! under delayed expansion, cannot hold a line break or an empty value, cuts long lines, and
//! decodes batch files in the console code page (437/850 by default), so non-ASCII text would
//! arrive garbled. Such values are refused rather than written wrongly.

use super::{refuse_nul, Refusal, Shell};

pub struct Cmd;

/// cmd's batch lines end at 8191 characters; leave room for `set "NAME=` and the quote.
const MAX_VALUE: usize = 8000;

impl Shell for Cmd {
    fn name(&self) -> &'static str {
        "cmd"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["windows-cmd"]
    }

    fn programs(&self) -> &'static [&'static str] {
        &["cmd"]
    }

    fn hook_template(&self) -> Option<&'static str> {
        Some(include_str!("hook.cmd"))
    }

    /// `call "C:\path\sso-env.exe" ...`: `literal` has refused what quotes cannot hold.
    fn program_literal(&self, path: &str) -> Result<String, Refusal> {
        Ok(format!("\"{}\"", self.literal(path)?))
    }

    /// The hook has no key binding; its placeholder stays empty.
    fn nothing(&self) -> &'static str {
        ""
    }

    /// Checks that cmd can carry `value` (see the module docs); the text itself, unquoted:
    /// inside `set "N=..."` or `"..."` it needs no escaping once the refusals are made.
    fn literal(&self, value: &str) -> Result<String, Refusal> {
        refuse_nul(value)?;
        if value.is_empty() {
            return Err(Refusal(
                "it is empty, and cmd deletes a variable set to nothing".into(),
            ));
        }
        if value.len() > MAX_VALUE {
            let why = "cmd cuts batch lines at 8191 characters";
            return Err(Refusal(format!(
                "it is longer than {MAX_VALUE} bytes; {why}"
            )));
        }
        let bad = |c: &char| matches!(c, '%' | '"' | '!') || c.is_control() || !c.is_ascii();
        if let Some(c) = value.chars().find(bad) {
            let what = match c {
                '%' => "'%', which cmd would expand as a variable".to_string(),
                '"' => "'\"', which cmd cannot quote".to_string(),
                '!' => "'!', which cmd expands under delayed expansion".to_string(),
                '\n' | '\r' => "a line break, which cmd cannot hold in a variable".to_string(),
                c if c.is_control() => format!("the control character U+{:04X}", c as u32),
                c => format!(
                    "{c:?}, which cmd would garble (it reads batch files in the console code page)"
                ),
            };
            return Err(Refusal(format!("it contains {what}")));
        }
        Ok(value.to_string())
    }

    fn set(&self, name: &str, value: &str) -> Result<String, Refusal> {
        Ok(format!("@set \"{name}={}\"", self.literal(value)?))
    }

    fn unset(&self, name: &str) -> String {
        format!("@set \"{name}=\"")
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
        assert_eq!(Cmd.set("A", "a&b|c^<>()").unwrap(), "@set \"A=a&b|c^<>()\"");
        assert_eq!(Cmd.unset("A"), "@set \"A=\"");
        let long = "x".repeat(MAX_VALUE + 1);
        for bad in [
            "50%",
            "a\"b",
            "hi!",
            "a\nb",
            "a\rb",
            "\u{1b}[0m",
            "",
            "é",
            &long,
        ] {
            assert!(Cmd.set("A", bad).is_err(), "{bad:?}");
        }
    }
}
