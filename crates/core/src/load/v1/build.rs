//! Validation and building for the v1 reader: the raw columns the
//! visitors filled become the model, with every dangling index, duplicate
//! address or out-of-range value turned into a warning that names its record.

use super::Document;
use crate::diagnostic::{LoadError, Location};
use crate::graph::{EdgeLabel, Graph, ObjIdx};
use crate::load::{Loaded, NOT_ENOUGH_MEMORY};
use crate::model::{saturate_sizes, Heap, Root, RootKind, Snapshot, SourceFormat, Tracemalloc, MAX_TOTAL_BYTES};
use crate::strings::{StrId, StringTable, NO_STRING};

#[derive(Default)]
pub(super) struct RawHeap {
    pub(super) address: Vec<u64>,
    pub(super) type_name: Vec<StrId>,
    pub(super) size_bytes: Vec<u64>,
    pub(super) flags: Vec<u8>,
    pub(super) description: Vec<StrId>,
    pub(super) traceback: Vec<u32>,
    pub(super) from: Vec<u32>,
    pub(super) to: Vec<u32>,
    pub(super) labels: Vec<EdgeLabel>,
    pub(super) roots: Vec<(i64, i64, i64, i64)>,
    /// A column could not grow (an allocation failed): the load is refused
    /// with "not enough memory" instead of the process aborting.
    pub(super) out_of_memory: bool,
}

/// Appends `x` to `column`, growing it by `try_reserve` (doubling): a heap
/// too large for the memory left (an address-space limit, wasm32's 4 GiB)
/// sets `out_of_memory` and drops the value (and every value after it
/// that would need more room).
#[inline]
pub(super) fn push_or_note<T>(column: &mut Vec<T>, x: T, out_of_memory: &mut bool) {
    if column.len() == column.capacity() {
        // Once one failed, the rest are dropped without asking again (a
        // failing reservation is a system call per record).
        if *out_of_memory || !crate::load::room_for_one(column) {
            *out_of_memory = true;
            return;
        }
    }
    column.push(x);
}

/// A multiply-fold hash for object addresses (SipHash costs 4× more and the
/// duplicate check is not exposed to collision attacks that matter: the
/// worst case is a slow load of a hostile file).
#[derive(Default)]
struct AddressHasher(u64);

/// A map keyed by addresses (or their 1 MiB regions).
type AddressMap<V> = std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<AddressHasher>>;

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    #[inline]
    fn write_u64(&mut self, v: u64) {
        let m = (v ^ self.0) as u128 * 0x9E37_79B9_7F4A_7C15u128;
        self.0 = (m >> 64) as u64 ^ m as u64;
    }
}

/// Addresses in increasing order (what synthetic heaps and sorted exports
/// have) are distinct.
fn increasing(addresses: &[u64]) -> bool {
    addresses.windows(2).all(|w| w[0] < w[1])
}

/// Whether `addresses` are all distinct, by one bit per possible address in
/// each 1 MiB region that holds any — at the coarsest spacing that keeps
/// every address on its own bit (objects are 8- or 16-byte aligned: 16 or
/// 8 KiB per region). A CPython heap lives in few regions for its object
/// count (pymalloc's arenas, the C heap: 86 regions for 952,625 objects of
/// `python/bench/bench_export.py`), so the bitmaps stay in cache where a map
/// of every address takes random writes into 16 bytes per object. `None`
/// when the bitmaps would take more than 8 bytes per object (sparse or
/// hostile addresses): use the map.
fn distinct_by_bitmap(addresses: &[u64]) -> Option<bool> {
    const REGION_SHIFT: u32 = 20;
    let alignment = addresses.iter().fold(0u64, |acc, &a| acc | a);
    let shift = alignment.trailing_zeros().min(REGION_SHIFT);
    let words = (1usize << (REGION_SHIFT - shift)).div_ceil(64);
    let budget = 8 * addresses.len() + (64 << 10);
    let mut bases: AddressMap<usize> = AddressMap::default();
    let mut bitmaps: Vec<u64> = Vec::new();
    let (mut region, mut base) = (None, 0);
    for &a in addresses {
        // Neighbours in the file are mostly neighbours in memory: one lookup per change of region.
        if region != Some(a >> REGION_SHIFT) {
            region = Some(a >> REGION_SHIFT);
            base = *bases.entry(a >> REGION_SHIFT).or_insert_with(|| {
                bitmaps.resize(bitmaps.len() + words, 0);
                bitmaps.len() - words
            });
            if bitmaps.len() * 8 > budget {
                return None;
            }
        }
        let bit = ((a & ((1 << REGION_SHIFT) - 1)) >> shift) as usize;
        let (word, mask) = (base + bit / 64, 1u64 << (bit % 64));
        if bitmaps[word] & mask != 0 {
            return Some(false);
        }
        bitmaps[word] |= mask;
    }
    Some(!addresses.is_empty())
}

