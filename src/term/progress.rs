//! A progress line on stderr for long listings.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A progress line on stderr, only on a terminal and only once listing takes over a second.
#[derive(Clone)]
pub(crate) struct Progress {
    /// When listing started; `None` when stderr is not a terminal (or a dumb one).
    started: Option<Arc<Instant>>,
}

impl Progress {
    pub(crate) fn new() -> Progress {
        let started =
            (std::io::stderr().is_terminal() && super::capable()).then(|| Arc::new(Instant::now()));
        Progress { started }
    }

    fn shown(&self) -> bool {
        self.started
            .as_ref()
            .is_some_and(|s| s.elapsed() > Duration::from_secs(1))
    }

    /// `done` of `total` accounts listed.
    pub(crate) fn tick(&self, done: usize, total: usize) {
        if !self.shown() {
            return;
        }
        let width = 30;
        let filled = (done * width)
            .checked_div(total)
            .unwrap_or(width)
            .min(width);
        eprint!(
            "\r[{}{}] {done}/{total} accounts ",
            "#".repeat(filled),
            "-".repeat(width - filled),
        );
        let _ = std::io::stderr().flush();
    }

    pub(crate) fn finish(&self) {
        if self.shown() {
            super::clear_line();
        }
    }
}
