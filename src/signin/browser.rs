//! Opening the sign-in page. `$BROWSER` first (a list of commands separated by `:`, or by `;` on
//! Windows where `:` is part of `C:\...`, `%s` standing for the URL, as Python's webbrowser reads
//! it), then the desktop's opener.
//! With no display (SSH, containers) there is no browser, and login falls back to a device code.
//!
//! Written here rather than with a crate because login needs the answer "is there a browser at
//! all?" before choosing a flow, and the browser must never write to our stdout.

use std::process::{Command, Stdio};

/// Whether `open` has anything to try.
pub(crate) fn available() -> bool {
    if std::env::var_os("BROWSER").is_some_and(|b| !b.is_empty()) {
        return true;
    }
    if cfg!(any(target_os = "macos", windows)) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()))
        && which::which("xdg-open").is_ok()
}

/// Starts a browser on `url`; true when a browser command could be started.
pub(crate) fn open(url: &str) -> bool {
    if let Some(list) = std::env::var("BROWSER").ok().filter(|b| !b.is_empty()) {
        return browser_commands(&list, cfg!(windows))
            .into_iter()
            .any(|command| {
                let Some(mut words) = browser_words(command, cfg!(windows)) else {
                    return false;
                };
                if words.iter().any(|w| w.contains("%s")) {
                    words.iter_mut().for_each(|w| *w = w.replace("%s", url));
                } else {
                    words.push(url.to_string());
                }
                let (program, args) = words.split_first().expect("split of a non-empty command");
                spawn(Command::new(program).args(args))
            });
    }
    if !available() {
        return false;
    }
    if cfg!(target_os = "macos") {
        spawn(Command::new("open").arg(url))
    } else if cfg!(windows) {
        // rundll32 takes the URL as one argument; `cmd /c start` would reparse `&` in it.
        spawn(
            Command::new("rundll32")
                .arg("url.dll,FileProtocolHandler")
                .arg(url),
        )
    } else {
        spawn(Command::new("xdg-open").arg(url))
    }
}

/// The commands in `$BROWSER`, split on the platform's path-list separator, as Python's
/// webbrowser splits on `os.pathsep`.
fn browser_commands(list: &str, windows: bool) -> Vec<&str> {
    list.split(if windows { ';' } else { ':' })
        .filter(|c| !c.trim().is_empty())
        .collect()
}

/// The words of one `$BROWSER` command: shell words on Unix; on Windows, words split at spaces
/// outside double quotes, backslashes kept (`"C:\Program Files\x.exe" %s`).
fn browser_words(command: &str, windows: bool) -> Option<Vec<String>> {
    if !windows {
        return shell_words::split(command).ok().filter(|w| !w.is_empty());
    }
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quoted = false;
    for c in command.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                word.get_or_insert_with(String::new);
            }
            c if c.is_whitespace() && !quoted => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    (!quoted && !words.is_empty()).then_some(words)
}

/// Starts a command detached from our output (stdout may be read by `eval`), reaping it in
/// the background.
fn spawn(cmd: &mut Command) -> bool {
    match cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_list_splits_on_the_platform_separator() {
        assert_eq!(
            browser_commands("firefox %s:w3m", false),
            ["firefox %s", "w3m"]
        );
        let windows = r#""C:\Program Files\Firefox\firefox.exe";C:\bin\w3m.exe %s;"#;
        assert_eq!(
            browser_commands(windows, true),
            [
                r#""C:\Program Files\Firefox\firefox.exe""#,
                r"C:\bin\w3m.exe %s"
            ]
        );
        assert!(browser_commands(" : ", false).is_empty());
    }

    #[test]
    fn windows_browser_commands_keep_backslashes() {
        assert_eq!(
            browser_words(
                r#""C:\Program Files\Firefox\firefox.exe" -new-tab %s"#,
                true
            )
            .unwrap(),
            [r"C:\Program Files\Firefox\firefox.exe", "-new-tab", "%s"]
        );
        assert_eq!(
            browser_words(r"C:\bin\w3m.exe", true).unwrap(),
            [r"C:\bin\w3m.exe"]
        );
        assert_eq!(browser_words(r#""unclosed"#, true), None);
        assert_eq!(
            browser_words("firefox 'a b' %s", false).unwrap(),
            ["firefox", "a b", "%s"]
        );
    }
}
