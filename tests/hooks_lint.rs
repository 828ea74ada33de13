//! The rendered `init` hooks, over the whole option matrix (prompt on/off x picker key x
//! `--cmd`), pass each shell's strictest checker: `shellcheck --enable=all` (bash), `zsh -n`,
//! `fish --no-execute` and `fish_indent --check` (fish), and the PowerShell parser. The
//! templates themselves (with placeholders) are also in `fish_indent`'s style.

use crate::support;
use crate::support::shells;

use std::path::Path;
use std::process::Command;

use support::Sandbox;

/// Every combination of the options that change the hook's text.
fn matrix(shell: &str) -> Vec<Vec<String>> {
    let key = match shell {
        "bash" => "\\C-g",
        "zsh" => "^G",
        "fish" => "\\cg",
        _ => "Ctrl+g",
    };
    let mut out = Vec::new();
    for prompt in [false, true] {
        for picker in [false, true] {
            for cmd in [false, true] {
                let mut args = vec!["init".to_string(), shell.to_string()];
                if !prompt {
                    args.push("--no-prompt".into());
                }
                if picker {
                    args.extend(["--picker-key".into(), key.into()]);
                }
                if cmd {
                    args.extend(["--cmd".into(), "aws_use".into()]);
                }
                out.push(args);
            }
        }
    }
    out
}

fn check(tool: &str, args: &[&str], file: &Path) -> Result<(), String> {
    let out = Command::new(tool).args(args).arg(file).output().unwrap();
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "{tool} {}: {}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

fn lint_all(shell: &str, ext: &str, checks: &[(&str, &[&str])]) {
    for (tool, _) in checks {
        support::require(tool);
    }
    let sb = Sandbox::new();
    let mut failures = Vec::new();
    for args in matrix(shell) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let file = sb.home().join(format!("hook.{ext}"));
        std::fs::write(&file, sb.ok(&args)).unwrap();
        for (tool, flags) in checks {
            if let Err(e) = check(tool, flags, &file) {
                failures.push(format!("{args:?}: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn bash_hook_passes_shellcheck_with_every_check_enabled() {
    lint_all(
        "bash",
        "bash",
        &[("shellcheck", &["--enable=all", "-s", "bash"])],
    );
}

fn zsh_hook_parses() {
    lint_all("zsh", "zsh", &[("zsh", &["-n"])]);
}

fn fish_hook_parses_and_is_in_fish_indent_style() {
    lint_all(
        "fish",
        "fish",
        &[("fish", &["--no-execute"]), ("fish_indent", &["--check"])],
    );
}

fn fish_template_is_in_fish_indent_style() {
    support::require("fish_indent");
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/shell/hook.fish");
    check("fish_indent", &["--check"], &template).unwrap();
}

fn powershell_hook_parses() {
    let sb = Sandbox::new();
    for args in matrix("powershell") {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        shells::powershell_parses_cleanly(&sb.ok(&args))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    }
}

crate::tests![
    bash_hook_passes_shellcheck_with_every_check_enabled,
    zsh_hook_parses,
    fish_hook_parses_and_is_in_fish_indent_style,
    fish_template_is_in_fish_indent_style,
    powershell_hook_parses,
];
