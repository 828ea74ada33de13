//! The suite itself: every test file is a module of the one test crate, and no test is left
//! where the harness cannot see it.

use std::path::Path;

/// A `#[test]` attribute compiles to nothing under this crate's harness (harness = false), so a
/// test written that way would silently never run; a file not declared in `tests.rs` neither.
fn every_test_file_is_a_module_and_no_test_uses_the_standard_attribute() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let root = std::fs::read_to_string(dir.join("tests.rs")).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("tests.rs") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_str().unwrap();
        assert!(
            root.lines().any(|l| l.trim() == format!("mod {stem};")),
            "tests/{stem}.rs is not declared in tests/tests.rs (mod {stem};)"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            assert!(
                line.trim() != "#[test]",
                "{}:{}: #[test] is never run here: list the function in the file's tests![...]",
                path.display(),
                n + 1
            );
        }
        assert!(
            text.contains("crate::tests!["),
            "{} lists no tests",
            path.display()
        );
        checked += 1;
    }
    assert!(
        checked > 20,
        "only {checked} test files found in {}",
        dir.display()
    );
}

/// Run only by the test below, as a child of it: needs a program no machine has.
fn needs_a_missing_program() {
    crate::support::require("sso-env-test-no-such-program");
    panic!("the test went on without its program");
}

/// The skip policy, end to end through this very test binary: a missing program is reported as
/// skipped with its reason and counted; under `SSO_ENV_TEST_REQUIRE=all` it fails and names the
/// program, unless `SSO_ENV_TEST_ALLOW_SKIP` lists it.
fn a_missing_program_is_a_counted_skip_or_under_require_all_a_failure() {
    let run = |env: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
        cmd.args(["--ignored", "--exact", "suite::needs_a_missing_program"])
            .env_remove("SSO_ENV_TEST_REQUIRE")
            .env_remove("SSO_ENV_TEST_ALLOW_SKIP");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let (ok, text) = run(&[]);
    assert!(ok, "a skip is not a failure: {text}");
    assert!(
        text.contains(
            "ignored (sso-env-test-no-such-program: sso-env-test-no-such-program is not installed"
        ),
        "{text}"
    );
    assert!(
        text.contains("tests: 0 passed, 0 failed, 1 skipped"),
        "{text}"
    );
    assert!(
        text.contains("  sso-env-test-no-such-program: 1 test(s)"),
        "{text}"
    );
    let (ok, text) = run(&[("SSO_ENV_TEST_REQUIRE", "all")]);
    assert!(!ok, "under SSO_ENV_TEST_REQUIRE=all a skip fails: {text}");
    assert!(
        text.contains("sso-env-test-no-such-program is required (SSO_ENV_TEST_REQUIRE=all)"),
        "{text}"
    );
    assert!(
        text.contains("tests: 0 passed, 1 failed, 0 skipped"),
        "{text}"
    );
    let allowed = [
        ("SSO_ENV_TEST_REQUIRE", "all"),
        (
            "SSO_ENV_TEST_ALLOW_SKIP",
            "powershell,sso-env-test-no-such-program",
        ),
    ];
    let (ok, text) = run(&allowed);
    assert!(ok && text.contains("1 skipped"), "{text}");
}

crate::tests![
    every_test_file_is_a_module_and_no_test_uses_the_standard_attribute,
    needs_a_missing_program = ignored,
    a_missing_program_is_a_counted_skip_or_under_require_all_a_failure,
];
