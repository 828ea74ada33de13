//! Setting up from nothing with sso-env alone: the config writer (symlinks, CRLF, comments,
//! backups) under `discover --write` and `configure`, `configure` in flag form and as a
//! wizard at a terminal, and botocore reading what was written.

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use support::{python, Sandbox};

const HOUR: Duration = Duration::from_secs(3600);

/// `CONFIG` with CRLF line endings and comments of both kinds.
fn crlf_config() -> String {
    format!(
        "; kept as is\r\n# and this\r\n{}",
        support::CONFIG.replace('\n', "\r\n")
    )
}

/// Moves `~/.aws/config` into a dotfiles folder and links it back, as stow does.
fn link_config(sb: &Sandbox, text: &str) -> std::path::PathBuf {
    let dotfiles = sb.home().join("dotfiles").join("aws");
    std::fs::create_dir_all(&dotfiles).unwrap();
    let target = dotfiles.join("config");
    std::fs::write(&target, text).unwrap();
    std::fs::create_dir_all(sb.home().join(".aws")).unwrap();
    std::os::unix::fs::symlink("../dotfiles/aws/config", sb.config_path()).unwrap();
    target
}

fn assert_still_linked(sb: &Sandbox, target: &Path) {
    let meta = std::fs::symlink_metadata(sb.config_path()).unwrap();
    assert!(
        meta.file_type().is_symlink(),
        "~/.aws/config is still a link"
    );
    assert_eq!(
        std::fs::read_link(sb.config_path()).unwrap(),
        Path::new("../dotfiles/aws/config")
    );
    assert_eq!(
        std::fs::read(sb.config_path()).unwrap(),
        std::fs::read(target).unwrap()
    );
}

/// botocore lists `names` and fetches credentials for `profile` through the stand-in; returns
/// the access key it got.
fn botocore_resolves(sb: &Sandbox, names: &[&str], profile: &str) -> String {
    let script = format!(
        r#"
import json, botocore.session
s = botocore.session.Session()
names = s.available_profiles
c = botocore.session.Session(profile="{profile}").get_credentials().get_frozen_credentials()
print(json.dumps({{"names": names, "key": c.access_key}}))
"#
    );
    let out = python(sb, &script);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for n in names {
        assert!(
            v["names"].as_array().unwrap().iter().any(|x| x == n),
            "botocore lists {n}: {v}"
        );
    }
    v["key"].as_str().unwrap().to_string()
}

#[test]
fn discover_write_keeps_a_symlinked_crlf_config_a_symlink() {
    let sb = Sandbox::empty();
    let original = crlf_config();
    let target = link_config(&sb, &original);
    sb.seed_token("koa", 8 * HOUR);
    sb.ok(&["discover", "--sso-session", "koa", "--write"]);
    assert_still_linked(&sb, &target);
    let new = std::fs::read_to_string(&target).unwrap();
    assert!(new.starts_with(&original), "existing bytes kept");
    let added = &new[original.len()..];
    assert!(
        added.contains("[profile koa-dev-ReadOnly]\r\n"),
        "{added:?}"
    );
    assert!(
        !added.replace("\r\n", "").contains('\n'),
        "every new line ends in CRLF: {added:?}"
    );
    let backup = sb.config_path().with_file_name("config.sso-env-backup");
    assert_eq!(std::fs::read_to_string(backup).unwrap(), original);
    let key = botocore_resolves(
        &sb,
        &["koa-dev-ReadOnly", "legacy-style"],
        "koa-dev-ReadOnly",
    );
    assert_eq!(
        key,
        sb.server.issued_credentials().last().unwrap().access_key_id
    );
}
