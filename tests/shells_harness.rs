//! Self-tests of the shell harness in `tests/support/shells.rs`: scripts written by hand in the
//! tool's output formats must round-trip every hostile value byte for byte in the real shells,
//! and deliberately wrong scripts must be caught (a wrong value or a created file).
//!
//! A missing shell skips the test through the skip policy (`support::harness`).

use crate::support::shells;

use shells::*;

const PRESET: (&str, &str) = ("SSO_ENV_PRESET", "set before the script");

fn var(i: usize) -> String {
    format!("SSO_ENV_T{i:03}")
}

// Local quoting in the tool's formats (the tool has its own implementation).

fn posix_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', "'\\''"))
}

fn fish_quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn ps_quote(v: &str) -> String {
    let mut out = String::from("'");
    for c in v.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

fn posix_script(values: &[&str]) -> Vec<u8> {
    let mut s = String::new();
    for (i, v) in values.iter().enumerate() {
        s += &format!("export {}={}\n", var(i), posix_quote(v));
    }
    s += &format!("unset {}\n", PRESET.0);
    s.into_bytes()
}

fn fish_script(values: &[&str], removal: &str) -> Vec<u8> {
    let mut s = String::new();
    for (i, v) in values.iter().enumerate() {
        s += &format!("set -gx {} {}\n", var(i), fish_quote(v));
    }
    s += &format!("{removal} {}\n", PRESET.0);
    s.into_bytes()
}

fn cmd_script(values: &[&str]) -> Vec<u8> {
    let mut s = String::new();
    for (i, v) in values.iter().enumerate() {
        s += &format!("set \"{}={}\"\r\n", var(i), v);
    }
    s += &format!("set {}=\r\n", PRESET.0);
    s.into_bytes()
}

fn cmd_values() -> Vec<String> {
    let mut values: Vec<String> = HOSTILE
        .iter()
        .filter(|v| cmd_can_carry(v))
        .map(|v| v.to_string())
        .collect();
    values.push(long_cmd_safe());
    values
}

/// Asserts that every value round-tripped exactly, the preset variable was removed and nothing
/// was executed.
fn assert_round_trip(what: &str, ev: &Evaluated, values: &[&str]) {
    assert!(
        ev.env_captured,
        "{what}: no environment read back\n{}",
        ev.describe()
    );
    let mut failures = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let got = ev.get(&var(i));
        if got != Some(v.as_bytes()) {
            failures.push(format!(
                "{}: expected {v:?}, got {:?}",
                var(i),
                got.map(String::from_utf8_lossy)
            ));
        }
    }
    if ev.get(PRESET.0).is_some() {
        failures.push(format!("{} was not removed", PRESET.0));
    }
    assert!(
        failures.is_empty() && ev.created_files.is_empty() && ev.status == 0,
        "{what}: {} wrong values:\n{}\n{}",
        failures.len(),
        failures.join("\n"),
        ev.describe()
    );
}

fn hostile_values_cover_the_brief() {
    for needle in [
        "'",
        "\"",
        "'\\''",
        "$(touch pwned)",
        "`touch pwned`",
        "; touch pwned",
        "&& touch pwned",
        "| touch pwned",
        "%PATH%",
        "!PATH!",
        "*",
        "?",
        "[a]",
        "\\",
        "\n",
        "\r\n",
        "\t",
        "^&|<>()",
        "${HOME}",
        "$HOME",
        "#",
        " # comment",
        "--",
        "é",
        "日本",
        "😀",
        "‘’‚‛",
        "\u{2028}",
        "{a,b}",
        "(touch pwned)",
        "@(",
        "`n",
    ] {
        assert!(
            HOSTILE.iter().any(|v| v.contains(needle)),
            "HOSTILE lacks {needle:?}"
        );
    }
    for exact in ["", "-n", "trailing backslash\\", "trailing newline\n"] {
        assert!(HOSTILE.contains(&exact), "HOSTILE lacks {exact:?}");
    }
    assert!(HOSTILE
        .iter()
        .any(|v| v.starts_with(' ') && v.ends_with(' ')));
    assert!(HOSTILE.iter().any(|v| v.chars().count() >= 5000));
    assert!(long_cmd_safe().chars().count() >= 4900);
    assert!(cmd_can_carry(&long_cmd_safe()));
}

fn posix_shells_round_trip_hostile_values() {
    for shell in ["bash", "zsh", "dash", "sh"] {
        shells::require(shell);
        for style in [PosixStyle::Eval, PosixStyle::Dot] {
            let ev = eval_posix_with(shell, style, &posix_script(HOSTILE), &[PRESET]);
            assert_round_trip(&format!("{shell} {style:?}"), &ev, HOSTILE);
        }
    }
}

