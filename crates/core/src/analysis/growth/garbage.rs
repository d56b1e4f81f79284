//! Growing garbage: unreachable reference cycles whose number grows across
//! the series. Nothing holds them, so no holder grows; they stay because
//! the collector does not free them (`gc.disable()`, `gc.set_threshold(0)`,
//! `gc.DEBUG_SAVEALL`) or has not run on them yet.
//!
//! Each heap's garbage is grouped by the main member type of its cycles, as
//! the suspects group it (`suspects::garbage_causes`); groups of one type
//! name are the same group across the series. The size of a group is the
//! shallow size of every unreachable object its cycles keep: all of it is
//! freed when the cycles go, so it ranks on the scale of a holder's retained
//! size.

use std::collections::HashMap;

use crate::analysis::suspects::naming::Ctx;
use crate::analysis::suspects::{garbage_causes, Collector};
use crate::graph::ObjIdx;

use super::SeriesHeap;

#[derive(Debug, Clone, PartialEq)]
pub struct GrowingGarbage {
    /// The main member type of the cycles (module-qualified).
    pub type_name: String,
    /// Unreachable cycles per snapshot.
    pub cycles: Vec<u64>,
    /// Unreachable objects they keep, per snapshot.
    pub objects: Vec<u64>,
    /// Shallow bytes of those objects, per snapshot.
    pub size_bytes: Vec<u64>,
    /// The number of cycles grew at every step.
    pub monotonic: bool,
    /// What the collector does, as the last snapshot recorded it.
    pub collector: Collector,
    /// A member of one of the cycles in the last heap.
    pub example: ObjIdx,
    /// The one-line fix, in Python terms.
    pub fix: String,
}

impl GrowingGarbage {
    pub fn size_growth_bytes(&self) -> i64 {
        *self.size_bytes.last().unwrap_or(&0) as i64 - *self.size_bytes.first().unwrap_or(&0) as i64
    }

    /// Garbage the collector will not free that grew at every step: a leak
    /// as sure as a holder growing at every step.
    pub fn is_leak(&self) -> bool {
        self.monotonic && self.collector != Collector::Enabled
    }
}

/// Garbage groups of the series whose cycles are more in the last snapshot
/// than in the first, largest growth of size first.
pub fn growing_garbage(series: &[SeriesHeap]) -> Vec<GrowingGarbage> {
    let n = series.len();
    let Some(last) = series.last() else { return Vec::new() };
    let mut by_type: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<GrowingGarbage> = Vec::new();
    let last_collector = Collector::of(last.snapshot, last.heap);
    for (k, s) in series.iter().enumerate() {
        let a = s.analysis;
        let cx = Ctx::new(s.snapshot, s.heap, &a.types, &a.dominators, &a.owners);
        for cause in garbage_causes(&cx, a, Collector::of(s.snapshot, s.heap), 0) {
            let g = cause.group;
            let type_name = a.types.names[g.type_id as usize].clone();
            let i = *by_type.entry(type_name.clone()).or_insert_with(|| {
                out.push(GrowingGarbage {
                    type_name,
                    cycles: vec![0; n],
                    objects: vec![0; n],
                    size_bytes: vec![0; n],
                    monotonic: false,
                    collector: last_collector,
                    example: 0,
                    fix: String::new(),
                });
                out.len() - 1
            });
            out[i].cycles[k] = g.cycles as u64;
            out[i].objects[k] = g.objects;
            out[i].size_bytes[k] = g.size_bytes;
            if k == n - 1 {
                out[i].example = g.example;
                out[i].fix = cause.fix;
            }
        }
    }
    out.retain(|g| g.cycles[n - 1] > g.cycles[0]);
    for g in &mut out {
        g.monotonic = g.cycles.windows(2).all(|w| w[1] > w[0]);
    }
    out.sort_by(|a, b| b.size_growth_bytes().cmp(&a.size_growth_bytes()).then_with(|| a.type_name.cmp(&b.type_name)));
    out
}

#[cfg(test)]
mod tests {
    use crate::analysis::growth::{growth, FindingKind, Growth, GrowthOptions, SeriesHeap};
    use crate::analysis::Analysis;
    use crate::model::Snapshot;

