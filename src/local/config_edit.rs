//! Edits to the user's own config file: the existing bytes kept as they are, a backup, an
//! atomic replace.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::local::fsutil;

pub(crate) fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".sso-env-backup");
    path.with_file_name(name)
}

/// Appends the stanzas: the existing bytes stay as they are (a missing final newline is
/// added), the old file is kept as a backup, the new one replaces it atomically.
pub(crate) fn append(path: &Path, stanzas: &str) -> Result<()> {
    let old = fsutil::read_optional(path)?.unwrap_or_default();
    if !old.is_empty() {
        fsutil::write_private(&backup_path(path), &old)?;
    }
    let mut new = old.clone();
    if !new.is_empty() && !new.ends_with(b"\n") {
        new.push(b'\n');
    }
    new.extend_from_slice(stanzas.as_bytes());
    fsutil::write_private(path, &new)
}
