//! `~/.aws/config` and the shared credentials file: which profile, what kind it is, and what
//! Identity Center settings it resolves to.
//!
//! Section names and validation follow botocore, so a config the AWS CLI accepts means the same
//! thing here, and one it refuses is refused here with the line to fix.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{shown, Error, Result};
use crate::local::ini::{self, Section};
use crate::local::validate;

/// The config file and the shared credentials file, read once per command.
pub struct Config {
    pub path: PathBuf,
    text: String,
    /// `~/.aws/credentials` (or `$AWS_SHARED_CREDENTIALS_FILE`); empty text when absent.
    creds_path: PathBuf,
    creds_text: String,
}

/// The profile a command acts on, resolved to Identity Center settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SsoProfile {
    pub name: String,
    pub account_id: String,
    pub role_name: String,
    /// The profile's `region` (the SDK default region), if any.
    pub region: Option<String>,
    pub sso: SsoSettings,
}

/// Where to sign in: an `[sso-session]` or the legacy keys on the profile itself.
#[derive(Debug, Clone, PartialEq)]
pub struct SsoSettings {
    /// The sso-session name; `None` for legacy profiles.
    pub session_name: Option<String>,
    pub start_url: String,
    pub region: String,
    /// `sso_registration_scopes`, split on commas.
    pub scopes: Vec<String>,
    /// Whether `sso_registration_scopes` was set at all: the AWS CLI's registration cache key
    /// holds `null` when it was not, and a list (even empty) when it was.
    pub scopes_configured: bool,
}

const SSO_KEYS: [&str; 4] = [
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
];

impl Config {
    /// Reads `$AWS_CONFIG_FILE` or `~/.aws/config`. A missing file reads as empty.
    /// Also reads the shared credentials file, whose profiles botocore merges into these.
    pub(crate) fn load() -> Result<Config> {
        let path = crate::local::paths::config_file()?;
        let creds_path = crate::local::paths::credentials_file()?;
        let creds_text = read_text(&creds_path)?;
        Ok(Config {
            creds_path,
            creds_text,
            ..Config::load_from(path)?
        })
    }

    /// The config file alone (no credentials file).
    pub(crate) fn load_from(path: PathBuf) -> Result<Config> {
        crate::debug!("config file {}", path.display());
        let text = read_text(&path)?;
        Ok(Config::from_text(path, text))
    }

    /// A config from text already in hand (tests, tools); `path` names it in errors.
    pub fn from_text(path: PathBuf, text: String) -> Config {
        Config {
            path,
            text,
            creds_path: PathBuf::from("credentials"),
            creds_text: String::new(),
        }
    }

    /// The file parsed once, for commands that look at many profiles.
    pub(crate) fn parse(&self) -> Result<Parsed<'_>> {
        let sections = ini::parse(&self.text, &self.path.display().to_string())?;
        let creds = ini::parse(&self.creds_text, &self.creds_path.display().to_string())?;
        Ok(Parsed {
            config: self,
            sections,
            creds,
            lookups: Cell::new(0),
            index: OnceCell::new(),
        })
    }

    /// Every profile name, in file order, without duplicates.
    pub fn profile_names(&self) -> Result<Vec<String>> {
        Ok(self.parse()?.profile_names())
    }

    /// The names of profiles that give credentials, in file order.
    pub(crate) fn usable_profile_names(&self) -> Result<Vec<String>> {
        Ok(self.parse()?.usable_profile_names())
    }

    /// Resolves `name` to an account, a role and where to sign in, validating like botocore.
    pub fn sso_profile(&self, name: &str) -> Result<SsoProfile> {
        self.parse()?.sso_profile(name)
    }

    /// Where `name` signs in; an account and role are not needed for that.
    pub(crate) fn login_settings(&self, name: &str) -> Result<SsoSettings> {
        self.parse()?.login_settings(name)
    }

    /// The settings of `[sso-session NAME]`.
    pub(crate) fn session_settings(&self, session: &str) -> Result<SsoSettings> {
        self.parse()?.session_settings(session)
    }

    /// The profiles that sign in through `sso`, for logout (their role-cache entries go too).
    pub(crate) fn profiles_using(&self, sso: &SsoSettings) -> Result<Vec<SsoProfile>> {
        Ok(self.parse()?.profiles_using(sso))
    }

    /// Every `[sso-session]` name, in file order.
    pub(crate) fn session_names(&self) -> Result<Vec<String>> {
        Ok(self.parse()?.session_names())
    }
}

