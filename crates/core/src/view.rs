//! One read-only view over an analysed heap: every fact that more than one
//! front shows (the worker's answers, the CLI's tables and JSON) is computed
//! here, once, so the fronts only translate it into their own types.
//!
//! [`HeapView`] bundles the snapshot, its heap and its [`Analysis`]; it names
//! and describes objects, ranks referrers, finds the largest instance of a
//! type and sums up the heap ([`OverviewFacts`]). Spellings two fronts share
//! live here too: [`short_type_name`], [`crate::units`] for sizes,
//! [`crate::analysis::cycles::Cycle::type_summary`] and
//! [`crate::analysis::search::Matched::as_str`].

use std::collections::BinaryHeap;

use crate::analysis::owner::{Owner, OwnerTotals};
use crate::analysis::retainers::{self, Step};
use crate::analysis::strong_view::Exclusions;
use crate::analysis::Analysis;
use crate::graph::{EdgeIdx, ObjIdx};
use crate::model::{flags, Heap, RootKind, Snapshot};

/// A snapshot's heap with its analysis: what every heap question is asked of.
#[derive(Clone, Copy)]
pub struct HeapView<'a> {
    pub snapshot: &'a Snapshot,
    pub heap: &'a Heap,
    pub analysis: &'a Analysis,
}

/// Totals about a heap, as the Overview, the summary card and
/// `heapscope summary` show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverviewFacts {
    pub object_count: u64,
    pub reference_count: u64,
    pub total_size_bytes: u64,
    /// Shallow bytes of everything a root reaches through strong references.
    pub reachable_bytes: u64,
    pub unreachable_count: u64,
    pub unreachable_bytes: u64,
    /// Distinct root objects (an object that is a root twice counts once).
    pub root_count: u64,
    /// Distinct type names.
    pub type_count: u64,
    /// References from the nearest root to the farthest reachable object.
    pub max_distance: u32,
    /// Strongly connected components that hold a cycle.
    pub cycle_count: u64,
    /// Of those, the ones no root reaches (garbage waiting for the collector).
    pub garbage_cycle_count: u64,
    /// Objects and shallow bytes per owner, the application first (see [`crate::analysis::owner`]).
    pub owners: [(Owner, OwnerTotals); 3],
}

/// The referrers of an object, best first, and how many there are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    /// At most the `limit` asked for.
    pub steps: Vec<Step>,
    /// Every referrer that was not excluded.
    pub total: usize,
}

/// The instances of one type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Largest {
    /// The one that retains the most (the lowest index among equals).
    pub object: ObjIdx,
    /// How many instances the type has.
    pub count: usize,
}

/// `builtins.dict` reads as `dict`; other types keep their module.
pub fn short_type_name(name: &str) -> &str {
    name.strip_prefix("builtins.").unwrap_or(name)
}

