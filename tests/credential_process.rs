//! As a `credential_process`, sso-env runs with the AWS CLI's pipes on stdout and stderr but the
//! user's terminal on stdin. A sign-in started there would print where nobody looks and hang;
//! sso-env must fail at once with the login command instead. Run under `script`, which gives
//! the command a real pty.

use crate::support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use support::Sandbox;

/// `script` running `inner` (a sh command line) on a pty, stdin held open by the test.
fn under_pty(sb: &Sandbox, inner: &str) -> std::process::Child {
    let mut cmd = std::process::Command::new(crate::support::harness::require_unix("script"));
    sb.clean_env(&mut cmd);
    cmd.args(["-qec", inner, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn no_visible_terminal_fails_at_once_with_the_login_command() {
    support::harness::require_unix("script");
    let sb = Sandbox::new();
    let err = sb.home().join("stderr.txt");
    let bin = support::bin();
    // stdin and stdout on the pty (a terminal), stderr captured as the AWS CLI captures it.
    let inner = format!(
        "test -t 0 || echo 'stdin is no tty'; '{}' export koa-dev-customer --format process 2>'{}' </dev/tty",
        bin.display(),
        err.display()
    );
    let child = under_pty(&sb, &inner);
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut child = child;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline || !sb.server.requests().is_empty() {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "a sign-in was started nobody can see; requests: {:?}",
                sb.server.requests().len()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = child.wait_with_output().unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(!screen.contains("stdin is no tty"), "{screen}");
    assert!(!status.success());
    let stderr = std::fs::read_to_string(&err).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("run: sso-env login --profile koa-dev-customer"),
        "{stderr}"
    );
    assert!(screen.trim().is_empty(), "nothing on stdout: {screen:?}");
    assert!(sb.server.requests().is_empty());
}

/// The control: with stderr on the terminal too, the same command does start a sign-in.
fn a_visible_terminal_still_signs_in_on_demand() {
    support::harness::require_unix("script");
    let sb = Sandbox::new();
    let inner = format!(
        "'{}' export koa-dev-customer --format process --region eu-west-1",
        support::bin().display()
    );
    let mut child = under_pty(&sb, &inner);
    let deadline = Instant::now() + Duration::from_secs(120);
    while sb.server.requests().is_empty() {
        assert!(
            Instant::now() < deadline && child.try_wait().unwrap().is_none(),
            "no sign-in started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

crate::tests![
    no_visible_terminal_fails_at_once_with_the_login_command,
    a_visible_terminal_still_signs_in_on_demand,
];
