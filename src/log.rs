//! `SSO_ENV_LOG=debug`: what sso-env decides and why (which files, cache hits and misses,
//! calls and their timings), on stderr. Never a secret: callers log names, paths, times and
//! codes only, and the secrets-audit test greps this output for every issued secret.

use std::sync::OnceLock;

pub(crate) fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var("SSO_ENV_LOG").is_ok_and(|v| v.eq_ignore_ascii_case("debug")))
}

/// Logs a line at debug level: `debug!("role cache miss: {}", path.display())`.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => {
        if $crate::log::enabled() {
            eprintln!("sso-env: debug: {}", format!($($arg)*));
        }
    };
}
