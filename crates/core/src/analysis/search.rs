//! Finding objects by address, type name or description.

use crate::analysis::types::TypeIndex;
use crate::graph::ObjIdx;
use crate::model::{Heap, Snapshot};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matched {
    Address,
    Type,
    Description,
}

impl Matched {
    /// How the match reads for a person (and in the CLI's JSON): `address`, `type`, `description`.
    pub fn as_str(self) -> &'static str {
        match self {
            Matched::Address => "address",
            Matched::Type => "type",
            Matched::Description => "description",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub object: ObjIdx,
    pub matched: Matched,
}

/// The first hits, and how many objects match in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub total: usize,
}

/// Parses an address written as `0x…` (hex) or plain decimal (digits
/// only: no sign, as Rust's parsers would take `+`).
pub fn parse_address(text: &str) -> Option<u64> {
    let t = text.trim();
    let (digits, radix) = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (t, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Objects whose address equals `query`, or whose type name or
/// description contains it (case-insensitively): the address matches
/// first, then the others in index order, each object once; the first
/// `limit` of them, and how many there are in all. Spaces around the query
/// are not part of it, unless it is only spaces.
pub fn search(snapshot: &Snapshot, heap: &Heap, types: &TypeIndex, query: &str, limit: usize) -> Found {
    let mut found = Found::default();
    if query.is_empty() {
        return found;
    }
    let query = match query.trim() {
        "" => query,
        trimmed => trimmed,
    };
    let mut add = |object: ObjIdx, matched: Matched| {
        found.total += 1;
        if found.hits.len() < limit {
            found.hits.push(Hit { object, matched });
        }
    };
    // Objects at the address, in index order (a damaged file may give one
    // address to several): listed once, as address matches.
    let mut at_address: Vec<ObjIdx> = Vec::new();
    if let Some(address) = parse_address(query) {
        for (i, &a) in heap.address.iter().enumerate() {
            if a == address {
                add(i as ObjIdx, Matched::Address);
                at_address.push(i as ObjIdx);
            }
        }
    }
    let needle = query.to_lowercase();
    let type_matches: Vec<bool> = types.names.iter().map(|n| n.to_lowercase().contains(&needle)).collect();
    for i in 0..heap.object_count() {
        let o = i as ObjIdx;
        if !at_address.is_empty() && at_address.binary_search(&o).is_ok() {
            continue;
        }
        if type_matches[types.type_of(o) as usize] {
            add(o, Matched::Type);
        } else {
            let d = snapshot.str(heap.description[i]);
            if !d.is_empty() && d.to_lowercase().contains(&needle) {
                add(o, Matched::Description);
            }
        }
    }
    found
}

/// Objects of exactly this type name, in index order.
pub fn objects_of_type(types: &TypeIndex, name: &str) -> Vec<ObjIdx> {
    match types.find(name) {
        Some(t) => (0..types.of_object.len() as ObjIdx).filter(|&o| types.type_of(o) == t).collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An object matched by its address and its description is listed and
    /// counted once; a query of spaces looks for spaces.
    #[test]
    fn each_object_is_found_once() {
        let text = r#"{"format": "heapscope", "version": 1,
            "strings": ["", "builtins.module", "mod4096", "builtins.str", "a b"],
            "heap": {"objects": [4096,1,64,3,2,-1, 8192,3,16,1,4,-1, 12288,3,16,1,2,-1], "references": [], "roots": [0,0,2,0]}}"#;
        let snapshot = crate::load::load(text.as_bytes()).unwrap().snapshot;
        let heap = snapshot.heap.as_ref().unwrap();
        let types = TypeIndex::new(&snapshot.strings, heap);
        let found = search(&snapshot, heap, &types, "4096", 10);
        assert_eq!(found.total, 2, "{found:?}");
        assert_eq!(found.hits, vec![Hit { object: 0, matched: Matched::Address }, Hit { object: 2, matched: Matched::Description }]);
        let spaces = search(&snapshot, heap, &types, " ", 10);
        assert_eq!(spaces.hits, vec![Hit { object: 1, matched: Matched::Description }]);
        assert_eq!(search(&snapshot, heap, &types, " 0x1000 ", 10).total, 1, "spaces around a query are not part of it");
        for (text, address) in [
            ("0x1000", Some(4096)),
            ("4096", Some(4096)),
            ("0X1f", Some(31)),
            ("0x+1000", None),
            ("+4096", None),
            ("0x", None),
            ("-1", None),
        ] {
            assert_eq!(parse_address(text), address, "{text}");
        }
    }
}
