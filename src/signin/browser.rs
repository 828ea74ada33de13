//! Opening the sign-in page. `$BROWSER` first (a `:`-separated list of commands, `%s` standing
//! for the URL, as Python's webbrowser and most Unix tools read it), then the desktop's opener.
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
        return list
            .split(':')
            .filter(|c| !c.trim().is_empty())
            .any(|command| {
                let Ok(mut words) = shell_words::split(command) else {
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
