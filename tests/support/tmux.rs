//! A real interactive shell in a detached tmux session: type into it, read the screen.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    /// The command that prints a marker line, in the shell running in the pane (`run` needs a
    /// command line that does not itself read as the marker).
    pub echo: fn(&str) -> String,
}

/// `echo done\-1\-marker`: prints the marker; the typed line differs from it.
pub fn posix_echo(marker: &str) -> String {
    format!("echo {}", marker.replace('-', "\\-"))
}

impl Tmux {
    /// Starts `command` (run by tmux through sh) in a 200x50 pane of a private tmux server.
    pub fn start(command: &str) -> Tmux {
        crate::support::harness::require_unix("tmux");
        let socket = format!(
            "sso-env-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        let t = Tmux {
            socket,
            echo: posix_echo,
        };
        let status = t
            .tmux()
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "200",
                "-y",
                "50",
                "-s",
                "t",
                command,
            ])
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        t
    }

    fn tmux(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }

    /// Types `text` literally, then Enter.
    pub fn line(&self, text: &str) {
        self.keys_literal(text);
        self.key("Enter");
    }

    pub fn keys_literal(&self, text: &str) {
        let ok = self
            .tmux()
            .args(["send-keys", "-t", "t", "-l", "--", text])
            .status()
            .unwrap()
            .success();
        assert!(ok, "send-keys failed");
    }

    /// A key by tmux name: Enter, Tab, C-c, Escape, Up...
    pub fn key(&self, name: &str) {
        let ok = self
            .tmux()
            .args(["send-keys", "-t", "t", name])
            .status()
            .unwrap()
            .success();
        assert!(ok, "send-keys {name} failed");
    }

    pub fn screen(&self) -> String {
        let out = self
            .tmux()
            .args(["capture-pane", "-p", "-J", "-t", "t", "-S", "-200"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits (up to 20 s) until the screen satisfies `pred`; returns the screen.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen contains `needle`.
    pub fn wait_text(&self, needle: &str) -> String {
        self.wait_for(needle, |s| s.contains(needle))
    }

    /// Runs `cmd` and waits for a unique marker printed after it, so its output is complete.
    pub fn run(&self, cmd: &str) -> String {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let marker = format!("done-{n}-marker");
        self.line(&format!("{cmd}; {}", (self.echo)(&marker)));
        let screen = self.wait_for(&marker, |s| s.lines().any(|l| l.trim_end() == marker));
        // The output of this command: between the command line and the marker.
        let lines: Vec<&str> = screen.lines().collect();
        let end = lines.iter().rposition(|l| l.trim_end() == marker).unwrap();
        let start = lines[..end]
            .iter()
            .rposition(|l| l.contains(&(self.echo)(&marker)))
            .map_or(0, |i| i + 1);
        lines[start..end].join("\n")
    }
}

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").status();
    }
}
