//! `sso-env console`: sign in to the AWS web console with a profile's role credentials through
//! the AWS federation endpoint: getSigninToken (credentials in a POST body, never in a URL),
//! then a login URL that carries only the short-lived sign-in token.

use clap::Args;

use super::{credentials_for, print, Run};
use crate::credentials::env;
use crate::error::{Error, Result};
use crate::keys::Credentials;
use crate::remote::federation;
use crate::signin::browser;
use crate::url;

#[derive(Args)]
#[command(
    after_help = "Examples:\n  sso-env console koa-dev-customer\n  sso-env console koa-dev-customer --destination https://console.aws.amazon.com/s3/\n  sso-env console --print                    # print the sign-in URL instead"
)]
pub(crate) struct Console {
    /// Profile in ~/.aws/config or ~/.aws/credentials.
    profile: Option<String>,
    /// Print the sign-in URL (valid for 15 minutes) instead of opening a browser.
    #[arg(long)]
    print: bool,
    /// The console page to open.
    #[arg(long, value_name = "URL")]
    destination: Option<String>,
    /// Never start a sign-in or ask for an MFA code; fail with the command to run instead.
    #[arg(long)]
    no_login: bool,
    /// The MFA code for a role with mfa_serial (else it is asked on the terminal).
    #[arg(long, value_name = "CODE")]
    mfa_code: Option<String>,
}

impl Run for Console {
    fn run(self) -> Result<i32> {
        let (source, creds) =
            credentials_for(self.profile.as_deref(), self.no_login, self.mfa_code)?;
        let region = env::export_region(source.as_ref(), None);
        let opts = Options {
            print: self.print,
            destination: self.destination,
        };
        match open(source.name(), &creds, region, &opts)? {
            Some(url) => print(&format!("{url}\n")),
            None => Ok(0),
        }
    }
}

struct Options {
    /// Print the URL instead of opening a browser.
    print: bool,
    /// Console page to land on; default the console home in the profile's region.
    destination: Option<String>,
}

fn console_home(region: &str) -> String {
    if region.starts_with("us-gov-") {
        format!("https://console.amazonaws-us-gov.com/console/home?region={region}")
    } else if region.starts_with("cn-") {
        format!("https://console.amazonaws.cn/console/home?region={region}")
    } else {
        format!("https://{region}.console.aws.amazon.com/console/home?region={region}")
    }
}

/// Returns the URL when printing; opens the browser otherwise.
fn open(
    name: &str,
    creds: &Credentials,
    region: Option<String>,
    opts: &Options,
) -> Result<Option<String>> {
    let region = region.unwrap_or_else(|| "us-east-1".to_string());
    let endpoint = federation::endpoint(&region);
    let token = federation::signin_token(&endpoint, creds)?;
    let destination = opts
        .destination
        .clone()
        .unwrap_or_else(|| console_home(&region));
    let url = format!(
        "{endpoint}/federation?Action=login&Issuer={}&Destination={}&SigninToken={}",
        url::encode("sso-env"),
        url::encode(&destination),
        url::encode(&token)
    );
    if opts.print {
        return Ok(Some(url));
    }
    if !browser::open(&url) {
        return Err(Error::new(
            "no browser to open here; run with --print and open the URL yourself",
        ));
    }
    eprintln!(
        "sso-env: opened the AWS console for profile {} in your browser",
        crate::error::shown(name)
    );
    Ok(None)
}
