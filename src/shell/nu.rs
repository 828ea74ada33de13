//! nushell: a NUON record `{NAME: "value", OTHER: null}` (null: remove it).
//!
//! nushell has no `eval`, so `export --format nu` is data, not code: the hook reads it with
//! `from nuon` and applies it with `load-env` and `hide-env` (`... | from nuon | load-env` by
//! hand sets removed variables to null instead). Inside double quotes only `\` and `"` are
//! special besides escapes; every control character is written as `\u{..}`, so the text read
//! back is exactly the value.

use super::{refuse_nul, Refusal, Shell};

pub struct Nu;

pub(crate) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Shell for Nu {
    fn name(&self) -> &'static str {
        "nu"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["nushell"]
    }

    fn programs(&self) -> &'static [&'static str] {
        &["nu"]
    }

    fn hook_template(&self) -> Option<&'static str> {
        Some(include_str!("hook.nu"))
    }

    fn literal(&self, value: &str) -> Result<String, Refusal> {
        refuse_nul(value)?;
        Ok(quote(value))
    }

    fn set(&self, name: &str, value: &str) -> Result<String, Refusal> {
        Ok(format!("  {name}: {}", self.literal(value)?))
    }

    fn unset(&self, name: &str) -> String {
        format!("  {name}: null")
    }

    fn wrap(&self, fields: String) -> String {
        format!("{{\n{fields}}}\n")
    }

    fn boolean(&self, b: bool) -> &'static str {
        if b {
            "true"
        } else {
            "false"
        }
    }

    fn nothing(&self) -> &'static str {
        "\"\""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quote_backslash_and_controls() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("$(x) 'y'\n\u{1b}"), r#""$(x) 'y'\u{a}\u{1b}""#);
    }
}
