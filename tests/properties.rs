//! Property tests: for arbitrary strings, every shell's quoting, run by the real shell (or
//! parsed, for PowerShell), yields exactly the same bytes, or the value is refused for a
//! stated reason; and the config parser agrees with Python's configparser (botocore's reader)
//! on generated configs and never panics on arbitrary text.

use crate::support::shells;

use std::collections::BTreeMap;

use proptest::prelude::*;
use sso_env::ini;
use sso_env::Config;
use sso_env::{Cmd, Fish, Posix, PowerShell, Shell};

/// The script setting V0..Vn, and the values that were accepted (refused ones are checked here).
fn script(
    shell: &dyn Shell,
    values: &[String],
    refuse: impl Fn(&str) -> bool,
) -> (String, BTreeMap<String, String>) {
    let mut out = String::new();
    let mut want = BTreeMap::new();
    for (i, v) in values.iter().enumerate() {
        let name = format!("V{i}");
        match shell.set(&name, v) {
            Ok(line) => {
                assert!(
                    !refuse(v),
                    "{}: {v:?} should have been refused",
                    shell.name()
                );
                out.push_str(&line);
                out.push_str(shell.newline());
                want.insert(name, v.clone());
            }
            Err(r) => assert!(refuse(v), "{}: {v:?} refused: {}", shell.name(), r.0),
        }
    }
    (out, want)
}

fn check(ev: &shells::Evaluated, want: &BTreeMap<String, String>, what: &str) {
    assert!(
        ev.created_files.is_empty(),
        "{what}: something ran: {}",
        ev.describe()
    );
    for (k, v) in want {
        assert_eq!(
            ev.get(k),
            Some(v.as_bytes()),
            "{what}: {k} = {v:?}\n{}",
            ev.describe()
        );
    }
}

fn nul(v: &str) -> bool {
    v.contains('\0')
}

/// Arbitrary strings, with the characters shells care about made common.
fn values() -> impl Strategy<Value = Vec<String>> {
    let special = prop::sample::select(vec![
        '\'', '"', '\\', '$', '`', '!', '%', '(', ')', '{', '}', ';', '&', '|', '<', '>', '*', '?',
        '[', ']', '#', '~', '\n', '\r', '\t', ' ', '^', '@', ',', '\u{2018}', '\u{2019}',
        '\u{201b}', 'é', '日', '😀', '\u{2028}', '\0',
    ]);
    let piece = prop_oneof![
        any::<char>().prop_map(|c| c.to_string()),
        special.prop_map(|c| c.to_string()),
        "[a-z]{1,4}".prop_map(|s| s)
    ];
    prop::collection::vec(
        prop::collection::vec(piece, 0..24).prop_map(|p| p.concat()),
        1..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    fn posix_quoting_round_trips_in_bash_zsh_and_dash(values in values()) {
        for sh in ["bash", "zsh", "dash"] {
            let (text, want) = script(&Posix::named("bash"), &values, nul);
            let ev = shells::eval_posix(sh, text.as_bytes(), &[]);
            check(&ev, &want, sh);
        }
    }

    fn fish_quoting_round_trips(values in values()) {
        let (text, want) = script(&Fish, &values, nul);
        check(&shells::eval_fish(text.as_bytes(), &[]), &want, "fish");
    }

    fn powershell_literals_decode_exactly(values in values()) {
        let (text, want) = script(&PowerShell, &values, nul);
        // Only ASCII survives PowerShell's decoding of a native program's output.
        prop_assert!(text.is_ascii(), "not ASCII: {}", text);
        let parsed = shells::parse_powershell(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let got: BTreeMap<String, String> = parsed.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect();
        prop_assert_eq!(got, want);
    }

    fn ini_parser_never_panics(text in any::<String>()) {
        let _ = ini::parse(&text, "f");
        let c = Config::from_text("f".into(), text);
        let _ = c.sso_profile("default");
        let _ = c.profile_names();
    }
}

// cmd under wine is slow to start, so fewer cases with more values each.
proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    fn cmd_carries_or_refuses(values in values()) {
        let refuse = |v: &str| v.is_empty() || v.len() > 8000 || v.chars().any(|c| matches!(c, '%' | '"' | '!') || c.is_control() || !c.is_ascii());
        let (text, want) = script(&Cmd, &values, refuse);
        check(&shells::eval_cmd(text.as_bytes(), &[]), &want, "cmd");
    }
}

/// Config fragments: headers, keys with `=` or `:`, continuation lines, comments, blank lines,
/// odd spacing and case.
fn config_text() -> impl Strategy<Value = String> {
    let name = "[a-zA-Z0-9_.-]{1,10}";
    let value = "[ -~]{0,20}";
    let line = prop_oneof![
        (name, prop::bool::ANY).prop_map(|(n, p)| if p {
            format!("[profile {n}]")
        } else {
            format!("[{n}]")
        }),
        (
            name,
            prop::sample::select(vec![" = ", "=", ": ", " :", " =  "]),
            value
        )
            .prop_map(|(k, d, v)| format!("{k}{d}{v}")),
        ("[ \\t]{1,3}", value).prop_map(|(i, v)| format!("{i}{v}")),
        "[#;][ -~]{0,10}",
        Just(String::new()),
        ("[ \\t]{1,2}", name, value).prop_map(|(i, k, v)| format!("{i}{k} = {v}")),
    ];
    prop::collection::vec(line, 0..14).prop_map(|lines| lines.join("\n") + "\n")
}

/// Python's RawConfigParser on the same text: {section: {key: value}} or an error.
fn python_parse(texts: &[String]) -> Vec<Option<BTreeMap<String, BTreeMap<String, String>>>> {
    let script = r#"
import configparser, json, sys
out = []
for text in json.load(sys.stdin):
    cp = configparser.RawConfigParser()
    try:
        cp.read_string(text)
        out.append({s: dict(cp.items(s)) for s in cp.sections()})
    except configparser.Error:
        out.append(None)
print(json.dumps(out))
"#;
    let mut child = crate::support::python_command()
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(texts).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    fn ini_parser_agrees_with_python_configparser(texts in prop::collection::vec(config_text(), 8)) {
        // configparser treats [DEFAULT] specially; AWS configs do not use it.
        prop_assume!(texts.iter().all(|t| !t.contains("[DEFAULT]")));
        let theirs = python_parse(&texts);
        for (text, theirs) in texts.iter().zip(theirs) {
            let ours = ini::parse(text, "f").ok().map(|sections| {
                sections.iter().map(|s| (s.header.to_string(), s.entries.iter().map(|e| (e.key.to_string(), e.value.to_string())).collect::<BTreeMap<_, _>>())).collect::<BTreeMap<_, _>>()
            });
            prop_assert_eq!(ours, theirs, "config:\n{}", text);
        }
    }
}

crate::tests![
    posix_quoting_round_trips_in_bash_zsh_and_dash,
    fish_quoting_round_trips,
    powershell_literals_decode_exactly,
    ini_parser_never_panics,
    cmd_carries_or_refuses,
    ini_parser_agrees_with_python_configparser,
];
