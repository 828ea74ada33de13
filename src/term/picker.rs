//! `sso-env pick`: a fuzzy picker of profile names, drawn on the terminal (stderr, alternate
//! screen) and never on stdout, which carries only the chosen name so that
//! `name=$(sso-env pick)` works. Type to filter, arrows (or Ctrl-P/Ctrl-N, Tab) to move, Enter
//! to choose, Esc or Ctrl-C to cancel.

use std::io::{IsTerminal, Write};

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, queue, style, terminal};

use crate::error::{Error, Result};

/// Returns the chosen name; `Ok(None)` when the user cancelled.
pub(crate) fn pick(names: &[String]) -> Result<Option<String>> {
    if names.is_empty() {
        return Err(Error::new(
            "no SSO profiles in your config to pick from; run: aws configure sso",
        ));
    }
    if !std::io::stderr().is_terminal() {
        return Err(
            Error::new("the picker needs a terminal; name the profile instead").with_code(2),
        );
    }
    let mut ui = Ui::open().map_err(|e| Error::new(format!("cannot use the terminal: {e}")))?;
    let result = ui.run(names);
    ui.close();
    result.map_err(|e| Error::new(format!("terminal error: {e}")))
}

struct Ui {
    out: std::io::Stderr,
}

impl Ui {
    fn open() -> std::io::Result<Ui> {
        terminal::enable_raw_mode()?;
        let mut out = std::io::stderr();
        queue!(out, terminal::EnterAlternateScreen, cursor::Hide)?;
        out.flush()?;
        Ok(Ui { out })
    }

    fn close(&mut self) {
        let _ = queue!(self.out, cursor::Show, terminal::LeaveAlternateScreen);
        let _ = self.out.flush();
        let _ = terminal::disable_raw_mode();
    }

    fn run(&mut self, names: &[String]) -> std::io::Result<Option<String>> {
        let mut query = String::new();
        let mut selected = 0usize;
        loop {
            let matches = filter(names, &query);
            selected = selected.min(matches.len().saturating_sub(1));
            self.draw(&query, &matches, selected, names.len())?;
            let Event::Key(KeyEvent {
                code,
                modifiers,
                kind,
                ..
            }) = event::read()?
            else {
                continue;
            };
            if kind == KeyEventKind::Release {
                continue;
            }
            match action(code, modifiers) {
                Action::Choose => return Ok(matches.get(selected).map(|s| s.to_string())),
                Action::Cancel => return Ok(None),
                Action::Up => selected = selected.saturating_sub(1),
                Action::Down => selected += 1,
                Action::Clear => query.clear(),
                Action::Erase => {
                    query.pop();
                }
                Action::Type(c) => {
                    query.push(c);
                    selected = 0;
                }
                Action::Nothing => {}
            }
        }
    }

    fn draw(
        &mut self,
        query: &str,
        matches: &[&str],
        selected: usize,
        total: usize,
    ) -> std::io::Result<()> {
        let (cols, rows) = terminal::size().unwrap_or((80, 24));
        let width = usize::from(cols.max(10)) - 2;
        let room = usize::from(rows.max(4)) - 3;
        queue!(
            self.out,
            terminal::Clear(terminal::ClearType::All),
            cursor::MoveTo(0, 0)
        )?;
        queue!(
            self.out,
            style::Print(format!(
                "AWS profile> {}",
                clip(query, width.saturating_sub(13))
            )),
            cursor::MoveToNextLine(1)
        )?;
        queue!(
            self.out,
            style::Print(format!(
                "  {}/{} (Enter: use, Esc: cancel)",
                matches.len(),
                total
            )),
            cursor::MoveToNextLine(1)
        )?;
        // Keep the selection in view.
        let first = selected.saturating_sub(room.saturating_sub(1));
        for (i, name) in matches.iter().enumerate().skip(first).take(room) {
            let line = format!(
                "{} {}",
                if i == selected { '>' } else { ' ' },
                clip(name, width)
            );
            if i == selected {
                queue!(
                    self.out,
                    style::PrintStyledContent(style::Stylize::reverse(line))
                )?;
            } else {
                queue!(self.out, style::Print(line))?;
            }
            queue!(self.out, cursor::MoveToNextLine(1))?;
        }
        self.out.flush()
    }
}

