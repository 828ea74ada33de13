//! Test support: evaluate shell output in the real shells and report exactly what ended up in
//! the environment.
//!
//! The integration tests use this to prove that what `sso-env export` prints is evaluated by each
//! shell to the exact bytes of the credentials, and that no value can execute code.
//!
//! * POSIX shells (`bash`, `zsh`, `dash`, `sh`): [`eval_posix`] runs `eval "$(cat FILE)"` (like
//!   `eval "$(sso-env export)"`), [`eval_posix_with`] with [`PosixStyle::Dot`] runs `. FILE`.
//! * fish: [`eval_fish`] runs `cat FILE | source` (like `sso-env export | source`),
//!   [`eval_fish_with`] with [`FishStyle::SourceFile`] runs `source FILE`.
//! * cmd.exe: [`eval_cmd`] runs `call FILE.bat` from a wrapper batch file under `wine cmd /c`
//!   (like `sso-env export --format cmd > %TEMP%\x.bat && call %TEMP%\x.bat`).
//! * PowerShell is not installable here: [`parse_powershell`] parses the output with
//!   tree-sitter-powershell and accepts only the two statement forms the tool emits.
//!
//! Every evaluation starts the shell from a clean environment (`PATH`, `HOME` = a fresh temporary
//! directory, `LANG`/`LC_ALL` = `C.UTF-8`, then the caller's `initial_env`), with rc files
//! disabled, in a fresh empty working directory. Afterwards the shell itself runs
//! `/usr/bin/env -0`, so the result holds the exported variables byte for byte. Any file that
//! appears in the working directory is reported in [`Evaluated::created_files`], which is how a
//! test detects code execution (the hostile values run `touch pwned` or `type nul > pwned`).
//!
//! ## cmd.exe under wine: what it can and cannot carry
//!
//! * Read-back: the wrapper batch runs a symlink `envx.exe -> /usr/bin/env` (wine starts Unix
//!   binaries found through a `.exe` name), so the values are read from cmd's own environment
//!   block, converted by wine from UTF-16 to UTF-8. cmd does not wait for a Unix child, so the
//!   harness waits for the child to close its inherited stderr pipe. Wine always overrides
//!   `PATH`, `HOME`, `TEMP` and `TMP` with its own Unix values when it starts a Unix program, so
//!   those four names are not read back faithfully from cmd; `AWS_*` names are.
//! * Code page: wine 8's cmd decodes batch files with the OEM code page (`GetOEMCP()`), ignoring
//!   `chcp`. With the default `C.UTF-8` locale that is code page 437, so UTF-8 bytes in a batch file
//!   turn into mojibake (`é` becomes `├⌐`), exactly like a stock Windows console at code page
//!   437/850. [`CmdCodePage::Utf8`] (the default of [`eval_cmd`]) gives wine a locale whose
//!   OEM/ANSI code page is UTF-8 (the Windows "Beta: Use Unicode UTF-8" setting, or `chcp 65001`
//!   on real Windows, where cmd reads batch files with the console code page): a locale name
//!   `hi_IN.UTF-8` that is the `C.UTF-8` locale data under a private `LOCPATH`. Then non-ASCII
//!   UTF-8 (é, 日本, emoji, curly quotes, U+2028) round-trips exactly. [`CmdCodePage::Oem437`]
//!   shows what a default console does.
//! * `set "NAME="` removes the variable: cmd cannot hold an empty value.
//! * A batch line is limited to 8191 characters; longer lines are truncated (wine prints
//!   "Line in Batch processing possibly truncated").
//! * `for /f "delims=" %%i in ('type FILE') do %%i` does not work under wine 8: cmd reports
//!   "Can't recognize 'set "A=..."' as an internal or external command" for every line, so only
//!   the `call` form is provided.
//!
//! The wine prefix is created once (about 5 s, about 700 MB with Debian's wine) at
//! `$TMPDIR/sso-env-test-wine-<uid>/prefix` and reused by later test processes; set
//! `SSO_ENV_TEST_WINE_DIR` to put it elsewhere. One cmd evaluation takes about 0.5 s.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The result of evaluating a script in a shell.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// The exported environment after the script ran (exact bytes, from `env -0`). Empty when
    /// the read-back did not run (see `env_captured`).
    pub env: BTreeMap<String, Vec<u8>>,
    /// Whether the environment could be read back (false if the script made the shell exit).
    pub env_captured: bool,
    /// The shell's standard output.
    pub stdout: Vec<u8>,
    /// The shell's standard error.
    pub stderr: Vec<u8>,
    /// The shell's exit status (the status of the evaluated script for POSIX shells and fish;
    /// wine's exit status for cmd); -1 if killed by a signal.
    pub status: i32,
    /// Files and directories that appeared in the (initially empty) working directory, as paths
    /// relative to it. Non-empty means the script executed something it should not have.
    pub created_files: Vec<String>,
}