/// The config parsed once. Later sections win over earlier ones with the same name, as in
/// botocore. One lookup (export, the warm path) scans the sections; from the second on, an
/// index by name is built once, so that resolving every profile of a 10,000-profile file
/// (profiles, logout, discover) stays linear.
pub(crate) struct Parsed<'c> {
    config: &'c Config,
    sections: Vec<Section<'c>>,
    /// The credentials file's sections: named as written, no `profile ` prefix (botocore).
    creds: Vec<Section<'c>>,
    lookups: Cell<usize>,
    index: OnceCell<Index<'c>>,
}

/// Section positions by profile name and by sso-session name (the last of each name), and
/// credentials-file sections by name.
struct Index<'c> {
    profiles: HashMap<Cow<'c, str>, usize>,
    sessions: HashMap<Cow<'c, str>, usize>,
    creds: HashMap<&'c str, usize>,
}

/// One profile as botocore sees it: its config section and its credentials-file section
/// merged, the credentials file's keys winning.
pub(crate) struct ProfileView<'p> {
    pub name: &'p str,
    config: Option<&'p Section<'p>>,
    creds: Option<&'p Section<'p>>,
    config_path: &'p Path,
    creds_path: &'p Path,
}

/// One of the two files a profile is read from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum File {
    Credentials,
    Config,
}

impl<'p> ProfileView<'p> {
    /// A key's value in one file's section only (botocore reads keys as a set per file).
    pub(crate) fn get_in(&self, file: File, key: &str) -> Option<&'p str> {
        self.section(file).and_then(|s| s.get(key))
    }

    /// The path of `file`, for messages.
    pub(crate) fn path_of(&self, file: File) -> &'p Path {
        match file {
            File::Credentials => self.creds_path,
            File::Config => self.config_path,
        }
    }

    /// `path:line` of a key in `file` (of its section when the key is absent there).
    pub(crate) fn at_in(&self, file: File, key: &str) -> String {
        let line = self
            .section(file)
            .map(|s| s.entry(key).map_or(s.line, |e| e.line));
        match line {
            Some(l) => format!("{}:{l}", self.path_of(file).display()),
            None => self.path_of(file).display().to_string(),
        }
    }

    fn section(&self, file: File) -> Option<&'p Section<'p>> {
        match file {
            File::Credentials => self.creds,
            File::Config => self.config,
        }
    }

    /// A key's value, from the credentials file first.
    pub(crate) fn get(&self, key: &str) -> Option<&'p str> {
        let get = |s: Option<&'p Section<'p>>| s.and_then(|s| s.get(key));
        get(self.creds).or_else(|| get(self.config))
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// `path:line` of a key (of the section when the key is absent), for error messages.
    pub(crate) fn at(&self, key: &str) -> String {
        let entry = |s: Option<&'p Section<'p>>| s.and_then(|s| s.entry(key)).map(|e| e.line);
        if let Some(line) = entry(self.creds) {
            return format!("{}:{line}", self.creds_path.display());
        }
        if let Some(line) = entry(self.config) {
            return format!("{}:{line}", self.config_path.display());
        }
        match (self.config, self.creds) {
            (Some(s), _) => format!("{}:{}", self.config_path.display(), s.line),
            (None, Some(s)) => format!("{}:{}", self.creds_path.display(), s.line),
            (None, None) => self.config_path.display().to_string(),
        }
    }
}

