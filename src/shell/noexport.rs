//! `env-no-export`, the AWS CLI's name (`aws configure export-credentials --format
//! env-no-export`): `NAME='value'` shell assignments without `export`, for scripts that source
//! them (`set -a` exports them) or keep them as shell variables. Quoted as for POSIX sh.

use super::posix::quote;
use super::{refuse_nul, Refusal, Shell};

pub struct NoExport;

impl Shell for NoExport {
    fn name(&self) -> &'static str {
        "env-no-export"
    }

    fn literal(&self, value: &str) -> Result<String, Refusal> {
        refuse_nul(value)?;
        Ok(quote(value))
    }

    fn set(&self, name: &str, value: &str) -> Result<String, Refusal> {
        Ok(format!("{name}={}", self.literal(value)?))
    }

    fn unset(&self, name: &str) -> String {
        format!("unset {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assigns_without_export() {
        assert_eq!(NoExport.set("A", "it's").unwrap(), r"A='it'\''s'");
        assert_eq!(NoExport.unset("A"), "unset A");
    }
}
