//! `sso-env --version` names the commit the binary was built from (build.rs), checked on the
//! real binary against git in this checkout.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn version_names_the_commit_it_was_built_from() {
    let out = Command::new(env!("CARGO_BIN_EXE_sso-env"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let printed = String::from_utf8(out.stdout).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap();
    let top =
        git(&["rev-parse", "--show-toplevel"]).and_then(|t| Path::new(&t).canonicalize().ok());
    if top.as_deref() != Some(root.as_path()) {
        eprintln!(
            "skipped the commit check: {} is not a git checkout",
            root.display()
        );
        assert!(
            printed.starts_with(&format!("sso-env {version} (")),
            "{printed}"
        );
        return;
    }
    let hash = git(&["rev-parse", "--short=9", "HEAD"]).unwrap();
    let date = git(&["log", "-1", "--format=%cd", "--date=short", "HEAD"]).unwrap();
    // The same inputs as build.rs: a change under tests/ does not make the binary dirty.
    let status = git(&[
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        "src",
        "shell",
        "build.rs",
        "Cargo.toml",
        "Cargo.lock",
    ])
    .unwrap();
    let dirty = if status.is_empty() { "" } else { "-dirty" };
    assert_eq!(
        printed,
        format!("sso-env {version} ({hash} {date}{dirty})\n")
    );
    assert_eq!(hash.len(), 9, "{hash}");

    // -V is the same line.
    let short = Command::new(env!("CARGO_BIN_EXE_sso-env"))
        .arg("-V")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(short.stdout).unwrap(), printed);
}

crate::tests![version_names_the_commit_it_was_built_from,];