impl<'c> Parsed<'c> {
    /// Profile names in file order, without duplicates: the config's, then those only in the
    /// credentials file.
    pub fn profile_names(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.sections
            .iter()
            .filter_map(|s| profile_name_ref(s.header))
            .chain(self.creds.iter().map(|s| Cow::Borrowed(s.header)))
            .filter(|n| seen.insert(n.clone()))
            .map(Cow::into_owned)
            .collect()
    }

    /// Profile `name` from both files, or the error naming both and the closest names.
    pub(crate) fn view<'p>(&'p self, name: &'p str) -> Result<ProfileView<'p>> {
        let config = self.profile(name);
        let creds = self.creds_section(name);
        if config.is_none() && creds.is_none() {
            return Err(self.unknown_profile(name));
        }
        Ok(ProfileView {
            name,
            config,
            creds,
            config_path: &self.config.path,
            creds_path: &self.config.creds_path,
        })
    }

    fn creds_section(&self, name: &str) -> Option<&Section<'c>> {
        if let Some(ix) = self.index.get() {
            return ix.creds.get(name).map(|i| &self.creds[*i]);
        }
        self.creds.iter().rev().find(|s| s.header == name)
    }

    /// "profile not found", naming both files and the closest names.
    pub(crate) fn unknown_profile(&self, name: &str) -> Error {
        unknown_profile(
            name,
            &self.profile_names(),
            &self.config.path,
            &self.config.creds_path,
        )
    }

    fn index(&self) -> &Index<'c> {
        self.index.get_or_init(|| {
            let mut ix = Index {
                profiles: HashMap::new(),
                sessions: HashMap::new(),
                creds: HashMap::new(),
            };
            for (i, s) in self.creds.iter().enumerate() {
                ix.creds.insert(s.header, i);
            }
            for (i, s) in self.sections.iter().enumerate() {
                if let Some(name) = profile_name_ref(s.header) {
                    ix.profiles.insert(name, i);
                } else if let Some(name) = section_name_ref(s.header, "sso-session") {
                    ix.sessions.insert(name, i);
                }
            }
            ix
        })
    }

    /// The last section declaring profile `name`: a scan on the first lookup, the index from
    /// the second on.
    fn profile(&self, name: &str) -> Option<&Section<'c>> {
        self.lookups.set(self.lookups.get() + 1);
        // The warm path looks up a few profiles (a role, its source): scans are cheaper there.
        if self.lookups.get() > 4 {
            return self.index().profiles.get(name).map(|i| &self.sections[*i]);
        }
        self.sections
            .iter()
            .rev()
            .find(|s| profile_name_ref(s.header).is_some_and(|n| n == name))
    }

    /// The last `[sso-session name]`, through the index once a profile lookup has built it.
    fn session(&self, name: &str) -> Option<&Section<'c>> {
        if let Some(ix) = self.index.get() {
            return ix.sessions.get(name).map(|i| &self.sections[*i]);
        }
        self.sections
            .iter()
            .rev()
            .find(|s| section_name_ref(s.header, "sso-session").is_some_and(|n| n == name))
    }

    /// Profiles that use Identity Center (any `sso_*` key or `sso_session`): what
    /// `use-profile` can switch to.
    pub(crate) fn sso_profile_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for s in &self.sections {
            let sso = s
                .entries
                .iter()
                .any(|e| e.key == "sso_session" || SSO_KEYS.contains(&e.key.as_ref()));
            if let Some(name) = profile_name_ref(s.header).filter(|_| sso) {
                if seen.insert(name.clone()) {
                    names.push(name.into_owned());
                }
            }
        }
        names
    }

    /// Profiles of any kind that give credentials (Identity Center, a role, keys, a process),
    /// from both files: what `use-profile`, completion and the picker offer.
    pub(crate) fn usable_profile_names(&self) -> Vec<String> {
        const KEYS: [&str; 8] = [
            "sso_session",
            "sso_start_url",
            "sso_account_id",
            "role_arn",
            "aws_access_key_id",
            "credential_process",
            "web_identity_token_file",
            "login_session",
        ];
        self.profile_names()
            .into_iter()
            .filter(|n| self.view(n).is_ok_and(|p| KEYS.iter().any(|k| p.has(k))))
            .collect()
    }

    pub(crate) fn session_names(&self) -> Vec<String> {
        self.sections
            .iter()
            .filter_map(|s| section_name(s.header, "sso-session"))
            .collect()
    }

    /// Resolves `name` to an account, a role and where to sign in, validating like botocore.
    pub fn sso_profile(&self, name: &str) -> Result<SsoProfile> {
        let r = self.resolve(name)?;
        let missing: Vec<&str> = SSO_KEYS
            .iter()
            .copied()
            .filter(|k| r.get(k).is_none())
            .collect();
        if !missing.is_empty() {
            let role_only = missing
                .iter()
                .all(|k| *k == "sso_account_id" || *k == "sso_role_name");
            let what = if role_only && r.session_name.is_some() {
                "it can sign in but names no role to use"
            } else {
                "it is configured for SSO"
            };
            return Err(Error::new(format!(
                "{}:{}: profile {} is missing {}: {what}; add the missing keys",
                self.config.path.display(),
                r.line,
                shown(name),
                missing.join(", ")
            )));
        }
        let keys = [&SSO_KEYS[..], &["region"]].concat();
        r.check(&self.config.path.display().to_string(), &keys)?;
        Ok(SsoProfile {
            name: name.to_string(),
            account_id: r.get("sso_account_id").unwrap_or_default(),
            role_name: r.get("sso_role_name").unwrap_or_default(),
            region: r.region.clone(),
            sso: r.settings(),
        })
    }

    /// Where `name` signs in; an account and role are not needed for that.
    pub(crate) fn login_settings(&self, name: &str) -> Result<SsoSettings> {
        let r = self.resolve(name)?;
        let missing: Vec<&str> = ["sso_start_url", "sso_region"]
            .into_iter()
            .filter(|k| r.get(k).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(Error::new(format!(
                "{}:{}: profile {} is missing {}; add it to the profile or its [sso-session]",
                self.config.path.display(),
                r.line,
                shown(name),
                missing.join(", ")
            )));
        }
        r.check(
            &self.config.path.display().to_string(),
            &["sso_start_url", "sso_region"],
        )?;
        Ok(r.settings())
    }

    /// The settings of `[sso-session NAME]`.
    pub(crate) fn session_settings(&self, session: &str) -> Result<SsoSettings> {
        let path = self.config.path.display();
        let Some(sec) = self.session(session) else {
            let names = self.session_names();
            let close = crate::suggest::closest(session, names.iter().map(String::as_str), 3);
            let hint = match close.first() {
                Some(n) => format!("did you mean {}?", shown(n)),
                None => "add it or run: sso-env configure".to_string(),
            };
            return Err(Error::new(format!(
                "no [sso-session {session}] in {path}; {hint}"
            )));
        };
        let get = |k: &str| sec.get(k).filter(|v| !v.is_empty()).map(String::from);
        let (Some(start_url), Some(region)) = (get("sso_start_url"), get("sso_region")) else {
            return Err(Error::new(format!(
                "{path}:{}: [sso-session {session}] needs sso_start_url and sso_region; add them",
                sec.line
            )));
        };
        for e in sec
            .entries
            .iter()
            .filter(|e| SSO_KEYS.contains(&e.key.as_ref()))
        {
            validate::value(&path.to_string(), e.line, &e.key, &e.value)?;
        }
        let (scopes, scopes_configured) = parse_scopes(sec.get("sso_registration_scopes"));
        Ok(SsoSettings {
            session_name: Some(session.to_string()),
            start_url,
            region,
            scopes,
            scopes_configured,
        })
    }

    /// The profiles that sign in through `sso`.
    pub(crate) fn profiles_using(&self, sso: &SsoSettings) -> Vec<SsoProfile> {
        self.profile_names()
            .iter()
            .filter_map(|name| self.sso_profile(name).ok())
            .filter(|p| p.sso == *sso)
            .collect()
    }

    fn resolve(&self, name: &str) -> Result<Resolved<'_>> {
        let path = self.config.path.display();
        let Some(profile) = self.profile(name) else {
            return Err(self.unknown_profile(name));
        };
        let at = |key: &str| profile.entry(key).map_or(profile.line, |e| e.line);
        let mut settings: Vec<(&'static str, &str)> = SSO_KEYS
            .iter()
            .filter_map(|k| profile.get(k).map(|v| (*k, v)))
            .collect();
        let mut lines: Vec<(&'static str, usize)> =
            settings.iter().map(|(k, _)| (*k, at(k))).collect();
        lines.push(("region", at("region")));
        let session_name = profile.get("sso_session");
        let mut scopes = None;
        if let Some(session) = session_name {
            let Some(sec) = self.session(session) else {
                if validate::looks_commented(session) {
                    let what = "the name of an [sso-session] section";
                    let (file, line) = (path.to_string(), at("sso_session"));
                    return Err(validate::refused(&file, line, "sso_session", session, what));
                }
                return Err(Error::new(format!(
                    "{path}:{}: profile {} uses sso_session {} but there is no [sso-session {session}] section; add it or run: sso-env configure",
                    at("sso_session"),
                    shown(name),
                    shown(session)
                )));
            };
            for entry in &sec.entries {
                let Some(key) = SSO_KEYS.iter().copied().find(|k| *k == entry.key) else {
                    continue;
                };
                match settings.iter().find(|(k, _)| *k == key) {
                    Some((k, v)) if *v != entry.value => {
                        return Err(Error::new(format!(
                            "{path}:{}: {k} in profile {} differs from the one in [sso-session {session}] (line {}); remove it from the profile",
                            at(k),
                            shown(name),
                            entry.line
                        )));
                    }
                    Some(_) => {}
                    None => {
                        lines.push((key, entry.line));
                        settings.push((key, &entry.value));
                    }
                }
            }
            scopes = sec.get("sso_registration_scopes");
        } else if settings.is_empty() {
            return Err(Error::new(format!(
                "profile {} in {path} is not an Identity Center (SSO) profile: it has no sso_session or sso_* keys; run: sso-env configure",
                shown(name)
            )));
        }
        let region = profile
            .get("region")
            .filter(|r| !r.is_empty())
            .map(String::from);
        Ok(Resolved {
            settings,
            lines,
            session_name,
            scopes,
            line: profile.line,
            region,
        })
    }
}

