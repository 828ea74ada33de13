//! cmd's AutoRun value in the Windows registry, for `sso-env init cmd --install`. Read and
//! written through the registry API, not `reg.exe`: its output passes through the console code
//! page, so another tool's non-ASCII path (conda under `C:\Users\Zoë`) would come back garbled,
//! and be written back so. What the value means is in `shell/cmd.rs` (`autorun`).

use crate::error::{Error, Result};

/// Under HKEY_CURRENT_USER. `SSO_ENV_AUTORUN_KEY` names another key, for tests only.
const SUBKEY: &str = r"Software\Microsoft\Command Processor";
const VALUE: &str = "AutoRun";

pub(crate) fn key() -> String {
    std::env::var("SSO_ENV_AUTORUN_KEY").unwrap_or_else(|_| SUBKEY.to_string())
}

/// The registry place, for messages.
pub(crate) fn describe() -> String {
    format!(r"HKCU\{}\{VALUE}", key())
}

/// The value, and whether it is REG_EXPAND_SZ; `None` when there is none.
pub(crate) fn read() -> Result<Option<(String, bool)>> {
    imp::read(&key()).map_err(|e| Error::new(format!("cannot read {}: {e}", describe())))
}

/// Sets the value (REG_EXPAND_SZ or REG_SZ), creating the key if needed.
pub(crate) fn write(value: &str, expand: bool) -> Result<()> {
    imp::write(&key(), value, expand)
        .map_err(|e| Error::new(format!("cannot write {}: {e}", describe())))
}

/// Deletes the value; nothing to do when there is none.
pub(crate) fn delete() -> Result<()> {
    imp::delete(&key()).map_err(|e| Error::new(format!("cannot delete {}: {e}", describe())))
}

#[cfg(not(windows))]
mod imp {
    use std::io::{Error, ErrorKind, Result};

    fn unsupported() -> Error {
        Error::new(
            ErrorKind::Unsupported,
            "cmd's AutoRun is in the Windows registry; run this on Windows",
        )
    }

    pub(super) fn read(_key: &str) -> Result<Option<(String, bool)>> {
        Err(unsupported())
    }

    pub(super) fn write(_key: &str, _value: &str, _expand: bool) -> Result<()> {
        Err(unsupported())
    }

    pub(super) fn delete(_key: &str) -> Result<()> {
        Err(unsupported())
    }
}

#[cfg(windows)]
mod imp {
    use std::io::{Error, ErrorKind, Result};
    use windows_sys::Win32::Foundation::{ERROR_FILE_NOT_FOUND, ERROR_MORE_DATA, ERROR_SUCCESS};
    use windows_sys::Win32::System::Registry::{
        RegDeleteKeyValueW, RegGetValueW, RegSetKeyValueW, HKEY_CURRENT_USER, REG_EXPAND_SZ,
        REG_SZ, RRF_NOEXPAND, RRF_RT_REG_EXPAND_SZ, RRF_RT_REG_SZ,
    };

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain(Some(0)).collect()
    }

    fn os_error(code: u32) -> Error {
        Error::from_raw_os_error(code as i32)
    }

    pub(super) fn read(key: &str) -> Result<Option<(String, bool)>> {
        let (key, name) = (wide(key), wide(super::VALUE));
        let mut buf: Vec<u16> = vec![0; 1024];
        loop {
            let mut kind = 0u32;
            let mut bytes = (buf.len() * 2) as u32;
            // SAFETY: the names are NUL-terminated; `bytes` is the buffer's size in bytes.
            let rc = unsafe {
                RegGetValueW(
                    HKEY_CURRENT_USER,
                    key.as_ptr(),
                    name.as_ptr(),
                    RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND,
                    &mut kind,
                    buf.as_mut_ptr().cast(),
                    &mut bytes,
                )
            };
            match rc {
                ERROR_SUCCESS => {
                    let units = &buf[..(bytes as usize / 2).min(buf.len())];
                    let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
                    let text = String::from_utf16(&units[..end]).map_err(|_| {
                        Error::new(
                            ErrorKind::InvalidData,
                            "it is not valid text; edit it with regedit",
                        )
                    })?;
                    return Ok(Some((text, kind == REG_EXPAND_SZ)));
                }
                ERROR_FILE_NOT_FOUND => return Ok(None),
                ERROR_MORE_DATA => buf.resize(bytes as usize / 2 + 1, 0),
                e => return Err(os_error(e)),
            }
        }
    }

    pub(super) fn write(key: &str, value: &str, expand: bool) -> Result<()> {
        let (key, name, data) = (wide(key), wide(super::VALUE), wide(value));
        let kind = if expand { REG_EXPAND_SZ } else { REG_SZ };
        // SAFETY: NUL-terminated names; `data` holds data.len() * 2 bytes, its NUL included.
        let rc = unsafe {
            RegSetKeyValueW(
                HKEY_CURRENT_USER,
                key.as_ptr(),
                name.as_ptr(),
                kind,
                data.as_ptr().cast(),
                (data.len() * 2) as u32,
            )
        };
        match rc {
            ERROR_SUCCESS => Ok(()),
            e => Err(os_error(e)),
        }
    }

    pub(super) fn delete(key: &str) -> Result<()> {
        let (key, name) = (wide(key), wide(super::VALUE));
        // SAFETY: NUL-terminated names.
        match unsafe { RegDeleteKeyValueW(HKEY_CURRENT_USER, key.as_ptr(), name.as_ptr()) } {
            ERROR_SUCCESS | ERROR_FILE_NOT_FOUND => Ok(()),
            e => Err(os_error(e)),
        }
    }
}
