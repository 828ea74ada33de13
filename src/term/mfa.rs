//! The MFA code prompt: on the terminal itself (`/dev/tty`, the console on Windows), never on
//! stdout, which `eval "$(sso-env export ...)"` captures.

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};

use crate::error::{Error, Result};

#[cfg(unix)]
const TTY: (&str, &str) = ("/dev/tty", "/dev/tty");
#[cfg(windows)]
const TTY: (&str, &str) = ("CONIN$", "CONOUT$");

/// Asks `Enter MFA code for SERIAL: ` and reads one line. No terminal: an error saying what
/// to do, at once.
pub(crate) fn ask(serial: &str, profile: &str) -> Result<String> {
    let no_tty = || {
        Error::new(format!(
            "profile {profile} needs an MFA code for {serial} and there is no terminal to ask on; pass --mfa-code CODE"
        ))
    };
    let input = OpenOptions::new()
        .read(true)
        .open(TTY.0)
        .map_err(|_| no_tty())?;
    let mut output = OpenOptions::new()
        .write(true)
        .open(TTY.1)
        .map_err(|_| no_tty())?;
    // The serial comes from a file: shown as data, control characters escaped.
    let shown: String = serial
        .chars()
        .flat_map(|c| {
            let esc: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            esc
        })
        .collect();
    write!(output, "Enter MFA code for {shown}: ")
        .and_then(|()| output.flush())
        .map_err(|_| no_tty())?;
    let mut line = String::new();
    BufReader::new(input)
        .read_line(&mut line)
        .map_err(|_| no_tty())?;
    let code = line.trim().to_string();
    if code.is_empty() {
        return Err(Error::new(
            "no MFA code entered; run the command again and type the code",
        ));
    }
    Ok(code)
}
