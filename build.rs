//! Sets `SSO_ENV_VERSION` for `sso-env --version`: the package version and the commit it was
//! built from, e.g. `0.1.0 (44d0c4d12 2026-11-26)` (`-dirty` when its sources had changes).
//!
//! Where the commit comes from, first that answers:
//! 1. git, when this crate is the top of a git checkout (a clone, `cargo install --git`);
//! 2. `SSO_ENV_BUILD_COMMIT`, for builds from a copy without `.git` (distribution packages);
//! 3. `.cargo_vcs_info.json`, which `cargo package` writes into a published crate;
//! 4. `unknown`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=SSO_ENV_BUILD_COMMIT");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let commit = from_git(&manifest_dir)
        .or_else(|| {
            std::env::var("SSO_ENV_BUILD_COMMIT")
                .ok()
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
        })
        .or_else(|| from_vcs_info(&manifest_dir))
        .unwrap_or_else(|| "unknown".to_string());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap();
    println!("cargo:rustc-env=SSO_ENV_VERSION={version} ({commit})");
    println!("cargo:rustc-env=SSO_ENV_COMMIT={commit}");
}

/// What goes into the binary: `-dirty` means one of these differs from the commit (tracked
/// files only; an edit under tests/ or an untracked scratch file does not change the binary, and
/// watching them would rebuild the crate for every test edit).
const INPUTS: [&str; 5] = ["src", "shell", "build.rs", "Cargo.toml", "Cargo.lock"];

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}

/// `HASH DATE[-dirty]` from git, only when the crate itself is the top of the checkout: a
/// packaged copy unpacked inside some other repository (`target/package/` under this one,
/// say) must not report that repository's commit.
fn from_git(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(Path::new(&top), dir) {
        return None;
    }
    watch_git(dir);
    let hash = git(dir, &["rev-parse", "--short=9", "HEAD"])?;
    let date = git(dir, &["log", "-1", "--format=%cd", "--date=short", "HEAD"])?;
    let mut status = vec!["status", "--porcelain", "--untracked-files=no", "--"];
    status.extend(INPUTS);
    let dirty = git(dir, &status).is_some_and(|s| !s.is_empty());
    Some(format!(
        "{hash} {date}{}",
        if dirty { "-dirty" } else { "" }
    ))
}

/// Build again when HEAD moves (a commit, a checkout) or the sources change (dirty state).
fn watch_git(dir: &Path) {
    let path = |p: &str| git(dir, &["rev-parse", "--git-path", p]).map(|g| dir.join(g));
    let mut watched: Vec<PathBuf> = ["HEAD", "index", "packed-refs"]
        .iter()
        .filter_map(|p| path(p))
        .collect();
    if let Some(head) = path("HEAD").and_then(|h| std::fs::read_to_string(h).ok()) {
        if let Some(r) = head.trim().strip_prefix("ref: ") {
            watched.extend(path(r));
        }
    }
    for p in watched.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    // Without these lines cargo would rerun this script only for the git files above, and a
    // source edit would keep reporting a clean tree.
    for p in INPUTS {
        if dir.join(p).exists() {
            println!("cargo:rerun-if-changed={p}");
        }
    }
}

/// The commit `cargo package` recorded (`{"git": {"sha1": "..."}}`), shortened to 9.
fn from_vcs_info(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    // `cargo package` verifies in this checkout's target directory, where its build shares this
    // script's fingerprint: watching a file only a package has makes the next build in the
    // checkout run the script again instead of keeping the package's version line.
    println!("cargo:rerun-if-changed=.cargo_vcs_info.json");
    let start = text.find("\"sha1\"")? + "\"sha1\"".len();
    let rest = text[start..].trim_start().strip_prefix(':')?.trim_start();
    let hash: String = rest
        .strip_prefix('"')?
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (hash.len() >= 9).then(|| hash[..9].to_string())
}
