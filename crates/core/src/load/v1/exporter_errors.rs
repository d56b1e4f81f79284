//! `meta.exporter_errors`: the exceptions the exporter caught and went past
//! while writing a snapshot (docs/format.md), turned into one load warning so
//! that a reader knows the numbers may be incomplete.

use serde_json::Value;

/// How many (exception, site) pairs the warning names before "and N more".
const NAMED: usize = 5;
/// Site and exception names are the file's text: clipped for the message.
const NAME_CHARS: usize = 80;

const MALFORMED: &str = "`meta.exporter_errors` is not a list of {site, exception, count} records; ignored";

/// The warning for a `meta.exporter_errors` value, or `None` when the
/// exporter reported nothing (an empty list).
pub(super) fn warning(value: &Value) -> Option<String> {
    let Some(records) = value.as_array() else { return Some(MALFORMED.into()) };
    let mut total: u64 = 0;
    let mut named = Vec::new();
    for record in records {
        let field = |name: &str| record.get(name);
        let (Some(site), Some(exception), Some(count)) =
            (field("site").and_then(Value::as_str), field("exception").and_then(Value::as_str), field("count").and_then(Value::as_u64))
        else {
            return Some(MALFORMED.into());
        };
        if count == 0 {
            continue;
        }
        total = total.saturating_add(count);
        if named.len() < NAMED {
            named.push(format!("{count}× {} in {}", clip(exception), clip(site)));
        }
    }
    if total == 0 {
        return None;
    }
    let listed = named.len();
    let reported = records.iter().filter(|r| r.get("count").and_then(Value::as_u64) != Some(0)).count();
    let more = if reported > listed { format!(", and {} more", reported - listed) } else { String::new() };
    Some(format!(
        "the exporter caught {total} exception(s) while writing this snapshot ({}{more}); \
         the sizes, descriptions or references of the objects involved may be missing",
        named.join(", ")
    ))
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(NAME_CHARS) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load;

    fn check(value: &str, expect: Option<&str>) {
        let value: Value = serde_json::from_str(value).unwrap();
        assert_eq!(warning(&value).as_deref(), expect);
    }

    #[test]
    fn counts_become_one_warning() {
        check("[]", None);
        check(r#"[{"site": "walker.size", "exception": "builtins.TypeError", "count": 0}]"#, None);
        check(
            r#"[{"site": "walker.size", "exception": "builtins.TypeError", "count": 2},
                {"site": "labelers.slot", "exception": "app.Boom", "count": 1}]"#,
            Some(
                "the exporter caught 3 exception(s) while writing this snapshot (2× builtins.TypeError in walker.size, \
                 1× app.Boom in labelers.slot); the sizes, descriptions or references of the objects involved may be missing",
            ),
        );
        let many: Vec<String> = (0..7).map(|i| format!(r#"{{"site": "s{i}", "exception": "E", "count": {}}}"#, u64::MAX / 4)).collect();
        let w = warning(&serde_json::from_str(&format!("[{}]", many.join(","))).unwrap()).unwrap();
        assert!(w.starts_with(&format!("the exporter caught {} exception(s)", u64::MAX)), "{w}");
        assert!(w.contains("in s4, and 2 more)"), "{w}");
    }

    #[test]
    fn malformed_lists_are_ignored_with_a_warning() {
        for bad in [r#"{}"#, r#"[1]"#, r#"[{"site": "x", "exception": "E"}]"#, r#"[{"site": "x", "exception": "E", "count": -1}]"#] {
            check(bad, Some(MALFORMED));
        }
        let long = "x".repeat(500);
        let w = warning(&serde_json::json!([{"site": long, "exception": "E", "count": 1}])).unwrap();
        assert!(w.contains(&format!("in {}…)", "x".repeat(NAME_CHARS))), "{w}");
    }

    /// Through the loader (both the fast path and the serde path): the
    /// warning comes first, before any record's.
    #[test]
    fn a_snapshot_with_exporter_errors_loads_with_the_warning_first() {
        let doc = r#"{"format": "heapscope", "version": 1,
            "meta": {"exporter_errors": [{"site": "walker.description", "exception": "builtins.ValueError", "count": 4}]},
            "heap": {"objects": [1,1,8,0,-1,-1], "references": [0,5,0,-1], "roots": []},
            "strings": ["", "builtins.int"]}"#;
        let loaded = load(doc.as_bytes()).unwrap();
        let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(warnings.len(), 2, "{warnings:#?}");
        assert!(warnings[0]
            .starts_with("the exporter caught 4 exception(s) while writing this snapshot (4× builtins.ValueError in walker.description)"));
        // meta after the sections: same warning
        let late = r#"{"format": "heapscope", "version": 1, "strings": ["", "builtins.int"],
            "heap": {"objects": [1,1,8,0,-1,-1], "references": [], "roots": []},
            "meta": {"exporter_errors": [{"site": "walker.size", "exception": "builtins.TypeError", "count": 1}]}}"#;
        let loaded = load(late.as_bytes()).unwrap();
        assert_eq!(loaded.warning_count, 1);
        assert!(loaded.warnings[0].message.starts_with("the exporter caught 1 exception(s)"));
    }
}
