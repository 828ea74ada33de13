//! `sso-env pick`: a fuzzy picker of profile names, drawn on the terminal (stderr, alternate
//! screen) and never on stdout, which carries only the chosen name so that
//! `name=$(sso-env pick)` works. Type to filter, arrows (or Ctrl-P/Ctrl-N, Tab) to move, Enter
//! to choose, Esc or Ctrl-C to cancel. `pick_many` (configure's accounts and roles) adds Space
//! to mark an entry and Ctrl-A to mark all of them.

use std::io::{IsTerminal, Write};

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, queue, style, terminal};

use crate::error::{Error, Result};

/// Returns the chosen name; `Ok(None)` when the user cancelled.
pub(crate) fn pick(names: &[String]) -> Result<Option<String>> {
    if names.is_empty() {
        return Err(Error::new(
            "no SSO profiles in your config to pick from; run: sso-env configure",
        ));
    }
    let mode = Mode {
        prompt: "AWS profile> ",
        multi: false,
    };
    Ok(open(names, &mode)?.and_then(|i| i.first().map(|&i| names[i].clone())))
}

/// The indexes of the entries marked (or, when none is, the one under the cursor); `Ok(None)`
/// when the user cancelled.
pub(crate) fn pick_many(prompt: &'static str, items: &[String]) -> Result<Option<Vec<usize>>> {
    open(
        items,
        &Mode {
            prompt,
            multi: true,
        },
    )
}

struct Mode {
    prompt: &'static str,
    multi: bool,
}

