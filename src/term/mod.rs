//! Drawing on the terminal: the picker, tables, spinners and progress lines.

pub(crate) mod ask;
pub(crate) mod picker;
pub(crate) mod progress;
pub(crate) mod spinner;
pub(crate) mod table;

/// Whether the terminal understands escape sequences (colour, cursor moves, the alternate
/// screen): every terminal but `TERM=dumb` (Emacs shells, some IDE consoles).
pub(crate) fn capable() -> bool {
    std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}
