//! The AWS config file format, read the way botocore reads it (Python's `RawConfigParser`):
//! `[section]` headers, `key = value` or `key: value`, keys lower-cased, values taken verbatim
//! to the end of the line (no inline comments), indented lines continuing the previous value,
//! whole-line comments with `#` or `;`. Errors name the file and line, as `path:line: what`.
//!
//! This is the one parser on the warm path, so it borrows from the file text and allocates
//! only per section and key.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::error::{Error, Result};

#[derive(Debug)]
pub struct Section<'a> {
    /// The header text between `[` and `]`, as written.
    pub header: &'a str,
    /// 1-based line of the header.
    pub line: usize,
    pub entries: Vec<Entry<'a>>,
}

/// Keys and values borrow from the file text; only a key with upper case or a multi-line
/// value needs its own copy, which keeps a 10,000-profile file fast to read.
#[derive(Debug)]
pub struct Entry<'a> {
    /// Lower-cased key (RawConfigParser's `optionxform`).
    pub key: Cow<'a, str>,
    /// The value; multi-line values are joined with `\n`, as Python does.
    pub value: Cow<'a, str>,
    pub line: usize,
}

impl<'a> Section<'a> {
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.value.as_ref())
    }

    pub(crate) fn entry(&self, key: &str) -> Option<&Entry<'a>> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// `text.split('\n')` with a plain byte loop: lines are short, and the general searcher's
/// per-call set-up cost more than the search on a 10,000-profile file.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let end = match newline(&bytes[start..]) {
            Some(n) => start + n,
            None => {
                done = true;
                bytes.len()
            }
        };
        // `\n` is one byte and never inside a multi-byte character: both ends are boundaries.
        let line = &text[start..end];
        start = end + 1;
        Some(line)
    })
}

/// The first `\n` in `bytes`, eight bytes at a time (the classic zero-byte test on a word).
fn newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const NL: u64 = ONES * b'\n' as u64;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ NL;
        if word.wrapping_sub(ONES) & !word & HIGHS != 0 {
            break;
        }
        at += 8;
    }
    bytes[at..].iter().position(|b| *b == b'\n').map(|n| at + n)
}

/// `str::trim_start` and `trim_end`, returning at once when the text starts (ends) with a
/// visible ASCII character, as nearly every line does; otherwise the general ones, so the
/// result is always exactly theirs.
fn trim_start(s: &str) -> &str {
    match s.as_bytes().first() {
        Some(b) if b.is_ascii() && !is_space(*b) => s,
        _ => s.trim_start(),
    }
}

fn trim_end(s: &str) -> &str {
    match s.as_bytes().last() {
        Some(b) if b.is_ascii() && !is_space(*b) => s,
        _ => s.trim_end(),
    }
}