impl Evaluated {
    /// The value of `name` after evaluation, if it is set.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.env.get(name).map(Vec::as_slice)
    }

    /// The value of `name` as (lossy) UTF-8, for messages.
    pub fn get_lossy(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// stdout and stderr as text, for assertion messages.
    pub fn describe(&self) -> String {
        format!(
            "status {}, env captured: {}, created files: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status,
            self.env_captured,
            self.created_files,
            String::from_utf8_lossy(&self.stdout),
            String::from_utf8_lossy(&self.stderr)
        )
    }
}

/// How a POSIX shell takes the script in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PosixStyle {
    /// `eval "$(cat FILE)"`, as in `eval "$(sso-env export)"` (command substitution strips the
    /// trailing newlines of the whole output).
    Eval,
    /// `. FILE`.
    Dot,
}

/// How fish takes the script in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FishStyle {
    /// `cat FILE | source`, as in `sso-env export | source`.
    Pipe,
    /// `source FILE`.
    SourceFile,
}

/// Which code page wine's cmd uses to read the batch file (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmdCodePage {
    /// UTF-8 (like `chcp 65001` or Windows' UTF-8 setting): non-ASCII values round-trip.
    Utf8,
    /// Code page 437, the default of an English Windows console: non-ASCII UTF-8 is mangled.
    Oem437,
}

/// Hostile values that every output format must carry exactly (or refuse, for cmd: see
/// [`cmd_can_carry`]).
pub const HOSTILE: &[&str] = &[
    // Quotes of every shell.
    "it's",
    "say \"hi\"",
    "'\\''",
    "''",
    "'",
    "\"",
    "a'b\"c'd\"e",
    // Command substitution and command separators.
    "$(touch pwned)",
    "`touch pwned`",
    "; touch pwned",
    "&& touch pwned",
    "|| touch pwned",
    "| touch pwned",
    "& touch pwned",
    "\ntouch pwned\n",
    "'; touch pwned; '",
    "'$(touch pwned)'",
    "$(touch pwned",
    ">pwned",
    "<pwned",
    // Variable expansion.
    "%PATH%",
    "!PATH!",
    "${HOME}",
    "$HOME",
    "$",
    "$$",
    "$((1+1))",
    "$'\\x41'",
    "~",
    "~root",
    // Globs.
    "*",
    "?",
    "[a]",
    "/*",
    "**/*",
    // Backslashes.
    "back\\slash",
    "trailing backslash\\",
    "\\",
    "\\\\",
    "\\'",
    "\\n\\t",
    // Line breaks and whitespace.
    "line1\nline2",
    "line1\r\nline2",
    "trailing newline\n",
    "\n",
    "\r",
    "tab\there",
    "  leading and trailing spaces  ",
    " ",
    "ESC \u{1b}[31mred\u{1b}[0m",
    // cmd.exe metacharacters.
    "^&|<>()",
    "^",
    "trailing caret^",
    "a & type nul > pwned",
    ") & type nul > pwned & (",
    "x\" & type nul > pwned & \"",
    // Comments, options, assignments.
    "#",
    "value # comment",
    "#!/bin/sh",
    "--",
    "-n",
    "-e",
    "-",
    "a=b",
    "=leading equals",
    // Non-ASCII.
    "é",
    "日本",
    "😀",
    "‘’‚‛",
    "“”„",
    "line\u{2028}separator",
    "\u{85}next line",
    "\u{feff}bom",
    // Empty and long.
    "",
    LONG,
    // fish-specific.
    "{a,b}",
    "(touch pwned)",
    "\\(touch pwned\\)",
    "$fish_pid",
    "a\\\\'b",
    // PowerShell-specific.
    "@(touch pwned)",
    "@'\nhere'@",
    "`n`t`$`'",
    "$env:HOME",
    "$null",
    "’; touch pwned; ‘",
    "'‘’‚‛'",
    // Realistic credentials.
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc/def==",
];

macro_rules! long_unit {
    () => {
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'\"$`\\!%^&|<>();*? é日本😀\t#"
    };
}

macro_rules! long_unit_x10 {
    () => {
        concat!(
            long_unit!(),
            long_unit!(),
            long_unit!(),
            long_unit!(),
            long_unit!(),
            long_unit!(),
            long_unit!(),
            long_unit!(),
            long_unit!(),
            long_unit!()
        )
    };
}

/// A value of 5160 characters: 60 times a unit of 86 hostile characters.
pub const LONG: &str = concat!(
    long_unit_x10!(),
    long_unit_x10!(),
    long_unit_x10!(),
    long_unit_x10!(),
    long_unit_x10!(),
    long_unit_x10!()
);