    /// Module `app` (root) → its dict → `LEAK` (a list of `items` `app.Item`s
    /// of `item_bytes`), and `cycles` unreachable pairs of `app.Node`s of
    /// `node_bytes` (`a.peer` ↔ `b.peer`). Objects keep their addresses from
    /// one snapshot to the next; new ones come after.
    fn heap(gc_enabled: bool, items: u64, item_bytes: u64, cycles: u64, node_bytes: u64) -> Snapshot {
        // Strings: 0 "", 1 module, 2 "app", 3 dict, 4 list, 5 "'LEAK'", 6 app.Item, 7 app.Node, 8 "peer", 9 "__dict__".
        let mut objects =
            vec!["4096,1,72,3,2,-1".to_string(), "8192,3,640,1,-1,-1".to_string(), format!("12288,4,{},1,-1,-1", 56 + 8 * items)];
        let mut references = vec!["0,1,0,9".to_string(), "1,2,2,5".to_string()];
        for i in 0..items {
            objects.push(format!("{},6,{item_bytes},1,-1,-1", 1 << 20 | (i << 6)));
            references.push(format!("2,{},4,-1", 3 + i));
        }
        let first_node = 3 + items;
        for c in 0..cycles {
            let (a, b) = (first_node + 2 * c, first_node + 2 * c + 1);
            objects.push(format!("{},7,{node_bytes},1,-1,-1", 2 << 20 | (c << 7)));
            objects.push(format!("{},7,{node_bytes},1,-1,-1", 2 << 20 | (c << 7) | 64));
            references.push(format!("{a},{b},1,8"));
            references.push(format!("{b},{a},1,8"));
        }
        let json = format!(
            r#"{{"format":"heapscope","version":1,
                "process":{{"pid":7,"gc":{{"enabled":{gc_enabled},"thresholds":[700,10,10]}}}},
                "heap":{{"objects":[{}],"references":[{}],"roots":[0,0,2,0]}},
                "strings":["","builtins.module","app","builtins.dict","builtins.list","'LEAK'","app.Item","app.Node","peer","__dict__"]}}"#,
            objects.join(","),
            references.join(",")
        );
        crate::load(json.as_bytes()).unwrap().snapshot
    }

    fn analyse(snaps: &[Snapshot]) -> (Growth, Vec<String>) {
        let analyses: Vec<Analysis> = snaps.iter().map(|s| Analysis::compute(s).unwrap()).collect();
        let series: Vec<SeriesHeap> =
            snaps.iter().zip(&analyses).map(|(s, a)| SeriesHeap { snapshot: s, heap: s.heap.as_ref().unwrap(), analysis: a }).collect();
        let g = growth(&series, &GrowthOptions::default()).unwrap();
        let reasons = g.findings.iter().map(|f| format!("[{}] {}", f.kind.name(), f.reason)).collect();
        (g, reasons)
    }

    /// (gc enabled, item bytes, node bytes): the series grows `LEAK` by 2
    /// items and the garbage by 10 cycles per snapshot.
    fn series(gc_enabled: bool, item_bytes: u64, node_bytes: u64) -> (Growth, Vec<String>) {
        analyse(&[1, 2, 3].map(|k| heap(gc_enabled, 2 * k, item_bytes, 10 * k, node_bytes)))
    }

    #[test]
    fn garbage_the_collector_will_not_free_ranks_with_holders_by_growth() {
        // 20 nodes of 1,000 bytes a step against 2 items of 100: the garbage first.
        let (g, reasons) = series(false, 100, 1000);
        let FindingKind::Garbage(i) = g.findings[0].kind else { panic!("{reasons:#?}") };
        let c = &g.garbage[i];
        assert_eq!((c.type_name.as_str(), c.cycles.clone(), c.objects.clone()), ("app.Node", vec![10, 20, 30], vec![20, 40, 60]));
        assert_eq!((c.size_growth_bytes(), g.findings[0].growth_bytes), (40_000, 40_000));
        assert_eq!(
            g.findings[0].reason,
            "garbage cycles grow: 10 → 20 → 30 `Node` cycles (60 unreachable objects), +39.1 KiB, nothing holds them; gc is disabled"
        );
        let fix = g.findings[0].fix.as_deref().unwrap();
        assert!(fix.contains("weakref") && fix.contains("gc.enable()"), "{fix}");
        assert!(matches!(g.findings[1].kind, FindingKind::Holder(_)), "{reasons:#?}");
        // A holder that grows more comes first: one scale for both.
        let (g, reasons) = series(false, 100_000, 1000);
        assert!(matches!(g.findings[0].kind, FindingKind::Holder(_)), "{reasons:#?}");
        assert!(matches!(g.findings[1].kind, FindingKind::Garbage(_)), "{reasons:#?}");
    }

    #[test]
    fn garbage_waiting_for_an_enabled_collector_never_outranks_a_growing_holder() {
        let (g, reasons) = series(true, 100, 1000);
        assert!(matches!(g.findings[0].kind, FindingKind::Holder(_)), "{reasons:#?}");
        let at = g.findings.iter().position(|f| matches!(f.kind, FindingKind::Garbage(_))).expect("still listed");
        assert!(g.findings[at].reason.ends_with("nothing holds them; waiting for the collector"), "{reasons:#?}");
        assert!(g.findings[at].fix.as_deref().unwrap().contains("gc.collect()"));
    }

    #[test]
    fn garbage_that_does_not_grow_is_no_finding() {
        let (g, reasons) = analyse(&[1, 2, 3].map(|k| heap(false, 2 * k, 100, 10, 1000)));
        assert!(g.garbage.is_empty() && g.findings.iter().all(|f| !matches!(f.kind, FindingKind::Garbage(_))), "{reasons:#?}");
    }
}
