//! The release as README.md describes it: the archive names in its Install section are the ones
//! the release workflow builds (the targets of `.github/workflows/release.yml`, named by
//! `packaging/archive.sh`, run here on a stand-in binary), the archives hold what they should,
//! and `packaging/update.sh` sets the Homebrew formula and the Scoop manifest to a release's
//! archives. The scripts are bash: off Unix those tests say they skipped.

use std::collections::BTreeSet;
use std::path::Path;
#[cfg(unix)]
use std::{path::PathBuf, process::Command};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const REPO: &str = env!("CARGO_PKG_REPOSITORY");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `- target: X` entries of the release workflow's build matrix.
fn release_targets() -> Vec<String> {
    read(".github/workflows/release.yml")
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- target:"))
        .map(|t| t.trim().to_string())
        .collect()
}

fn is_windows(target: &str) -> bool {
    target.contains("-windows-")
}

/// README's "### Install" section.
fn install_section() -> String {
    let readme = read("README.md");
    let start = readme
        .find("### Install")
        .expect("README has an Install section");
    let rest = &readme[start + 3..];
    rest[..rest.find("\n### ").unwrap_or(rest.len())].to_string()
}

/// Every literal `sso-env-VERSION-….tar.gz`/`.zip` in `text` (names spelled with shell
/// variables are not literal and not counted).
#[cfg(unix)]
fn archive_names(text: &str, version: &str) -> BTreeSet<String> {
    let prefix = format!("sso-env-{version}-");
    text.match_indices(&prefix)
        .map(|(at, _)| {
            text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
                .collect::<String>()
        })
        .map(|n| n.trim_end_matches(".sha256").to_string())
        .filter(|n| n.ends_with(".tar.gz") || n.ends_with(".zip"))
        .collect()
}

