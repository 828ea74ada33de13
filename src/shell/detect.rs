//! Which shell sso-env was started from, when `--format` is not given.

use super::ShellKind;

impl ShellKind {
    /// The parent process (Linux), then `$SHELL`, then POSIX sh, which every Unix shell but
    /// fish reads (PowerShell on Windows).
    pub(crate) fn detect() -> ShellKind {
        #[cfg(target_os = "linux")]
        if let Ok(comm) = std::fs::read_to_string(format!(
            "/proc/{}/comm",
            std::os::unix::process::parent_id()
        )) {
            if let Some(k) = ShellKind::from_program(comm.trim()) {
                return k;
            }
        }
        if let Some(shell) = std::env::var_os("SHELL") {
            if let Some(k) = std::path::Path::new(&shell)
                .file_name()
                .and_then(|n| ShellKind::from_program(&n.to_string_lossy()))
            {
                return k;
            }
        }
        if cfg!(windows) {
            return ShellKind::Powershell;
        }
        ShellKind::Sh
    }
}
