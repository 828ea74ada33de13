//! The one table of interactive shells (fnm's `shells.ts`): how each is started, how the hook
//! is sourced, how a variable is read back, where its startup file is and what it cannot do.
//! The init, roles and prompt tests take a `Sh` from here; a test listed as `name for all` in
//! its module's `tests![...]` runs once per shell in `ALL`, named `module::name::SHELL`.

use std::time::Duration;

use super::tmux::Tmux;
use super::Sandbox;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Sh {
    Bash,
    Zsh,
    Fish,
}

pub use Sh::{Bash, Fish, Zsh};

/// Every shell with an `init` hook that runs here (PowerShell is parsed, cmd runs under wine:
/// see `shells.rs`).
pub const ALL: &[Sh] = &[Bash, Zsh, Fish];

/// What a shell cannot do, which some tests are about.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lacks {
    /// No clock builtin: the prompt runs `date` to know the time left.
    ClockBuiltin,
}

impl Sh {
    /// Its name, as `sso-env init NAME` takes it and as its program is called.
    pub fn name(self) -> &'static str {
        match self {
            Bash => "bash",
            Zsh => "zsh",
            Fish => "fish",
        }
    }

    /// The interactive shell with no startup files.
    pub fn argv(self) -> &'static str {
        match self {
            Bash => "bash --norc --noprofile -i",
            Zsh => "zsh -f -i",
            Fish => "fish --no-config -i",
        }
    }

    /// A plain prompt ending in `$ `.
    pub fn plain_prompt(self) -> &'static str {
        match self {
            Bash => "PS1='$ '",
            Zsh => "PROMPT='$ '",
            Fish => "function fish_prompt; printf '$ '; end",
        }
    }

    /// What a startup file does before the hook for completion to work (zsh's compinit).
    pub fn completion_setup(self) -> Option<&'static str> {
        match self {
            Zsh => Some("autoload -Uz compinit && compinit -u"),
            Bash | Fish => None,
        }
    }

    /// The line a user puts in the startup file, for `bin`.
    pub fn install_line(self, bin: &str) -> String {
        match self {
            Bash | Zsh => format!("eval \"$({bin} init {})\"", self.name()),
            Fish => format!("{bin} init fish | source"),
        }
    }

    /// The startup file, relative to HOME.
    pub fn rc_file(self) -> &'static str {
        match self {
            Bash => ".bashrc",
            Zsh => ".zshrc",
            Fish => ".config/fish/config.fish",
        }
    }

    /// The key notation of `--picker-key` for Ctrl-G.
    pub fn ctrl_g(self) -> &'static str {
        match self {
            Bash => "\\C-g",
            Zsh => "^G",
            Fish => "\\cg",
        }
    }

    pub fn lacks(self, what: Lacks) -> bool {
        match what {
            Lacks::ClockBuiltin => self == Fish,
        }
    }

    /// `cmd`, then its status on a line of its own (`st=N`).
    pub fn with_status(self, cmd: &str) -> String {
        match self {
            Fish => format!("{cmd}; echo st=$status"),
            Bash | Zsh => format!("{cmd}; echo st=$?"),
        }
    }

    /// Prints `V=[value]` for the variable `var` (empty when unset).
    pub fn show(self, var: &str) -> String {
        match self {
            Fish => format!("printf 'V=[%s]\\n' \"${var}\""),
            Bash | Zsh => format!("printf 'V=[%s]\\n' \"${{{var}-}}\""),
        }
    }

    /// Sets a global shell variable to a literal (quote-free) value.
    pub fn assign(self, var: &str, value: &str) -> String {
        match self {
            Fish => format!("set -g {var} {value}"),
            Bash | Zsh => format!("{var}={value}"),
        }
    }

    /// Removes a variable.
    pub fn unset(self, var: &str) -> String {
        match self {
            Fish => format!("set -e {var}"),
            Bash | Zsh => format!("unset {var}"),
        }
    }

    /// Reads a line from the terminal into `var`.
    pub fn read_line(self, var: &str) -> String {
        match self {
            Fish => format!("read -l {var}"),
            Bash | Zsh => format!("read -r {var}"),
        }
    }

    /// An expression for the unix time `secs` seconds ago.
    pub fn seconds_ago(self, secs: u64) -> String {
        match self {
            Fish => format!("(math (date +%s) - {secs})"),
            Bash | Zsh => format!("$((EPOCHSECONDS - {secs}))"),
        }
    }
}

/// An interactive shell in tmux: `env` added to a clean environment (HOME in the sandbox,
/// sso-env on PATH, every endpoint at the stand-in), `before` typed before the hook is
/// installed (a plain prompt first), `after` typed after it.
pub fn start(sb: &Sandbox, sh: Sh, env: &str, before: &[&str], after: &[&str]) -> Tmux {
    start_under(sb, sh, "", env, before, after)
}

/// `start`, the shell run by `wrapper` (strace).
pub fn start_under(
    sb: &Sandbox,
    sh: Sh,
    wrapper: &str,
    env: &str,
    before: &[&str],
    after: &[&str],
) -> Tmux {
    start_full(sb, sh, wrapper, env, "", before, after)
}

/// `start_under`, the hook made with `init SHELL INIT_ARGS`.
pub fn start_full(
    sb: &Sandbox,
    sh: Sh,
    wrapper: &str,
    env: &str,
    init_args: &str,
    before: &[&str],
    after: &[&str],
) -> Tmux {
    super::shells::require(sh.name());
    let path = format!(
        "{}:{}",
        super::bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap()
    );
    let t = Tmux::start(&format!(
        "cd '{home}' && exec env -i HOME='{home}' PATH='{path}' TERM=xterm-256color LANG=C.UTF-8 AWS_ENDPOINT_URL_SSO='{url}' AWS_ENDPOINT_URL_SSO_OIDC='{url}' AWS_ENDPOINT_URL_STS='{url}' {env} {wrapper}{argv}",
        home = sb.home().display(),
        url = sb.server.url(),
        argv = sh.argv()
    ));
    t.line(sh.plain_prompt());
    for l in before {
        t.line(l);
    }
    let bin = super::bin();
    let install = sh.install_line(bin.to_str().unwrap());
    t.line(&install.replacen(
        &format!(" init {}", sh.name()),
        &format!(" init {} {init_args}", sh.name()),
        1,
    ));
    for l in after {
        t.line(l);
    }
    t.run("true");
    t
}

/// The status `cmd` left, as the shell reports it.
pub fn status(t: &Tmux, sh: Sh, cmd: &str) -> i32 {
    let out = t.run(&sh.with_status(cmd));
    out.lines()
        .rev()
        .find_map(|l| l.trim_end().rsplit_once("st=").map(|(_, n)| n))
        .unwrap_or_else(|| panic!("no status line in {out:?}"))
        .parse()
        .unwrap()
}

/// The value of `var` in the shell (empty when unset).
pub fn show(t: &Tmux, sh: Sh, var: &str) -> String {
    let out = t.run(&sh.show(var));
    let line = out
        .lines()
        .find(|l| l.starts_with("V=["))
        .unwrap_or_else(|| panic!("no V= line in {out:?}"));
    line.trim_end()
        .trim_start_matches("V=[")
        .trim_end_matches(']')
        .to_string()
}

/// The last non-empty line of a screen.
pub fn last_line(screen: &str) -> &str {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim_end()
}

/// Calls `f` (which draws a prompt) until it returns something other than `old`, for up to 20 s.
pub fn until_changed(f: impl Fn() -> String, old: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let v = f();
        if v != old || std::time::Instant::now() > deadline {
            return v;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
