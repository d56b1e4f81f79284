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

/// Parses an address written as `0x…` (hex) or plain decimal.
pub fn parse_address(text: &str) -> Option<u64> {
    let t = text.trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}

/// Objects whose address equals `query`, or whose type name or
/// description contains it (case-insensitively), in index order: the first
/// `limit` of them, and how many there are in all.
pub fn search(snapshot: &Snapshot, heap: &Heap, types: &TypeIndex, query: &str, limit: usize) -> Found {
    let mut found = Found::default();
    let query = query.trim();
    if query.is_empty() {
        return found;
    }
    let mut add = |object: ObjIdx, matched: Matched| {
        found.total += 1;
        if found.hits.len() < limit {
            found.hits.push(Hit { object, matched });
        }
    };
    if let Some(address) = parse_address(query) {
        for (i, &a) in heap.address.iter().enumerate() {
            if a == address {
                add(i as ObjIdx, Matched::Address);
            }
        }
    }
    let needle = query.to_lowercase();
    let type_matches: Vec<bool> = types.names.iter().map(|n| n.to_lowercase().contains(&needle)).collect();
    for i in 0..heap.object_count() {
        let o = i as ObjIdx;
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
