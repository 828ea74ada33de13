//! Drawing on the terminal: the picker, tables, spinners and progress lines.

pub(crate) mod ask;
pub(crate) mod mfa;
pub(crate) mod picker;
pub(crate) mod progress;
pub(crate) mod spinner;
pub(crate) mod table;

/// Whether the terminal understands escape sequences (colour, cursor moves, the alternate
/// screen): every terminal but `TERM=dumb` (Emacs shells, some IDE consoles).
pub(crate) fn capable() -> bool {
    std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// Whether escape sequences (colour) may be written to the console. On Windows this switches the
/// console to VT processing (Windows 10 and later, once per process); an older console gets none,
/// where its escapes would show as raw text.
pub(crate) fn ansi_ok() -> bool {
    #[cfg(windows)]
    return crossterm::ansi_support::supports_ansi();
    #[cfg(not(windows))]
    return true;
}

/// Clears the line the cursor is on, on stderr: with an escape sequence, or on an older
/// Windows console through the console API (crossterm picks).
pub(crate) fn clear_line() {
    use std::io::Write;
    let mut err = std::io::stderr();
    let _ = crossterm::execute!(
        err,
        crossterm::cursor::MoveToColumn(0),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::CurrentLine)
    );
    let _ = err.flush();
}
