//! Aggregation by type or by module: count, shallow and retained bytes.
//!
//! A group's retained size counts each object once: it sums the retained
//! sizes of the group's objects that no other object of the same group
//! dominates (a list of Nodes holding Nodes is not counted twice).

use crate::analysis::dominators::{DominatorTree, SUPER_ROOT};
use crate::analysis::types::{module_of, TypeIndex};
use crate::graph::ObjIdx;
use crate::model::{Heap, RefKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupBy {
    #[default]
    Type,
    Module,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct AggregateOptions {
    pub group_by: GroupBy,
    /// Count an instance's `__dict__` as part of its owner: the dict is not
    /// a `builtins.dict` row, its bytes go to the owner's type.
    pub fold_instance_dicts: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateRow {
    pub name: String,
    pub count: u64,
    pub shallow_bytes: u64,
    pub retained_bytes: u64,
}

/// One row per type (or module), largest retained size first.
pub fn aggregate(heap: &Heap, types: &TypeIndex, tree: &DominatorTree, options: AggregateOptions) -> Vec<AggregateRow> {
    let n = heap.object_count();
    // Group key of each object.
    let (names, mut key): (Vec<String>, Vec<u32>) = match options.group_by {
        GroupBy::Type => (types.names.clone(), types.of_object.clone()),
        GroupBy::Module => {
            let mut names: Vec<String> = Vec::new();
            let module_of_type: Vec<u32> = types
                .names
                .iter()
                .map(|t| {
                    let m = module_of(t);
                    match names.iter().position(|x| x == m) {
                        Some(i) => i as u32,
                        None => {
                            names.push(m.to_string());
                            (names.len() - 1) as u32
                        }
                    }
                })
                .collect();
            (names, types.of_object.iter().map(|&t| module_of_type[t as usize]).collect())
        }
    };
    // Folded dicts: counted in their owner's group, not as objects.
    let mut folded = vec![false; if options.fold_instance_dicts { n } else { 0 }];
    if options.fold_instance_dicts {
        for owner in 0..n as ObjIdx {
            for (t, label) in heap.graph.out_refs(owner) {
                if label.kind() == RefKind::InstanceDict && t != owner && !folded[t as usize] {
                    folded[t as usize] = true;
                    key[t as usize] = key[owner as usize];
                }
            }
        }
    }
    let mut rows: Vec<AggregateRow> =
        names.into_iter().map(|name| AggregateRow { name, count: 0, shallow_bytes: 0, retained_bytes: 0 }).collect();
    for o in 0..n {
        let row = &mut rows[key[o] as usize];
        if !folded.get(o).copied().unwrap_or(false) {
            row.count += 1;
        }
        row.shallow_bytes += heap.size_bytes[o];
    }
    // Retained: walk the dominator tree, counting an object only when no
    // dominator of it is in the same group.
    let mut active = vec![0u32; rows.len()];
    let mut stack: Vec<(ObjIdx, u32)> = vec![(SUPER_ROOT, 0)];
    while let Some(&mut (node, ref mut next)) = stack.last_mut() {
        let children = tree.children(node);
        if (*next as usize) < children.len() {
            let child = children[*next as usize];
            *next += 1;
            let k = key[child as usize] as usize;
            if active[k] == 0 {
                rows[k].retained_bytes += tree.retained_bytes(child);
            }
            active[k] += 1;
            stack.push((child, 0));
        } else {
            stack.pop();
            if node != SUPER_ROOT {
                active[key[node as usize] as usize] -= 1;
            }
        }
    }
    rows.retain(|r| r.count > 0 || r.shallow_bytes > 0);
    rows.sort_by(|a, b| {
        (b.retained_bytes, b.shallow_bytes, b.count).cmp(&(a.retained_bytes, a.shallow_bytes, a.count)).then_with(|| a.name.cmp(&b.name))
    });
    rows
}