/// A long value that cmd can carry (no `%`, `"`, `!`, control characters), about 5000
/// characters, for the cmd tests.
pub fn long_cmd_safe() -> String {
    LONG.chars().filter(|&c| cmd_can_carry_char(c)).collect()
}

/// Whether the tool's cmd format can carry `value`: it refuses `%`, `"`, `!` and control
/// characters, cmd cannot hold an empty value (`set "X="` removes X), and a batch line is at most
/// 8191 characters.
pub fn cmd_can_carry(value: &str) -> bool {
    !value.is_empty() && value.chars().count() < 8000 && value.chars().all(cmd_can_carry_char)
}

fn cmd_can_carry_char(c: char) -> bool {
    !matches!(c, '%' | '"' | '!') && !c.is_control()
}

const PS_SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201a}', '\u{201b}'];

/// Whether `shell` can be evaluated here: `bash`, `zsh`, `dash`, `sh`, `fish` need the shell,
/// `cmd` needs `wine`; `powershell`/`pwsh` are checked by parsing, which is always available.
pub fn available(shell: &str) -> bool {
    match shell {
        "bash" | "zsh" | "dash" | "sh" | "fish" | "nu" => find_in_path(shell).is_some(),
        "cmd" => find_in_path("wine").is_some() && env_binary().is_some(),
        "powershell" | "pwsh" => true,
        _ => false,
    }
}

/// Stops the test as skipped (see `harness`) unless `shell` can be evaluated here.
pub fn require(shell: &str) {
    match shell {
        "cmd" => {
            crate::support::require("wine");
            crate::support::skip_unless(env_binary().is_some(), "env", "no env binary on PATH");
        }
        "powershell" | "pwsh" => {}
        _ => {
            crate::support::harness::require_unix(shell);
        }
    }
}

/// Evaluates `script` in a POSIX shell as `eval "$(cat FILE)"`.
pub fn eval_posix(shell: &str, script: &[u8], initial_env: &[(&str, &str)]) -> Evaluated {
    eval_posix_with(shell, PosixStyle::Eval, script, initial_env)
}

/// Evaluates `script` in a POSIX shell (`bash`, `zsh`, `dash` or `sh`) the given way.
pub fn eval_posix_with(
    shell: &str,
    style: PosixStyle,
    script: &[u8],
    initial_env: &[(&str, &str)],
) -> Evaluated {
    let flags: &[&str] = match shell {
        "bash" => &["--norc", "--noprofile"],
        "zsh" => &["-f"],
        "dash" | "sh" => &[],
        other => panic!("eval_posix: unsupported shell {other:?}"),
    };
    let binary = find_in_path(shell)
        .unwrap_or_else(|| panic!("{shell} is not installed (apt-get install {shell})"));
    let take_in = match style {
        PosixStyle::Eval => "eval \"$(cat -- \"$1\")\"",
        PosixStyle::Dot => ". \"$1\"",
    };
    let env_bin = env_binary().expect("no env binary");
    let driver = format!(
        "{take_in}\nsso_env_harness_status=$?\n'{}' -0 > \"$2\" || exit 125\nexit \"$sso_env_harness_status\"\n",
        env_bin.display()
    );
    let dirs = EvalDirs::new(shell);
    let script_path = dirs.harness.join("script.sh");
    let out_path = dirs.harness.join("env.out");
    write(&script_path, script);
    let mut cmd = Command::new(binary);
    cmd.args(flags)
        .arg("-c")
        .arg(driver)
        .arg(shell)
        .arg(&script_path)
        .arg(&out_path);
    clean_env(&mut cmd, &dirs, initial_env);
    finish(cmd, &dirs, &out_path)
}

/// Evaluates `script` in fish as `cat FILE | source`.
pub fn eval_fish(script: &[u8], initial_env: &[(&str, &str)]) -> Evaluated {
    eval_fish_with(FishStyle::Pipe, script, initial_env)
}

/// Evaluates `script` in fish the given way.
pub fn eval_fish_with(style: FishStyle, script: &[u8], initial_env: &[(&str, &str)]) -> Evaluated {
    let binary = find_in_path("fish").expect("fish is not installed (apt-get install fish)");
    let take_in = match style {
        FishStyle::Pipe => "cat -- $argv[1] | source",
        FishStyle::SourceFile => "source $argv[1]",
    };
    let env_bin = env_binary().expect("no env binary");
    let driver = format!(
        "{take_in}\nset sso_env_harness_status $status\n'{}' -0 > $argv[2]; or exit 125\nexit $sso_env_harness_status\n",
        env_bin.display()
    );
    let dirs = EvalDirs::new("fish");
    let script_path = dirs.harness.join("script.fish");
    let out_path = dirs.harness.join("env.out");
    write(&script_path, script);
    let mut cmd = Command::new(binary);
    cmd.arg("--no-config")
        .arg("-c")
        .arg(driver)
        .arg(&script_path)
        .arg(&out_path);
    clean_env(&mut cmd, &dirs, initial_env);
    finish(cmd, &dirs, &out_path)
}