/// Converts a format index (`-1` = none) into a string id; out-of-range ids
/// become `u32::MAX - 1` and are reported when the table is known.
pub(super) fn str_id(v: i64) -> StrId {
    if v < 0 {
        NO_STRING
    } else {
        u32::try_from(v).unwrap_or(NO_STRING - 1).min(NO_STRING - 1)
    }
}

impl Document {
    pub(super) fn finish(mut self) -> Result<Loaded, LoadError> {
        match self.format.as_deref() {
            Some("heapscope") => {}
            Some(other) => return Err(LoadError::new(format!("`format` is \"{other}\", not \"heapscope\""), None)),
            None => return Err(LoadError::new("a JSON object without \"format\": \"heapscope\" — not a heapscope snapshot", None)),
        }
        match self.version {
            Some(1) => {}
            Some(v) => {
                return Err(LoadError::new(format!("snapshot format version {v} is not supported (this heapscope reads version 1)"), None))
            }
            None => return Err(LoadError::new("the snapshot has no `version`", None)),
        }
        if let Some(warning) = self.meta.exporter_errors.take().as_ref().and_then(super::exporter_errors::warning) {
            // First: it says how far every number in the file can be trusted.
            self.warnings.push_front(warning, None);
        }
        if let Ok(bits) = super::object_flags::FlagBits::of(self.meta.object_flags.as_ref()) {
            for warning in bits.warnings(self.meta.object_flags.as_ref()) {
                self.warnings.push(warning, None);
            }
        }
        let strings = self.strings.take().unwrap_or_else(|| {
            self.warnings.push("the snapshot has no `strings` table; names are missing", None);
            StringTable::new()
        });
        let string_count = strings.len();
        let tracemalloc = self.tracemalloc.take().map(|t| self.check_tracemalloc(t, string_count));
        let traceback_count = tracemalloc.as_ref().map_or(0, |t| t.tracebacks.len());
        let heap = self.heap.take().map(|raw| self.build_heap(raw, string_count, traceback_count)).transpose()?;
        if heap.is_none() && tracemalloc.is_none() {
            self.warnings.push("the snapshot has neither a `heap` nor a `tracemalloc` section", None);
        }
        let snapshot = Snapshot { format: SourceFormat::HeapscopeV1, process: self.process, strings, heap, tracemalloc };
        Ok(Loaded::new(snapshot, self.warnings))
    }

