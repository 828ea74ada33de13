//! Secrets audit: every flow run with `SSO_ENV_LOG=debug`, and no secret the stand-in issued
//! (tokens, refresh tokens, client secrets, keys, session tokens, codes) may appear on stderr,
//! or on stdout of commands that do not print credentials. Cache and lock files are 0600 in
//! 0700 directories, and links planted at cache paths do not redirect writes.

use crate::support;

#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;
use std::process::Output;
use std::time::{Duration, SystemTime};

use support::Sandbox;

#[cfg(unix)]
const HOUR: Duration = Duration::from_secs(3600);

fn browser() -> String {
    support::fake_browser()
}

fn run(sb: &Sandbox, args: &[&str]) -> Output {
    sb.command(args)
        .env("SSO_ENV_LOG", "debug")
        .env("BROWSER", browser())
        .env("FAKE_BROWSER_LOG", sb.home().join("browser.json"))
        .env("SSO_ENV_FEDERATION_ENDPOINT", sb.server.url())
        .output()
        .unwrap()
}

fn no_secret_in_logs_errors_or_quiet_output() {
    let sb = Sandbox::new();
    // (command, whether its stdout carries credentials by design)
    let mut runs: Vec<(String, Output, bool)> = Vec::new();
    let mut go = |args: &[&str], prints_secrets: bool| {
        let out = run(&sb, args);
        runs.push((args.join(" "), out, prints_secrets));
    };
    go(&["login", "--profile", "koa-dev-customer"], false);
    go(&["export", "koa-dev-customer", "--format", "json"], true);
    go(&["export", "koa-dev-customer", "--format", "bash"], true);
    go(&["exec", "koa-dev-customer", "--", "true"], false);
    go(&["profiles", "--json"], false);
    go(&["console", "koa-dev-customer", "--print"], true);
    // Refresh: age the token, drop the cached role.
    let path = sb.token_path("koa");
    let mut token: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    token["expiresAt"] =
        humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(300))
            .to_string()
            .into();
    std::fs::write(&path, token.to_string()).unwrap();
    std::fs::remove_dir_all(sb.role_cache_dir()).unwrap();
    go(&["export", "koa-dev-customer", "--format", "sh"], true);
    // Failures: the service errs, the token is revoked.
    std::fs::remove_dir_all(sb.role_cache_dir()).unwrap();
    sb.server.always_fail("GetRoleCredentials", 500);
    go(&["export", "koa-dev-customer"], false);
    sb.server.clear_faults();
    let t = serde_json::from_slice::<serde_json::Value>(&std::fs::read(&path).unwrap()).unwrap()
        ["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    sb.server.revoke(&t);
    go(&["export", "koa-dev-customer", "--no-login"], false);
    go(
        &["login", "--profile", "legacy-style", "--no-browser"],
        false,
    );
    go(&["logout", "--all"], false);

    let secrets = sb.server.issued_secrets();
    assert!(
        secrets.len() > 10,
        "the flows issued secrets: {}",
        secrets.len()
    );
    let debug_lines: usize = runs
        .iter()
        .map(|(_, o, _)| String::from_utf8_lossy(&o.stderr).matches("debug:").count())
        .sum();
    assert!(debug_lines > 10, "debug logging was on");
    for (what, out, prints_secrets) in &runs {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        for s in &secrets {
            assert!(
                !stderr.contains(s.as_str()),
                "{what}: a secret on stderr:\n{stderr}"
            );
            if !prints_secrets {
                assert!(
                    !stdout.contains(s.as_str()),
                    "{what}: a secret on stdout:\n{stdout}"
                );
            }
        }
    }
    // The browser was given the sign-in page only (its argv is that URL).
    let seen = std::fs::read_to_string(sb.home().join("browser.json")).unwrap();
    let url: serde_json::Value = serde_json::from_str(&seen).unwrap();
    let url = url["url"].as_str().unwrap();
    assert!(
        secrets.iter().all(|s| !url.contains(s.as_str())),
        "the sign-in URL holds no secret: {url}"
    );
}

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn cache_and_lock_files_are_private() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    sb.ok(&["export", "koa-dev-customer"]);
    let locks = sb.home().join(".aws/sso-env/locks");
    for dir in [sb.role_cache_dir(), locks.clone()] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
        let files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(!files.is_empty());
        for f in files {
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    }
}

#[cfg(unix)]
fn links_planted_at_cache_paths_do_not_redirect_writes() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    let elsewhere = sb.home().join("elsewhere");
    std::fs::write(&elsewhere, "untouched").unwrap();
    let entry = sb.role_cache_path("931827427725", "idp_customer_access", "koa");
    std::fs::create_dir_all(entry.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &entry).unwrap();
    let lock_dir = sb.home().join(".aws/sso-env/locks");
    std::fs::create_dir_all(&lock_dir).unwrap();
    let lock_target = sb.home().join("lock-target");
    let key = entry.file_stem().unwrap().to_string_lossy().to_string();
    std::os::unix::fs::symlink(&lock_target, lock_dir.join(format!("{key}.lock"))).unwrap();

    sb.ok(&["export", "koa-dev-customer"]);
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "untouched");
    assert!(
        !std::fs::symlink_metadata(&entry)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the entry is a plain file now"
    );
    assert!(!lock_target.exists(), "the lock did not follow the link");
}

crate::tests![
    no_secret_in_logs_errors_or_quiet_output,
    #[cfg(unix)]
    cache_and_lock_files_are_private,
    #[cfg(unix)]
    links_planted_at_cache_paths_do_not_redirect_writes,
];
