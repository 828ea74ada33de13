//! The AWS config file format, read the way botocore reads it (Python's `RawConfigParser`):
//! `[section]` headers, `key = value` or `key: value`, keys lower-cased, values taken verbatim
//! to the end of the line (no inline comments), indented lines continuing the previous value,
//! whole-line comments with `#` or `;`. Errors name the file and line, as `path:line: what`.
//!
//! This is the one parser on the warm path, so it borrows from the file text and allocates
//! only per section and key.

use std::borrow::Cow;

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

/// Parses config text. `path` is only used in error messages.
pub fn parse<'a>(text: &'a str, path: &str) -> Result<Vec<Section<'a>>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<Section<'a>> = Vec::new();
    // Indentation of the last entry's line: a line indented deeper continues its value
    // (None right after a header, where nothing can be continued).
    let mut value_indent: Option<usize> = None;
    let mut blank_lines = 0;
    // Header -> first line, to refuse duplicates as Python does, in linear time.
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (idx, raw) in text.split('\n').enumerate() {
        let lineno = idx + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim();
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.is_empty() {
            // Python keeps empty lines inside multi-line values and strips them at the end:
            // count them, and add them only if a continuation line follows.
            blank_lines += 1;
            continue;
        }
        let indent = line.len() - line.trim_start().len();
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

/// A `key = value` line (or `key: value`), added to the last section.
fn add_setting<'a>(
    sections: &mut [Section<'a>],
    trimmed: &'a str,
    lineno: usize,
    path: &str,
) -> Result<()> {
    let delimiter = trimmed.find(['=', ':']);
    if delimiter.is_none() && trimmed.starts_with('[') {
        let what = if trimmed == "[]" {
            "empty section header '[]'"
        } else {
            "section header has no closing ']'"
        };
        return Err(at(
            path,
            lineno,
            &format!("{what}; write it as [profile NAME]"),
        ));
    }
    let Some(section) = sections.last_mut() else {
        return Err(at(
            path,
            lineno,
            "setting before any [section] header; put it under [default] or [profile NAME]",
        ));
    };
    let Some(pos) = delimiter else {
        return Err(at(
            path,
            lineno,
            "expected 'key = value' or a [section] header",
        ));
    };
    let raw_key = trimmed[..pos].trim_end();
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
    let value = Cow::Borrowed(trimmed[pos + 1..].trim_start());
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
