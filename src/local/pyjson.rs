//! Python's `json.dumps` for the small objects the AWS CLI hashes into cache file names.
//! The bytes must match Python's exactly (sorted keys, `ensure_ascii`, its separators),
//! or we would not find the files the AWS CLI writes, nor it ours.

/// A JSON value as far as cache keys need: strings, integers, lists of strings, null.
pub(crate) enum Val<'a> {
    Str(&'a str),
    Int(i64),
    List(&'a [String]),
    Null,
}

/// `json.dumps(obj, sort_keys=True, separators=(item, key))`; `pairs` need not be sorted.
pub(crate) fn dumps(pairs: &[(&str, Val<'_>)], item_sep: &str, key_sep: &str) -> String {
    let mut sorted: Vec<&(&str, Val<'_>)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::from("{");
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push_str(item_sep);
        }
        string(&mut out, k);
        out.push_str(key_sep);
        match v {
            Val::Str(s) => string(&mut out, s),
            Val::Null => out.push_str("null"),
            Val::Int(n) => out.push_str(&n.to_string()),
            Val::List(items) => {
                out.push('[');
                for (j, s) in items.iter().enumerate() {
                    if j > 0 {
                        out.push_str(item_sep);
                    }
                    string(&mut out, s);
                }
                out.push(']');
            }
        }
    }
    out.push('}');
    out
}

/// A string as Python's encoder writes it with `ensure_ascii=True`.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// Lower-case hex SHA-1 of a string.
pub(crate) fn sha1_hex(s: &str) -> String {
    sha1_smol::Sha1::from(s.as_bytes()).digest().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_python_byte_for_byte() {
        // python3 -c 'import json; print(json.dumps({"b": "é\"\\\n😀\x01", "a": None, "c": ["x", "y"]}, sort_keys=True))'
        let got = dumps(
            &[
                ("b", Val::Str("é\"\\\n😀\u{1}")),
                ("a", Val::Null),
                ("c", Val::List(&["x".into(), "y".into()])),
            ],
            ", ",
            ": ",
        );
        assert_eq!(
            got,
            r#"{"a": null, "b": "\u00e9\"\\\n\ud83d\ude00\u0001", "c": ["x", "y"]}"#
        );
    }
}
