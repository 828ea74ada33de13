//! Drawing on the terminal: the picker, tables, spinners and progress lines.

pub(crate) mod mfa;
pub(crate) mod picker;
pub(crate) mod progress;
pub(crate) mod spinner;
pub(crate) mod table;