fn open(items: &[String], mode: &Mode) -> Result<Option<Vec<usize>>> {
    if !std::io::stderr().is_terminal() {
        return Err(
            Error::new("the picker needs a terminal; name the profile instead").with_code(2),
        );
    }
    if !super::capable() {
        return pick_by_line(items, mode).map_err(|e| Error::new(format!("terminal error: {e}")));
    }
    let mut ui = Ui::open().map_err(|e| Error::new(format!("cannot use the terminal: {e}")))?;
    let result = ui.run(items, mode);
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

    fn run(&mut self, names: &[String], mode: &Mode) -> std::io::Result<Option<Vec<usize>>> {
        let mut query = String::new();
        let mut selected = 0usize;
        let mut marked = vec![false; names.len()];
        loop {
            let matches = filter_indexes(names, &query);
            selected = selected.min(matches.len().saturating_sub(1));
            self.draw(mode, &query, names, &matches, &marked, selected)?;
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
            match action(code, modifiers, mode.multi) {
                Action::Choose => {
                    let chosen: Vec<usize> = (0..names.len()).filter(|&i| marked[i]).collect();
                    if !chosen.is_empty() {
                        return Ok(Some(chosen));
                    }
                    return Ok(matches.get(selected).map(|&i| vec![i]));
                }
                Action::Cancel => return Ok(None),
                Action::Mark => {
                    if let Some(&i) = matches.get(selected) {
                        marked[i] = !marked[i];
                        selected += 1;
                    }
                }
                Action::MarkAll => {
                    let all = matches.iter().all(|&i| marked[i]);
                    matches.iter().for_each(|&i| marked[i] = !all);
                }
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
        mode: &Mode,
        query: &str,
        names: &[String],
        matches: &[usize],
        marked: &[bool],
        selected: usize,
    ) -> std::io::Result<()> {
        let (cols, rows) = terminal::size().unwrap_or((80, 24));
        let width = usize::from(cols.max(10)) - 2;
        let room = usize::from(rows.max(4)) - 3;
        queue!(
            self.out,
            terminal::Clear(terminal::ClearType::All),
            cursor::MoveTo(0, 0)
        )?;
        let help = if mode.multi {
            let n = marked.iter().filter(|m| **m).count();
            format!("{n} marked (Space: mark, Ctrl-A: all, Enter: done, Esc: cancel)")
        } else {
            "(Enter: use, Esc: cancel)".to_string()
        };
        queue!(
            self.out,
            style::Print(format!(
                "{}{}",
                mode.prompt,
                clip(query, width.saturating_sub(mode.prompt.len()))
            )),
            cursor::MoveToNextLine(1),
            style::Print(format!("  {}/{} {help}", matches.len(), names.len())),
            cursor::MoveToNextLine(1)
        )?;
        // Keep the selection in view.
        let first = selected.saturating_sub(room.saturating_sub(1));
        for (pos, &i) in matches.iter().enumerate().skip(first).take(room) {
            let mark = match (mode.multi, marked[i]) {
                (false, _) => "",
                (true, true) => "[x] ",
                (true, false) => "[ ] ",
            };
            let cursor = if pos == selected { '>' } else { ' ' };
            let line = format!("{cursor} {mark}{}", clip(&names[i], width));
            if pos == selected {
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

/// The picker for a terminal without escape sequences (`TERM=dumb`): a numbered list and a
/// line read from stdin; a number, or text that matches one entry (as the fuzzy filter does);
/// with `multi`, several numbers or `all`.
fn pick_by_line(items: &[String], mode: &Mode) -> std::io::Result<Option<Vec<usize>>> {
    let mut shown: Vec<usize> = (0..items.len()).collect();
    let mut err = std::io::stderr();
    loop {
        for (i, &item) in shown.iter().enumerate() {
            writeln!(err, "{:>4}) {}", i + 1, clip(&items[item], usize::MAX))?;
        }
        let how = if mode.multi {
            "numbers, all, or part of a name"
        } else {
            "number or part of a name"
        };
        write!(err, "{}({how}; empty: cancel) ", mode.prompt)?;
        err.flush()?;
        let mut line = String::new();
        if std::io::stdin().read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let answer = line.trim();
        if answer.is_empty() {
            return Ok(None);
        }
        if mode.multi && answer == "all" {
            return Ok(Some(shown));
        }
        let numbers: Option<Vec<usize>> = answer
            .split([' ', ','])
            .filter(|w| !w.is_empty())
            .map(|w| {
                w.parse::<usize>()
                    .ok()
                    .and_then(|n| shown.get(n.wrapping_sub(1)).copied())
            })
            .collect();
        match numbers {
            Some(n) if !n.is_empty() && (mode.multi || n.len() == 1) => return Ok(Some(n)),
            _ => {}
        }
        if let Some(&i) = shown.iter().find(|&&i| items[i] == answer) {
            return Ok(Some(vec![i]));
        }
        let matches = filter_indexes(items, answer);
        match matches.as_slice() {
            [one] => return Ok(Some(vec![*one])),
            [] => writeln!(err, "nothing matches {answer:?}")?,
            _ => shown = matches,
        }
    }
}

/// What a key press does.
#[derive(Debug, PartialEq)]
enum Action {
    Choose,
    Cancel,
    /// Mark or unmark the entry under the cursor (multi-select).
    Mark,
    /// Mark every match, or unmark them all when all are marked (multi-select).
    MarkAll,
    Up,
    Down,
    Clear,
    Erase,
    Type(char),
    Nothing,
}

fn action(code: KeyCode, modifiers: KeyModifiers, multi: bool) -> Action {
    // Windows reports AltGr (which types `@`, `{`, `€` on many layouts) as Ctrl+Alt: a
    // character with both is typed text, not a Ctrl shortcut.
    let altgr = modifiers.contains(KeyModifiers::CONTROL | KeyModifiers::ALT);
    let ctrl = modifiers.contains(KeyModifiers::CONTROL) && !altgr;
    match code {
        KeyCode::Enter => Action::Choose,
        KeyCode::Esc => Action::Cancel,
        KeyCode::Char('c' | 'g' | 'd') if ctrl => Action::Cancel,
        KeyCode::Char(' ') if multi => Action::Mark,
        KeyCode::Char('a') if ctrl && multi => Action::MarkAll,
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

/// Names as shown: control characters made visible, cut to `width` display columns (CJK
/// takes two).
fn clip(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take_while(|c| {
            used += c.width().unwrap_or(0);
            used <= width
        })
        .collect()
}

/// The names matching `query` as a case-insensitive subsequence, best first: contiguous runs,
/// matches at word starts and early matches score higher; ties keep the config's order.
#[cfg(test)]
fn filter<'a>(names: &'a [String], query: &str) -> Vec<&'a str> {
    filter_indexes(names, query)
        .into_iter()
        .map(|i| names[i].as_str())
        .collect()
}

fn filter_indexes(names: &[String], query: &str) -> Vec<usize> {
    let mut scored: Vec<(i64, usize)> = names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| score(query, n).map(|s| (s, i)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
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
            assert_eq!(action(KeyCode::Char(c), altgr, false), Action::Type(c));
        }
        assert_eq!(action(KeyCode::Char('c'), altgr, false), Action::Type('c'));
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(action(KeyCode::Char('c'), ctrl, false), Action::Cancel);
        assert_eq!(action(KeyCode::Char('n'), ctrl, false), Action::Down);
        assert_eq!(action(KeyCode::Char('x'), ctrl, false), Action::Nothing);
        assert_eq!(
            action(KeyCode::Char('K'), KeyModifiers::SHIFT, false),
            Action::Type('K')
        );
        assert_eq!(
            action(KeyCode::Char('x'), KeyModifiers::NONE, false),
            Action::Type('x')
        );
        // Space and Ctrl-A mark entries only where several may be chosen.
        assert_eq!(
            action(KeyCode::Char(' '), KeyModifiers::NONE, true),
            Action::Mark
        );
        assert_eq!(
            action(KeyCode::Char(' '), KeyModifiers::NONE, false),
            Action::Type(' ')
        );
        assert_eq!(action(KeyCode::Char('a'), ctrl, true), Action::MarkAll);
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
        assert_eq!(clip("開発-本番", 5), "開発-");
        assert_eq!(clip("a\u{1b}b", 9), "a?b");
        assert!(filter(&names, "zz").is_empty());
    }
}