/// Applies `script` (a NUON record, as `export --format nu` prints it) in nushell the way the
/// hook does (`from nuon`, `hide-env` for null, `load-env` for the rest), then reads back the
/// environment its programs get.
pub fn eval_nu(script: &[u8], initial_env: &[(&str, &str)]) -> Evaluated {
    let binary = find_in_path("nu").expect("nu is not installed (npm install nushell)");
    let env_bin = env_binary().expect("no env binary");
    let driver = format!(
        "def --env main [script: string, out: string] {{\n\
         \x20   let pairs = (open --raw $script | from nuon | transpose name value)\n\
         \x20   for name in ($pairs | where value == null | get name) {{ hide-env -i $name }}\n\
         \x20   let set = ($pairs | where value != null)\n\
         \x20   if not ($set | is-empty) {{ load-env ($set | transpose -r -d) }}\n\
         \x20   ^'{}' -0 | save --raw -f $out\n\
         }}\n",
        env_bin.display()
    );
    let dirs = EvalDirs::new("nu");
    let driver_path = dirs.harness.join("driver.nu");
    let script_path = dirs.harness.join("script.nuon");
    let out_path = dirs.harness.join("env.out");
    write(&driver_path, driver.as_bytes());
    write(&script_path, script);
    let mut cmd = Command::new(binary);
    cmd.arg("--no-config-file")
        .arg(&driver_path)
        .arg(&script_path)
        .arg(&out_path);
    clean_env(&mut cmd, &dirs, initial_env);
    finish(cmd, &dirs, &out_path)
}

/// Evaluates `script` (CRLF batch lines) in wine's cmd.exe with a UTF-8 code page, as
/// `call FILE.bat` from a wrapper batch file.
pub fn eval_cmd(script: &[u8], initial_env: &[(&str, &str)]) -> Evaluated {
    eval_cmd_with(CmdCodePage::Utf8, script, initial_env)
}

/// Evaluates `script` in wine's cmd.exe with the given code page.
pub fn eval_cmd_with(
    code_page: CmdCodePage,
    script: &[u8],
    initial_env: &[(&str, &str)],
) -> Evaluated {
    // Under load wine now and then loses the read-back child (cmd does not wait for Unix
    // programs). That is wine, not the script: a script that really stops cmd fails every time,
    // so a couple of retries cannot hide it.
    let mut ev = eval_cmd_once(code_page, script, initial_env);
    for _ in 0..2 {
        if ev.env_captured {
            break;
        }
        eprintln!("note: wine lost the environment read-back; evaluating again");
        ev = eval_cmd_once(code_page, script, initial_env);
    }
    ev
}

fn eval_cmd_once(code_page: CmdCodePage, script: &[u8], initial_env: &[(&str, &str)]) -> Evaluated {
    let wine_dir = match wine_dir() {
        Ok(dir) => dir,
        Err(e) => panic!("cannot set up wine for cmd.exe tests: {e}"),
    };
    if let Err(e) = keep_wine_running(wine_dir) {
        panic!("wine does not start: {e}");
    }
    let dirs = EvalDirs::new("cmd");
    let script_path = dirs.harness.join("script.bat");
    let out_path = dirs.harness.join("env.out");
    let envx = dirs.harness.join("envx.exe");
    write(&script_path, script);
    symlink(&env_binary().expect("no env binary"), &envx).expect("symlink envx.exe");
    let wrapper = format!(
        "@echo off\r\ncall \"{}\"\r\n\"{}\" -0 > \"{}\"\r\n",
        windows_path(&script_path),
        windows_path(&envx),
        windows_path(&out_path)
    );
    let wrapper_path = dirs.harness.join("wrapper.bat");
    write(&wrapper_path, wrapper.as_bytes());
    let mut cmd = Command::new(find_in_path("wine").expect("wine is not installed"));
    cmd.arg("cmd").arg("/c").arg(windows_path(&wrapper_path));
    clean_env(&mut cmd, &dirs, &[]);
    wine_env(&mut cmd, wine_dir, code_page);
    for (k, v) in initial_env {
        cmd.env(k, v);
    }
    finish(cmd, &dirs, &out_path)
}

/// Parses any PowerShell script (a hook, say) and reports the first ERROR or MISSING node.
pub fn powershell_parses_cleanly(script: &str) -> Result<(), String> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .map_err(|e| format!("cannot load the PowerShell grammar: {e}"))?;
    let tree = parser
        .parse(script, None)
        .ok_or("tree-sitter returned no tree")?;
    match find_error(tree.root_node()) {
        Some(n) => Err(format!(
            "{} node at {}:{}: {:?}",
            if n.is_missing() { "MISSING" } else { "ERROR" },
            n.start_position().row + 1,
            n.start_position().column + 1,
            &script[n.byte_range()]
        )),
        None => Ok(()),
    }
}

