//! cmd.exe: `@set "NAME=value"` lines, CRLF, meant to be saved as a .bat file and `call`ed. The
//! `@` keeps cmd from echoing each line (secrets included) when the file is called from a
//! prompt or a batch file that has echo on.
//!
//! Inside `set "..."` the characters `& | < > ^ ( )` are literal, but cmd has no escape that
//! works both in a batch file and on the command line for `%`, cannot nest `"`, expands `!`
//! under delayed expansion, cannot hold a line break or an empty value, cuts long lines, and
//! decodes batch files in the console code page (437/850 by default), so non-ASCII text would
//! arrive garbled. Such values are refused rather than written wrongly.

use super::{refuse_nul, Refusal, Shell};

pub struct Cmd;

/// cmd's batch lines end at 8191 characters; leave room for `set "NAME=` and the quote.
const MAX_VALUE: usize = 8000;

impl Shell for Cmd {
    fn name(&self) -> &'static str {
        "cmd"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["windows-cmd"]
    }

    fn programs(&self) -> &'static [&'static str] {
        &["cmd"]
    }

    fn hook_template(&self) -> Option<&'static str> {
        Some(include_str!("hook.cmd"))
    }

    /// `call "C:\path\sso-env.exe" ...`: `literal` has refused what quotes cannot hold.
    fn program_literal(&self, path: &str) -> Result<String, Refusal> {
        Ok(format!("\"{}\"", self.literal(path)?))
    }

    /// The hook has no key binding; its placeholder stays empty.
    fn nothing(&self) -> &'static str {
        ""
    }

    /// Checks that cmd can carry `value` (see the module docs); the text itself, unquoted:
    /// inside `set "N=..."` or `"..."` it needs no escaping once the refusals are made.
    fn literal(&self, value: &str) -> Result<String, Refusal> {
        refuse_nul(value)?;
        if value.is_empty() {
            return Err(Refusal(
                "it is empty, and cmd deletes a variable set to nothing".into(),
            ));
        }
        if value.len() > MAX_VALUE {
            let why = "cmd cuts batch lines at 8191 characters";
            return Err(Refusal(format!(
                "it is longer than {MAX_VALUE} bytes; {why}"
            )));
        }
        let bad = |c: &char| matches!(c, '%' | '"' | '!') || c.is_control() || !c.is_ascii();
        if let Some(c) = value.chars().find(bad) {
            let what = match c {
                '%' => "'%', which cmd would expand as a variable".to_string(),
                '"' => "'\"', which cmd cannot quote".to_string(),
                '!' => "'!', which cmd expands under delayed expansion".to_string(),
                '\n' | '\r' => "a line break, which cmd cannot hold in a variable".to_string(),
                c if c.is_control() => format!("the control character U+{:04X}", c as u32),
                c => format!(
                    "{c:?}, which cmd would garble (it reads batch files in the console code page)"
                ),
            };
            return Err(Refusal(format!("it contains {what}")));
        }
        Ok(value.to_string())
    }

    fn set(&self, name: &str, value: &str) -> Result<String, Refusal> {
        Ok(format!("@set \"{name}={}\"", self.literal(value)?))
    }

    fn unset(&self, name: &str) -> String {
        format!("@set \"{name}=\"")
    }

    fn newline(&self) -> &'static str {
        "\r\n"
    }
}

/// cmd's AutoRun value (`HKCU\Software\Microsoft\Command Processor`) is one command line that
/// every new cmd runs; conda, Clink and others keep their own commands in it, joined by `&`. Ours
/// is added and removed on its own, the others kept byte for byte, as Clink does.
pub(crate) mod autorun {
    use super::Refusal;

    /// The file name that marks our command (in the user's profile directory).
    pub(crate) const HOOK_FILE: &str = "sso-env-hook.cmd";

    /// How the installed hook calls sso-env: the path AutoRun passed it (see `hook.cmd`).
    pub(crate) const EXE: &str = "\"%SSO_ENV_HOOK_EXE%\"";

    /// Our command for the hook at `hook`, handing it sso-env's path `exe` (AutoRun is UTF-16, so
    /// any path arrives intact): runs it only while it exists; the parentheses keep `if` from
    /// taking the commands after it as its own. `%` would expand and `call` doubles a `^` even
    /// inside quotes, so paths with them are refused.
    pub(crate) fn entry(hook: &str, exe: &str) -> Result<String, Refusal> {
        for path in [hook, exe] {
            if let Some(c) = path
                .chars()
                .find(|c| matches!(c, '"' | '%' | '^') || c.is_control())
            {
                return Err(Refusal(format!(
                    "the path {path:?} contains {c:?}, which AutoRun cannot quote"
                )));
            }
        }
        Ok(format!(
            "(if exist \"{hook}\" call \"{hook}\" autorun \"{exe}\")"
        ))
    }

    fn is_ours(command: &str) -> bool {
        command.to_ascii_lowercase().contains(HOOK_FILE)
    }

