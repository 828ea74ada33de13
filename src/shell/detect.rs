//! Which shell sso-env was started from, when `--format` is not given.

use super::ShellKind;

impl ShellKind {
    /// The parent process (Linux, Windows), then `$SHELL`, then POSIX sh, which every Unix shell
    /// but fish reads (PowerShell on Windows).
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
        #[cfg(windows)]
        if let Some(k) = shell_among_ancestors(&windows::processes(), std::process::id()) {
            return k;
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

/// One row of the process table: id, parent id, image name (`cmd.exe`).
#[cfg_attr(not(windows), allow(dead_code))]
pub(crate) struct Process {
    pub id: u32,
    pub parent: u32,
    pub name: String,
}

/// How many ancestors are looked at: the parent, or past a launcher such as a Scoop shim
/// (`sso-env.exe` starting the real one) or `cargo run`.
const MAX_ANCESTORS: usize = 3;

/// The shell among the closest ancestors of process `me` in `table`. Windows image names are
/// matched case-insensitively (`CMD.EXE`).
#[cfg_attr(not(windows), allow(dead_code))]
pub(crate) fn shell_among_ancestors(table: &[Process], me: u32) -> Option<ShellKind> {
    let parent_of = |id: u32| table.iter().find(|p| p.id == id).map(|p| p.parent);
    let mut id = me;
    for _ in 0..MAX_ANCESTORS {
        // Ids are reused: a parent that exited may have left its id to an unrelated process,
        // and id 0 is the idle process. The walk stays short, so a cycle cannot trap it.
        id = parent_of(id).filter(|&p| p != 0 && p != id)?;
        let name = &table.iter().find(|p| p.id == id)?.name;
        if let Some(k) = ShellKind::from_program(&name.to_ascii_lowercase()) {
            return Some(k);
        }
    }
    None
}

#[cfg(windows)]
mod windows {
    use super::Process;
    use windows_sys::Win32::Foundation::{CloseHandle, INVALID_HANDLE_VALUE};
    use windows_sys::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, Process32FirstW, Process32NextW, PROCESSENTRY32W,
        TH32CS_SNAPPROCESS,
    };

    /// Every process's id, parent id and image name, from a Toolhelp32 snapshot; empty when
    /// the snapshot cannot be taken.
    pub(super) fn processes() -> Vec<Process> {
        let mut out = Vec::new();
        // SAFETY: the snapshot handle is checked and closed once; the entry is a plain struct
        // whose dwSize is set as the API requires before the first call.
        unsafe {
            let snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
            if snapshot == INVALID_HANDLE_VALUE {
                return out;
            }
            let mut entry: PROCESSENTRY32W = std::mem::zeroed();
            entry.dwSize = std::mem::size_of::<PROCESSENTRY32W>() as u32;
            let mut more = Process32FirstW(snapshot, &mut entry);
            while more != 0 {
                let len = entry
                    .szExeFile
                    .iter()
                    .position(|&c| c == 0)
                    .unwrap_or(entry.szExeFile.len());
                out.push(Process {
                    id: entry.th32ProcessID,
                    parent: entry.th32ParentProcessID,
                    name: String::from_utf16_lossy(&entry.szExeFile[..len]),
                });
                more = Process32NextW(snapshot, &mut entry);
            }
            CloseHandle(snapshot);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(u32, u32, &str)]) -> Vec<Process> {
        rows.iter()
            .map(|&(id, parent, name)| Process {
                id,
                parent,
                name: name.into(),
            })
            .collect()
    }

    #[test]
    fn the_closest_shell_ancestor_wins() {
        let t = table(&[
            (4, 0, "System"),
            (100, 4, "explorer.exe"),
            (200, 100, "WindowsTerminal.exe"),
            (300, 200, "pwsh.exe"),
            (400, 300, "CMD.EXE"),
            (500, 400, "sso-env.exe"),
            (600, 500, "sso-env.exe"),
        ]);
        assert_eq!(shell_among_ancestors(&t, 500), Some(ShellKind::Cmd));
        // Started through a shim: one level further up.
        assert_eq!(shell_among_ancestors(&t, 600), Some(ShellKind::Cmd));
        assert_eq!(shell_among_ancestors(&t, 400), Some(ShellKind::Powershell));
        // No shell close by (started from Explorer), or not in the table at all.
        assert_eq!(shell_among_ancestors(&t, 200), None);
        assert_eq!(shell_among_ancestors(&t, 999), None);
    }

    #[test]
    fn reused_or_circular_ids_end_the_walk() {
        let t = table(&[(10, 11, "a.exe"), (11, 10, "b.exe"), (12, 12, "c.exe")]);
        assert_eq!(shell_among_ancestors(&t, 10), None);
        assert_eq!(shell_among_ancestors(&t, 12), None);
        let t = table(&[(7, 0, "bash.exe"), (8, 7, "sso-env.exe")]);
        assert_eq!(shell_among_ancestors(&t, 8), Some(ShellKind::Bash));
    }
}
