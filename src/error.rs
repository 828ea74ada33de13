//! One error type for the whole tool: a message for the user (one line, ends with what to do)
//! and the exit code. Messages never carry secrets: callers pass names, paths and codes only.

use std::fmt;

#[derive(Debug)]
pub struct Error {
    message: String,
    code: i32,
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit code when the command needs an interactive sign-in it may not start (`--no-login`, no
/// terminal): the prompt hooks show `login-needed`.
pub(crate) const EXIT_LOGIN_NEEDED: i32 = 4;
/// Exit code when Identity Center could not be reached (connection failed or timed out): the
/// prompt hooks show `offline`.
pub(crate) const EXIT_OFFLINE: i32 = 5;
/// Exit code when a role needs a new MFA code and `--no-login` forbids asking for one: the
/// prompt hooks' background refresh shows `mfa-needed`.
pub(crate) const EXIT_MFA_NEEDED: i32 = 6;

impl Error {
    /// An error with exit code 1.
    pub(crate) fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            code: 1,
        }
    }

    pub(crate) fn with_code(mut self, code: i32) -> Error {
        self.code = code;
        self
    }

    pub fn code(&self) -> i32 {
        self.code
    }
}

impl fmt::Display for Error {
    /// Always a single line: control characters (a newline in a profile name, say) are escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.message.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// Shows a user-supplied name inside a message: quoted, control characters escaped.
pub(crate) fn shown(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('\'');
    for c in name.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// Text from elsewhere (a service's message, an account name) made fit for one line: control
/// characters become spaces, at most 200 characters, trimmed.
pub(crate) fn one_line(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    s.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_stay_on_one_line() {
        let e = Error::new("profile 'a\nb' not found");
        assert_eq!(e.to_string(), "profile 'a\\nb' not found");
        assert_eq!(shown("x\r\ny"), "'x\\r\\ny'");
    }
}