/// A profile's Identity Center keys, merged with its sso-session's, before the command decides
/// which of them it needs.
struct Resolved<'s> {
    settings: Vec<(&'static str, &'s str)>,
    /// Where each key (and `region`) was read, for `check`.
    lines: Vec<(&'static str, usize)>,
    session_name: Option<&'s str>,
    scopes: Option<&'s str>,
    line: usize,
    region: Option<String>,
}

impl Resolved<'_> {
    /// Refuses values of `keys` that cannot be meant (an inline comment, a typo): see
    /// `validate`. Run after the missing-key checks, which say more.
    fn check(&self, path: &str, keys: &[&str]) -> Result<()> {
        let line = |k: &str| {
            self.lines
                .iter()
                .find(|(l, _)| *l == k)
                .map_or(0, |(_, n)| *n)
        };
        for k in keys {
            let value = if *k == "region" {
                self.region.clone()
            } else {
                self.get(k)
            };
            if let Some(v) = value {
                validate::value(path, line(k), k, &v)?;
            }
        }
        Ok(())
    }

    fn get(&self, key: &str) -> Option<String> {
        self.settings
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
    }

    fn settings(&self) -> SsoSettings {
        let (scopes, scopes_configured) = parse_scopes(self.scopes);
        SsoSettings {
            session_name: self.session_name.map(String::from),
            start_url: self.get("sso_start_url").unwrap_or_default(),
            region: self.get("sso_region").unwrap_or_default(),
            scopes,
            scopes_configured,
        }
    }
}