/// Parses PowerShell output of the tool with tree-sitter-powershell and returns the assignments
/// in order: `(NAME, Some(value))` for `$Env:NAME = '...'` and `(NAME, None)` for
/// `$Env:NAME = $null`. A value may be a `+` chain of verbatim strings and `[char]0xHHHH`
/// pieces (how the tool writes what is not printable ASCII), starting with a string.
///
/// Errors if the tree has ERROR or MISSING nodes, if any statement is not exactly one of those
/// two forms (anything else, `"..."`, `$(...)`, `+=`, a second command after `;`, a pipeline...),
/// if two statements share a line, or if a single-quoted string is not a valid PowerShell verbatim
/// string. The string is decoded the way PowerShell does it, where all of `'` U+2018 U+2019 U+201A
/// U+201B are quotes and a pair of them stands for one (tree-sitter only knows `'`, so an undoubled
/// curly quote is caught here). Comments between statements are allowed.
pub fn parse_powershell(script: &str) -> Result<Vec<(String, Option<String>)>, String> {
    if script.trim().is_empty() {
        // tree-sitter-powershell reports an ERROR for an empty program.
        return Ok(Vec::new());
    }
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .map_err(|e| format!("cannot load the PowerShell grammar: {e}"))?;
    let tree = parser
        .parse(script, None)
        .ok_or("tree-sitter returned no tree")?;
    let root = tree.root_node();
    if root.has_error() {
        return Err(match find_error(root) {
            Some(n) => format!(
                "{} node at {}:{}: {:?}",
                if n.is_missing() { "MISSING" } else { "ERROR" },
                n.start_position().row + 1,
                n.start_position().column + 1,
                &script[n.byte_range()]
            ),
            None => "parse tree has errors".to_string(),
        });
    }
    let mut statements = Vec::new();
    collect_statements(root, &mut statements)?;
    let mut out = Vec::new();
    let mut last_end: Option<usize> = None;
    for st in statements {
        if let Some(end) = last_end {
            let gap = &script[end..st.start_byte()];
            if !gap.contains('\n') || !gap.chars().all(char::is_whitespace) {
                return Err(format!(
                    "statements must be separated by line breaks only, found {gap:?} before {:?}",
                    node_text(script, st)
                ));
            }
        }
        last_end = Some(st.end_byte());
        out.push(parse_ps_statement(script, st)?);
    }
    Ok(out)
}

fn find_error(node: tree_sitter::Node<'_>) -> Option<tree_sitter::Node<'_>> {
    if node.is_error() || node.is_missing() {
        return Some(node);
    }
    let mut cursor = node.walk();
    let children: Vec<_> = node.children(&mut cursor).collect();
    children.into_iter().find_map(find_error)
}

fn collect_statements<'t>(
    node: tree_sitter::Node<'t>,
    out: &mut Vec<tree_sitter::Node<'t>>,
) -> Result<(), String> {
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        match child.kind() {
            "statement_list" => collect_statements(child, out)?,
            "comment" => {}
            "pipeline" => out.push(child),
            other if !child.is_named() => {
                return Err(format!(
                    "unexpected token {other:?} between statements at line {}",
                    child.start_position().row + 1
                ))
            }
            other => {
                return Err(format!(
                    "unexpected {other} at line {}",
                    child.start_position().row + 1
                ))
            }
        }
    }
    Ok(())
}

fn node_text<'s>(src: &'s str, node: tree_sitter::Node<'_>) -> &'s str {
    &src[node.byte_range()]
}

