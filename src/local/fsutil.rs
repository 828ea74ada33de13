//! Writing secrets to disk: files 0600 in 0700 directories, replaced atomically (temp file +
//! rename, so a reader sees the old file or the new one, never half of one), and advisory lock
//! files so that concurrent invocations fetch once.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Creates `dir` (and missing parents) with mode 0700.
pub(crate) fn private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| Error::new(format!("cannot create directory {}: {e}", dir.display())))
}

fn open_private(path: &Path, opts: &mut OpenOptions) -> std::io::Result<File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(opts, 0o600);
    opts.open(path)
}

/// Replaces `path` with `data` atomically; the file is 0600 and its directory is created 0700.
/// A symlink at `path` is replaced, not followed.
pub(crate) fn write_private(path: &Path, data: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| Error::new(format!("bad cache path {}", path.display())))?;
    private_dir(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp: PathBuf = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = open_private(&tmp, OpenOptions::new().write(true).create_new(true))?;
        f.write_all(data)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::new(format!("cannot write {}: {e}", path.display()))
    })
}

/// An exclusive advisory lock, held until dropped.
pub(crate) struct Lock {
    _file: File,
}

/// Takes the lock named `name` in our lock directory, waiting for another holder.
pub(crate) fn lock(name: &str) -> Result<Lock> {
    let dir = crate::local::paths::lock_dir()?;
    private_dir(&dir)?;
    let path = dir.join(format!("{name}.lock"));
    // Never follow a link planted at the lock's path: replace it with a plain file.
    let open = || {
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NOFOLLOW);
        open_private(&path, &mut opts)
    };
    let file = match open() {
        Err(_) if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) => {
            fs::remove_file(&path).and_then(|()| open())
        }
        other => other,
    }
    .map_err(|e| Error::new(format!("cannot open lock file {}: {e}", path.display())))?;
    file.lock()
        .map_err(|e| Error::new(format!("cannot lock {}: {e}", path.display())))?;
    Ok(Lock { _file: file })
}

/// Removes a file; `false` when there was none.
pub(crate) fn remove_optional(path: &Path) -> Result<bool> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::new(format!("cannot remove {}: {e}", path.display()))),
    }
}

/// Reads a file, `None` when it does not exist.
pub(crate) fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::new(format!("cannot read {}: {e}", path.display()))),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn writes_private_files_atomically() {
        let base = std::env::temp_dir().join(format!("sso-env-fsutil-{}", std::process::id()));
        let path = base.join("a").join("b.json");
        write_private(&path, b"one").unwrap();
        write_private(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o700
        );
        assert_eq!(
            fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1,
            "no temp files left"
        );
        // A symlink planted at the path is replaced, not written through.
        let target = base.join("target");
        fs::write(&target, b"keep").unwrap();
        fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        write_private(&path, b"three").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"keep");
        assert!(!fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink());
        fs::remove_dir_all(&base).unwrap();
    }
}