    fn build_heap(&mut self, mut raw: RawHeap, string_count: usize, traceback_count: usize) -> Result<Heap, LoadError> {
        let n = raw.address.len();
        if raw.out_of_memory {
            return Err(LoadError::new(
                format!(
                    "{NOT_ENOUGH_MEMORY} for this heap: an allocation failed after {n} objects and {} references (its records take about 34 bytes per object and 12 per reference, its analysis about 100 more per object)",
                    raw.from.len()
                ),
                None,
            ));
        }
        let bad_string = |id: StrId| id != NO_STRING && id as usize >= string_count;
        // Whether every reference names known objects and strings (every
        // file the exporter writes): three folds the compiler vectorizes, on
        // the other thread while this one checks the objects.
        let refs_valid = || {
            let largest = |column: &[u32]| column.iter().fold(0u32, |m, &x| m.max(x));
            // Names shifted up by one, so that "no name" (`NO_STRING`, the
            // largest id) counts as the smallest.
            let largest_name = raw.labels.iter().fold(0u32, |m, l| m.max(l.name().wrapping_add(1)));
            raw.from.is_empty()
                || ((largest(&raw.from) as usize) < n && (largest(&raw.to) as usize) < n && !bad_string(largest_name.wrapping_sub(1)))
        };
        let check_objects = || {
            // The record-by-record check only when a fold finds a bad one.
            let any_bad = |ids: &[u32], limit: usize| ids.iter().fold(false, |bad, &id| bad | (id != NO_STRING && id as usize >= limit));
            if !any_bad(&raw.type_name, string_count)
                && !any_bad(&raw.description, string_count)
                && !any_bad(&raw.traceback, traceback_count)
            {
                return;
            }
            for i in 0..n {
                let record = || Some(Location::Record { section: "heap.objects", index: i as u64 });
                if bad_string(raw.type_name[i]) {
                    self.warnings.push("type name refers past the end of `strings`", record());
                    raw.type_name[i] = NO_STRING;
                }
                if bad_string(raw.description[i]) {
                    self.warnings.push("description refers past the end of `strings`", record());
                    raw.description[i] = NO_STRING;
                }
                if raw.traceback[i] != u32::MAX && raw.traceback[i] as usize >= traceback_count {
                    self.warnings.push("traceback refers past the end of `tracemalloc.tracebacks`", record());
                    raw.traceback[i] = u32::MAX;
                }
            }
        };
        let (all_valid, ()) = crate::parallel::join_for(raw.from.len(), refs_valid, check_objects);
        if !self.object_tracebacks_seen {
            raw.traceback.iter_mut().for_each(|t| *t = u32::MAX);
        }
        // Most files have distinct addresses, and most are shown so cheaply;
        // the map below (random writes into 16 bytes per object) only finds
        // which objects share one.
        let distinct = increasing(&raw.address) || distinct_by_bitmap(&raw.address) == Some(true);
        let mut seen: AddressMap<u32> = AddressMap::with_capacity_and_hasher(if distinct { 0 } else { n }, Default::default());
        for (i, &a) in raw.address.iter().enumerate().filter(|_| !distinct) {
            if let Some(&first) = seen.get(&a) {
                // Named by the first object at the address, however many follow.
                self.warnings.push(
                    format!("address {a:#x} is also used by object {first}; diffs match the first"),
                    Some(Location::Record { section: "heap.objects", index: i as u64 }),
                );
            } else {
                seen.insert(a, i as u32);
            }
        }
        drop(seen);
        // Edge indices are u32: references past that are dropped.
        const MAX_REFERENCES: usize = u32::MAX as usize - 1;
        if raw.from.len() > MAX_REFERENCES {
            self.warnings
                .push(format!("more than {MAX_REFERENCES} references; the last {} were dropped", raw.from.len() - MAX_REFERENCES), None);
            raw.from.truncate(MAX_REFERENCES);
            raw.to.truncate(MAX_REFERENCES);
            raw.labels.truncate(MAX_REFERENCES);
        }
        // Drop references that name unknown objects, compacting in place
        // (a file whose references are all valid is only read: `all_valid`).
        let first_checked = if all_valid { raw.from.len() } else { 0 };
        let mut kept = first_checked;
        for e in first_checked..raw.from.len() {
            let (f, t) = (raw.from[e], raw.to[e]);
            if (f as usize) < n && (t as usize) < n {
                let mut label = raw.labels[e];
                if bad_string(label.name()) {
                    self.warnings.push(
                        "reference name refers past the end of `strings`",
                        Some(Location::Record { section: "heap.references", index: e as u64 }),
                    );
                    label = EdgeLabel::new(label.kind(), NO_STRING);
                }
                raw.from[kept] = f;
                raw.to[kept] = t;
                raw.labels[kept] = label;
                kept += 1;
            } else {
                let which = if (f as usize) < n { "to" } else { "from" };
                self.warnings.push(
                    format!("reference `{which}` names an object that does not exist (there are {n}); reference skipped"),
                    Some(Location::Record { section: "heap.references", index: e as u64 }),
                );
            }
        }
        raw.from.truncate(kept);
        raw.to.truncate(kept);
        raw.labels.truncate(kept);
        let mut roots = Vec::with_capacity(raw.roots.len());
        for (i, &(object, kind, name, excess)) in raw.roots.iter().enumerate() {
            let at = Some(Location::Record { section: "heap.roots", index: i as u64 });
            let known = usize::try_from(kind).ok().and_then(|k| self.meta.root_kinds.get(k)).and_then(|k| RootKind::from_format_name(k));
            let Some(object) = usize::try_from(object).ok().filter(|&o| o < n) else {
                self.warnings.push(format!("root names object {object}, which does not exist; root skipped"), at);
                continue;
            };
            // A root of a kind this reader does not know still holds its object.
            let kind = known.unwrap_or_else(|| {
                self.warnings.push(format!("root has unknown kind {kind}; counted as a root of kind `unknown`"), at.clone());
                RootKind::Unknown
            });
            let name = if bad_string(str_id(name)) { NO_STRING } else { str_id(name) };
            let excess = u32::try_from(excess.max(0)).unwrap_or(u32::MAX);
            roots.push(Root { object: object as ObjIdx, kind, name, excess });
        }
        let capped = saturate_sizes(&mut raw.size_bytes);
        if capped > 0 {
            self.warnings.push(
                format!("the object sizes add up past {MAX_TOTAL_BYTES} bytes; {capped} sizes were lowered so that totals saturate there"),
                None,
            );
        }
        if let Some(refusal) = crate::load::graph_memory_refusal(n, raw.from.len(), 0) {
            return Err(refusal);
        }
        let graph = Graph::from_edges(n, raw.from, raw.to, raw.labels);
        Ok(Heap {
            address: raw.address,
            type_name: raw.type_name,
            size_bytes: raw.size_bytes,
            flags: raw.flags,
            description: raw.description,
            traceback: raw.traceback,
            graph,
            roots,
        })
    }

