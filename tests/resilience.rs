//! When the disk says no: a refreshed sign-in that cannot be saved is still used, and lock or
//! cache places that cannot be created or read are a warning and a cache miss.
#![cfg(unix)]

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use support::{Sandbox, CONFIG};

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    /// Skips the test (see `support::harness`) where this runner may not mount.
    fn tmpfs(at: &Path, size: &str) -> Mount {
        std::fs::create_dir_all(at).unwrap();
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(at)
            .output();
        match out {
            Ok(o) if o.status.success() => Mount(at.to_path_buf()),
            Ok(o) => crate::support::skip(
                "tmpfs",
                &format!(
                    "cannot mount a tmpfs here: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                ),
            ),
            Err(e) => crate::support::skip("tmpfs", &format!("no mount command: {e}")),
        }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn run_in(sb: &Sandbox, home: &Path, args: &[&str]) -> Output {
    sb.command(args)
        .env("HOME", home)
        .current_dir(home)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A signed-in HOME on a 1 MiB tmpfs whose token has ten minutes left (so the next use
/// refreshes it); returns the mount, HOME, the token file and the old access token.
fn small_home_needing_a_refresh(sb: &Sandbox) -> (Mount, PathBuf, PathBuf, String) {
    let home = sb.home().join("small");
    let mount = Mount::tmpfs(&home, "1m");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(home.join(".aws/config"), CONFIG).unwrap();
    // A real sign-in with a refresh token (device code, approved at once).
    sb.server.set_always_issue_refresh_token(Some(true));
    ok(&run_in(
        sb,
        &home,
        &["login", "--profile", "koa-dev-customer", "--device-code"],
    ));
    let token_file = home
        .join(".aws/sso/cache")
        .join(format!("{}.json", support::sha1_hex("koa")));
    let mut token: Value = serde_json::from_slice(&std::fs::read(&token_file).unwrap()).unwrap();
    token["expiresAt"] = Value::String(
        humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(600)).to_string(),
    );
    std::fs::write(&token_file, serde_json::to_vec(&token).unwrap()).unwrap();
    let old_access = token["accessToken"].as_str().unwrap().to_string();
    (mount, home, token_file, old_access)
}

/// Fills the tmpfs; returns the filler file.
fn fill(home: &Path) -> PathBuf {
    let filler = home.join("filler");
    let full = std::fs::write(&filler, vec![0u8; 4 << 20]);
    assert!(full.is_err(), "the tmpfs should be full");
    filler
}

fn refreshes(sb: &Sandbox) -> usize {
    sb.server
        .requests_for("CreateToken")
        .into_iter()
        .filter(|r| r.json().unwrap()["grantType"] == "refresh_token")
        .count()
}

fn a_refreshed_sign_in_that_cannot_be_saved_is_used_and_the_next_run_needs_no_sign_in() {
    let sb = Sandbox::new();
    let (_mount, home, token_file, old_access) = small_home_needing_a_refresh(&sb);
    let before = std::fs::read(&token_file).unwrap();
    let filler = fill(&home);

    let out = run_in(
        &sb,
        &home,
        &[
            "export",
            "koa-dev-customer",
            "--no-login",
            "--format",
            "json",
        ],
    );
    let stderr = ok(&out);
    let vars: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        vars["AWS_ACCESS_KEY_ID"],
        sb.server.issued_credentials()[0].access_key_id.as_str()
    );
    assert_eq!(refreshes(&sb), 1);
    // The role was fetched with the refreshed token, not the one in the file.
    let fetch = &sb.server.requests_for("GetRoleCredentials")[0];
    let used = fetch.header("x-amz-sso_bearer_token").unwrap();
    assert_ne!(used, old_access);
    assert!(sb.server.token_is_valid(used));
    // One warning naming the file and the OS error; the file is as it was.
    assert!(
        stderr.contains(&format!("cannot write {}", token_file.display()))
            && stderr.contains("No space left on device")
            && stderr.contains("for this command only"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&token_file).unwrap(), before);

    // With space again, the next run works without a sign-in (--no-login would refuse one).
    std::fs::remove_file(&filler).unwrap();
    ok(&run_in(
        &sb,
        &home,
        &[
            "export",
            "koa-dev-customer",
            "--no-login",
            "--format",
            "json",
        ],
    ));
    assert_eq!(
        sb.server.count("StartDeviceAuthorization"),
        1,
        "no new sign-in"
    );
}

fn an_unusable_lock_or_cache_place_is_a_warning_and_a_miss() {
    let sb = Sandbox::new();
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    // A file where the lock directory should be (as good as root-owned, for root too).
    std::fs::write(sb.home().join(".aws/sso-env"), "not a directory").unwrap();
    // A directory where the role-cache entry should be: it can be neither read nor replaced.
    let entry = sb.role_cache_path("931827427725", "idp_customer_access", "koa");
    std::fs::create_dir_all(&entry).unwrap();
    for _ in 0..2 {
        let out = sb.run(&["export", "koa-dev-customer", "--format", "json"]);
        let stderr = ok(&out);
        let vars: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(vars["AWS_ACCESS_KEY_ID"].is_string());
        let lines: Vec<&str> = stderr.lines().collect();
        assert!(
            lines.iter().all(|l| l.starts_with("sso-env: warning: ")),
            "{stderr}"
        );
        let lock_dir = sb.home().join(".aws/sso-env/locks");
        assert_eq!(
            lines
                .iter()
                .filter(
                    |l| l.contains(&format!("cannot create directory {}", lock_dir.display()))
                        && l.contains("going on without the lock")
                )
                .count(),
            1,
            "{stderr}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains(&format!("cannot read {}", entry.display()))
                    && l.contains("treated as not cached")),
            "{stderr}"
        );
    }
    // Each run was a miss: two fetches.
    assert_eq!(sb.server.count("GetRoleCredentials"), 2);
}

fn a_read_only_home_still_gets_credentials() {
    let sb = Sandbox::new();
    let home = sb.home().join("ro");
    let mount = Mount::tmpfs(&home, "1m");
    std::fs::create_dir_all(home.join(".aws/sso/cache")).unwrap();
    std::fs::write(home.join(".aws/config"), CONFIG).unwrap();
    let token = sb.server.issue_token(Duration::from_secs(8 * 3600));
    let expires =
        humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(8 * 3600));
    std::fs::write(
        home.join(".aws/sso/cache").join(format!("{}.json", support::sha1_hex("koa"))),
        format!(r#"{{"startUrl": "{}", "region": "eu-west-1", "accessToken": "{token}", "expiresAt": "{expires}"}}"#, support::START_URL),
    )
    .unwrap();
    let remount = Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&mount.0)
        .status()
        .unwrap();
    support::skip_unless(
        remount.success(),
        "tmpfs",
        "cannot remount the tmpfs read-only",
    );
    let out = run_in(
        &sb,
        &home,
        &["export", "koa-dev-customer", "--format", "json"],
    );
    let stderr = ok(&out);
    assert!(stderr.contains("going on without the lock"), "{stderr}");
    assert!(stderr.contains("Read-only file system"), "{stderr}");
    let vars: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        vars["AWS_ACCESS_KEY_ID"],
        sb.server.issued_credentials()[0].access_key_id.as_str()
    );
}

