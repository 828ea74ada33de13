//! A text table that fits the terminal: columns padded to their widest cell, the named
//! columns shrunk (longest first, never under 8) when the terminal is narrow, colour only on a
//! terminal and never with `NO_COLOR`.

use std::fmt::Write as _;
use std::io::IsTerminal;

/// One cell: its text and an optional ANSI colour code.
#[derive(Default, Clone)]
pub(crate) struct Cell {
    text: String,
    color: Option<&'static str>,
}

impl Cell {
    pub(crate) fn plain(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            color: None,
        }
    }

    pub(crate) fn colored(text: impl Into<String>, color: &'static str) -> Cell {
        Cell {
            text: text.into(),
            color: Some(color),
        }
    }
}

/// A row: one cell per column, or a first cell and a note spanning the rest of the row (a
/// note sets no column's width and is never cut).
pub(crate) enum Line {
    Cells(Vec<Cell>),
    Note(Cell, Cell),
}

/// The table on stdout's terms: the terminal's width (80 when not a terminal) and colour.
pub(crate) fn render(header: &[&str], lines: &[Line], shrinkable: &[usize]) -> String {
    let tty = std::io::stdout().is_terminal();
    let color =
        tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && super::ansi_ok();
    let cols = if tty {
        crossterm::terminal::size().map_or(80, |(c, _)| usize::from(c))
    } else {
        80
    };
    let widths = widths(header, lines, shrinkable, cols);
    let paint = |c: &Cell, width: usize, last: bool| {
        let shown = fit(&c.text, width);
        let pad = if last {
            0
        } else {
            width.saturating_sub(shown.chars().count())
        };
        let text = match (color, c.color) {
            (true, Some(code)) => format!("\x1b[{code}m{shown}\x1b[0m"),
            _ => shown,
        };
        format!("{text}{}", " ".repeat(pad))
    };
    let mut out = String::new();
    let header = Line::Cells(header.iter().map(|h| Cell::plain(*h)).collect());
    for line in std::iter::once(&header).chain(lines) {
        let parts: Vec<String> = match line {
            Line::Cells(cells) => cells
                .iter()
                .enumerate()
                .map(|(i, c)| paint(c, widths[i], i + 1 == cells.len()))
                .collect(),
            Line::Note(first, note) => vec![
                paint(first, widths[0], false),
                paint(note, usize::MAX, true),
            ],
        };
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    }
    out
}

/// Column widths: the widest cell of each column, then the shrinkable ones cut down until the
/// table fits `cols`.
fn widths(header: &[&str], lines: &[Line], shrinkable: &[usize], cols: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for line in lines {
        let cells: &[Cell] = match line {
            Line::Cells(cells) => cells,
            Line::Note(first, _) => std::slice::from_ref(first),
        };
        for (w, c) in widths.iter_mut().zip(cells) {
            *w = (*w).max(c.text.chars().count());
        }
    }
    let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * (w.len() - 1);
    while total(&widths) > cols {
        let Some(&i) = shrinkable
            .iter()
            .filter(|&&i| widths[i] > 8)
            .max_by_key(|&&i| (widths[i], std::cmp::Reverse(i)))
        else {
            break;
        };
        widths[i] -= 1;
    }
    widths
}

/// Cuts `s` to `width` characters, marking the cut with `…`; control characters become `?`.
fn fit(s: &str, width: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if clean.chars().count() <= width {
        return clean;
    }
    let mut out: String = clean.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}
