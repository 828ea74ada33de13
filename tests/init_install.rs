//! `sso-env init SHELL --install/--uninstall`: one marked line in the startup file the shell
//! really reads, checked by starting a new interactive shell (which must have `use-profile`).

#[cfg(unix)]
use std::path::Path;
use std::process::Command;

use crate::support::interactive::Sh;
use crate::support::{self, shells, Sandbox};

const MARKER: &str = "# added by sso-env init --install";

fn marked(text: &str) -> usize {
    text.lines().filter(|l| l.ends_with(MARKER)).count()
}

/// What a new interactive shell of `sh`, reading its own startup file, says `use-profile` is.
fn use_profile_kind(sb: &Sandbox, sh: Sh) -> String {
    let program = support::require(sh.name());
    let script = match sh {
        Sh::Bash => "type -t use-profile",
        Sh::Zsh => "whence -w use-profile",
        Sh::Fish => "functions -q use-profile; and echo function",
        Sh::Nu => unreachable!("init nu --install is not built: nushell is listed out below"),
    };
    let mut cmd = Command::new(program);
    sb.clean_env(&mut cmd);
    cmd.env("TERM", "dumb").args(["-i", "-c", script]);
    let out = cmd.output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn install(sb: &Sandbox, args: &[&str]) -> (String, String) {
    let out = sb.run(args);
    assert!(
        out.status.success(),
        "sso-env {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// In a fresh HOME, twice: one line, shown; a new interactive shell has use-profile; the
/// uninstall takes it away again and leaves the file as it was.
fn install_twice_gives_one_line(sh: Sh) {
    let sb = Sandbox::new();
    let rc = sb.home().join(sh.rc_file());
    let before = use_profile_kind(&sb, sh);
    assert!(
        !before.contains("function"),
        "use-profile before any install: {before}"
    );
    let (stdout, stderr) = install(&sb, &["init", sh.name(), "--install"]);
    assert_eq!(stdout, "", "stdout stays empty");
    let text = std::fs::read_to_string(&rc).unwrap();
    let line = text.lines().find(|l| l.ends_with(MARKER)).unwrap();
    assert!(
        stderr.contains(line) && stderr.contains(&rc.display().to_string()),
        "shows what it wrote where: {stderr}"
    );
    install(&sb, &["init", sh.name(), "--install"]);
    let again = std::fs::read_to_string(&rc).unwrap();
    assert_eq!(again, text, "a second install changes nothing");
    assert_eq!(marked(&again), 1);
    let kind = use_profile_kind(&sb, sh);
    assert!(
        kind.contains("function"),
        "{}: use-profile is {kind:?}",
        sh.name()
    );

    let (_, stderr) = install(&sb, &["init", sh.name(), "--uninstall"]);
    assert!(stderr.contains("removed line 1"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&rc).unwrap(), "");
    assert!(!use_profile_kind(&sb, sh).contains("function"));
}

/// A symlinked ~/.bashrc (stow, chezmoi) stays a symlink; its content is kept byte for byte
/// around the line, and --uninstall removes only that line.
#[cfg(unix)]
fn symlinked_rc_stays_a_symlink() {
    let sb = Sandbox::new();
    let dotfiles = sb.home().join("dotfiles");
    std::fs::create_dir(&dotfiles).unwrap();
    let mine = "# my settings\r\nalias ll='ls -l'\r\nexport EDITOR=vi";
    std::fs::write(dotfiles.join("bashrc"), mine).unwrap();
    let rc = sb.home().join(".bashrc");
    symlink(Path::new("dotfiles/bashrc"), &rc);
    install(&sb, &["init", "bash", "--install"]);
    assert!(rc.symlink_metadata().unwrap().file_type().is_symlink());
    let text = std::fs::read_to_string(dotfiles.join("bashrc")).unwrap();
    assert!(text.starts_with(&format!("{mine}\r\n")), "{text:?}");
    assert!(
        text.ends_with(&format!("{MARKER}\r\n")),
        "the file's CRLF kept: {text:?}"
    );
    assert!(use_profile_kind(&sb, Sh::Bash).contains("function"));
    install(&sb, &["init", "bash", "--uninstall"]);
    assert!(rc.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(
        std::fs::read_to_string(dotfiles.join("bashrc")).unwrap(),
        format!("{mine}\r\n")
    );
}

/// A line the user wrote is never doubled nor removed; options given are carried in the line.
#[cfg(unix)]
fn their_own_line_is_left_alone() {
    let sb = Sandbox::new();
    let rc = sb.home().join(".zshrc");
    let mine = "eval \"$(sso-env init zsh)\"\n";
    std::fs::write(&rc, mine).unwrap();
    let (_, stderr) = install(&sb, &["init", "zsh", "--install"]);
    assert!(
        stderr.contains("line 1") && stderr.contains("unchanged"),
        "{stderr}"
    );
    let (_, stderr) = install(&sb, &["init", "zsh", "--uninstall"]);
    assert!(stderr.contains("remove it yourself"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&rc).unwrap(), mine);

    std::fs::write(&rc, "").unwrap();
    install(
        &sb,
        &["init", "zsh", "--install", "--cmd", "awsp", "--no-prompt"],
    );
    let text = std::fs::read_to_string(&rc).unwrap();
    assert!(text.contains("--cmd awsp --no-prompt"), "{text}");
    install(&sb, &["init", "zsh", "--install"]);
    let text = std::fs::read_to_string(&rc).unwrap();
    assert_eq!(marked(&text), 1, "the earlier line replaced: {text}");
    assert!(!text.contains("awsp"), "{text}");
}

/// PowerShell: the line goes to `--file` ($PROFILE) and is PowerShell that calls the hook.
fn powershell_line_parses() {
    let sb = Sandbox::new();
    let file = sb.home().join("Documents dir").join("profile.ps1");
    let file_arg = file.to_str().unwrap();
    install(
        &sb,
        &["init", "powershell", "--install", "--file", file_arg],
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(marked(&text), 1);
    assert!(
        text.contains("init powershell | Out-String | Invoke-Expression"),
        "{text}"
    );
    shells::powershell_parses_cleanly(&text).unwrap();
    let out = sb.run(&["init", "cmd", "--install", "--file", file_arg]);
    let err = support::fails_cleanly(&out, "--file with cmd");
    assert!(err.contains("sso-env init --help"), "{err}");
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

crate::tests![
    install_twice_gives_one_line for [Bash, Zsh, Fish],
    #[cfg(unix)]
    symlinked_rc_stays_a_symlink,
    #[cfg(unix)]
    their_own_line_is_left_alone,
    powershell_line_parses,
];
