//! The published crate carries exactly what it should, by rule rather than by a list that would
//! rot as files move: every file under `src/` and `completions/` (code, hook templates
//! wherever they live there, completion scripts), the named top-level files, the two files
//! `cargo package` adds itself, and nothing else: no `tests/`, `examples/` or `benches/`
//! (the development harness). `cargo package --locked` in `.ci/run` checks that the packaged
//! crate builds.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const DIRS: [&str; 2] = ["src", "completions"];
const REQUIRED: [&str; 6] = [
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
];
const OPTIONAL: [&str; 1] = ["ARCHITECTURE.md"];
/// Written by `cargo package` itself (the VCS file only in a git checkout).
const GENERATED: [&str; 2] = ["Cargo.toml.orig", ".cargo_vcs_info.json"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn walk(dir: &Path, rel: &str, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        let rel = format!("{rel}/{name}");
        if entry.file_type().unwrap().is_dir() {
            walk(&entry.path(), &rel, out);
        } else {
            out.insert(rel);
        }
    }
}

fn packaged() -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // --allow-dirty: listing is harmless, and the tests run on work in progress too.
    let out = Command::new(cargo)
        .current_dir(root())
        .args([
            "package",
            "--list",
            "--locked",
            "--allow-dirty",
            "--offline",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo package --list: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.replace('\\', "/"))
        .collect()
}

fn package_holds_exactly_the_intended_files() {
    let mut intended = BTreeSet::new();
    for dir in DIRS {
        walk(&root().join(dir), dir, &mut intended);
    }
    assert!(
        intended.iter().any(|f| f.starts_with("src/")),
        "nothing found under src/"
    );
    for file in REQUIRED {
        assert!(root().join(file).is_file(), "{file} is missing");
        intended.insert(file.to_string());
    }
    for file in OPTIONAL {
        if root().join(file).is_file() {
            intended.insert(file.to_string());
        }
    }
    let mut listed = packaged();
    for file in GENERATED {
        listed.remove(file);
    }
    let extra: Vec<_> = listed.difference(&intended).collect();
    let missing: Vec<_> = intended.difference(&listed).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "cargo package --list differs from the rules in tests/packaging.rs and Cargo.toml \
         `include`:\n  packaged but not intended: {extra:?}\n  intended but not packaged: {missing:?}"
    );
    for harness in ["tests/", "examples/", "benches/"] {
        assert!(!listed.iter().any(|f| f.starts_with(harness)), "{harness}");
    }
}

/// Every file the code embeds with `include_str!`/`include_bytes!` is in the package, so the
/// published crate builds wherever the hook templates move.
fn embedded_files_are_packaged() {
    let listed = packaged();
    let mut sources = BTreeSet::new();
    walk(&root().join("src"), "src", &mut sources);
    let mut seen = 0;
    for source in sources.iter().filter(|f| f.ends_with(".rs")) {
        let text = std::fs::read_to_string(root().join(source)).unwrap();
        for macro_name in ["include_str!(\"", "include_bytes!(\""] {
            for (at, _) in text.match_indices(macro_name) {
                let rest = &text[at + macro_name.len()..];
                let target = &rest[..rest.find('"').unwrap()];
                let resolved = resolve(Path::new(source).parent().unwrap(), target);
                assert!(
                    listed.contains(&resolved),
                    "{source} embeds {target} ({resolved}), which the package lacks"
                );
                seen += 1;
            }
        }
    }
    assert!(
        seen > 0,
        "no include_str! found under src/: update this test"
    );
}

/// `dir` + a relative path, `..` applied, as a `/`-separated path from the crate root.
fn resolve(dir: &Path, target: &str) -> String {
    let mut parts: Vec<String> = dir
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for part in target.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p.to_string()),
        }
    }
    parts.join("/")
}

crate::tests![
    package_holds_exactly_the_intended_files,
    embedded_files_are_packaged,
];
