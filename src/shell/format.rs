//! Output formats of `export` and `unset`: a shell's statements, or JSON.

use clap::builder::PossibleValue;
use clap::ValueEnum;
use serde_json::{json, Map, Value};

use super::ShellKind;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Shell(ShellKind),
    /// The variables as one JSON object.
    Json,
    /// The AWS `credential_process` JSON (Version 1).
    Process,
}

impl Format {
    /// The format of the shell we were started from.
    pub(crate) fn detect() -> Format {
        Format::Shell(ShellKind::detect())
    }
}

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::OnceLock<Vec<Format>> = std::sync::OnceLock::new();
        ALL.get_or_init(|| {
            let shells = ShellKind::ALL.iter().map(|k| Format::Shell(*k));
            shells.chain([Format::Json, Format::Process]).collect()
        })
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            Format::Shell(k) => PossibleValue::new(k.name()).aliases(k.imp().aliases()),
            Format::Json => PossibleValue::new("json").help("The variables as one JSON object"),
            Format::Process => {
                PossibleValue::new("process").help("The AWS `credential_process` JSON (Version 1)")
            }
        })
    }
}

/// A change to the environment: variables to remove, then variables to set.
#[derive(Debug, Default)]
pub(crate) struct Vars {
    pub unset: Vec<&'static str>,
    pub set: Vec<(&'static str, String)>,
}

impl Vars {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.set
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The whole output for `format`, built before anything is printed so that a refusal leaves
/// stdout empty.
pub(crate) fn render(format: Format, vars: &Vars) -> Result<String> {
    match format {
        Format::Json => {
            let map: Map<String, Value> = vars
                .set
                .iter()
                .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
                .collect();
            Ok(format!("{}\n", Value::Object(map)))
        }
        Format::Process => process(vars),
        Format::Shell(kind) => statements(kind, vars),
    }
}

/// `credential_process` JSON: the keys, and the token and expiry when there are any.
fn process(vars: &Vars) -> Result<String> {
    let (Some(id), Some(secret)) = (
        vars.get("AWS_ACCESS_KEY_ID"),
        vars.get("AWS_SECRET_ACCESS_KEY"),
    ) else {
        return Err(Error::new(
            "the process format prints credentials; use it with export",
        ));
    };
    let mut v = json!({"Version": 1, "AccessKeyId": id, "SecretAccessKey": secret});
    if let Some(token) = vars.get("AWS_SESSION_TOKEN") {
        v["SessionToken"] = json!(token);
    }
    if let Some(exp) = vars.get("AWS_CREDENTIAL_EXPIRATION") {
        v["Expiration"] = json!(exp);
    }
    Ok(format!("{v}\n"))
}

fn statements(kind: ShellKind, vars: &Vars) -> Result<String> {
    let shell = kind.imp();
    let nl = shell.newline();
    let mut out = String::new();
    for name in &vars.unset {
        let line = shell.unset(name);
        if !line.is_empty() {
            out.push_str(&line);
            out.push_str(nl);
        }
    }
    for (name, value) in &vars.set {
        let line = shell.set(name, value).map_err(|r| {
            Error::new(format!(
                "cannot write {name} for {}: {}; use another --format (e.g. powershell)",
                shell.name(),
                r.0
            ))
        })?;
        out.push_str(&line);
        out.push_str(nl);
    }
    Ok(shell.wrap(out))
}
