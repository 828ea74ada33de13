//! The one test crate: every file in tests/ is a module of it, `support/` is shared, and
//! `support::harness` runs the tests listed in each module (see its docs for the skip policy).

mod support;

mod cmd_hook;
mod completions;
mod config_values;
mod configure;
mod credential_process;
mod everyday;
mod exec;
mod export;
mod formats;
mod hooks_lint;
mod init;
mod login;
mod logout;
mod packaging;
mod paths;
mod powershell_hook;
mod profiles_table;
mod prompts;
mod properties;
mod proxy;
mod release;
#[cfg(unix)]
mod resilience;
mod roles;
mod roles_shells;
mod secrets;
#[cfg(unix)]
mod server;
#[cfg(unix)]
mod server_sdk;
mod shells;
mod shells_harness;
mod standin_botocore;
mod standin_sts;
mod suite;
mod version;
#[cfg(windows)]
mod windows;

fn main() {
    support::harness::main(&[
        cmd_hook::TESTS,
        completions::TESTS,
        config_values::TESTS,
        configure::TESTS,
        credential_process::TESTS,
        everyday::TESTS,
        exec::TESTS,
        export::TESTS,
        formats::TESTS,
        hooks_lint::TESTS,
        init::TESTS,
        login::TESTS,
        logout::TESTS,
        packaging::TESTS,
        paths::TESTS,
        powershell_hook::TESTS,
        profiles_table::TESTS,
        prompts::TESTS,
        properties::TESTS,
        proxy::TESTS,
        release::TESTS,
        #[cfg(unix)]
        resilience::TESTS,
        roles::TESTS,
        roles_shells::TESTS,
        secrets::TESTS,
        #[cfg(unix)]
        server::TESTS,
        #[cfg(unix)]
        server_sdk::TESTS,
        shells::TESTS,
        shells_harness::TESTS,
        standin_botocore::TESTS,
        standin_sts::TESTS,
        suite::TESTS,
        version::TESTS,
        #[cfg(windows)]
        windows::TESTS,
    ]);
}
