//! The main job end to end, on any machine, against the bundled Identity Center stand-in:
//! a sample `~/.aws/config` in a temporary HOME, `sso-env login` (browser flow with PKCE; this
//! program plays a browser whose user is already signed in), `sso-env export` in your shell's
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
    // Started again by sso-env as $BROWSER: act as the browser.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--browser") {
        return browse(&args[2]);
    }
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

    println!("\n== $ sso-env login --profile koa-dev-customer\n");
    let me = std::env::current_exe().expect("own path");
    let out = sb
        .command(&["login", "--profile", "koa-dev-customer"])
        .env("BROWSER", format!("{} --browser %s", me.display()))
        .output()
        .expect("run sso-env");
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        println!("   {line}");
    }
    check(&out);
    println!(
        "\n   token cached where the AWS CLI keeps it: {}",
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

/// The "browser": opens the sign-in page (the stand-in answers like a signed-in session, with
/// a redirect) and follows the redirect back to sso-env's listener on 127.0.0.1.
fn browse(url: &str) {
    let (status, headers, _) = support::standin::http_get(url).expect("sign-in page");
    let location = headers
        .iter()
        .find(|(k, _)| k == "location")
        .map(|(_, v)| v.clone());
    match (status, location) {
        (302, Some(to)) => {
            support::standin::http_get(&to).expect("callback");
        }
        other => eprintln!("demo browser: unexpected answer {other:?}"),
    }
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