/// What a key press does.
#[derive(Debug, PartialEq)]
enum Action {
    Choose,
    Cancel,
    Up,
    Down,
    Clear,
    Erase,
    Type(char),
    Nothing,
}

fn action(code: KeyCode, modifiers: KeyModifiers) -> Action {
    // Windows reports AltGr (which types `@`, `{`, `€` on many layouts) as Ctrl+Alt: a
    // character with both is typed text, not a Ctrl shortcut.
    let altgr = modifiers.contains(KeyModifiers::CONTROL | KeyModifiers::ALT);
    let ctrl = modifiers.contains(KeyModifiers::CONTROL) && !altgr;
    match code {
        KeyCode::Enter => Action::Choose,
        KeyCode::Esc => Action::Cancel,
        KeyCode::Char('c' | 'g' | 'd') if ctrl => Action::Cancel,
        KeyCode::Up | KeyCode::BackTab => Action::Up,
        KeyCode::Char('p' | 'k') if ctrl => Action::Up,
        KeyCode::Down | KeyCode::Tab => Action::Down,
        KeyCode::Char('n' | 'j') if ctrl => Action::Down,
        KeyCode::Char('u') if ctrl => Action::Clear,
        KeyCode::Backspace => Action::Erase,
        KeyCode::Char(c) if !ctrl => Action::Type(c),
        _ => Action::Nothing,
    }
}

/// Names as shown: control characters made visible, cut to the width.
fn clip(s: &str, width: usize) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(width)
        .collect()
}

/// The names matching `query` as a case-insensitive subsequence, best first: contiguous runs,
/// matches at word starts and early matches score higher; ties keep the config's order.
pub(crate) fn filter<'a>(names: &'a [String], query: &str) -> Vec<&'a str> {
    let mut scored: Vec<(i64, usize, &str)> = names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| score(query, n).map(|s| (s, i, n.as_str())))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, n)| n).collect()
}

fn score(query: &str, name: &str) -> Option<i64> {
    let q: Vec<char> = query.chars().flat_map(char::to_lowercase).collect();
    if q.is_empty() {
        return Some(0);
    }
    let chars: Vec<char> = name.chars().collect();
    let mut qi = 0;
    let mut score = 0i64;
    let mut last: Option<usize> = None;
    for (i, c) in chars.iter().enumerate() {
        if qi == q.len() {
            break;
        }
        if c.to_lowercase().eq(std::iter::once(q[qi])) {
            score += 1;
            if last.is_some_and(|l| l + 1 == i) {
                score += 5;
            }
            if i == 0 || !chars[i - 1].is_alphanumeric() {
                score += 3;
            }
            if last.is_none() {
                score -= i as i64 / 4;
            }
            last = Some(i);
            qi += 1;
        }
    }
    (qi == q.len()).then_some(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn altgr_characters_are_text_and_ctrl_keys_are_commands() {
        let altgr = KeyModifiers::CONTROL | KeyModifiers::ALT;
        for c in ['@', '{', '€', 'q'] {
            assert_eq!(action(KeyCode::Char(c), altgr), Action::Type(c));
        }
        assert_eq!(action(KeyCode::Char('c'), altgr), Action::Type('c'));
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(action(KeyCode::Char('c'), ctrl), Action::Cancel);
        assert_eq!(action(KeyCode::Char('n'), ctrl), Action::Down);
        assert_eq!(action(KeyCode::Char('x'), ctrl), Action::Nothing);
        assert_eq!(
            action(KeyCode::Char('K'), KeyModifiers::SHIFT),
            Action::Type('K')
        );
        assert_eq!(
            action(KeyCode::Char('x'), KeyModifiers::NONE),
            Action::Type('x')
        );
    }

    #[test]
    fn filters_fuzzily_best_first() {
        let names: Vec<String> = [
            "koa-prod-admin",
            "koa-dev-customer",
            "legacy-style",
            "dev-tools",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(filter(&names, "dev"), ["dev-tools", "koa-dev-customer"]);
        assert_eq!(filter(&names, "kdc"), ["koa-dev-customer"]);
        assert_eq!(
            filter(&names, "KOA"),
            ["koa-prod-admin", "koa-dev-customer"]
        );
        assert_eq!(filter(&names, "").len(), 4);
        assert!(filter(&names, "zz").is_empty());
    }
}
