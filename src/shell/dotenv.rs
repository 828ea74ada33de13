//! `.env` files, as read by docker compose, python-dotenv and node's dotenv.
//!
//! Those readers disagree on escapes and on `$` expansion in double quotes, but all read a
//! single-quoted value literally. So a value is single-quoted; one holding a `'` is
//! double-quoted only when it has nothing a reader might expand or unescape; anything else is
//! refused. Removals cannot be expressed in a `.env` file and are left out.

use super::{refuse_nul, Refusal, Shell};

pub struct Dotenv;

impl Shell for Dotenv {
    fn name(&self) -> &'static str {
        "dotenv"
    }

    fn literal(&self, value: &str) -> Result<String, Refusal> {
        refuse_nul(value)?;
        if value.contains(['\n', '\r']) {
            return Err(Refusal(
                "it contains a line break, which .env readers do not agree on".into(),
            ));
        }
        if !value.contains('\'') {
            return Ok(format!("'{value}'"));
        }
        if value.contains(['"', '$', '\\', '`']) {
            return Err(Refusal(
                "it mixes quotes with characters that .env readers expand".into(),
            ));
        }
        Ok(format!("\"{value}\""))
    }

    fn set(&self, name: &str, value: &str) -> Result<String, Refusal> {
        Ok(format!("{name}={}", self.literal(value)?))
    }

    fn unset(&self, _name: &str) -> String {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_or_refuses() {
        assert_eq!(Dotenv.set("A", "a $b").unwrap(), "A='a $b'");
        assert_eq!(Dotenv.set("A", "it's").unwrap(), "A=\"it's\"");
        assert!(Dotenv.set("A", "it's $x").is_err());
        assert!(Dotenv.set("A", "a\nb").is_err());
    }
}
