//! `sso-env serve`: the credential endpoint of `exec --server` on its own, for containers,
//! IDEs and anything started outside sso-env. Prints the two variables to set (stdout, in the
//! shell's syntax, so `sso-env serve P > creds.sh &` works) and how to use them (stderr), then
//! serves until Ctrl-C or SIGTERM.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use clap::Args;

use super::{credentials_for, print, Run};
use crate::credentials::env;
use crate::error::{shown, Error, Result};
use crate::server::{isolate, signals, Endpoint, Event};
use crate::shell::{self, Format};

#[derive(Args)]
#[command(
    after_help = "Examples:\n  sso-env serve koa-dev-customer                 # prints the variables, serves until Ctrl-C\n  sso-env serve koa-dev-customer --port 9911 --format fish\n\nSDKs accept only a loopback address (or https) in AWS_CONTAINER_CREDENTIALS_FULL_URI; a\ncontainer reaches it with --network host (Linux)."
)]
pub(crate) struct Serve {
    /// Profile in ~/.aws/config.
    profile: Option<String>,
    /// Port to listen on; default: a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Allow --bind to name an address other machines (or containers) can reach: anyone who
    /// can connect and has the token gets the role's credentials, over plain HTTP.
    #[arg(long)]
    allow_non_loopback: bool,
    /// Syntax of the printed variables; default: the shell you run it from.
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// Region to set instead of $AWS_REGION or the profile's.
    #[arg(long)]
    region: Option<String>,
    /// Never start a sign-in or ask for an MFA code; fail with the command to run instead.
    #[arg(long)]
    no_login: bool,
    /// The MFA code for a role with mfa_serial (else it is asked on the terminal).
    #[arg(long, value_name = "CODE")]
    mfa_code: Option<String>,
}

impl Run for Serve {
    fn run(self) -> Result<i32> {
        if !self.bind.is_loopback() && !self.allow_non_loopback {
            return Err(Error::new(format!(
                "refusing to serve credentials on {}, which is not a loopback address: anyone who reaches it could ask for them; add --allow-non-loopback if you mean it",
                self.bind
            ))
            .with_code(2));
        }
        let format = self.format.unwrap_or_else(Format::detect);
        if format == Format::Process {
            return Err(Error::new(
                "the process format is for credentials; choose a shell format or json",
            )
            .with_code(2));
        }
        let (source, creds) =
            credentials_for(self.profile.as_deref(), self.no_login, self.mfa_code)?;
        let region = env::export_region(source.as_ref(), self.region.as_deref());
        let mut endpoint = Endpoint::start(source, creds, SocketAddr::new(self.bind, self.port))?;
        // Kept while serving: the config copy the variables point at when `default` shadows.
        let isolation = isolate(region.as_deref())?;
        let mut vars =
            env::for_endpoint(endpoint.source(), &endpoint.url(), endpoint.token(), region);
        if let Some(i) = &isolation {
            i.apply(&mut vars);
        }
        private_stdout()?;
        let code = print(&shell::render(format, &vars)?)?;
        if code != 0 {
            return Ok(code);
        }
        if !self.bind.is_loopback() {
            eprintln!("sso-env: warning: listening on {} over plain HTTP: anyone who can reach it and learns the token gets these credentials; SDKs themselves only accept loopback addresses in AWS_CONTAINER_CREDENTIALS_FULL_URI", self.bind);
        }
        eprintln!(
            "sso-env: serving credentials for {} at {} until Ctrl-C\n\
             sso-env: set the variables above where the program runs (a shell, an IDE's run configuration); SDKs there ask this endpoint and get fresh credentials\n\
             sso-env: in a container on this machine (Linux: the host's network; SDKs refuse http to hosts other than loopback, so host.docker.internal does not work):\n  \
             docker run --network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e AWS_CONTAINER_AUTHORIZATION_TOKEN -e AWS_REGION IMAGE",
            shown(endpoint.source().name()),
            endpoint.url()
        );
        signals::watch(endpoint.events(), false)?;
        loop {
            if let Event::Signal { signo, .. } = endpoint.serve() {
                crate::debug!("signal {signo}: stopping the endpoint");
                return Ok(0);
            }
        }
    }
}

/// `sso-env serve P > creds.sh`: the file holds the token, so it must not stay readable by
/// others as the umask made it (0644). A pipe or a terminal is left alone.
#[cfg(unix)]
fn private_stdout() -> Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let Ok(meta) = std::fs::metadata("/dev/stdout") else {
        return Ok(());
    };
    if !meta.is_file() || meta.mode() & 0o077 == 0 {
        return Ok(());
    }
    // SAFETY: fchmod on our own stdout.
    let mode = (meta.permissions().mode() & 0o700) as libc::mode_t;
    if unsafe { libc::fchmod(1, mode) } != 0 {
        return Err(Error::new(format!(
            "standard output is a file others can read and it cannot be made private ({}); create it first with: umask 077",
            std::io::Error::last_os_error()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn private_stdout() -> Result<()> {
    Ok(())
}