    fn check_tracemalloc(&mut self, mut t: Tracemalloc, string_count: usize) -> Tracemalloc {
        for (i, f) in t.frames.iter_mut().enumerate() {
            if f.filename != NO_STRING && f.filename as usize >= string_count {
                self.warnings.push(
                    "frame filename refers past the end of `strings`",
                    Some(Location::Record { section: "tracemalloc.frames", index: i as u64 }),
                );
                f.filename = NO_STRING;
            }
        }
        let frame_count = t.frames.len();
        for (i, tb) in t.tracebacks.iter_mut().enumerate() {
            let before = tb.len();
            tb.retain(|&f| (f as usize) < frame_count);
            if tb.len() != before {
                self.warnings.push(
                    "traceback names frames that do not exist; they were dropped",
                    Some(Location::Record { section: "tracemalloc.tracebacks", index: i as u64 }),
                );
            }
        }
        if t.total_nframe.len() != t.tracebacks.len() {
            if !t.total_nframe.is_empty() {
                self.warnings.push("`traceback_total_nframe` does not match `tracebacks` in length; ignored", None);
            }
            t.total_nframe = vec![None; t.tracebacks.len()];
        }
        let tb_count = t.tracebacks.len();
        let before = t.traces.len();
        let mut index = 0u64;
        let mut warnings = Vec::new();
        t.traces.retain(|tr| {
            let ok = (tr.traceback as usize) < tb_count;
            if !ok {
                warnings.push(index);
            }
            index += 1;
            ok
        });
        for i in warnings {
            self.warnings.push(
                "trace names a traceback that does not exist; trace skipped",
                Some(Location::Record { section: "tracemalloc.traces", index: i }),
            );
        }
        debug_assert!(t.traces.len() <= before);
        if t.saturate_sizes() > 0 {
            self.warnings.push(format!("the trace sizes add up past {MAX_TOTAL_BYTES} bytes; totals saturate there"), None);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_addresses_by_bitmap() {
        // 16-byte spacing, out of order; then one repeated.
        let mut heap: Vec<u64> = (0..1000u64).map(|i| 0x7f00_0000_0000 + (i * 7919 % 1000) * 16).collect();
        assert_eq!(distinct_by_bitmap(&heap), Some(true));
        heap.push(0x7f00_0000_0000 + 500 * 16);
        assert_eq!(distinct_by_bitmap(&heap), Some(false));
        // Addresses 8 bytes apart are not merged onto one bit.
        assert_eq!(distinct_by_bitmap(&[0x1008, 0x1000, 0x1010, 0x1018]), Some(true));
        assert_eq!(distinct_by_bitmap(&[0x1008, 0x1000, 0x1008]), Some(false));
        // Odd spacings; tiny sets, which may go to the map, are never answered wrongly.
        let odd: Vec<u64> = (0..20_000u64).map(|i| 0x5000_0001 + 3 * ((i * 7919) % 20_000)).collect();
        assert_eq!(distinct_by_bitmap(&odd), Some(true));
        for tiny in [&[5u64, 3, 4][..], &[42], &[42, 42], &[0, u64::MAX], &[u64::MAX, 7, u64::MAX]] {
            let truth = tiny.iter().collect::<std::collections::HashSet<_>>().len() == tiny.len();
            assert!(distinct_by_bitmap(tiny).is_none_or(|d| d == truth), "{tiny:?}");
        }
        assert_eq!(distinct_by_bitmap(&[]), Some(false));
        // Two far-apart clusters (the C heap and the arenas) are two regions.
        let mut two: Vec<u64> = (0..5000u64).flat_map(|i| [0x5641_39c9_33c0 + i * 48, 0x7fa1_f47b_86a0 - i * 56]).collect();
        assert_eq!(distinct_by_bitmap(&two), Some(true));
        two.push(0x7fa1_f47b_86a0 - 4999 * 56);
        assert_eq!(distinct_by_bitmap(&two), Some(false));
        // Too sparse for 8 bytes per object: the map decides.
        let sparse: Vec<u64> = (0..100u64).map(|i| (i << 30) + 16 * i).collect();
        assert_eq!(distinct_by_bitmap(&sparse), None);
    }
}
