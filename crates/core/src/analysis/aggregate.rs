//! Aggregation by type or by module: count, shallow and retained bytes.
//!
//! A group's retained size counts each object once: it sums the retained
//! sizes of the group's objects that no other object of the same group
//! dominates (a list of Nodes holding Nodes is not counted twice).

use crate::analysis::dominators::{DominatorTree, SUPER_ROOT};
use crate::analysis::owner::Owners;
use std::collections::HashMap;

use crate::analysis::types::{module_of, TypeIndex};
use crate::analysis::work;
use crate::graph::ObjIdx;
use crate::model::{Heap, RefKind};
use crate::prefetch::prefetch;

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
/// By module, a type's module is the one `owners` found defining it (a
/// nested class's is its module's), else its name's (`types::module_of`).
pub fn aggregate(
    heap: &Heap,
    types: &TypeIndex,
    tree: &DominatorTree,
    owners: Option<&Owners>,
    options: AggregateOptions,
) -> Vec<AggregateRow> {
    let n = heap.object_count();
    // Group key of each object.
    let (names, mut key): (Vec<String>, Vec<u32>) = match options.group_by {
        GroupBy::Type => (types.names.clone(), types.of_object.clone()),
        GroupBy::Module => {
            let mut names: Vec<String> = Vec::new();
            let mut index: HashMap<&str, u32> = HashMap::with_capacity(types.names.len());
            let module_of_type: Vec<u32> = types
                .names
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    work::tick(1);
                    let module = owners.and_then(|o| o.module_of_type(i as u32)).unwrap_or_else(|| module_of(t));
                    *index.entry(module).or_insert_with_key(|m| {
                        names.push(m.to_string());
                        (names.len() - 1) as u32
                    })
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
            // Siblings a few places on are visited soon: their group keys,
            // sizes and children lists are random reads.
            if let Some(&ahead) = children.get(*next as usize + 4) {
                prefetch(&key, ahead as usize);
                tree.prefetch(ahead);
            }
            // Two siblings on, its children offsets have arrived: fetch its
            // children list, which the walk reads when it enters it.
            if let Some(&ahead) = children.get(*next as usize + 2) {
                tree.prefetch_children(ahead);
            }
            let child = children[*next as usize];
            *next += 1;
            let k = key[child as usize] as usize;
            if active[k] == 0 {
                rows[k].retained_bytes += tree.retained_bytes(child);
            }
            active[k] += 1;
            stack.push((child, 0));
            // The walk enters `child` next: fetch what it reads of its first children.
            for &grandchild in tree.children(child).iter().take(4) {
                prefetch(&key, grandchild as usize);
                tree.prefetch(grandchild);
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::strong_view::{Exclusions, StrongView};
    use crate::strings::StringTable;

    /// Grouping by module does work linear in the number of types (it used
    /// to search the module list for each type).
    #[test]
    fn many_modules_cost_linear_work() {
        for n in [1_000usize, 4_000, 16_000] {
            let mut strings = StringTable::new();
            let type_name: Vec<u32> = (0..n).map(|i| strings.push(&format!("mod{i}.T"))).collect();
            let heap = Heap::of_types(type_name);
            let types = TypeIndex::new(&strings, &heap);
            let none = Exclusions::none();
            let roots: Vec<ObjIdx> = (0..n as ObjIdx).collect();
            let tree = crate::analysis::dominators::dominator_tree(&StrongView::new(&heap.graph, &none), &roots, &heap.size_bytes);
            work::take();
            let rows = aggregate(&heap, &types, &tree, None, AggregateOptions { group_by: GroupBy::Module, fold_instance_dicts: false });
            let steps = work::take();
            assert_eq!(rows.len(), n);
            assert!(steps <= 2 * n as u64, "{steps} steps for {n} modules");
        }
    }

    /// By module, a nested class and a class made in a function count
    /// under the module that defines them (they read as modules
    /// `__main__.Outer` and `__main__.factory.<locals>`), and a bare type
    /// name (`dict`, as a hand-written list may write it) under `builtins`.
    #[test]
    fn classes_count_under_the_module_that_defines_them() {
        let text = r#"{"format": "heapscope", "version": 1,
            "strings": ["", "builtins.module", "__main__", "__main__.Outer.Inner", "__main__.factory.<locals>.Local", "dict", "app.models", "app.models.Request"],
            "heap": {"objects": [1,1,64,3,2,-1, 2,3,16,1,-1,-1, 3,3,16,1,-1,-1, 4,4,16,1,-1,-1, 5,5,16,1,-1,-1, 6,1,64,3,6,-1, 7,7,16,1,-1,-1],
                     "references": [0,1,1,-1, 0,2,1,-1, 0,3,1,-1, 0,4,1,-1, 5,6,1,-1],
                     "roots": [0,0,2,0, 5,0,6,0]}}"#;
        let snapshot = crate::load::load(text.as_bytes()).unwrap().snapshot;
        let heap = snapshot.heap.as_ref().unwrap();
        let a = crate::Analysis::of_heap(&snapshot, heap);
        let mut rows: Vec<(String, u64)> = a
            .aggregate(heap, AggregateOptions { group_by: GroupBy::Module, fold_instance_dicts: false })
            .into_iter()
            .map(|r| (r.name, r.count))
            .collect();
        rows.sort();
        // The two module objects are `builtins.module`s.
        let expected = [("__main__", 3), ("app.models", 1), ("builtins", 3)];
        assert_eq!(rows, expected.map(|(m, c)| (m.to_string(), c)));
        // By the name alone (no module objects to go by).
        assert_eq!(module_of("__main__.factory.<locals>.Local"), "__main__");
        assert_eq!(module_of("dict"), "builtins");
        assert_eq!(module_of("app.Outer.Inner"), "app.Outer");
    }
}