/// `sso_registration_scopes` as the AWS CLI parses it: comma-split, trimmed, empties dropped.
fn parse_scopes(raw: Option<&str>) -> (Vec<String>, bool) {
    match raw {
        Some(s) => (
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            true,
        ),
        None => (Vec::new(), false),
    }
}

/// A file's text; a missing file reads as empty. Bad UTF-8 is refused with its line.
fn read_text(path: &Path) -> Result<String> {
    Ok(match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
            let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            Error::new(format!(
                "{}:{line}: not valid UTF-8; save the file as UTF-8",
                path.display()
            ))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::new(format!("cannot read {}: {e}", path.display()))),
    })
}

/// The profile name a `[...]` header declares, as botocore reads it: `[default]`,
/// `[profile NAME]` (NAME shlex-split, so it may be quoted); borrowed in the usual case.
pub(crate) fn profile_name_ref(header: &str) -> Option<Cow<'_, str>> {
    if header == "default" {
        return Some(Cow::Borrowed("default"));
    }
    section_name_ref(header, "profile")
}

fn section_name(header: &str, kind: &str) -> Option<String> {
    section_name_ref(header, kind).map(Cow::into_owned)
}

/// The name a header declares, borrowed in the usual case (`profile name`): lookups in a
/// 10,000-profile file allocate nothing. shlex for anything quoted or escaped.
fn section_name_ref<'h>(header: &'h str, kind: &str) -> Option<Cow<'h, str>> {
    if !header.starts_with(kind) {
        return None;
    }
    if let Some(rest) = header.strip_prefix(kind).and_then(|r| r.strip_prefix(' ')) {
        let rest = rest.trim_matches(|c| c == ' ' || c == '\t');
        // Bytes, not a char set: this runs for every section on every lookup.
        let plain = !rest
            .bytes()
            .any(|b| matches!(b, b' ' | b'\t' | b'\'' | b'"' | b'\\' | b'\n' | b'\r'));
        if !rest.is_empty() && plain {
            return Some(Cow::Borrowed(rest));
        }
    }
    match ini::shlex_split(header)?.as_slice() {
        [first, name] if first.starts_with(kind) => Some(Cow::Owned(name.clone())),
        _ => None,
    }
}

