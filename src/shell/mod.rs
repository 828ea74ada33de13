//! Shell syntax: one module per shell, each owning its quoting, behind one trait.
//! Adding a shell means adding one file here and one line in `Format`.
//!
//! Every value reaches the shell as data: each module either quotes it so the shell reads back
//! exactly those characters, or refuses it with a `Refusal` saying why.

mod cmd;
mod dotenv;
mod fish;
pub(crate) mod format;
pub(crate) mod hook;
mod posix;
mod powershell;

pub use cmd::Cmd;
pub use dotenv::Dotenv;
pub use fish::Fish;
pub use posix::Posix;
pub use powershell::PowerShell;

/// Why a value cannot be written for a shell.
#[derive(Debug, PartialEq)]
pub struct Refusal(pub String);

pub trait Shell {
    /// The shell's name in messages.
    fn name(&self) -> &'static str;
    /// `value` as a literal of this shell: read back as exactly these characters, never
    /// expanded or run. Hook templates use it for paths; `set` for values.
    fn literal(&self, value: &str) -> Result<String, Refusal>;
    /// One statement that sets and exports `name` (a fixed ASCII name) to `value`.
    fn set(&self, name: &str, value: &str) -> Result<String, Refusal>;
    /// One statement that removes `name` from the environment, quietly if it is not set.
    fn unset(&self, name: &str) -> String;
    /// The line ending the shell expects.
    fn newline(&self) -> &'static str {
        "\n"
    }
}

/// NUL cannot live in any environment variable; every shell refuses it.
fn refuse_nul(value: &str) -> Result<(), Refusal> {
    if value.contains('\0') {
        return Err(Refusal(
            "it contains a NUL byte, which no environment variable can hold".into(),
        ));
    }
    Ok(())
}
