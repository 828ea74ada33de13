//! Drawing on the terminal: the picker, tables, spinners and progress lines.

pub(crate) mod picker;