    /// The byte ranges of the commands in `line`: split at `&`, `&&` and `||` outside quotes,
    /// parentheses and `^` escapes, whitespace around each command left out.
    fn commands(line: &str) -> Vec<(usize, usize)> {
        let bytes = line.as_bytes();
        let (mut quoted, mut depth, mut start, mut i) = (false, 0i32, 0, 0);
        let mut out = Vec::new();
        while i < bytes.len() {
            match bytes[i] {
                b'"' => quoted = !quoted,
                b'^' if !quoted => i += 1,
                b'(' if !quoted => depth += 1,
                b')' if !quoted => depth -= 1,
                b'&' | b'|' if !quoted && depth <= 0 => {
                    let double = bytes.get(i + 1) == Some(&bytes[i]);
                    if double || bytes[i] == b'&' {
                        out.push((start, i));
                        i += if double { 2 } else { 1 };
                        start = i;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        out.push((start, line.len()));
        out.into_iter()
            .map(|(a, b)| {
                let piece = &line[a..b];
                let a = a + (piece.len() - piece.trim_start().len());
                (a, a + piece.trim().len())
            })
            .collect()
    }

    /// `line` without our command (and the separator that joined it); the rest unchanged.
    /// Empty when nothing else was there.
    pub(crate) fn remove(line: &str) -> String {
        let mut line = line.to_string();
        loop {
            let cmds = commands(&line);
            let Some(i) = cmds.iter().position(|&(a, b)| is_ours(&line[a..b])) else {
                return if line.trim().is_empty() {
                    String::new()
                } else {
                    line
                };
            };
            let (a, b) = cmds[i];
            let range = match (i.checked_sub(1).map(|p| cmds[p]), cmds.get(i + 1)) {
                (Some((_, prev_end)), _) => prev_end..b,
                (None, Some(&(next_start, _))) => a..next_start,
                (None, None) => 0..line.len(),
            };
            line.replace_range(range, "");
        }
    }

    /// `line` with our command `entry` first (replacing an older one of ours): an `if` without
    /// parentheses before it (conda's `if exist "…\conda_hook.bat" "…\conda_hook.bat"`) would
    /// take the rest of the line, `& ours` included, as its own, and skip ours with it.
    pub(crate) fn add(line: &str, entry: &str) -> String {
        let rest = remove(line);
        if rest.trim().is_empty() {
            entry.to_string()
        } else {
            format!("{entry} & {}", rest.trim_start())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        const CONDA: &str = "if exist \"C:\\Users\\Zo\u{eb}\\miniconda3\\condabin\\conda_hook.bat\" \"C:\\Users\\Zo\u{eb}\\miniconda3\\condabin\\conda_hook.bat\"";
        const CLINK: &str = r#""C:\Program Files (x86)\clink\clink.bat" inject --autorun"#;

        const EXE: &str = "C:\\Users\\Zo\u{eb}\\scoop\\shims\\sso-env.exe";

        #[test]
        fn entry_quotes_paths_with_spaces_and_refuses_what_it_cannot() {
            assert_eq!(
                entry(
                    r"C:\Users\Jane Doe\sso-env-hook.cmd",
                    r"C:\Program Files (x86)\sso-env.exe"
                )
                .unwrap(),
                r#"(if exist "C:\Users\Jane Doe\sso-env-hook.cmd" call "C:\Users\Jane Doe\sso-env-hook.cmd" autorun "C:\Program Files (x86)\sso-env.exe")"#
            );
            // Any text: AutoRun is UTF-16.
            assert!(entry("C:\\Users\\Zo\u{eb}\\sso-env-hook.cmd", EXE).is_ok());
            for bad in [r"C:\100%\x", r"C:\a^b\x", "C:\\a\"b", "C:\\a\nb"] {
                assert!(entry(bad, EXE).is_err(), "{bad:?}");
                assert!(entry(r"C:\h\sso-env-hook.cmd", bad).is_err(), "{bad:?}");
            }
            assert!(entry(r"C:\R&D (x)\sso-env-hook.cmd", EXE).is_ok());
        }

        #[test]
        fn adds_before_other_tools_and_removes_only_ours() {
            let ours = entry(r"C:\Users\Jane Doe\sso-env-hook.cmd", EXE).unwrap();
            assert_eq!(add("", &ours), ours);
            // First: conda's `if` takes the rest of the line as its own.
            let with_conda = add(CONDA, &ours);
            assert_eq!(with_conda, format!("{ours} & {CONDA}"));
            // Installing again replaces ours, never duplicates it.
            assert_eq!(add(&with_conda, &ours), with_conda);
            let moved = entry(r"D:\home\sso-env-hook.cmd", EXE).unwrap();
            assert_eq!(add(&with_conda, &moved), format!("{moved} & {CONDA}"));
            // An older install, ours last, moves to the front.
            let old = format!("{CONDA} & {ours}");
            assert_eq!(add(&old, &ours), with_conda);
            assert_eq!(remove(&with_conda), CONDA);
            assert_eq!(remove(&old), CONDA);
            assert_eq!(remove(&ours), "");

            // Ours first, in the middle, with && and ||: the others kept byte for byte.
            let line = format!("{ours}&{CLINK}");
            assert_eq!(remove(&line), CLINK);
            let line = format!("{CLINK} &&  {ours} || echo x&{CONDA}");
            assert_eq!(remove(&line), format!("{CLINK} || echo x&{CONDA}"));
            let line = format!("{CLINK}&{ours} & {CONDA}");
            assert_eq!(remove(&line), format!("{CLINK} & {CONDA}"));
            // An & inside quotes, parentheses or escaped is part of a command.
            let tricky = r#"echo a^&b & "C:\R&D\x.bat" & (echo c & echo d)"#;
            assert_eq!(remove(&format!("{tricky} & {ours}")), tricky);
            assert_eq!(remove(tricky), tricky);
            // A pipe is not a separator.
            assert_eq!(remove("type a | more"), "type a | more");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_cmd_cannot_carry() {
        assert_eq!(Cmd.set("A", "a&b|c^<>()").unwrap(), "@set \"A=a&b|c^<>()\"");
        assert_eq!(Cmd.unset("A"), "@set \"A=\"");
        let long = "x".repeat(MAX_VALUE + 1);
        for bad in [
            "50%",
            "a\"b",
            "hi!",
            "a\nb",
            "a\rb",
            "\u{1b}[0m",
            "",
            "é",
            &long,
        ] {
            assert!(Cmd.set("A", bad).is_err(), "{bad:?}");
        }
    }
}
