//! The completion scripts in `completions/` are what `sso-env completions SHELL` prints now.
//! Regenerate them with `UPDATE_COMPLETIONS=1 cargo test --test completions`.

mod support;

use std::path::Path;

const FILES: [(&str, &str); 5] = [
    ("bash", "sso-env.bash"),
    ("zsh", "_sso-env"),
    ("fish", "sso-env.fish"),
    ("powershell", "_sso-env.ps1"),
    ("elvish", "sso-env.elv"),
];

#[test]
fn committed_completions_are_fresh() {
    let sb = support::Sandbox::empty();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    for (shell, file) in FILES {
        let now = sb.ok(&["completions", shell]);
        assert!(
            now.contains("export") && now.contains("exec"),
            "{shell}: {now}"
        );
        let path = dir.join(file);
        if update {
            std::fs::write(&path, &now).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == now,
            "completions/{file} is stale: run UPDATE_COMPLETIONS=1 cargo test --test completions"
        );
    }
}

#[test]
fn completion_scripts_load_in_their_shells() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let checks = [
        ("bash", vec!["-n"], "sso-env.bash"),
        ("zsh", vec!["-n"], "_sso-env"),
        ("fish", vec!["--no-execute"], "sso-env.fish"),
    ];
    for (shell, flags, file) in checks {
        let out = std::process::Command::new(shell)
            .args(flags)
            .arg(dir.join(file))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell} rejects {file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {}; complete -p sso-env",
            dir.join("sso-env.bash").display()
        ))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("sso-env"),
        "bash registers the completion"
    );
}
