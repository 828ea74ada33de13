//! "Did you mean ...?" for names the user mistyped.

/// Up to `max` candidates within a small edit distance of `name`, closest first.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .filter_map(|c| {
            let d = distance(name, c);
            let contains = !name.is_empty() && (c.contains(name) || name.contains(c));
            (d <= limit || contains).then_some((d, c))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        let names = ["koa-dev-customer", "koa-prod-customer", "legacy", "default"];
        assert_eq!(
            closest("koa-dev-custmer", names.into_iter(), 3),
            ["koa-dev-customer", "koa-prod-customer"]
        );
        assert_eq!(closest("legacy", names.into_iter(), 3), ["legacy"]);
        assert!(closest("zzzzzzzzzz", names.into_iter(), 3).is_empty());
    }
}