/// The ASCII characters `char::is_whitespace` accepts.
fn is_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// FNV-1a for the section-name set: short keys from the user's own file, where SipHash's
/// flooding resistance buys nothing and costs a tenth of the parse.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Parses config text. `path` is only used in error messages.
pub fn parse<'a>(text: &'a str, path: &str) -> Result<Vec<Section<'a>>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<Section<'a>> = Vec::new();
    // Indentation of the last entry's line: a line indented deeper continues its value
    // (None right after a header, where nothing can be continued).
    let mut value_indent: Option<usize> = None;
    let mut blank_lines = 0;
    // Header -> first line, to refuse duplicates as Python does, in linear time.
    let mut seen: HashMap<&str, usize, BuildHasherDefault<Fnv>> =
        HashMap::with_capacity_and_hasher(text.len() / 128, BuildHasherDefault::default());
    for (idx, raw) in lines(text).enumerate() {
        let lineno = idx + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = trim_end(trim_start(line));
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.is_empty() {
            // Python keeps empty lines inside multi-line values and strips them at the end:
            // count them, and add them only if a continuation line follows.
            blank_lines += 1;
            continue;
        }
        let indent = line.len() - trim_start(line).len();
        if value_indent.is_some_and(|level| indent > level) {
            if let Some(entry) = sections.last_mut().and_then(|s| s.entries.last_mut()) {
                let value = entry.value.to_mut();
                for _ in 0..=blank_lines {
                    value.push('\n');
                }
                value.push_str(trimmed);
                blank_lines = 0;
                continue;
            }
        }
        blank_lines = 0;
        // A header as Python's SECTCRE matches one: `[`, at least one character, the last `]`.
        // Anything else starting with `[` is read as a setting, as Python reads it.
        let header = trimmed.strip_prefix('[').and_then(|rest| {
            rest.rfind(']')
                .filter(|end| *end > 0)
                .map(|end| &rest[..end])
        });
        if let Some(header) = header {
            if let Some(first) = seen.insert(header, lineno) {
                return Err(at(
                    path,
                    lineno,
                    &format!(
                        "section [{header}] appears twice (first on line {first}); merge the two"
                    ),
                ));
            }
            sections.push(Section {
                header,
                line: lineno,
                entries: Vec::new(),
            });
            value_indent = None;
            continue;
        }
        add_setting(&mut sections, trimmed, lineno, path)?;
        value_indent = Some(indent);
    }
    Ok(sections)
}

/// A profile's header in either file: botocore reads `[profile x]` in the credentials file as
/// a profile called "profile x".
const HEADER: &str = "[profile NAME] (in the credentials file: [NAME])";

/// A `key = value` line (or `key: value`), added to the last section.
fn add_setting<'a>(
    sections: &mut [Section<'a>],
    trimmed: &'a str,
    lineno: usize,
    path: &str,
) -> Result<()> {
    // A byte search: a char-set `find` decodes every character, and this runs on every line
    // of the file (the ASCII delimiters never occur inside a multi-byte character).
    let delimiter = trimmed.bytes().position(|b| b == b'=' || b == b':');
    if delimiter.is_none() && trimmed.starts_with('[') {
        let what = if trimmed == "[]" {
            "empty section header '[]'"
        } else {
            "section header has no closing ']'"
        };
        return Err(at(path, lineno, &format!("{what}; write it as {HEADER}")));
    }
    let Some(section) = sections.last_mut() else {
        return Err(at(
            path,
            lineno,
            &format!("setting before any [section] header; put it under [default] or {HEADER}"),
        ));
    };
    let Some(pos) = delimiter else {
        return Err(at(
            path,
            lineno,
            "expected 'key = value' or a [section] header",
        ));
    };
    let raw_key = trim_end(&trimmed[..pos]);
    let key: Cow<'a, str> = if raw_key.chars().any(char::is_uppercase) {
        Cow::Owned(raw_key.to_lowercase())
    } else {
        Cow::Borrowed(raw_key)
    };
    if key.is_empty() {
        return Err(at(path, lineno, "missing key before '='"));
    }
    if let Some(first) = section.entries.iter().find(|e| e.key == key) {
        return Err(at(
            path,
            lineno,
            &format!(
                "key '{key}' set twice in [{}] (first on line {}); keep one",
                section.header, first.line
            ),
        ));
    }
    let value = Cow::Borrowed(trim_start(&trimmed[pos + 1..]));
    section.entries.push(Entry {
        key,
        value,
        line: lineno,
    });
    Ok(())
}

fn at(path: &str, line: usize, what: &str) -> Error {
    Error::new(format!("{path}:{line}: {what}"))
}

