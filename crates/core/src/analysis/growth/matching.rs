//! Which object of one snapshot is which object of the next.
//!
//! CPython has no object ids beyond addresses, and an address is reused as
//! soon as its object is freed. Two objects of consecutive snapshots of one
//! process are taken to be the same object when
//!
//! 1. they have the same address,
//! 2. the same type (by module-qualified name), and
//! 3. for types whose instances never change size ([`fixed_size_type`]:
//!    str, bytes, int, tuple, code, bound methods, …) the same shallow size.
//!
//! Rule 3 removes most false matches of reused addresses among immutable
//! objects (a freed `str` whose slot now holds a longer `str`). It cannot
//! help for containers (a list grows in place, so its size must be allowed
//! to change) or for instances of one class (all the same size): a freed
//! `Request` replaced by a new `Request` at the same address is taken for
//! the old one. Identity is followed from snapshot to snapshot, so an object
//! seen in the first and third snapshots but not the second is new in the
//! third. A holder's identity is checked once more by the holder analysis
//! (the way it is referred to must be shared by the first and the last
//! snapshot; see `holders.rs`).

use std::collections::HashMap;

use crate::graph::ObjIdx;

use super::SeriesHeap;

/// No object of the previous snapshot matches.
pub const NO_MATCH: ObjIdx = u32::MAX;

/// Types whose instances keep their shallow size for life.
pub fn fixed_size_type(type_name: &str) -> bool {
    // Hand-written object lists may leave out the `builtins.` prefix.
    matches!(
        type_name.strip_prefix("builtins.").unwrap_or(type_name),
        "str"
            | "bytes"
            | "int"
            | "bool"
            | "float"
            | "complex"
            | "tuple"
            | "frozenset"
            | "range"
            | "slice"
            | "code"
            | "method"
            | "cell"
            | "function"
            | "weakref"
            | "builtin_function_or_method"
    )
}

/// Object identities across a series of heaps.
#[derive(Debug, Clone, Default)]
pub struct Matching {
    /// Names of all types in the series; indices are global type ids.
    pub type_names: Vec<String>,
    /// Per heap: the global type id of each local type id (of its `TypeIndex`).
    pub global_type: Vec<Vec<u32>>,
    /// Per heap: each object's index in the previous heap, or [`NO_MATCH`]
    /// (the first heap's list is empty).
    pub prev: Vec<Vec<ObjIdx>>,
    /// Per heap: the position in the series of the snapshot in which each
    /// object first appears (0 = it was already in the first).
    pub born: Vec<Vec<u16>>,
}

impl Matching {
    /// The global type id of object `o` of heap `k`.
    pub fn type_of(&self, series: &[SeriesHeap], k: usize, o: ObjIdx) -> u32 {
        self.global_type[k][series[k].analysis.types.type_of(o) as usize]
    }

    /// The same object in every heap, oldest first, if it lives through the
    /// whole series.
    pub fn lineage(&self, last: ObjIdx) -> Option<Vec<ObjIdx>> {
        let n = self.prev.len();
        let mut out = vec![last];
        let mut at = last;
        for k in (1..n).rev() {
            at = *self.prev[k].get(at as usize)?;
            if at == NO_MATCH {
                return None;
            }
            out.push(at);
        }
        out.reverse();
        Some(out)
    }
}

/// Matches every heap of the series with the one before it (module doc).
/// Linear in the number of objects (one hash map per heap).
pub fn match_series(series: &[SeriesHeap]) -> Matching {
    let mut type_names: Vec<String> = Vec::new();
    let mut by_name: HashMap<String, u32> = HashMap::new();
    let mut global_type = Vec::with_capacity(series.len());
    for s in series {
        let map: Vec<u32> = s
            .analysis
            .types
            .names
            .iter()
            .map(|n| {
                *by_name.entry(n.clone()).or_insert_with(|| {
                    type_names.push(n.clone());
                    (type_names.len() - 1) as u32
                })
            })
            .collect();
        global_type.push(map);
    }
    let fixed: Vec<bool> = type_names.iter().map(|n| fixed_size_type(n)).collect();
    let mut m = Matching { type_names, global_type, prev: Vec::new(), born: Vec::new() };
    for (k, s) in series.iter().enumerate() {
        let n = s.heap.object_count();
        if k == 0 {
            m.prev.push(Vec::new());
            m.born.push(vec![0; n]);
            continue;
        }
        let before = &series[k - 1];
        // Address → object of the previous heap; an address given twice
        // (a damaged file) matches nothing.
        let mut at: HashMap<u64, ObjIdx> = HashMap::with_capacity(before.heap.object_count());
        for (i, &a) in before.heap.address.iter().enumerate() {
            at.entry(a).and_modify(|e| *e = NO_MATCH).or_insert(i as ObjIdx);
        }
        let mut prev = vec![NO_MATCH; n];
        let mut born = vec![k as u16; n];
        for i in 0..n {
            let Some(&j) = at.get(&s.heap.address[i]) else { continue };
            if j == NO_MATCH {
                continue;
            }
            let (ti, tj) = (m.type_of(series, k, i as ObjIdx), m.type_of(series, k - 1, j));
            if ti != tj || (fixed[ti as usize] && s.heap.size_bytes[i] != before.heap.size_bytes[j as usize]) {
                continue;
            }
            prev[i] = j;
            born[i] = m.born[k - 1][j as usize];
        }
        m.prev.push(prev);
        m.born.push(born);
    }
    m
}