/// Follows a chain of nodes that each have exactly one child (no operators, no siblings) down to
/// the innermost one.
fn sole_descendant(mut node: tree_sitter::Node<'_>) -> tree_sitter::Node<'_> {
    while node.child_count() == 1 {
        node = node.child(0).expect("child 0");
    }
    node
}

fn parse_ps_statement(
    src: &str,
    pipeline: tree_sitter::Node<'_>,
) -> Result<(String, Option<String>), String> {
    let text = node_text(src, pipeline);
    let bad = |why: &str| Err(format!("not an allowed statement ({why}): {text:?}"));
    if pipeline.child_count() != 1 {
        return bad("more than one element");
    }
    let assign = pipeline.child(0).expect("child 0");
    if assign.kind() != "assignment_expression" || assign.child_count() != 3 {
        return bad("not a plain assignment");
    }
    let (lhs, op, rhs) = (
        assign.child(0).expect("lhs"),
        assign.child(1).expect("operator"),
        assign.child(2).expect("rhs"),
    );
    if lhs.kind() != "left_assignment_expression" {
        return bad("left side is not a variable");
    }
    if !matches!(op.kind(), "assignement_operator" | "assignment_operator")
        || node_text(src, op) != "="
    {
        return bad("operator is not =");
    }
    let var = sole_descendant(lhs);
    if var.kind() != "variable" {
        return bad("left side is not a variable");
    }
    let var_text = node_text(src, var);
    let name = match var_text.get(..5) {
        Some(prefix) if prefix.eq_ignore_ascii_case("$env:") => &var_text[5..],
        _ => return bad("left side is not $Env:NAME"),
    };
    let mut chars = name.chars();
    let name_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !name_ok {
        return bad("variable name is not [A-Za-z_][A-Za-z0-9_]*");
    }
    if rhs.kind() != "pipeline" {
        return bad("right side is not a single value");
    }
    let value = sole_descendant(rhs);
    if value.kind() == "variable" && node_text(src, value).eq_ignore_ascii_case("$null") {
        return Ok((name.to_string(), None));
    }
    let mut pieces = Vec::new();
    collect_pieces(src, value, &mut pieces).map_err(|e| format!("{e} in statement {text:?}"))?;
    if !matches!(pieces.first(), Some(Piece::Text(_))) {
        // `[char]65 + [char]66` adds numbers in PowerShell: text must come first.
        return bad("does not start with a string");
    }
    let mut units: Vec<u16> = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => units.extend(t.encode_utf16()),
            Piece::Unit(u) => units.push(u),
        }
    }
    let decoded = String::from_utf16(&units)
        .map_err(|_| format!("unpaired surrogate in statement {text:?}"))?;
    Ok((name.to_string(), Some(decoded)))
}

/// A piece of a value: a verbatim string, or one UTF-16 code unit written `[char]0xHHHH`.
enum Piece {
    Text(String),
    Unit(u16),
}

/// The pieces of `'...'`, `[char]0xHHHH`, or a `+` chain of them; anything else is an error.
fn collect_pieces(
    src: &str,
    node: tree_sitter::Node<'_>,
    out: &mut Vec<Piece>,
) -> Result<(), String> {
    let node = sole_descendant(node);
    let text = node_text(src, node);
    match node.kind() {
        "additive_expression" if node.child_count() == 3 => {
            let op = node.child(1).expect("operator");
            if node_text(src, op) != "+" {
                return Err(format!("operator {:?} is not +", node_text(src, op)));
            }
            collect_pieces(src, node.child(0).expect("lhs"), out)?;
            collect_pieces(src, node.child(2).expect("rhs"), out)
        }
        "verbatim_string_characters"
            if node.parent().map(|p| p.kind()) == Some("string_literal") =>
        {
            out.push(Piece::Text(decode_verbatim(text)?));
            Ok(())
        }
        "cast_expression" => {
            let (ty, operand) = (
                node.child(0).expect("type"),
                node.child(1).expect("operand"),
            );
            let hex = node_text(src, operand)
                .strip_prefix("0x")
                .filter(|h| h.len() == 4 && h.chars().all(|c| c.is_ascii_hexdigit()));
            match hex {
                Some(h) if node_text(src, ty).eq_ignore_ascii_case("[char]") => {
                    out.push(Piece::Unit(u16::from_str_radix(h, 16).expect("hex digits")));
                    Ok(())
                }
                _ => Err(format!("{text:?} is not [char]0xHHHH")),
            }
        }
        other => Err(format!("{other} {text:?} is not '...', [char]0xHHHH or +")),
    }
}