impl<'a> HeapView<'a> {
    /// The view of `snapshot`'s heap; `None` when it has none (tracemalloc only).
    pub fn new(snapshot: &'a Snapshot, analysis: &'a Analysis) -> Option<HeapView<'a>> {
        Some(HeapView { snapshot, heap: snapshot.heap.as_ref()?, analysis })
    }

    /// Whether `object` is an object of this heap (indices come from outside).
    pub fn contains(&self, object: u32) -> bool {
        (object as usize) < self.heap.object_count()
    }

    pub fn type_name(&self, o: ObjIdx) -> &'a str {
        self.analysis.types.name_of(o)
    }

    /// The exporter's short description (may be empty).
    pub fn description(&self, o: ObjIdx) -> &'a str {
        self.snapshot.str(self.heap.description[o as usize])
    }

    /// The address as hex, `0x7f3a2c1b4d90` (kept a string so 64 bits survive JS numbers).
    pub fn address_hex(&self, o: ObjIdx) -> String {
        format!("{:#x}", self.heap.address[o as usize])
    }

    /// `type at 0x… description`.
    pub fn describe(&self, o: ObjIdx) -> String {
        let (t, a, d) = (self.type_name(o), self.address_hex(o), self.description(o));
        if d.is_empty() {
            format!("{t} at {a}")
        } else {
            format!("{t} at {a} {d}")
        }
    }

    /// The object at `address`, if any.
    pub fn find_address(&self, address: u64) -> Option<ObjIdx> {
        self.heap.address.iter().position(|&a| a == address).map(|i| i as ObjIdx)
    }

    pub fn retained_bytes(&self, o: ObjIdx) -> u64 {
        self.analysis.dominators.retained_bytes(o)
    }

    /// Why `o` is a root (`module app.cache`, `thread main`, `builtins`,
    /// `held natively (+2 refs)`), or `None` when it is not one.
    pub fn root_label(&self, o: ObjIdx) -> Option<String> {
        if !self.analysis.is_root.contains(o as usize) {
            return None;
        }
        let root = self.heap.roots.iter().find(|r| r.object == o)?;
        let name = self.snapshot.strings.get(root.name).unwrap_or("");
        Some(match root.kind {
            RootKind::Module => format!("module {name}"),
            RootKind::Thread => format!("thread {name}"),
            RootKind::Builtins => "builtins".to_string(),
            RootKind::Native => format!("held natively (+{} refs)", root.excess),
            RootKind::Unknown => format!("root of unknown kind {name}"),
        })
    }

    /// The object's flags as words: `gc tracked`, `module`, `class`, ….
    pub fn flag_names(&self, o: ObjIdx) -> Vec<&'static str> {
        const NAMES: [(u8, &str); 7] = [
            (flags::GC_TRACKED, "gc tracked"),
            (flags::MODULE, "module"),
            (flags::TYPE, "class"),
            (flags::FRAME, "frame"),
            (flags::FUNCTION, "function"),
            (flags::FINALIZER, "has __del__"),
            (flags::GARBAGE, "in gc.garbage"),
        ];
        let f = self.heap.flags[o as usize];
        NAMES.iter().filter(|(bit, _)| f & bit != 0).map(|&(_, n)| n).collect()
    }

    /// The referrers of `o` that `exclusions` leaves in, ranked: strong
    /// before weak, then nearest to a root first (unreachable referrers
    /// last), then in referrer order; the first `limit` of them. Every
    /// referrer is ranked but only the kept ones are described, so a hub
    /// with 10^6 referrers costs linear time and `limit` memory.
    pub fn referrers(&self, o: ObjIdx, exclusions: &Exclusions, limit: usize) -> Ranked {
        if !self.contains(o) {
            return Ranked { steps: Vec::new(), total: 0 };
        }
        let graph = &self.heap.graph;
        // The `limit` best so far, worst on top: (strong last, distance, position) → (from, edge).
        let mut best: BinaryHeap<((bool, u32, usize), ObjIdx, EdgeIdx)> = BinaryHeap::new();
        let mut total = 0;
        for (from, edge) in graph.incoming(o) {
            if exclusions.excludes_object(from) || exclusions.excludes_edge(edge) {
                continue;
            }
            let key = (!graph.label(edge).is_strong(), self.analysis.distances.get(from).unwrap_or(u32::MAX), total);
            total += 1;
            if best.len() < limit {
                best.push((key, from, edge));
            } else if best.peek().is_some_and(|worst| key < worst.0) {
                best.pop();
                best.push((key, from, edge));
            }
        }
        let steps =
            best.into_sorted_vec().into_iter().map(|(_, from, edge)| retainers::step(self.snapshot, self.heap, from, edge)).collect();
        Ranked { steps, total }
    }

    /// The first `limit` outgoing references of `from`, in file order.
    pub fn outgoing(&self, from: ObjIdx, limit: usize) -> Vec<Step> {
        self.heap.graph.out_edges(from).take(limit).map(|e| retainers::step(self.snapshot, self.heap, from, e)).collect()
    }

    /// Instances of exactly `type_name`, largest retained size first (then by index).
    pub fn instances_by_retained(&self, type_name: &str) -> Vec<ObjIdx> {
        let mut objects = crate::analysis::search::objects_of_type(&self.analysis.types, type_name);
        self.sort_by_retained(&mut objects);
        objects
    }

    /// The instance of `type_name` that retains the most, and the instance count.
    pub fn largest_instance(&self, type_name: &str) -> Option<Largest> {
        let all = crate::analysis::search::objects_of_type(&self.analysis.types, type_name);
        let object = all.iter().copied().max_by_key(|&o| (self.retained_bytes(o), std::cmp::Reverse(o)))?;
        Some(Largest { object, count: all.len() })
    }

    /// Sorts objects by retained size, largest first, then by index.
    pub fn sort_by_retained(&self, objects: &mut [ObjIdx]) {
        objects.sort_by_key(|&o| (std::cmp::Reverse(self.retained_bytes(o)), o));
    }

    /// The heap's totals.
    pub fn overview(&self) -> OverviewFacts {
        let (heap, a) = (self.heap, self.analysis);
        let (mut unreachable_count, mut unreachable_bytes) = (0u64, 0u64);
        for o in a.distances.unreachable() {
            unreachable_count += 1;
            unreachable_bytes += heap.size_bytes[o as usize];
        }
        // Every member of a strongly connected component is reached, or none is.
        let garbage_cycle_count = a.components.iter().filter(|c| c.first().is_some_and(|&m| !a.distances.is_reachable(m))).count();
        OverviewFacts {
            object_count: heap.object_count() as u64,
            reference_count: heap.reference_count() as u64,
            total_size_bytes: heap.total_size_bytes(),
            reachable_bytes: a.dominators.reachable_bytes(),
            unreachable_count,
            unreachable_bytes,
            root_count: a.roots.len() as u64,
            type_count: a.types.len() as u64,
            max_distance: a.distances.max_depth,
            cycle_count: a.components.len() as u64,
            garbage_cycle_count: garbage_cycle_count as u64,
            owners: Owner::ALL.map(|w| (w, a.owners.totals(w))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Objects: 0 module `app` (root twice), 1 dict, 2 `app.Node` a, 3
    /// `app.Node` b, 4 str, 5 weakref, 6 and 7 a garbage cycle of nodes.
    /// References: 0→1 `.d`, 1→2 `['a']`, 1→3 `['b']`, 2→3 `.peer`, 3→2
    /// `.peer`, 2→4 `.name`, 5→4 weak, 6→7 and 7→6 `.peer`, 7→4 `.name`.
    const SNAPSHOT: &str = r#"{"format":"heapscope","version":1,
        "heap":{"objects":[
            16,1,100,2,2,-1, 32,3,200,1,-1,-1, 48,4,50,1,-1,-1, 64,4,60,1,-1,-1,
            80,5,10,0,6,-1, 96,7,20,1,-1,-1, 112,4,30,1,-1,-1, 128,4,40,1,-1,-1],
         "references":[0,1,1,8, 1,2,2,9, 1,3,2,10, 2,3,1,11, 3,2,1,11, 2,4,1,12, 5,4,14,-1, 6,7,1,11, 7,6,1,11, 7,4,1,12],
         "roots":[0,0,2,0, 0,3,-1,0, 5,3,-1,4]},
        "strings":["","builtins.module","app","builtins.dict","app.Node","builtins.str","'x'","builtins.weakref",
                   "d","'a'","'b'","peer","name"]}"#;

    fn check(f: impl FnOnce(HeapView)) {
        let loaded = crate::load(SNAPSHOT.as_bytes()).unwrap();
        let analysis = Analysis::compute(&loaded.snapshot).unwrap();
        f(HeapView::new(&loaded.snapshot, &analysis).unwrap());
    }

    #[test]
    fn overview_counts_distinct_roots_and_garbage_cycles() {
        check(|v| {
            let o = v.overview();
            assert_eq!(v.heap.roots.len(), 3, "three root records");
            assert_eq!(o.root_count, 2, "two distinct root objects");
            assert_eq!((o.object_count, o.reference_count, o.total_size_bytes), (8, 10, 510));
            assert_eq!((o.unreachable_count, o.unreachable_bytes), (2, 70));
            assert_eq!((o.cycle_count, o.garbage_cycle_count), (2, 1));
            assert_eq!((o.reachable_bytes, o.type_count, o.max_distance), (440, 5, 3));
        });
    }

    #[test]
    fn names_and_descriptions() {
        check(|v| {
            assert_eq!(v.describe(0), "builtins.module at 0x10 app");
            assert_eq!(v.describe(1), "builtins.dict at 0x20");
            assert_eq!(v.root_label(0).as_deref(), Some("module app"));
            assert_eq!(v.root_label(5).as_deref(), Some("held natively (+4 refs)"));
            assert_eq!(v.root_label(1), None);
            assert_eq!(v.flag_names(0), ["module"]);
            assert_eq!((v.find_address(0x30), v.find_address(0x31)), (Some(2), None));
            assert_eq!(short_type_name("builtins.dict"), "dict");
            assert_eq!(short_type_name("app.builtins.X"), "app.builtins.X");
        });
    }

    #[test]
    fn referrers_rank_strong_then_nearest() {
        check(|v| {
            let none = Exclusions::none();
            // 4 is referred to by 7 (unreachable), 5 (weak) and 2 (distance 2): in file order 2, 5, 7.
            let r = v.referrers(4, &none, 10);
            assert_eq!(r.steps.iter().map(|s| s.from).collect::<Vec<_>>(), [2, 7, 5]);
            assert_eq!(r.total, 3);
            let r = v.referrers(4, &none, 2);
            assert_eq!((r.steps.iter().map(|s| s.from).collect::<Vec<_>>(), r.total), (vec![2, 7], 3));
            let r = v.referrers(4, &none, 0);
            assert_eq!((r.steps.len(), r.total), (0, 3));
            assert_eq!(v.referrers(99, &none, 10).total, 0, "not an object of the heap");
            let mut ex = Exclusions::none();
            ex.exclude_object(2);
            assert_eq!(v.referrers(4, &ex, 10).total, 2);
        });
    }

    #[test]
    fn instances_rank_by_retained_size() {
        check(|v| {
            // Node a (2) retains itself and its name (60 bytes), as much as b (3):
            // the lower index comes first. 6 and 7 are garbage and retain nothing.
            assert_eq!(v.instances_by_retained("app.Node"), [2, 3, 6, 7]);
            assert_eq!(v.largest_instance("app.Node"), Some(Largest { object: 2, count: 4 }));
            assert_eq!(v.largest_instance("app.Nothing"), None);
        });
    }
}