fn posix_readback_sees_initial_env_and_status() {
    for shell in ["bash", "zsh", "dash"] {
        shells::require(shell);
        let ev = eval_posix(shell, b"", &[PRESET, ("SSO_ENV_EMPTY", "")]);
        assert!(ev.env_captured, "{}", ev.describe());
        assert_eq!(ev.get(PRESET.0), Some(PRESET.1.as_bytes()), "{shell}");
        assert_eq!(ev.get("SSO_ENV_EMPTY"), Some(&b""[..]), "{shell}");
        assert_eq!(ev.get("LC_ALL"), Some(&b"C.UTF-8"[..]), "{shell}");
        assert!(ev.get("HOME").is_some(), "{shell}");
        let ev = eval_posix(shell, b"false\n", &[]);
        assert_ne!(
            ev.status, 0,
            "{shell}: a failing script must give a non-zero status"
        );
    }
}

fn posix_wrong_quoting_is_detected() {
    for shell in ["bash", "zsh", "dash", "sh"] {
        shells::require(shell);
        for style in [PosixStyle::Eval, PosixStyle::Dot] {
            let ev = eval_posix_with(shell, style, b"export A=$(touch pwned)\n", &[]);
            assert_eq!(
                ev.created_files,
                ["pwned"],
                "{shell} {style:?}: {}",
                ev.describe()
            );

            let ev = eval_posix_with(shell, style, b"export B=\"`touch pwned2`\"\n", &[]);
            assert_eq!(
                ev.created_files,
                ["pwned2"],
                "{shell} {style:?}: {}",
                ev.describe()
            );

            let ev = eval_posix_with(shell, style, b"export C=$HOME\n", &[]);
            assert_ne!(ev.get("C"), Some(&b"$HOME"[..]), "{shell} {style:?}");
            assert!(ev.created_files.is_empty());

            // Unescaped single quote: a syntax error, and the value is not set.
            let ev = eval_posix_with(shell, style, b"export D='it's'\n", &[]);
            assert_ne!(ev.get("D"), Some(&b"it's"[..]), "{shell} {style:?}");
        }
    }
}

fn fish_round_trips_hostile_values() {
    shells::require("fish");
    for style in [FishStyle::Pipe, FishStyle::SourceFile] {
        for removal in ["set -e", "set -e -g"] {
            let ev = eval_fish_with(style, &fish_script(HOSTILE, removal), &[PRESET]);
            assert_round_trip(&format!("fish {style:?} {removal:?}"), &ev, HOSTILE);
        }
    }
}

fn fish_wrong_quoting_is_detected() {
    shells::require("fish");
    for style in [FishStyle::Pipe, FishStyle::SourceFile] {
        let ev = eval_fish_with(style, b"set -gx A (touch pwned)\n", &[]);
        assert_eq!(ev.created_files, ["pwned"], "{style:?}: {}", ev.describe());

        let ev = eval_fish_with(style, b"set -gx B \"$(touch pwned2)\"\n", &[]);
        assert_eq!(ev.created_files, ["pwned2"], "{style:?}: {}", ev.describe());

        // POSIX quoting is wrong for fish: a backslash pair collapses.
        let value = "a\\\\b";
        let script = format!("set -gx C {}\n", posix_quote(value));
        let ev = eval_fish_with(style, script.as_bytes(), &[]);
        assert!(ev.env_captured, "{}", ev.describe());
        assert_ne!(ev.get("C"), Some(value.as_bytes()), "{style:?}");
        assert_eq!(ev.get("C"), Some(&b"a\\b"[..]), "{style:?}");
    }
}

fn cmd_round_trips_hostile_values() {
    shells::require("cmd");
    let values = cmd_values();
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    let started = std::time::Instant::now();
    let ev = eval_cmd(&cmd_script(&values), &[PRESET]);
    eprintln!("wine cmd evaluation took {:?}", started.elapsed());
    assert_round_trip("cmd", &ev, &values);
    assert!(
        values.iter().any(|v| v.contains('日')),
        "non-ASCII is covered"
    );
}

fn cmd_readback_sees_initial_env_and_empty_means_removal() {
    shells::require("cmd");
    let ev = eval_cmd(
        b"set \"SSO_ENV_X=\"\r\nset \"SSO_ENV_Y=y\"\r\n",
        &[PRESET, ("SSO_ENV_X", "x")],
    );
    assert!(ev.env_captured, "{}", ev.describe());
    assert_eq!(ev.get(PRESET.0), Some(PRESET.1.as_bytes()));
    assert_eq!(ev.get("SSO_ENV_X"), None, "cmd cannot hold an empty value");
    assert_eq!(ev.get("SSO_ENV_Y"), Some(&b"y"[..]));
}

fn cmd_wrong_quoting_is_detected() {
    shells::require("cmd");
    let ev = eval_cmd(b"set A=a & type nul > pwned\r\n", &[]);
    assert_eq!(ev.created_files, ["pwned"], "{}", ev.describe());
    assert_eq!(ev.get("A"), Some(&b"a "[..]));

    let ev = eval_cmd(b"set \"B=x\" & type nul > pwned2\r\n", &[]);
    assert_eq!(ev.created_files, ["pwned2"], "{}", ev.describe());

    let ev = eval_cmd(
        b"set \"C=%PRESET_FOR_TEST%\"\r\n",
        &[("PRESET_FOR_TEST", "expanded")],
    );
    assert_eq!(ev.get("C"), Some(&b"expanded"[..]), "{}", ev.describe());
}

