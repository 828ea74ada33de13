//! `sso-env exec`: run a command with the credentials in its environment.
//!
//! On Unix the process is replaced (`exec`), so signals, the exit code and the terminal are the
//! command's own. On Windows the command is spawned, Ctrl-C is left to it, and its exit code
//! is returned. Nesting is allowed: the inner profile's variables replace the outer ones.

use std::ffi::OsString;
use std::process::Command;

use clap::Args;

use super::{credentials_for, Run};
use crate::credentials::env;
use crate::error::{Error, Result};
use crate::shell::Vars;

#[derive(Args)]
#[command(
    after_help = "Examples:\n  sso-env exec koa-dev-customer -- terraform plan\n  sso-env exec -- aws sts get-caller-identity        # $AWS_PROFILE or default\n\nThe command replaces sso-env: its exit code and signals are its own."
)]
pub(crate) struct Exec {
    /// Profile in ~/.aws/config or ~/.aws/credentials.
    profile: Option<String>,
    /// Region to set instead of $AWS_REGION or the profile's.
    #[arg(long)]
    region: Option<String>,
    /// Never start a sign-in; fail with the command to run instead.
    #[arg(long)]
    no_login: bool,
    /// The MFA code for a role with mfa_serial (else it is asked on the terminal).
    #[arg(long, value_name = "CODE")]
    mfa_code: Option<String>,
    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

impl Run for Exec {
    fn run(self) -> Result<i32> {
        let (source, creds) =
            credentials_for(self.profile.as_deref(), self.no_login, self.mfa_code)?;
        let region = env::export_region(source.as_ref(), self.region.as_deref());
        run(
            &self.command,
            &env::for_source(source.as_ref(), &creds, region),
        )
    }
}

/// Runs `argv` and returns its exit code (Windows) or never returns (Unix, on success).
fn run(argv: &[OsString], vars: &Vars) -> Result<i32> {
    let (program, args) = argv.split_first().ok_or_else(|| {
        Error::new("no command given; usage: sso-env exec [PROFILE] -- COMMAND [ARGS...]")
            .with_code(2)
    })?;
    let shown = program.to_string_lossy();
    let path = which::which(program).map_err(|_| {
        Error::new(format!(
            "command not found: {shown}; check the name and your PATH"
        ))
        .with_code(127)
    })?;
    let mut cmd = Command::new(&path);
    cmd.args(args);
    for name in &vars.unset {
        cmd.env_remove(name);
    }
    for (name, value) in &vars.set {
        cmd.env(name, value);
    }
    spawn(cmd, program, &shown)
}

#[cfg(unix)]
fn spawn(mut cmd: Command, program: &OsString, shown: &str) -> Result<i32> {
    use std::os::unix::process::CommandExt;
    // Keep argv[0] as the user typed it, as a shell would.
    let err = cmd.arg0(program).exec();
    let code = if err.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    };
    Err(Error::new(format!("cannot run {shown}: {err}")).with_code(code))
}

#[cfg(windows)]
fn spawn(mut cmd: Command, _program: &OsString, shown: &str) -> Result<i32> {
    // The console delivers Ctrl-C to the child too; we only must not die of it first.
    let _ = ctrlc::set_handler(|| {});
    let status = cmd
        .status()
        .map_err(|e| Error::new(format!("cannot run {shown}: {e}")).with_code(126))?;
    Ok(status.code().unwrap_or(1))
}
