//! Leak suspects: the objects and types that hold the largest share of the
//! reachable bytes, and accumulation points (a container whose dominated
//! objects are mostly many instances of one type), each with a reason.

use crate::analysis::aggregate::AggregateRow;
use crate::analysis::dominators::DominatorTree;
use crate::analysis::types::TypeIndex;
use crate::graph::ObjIdx;
use crate::model::{Heap, Snapshot};

/// An object is a holder when it retains at least this share of the heap.
const MIN_OBJECT_SHARE: f64 = 0.05;
/// A type is a suspect when its instances retain at least this share.
const MIN_TYPE_SHARE: f64 = 0.10;
/// An accumulation point directly dominates at least this many objects…
const MIN_ACCUMULATED: usize = 100;
/// …of which at least this share are of one type.
const MIN_SAME_TYPE_SHARE: f64 = 0.8;
/// Types that hold the heap up by design and are never suspects themselves.
const INFRASTRUCTURE_TYPES: &[&str] =
    &["builtins.module", "builtins.dict", "builtins.type", "builtins.frame", "builtins.function", "builtins.cell"];

#[derive(Debug, Clone, PartialEq)]
pub enum SuspectKind {
    /// One object retains a large share of the heap.
    Object(ObjIdx),
    /// A type's instances together retain a large share.
    Type(String),
    /// `container` directly dominates `instances` objects of `type_name`.
    Accumulation { container: ObjIdx, type_name: String, instances: u32 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suspect {
    pub kind: SuspectKind,
    pub retained_bytes: u64,
    /// Share of the reachable bytes, 0 to 1.
    pub share: f64,
    pub reason: String,
}

/// At most `limit` suspects, largest retained first.
pub fn suspects(
    snapshot: &Snapshot,
    heap: &Heap,
    types: &TypeIndex,
    tree: &DominatorTree,
    by_type: &[AggregateRow],
    limit: usize,
) -> Vec<Suspect> {
    let total = tree.reachable_bytes().max(1);
    let share = |b: u64| b as f64 / total as f64;
    let describe = |o: ObjIdx| {
        let d = snapshot.str(heap.description[o as usize]);
        let t = types.name_of(o);
        if d.is_empty() {
            format!("{t} at {:#x}", heap.address[o as usize])
        } else {
            format!("{t} {d}")
        }
    };
    let mut out = Vec::new();
    let mut holders: Vec<ObjIdx> = Vec::new();
    let mut accumulations: Vec<Suspect> = Vec::new();
    // Walk the dominator tree from the top through objects that are big enough.
    let mut stack: Vec<ObjIdx> = tree.top_level().iter().copied().filter(|&o| share(tree.retained_bytes(o)) >= MIN_OBJECT_SHARE).collect();
    while let Some(o) = stack.pop() {
        let retained = tree.retained_bytes(o);
        let children = tree.children(o);
        let big_child = children.first().is_some_and(|&c| tree.retained_bytes(c) * 2 >= retained);
        if !big_child && !INFRASTRUCTURE_TYPES.contains(&types.name_of(o)) {
            holders.push(o);
        }
        stack.extend(children.iter().copied().take_while(|&c| share(tree.retained_bytes(c)) >= MIN_OBJECT_SHARE));
    }
    for o in holders {
        let retained = tree.retained_bytes(o);
        out.push(Suspect {
            kind: SuspectKind::Object(o),
            retained_bytes: retained,
            share: share(retained),
            reason: format!(
                "{} retains {:.0}% of reachable memory ({} bytes in {} objects)",
                describe(o),
                100.0 * share(retained),
                retained,
                tree.retained_count(o)
            ),
        });
    }
    for row in by_type.iter().filter(|r| share(r.retained_bytes) >= MIN_TYPE_SHARE && !INFRASTRUCTURE_TYPES.contains(&r.name.as_str())) {
        out.push(Suspect {
            kind: SuspectKind::Type(row.name.clone()),
            retained_bytes: row.retained_bytes,
            share: share(row.retained_bytes),
            reason: format!(
                "{} instances of {} retain {:.0}% of reachable memory ({} bytes)",
                row.count,
                row.name,
                100.0 * share(row.retained_bytes),
                row.retained_bytes
            ),
        });
    }
    // Accumulation points: many dominated children of one type.
    let mut tally: Vec<u32> = vec![0; types.len()];
    for o in 0..heap.object_count() as ObjIdx {
        let children = tree.children(o);
        if children.len() < MIN_ACCUMULATED {
            continue;
        }
        for &c in children {
            tally[types.type_of(c) as usize] += 1;
        }
        let (best, &count) = tally.iter().enumerate().max_by_key(|(_, &c)| c).unwrap_or((0, &0));
        for &c in children {
            tally[types.type_of(c) as usize] = 0;
        }
        if (count as f64) < MIN_SAME_TYPE_SHARE * children.len() as f64 {
            continue;
        }
        let retained = tree.retained_bytes(o);
        let type_name = types.names[best].clone();
        accumulations.push(Suspect {
            reason: format!(
                "{} holds {} {} objects ({:.0}% of what it directly keeps alive), {} bytes retained",
                describe(o),
                count,
                type_name,
                100.0 * count as f64 / children.len() as f64,
                retained
            ),
            kind: SuspectKind::Accumulation { container: o, type_name, instances: count },
            retained_bytes: retained,
            share: share(retained),
        });
    }
    accumulations.sort_by(|a, b| b.retained_bytes.cmp(&a.retained_bytes));
    accumulations.truncate(limit);
    out.extend(accumulations);
    out.sort_by(|a, b| b.retained_bytes.cmp(&a.retained_bytes));
    out.truncate(limit);
    out
}