/// `exec --server` on a full disk: the endpoint keeps the refreshed sign-in it could not save
/// and fetches the next credentials with it, without spending the burnt refresh token again.
fn a_long_running_endpoint_keeps_the_sign_in_it_could_not_save() {
    let sb = Sandbox::new();
    let (_mount, home, _token_file, old_access) = small_home_needing_a_refresh(&sb);
    sb.server
        .set_role_credentials_ttl(Duration::from_secs(15 * 60 + 5));
    fill(&home);
    let script = r#"
import botocore.session, datetime, time
creds = botocore.session.Session().get_credentials()
first = creds.get_frozen_credentials().access_key
left = (creds._expiry_time - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
time.sleep(max(0, left - 900 + 2))
second = creds.get_frozen_credentials().access_key
print(first, second)
"#;
    let out = sb
        .command(&[
            "exec",
            "--server",
            "koa-dev-customer",
            "--no-login",
            "--",
            "python3",
            "-c",
            script,
        ])
        .env("HOME", &home)
        .current_dir(&home)
        .output()
        .unwrap();
    let stderr = ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let keys: Vec<&str> = stdout.split_whitespace().collect();
    assert_eq!(keys.len(), 2, "{stdout}");
    assert_ne!(keys[0], keys[1], "rotated");
    let fetches = sb.server.requests_for("GetRoleCredentials");
    assert!(fetches.len() >= 2);
    let bearer = |r: &support::standin::LoggedRequest| {
        r.header("x-amz-sso_bearer_token").unwrap().to_string()
    };
    for f in &fetches {
        assert_ne!(bearer(f), old_access, "{stderr}");
        assert_eq!(bearer(f), bearer(&fetches[0]));
    }
    assert_eq!(
        refreshes(&sb),
        1,
        "the refresh token is spent once: {stderr}"
    );
}

crate::tests![
    a_refreshed_sign_in_that_cannot_be_saved_is_used_and_the_next_run_needs_no_sign_in,
    an_unusable_lock_or_cache_place_is_a_warning_and_a_miss,
    a_read_only_home_still_gets_credentials,
    a_long_running_endpoint_keeps_the_sign_in_it_could_not_save,
];
