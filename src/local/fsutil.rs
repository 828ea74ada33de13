//! Writing secrets to disk: files 0600 in 0700 directories, replaced atomically (temp file +
//! rename, so a reader sees the old file or the new one, never half of one), and advisory lock
//! files so that concurrent invocations fetch once.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

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

/// An exclusive advisory lock, held until dropped; `None` inside when none could be taken.
pub(crate) struct Lock {
    _file: Option<File>,
}

/// Takes the lock named `name` in our lock directory, waiting for another holder. A lock that
/// cannot be taken (a directory root created under `sudo -E`, a file where the directory
/// should be, a filesystem without locks) is a warning, and the command goes on without it:
/// the lock only saves duplicate calls.
pub(crate) fn lock(name: &str) -> Result<Lock> {
    let dir = crate::local::paths::lock_dir()?;
    let file = private_dir(&dir).and_then(|()| open_lock(&dir.join(format!("{name}.lock"))));
    match file {
        Ok(file) => Ok(Lock { _file: Some(file) }),
        Err(e) => {
            warn_once(&LOCK_WARNED, &format!("{e}; going on without the lock"));
            Ok(Lock { _file: None })
        }
    }
}

fn open_lock(path: &Path) -> Result<File> {
    // Never follow a link planted at the lock's path: replace it with a plain file.
    let open = || {
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NOFOLLOW);
        open_private(path, &mut opts)
    };
    let file = match open() {
        Err(_) if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) => {
            fs::remove_file(path).and_then(|()| open())
        }
        other => other,
    }
    .map_err(|e| Error::new(format!("cannot open lock file {}: {e}", path.display())))?;
    file.lock()
        .map_err(|e| Error::new(format!("cannot lock {}: {e}", path.display())))?;
    Ok(file)
}

static LOCK_WARNED: AtomicBool = AtomicBool::new(false);
static READ_WARNED: AtomicBool = AtomicBool::new(false);

/// One warning per kind per process (a `profiles` table reads thousands of cache files).
fn warn_once(flag: &AtomicBool, message: &str) {
    if flag.swap(true, Ordering::Relaxed) {
        crate::debug!("{message}");
    } else {
        eprintln!("sso-env: warning: {message}");
    }
}

/// Reads a cache file; `None` when there is none, and also, with a warning, when it cannot be
/// read (as botocore treats an unreadable cache: a miss).
pub(crate) fn read_cache(path: &Path) -> Option<Vec<u8>> {
    read_optional(path).unwrap_or_else(|e| {
        warn_once(&READ_WARNED, &format!("{e}; treated as not cached"));
        None
    })
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
