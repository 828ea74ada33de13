//! The `sso-env` binary: everything lives in the library; see `cli.rs`.

use sso_env as cli;

fn main() {
    // A panic message could carry data; print only where it happened, never the payload.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("sso-env: internal error{at}; please report it");
    }));
    let code = match cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sso-env: {e}");
            e.code()
        }
    };
    std::process::exit(code);
}