/// Decodes a PowerShell single-quoted (verbatim) string, including its quotes, the way
/// PowerShell's tokenizer does.
fn decode_verbatim(literal: &str) -> Result<String, String> {
    let is_quote = |c: char| PS_SINGLE_QUOTES.contains(&c);
    let mut chars = literal.chars().peekable();
    match chars.next() {
        Some(c) if is_quote(c) => {}
        _ => return Err("string does not start with a single quote".to_string()),
    }
    let mut out = String::new();
    loop {
        let Some(c) = chars.next() else {
            return Err("unterminated single-quoted string".to_string());
        };
        if is_quote(c) {
            match chars.next() {
                Some(second) if is_quote(second) => out.push(second),
                None => return Ok(out),
                Some(_) => {
                    return Err(format!(
                        "single-quoted string ends early at an undoubled {c:?} (after {out:?})"
                    ))
                }
            }
        } else {
            out.push(c);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Plumbing.

const TIMEOUT: Duration = Duration::from_secs(120);

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let base = std::env::temp_dir();
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("sso-env-shells-{tag}-{}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return TempDir(path),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => panic!("cannot create {}: {e}", path.display()),
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The directories of one evaluation: `home` (HOME), `work` (the empty working directory) and
/// `harness` (script, wrapper, output; outside the working directory).
struct EvalDirs {
    _root: TempDir,
    home: PathBuf,
    work: PathBuf,
    harness: PathBuf,
}

impl EvalDirs {
    fn new(tag: &str) -> EvalDirs {
        let root = TempDir::new(tag);
        let [home, work, harness] = ["home", "work", "harness"].map(|d| {
            let p = root.0.join(d);
            std::fs::create_dir(&p).unwrap_or_else(|e| panic!("mkdir {}: {e}", p.display()));
            p
        });
        EvalDirs {
            _root: root,
            home,
            work,
            harness,
        }
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn host_path() -> OsString {
    std::env::var_os("PATH")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into())
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&host_path())
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// No execute bit off Unix (and no `.exe` lookup: the Unix shells and wine are not looked for
/// there, so those evaluations report themselves unavailable).
#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// A symbolic link at `link` to `target` (a file or a directory). The wine harness that uses it
/// runs on Unix; elsewhere it is an error, not a compile failure.
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    return std::os::unix::fs::symlink(target, link);
    #[cfg(not(unix))]
    return Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        format!(
            "no symbolic link {} -> {} off Unix",
            link.display(),
            target.display()
        ),
    ));
}

fn env_binary() -> Option<PathBuf> {
    let fixed = PathBuf::from("/usr/bin/env");
    if is_executable(&fixed) {
        Some(fixed)
    } else {
        find_in_path("env")
    }
}

fn clean_env(cmd: &mut Command, dirs: &EvalDirs, initial_env: &[(&str, &str)]) {
    cmd.env_clear()
        .env("PATH", host_path())
        .env("HOME", &dirs.home)
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8");
    for (k, v) in initial_env {
        cmd.env(k, v);
    }
    cmd.current_dir(&dirs.work)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
}

/// Runs `cmd` to completion (waiting until every process holding its stdout/stderr has closed
/// them) and collects the result.
fn finish(mut cmd: Command, dirs: &EvalDirs, out_path: &Path) -> Evaluated {
    let (status, stdout, stderr) = run(&mut cmd);
    let (env, env_captured) = match std::fs::read(out_path) {
        Ok(bytes) => {
            assert!(
                bytes.is_empty() || bytes.ends_with(b"\0"),
                "env -0 output is incomplete ({} bytes)",
                bytes.len()
            );
            (parse_env0(&bytes), true)
        }
        Err(_) => (BTreeMap::new(), false),
    };
    let mut created_files = Vec::new();
    list_files(&dirs.work, &dirs.work, &mut created_files);
    created_files.sort();
    Evaluated {
        env,
        env_captured,
        stdout,
        stderr,
        status,
        created_files,
    }
}

fn run(cmd: &mut Command) -> (i32, Vec<u8>, Vec<u8>) {
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {:?}: {e}", cmd.get_program()));
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait().expect("wait for shell") {
            Some(status) => break status,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{:?} did not finish within {TIMEOUT:?}", cmd.get_program());
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    // The readers end when every process holding the pipes is gone, including a Unix child that
    // wine's cmd started without waiting for it.
    let stdout = out_reader.join().expect("stdout reader");
    let stderr = err_reader.join().expect("stderr reader");
    (status.code().unwrap_or(-1), stdout, stderr)
}

fn parse_env0(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    bytes
        .split(|&b| b == 0)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let eq = entry.iter().position(|&b| b == b'=').unwrap_or(entry.len());
            let name = String::from_utf8_lossy(&entry[..eq]).into_owned();
            let value = entry.get(eq + 1..).unwrap_or_default().to_vec();
            (name, value)
        })
        .collect()
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(&path);
        out.push(rel.to_string_lossy().into_owned());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            list_files(root, &path, out);
        }
    }
}

/// `Z:\...` for an absolute Unix path (wine maps `Z:` to `/`).
fn windows_path(path: &Path) -> String {
    format!("Z:{}", path.display()).replace('/', "\\")
}

#[cfg(unix)]
fn current_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map_or(0, |m| m.uid())
}

#[cfg(not(unix))]
fn current_uid() -> u32 {
    0
}

/// Wine's directory: `prefix/` (WINEPREFIX) and `locale/` (LOCPATH for the UTF-8 code page).
/// Created and started once per process; reused across processes.
fn wine_dir() -> Result<&'static Path, String> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIR.get_or_init(init_wine)
        .as_ref()
        .map(PathBuf::as_path)
        .map_err(Clone::clone)
}

const UTF8_LOCALE: &str = "hi_IN.UTF-8";

