//! Writing secrets to disk: files 0600 in 0700 directories, replaced atomically (temp file +
//! rename, so a reader sees the old file or the new one, never half of one), and advisory lock
//! files so that concurrent invocations fetch once.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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
        drop(f);
        retry_while_busy(|| fs::rename(&tmp, path), is_busy, std::thread::sleep)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::new(format!("cannot write {}: {e}", path.display()))
    })
}

/// Windows refuses to replace a file that another process has open without FILE_SHARE_DELETE
/// (botocore reading the cache, a virus scanner, an indexer) with one of these errors:
/// ERROR_ACCESS_DENIED (5), ERROR_SHARING_VIOLATION (32), ERROR_LOCK_VIOLATION (33). They pass
/// within milliseconds, so the rename is retried, as Go's `robustio` does.
fn is_busy(e: &std::io::Error) -> bool {
    cfg!(windows) && is_windows_busy_code(e.raw_os_error())
}

fn is_windows_busy_code(code: Option<i32>) -> bool {
    matches!(code, Some(5 | 32 | 33))
}

/// How long a busy file is waited for in all, and the longest single wait.
const BUSY_BUDGET: Duration = Duration::from_millis(500);
const BUSY_MAX_WAIT: Duration = Duration::from_millis(100);

/// Runs `op`; while it fails with an error `busy` accepts, waits (1 ms, doubling up to
/// `BUSY_MAX_WAIT`) and runs it again, until `BUSY_BUDGET` of waiting is spent. Any other error,
/// or the last busy one, is returned.
fn retry_while_busy<T>(
    mut op: impl FnMut() -> std::io::Result<T>,
    busy: impl Fn(&std::io::Error) -> bool,
    mut sleep: impl FnMut(Duration),
) -> std::io::Result<T> {
    let mut wait = Duration::from_millis(1);
    let mut waited = Duration::ZERO;
    loop {
        match op() {
            Err(e) if busy(&e) && waited < BUSY_BUDGET => {
                let step = wait.min(BUSY_BUDGET - waited);
                sleep(step);
                waited += step;
                wait = (wait * 2).min(BUSY_MAX_WAIT);
            }
            other => return other,
        }
    }
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

#[cfg(test)]
mod retry_tests {
    use super::*;
    use std::io::{Error as IoError, ErrorKind};

    fn sharing_violation() -> IoError {
        IoError::from_raw_os_error(32)
    }

    #[test]
    fn retries_a_busy_file_until_it_is_free() {
        let mut calls = 0;
        let mut slept = Vec::new();
        let result = retry_while_busy(
            || {
                calls += 1;
                if calls < 4 {
                    Err(sharing_violation())
                } else {
                    Ok(calls)
                }
            },
            |e| is_windows_busy_code(e.raw_os_error()),
            |d| slept.push(d),
        );
        assert_eq!(result.unwrap(), 4);
        assert_eq!(slept, [1, 2, 4].map(Duration::from_millis));
    }

    #[test]
    fn gives_up_after_the_budget_and_never_retries_other_errors() {
        let mut calls = 0;
        let mut slept = Duration::ZERO;
        let result: std::io::Result<()> = retry_while_busy(
            || {
                calls += 1;
                Err(sharing_violation())
            },
            |e| is_windows_busy_code(e.raw_os_error()),
            |d| {
                assert!(d <= BUSY_MAX_WAIT);
                slept += d;
            },
        );
        assert_eq!(result.unwrap_err().raw_os_error(), Some(32));
        assert_eq!(slept, BUSY_BUDGET);
        assert!((8..20).contains(&calls), "{calls} tries");

        let mut calls = 0;
        let result: std::io::Result<()> = retry_while_busy(
            || {
                calls += 1;
                Err(IoError::from(ErrorKind::NotFound))
            },
            |e| is_windows_busy_code(e.raw_os_error()),
            |_| panic!("must not wait for an error that does not pass"),
        );
        assert!(result.is_err());
        assert_eq!(calls, 1);
    }

    #[test]
    fn busy_codes_are_the_windows_sharing_errors() {
        for code in [5, 32, 33] {
            assert!(is_windows_busy_code(Some(code)));
        }
        for code in [None, Some(2), Some(3), Some(80), Some(183)] {
            assert!(!is_windows_busy_code(code));
        }
        // Elsewhere an EACCES (13) or EPERM is never waited for.
        assert_eq!(
            is_busy(&IoError::from_raw_os_error(5)),
            cfg!(windows),
            "5 is EIO on Unix"
        );
    }
}

#[cfg(all(test, windows))]
mod windows_tests {
    use super::*;
    use std::os::windows::fs::OpenOptionsExt;

    #[test]
    fn replaces_a_file_another_process_holds_open() {
        let dir = std::env::temp_dir().join(format!("sso-env-busy-{}", std::process::id()));
        let path = dir.join("token.json");
        write_private(&path, b"old").unwrap();
        // As botocore's open() holds it: shared for reading, not for deletion or renaming.
        const FILE_SHARE_READ: u32 = 1;
        let held = OpenOptions::new()
            .read(true)
            .share_mode(FILE_SHARE_READ)
            .open(&path)
            .unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            drop(held);
        });
        write_private(&path, b"new").unwrap();
        release.join().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        fs::remove_dir_all(&dir).unwrap();
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
