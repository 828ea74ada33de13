//! RFC 3339 timestamps, by hand: the warm path must not pull in a date library or the SDK.
//!
//! We write `%Y-%m-%dT%H:%M:%SZ` (what the AWS CLI writes and every reader accepts: the Rust SDK
//! rejects `+00:00`, botocore rejects a missing zone) and read anything botocore writes or
//! accepts in practice: `Z`, `UTC`, numeric offsets, fractional seconds.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now.
pub(crate) fn now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// Formats unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn format_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Parses an RFC 3339 / ISO 8601 timestamp with a zone into unix seconds (fraction dropped).
/// A timestamp without a zone is refused, as botocore refuses it.
pub(crate) fn parse(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset = match &b[i..] {
        b"Z" | b"z" | b"UTC" | b"+00:00" | b"-00:00" | b"+0000" => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let digits: Vec<u8> = rest.iter().copied().filter(|c| *c != b':').collect();
            if digits.len() != 4
                || !digits.iter().all(u8::is_ascii_digit)
                || (rest.len() == 5 && rest[2] != b':')
            {
                return None;
            }
            let v = |k: usize| i64::from(digits[k] - b'0');
            let minutes = (v(0) * 10 + v(1)) * 60 + v(2) * 10 + v(3);
            if *sign == b'+' {
                minutes * 60
            } else {
                -minutes * 60
            }
        }
        _ => return None,
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(parse("2000-02-29T00:00:00Z"), Some(951_782_400));
        for t in [-86_401, 0, 1_700_000_000, 4_102_444_800, 1_767_225_599] {
            assert_eq!(parse(&format_utc(t)), Some(t), "{t}");
        }
    }

    #[test]
    fn reads_what_botocore_and_the_cli_write() {
        let base = parse("2026-01-01T12:00:00Z").unwrap();
        assert_eq!(parse("2026-01-01T12:00:00UTC"), Some(base));
        assert_eq!(parse("2026-01-01T12:00:00+00:00"), Some(base));
        assert_eq!(parse("2026-01-01T12:00:00.123456Z"), Some(base));
        assert_eq!(parse("2026-01-01T14:00:00+02:00"), Some(base));
        assert_eq!(parse("2026-01-01T07:30:00-0430"), Some(base));
    }

    #[test]
    fn refuses_what_is_not_a_zoned_timestamp() {
        for bad in [
            "",
            "2026-01-01T12:00:00",
            "2026-13-01T12:00:00Z",
            "2026-01-01T12:00Z",
            "tomorrow",
            "2026-01-01T12:00:00+5",
            "2026-01-01T12:00:00.Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
