//! "Did you mean" suggestions with digdag's rule: plain Levenshtein distance at most
//! `floor(len(candidate) / 2)`.

/// Levenshtein distance between `a` and `b`, counted in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Candidates close to `word` by digdag's rule, closest first (stable for ties).
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut found: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let d = levenshtein(word, c);
            (d <= c.chars().count() / 2).then_some((d, c))
        })
        .collect();
    found.sort_by_key(|(d, _)| *d);
    found.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(levenshtein("parallel", "_parallel"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }

    #[test]
    fn suggestions_follow_digdag_threshold() {
        let c = ["_parallel", "_export", "_retry"];
        assert_eq!(did_you_mean("parallel", c), vec!["_parallel"]);
        assert_eq!(did_you_mean("_parellel", c), vec!["_parallel"]);
        assert!(did_you_mean("zzzzzzzzzz", c).is_empty());
    }
}
