//! `sso-env login`: sign in for a profile or an sso-session (the flows live in `signin/`).

use clap::Args;

use super::Run;
use crate::credentials;
use crate::error::{shown, Error, Result};
use crate::local::config::{self, Config};
use crate::signin;

#[derive(Args)]
#[command(
    after_help = "Examples:\n  sso-env login                              # $AWS_PROFILE or default\n  sso-env login --profile koa-dev-customer\n  sso-env login --sso-session koa --device-code     # e.g. over SSH\n  sso-env login --no-browser                 # print the URL instead of opening it"
)]
pub(crate) struct Login {
    /// Profile whose sign-in to use.
    #[arg(long, conflicts_with = "sso_session")]
    profile: Option<String>,
    /// An [sso-session] to sign in to.
    #[arg(long)]
    sso_session: Option<String>,
    /// Use the device-code flow (a code to confirm in any browser) instead of PKCE.
    #[arg(long)]
    device_code: bool,
    /// Print the sign-in URL instead of opening a browser.
    #[arg(long)]
    no_browser: bool,
}

impl Run for Login {
    fn run(self) -> Result<i32> {
        let config = Config::load()?;
        let sso = match &self.sso_session {
            Some(s) => config.session_settings(s)?,
            None => {
                // A role signs in where its chain starts.
                let name = config::chosen_profile(self.profile.as_deref());
                let parsed = config.parse()?;
                let root = credentials::root_profile(&parsed, &name);
                // Keys or a process at the root: there is no sign-in to do.
                if let Ok(src) = credentials::resolve_in(&parsed, &root) {
                    if src.kind() != "sso" {
                        return Err(Error::new(format!(
                            "profile {} uses {} credentials, not an Identity Center sign-in: there is nothing to sign in to; use it as it is (sso-env export {})",
                            shown(&name),
                            src.kind(),
                            shell_words::quote(&name)
                        )));
                    }
                }
                crate::remote::net::for_profile(&root);
                parsed.login_settings(&root)?
            }
        };
        let opts = signin::Options {
            device_code: self.device_code,
            no_browser: self.no_browser,
        };
        signin::login(&sso, &signin::label(&sso), opts)?;
        Ok(0)
    }
}
