//! CI gates that could never fail: a `diff --max-growth` type or a
//! `growth --fail-if-grows` name that nothing in the snapshots matches is
//! refused with exit code 2 and the names closest to it, so that a typo
//! cannot make a gate pass forever.

use std::fmt;

use heapscope_core::model::{Heap, Snapshot};

/// A gate that names nothing in its inputs (exit code 2, as a bad
/// argument).
#[derive(Debug)]
pub struct NeverTrips(pub String);

impl fmt::Display for NeverTrips {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NeverTrips {}

/// `flag value: nothing; so it can never fail[; did you mean …?]`.
pub fn never_trips(flag_and_value: &str, nothing: &str, close: &[&str]) -> anyhow::Error {
    let hint = match close {
        [] => String::new(),
        names => format!("; did you mean {}?", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" or ")),
    };
    NeverTrips(format!("{flag_and_value}: {nothing}, so this gate can never fail{hint}")).into()
}

/// The type names of a heap, each once.
pub fn type_names<'a>(snapshot: &'a Snapshot, heap: &Heap) -> Vec<&'a str> {
    let mut seen = vec![false; snapshot.strings.len()];
    let mut out = Vec::new();
    for &t in &heap.type_name {
        if let Some(s) = seen.get_mut(t as usize).filter(|s| !**s) {
            *s = true;
            out.push(snapshot.str(t));
        }
    }
    out
}

/// Whether `name` is `target` or ends with `.target` (a type or holder
/// named by its last component: `Request` for `app.models.Request`).
pub fn names(name: &str, target: &str) -> bool {
    name == target || name.rsplit('.').next() == Some(target)
}

/// Up to three of `candidates` that differ from `target` (or whose last
/// component differs from it) by a few edits, case aside, nearest first.
pub fn close_matches<'a>(target: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let target = target.to_lowercase();
    let max_edits = (target.chars().count() / 3).clamp(1, 3);
    let mut found: Vec<(usize, &str)> = Vec::new();
    for c in candidates {
        let last = c.rsplit('.').next().unwrap_or(c);
        let d = [c, last].iter().map(|s| edits(&target, &s.to_lowercase(), max_edits)).min().unwrap_or(usize::MAX);
        if d <= max_edits && !found.iter().any(|(_, f)| *f == c) {
            found.push((d, c));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    found.into_iter().take(3).map(|(_, c)| c).collect()
}

/// Edits (insert, delete, replace, or swap two neighbours: `Itme` is one
/// edit from `Item`) from `a` to `b`, or more than `max` when there are
/// (names of very different lengths are not compared).
fn edits(a: &str, b: &str, max: usize) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    // Rows i - 2, i - 1 and i of the distance table.
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let replace = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            row[j] = replace.min(previous[j] + 1).min(row[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut previous, row);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_matches_are_a_few_edits_away() {
        let types = ["app.models.Request", "app.models.Response", "builtins.dict", "app.Item"];
        assert_eq!(close_matches("Reqest", types), ["app.models.Request"]);
        assert_eq!(close_matches("app.models.Requests", types), ["app.models.Request"]);
        assert_eq!(close_matches("request", types), ["app.models.Request"]);
        assert!(close_matches("Session", types).is_empty());
        assert_eq!(close_matches("Itme", types), ["app.Item"]);
        assert_eq!((edits("kitten", "sitting", 5), edits("itme", "item", 5), edits("", "ab", 5)), (3, 1, 2));
        assert!(names("app.models.Request", "Request") && names("Request", "Request") && !names("app.models.Request", "models"));
    }
}
