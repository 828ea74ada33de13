//! A text table that fits the terminal: columns padded to their widest cell (in display width:
//! CJK takes two columns). When a terminal is too narrow, the shrinkable columns are cut
//! (longest first, never under 8) and, if that is not enough, the droppable columns go, in
//! order; other columns (the one people type) are never cut. Piped output, or a terminal of
//! unknown width, is never cut. Colour only on a terminal, never with `NO_COLOR` or
//! `TERM=dumb`.

use std::fmt::Write as _;
use std::io::IsTerminal;

use unicode_width::UnicodeWidthChar;

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

/// Which columns may give way when the terminal is narrow.
pub(crate) struct Fit<'a> {
    /// Cut with `…`, longest first, down to 8.
    pub shrinkable: &'a [usize],
    /// Left out whole, in this order, when cutting is not enough.
    pub droppable: &'a [usize],
}

/// The table on stdout's terms: the terminal's width and colour, or neither when piped.
pub(crate) fn render(header: &[&str], lines: &[Line], fit_to: &Fit) -> String {
    let tty = std::io::stdout().is_terminal();
    let color = tty
        && super::capable()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && super::ansi_ok();
    // A terminal reporting 0 columns (a pty nobody sized) is of unknown width: no cutting.
    let cols = tty
        .then(|| crossterm::terminal::size().ok())
        .flatten()
        .map(|(c, _)| usize::from(c))
        .filter(|c| *c > 0);
    let (widths, shown) = layout(header, lines, fit_to, cols);
    let last_shown = shown.iter().rposition(|s| *s).unwrap_or(0);
    let paint = |c: &Cell, width: usize, last: bool| {
        let text = fit(&c.text, width);
        let pad = if last {
            0
        } else {
            width.saturating_sub(display_width(&text))
        };
        let text = match (color, c.color) {
            (true, Some(code)) => format!("\x1b[{code}m{text}\x1b[0m"),
            _ => text,
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
                .filter(|(i, _)| shown[*i])
                .map(|(i, c)| paint(c, widths[i], i == last_shown))
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

/// Column widths and which columns are shown: the widest cell of each column; then, to fit
/// `cols`, the shrinkable columns cut and, while that is not enough, the next droppable one
/// left out.
fn layout(
    header: &[&str],
    lines: &[Line],
    fit_to: &Fit,
    cols: Option<usize>,
) -> (Vec<usize>, Vec<bool>) {
    let mut natural: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for line in lines {
        let cells: &[Cell] = match line {
            Line::Cells(cells) => cells,
            Line::Note(first, _) => std::slice::from_ref(first),
        };
        for (w, c) in natural.iter_mut().zip(cells) {
            *w = (*w).max(display_width(&clean(&c.text)));
        }
    }
    let mut shown = vec![true; natural.len()];
    let Some(cols) = cols else {
        return (natural, shown);
    };
    let total = |w: &[usize], shown: &[bool]| {
        let n = shown.iter().filter(|s| **s).count();
        let sum: usize = w
            .iter()
            .zip(shown)
            .filter(|(_, s)| **s)
            .map(|(w, _)| w)
            .sum();
        sum + 2 * n.saturating_sub(1)
    };
    let mut drops = fit_to.droppable.iter();
    loop {
        let mut widths = natural.clone();
        while total(&widths, &shown) > cols {
            let Some(&i) = fit_to
                .shrinkable
                .iter()
                .filter(|&&i| shown[i] && widths[i] > 8)
                .max_by_key(|&&i| (widths[i], std::cmp::Reverse(i)))
            else {
                break;
            };
            widths[i] -= 1;
        }
        match drops.next() {
            Some(&i) if total(&widths, &shown) > cols => shown[i] = false,
            _ => return (widths, shown),
        }
    }
}

fn display_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Control characters become `?`: a cell never moves the cursor.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Cuts `s` to `width` display columns, marking the cut with `…`.
fn fit(s: &str, width: usize) -> String {
    let clean = clean(s);
    if display_width(&clean) <= width {
        return clean;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in clean.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_by_display_width() {
        assert_eq!(fit("開発本番", 5), "開発…");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("a\nb", 8), "a?b");
        assert_eq!(display_width("開発-x"), 6);
    }
}