fn cmd_with_code_page_437_carries_ascii_only() {
    shells::require("cmd");
    let ascii: Vec<&str> = HOSTILE
        .iter()
        .copied()
        .filter(|v| cmd_can_carry(v) && v.is_ascii())
        .collect();
    let ev = eval_cmd_with(CmdCodePage::Oem437, &cmd_script(&ascii), &[PRESET]);
    assert_round_trip("cmd 437", &ev, &ascii);

    let ev = eval_cmd_with(CmdCodePage::Oem437, "set \"X=é日本\"\r\n".as_bytes(), &[]);
    eprintln!(
        "cmd with code page 437 turns \"é日本\" into {:?}",
        ev.get_lossy("X")
    );
}

fn powershell_accepts_every_hostile_value() {
    let mut script = String::new();
    for (i, v) in HOSTILE.iter().enumerate() {
        script += &format!("$Env:{} = {}\n", var(i), ps_quote(v));
    }
    script += &format!("$Env:{} = $null\n", PRESET.0);
    let parsed = parse_powershell(&script).unwrap_or_else(|e| panic!("{e}"));
    let mut expected: Vec<(String, Option<String>)> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, v)| (var(i), Some(v.to_string())))
        .collect();
    expected.push((PRESET.0.to_string(), None));
    assert_eq!(parsed.len(), expected.len());
    for (got, want) in parsed.iter().zip(&expected) {
        assert_eq!(got, want);
    }

    // Each value on its own, CRLF line ends, comments between statements, empty script.
    for v in HOSTILE {
        let one = format!("$Env:AWS_X = {}\r\n", ps_quote(v));
        assert_eq!(
            parse_powershell(&one),
            Ok(vec![("AWS_X".to_string(), Some(v.to_string()))]),
            "{one:?}"
        );
    }
    assert_eq!(
        parse_powershell("# sso-env\n$env:A = 'x'\n\n$ENV:B = $NULL\n"),
        Ok(vec![("A".into(), Some("x".into())), ("B".into(), None)])
    );
    assert_eq!(parse_powershell(""), Ok(vec![]));
    // Chains of verbatim strings and UTF-16 code units, as the tool writes non-ASCII text.
    assert_eq!(
        parse_powershell(
            "$Env:A = 'Zo' + [char]0x00EB + 'x' + 'y'\n$Env:B = '' + [char]0xD83D + [char]0xDE00\n"
        ),
        Ok(vec![
            ("A".into(), Some("Zo\u{eb}xy".into())),
            ("B".into(), Some("\u{1F600}".into()))
        ])
    );
}

fn powershell_rejects_wrong_forms() {
    for bad in [
        "$Env:X = \"$(touch pwned)\"\n",
        "$Env:X = \"plain double quotes\"\n",
        "$Env:X = $(touch pwned)\n",
        "$Env:X = @(touch pwned)\n",
        "$Env:X = 'it's'\n",
        "$Env:X = 'unterminated\n",
        "$Env:X = 'a’b'\n",
        "$Env:X = 'a‘'\n",
        "$Env:X = 'a'; touch pwned\n",
        "$Env:X = 'a'; $Env:Y = 'b'\n",
        "$Env:X = 'a' - 'b'\n",
        "$Env:X = [char]0x0041 + [char]0x0042\n",
        "$Env:X = [char]0x0041 + 'b'\n",
        "$Env:X = 'a' + [int]0x0041\n",
        "$Env:X = 'a' + [char]65\n",
        "$Env:X = 'a' + [char]0xD800\n",
        "$Env:X = 'a' + $Env:Y\n",
        "$Env:X = 'a' + (touch pwned)\n",
        "$Env:X = 'a' + \"$(touch pwned)\"\n",
        "$Env:X += 'a'\n",
        "$Env:X = 'a' | Out-Null\n",
        "$X = 'a'\n",
        "${Env:X} = 'a'\n",
        "$Env:X = $Env:Y\n",
        "$Env:X = 1\n",
        "$Env:X = @'\nhere\n'@\n",
        "Remove-Item Env:X\n",
        "touch pwned\n",
        "$Env:X = 'a'\ntouch pwned\n",
        "$Env:X-Y = 'a'\n",
        "$Env: = 'a'\n",
    ] {
        assert!(
            parse_powershell(bad).is_err(),
            "accepted {bad:?}: {:?}",
            parse_powershell(bad)
        );
    }
}

fn availability_is_reported() {
    assert!(available("powershell"));
    assert!(!available("no-such-shell"));
}

crate::tests![
    hostile_values_cover_the_brief,
    posix_shells_round_trip_hostile_values,
    posix_readback_sees_initial_env_and_status,
    posix_wrong_quoting_is_detected,
    fish_round_trips_hostile_values,
    fish_wrong_quoting_is_detected,
    cmd_round_trips_hostile_values,
    cmd_readback_sees_initial_env_and_empty_means_removal,
    cmd_wrong_quoting_is_detected,
    cmd_with_code_page_437_carries_ascii_only,
    powershell_accepts_every_hostile_value,
    powershell_rejects_wrong_forms,
    availability_is_reported,
];