fn init_wine() -> Result<PathBuf, String> {
    find_in_path("wine").ok_or("wine is not installed (apt-get install wine)")?;
    let base = match std::env::var_os("SSO_ENV_TEST_WINE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => std::env::temp_dir().join(format!("sso-env-test-wine-{}", current_uid())),
    };
    let locale_dir = base.join("locale");
    std::fs::create_dir_all(&locale_dir)
        .map_err(|e| format!("cannot create {}: {e}", locale_dir.display()))?;
    // A private locale name whose Windows locale (hi-IN) has UTF-8 as ANSI and OEM code page in
    // wine, backed by the C.UTF-8 locale data.
    let link = locale_dir.join(UTF8_LOCALE);
    if std::fs::symlink_metadata(&link).is_err() {
        let data = ["/usr/lib/locale/C.utf8", "/usr/lib/locale/C.UTF-8"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.is_dir())
            .ok_or("no C.UTF-8 locale data in /usr/lib/locale")?;
        if let Err(e) = symlink(&data, &link) {
            if std::fs::symlink_metadata(&link).is_err() {
                return Err(format!("cannot create {}: {e}", link.display()));
            }
        }
    }
    keep_wine_running(&base).map_err(|e| format!("`wine cmd /c echo` failed: {e}"))?;
    Ok(base)
}

/// How long the wine server (and wine's services) stay up after the last wine process exits.
const WINESERVER_PERSISTENCE_SECS: u32 = 30;

/// Makes sure a persistent wine server and wine's services are running, started with output to
/// files rather than to our pipes. Otherwise the first `wine` of an evaluation starts
/// `services.exe`, `winedevice.exe`, `plugplay.exe`... which inherit its stderr, so the harness
/// (which reads stderr to its end) would wait until they exit (about 1 s after each evaluation
/// with wine's default persistence, or the whole persistence time). With a warm server one
/// evaluation takes about 0.15 s instead of about 1.5 s.
fn keep_wine_running(base: &Path) -> Result<(), String> {
    let dirs = EvalDirs::new("wineboot");
    let out_path = dirs.harness.join("out.txt");
    let wineserver = |arg: &str| {
        if let Some(wineserver) = find_in_path("wineserver") {
            let mut cmd = Command::new(wineserver);
            cmd.arg(arg);
            clean_env(&mut cmd, &dirs, &[]);
            wine_env(&mut cmd, base, CmdCodePage::Utf8);
            cmd.env("HOME", base)
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            let _ = cmd.status();
        }
    };
    if !base.join("prefix").join("system.reg").exists() {
        // Create the prefix first (a persistent server cannot start without it), then wait for
        // that server to go away.
        wine_echo(base, &dirs, &out_path)?;
        wineserver("-w");
    }
    // Starts a persistent server, or exits at once if one is already running for this prefix.
    // A server whose persistence ran out just as we connected is gone a moment later, and the
    // first `wine` then fails: start one again and retry, a few times.
    let mut last = Ok(());
    for attempt in 0..3 {
        if attempt > 0 {
            eprintln!("note: wine did not start ({last:?}); trying again");
            std::thread::sleep(Duration::from_millis(500));
        }
        wineserver(&format!("-p{WINESERVER_PERSISTENCE_SECS}"));
        last = wine_echo(base, &dirs, &out_path);
        if last.is_ok() {
            break;
        }
    }
    last
}

/// Runs `wine cmd /c echo` with output to `out_path` (not to a pipe of ours).
fn wine_echo(base: &Path, dirs: &EvalDirs, out_path: &Path) -> Result<(), String> {
    let wine = find_in_path("wine").ok_or("wine is not installed (apt-get install wine)")?;
    let out_file = |p: &Path| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .map_err(|e| format!("cannot open {}: {e}", p.display()))
    };
    let mut cmd = Command::new(wine);
    cmd.args(["cmd", "/c", "echo", "sso-env-wine-ready"]);
    clean_env(&mut cmd, dirs, &[]);
    wine_env(&mut cmd, base, CmdCodePage::Utf8);
    cmd.env("HOME", base)
        .stdout(out_file(out_path)?)
        .stderr(out_file(out_path)?);
    let mut child = cmd.spawn().map_err(|e| format!("cannot start wine: {e}"))?;
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => break status,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("wine did not finish within {TIMEOUT:?}"));
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let out = std::fs::read(out_path).unwrap_or_default();
    let out = String::from_utf8_lossy(&out);
    if status.success() && out.contains("sso-env-wine-ready") {
        Ok(())
    } else {
        Err(format!("status {status}: {out}"))
    }
}

fn wine_env(cmd: &mut Command, base: &Path, code_page: CmdCodePage) {
    cmd.env("WINEPREFIX", base.join("prefix"))
        .env("WINEDEBUG", "-all")
        // No Mono/Gecko installers when the prefix is created.
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=");
    if code_page == CmdCodePage::Utf8 {
        cmd.env("LOCPATH", base.join("locale"))
            .env("LC_ALL", UTF8_LOCALE);
    }
}
