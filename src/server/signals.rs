//! Signals while an endpoint runs, delivered to the keeper as [`Event`]s through a self-pipe
//! (a handler may only write(2); a thread turns the bytes into events).
//!
//! A terminal's Ctrl-C (or a hang-up) reaches the whole foreground process group, the child
//! included, so we only must not die of it; a signal someone sent to sso-env alone with
//! kill(2) is forwarded to the child. The two are told apart by `si_code`: user-sent signals
//! carry SI_USER/SI_QUEUE, the terminal's come from the kernel.

use std::sync::mpsc::Sender;

use super::Event;
use crate::error::Result;

/// Starts turning SIGINT, SIGTERM, SIGHUP and SIGQUIT (and, with `child`, SIGCHLD) into
/// events. Call it before spawning the child so that no signal is missed.
pub(crate) fn watch(events: Sender<Event>, child: bool) -> Result<()> {
    imp::watch(events, child)
}

#[cfg(unix)]
pub(crate) use imp::forward;

/// Linux: the command gets SIGTERM when sso-env dies (SIGKILL included), so it never runs on
/// without its endpoint. Elsewhere the endpoint's end is noticed at the next request.
#[cfg(unix)]
pub(crate) fn die_with_parent(cmd: &mut std::process::Command) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: prctl and getppid are async-signal-safe; nothing is allocated after fork.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // sso-env died between fork and prctl: stop now rather than run unattended.
                if libc::getppid() != parent {
                    libc::_exit(128 + libc::SIGTERM);
                }
                Ok(())
            });
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = cmd;
}

#[cfg(unix)]
mod imp {
    use std::sync::atomic::{AtomicI32, Ordering};
    use std::sync::mpsc::Sender;

    use super::Event;
    use crate::error::{Error, Result};

    static WRITE_FD: AtomicI32 = AtomicI32::new(-1);

    const STOPPING: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

    extern "C" fn on_signal(signo: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
        // SAFETY: the kernel passes a valid siginfo with SA_SIGINFO; write(2) is
        // async-signal-safe, and the pipe is non-blocking so a full pipe drops the byte pair.
        unsafe {
            let code = if info.is_null() { 0 } else { (*info).si_code };
            let msg = [signo as u8, u8::from(from_user(code))];
            libc::write(WRITE_FD.load(Ordering::Relaxed), msg.as_ptr().cast(), 2);
        }
    }

    /// Linux: SI_USER is 0, SI_QUEUE and tgkill's SI_TKILL are negative; the terminal's
    /// signals are SI_KERNEL (positive).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn from_user(code: libc::c_int) -> bool {
        code <= 0
    }

    /// macOS and the BSDs: SI_USER is 0x10001 and SI_QUEUE 0x10002.
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    fn from_user(code: libc::c_int) -> bool {
        code == 0x10001 || code == 0x10002
    }

    pub(super) fn watch(events: Sender<Event>, child: bool) -> Result<()> {
        let fail = |what: &str| {
            Error::new(format!(
                "cannot {what}: {}",
                std::io::Error::last_os_error()
            ))
        };
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: plain calls on fds we own; the handler is installed only once the pipe is.
        unsafe {
            if libc::pipe(fds.as_mut_ptr()) != 0 {
                return Err(fail("create a pipe for signals"));
            }
            for fd in fds {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            }
            libc::fcntl(fds[1], libc::F_SETFL, libc::O_NONBLOCK);
            WRITE_FD.store(fds[1], Ordering::SeqCst);
            let mut list = STOPPING.to_vec();
            if child {
                list.push(libc::SIGCHLD);
            }
            for sig in list {
                let mut sa: libc::sigaction = std::mem::zeroed();
                sa.sa_sigaction = on_signal as *const () as usize;
                sa.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
                libc::sigemptyset(&mut sa.sa_mask);
                if libc::sigaction(sig, &sa, std::ptr::null_mut()) != 0 {
                    return Err(fail("install a signal handler"));
                }
            }
        }
        let read_fd = fds[0];
        std::thread::spawn(move || loop {
            let mut buf = [0u8; 2];
            // SAFETY: reading into our own buffer from the pipe's read end.
            let n = unsafe { libc::read(read_fd, buf.as_mut_ptr().cast(), 2) };
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            if n != 2 {
                return;
            }
            let signo = libc::c_int::from(buf[0]);
            let event = if signo == libc::SIGCHLD {
                Event::Child(None)
            } else {
                Event::Signal {
                    signo,
                    from_user: buf[1] == 1,
                }
            };
            if events.send(event).is_err() {
                return;
            }
        });
        Ok(())
    }

    /// Sends `signo` to the child (still ours: it has not been reaped).
    pub(crate) fn forward(pid: u32, signo: i32) {
        crate::debug!("forwarding signal {signo} to {pid}");
        // SAFETY: kill(2) on a child we have not waited for yet.
        unsafe {
            libc::kill(pid as libc::pid_t, signo);
        }
    }
}

#[cfg(windows)]
mod imp {
    use std::sync::mpsc::Sender;
    use std::sync::Mutex;

    use super::Event;
    use crate::error::{Error, Result};

    /// The console delivers Ctrl-C to the child as well; we hear it and carry on (or stop,
    /// for `serve`).
    pub(super) fn watch(events: Sender<Event>, _child: bool) -> Result<()> {
        let events = Mutex::new(events);
        ctrlc::set_handler(move || {
            if let Ok(tx) = events.lock() {
                let _ = tx.send(Event::Signal {
                    signo: 2,
                    from_user: false,
                });
            }
        })
        .map_err(|e| Error::new(format!("cannot handle Ctrl-C: {e}")))
    }
}