fn unknown_profile(
    name: &str,
    names: &[String],
    config: &std::path::Path,
    creds: &std::path::Path,
) -> Error {
    let path = config.display();
    // Say where the name came from when the environment set it: the user may not know.
    let from = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"]
        .into_iter()
        .find(|v| std::env::var(v).is_ok_and(|x| x == name))
        .map_or(String::new(), |v| format!(" (set by ${v})"));
    let mut msg = format!(
        "profile {}{from} not found in {path} or {}",
        shown(name),
        creds.display()
    );
    let close = crate::suggest::closest(name, names.iter().map(String::as_str), 3);
    if !close.is_empty() {
        msg.push_str(&format!(
            "; did you mean {}?",
            close
                .iter()
                .map(|n| shown(n))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    } else if names.is_empty() && !config.exists() {
        let named = std::env::var_os("AWS_CONFIG_FILE").is_some_and(|v| !v.is_empty());
        msg = match named {
            true => format!("profile {}{from} not found: AWS_CONFIG_FILE names {path}, which does not exist; fix AWS_CONFIG_FILE or run: sso-env configure", shown(name)),
            false => format!("profile {}{from} not found: {path} does not exist; run: sso-env configure", shown(name)),
        };
    } else {
        msg.push_str(&format!("; {}", new_profile_hint()));
    }
    Error::new(msg)
}

/// What to do about a profile that exists nowhere: the one place this advice is worded.
pub(crate) fn new_profile_hint() -> String {
    "add a [profile NAME] section to the config, or run: sso-env configure".to_string()
}

/// Which profile a command uses: the argument, then `$AWS_PROFILE`, `$AWS_DEFAULT_PROFILE`,
/// then `default`. Empty variables count as unset.
pub(crate) fn chosen_profile(arg: Option<&str>) -> String {
    if let Some(name) = arg {
        return name.to_string();
    }
    for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
        if let Ok(v) = std::env::var(var) {
            if !v.is_empty() {
                return v;
            }
        }
    }
    "default".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Config {
        Config::from_text(PathBuf::from("config"), text.to_string())
    }

    const SAMPLE: &str = "\
[profile koa-dev-customer]
sso_session = koa
sso_account_id = 931827427725
sso_role_name = idp_customer_access
region = eu-west-1

[sso-session koa]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access, other:scope

[profile legacy-style]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = ReadOnly

[default]
region = us-west-2

[profile \"with space\"]
sso_session = koa
sso_account_id = 000000000001
sso_role_name = R
";

    #[test]
    fn resolves_session_and_legacy_profiles() {
        let c = cfg(SAMPLE);
        let p = c.sso_profile("koa-dev-customer").unwrap();
        assert_eq!(p.account_id, "931827427725");
        assert_eq!(p.sso.session_name.as_deref(), Some("koa"));
        assert_eq!(p.sso.region, "eu-west-1");
        assert_eq!(p.sso.scopes, ["sso:account:access", "other:scope"]);
        assert_eq!(p.region.as_deref(), Some("eu-west-1"));
        let l = c.sso_profile("legacy-style").unwrap();
        assert_eq!(l.sso.session_name, None);
        assert_eq!(l.sso.region, "us-east-1");
        assert_eq!(l.region, None);
        assert_eq!(c.sso_profile("with space").unwrap().role_name, "R");
        assert_eq!(
            c.profile_names().unwrap(),
            ["koa-dev-customer", "legacy-style", "default", "with space"]
        );
    }

    #[test]
    fn refuses_like_botocore() {
        let c = cfg(SAMPLE);
        let e = c.sso_profile("default").unwrap_err().to_string();
        assert!(e.contains("not an Identity Center (SSO) profile"), "{e}");
        let e = c.sso_profile("koa-dev-custmer").unwrap_err().to_string();
        assert!(
            e.contains("not found") && e.contains("did you mean 'koa-dev-customer'"),
            "{e}"
        );
        let cases = [
            ("[profile p]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = r\n", "config:2: profile 'p' uses sso_session 'nope' but there is no [sso-session nope]"),
            ("[profile p]\nsso_session = s\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = r\n[sso-session s]\nsso_start_url = u\nsso_region = eu-west-1\n", "config:3: sso_region in profile 'p' differs"),
            ("[profile p]\nsso_start_url = u\nsso_account_id = 1\nsso_role_name = r\n", "config:1: profile 'p' is missing sso_region"),
            ("[profile p]\nsso_start_url = u\nsso_region = r\nsso_account_id = 1\n", "config:1: profile 'p' is missing sso_role_name"),
            ("[profile p]\nsso_session = s\n[sso-session s]\nsso_start_url = u\nsso_region = eu-west-1\n", "config:1: profile 'p' is missing sso_account_id, sso_role_name: it can sign in but names no role"),
        ];
        for (text, want) in cases {
            let e = cfg(text).sso_profile("p").unwrap_err().to_string();
            assert!(e.starts_with(want), "{text:?}\n got: {e}");
        }
    }

    #[test]
    fn header_names_follow_botocore() {
        let profile_name = |h| profile_name_ref(h).map(Cow::into_owned);
        assert_eq!(profile_name("default").as_deref(), Some("default"));
        assert_eq!(profile_name("profile a").as_deref(), Some("a"));
        assert_eq!(profile_name("profile   a  ").as_deref(), Some("a"));
        assert_eq!(profile_name("profile 'a b'").as_deref(), Some("a b"));
        assert_eq!(profile_name("profile a b"), None);
        assert_eq!(profile_name("sso-session a"), None);
        assert_eq!(profile_name("profile"), None);
    }
}
