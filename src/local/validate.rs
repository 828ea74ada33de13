//! Values in the config that cannot be what the user meant. botocore reads `region = us-west-2
//! # Oregon` as the whole text after `=` (no inline comments in these files), so a comment
//! would end up in `AWS_REGION` or in a request URL; we refuse it with the line to fix.

use crate::error::{shown, Error, Result};

/// Checks one `key = value` of a profile or sso-session; other keys pass unchecked.
pub(crate) fn value(path: &str, line: usize, key: &str, value: &str) -> Result<()> {
    let expected = match key {
        "region" | "sso_region" if !is_region(value) => "a region name like eu-west-1",
        "sso_account_id" if !is_account_id(value) => "a 12-digit account id",
        "sso_role_name" if !is_role_name(value) => {
            "a role name (letters, digits and +=,.@_-, up to 64)"
        }
        "sso_start_url" if value.contains(char::is_whitespace) => "a URL without spaces",
        _ => return Ok(()),
    };
    Err(refused(path, line, key, value, expected))
}

/// The error for a value that is not `expected`, with the comment note when it looks like one.
pub(crate) fn refused(path: &str, line: usize, key: &str, value: &str, expected: &str) -> Error {
    let note = if looks_commented(value) {
        "; ` #` does not start a comment in this file (nor ` ;`): put the comment on a line of its own"
    } else {
        ""
    };
    Error::new(format!(
        "{path}:{line}: {key} = {} is not {expected}{note}",
        shown(value)
    ))
}

/// Text after whitespace and `#` or `;`: an inline comment, in other file formats.
pub(crate) fn looks_commented(value: &str) -> bool {
    value
        .split_whitespace()
        .skip(1)
        .any(|w| w.starts_with('#') || w.starts_with(';'))
}

/// botocore's `validate_region_name`: a host label (up to 63 of [A-Za-z0-9-], no leading or
/// trailing `-`, not all digits).
fn is_region(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 63
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !v.starts_with('-')
        && !v.ends_with('-')
        && !v.bytes().all(|b| b.is_ascii_digit())
}

fn is_account_id(v: &str) -> bool {
    v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit())
}

/// IAM's role-name pattern `[\w+=,.@-]{1,64}`.
fn is_role_name(v: &str) -> bool {
    (1..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        for ok in [
            "eu-west-1",
            "us-gov-west-1",
            "cn-north-1",
            "us-isob-east-1",
            "local",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in ["us-west-2   # Oregon", "", "-a", "a-", "123", "eu_west_1"] {
            assert!(!is_region(bad), "{bad}");
        }
        assert!(is_account_id("000000000000"));
        assert!(!is_account_id("93182742772") && !is_account_id("93182742772x"));
        assert!(is_role_name("AWSReservedSSO_Admin+x=y,z.w@v-1"));
        assert!(!is_role_name("Admin # mine") && !is_role_name(&"a".repeat(65)));
        assert!(looks_commented("koa  # the company one") && looks_commented("x ;y"));
        assert!(!looks_commented("a#b") && !looks_commented("plain"));
    }
}
