//! `sso-env export` (the credentials as your shell's assignments, or JSON) and `sso-env unset`.

use clap::Args;

use super::{credentials_for, print, Run};
use crate::credentials::env;
use crate::error::{Error, Result};
use crate::shell::{self, Format};

#[derive(Args)]
#[command(
    after_help = "Examples:\n  eval \"$(sso-env export koa-dev-customer)\"          # bash, zsh, sh\n  sso-env export koa-dev-customer --format fish | source\n  sso-env export --format json                        # $AWS_PROFILE or default\n\nPROFILE defaults to $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then 'default'.\n\nExit codes: 4 when a sign-in is needed and may not be started here (--no-login, or no\nterminal), 5 when Identity Center could not be reached (network error or timeout), 6 when a\nrole needs a new MFA code and --no-login forbids asking for it."
)]
pub(crate) struct Export {
    /// Profile in ~/.aws/config or ~/.aws/credentials.
    profile: Option<String>,
    /// Output format; default: the shell you run it from.
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// Region to export instead of $AWS_REGION or the profile's.
    #[arg(long)]
    region: Option<String>,
    /// Never start a sign-in or ask for an MFA code; fail with the command to run instead.
    #[arg(long)]
    no_login: bool,
    /// The MFA code for a role with mfa_serial (else it is asked on the terminal).
    #[arg(long, value_name = "CODE")]
    mfa_code: Option<String>,
}

impl Run for Export {
    fn run(self) -> Result<i32> {
        let format = self.format.unwrap_or_else(Format::detect);
        let (source, creds) =
            credentials_for(self.profile.as_deref(), self.no_login, self.mfa_code)?;
        let region = env::export_region(source.as_ref(), self.region.as_deref());
        let vars = env::for_source(source.as_ref(), &creds, region);
        print(&shell::render(format, &vars)?)
    }
}

#[derive(Args)]
#[command(after_help = "Example:\n  eval \"$(sso-env unset)\"")]
pub(crate) struct Unset {
    #[arg(short, long, value_enum)]
    format: Option<Format>,
}

impl Run for Unset {
    fn run(self) -> Result<i32> {
        let format = self.format.unwrap_or_else(Format::detect);
        if format == Format::Process {
            return Err(
                Error::new("the process format has nothing to unset; use a shell format")
                    .with_code(2),
            );
        }
        print(&shell::render(format, &env::clearing())?)
    }
}
