//! `sso-env pick` (hidden): the fuzzy picker the hooks call; prints the chosen name.

use clap::Args;

use super::{print, Run};
use crate::error::Result;
use crate::local::config::Config;
use crate::term::picker;

#[derive(Args)]
pub(crate) struct Pick {}

impl Run for Pick {
    fn run(self) -> Result<i32> {
        let names = Config::load()?.usable_profile_names()?;
        match picker::pick(&names)? {
            Some(name) => print(&format!("{name}\n")),
            None => Ok(130),
        }
    }
}
