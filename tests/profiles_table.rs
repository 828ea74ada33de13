//! `sso-env profiles` as a table: PROFILE (the column people type) is never cut; other
//! columns shrink or go; a width of 0 means unknown; piped output is never cut; widths are
//! display widths (CJK takes two columns); `TERM=dumb` gets no escape sequences. The terminal
//! cases run under `script`, which gives the command a real pty of the size `stty` sets.

use crate::support;

use support::Sandbox;

const LONG_ROLE: &str = "AWSReservedSSO_PlatformEngineeringAdministrators";
const NAMES: [&str; 3] = [
    "koa-dev-customer-platform",
    "koa-dev-customer-billing",
    "開発-本番",
];

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    let mut config = support::CONFIG.to_string();
    for name in NAMES {
        config.push_str(&format!(
            "\n[profile {name}]\nsso_session = koa\nsso_account_id = 931827427725\nsso_role_name = {LONG_ROLE}\nregion = ap-southeast-2\n"
        ));
    }
    sb.write_config(&config);
    sb
}

/// Display width as a terminal shows it, for the characters these tests use.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if ('\u{3000}'..='\u{9fff}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// `sso-env profiles` on a pty of `cols` columns (`stty` sets it); the raw bytes it drew.
fn at_terminal(sb: &Sandbox, cols: u16, term: &str) -> String {
    let mut cmd = std::process::Command::new(crate::support::harness::require_unix("script"));
    sb.clean_env(&mut cmd);
    let out = cmd
        .env("TERM", term)
        .args([
            "-qec",
            &format!(
                "stty cols {cols} rows 40; '{}' profiles",
                support::bin().display()
            ),
            "/dev/null",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n")
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn assert_names_whole(table: &str) {
    for name in NAMES.iter().chain(&["koa-dev-customer", "legacy-style"]) {
        assert!(
            table
                .lines()
                .any(|l| l.split_whitespace().next() == Some(name)),
            "{name} is whole in:\n{table}"
        );
    }
}

fn piped_output_is_never_cut() {
    let sb = sandbox();
    let out = sb.ok(&["profiles"]);
    assert!(!out.contains('…'), "{out}");
    assert!(out.contains(LONG_ROLE), "{out}");
    assert!(!out.contains('\x1b'), "no colour in a pipe");
    assert_names_whole(&out);
}

fn a_narrow_terminal_keeps_profile_whole_and_fits() {
    support::harness::require_unix("script");
    let sb = sandbox();
    for cols in [100u16, 79, 60, 40] {
        let table = strip_ansi(&at_terminal(&sb, cols, "xterm"));
        assert_names_whole(&table);
        for line in table.lines() {
            assert!(
                width(line) <= usize::from(cols),
                "{cols} columns: {line:?} is {} wide",
                width(line)
            );
        }
        assert!(table.starts_with("PROFILE"), "{table}");
    }
}

fn columns_line_up_in_display_width() {
    support::harness::require_unix("script");
    let sb = sandbox();
    let table = strip_ansi(&at_terminal(&sb, 200, "xterm"));
    // The second column starts at the same display column on every row with cells.
    let starts: Vec<usize> = table
        .lines()
        .filter(|l| l.contains("931827427725") || l.starts_with("PROFILE"))
        .map(|l| {
            let first = l.split_whitespace().next().unwrap();
            let rest = &l[first.len()..];
            width(first) + (rest.len() - rest.trim_start().len())
        })
        .collect();
    assert!(starts.len() >= 4, "{table}");
    assert!(
        starts.iter().all(|s| *s == starts[0]),
        "{starts:?}\n{table}"
    );
}

fn a_zero_size_pty_means_unknown_width() {
    support::harness::require_unix("script");
    let sb = sandbox();
    let table = strip_ansi(&at_terminal(&sb, 0, "xterm"));
    assert!(!table.contains('…'), "{table}");
    assert!(table.contains(LONG_ROLE), "{table}");
    assert_names_whole(&table);
}

fn term_dumb_gets_no_escape_sequences() {
    support::harness::require_unix("script");
    let sb = sandbox();
    sb.seed_token("koa", std::time::Duration::from_secs(3600));
    let raw = at_terminal(&sb, 120, "dumb");
    assert!(!raw.contains('\x1b'), "{raw:?}");
    let coloured = at_terminal(&sb, 120, "xterm");
    assert!(
        coloured.contains("\x1b["),
        "the control: colour at an xterm"
    );
}

/// The picker at `TERM=dumb`: a numbered list and a typed answer, no escape sequences, no
/// alternate screen; stdout has only the chosen name.
fn term_dumb_picker_draws_no_escape_sequences() {
    support::harness::require_unix("script");
    let sb = sandbox();
    let result = sb.home().join("chosen");
    for (typed, want) in [
        ("2", "legacy-style"),
        ("billing", "koa-dev-customer-billing"),
    ] {
        let mut cmd = std::process::Command::new(crate::support::harness::require_unix("script"));
        sb.clean_env(&mut cmd);
        let mut child = cmd
            .env("TERM", "dumb")
            .args([
                "-qec",
                &format!(
                    "'{}' pick > '{}'",
                    support::bin().display(),
                    result.display()
                ),
                "/dev/null",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .as_mut()
            .unwrap()
            .write_all(format!("{typed}\n").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let screen = String::from_utf8_lossy(&out.stdout);
        assert!(!screen.contains('\x1b'), "{screen:?}");
        assert!(screen.contains("1) koa-dev-customer"), "{screen:?}");
        assert_eq!(
            std::fs::read_to_string(&result).unwrap(),
            format!("{want}\n")
        );
    }
}

crate::tests![
    piped_output_is_never_cut,
    a_narrow_terminal_keeps_profile_whole_and_fits,
    columns_line_up_in_display_width,
    a_zero_size_pty_means_unknown_width,
    term_dumb_gets_no_escape_sequences,
    term_dumb_picker_draws_no_escape_sequences,
];
