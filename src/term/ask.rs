//! Questions on the terminal, one line each: the question and its default on stderr, the
//! answer read from stdin; Enter takes the default.

use std::io::{BufRead, Write};

use crate::error::{Error, Result};

/// Asks `question`; an empty answer is `default`. End of input cancels.
pub(crate) fn ask(question: &str, default: &str) -> Result<String> {
    let mut err = std::io::stderr();
    let shown = if default.is_empty() {
        format!("{question}: ")
    } else {
        format!("{question} [{default}]: ")
    };
    let _ = err.write_all(shown.as_bytes()).and_then(|()| err.flush());
    let mut line = String::new();
    let n = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::new(format!("cannot read the answer: {e}")))?;
    if n == 0 {
        return Err(Error::new("cancelled; nothing was written").with_code(130));
    }
    let answer = line.trim();
    Ok(if answer.is_empty() { default } else { answer }.to_string())
}

/// A yes/no question, no by default.
pub(crate) fn confirm(question: &str) -> Result<bool> {
    let a = ask(&format!("{question} (y/N)"), "")?;
    Ok(matches!(a.to_ascii_lowercase().as_str(), "y" | "yes"))
}
