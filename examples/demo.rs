//! The main job end to end, on any machine, against the bundled Identity Center stand-in:
//! a sample `~/.aws/config` in a temporary HOME, a sign-in, `sso-env export` in your shell's
//! syntax, and `sso-env exec` running a command that prints what it received.
//!
//!     cargo run --example demo
//!
//! Nothing touches your real ~/.aws and nothing leaves 127.0.0.1.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    build_binary();
    let sb = support::Sandbox::new();
    println!(
        "== Identity Center stand-in listening on {}",
        sb.server.url()
    );
    println!("== sample config in {}:\n", sb.config_path().display());
    for line in support::CONFIG.lines().take(12) {
        println!("    {line}");
    }

    // Until `sso-env login` exists, sign in the way `aws sso login` leaves things: a token in
    // ~/.aws/sso/cache under the AWS CLI's key.
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    println!(
        "\n== signed in: token cached at {}",
        sb.token_path("koa").display()
    );

    let shell = std::env::var("SHELL").unwrap_or_default();
    let mut export = sb.command(&["export", "koa-dev-customer"]);
    export.env("SHELL", &shell);
    println!("\n== $ sso-env export koa-dev-customer      (format from SHELL={shell:?})\n");
    let started = Instant::now();
    let out = export.output().expect("run sso-env");
    let cold = started.elapsed();
    check(&out);
    print!("{}", String::from_utf8_lossy(&out.stdout));
    println!(
        "\n   cold: {:.1} ms, {} GetRoleCredentials call(s) to the stand-in",
        ms(cold),
        sb.server.count("GetRoleCredentials")
    );

    let started = Instant::now();
    let out = sb.run(&["export", "koa-dev-customer", "--format", "json"]);
    let warm = started.elapsed();
    check(&out);
    println!("   warm: {:.1} ms, still {} call(s): served from ~/.aws/cli/cache, shared with the AWS CLI", ms(warm), sb.server.count("GetRoleCredentials"));

    let script = r#"echo "  profile  $AWS_PROFILE ($SSO_ENV_ROLE_NAME in $SSO_ENV_ACCOUNT_ID, $AWS_REGION)"; echo "  key id   $AWS_ACCESS_KEY_ID"; echo "  expires  $AWS_CREDENTIAL_EXPIRATION"; echo "  args     $*""#;
    println!("\n== $ sso-env exec koa-dev-customer -- sh -c '...' one 'two words'\n");
    let out = sb.run(&[
        "exec",
        "koa-dev-customer",
        "--",
        "sh",
        "-c",
        script,
        "sh",
        "one",
        "two words",
    ]);
    check(&out);
    print!("{}", String::from_utf8_lossy(&out.stdout));

    println!("\n== a mistake gets one line on stderr and nothing on stdout:\n");
    let out = sb.run(&["export", "koa-dev-custmer"]);
    print!("   {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty() && !out.status.success());
    println!("\n== done");
}

/// `cargo run --example` builds the example, not the binary it demonstrates: build it here.
fn build_binary() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--quiet", "--bin", "sso-env"]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let status = cmd.status().expect("run cargo");
    assert!(status.success(), "cargo build failed");
}

fn check(out: &std::process::Output) {
    if !out.status.success() {
        eprintln!("sso-env failed: {}", String::from_utf8_lossy(&out.stderr));
        std::process::exit(1);
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