/// Python's `shlex.split` (POSIX mode, no comments): botocore splits section headers with it,
/// so `[profile "my profile"]` names the profile `my profile`. `None` where shlex would raise.
pub(crate) fn shlex_split(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\') => word.push(c),
                            c => {
                                word.push('\\');
                                word.push(c);
                            }
                        },
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?);
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_like_str() {
        for s in [
            "",
            " ",
            "a",
            " a ",
            "\u{b}a\u{c}",
            "\u{85}a\u{a0}",
            "\u{1c}a\u{1f}",
            "a\t",
            "é ",
            " é",
        ] {
            assert_eq!(trim_start(s), s.trim_start(), "{s:?}");
            assert_eq!(trim_end(s), s.trim_end(), "{s:?}");
        }
        for b in 0..128u8 {
            assert_eq!(is_space(b), char::from(b).is_whitespace(), "{b}");
        }
    }

    #[test]
    fn lines_split_like_str_split() {
        let long = "0123456789abcdef\n\n01234567\n0123456\n012345678\né€😀abc\u{8a}\n".repeat(3);
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "\n\na\r\nb\n",
            "é\nü\n\n",
            &long,
        ] {
            let ours: Vec<&str> = lines(text).collect();
            let std: Vec<&str> = text.split('\n').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn reads_sections_keys_and_continuations() {
        let text = "# top\n[default]\nregion = eu-west-1\n\n[profile a]\nKey: v:w = x\ns3 =\n  max = 10\n  other = 2\n; c\n";
        let s = parse(text, "cfg").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].get("region"), Some("eu-west-1"));
        assert_eq!(s[1].get("key"), Some("v:w = x"));
        assert_eq!(s[1].get("s3"), Some("\nmax = 10\nother = 2"));
        assert_eq!(s[1].entry("s3").unwrap().line, 7);
    }

    #[test]
    fn indented_keys_are_keys_not_continuations() {
        let s = parse("[p]\n  region = x\n  output = json\n    more\n", "cfg").unwrap();
        assert_eq!(s[0].get("region"), Some("x"));
        assert_eq!(s[0].get("output"), Some("json\nmore"));
    }

    #[test]
    fn blank_lines_inside_values_are_kept_and_trailing_ones_dropped() {
        let s = parse("[p]\na =\n  x\n\n  y\n\n\nb = 1\n", "cfg").unwrap();
        assert_eq!(s[0].get("a"), Some("\nx\n\ny"));
        assert_eq!(s[0].get("b"), Some("1"));
    }

    #[test]
    fn only_bracketed_text_is_a_header() {
        let s = parse("[a]\n\t[: x\n[b] trailing\n", "cfg").unwrap();
        assert_eq!(s[0].get("["), Some("x"));
        assert_eq!(s[1].header, "b");
        assert!(parse("[]\n", "cfg")
            .unwrap_err()
            .to_string()
            .contains("empty section header"));
    }

    #[test]
    fn values_keep_hashes_like_botocore() {
        let s = parse("[p]\na = b # not a comment\n", "cfg").unwrap();
        assert_eq!(s[0].get("a"), Some("b # not a comment"));
    }

    #[test]
    fn errors_name_file_and_line() {
        let cases = [
            ("a = b\n", "cfg:1: setting before any [section]"),
            ("[p]\njunk\n", "cfg:2: expected 'key = value'"),
            ("[p]\n[p]\n", "cfg:2: section [p] appears twice"),
            ("[p]\na=1\nA=2\n", "cfg:3: key 'a' set twice"),
            ("[p\n", "cfg:1: section header has no closing"),
        ];
        for (text, want) in cases {
            let e = parse(text, "cfg").unwrap_err().to_string();
            assert!(e.starts_with(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn shlex_matches_python() {
        assert_eq!(shlex_split("profile a").unwrap(), ["profile", "a"]);
        assert_eq!(
            shlex_split("profile  \"my name\"").unwrap(),
            ["profile", "my name"]
        );
        assert_eq!(
            shlex_split(r#"profile "a\"b\$c""#).unwrap(),
            ["profile", "a\"b\\$c"]
        );
        assert_eq!(shlex_split(r"profile a\ b").unwrap(), ["profile", "a b"]);
        assert_eq!(shlex_split("profile ''").unwrap(), ["profile", ""]);
        assert_eq!(shlex_split("profile 'x"), None);
        assert_eq!(shlex_split("profile x\\"), None);
    }
}
