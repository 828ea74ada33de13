//! `sso-env exec`: run a command with the credentials in its environment.
//!
//! On Unix the process is replaced (`exec`), so signals, the exit code and the terminal are the
//! command's own. On Windows the command is spawned, Ctrl-C is left to it, and its exit code
//! is returned. Nesting is allowed: the inner profile's variables replace the outer ones.
//!
//! With `--server` the command is spawned instead, beside a credential endpoint
//! (`server/`) that lives as long as it does; signals sent to sso-env are passed on, and the
//! command's exit code (128 + signal when a signal ended it) is ours.

use std::ffi::OsString;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::Command;

use clap::Args;

use super::{credentials_for, Run};
use crate::credentials::{env, Source};
use crate::error::{Error, Result};
use crate::keys::Credentials;
use crate::server::{isolate, signals, Endpoint, Event};
use crate::shell::Vars;

#[derive(Args)]
#[command(
    after_help = "Examples:\n  sso-env exec koa-dev-customer -- terraform plan\n  sso-env exec -- aws sts get-caller-identity        # $AWS_PROFILE or default\n  sso-env exec --server koa-dev-customer -- terraform apply   # credentials stay fresh\n\nThe command replaces sso-env (with --server, sso-env stays beside it): its exit code and signals are its own."
)]
pub(crate) struct Exec {
    /// Profile in ~/.aws/config or ~/.aws/credentials.
    profile: Option<String>,
    /// Region to set instead of $AWS_REGION or the profile's.
    #[arg(long)]
    region: Option<String>,
    /// Never start a sign-in or ask for an MFA code; fail with the command to run instead.
    #[arg(long)]
    no_login: bool,
    /// Give the command a local credential endpoint (the ECS container-credentials protocol
    /// every AWS SDK speaks) that keeps its credentials fresh, instead of static keys; for
    /// long-running commands.
    #[arg(long, visible_alias = "ecs-server")]
    server: bool,
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
        if self.server {
            return with_server(&self.command, source, creds, region);
        }
        let vars = env::for_source(source.as_ref(), &creds, region);
        let (cmd, program, shown) = command(&self.command, &vars)?;
        spawn(cmd, &program, &shown)
    }
}

/// The command to run `argv` with `vars` applied, the program as typed and as shown.
fn command(argv: &[OsString], vars: &Vars) -> Result<(Command, OsString, String)> {
    let (program, args) = argv.split_first().ok_or_else(|| {
        Error::new("no command given; usage: sso-env exec [PROFILE] -- COMMAND [ARGS...]")
            .with_code(2)
    })?;
    let shown = program.to_string_lossy().into_owned();
    let path = find_program(program, &shown)?;
    let mut cmd = Command::new(&path);
    cmd.args(args);
    for name in &vars.unset {
        cmd.env_remove(name);
    }
    for (name, value) in &vars.set {
        cmd.env(name, value);
    }
    Ok((cmd, program.clone(), shown))
}

/// The file to run, found as a shell would: a name with a slash as is, otherwise on PATH.
fn find_program(program: &OsString, shown: &str) -> Result<PathBuf> {
    let has_separator = std::path::Path::new(program).components().count() > 1;
    if cfg!(unix) && has_separator {
        // exec reports what is wrong with it (missing, a directory, no x bit).
        return Ok(PathBuf::from(program));
    }
    which::which(program).map_err(|_| {
        // bash: a name found on PATH only as a file without the x bit is 126, not 127.
        let not_executable = std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|dir| dir.join(program).is_file())
        });
        if not_executable {
            Error::new(format!(
                "permission denied: {shown} is on PATH but not executable"
            ))
            .with_code(126)
        } else {
            Error::new(format!(
                "command not found: {shown}; check the name and your PATH"
            ))
            .with_code(127)
        }
    })
}

fn cannot_run(shown: &str, err: &std::io::Error) -> Error {
    let (what, code) = match err.kind() {
        std::io::ErrorKind::NotFound => ("no such file or directory".to_string(), 127),
        std::io::ErrorKind::PermissionDenied => ("permission denied".to_string(), 126),
        _ => (err.to_string(), 126),
    };
    Error::new(format!("cannot run {shown}: {what}")).with_code(code)
}

/// Replaces this process with the command (Unix); never returns on success.
#[cfg(unix)]
fn spawn(mut cmd: Command, program: &OsString, shown: &str) -> Result<i32> {
    use std::os::unix::process::CommandExt;
    // Keep argv[0] as the user typed it, as a shell would.
    let err = cmd.arg0(program).exec();
    Err(cannot_run(shown, &err))
}

#[cfg(windows)]
fn spawn(mut cmd: Command, _program: &OsString, shown: &str) -> Result<i32> {
    // The console delivers Ctrl-C to the child too; we only must not die of it first.
    let _ = ctrlc::set_handler(|| {});
    let status = cmd.status().map_err(|e| cannot_run(shown, &e))?;
    Ok(status.code().unwrap_or(1))
}

/// `--server`: the command gets a credential endpoint instead of keys; we stay beside it,
/// serving and forwarding signals, until it exits, and return its exit code.
fn with_server(
    argv: &[OsString],
    source: Box<dyn Source>,
    creds: Credentials,
    region: Option<String>,
) -> Result<i32> {
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let mut endpoint = Endpoint::start(source, creds, loopback)?;
    // Kept until the command exits: the config copy it reads when `default` would shadow.
    let isolation = isolate(region.as_deref())?;
    let mut vars = env::for_endpoint(endpoint.source(), &endpoint.url(), endpoint.token(), region);
    if let Some(i) = &isolation {
        i.apply(&mut vars);
    }
    let (cmd, program, shown) = command(argv, &vars)?;
    signals::watch(endpoint.events(), true)?;
    supervise(cmd, &program, &shown, &mut endpoint)
}

#[cfg(unix)]
fn supervise(
    mut cmd: Command,
    program: &OsString,
    shown: &str,
    endpoint: &mut Endpoint,
) -> Result<i32> {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    signals::die_with_parent(&mut cmd);
    let mut child = cmd
        .arg0(program)
        .spawn()
        .map_err(|e| cannot_run(shown, &e))?;
    loop {
        if let Event::Signal {
            signo,
            from_user: true,
        } = endpoint.serve()
        {
            signals::forward(child.id(), signo);
        }
        let status = child
            .try_wait()
            .map_err(|e| Error::new(format!("cannot wait for {shown}: {e}")))?;
        if let Some(status) = status {
            // As shells report it: 128 + the signal that ended it.
            return Ok(status
                .code()
                .unwrap_or_else(|| 128 + status.signal().unwrap_or(0)));
        }
    }
}

#[cfg(windows)]
fn supervise(
    mut cmd: Command,
    _program: &OsString,
    shown: &str,
    endpoint: &mut Endpoint,
) -> Result<i32> {
    let mut child = cmd.spawn().map_err(|e| cannot_run(shown, &e))?;
    let events = endpoint.events();
    std::thread::spawn(move || {
        let code = child.wait().map_or(1, |s| s.code().unwrap_or(1));
        let _ = events.send(Event::Child(Some(code)));
    });
    loop {
        if let Event::Child(Some(code)) = endpoint.serve() {
            return Ok(code);
        }
    }
}
