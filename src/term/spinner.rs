//! A spinner with the time left, drawn on stderr while a sign-in waits.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// What the user sees while waiting: a spinner with the time left on a terminal, nothing more
/// on a pipe (the instructions were already printed).
pub(crate) struct Waiting {
    what: &'static str,
    tty: bool,
    frame: usize,
    drawn: bool,
}

impl Waiting {
    pub(crate) fn new(what: &'static str) -> Waiting {
        Waiting {
            what,
            tty: std::io::stderr().is_terminal() && super::capable(),
            frame: 0,
            drawn: false,
        }
    }

    pub(crate) fn sleep(&mut self, d: Duration, deadline: Instant) {
        let end = Instant::now() + d;
        while Instant::now() < end {
            if self.tty {
                let left = deadline.saturating_duration_since(Instant::now()).as_secs();
                const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
                self.frame = (self.frame + 1) % FRAMES.len();
                eprint!(
                    "\r{} {} ({}:{:02} left, Ctrl-C to cancel) ",
                    FRAMES[self.frame],
                    self.what,
                    left / 60,
                    left % 60
                );
                self.drawn = true;
            }
            std::thread::sleep(
                end.saturating_duration_since(Instant::now())
                    .min(Duration::from_millis(100)),
            );
        }
    }

    pub(crate) fn done(&mut self) {
        if self.drawn {
            super::clear_line();
            self.drawn = false;
        }
    }
}
