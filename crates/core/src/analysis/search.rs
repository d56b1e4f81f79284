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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub object: ObjIdx,
    pub matched: Matched,
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
/// description contains it (case-insensitively), in index order; at most `limit`.
pub fn search(snapshot: &Snapshot, heap: &Heap, types: &TypeIndex, query: &str, limit: usize) -> Vec<Hit> {
    let mut hits = Vec::new();
    let query = query.trim();
    if query.is_empty() || limit == 0 {
        return hits;
    }
    if let Some(address) = parse_address(query) {
        for (i, &a) in heap.address.iter().enumerate() {
            if a == address {
                hits.push(Hit { object: i as ObjIdx, matched: Matched::Address });
                if hits.len() >= limit {
                    return hits;
                }
            }
        }
    }
    let needle = query.to_lowercase();
    let type_matches: Vec<bool> = types.names.iter().map(|n| n.to_lowercase().contains(&needle)).collect();
    for i in 0..heap.object_count() {
        if hits.len() >= limit {
            break;
        }
        let o = i as ObjIdx;
        if type_matches[types.type_of(o) as usize] {
            hits.push(Hit { object: o, matched: Matched::Type });
        } else {
            let d = snapshot.str(heap.description[i]);
            if !d.is_empty() && d.to_lowercase().contains(&needle) {
                hits.push(Hit { object: o, matched: Matched::Description });
            }
        }
    }
    hits
}

/// Objects of exactly this type name, in index order.
pub fn objects_of_type(types: &TypeIndex, name: &str) -> Vec<ObjIdx> {
    match types.find(name) {
        Some(t) => (0..types.of_object.len() as ObjIdx).filter(|&o| types.type_of(o) == t).collect(),
        None => Vec::new(),
    }
}
