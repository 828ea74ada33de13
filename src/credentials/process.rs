//! `credential_process` profiles: the command is run as botocore runs it (split like a shell
//! line, no shell), its stdout read as the Version 1 JSON, its stderr passed through.
//!
//! A process that is sso-env itself for the same profile (`credential_process = sso-env export
//! X --format process` in profile X) would start itself forever: each run passes the chain of
//! profiles being resolved in `SSO_ENV_PROCESS_CHAIN`, and a profile already in it is refused.
//! The chain includes the roles resting on the process (a role whose source runs `sso-env
//! export` for that role would otherwise wait forever on the lock its caller holds).

use std::process::{Command, Stdio};

use serde_json::Value;

use super::{Identity, OnDemand, Source};
use crate::error::{shown, Error, Result};
use crate::keys::Credentials;
use crate::timefmt;

const CHAIN_VAR: &str = "SSO_ENV_PROCESS_CHAIN";

pub(crate) struct ProcessSource {
    name: String,
    region: Option<String>,
    command: String,
    /// `path:line` of the `credential_process` key, for errors.
    at: String,
    /// The profiles being resolved through this one (roles above it, then itself).
    above: Vec<String>,
}

/// Is `name` being resolved by a process that (through a credential_process) started us?
pub(crate) fn in_chain(name: &str) -> bool {
    std::env::var(CHAIN_VAR).is_ok_and(|c| c.split('\n').any(|n| n == name))
}

impl ProcessSource {
    /// `above`: the profiles whose resolution rests on this one, ending with `name`.
    pub(crate) fn new(
        name: &str,
        region: Option<String>,
        command: &str,
        at: String,
        above: Vec<String>,
    ) -> Self {
        ProcessSource {
            name: name.to_string(),
            region,
            command: command.to_string(),
            at,
            above,
        }
    }

    fn fail(&self, why: &str) -> Error {
        Error::new(format!(
            "{}: credential_process of profile {} {why}",
            self.at,
            shown(&self.name)
        ))
    }

    fn run(&self) -> Result<Vec<u8>> {
        if in_chain(&self.name) {
            return Err(self.fail(
                "runs sso-env for the same profile again (a loop); point it at another profile or a different command",
            ));
        }
        // botocore uses shlex.split (POSIX, no comments: `#x` is an argument) and hands the
        // line to CreateProcess on Windows; a POSIX split everywhere keeps one behaviour
        // (documented in compat-assume-role.md).
        let argv = crate::local::ini::shlex_split(&self.command)
            .ok_or_else(|| self.fail("has unbalanced quotes; fix the command line"))?;
        let Some((program, args)) = argv.split_first() else {
            return Err(self.fail("is empty; set it to a command"));
        };
        let mut chain: Vec<String> = std::env::var(CHAIN_VAR)
            .map(|c| c.split('\n').map(String::from).collect())
            .unwrap_or_default();
        chain.retain(|n| !n.is_empty());
        chain.extend(self.above.iter().cloned());
        let chain = chain.join("\n");
        crate::debug!("running the credential_process of {}", self.name);
        let out = Command::new(program)
            .args(args)
            .env(CHAIN_VAR, chain)
            .stdin(Stdio::inherit())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| self.fail(&format!("cannot start {}: {e}", shown(program))))?;
        if !out.status.success() {
            return Err(self.fail(&format!("failed ({}); see its message above", out.status)));
        }
        Ok(out.stdout)
    }
}

impl Source for ProcessSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> &'static str {
        "process"
    }

    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    fn identity(&self) -> Identity {
        Identity::default()
    }

    fn get(&self, _: OnDemand) -> Result<Credentials> {
        let stdout = self.run()?;
        let c = parse(&stdout).map_err(|why| self.fail(&why))?;
        // botocore refreshes expired ones at once and then refuses them.
        match c.expiration {
            Some(e) if e <= timefmt::now() => Err(self.fail(&format!(
                "printed credentials that expired at {}; it must print current ones",
                timefmt::format_utc(e)
            ))),
            _ => Ok(c),
        }
    }
}

/// The process's answer, checked as botocore's `ProcessProvider` checks it.
fn parse(stdout: &[u8]) -> std::result::Result<Credentials, String> {
    let v: Value = serde_json::from_slice(stdout).map_err(|_| {
        "printed something that is not JSON; it must print the Version 1 JSON".to_string()
    })?;
    match v.get("Version") {
        Some(n) if n.as_i64() == Some(1) => {}
        _ => return Err("printed JSON without \"Version\": 1; only Version 1 is supported".into()),
    }
    let field = |k: &str| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let need = |k: &str| field(k).ok_or_else(|| format!("printed JSON without {k}; add it"));
    // botocore fails on an Expiration that is not a string; so do we, rather than take the
    // keys for ones that never expire.
    let expiration = match v.get("Expiration") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(timefmt::parse(s).ok_or_else(|| {
            format!("printed an Expiration that is not a timestamp ({s:?})")
        })?),
        Some(other) => {
            return Err(format!(
                "printed an Expiration that is not an ISO 8601 string ({other}); print it as \"2026-01-01T00:00:00Z\""
            ))
        }
    };
    Ok(Credentials {
        access_key_id: need("AccessKeyId")?.to_string(),
        secret_access_key: need("SecretAccessKey")?.to_string(),
        session_token: field("SessionToken").map(String::from),
        expiration,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_version_1_like_botocore() {
        let c = parse(br#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2026-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(c.session_token.as_deref(), Some("T"));
        assert_eq!(c.expiration, timefmt::parse("2026-01-01T00:00:00Z"));
        let c = parse(br#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S"}"#).unwrap();
        assert_eq!((c.session_token, c.expiration), (None, None));
        for bad in [
            &br#"{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}"#[..],
            br#"{"Version": 1, "AccessKeyId": "A"}"#,
            b"oops",
        ] {
            assert!(parse(bad).is_err());
        }
    }
}
