//! sso-env: AWS IAM Identity Center (SSO) credentials in the shell you are already using.
//! `cli` is the entry point; each module's header says what it owns.

mod browser;
mod cli;
mod config;
mod console;
mod credentials;
mod discover;
mod error;
mod exec;
mod export;
mod format;
mod fsutil;
mod ini;
mod init;
mod login;
mod logout;
mod oidc;
mod paths;
mod picker;
mod portal;
mod pyjson;
mod role_cache;
mod sdk;
mod shell;
mod sso_cache;
mod status;
mod suggest;
mod timefmt;
mod url;

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