/// The quoted values after `key` on each line that has it: `url "…"`, `"hash": "…"`.
fn quoted_after(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let rest = &l[l.find(key)? + key.len()..];
            let rest = &rest[rest.find('"')? + 1..];
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

fn readme_install_commands_match_the_metadata_and_the_packaging() {
    let section = install_section();
    for needle in [
        format!("cargo install --locked --git {REPO}\n"),
        format!("cargo install --locked {}\n", env!("CARGO_PKG_NAME")),
        "brew install sso-env/tap/sso-env".to_string(),
        format!("scoop install {REPO}/releases/download/v{VERSION}/sso-env.json"),
        "sha256sum -c".to_string(),
        "shasum -a 256 -c".to_string(),
        "Get-FileHash".to_string(),
    ] {
        assert!(
            section.contains(&needle),
            "README's Install section lacks `{needle}`"
        );
    }
    for (at, _) in section.match_indices("https://github.com/") {
        assert!(
            section[at..].starts_with(REPO),
            "README's Install section names another repository than Cargo.toml's: {}",
            &section[at..at + 60.min(section.len() - at)]
        );
    }
    // The release attaches the manifest that the scoop line installs.
    let release = read(".github/workflows/release.yml");
    assert!(release.contains("packaging/scoop/sso-env.json dist/"));

    // Formula: every release target but Windows; manifest: the Windows ones. Both download from
    // this repository's releases, with archive.sh's names.
    let targets = release_targets();
    let from_urls = |urls: Vec<String>| -> BTreeSet<String> {
        urls.iter()
            .map(|u| {
                let prefix = format!("{REPO}/releases/download/v");
                assert!(u.starts_with(&prefix), "{u}");
                let name = u.rsplit('/').next().unwrap();
                let version = &u[prefix.len()..u.len() - name.len() - 1];
                let target = name
                    .strip_prefix(&format!("sso-env-{version}-"))
                    .unwrap_or_else(|| panic!("{u}"));
                let (target, ext) = target.split_once('.').unwrap();
                let want = if is_windows(target) { "zip" } else { "tar.gz" };
                assert_eq!(ext, want, "{u}");
                target.to_string()
            })
            .collect()
    };
    let brew = from_urls(quoted_after(&read("packaging/homebrew/sso-env.rb"), "url "));
    let manifest: serde_json::Value =
        serde_json::from_str(&read("packaging/scoop/sso-env.json")).unwrap();
    let scoop = from_urls(vec![manifest["architecture"]["64bit"]["url"]
        .as_str()
        .unwrap()
        .to_string()]);
    let want_brew: BTreeSet<_> = targets.iter().filter(|t| !is_windows(t)).cloned().collect();
    let want_scoop: BTreeSet<_> = targets.iter().filter(|t| is_windows(t)).cloned().collect();
    assert_eq!(brew, want_brew, "the formula's archives");
    assert_eq!(scoop, want_scoop, "the manifest's archives");
}

/// Runs packaging/archive.sh on `bin` for `target` into `out`; returns the archive's path.
#[cfg(unix)]
fn make_archive(version: &str, target: &str, bin: &Path, out: &Path) -> PathBuf {
    let run = std::process::Command::new(crate::support::harness::require_unix("bash"))
        .arg(root().join("packaging/archive.sh"))
        .args([version, target])
        .arg(bin)
        .arg(out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "archive.sh {target}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    PathBuf::from(String::from_utf8(run.stdout).unwrap().trim())
}

#[cfg(unix)]
fn list_archive(path: &Path) -> BTreeSet<String> {
    let out = if path.extension().is_some_and(|e| e == "zip") {
        crate::support::python_command()
            .args([
                "-c",
                "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
            ])
            .arg(path)
            .output()
            .unwrap()
    } else {
        Command::new("tar").arg("tzf").arg(path).output().unwrap()
    };
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.ends_with('/'))
        .map(str::to_string)
        .collect()
}

#[cfg(unix)]
fn sha256_file(archive: &Path) -> (String, String) {
    let text = std::fs::read_to_string(format!("{}.sha256", archive.display())).unwrap();
    let (hash, name) = text.trim_end().split_once("  ").expect("HASH  NAME");
    assert!(
        hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{text}"
    );
    (hash.to_string(), name.to_string())
}

#[cfg(unix)]
fn readme_names_the_archives_the_release_builds() {
    let targets = release_targets();
    for t in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.iter().any(|x| x == t), "release.yml builds {t}");
    }
    assert!(read(".github/workflows/release.yml").contains("bash packaging/archive.sh"));

    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("stand-in");
    std::fs::write(&bin, "a stand-in binary").unwrap();
    let out = tmp.path().join("dist");
    let completions: Vec<String> = std::fs::read_dir(root().join("completions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let mut produced = BTreeSet::new();
    for target in &targets {
        let archive = make_archive(VERSION, target, &bin, &out);
        let name = archive.file_name().unwrap().to_string_lossy().to_string();
        let dir = format!("sso-env-{VERSION}-{target}");
        let exe = if is_windows(target) {
            "sso-env.exe"
        } else {
            "sso-env"
        };
        let mut want: BTreeSet<String> = [exe, "README.md", "LICENSE-MIT", "LICENSE-APACHE"]
            .iter()
            .map(|f| format!("{dir}/{f}"))
            .collect();
        want.extend(completions.iter().map(|f| format!("{dir}/completions/{f}")));
        assert_eq!(list_archive(&archive), want, "{name}");
        assert_eq!(sha256_file(&archive).1, name);
        produced.insert(name);
    }
    let in_readme = archive_names(&install_section(), VERSION);
    assert_eq!(
        in_readme, produced,
        "README's Install section names other archives than the release builds for {VERSION} \
         (after a version bump, update the table and commands there)"
    );
}

#[cfg(unix)]
fn update_sets_the_formula_and_the_manifest_to_a_release() {
    let tmp = tempfile::tempdir().unwrap();
    let packaging = tmp.path().join("packaging");
    for rel in ["update.sh", "homebrew/sso-env.rb", "scoop/sso-env.json"] {
        let to = packaging.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root().join("packaging").join(rel), &to).unwrap();
    }
    let formula = packaging.join("homebrew/sso-env.rb");
    let manifest = packaging.join("scoop/sso-env.json");
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    let targets = release_targets();
    let update = |version: &str, dist: &Path| {
        std::process::Command::new(crate::support::harness::require_unix("bash"))
            .arg(packaging.join("update.sh"))
            .arg(version)
            .arg(dist)
            .output()
            .unwrap()
    };
    // A release's archives: a stand-in binary whose bytes differ per version and target.
    let release = |version: &str| -> PathBuf {
        let dist = tmp.path().join(format!("dist-{version}"));
        for target in &targets {
            let bin = tmp.path().join(format!("bin-{version}-{target}"));
            std::fs::write(&bin, format!("{version} {target}")).unwrap();
            make_archive(version, target, &bin, &dist);
        }
        dist
    };

    for version in ["9.8.7", "9.8.8"] {
        let dist = release(version);
        let run = update(version, &dist);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let hash_of = |name: &str| sha256_file(&dist.join(name)).0;

        let rb = std::fs::read_to_string(&formula).unwrap();
        assert!(rb.contains(&format!("  version \"{version}\"\n")), "{rb}");
        let urls = quoted_after(&rb, "url ");
        let hashes = quoted_after(&rb, "sha256 ");
        assert_eq!(urls.len(), 4, "{rb}");
        assert_eq!(urls.len(), hashes.len());
        for (url, hash) in urls.iter().zip(&hashes) {
            let name = url.rsplit('/').next().unwrap();
            assert_eq!(url, &format!("{REPO}/releases/download/v{version}/{name}"));
            assert!(name.starts_with(&format!("sso-env-{version}-")), "{url}");
            assert_eq!(hash, &hash_of(name), "{name}");
        }

        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
        assert_eq!(json["version"], version);
        let arch = &json["architecture"]["64bit"];
        let name = format!("sso-env-{version}-x86_64-pc-windows-msvc.zip");
        assert_eq!(
            arch["url"],
            format!("{REPO}/releases/download/v{version}/{name}")
        );
        assert_eq!(arch["hash"], hash_of(&name));
        assert_eq!(arch["extract_dir"], name.trim_end_matches(".zip"));
        assert_eq!(json["autoupdate"], original["autoupdate"]);
        assert_eq!(json["bin"], original["bin"]);
    }

    // A release missing one archive's .sha256, or with an archive that does not match its
    // .sha256, changes nothing.
    let before = (
        std::fs::read(&formula).unwrap(),
        std::fs::read(&manifest).unwrap(),
    );
    let dist = release("9.9.0");
    std::fs::remove_file(dist.join("sso-env-9.9.0-x86_64-apple-darwin.tar.gz.sha256")).unwrap();
    let run = update("9.9.0", &dist);
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("x86_64-apple-darwin"),
        "{run:?}"
    );
    let dist = release("9.9.1");
    std::fs::write(
        dist.join("sso-env-9.9.1-x86_64-pc-windows-msvc.zip"),
        "tampered",
    )
    .unwrap();
    let run = update("9.9.1", &dist);
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("does not match"),
        "{run:?}"
    );
    let after = (
        std::fs::read(&formula).unwrap(),
        std::fs::read(&manifest).unwrap(),
    );
    assert!(before == after, "a failed update left the files changed");
}

crate::tests![
    readme_install_commands_match_the_metadata_and_the_packaging,
    #[cfg(unix)]
    readme_names_the_archives_the_release_builds,
    #[cfg(unix)]
    update_sets_the_formula_and_the_manifest_to_a_release,
];
