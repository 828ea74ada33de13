//! Edits to the user's own config file: the existing bytes kept as they are (comments, order,
//! CRLF line endings), a backup, an atomic replace of the real file. A `~/.aws/config` that is a
//! symlink (stow, chezmoi, home-manager) stays a symlink: its target is what gets replaced, as
//! the AWS CLI writes through the link.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::local::fsutil;

pub(crate) fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".sso-env-backup");
    path.with_file_name(name)
}

/// A stanza to put in the file: its header line (`[profile NAME]`, `[sso-session NAME]`) and
/// its body, written with `\n`; the file's own line ending is used on disk.
pub(crate) struct Stanza {
    pub header: String,
    pub body: String,
}

/// Appends the stanzas: the existing bytes stay as they are (a missing final newline is
/// added), the old file is kept as a backup, the new one replaces the real file atomically.
pub(crate) fn append(path: &Path, stanzas: &str) -> Result<()> {
    edit(path, |old| {
        let mut new = old.to_string();
        push_text(&mut new, stanzas, eol(old));
        new
    })
}

/// Puts each stanza in the file: one whose header is already there replaces that section in
/// place (its header line to the next header); the others are appended.
pub(crate) fn upsert(path: &Path, stanzas: &[Stanza]) -> Result<()> {
    edit(path, |old| {
        let nl = eol(old);
        let mut text = old.to_string();
        for s in stanzas {
            text = match section_span(&text, &s.header) {
                Some((start, end)) => {
                    let mut body = format!("{}\n{}", s.header, s.body);
                    if end < text.len() && !body.ends_with("\n\n") {
                        body.push('\n');
                    }
                    let body = body.replace('\n', nl);
                    format!("{}{body}{}", &text[..start], &text[end..])
                }
                None => {
                    let mut t = text;
                    let blank = if t.trim().is_empty() { "" } else { "\n" };
                    push_text(&mut t, &format!("{blank}{}\n{}", s.header, s.body), nl);
                    t
                }
            };
        }
        text
    })
}

/// Sets `key = value` in the section whose header line is `header`: the key's line is
/// replaced where it is, or added right after the header; nothing else moves.
pub(crate) fn set_key(path: &Path, header: &str, key: &str, value: &str) -> Result<()> {
    edit(path, |old| {
        let nl = eol(old);
        let Some((start, end)) = section_span(old, header) else {
            return old.to_string();
        };
        let line = format!("{key} = {value}{nl}");
        let mut offset = start;
        let mut at = None;
        for l in old[start..end].split_inclusive('\n') {
            let name = l.split(['=', ':']).next().unwrap_or_default();
            if l.contains(['=', ':'])
                && name.trim().eq_ignore_ascii_case(key)
                && !l.starts_with([' ', '\t'])
            {
                at = Some((offset, offset + l.len()));
            }
            offset += l.len();
        }
        let (from, to) = at.unwrap_or_else(|| {
            let after_header = old[start..].find('\n').map_or(old.len(), |i| start + i + 1);
            (after_header, after_header)
        });
        let mut line = line;
        if to == old.len() && !old[from..to].ends_with('\n') && at.is_some() {
            line.truncate(line.len() - nl.len());
        }
        format!("{}{line}{}", &old[..from], &old[to..])
    })
}

/// The file's line ending: CRLF when its first line ends so.
fn eol(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

fn push_text(text: &mut String, add: &str, nl: &str) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push_str(nl);
    }
    text.push_str(&add.replace('\n', nl));
}

/// Byte range of the section whose header line is `header` (spaces around it ignored): from
/// the header to the next line that starts a section, or the end.
fn section_span(text: &str, header: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    let mut start = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        match start {
            None if trimmed == header => start = Some(offset),
            Some(s) if trimmed.starts_with('[') => return Some((s, offset)),
            _ => {}
        }
        offset += line.len();
    }
    start.map(|s| (s, text.len()))
}

/// Reads the file (missing: empty), applies `change`, keeps a backup and replaces the real
/// file atomically when the text changed.
fn edit(path: &Path, change: impl FnOnce(&str) -> String) -> Result<()> {
    edit_with(path, true, change).map(|_| ())
}

/// Like the config edits, for a file of the user's that needs no backup (a shell startup file
/// gets or loses one line, shown to the user): `true` when the text changed.
pub(crate) fn rewrite(path: &Path, change: impl FnOnce(&str) -> String) -> Result<bool> {
    edit_with(path, false, change)
}

fn edit_with(path: &Path, backup: bool, change: impl FnOnce(&str) -> String) -> Result<bool> {
    let real = real_path(path)?;
    let old = fsutil::read_optional(&real)?.unwrap_or_default();
    let old = String::from_utf8(old).map_err(|_| {
        Error::new(format!(
            "{} is not valid UTF-8; save it as UTF-8",
            real.display()
        ))
    })?;
    let new = change(&old);
    if new == old {
        return Ok(false);
    }
    if backup && !old.is_empty() {
        fsutil::write_private(&backup_path(path), old.as_bytes())?;
    }
    replace(&real, new.as_bytes()).map(|()| true)
}

/// Where `path` really is: symlinks followed (relative targets against the link's folder).
pub(crate) fn real_path(path: &Path) -> Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&p)
                    .map_err(|e| Error::new(format!("cannot read link {}: {e}", p.display())))?;
                p = p.parent().map_or(target.clone(), |d| d.join(&target));
            }
            _ => return Ok(p),
        }
    }
    Err(Error::new(format!(
        "{}: too many levels of symbolic links; fix the link",
        path.display()
    )))
}

/// Writes `data` to a temp file beside `real` with the old file's permissions (0600 for a new
/// file), then renames it over `real`.
fn replace(real: &Path, data: &[u8]) -> Result<()> {
    let dir = real.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    if !dir.exists() {
        fsutil::private_dir(dir)?;
    }
    let name = real.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.sso-env.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        match fs::metadata(real) {
            Ok(m) => f.set_permissions(m.permissions())?,
            #[cfg(unix)]
            Err(_) => f.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?,
            #[cfg(not(unix))]
            Err(_) => {}
        }
        f.write_all(data)?;
        f.sync_all()?;
        fs::rename(&tmp, real)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::new(format!("cannot write {}: {e}", real.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_replaced_in_place_and_crlf_kept() {
        let old = "# mine\r\n[profile a]\r\nregion = x\r\n\r\n[profile b]\r\nregion = y\r\n";
        let span = section_span(old, "[profile a]").unwrap();
        assert_eq!(&old[span.0..span.1], "[profile a]\r\nregion = x\r\n\r\n");
        assert_eq!(section_span(old, "[profile c]"), None);
        assert_eq!(eol(old), "\r\n");
        let dir = std::env::temp_dir().join(format!("sso-env-set-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config");
        std::fs::write(&path, old).unwrap();
        set_key(&path, "[profile a]", "region", "z").unwrap();
        set_key(&path, "[profile b]", "output", "json").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "# mine\r\n[profile a]\r\nregion = z\r\n\r\n[profile b]\r\noutput = json\r\nregion = y\r\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(eol("a\nb"), "\n");
    }
}
