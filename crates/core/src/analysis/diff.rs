//! Differences between two heap snapshots of the same process: per-type
//! count and size deltas, and the objects of the later snapshot that the
//! earlier one lacks (matched by address and type name).

use std::collections::{HashMap, HashSet};

use crate::graph::ObjIdx;
use crate::model::{Heap, Snapshot};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDelta {
    pub type_name: String,
    pub count_before: u64,
    pub count_after: u64,
    pub size_before_bytes: u64,
    pub size_after_bytes: u64,
}

impl TypeDelta {
    pub fn count_delta(&self) -> i64 {
        self.count_after as i64 - self.count_before as i64
    }
    pub fn size_delta_bytes(&self) -> i64 {
        self.size_after_bytes as i64 - self.size_before_bytes as i64
    }
}

#[derive(Debug, Clone, Default)]
pub struct HeapDiff {
    /// Types whose count or size changed, largest size change first.
    pub types: Vec<TypeDelta>,
    /// Objects of the later snapshot absent from the earlier one.
    pub new_objects: Vec<ObjIdx>,
    /// Number of objects of the earlier snapshot absent from the later one.
    pub freed_count: u64,
}

/// Compares two heaps.
pub fn diff(before: &Snapshot, before_heap: &Heap, after: &Snapshot, after_heap: &Heap) -> HeapDiff {
    let mut by_type: HashMap<&str, TypeDelta> = HashMap::new();
    for (i, &t) in before_heap.type_name.iter().enumerate() {
        let name = before.str(t);
        let d = by_type.entry(name).or_insert_with(|| empty_delta(name));
        d.count_before += 1;
        d.size_before_bytes += before_heap.size_bytes[i];
    }
    for (i, &t) in after_heap.type_name.iter().enumerate() {
        let name = after.str(t);
        let d = by_type.entry(name).or_insert_with(|| empty_delta(name));
        d.count_after += 1;
        d.size_after_bytes += after_heap.size_bytes[i];
    }
    let mut types: Vec<TypeDelta> =
        by_type.into_values().filter(|d| d.count_before != d.count_after || d.size_before_bytes != d.size_after_bytes).collect();
    types.sort_by(|a, b| {
        b.size_delta_bytes()
            .abs()
            .cmp(&a.size_delta_bytes().abs())
            .then(b.count_delta().abs().cmp(&a.count_delta().abs()))
            .then_with(|| a.type_name.cmp(&b.type_name))
    });
    let old: HashSet<(u64, &str)> = before_heap.address.iter().zip(&before_heap.type_name).map(|(&a, &t)| (a, before.str(t))).collect();
    let new_objects: Vec<ObjIdx> = (0..after_heap.object_count())
        .filter(|&i| !old.contains(&(after_heap.address[i], after.str(after_heap.type_name[i]))))
        .map(|i| i as ObjIdx)
        .collect();
    let kept = after_heap.object_count() - new_objects.len();
    HeapDiff { types, new_objects, freed_count: (before_heap.object_count().saturating_sub(kept)) as u64 }
}

fn empty_delta(name: &str) -> TypeDelta {
    TypeDelta { type_name: name.to_string(), count_before: 0, count_after: 0, size_before_bytes: 0, size_after_bytes: 0 }
}
