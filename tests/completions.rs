//! The completion scripts in `completions/` are what `sso-env completions SHELL` prints now.
//! Regenerate them with `UPDATE_COMPLETIONS=1 cargo test --test tests -- completions`.

use crate::support;
use crate::support::shells;
use crate::support::tmux;

use std::path::Path;

const FILES: [(&str, &str); 5] = [
    ("bash", "sso-env.bash"),
    ("zsh", "_sso-env"),
    ("fish", "sso-env.fish"),
    ("powershell", "_sso-env.ps1"),
    ("elvish", "sso-env.elv"),
];

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
            "completions/{file} is stale: run UPDATE_COMPLETIONS=1 cargo test --test tests -- completions"
        );
    }
}

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
    let out = std::process::Command::new(crate::support::harness::require_unix("bash"))
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

/// Every long option `sso-env SUB --help` lists.
fn long_options(sb: &support::Sandbox, sub: &str) -> Vec<String> {
    let help = sb.ok(&[sub, "--help"]);
    // Option lines look like `  -f, --format <FORMAT>  text`: the flags come first.
    let mut opts: Vec<String> = help
        .lines()
        .flat_map(|l| {
            l.split_whitespace()
                .map(|w| w.trim_end_matches(','))
                .take_while(|w| w.starts_with('-'))
                .filter(|w| w.starts_with("--"))
                .map(|w| w.split('=').next().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    opts.sort();
    opts.dedup();
    opts
}

const SUBCOMMANDS: [&str; 11] = [
    "export",
    "unset",
    "exec",
    "login",
    "logout",
    "init",
    "profiles",
    "discover",
    "console",
    "status",
    "completions",
];

/// bash: the generated function, called as bash calls it, completes every subcommand's options.
fn bash_completes_every_subcommands_options() {
    let sb = support::Sandbox::empty();
    let script = sb.ok(&["completions", "bash"]);
    let mut checked = 0;
    for sub in SUBCOMMANDS {
        for opt in long_options(&sb, sub) {
            let prefix = &opt[..opt.len().min(4)];
            let probe = format!(
                "{script}\nCOMP_WORDS=(sso-env {sub} {prefix}); COMP_CWORD=2\n\
                 _sso__env sso-env {prefix} {sub}\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
            );
            let out = std::process::Command::new(crate::support::harness::require_unix("bash"))
                .args(["--norc", "--noprofile", "-c", &probe])
                .output()
                .unwrap();
            let got = String::from_utf8_lossy(&out.stdout);
            assert!(
                got.lines().any(|l| l == opt),
                "bash: `sso-env {sub} {prefix}<Tab>` offers {got:?}, not {opt}"
            );
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} options found");
    // And subcommands by prefix.
    let probe = format!(
        "{script}\nCOMP_WORDS=(sso-env lo); COMP_CWORD=1\n_sso__env sso-env lo sso-env\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
    );
    let out = std::process::Command::new(crate::support::harness::require_unix("bash"))
        .args(["--norc", "--noprofile", "-c", &probe])
        .output()
        .unwrap();
    let got = String::from_utf8_lossy(&out.stdout);
    assert_eq!(got.lines().collect::<Vec<_>>(), ["login", "logout"]);
}

/// fish: `sso-env completions fish | source` offers subcommands and options.
fn fish_completes_subcommands_and_options() {
    shells::require("fish");
    let sb = support::Sandbox::empty();
    let mut cmd = std::process::Command::new(crate::support::harness::require_unix("fish"));
    sb.clean_env(&mut cmd);
    let bin = support::bin();
    let script = format!(
        "'{}' completions fish | source\n\
         complete -C 'sso-env lo'; echo ---; complete -C 'sso-env login --pr'; echo ---\n\
         complete -C 'sso-env export --format '",
        bin.display()
    );
    let out = cmd.args(["--no-config", "-c", &script]).output().unwrap();
    let got = String::from_utf8_lossy(&out.stdout);
    let parts: Vec<Vec<&str>> = got
        .split("---\n")
        .map(|p| p.lines().map(|l| l.split('\t').next().unwrap()).collect())
        .collect();
    assert_eq!(parts[0], ["login", "logout"], "{got}");
    assert_eq!(parts[1], ["--profile"], "{got}");
    assert!(
        parts[2].contains(&"fish") && parts[2].contains(&"dotenv"),
        "{got}"
    );
}

/// zsh: `eval "$(sso-env completions zsh)"` after compinit completes, typed with a real Tab.
fn zsh_completes_after_eval() {
    shells::require("zsh");
    support::require("tmux");
    let sb = support::Sandbox::empty();
    let path = format!(
        "{}:{}",
        support::bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap()
    );
    let t = tmux::Tmux::start(&format!(
        "cd '{home}' && exec env -i HOME='{home}' PATH='{path}' TERM=xterm-256color LANG=C.UTF-8 zsh -f -i",
        home = sb.home().display()
    ));
    t.line("PROMPT='$ '; autoload -Uz compinit && compinit -u");
    t.line("eval \"$(sso-env completions zsh)\"");
    t.run("true");
    t.keys_literal("sso-env login --pr");
    t.key("Tab");
    t.wait_for("--profile completed", |s| {
        s.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.contains("sso-env login --profile"))
    });
    t.key("C-c");
    t.wait_for("an empty command line", |s| {
        s.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_end() == "$")
    });
    t.keys_literal("sso-env disc");
    t.key("Tab");
    t.wait_for("discover completed", |s| {
        s.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_end().ends_with("sso-env discover"))
    });
}

/// The bash init hook loads this script on first use and calls `_sso__env`: the name both
/// sides rely on. Options complete through the hook too.
fn bash_hook_completes_options_through_the_script() {
    let sb = support::Sandbox::empty();
    let bin_dir = support::bin().parent().unwrap().to_path_buf();
    let probe = "eval \"$(sso-env init bash)\"\n\
                 COMP_WORDS=(sso-env login --pr); COMP_CWORD=2\n\
                 __sso_env_cli_complete sso-env --pr login\n\
                 printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    let mut cmd = std::process::Command::new(crate::support::harness::require_unix("bash"));
    sb.clean_env(&mut cmd);
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let out = cmd
        .env("PATH", path)
        .args(["--norc", "--noprofile", "-c", probe])
        .output()
        .unwrap();
    let got = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        got.lines().collect::<Vec<_>>(),
        ["--profile"],
        "{got}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The bash hook completes profile names after every subcommand that takes one, `serve` too.
fn bash_hook_completes_profile_names_after_profile_commands() {
    let sb = support::Sandbox::new();
    sb.write_config(support::CONFIG);
    let bin_dir = support::bin().parent().unwrap().to_path_buf();
    for sub in ["export", "exec", "serve", "console"] {
        let probe = format!(
            "eval \"$(sso-env init bash)\"\n\
             COMP_WORDS=(sso-env {sub} koa); COMP_CWORD=2\n\
             __sso_env_cli_complete sso-env koa {sub}\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
        );
        let mut cmd = std::process::Command::new(crate::support::harness::require_unix("bash"));
        sb.clean_env(&mut cmd);
        let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
        let out = cmd
            .env("PATH", path)
            .args(["--norc", "--noprofile", "-c", &probe])
            .output()
            .unwrap();
        let got = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            got.lines().collect::<Vec<_>>(),
            ["koa-dev-customer"],
            "sso-env {sub} koa<Tab>: {got}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

crate::tests![
    committed_completions_are_fresh,
    completion_scripts_load_in_their_shells,
    bash_completes_every_subcommands_options,
    fish_completes_subcommands_and_options,
    zsh_completes_after_eval,
    bash_hook_completes_options_through_the_script,
    bash_hook_completes_profile_names_after_profile_commands,
];
