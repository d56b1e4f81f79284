//! The serde visitors of the v1 reader: the document, `heap` and
//! `tracemalloc` objects, and the flat record arrays streamed straight into
//! the raw columns through record sinks (shared with the fast path).

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::build::{push_or_note, str_id, RawHeap};
use super::object_flags::FlagBits;
use super::{Document, Layout, Meta, MAX_RECORD_WIDTH, MAX_SANE_SIZE_BYTES};
use crate::diagnostic::{LoadError, Location, Warnings};
use crate::graph::EdgeLabel;
use crate::model::{Frame, ProcessInfo, RefKind, Trace, Tracemalloc};
use crate::strings::StringTable;

/// Reads the top-level `meta` ahead of the main pass, stopping as soon as it
/// has it (at once when `meta` comes first). `None` when there is none or
/// the document breaks before it; the main pass then reports the damage.
pub(super) fn meta_ahead(bytes: &[u8]) -> Option<Meta> {
    meta_from(&mut serde_json::Deserializer::from_slice(bytes))
}

/// [`meta_ahead`] over any serde_json input (a slice, or a stream).
pub(super) fn meta_from<'de, R: serde_json::de::Read<'de>>(de: &mut serde_json::Deserializer<R>) -> Option<Meta> {
    struct MetaOnly<'a>(&'a mut Option<Meta>);
    impl<'de> Visitor<'de> for MetaOnly<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a heapscope snapshot object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                if key == "meta" {
                    *self.0 = Some(map.next_value()?);
                    // Stop here: the rest is the main pass's business.
                    return Err(de::Error::custom("found"));
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }
    let mut meta = None;
    let _ = de::Deserializer::deserialize_map(de, MetaOnly(&mut meta));
    meta
}

pub(super) struct DocumentVisitor<'a>(pub(super) &'a mut Document);

/// The members of a section that are read (a repeated one is an error:
/// JSON leaves its meaning open, and taking either would hide half a file).
pub(super) const DOCUMENT_KEYS: [&str; 7] = ["format", "version", "meta", "process", "heap", "tracemalloc", "strings"];
pub(super) const HEAP_KEYS: [&str; 4] = ["objects", "references", "roots", "changed_during_dump"];

/// Refuses `key` when it is one of `keys` and was seen before in its object.
fn once<E: de::Error>(seen: &mut Vec<&'static str>, keys: &[&'static str], key: &str, section: &str) -> Result<(), E> {
    let Some(&k) = keys.iter().find(|&&k| k == key) else { return Ok(()) };
    if seen.contains(&k) {
        return Err(E::custom(format!("duplicate key `{key}` in {section}")));
    }
    seen.push(k);
    Ok(())
}

impl<'de> Visitor<'de> for DocumentVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a heapscope snapshot object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let doc = self.0;
        let mut seen = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            once(&mut seen, &DOCUMENT_KEYS, &key, "the document")?;
            match key.as_str() {
                "format" => {
                    let value: serde_json::Value = map.next_value()?;
                    match value.as_str() {
                        Some(s) => doc.format = Some(s.to_string()),
                        None => return Err(de::Error::custom("`format` must be the string \"heapscope\"")),
                    }
                    if doc.format.as_deref() != Some("heapscope") {
                        let found = doc.format.clone().unwrap_or_default();
                        doc.fatal =
                            Some(LoadError::new(format!("`format` is \"{found}\", not \"heapscope\": not a heapscope snapshot"), None));
                        return Err(de::Error::custom("not heapscope"));
                    }
                }
                "version" => {
                    let value: serde_json::Value = map.next_value()?;
                    doc.version = Some(value.as_i64().ok_or_else(|| de::Error::custom("`version` must be an integer"))?);
                }
                "snapshot" | "nodes" | "edges" if doc.format.is_none() => {
                    doc.fatal = Some(LoadError::new(
                        "this is a V8/Chrome .heapsnapshot (JavaScript); heapscope reads Python snapshots written by its exporter",
                        None,
                    ));
                    return Err(de::Error::custom("v8 snapshot"));
                }
                "meta" => doc.meta = map.next_value()?,
                "process" => doc.process = process_info(map.next_value_seed(ProcessValue)?),
                "heap" => {
                    let mut heap = RawHeap::default();
                    map.next_value_seed(HeapSeed {
                        meta: &doc.meta,
                        heap: &mut heap,
                        warnings: &mut doc.warnings,
                        tracebacks_seen: &mut doc.object_tracebacks_seen,
                    })?;
                    doc.heap = Some(heap);
                }
                "tracemalloc" => {
                    let mut t = Tracemalloc::default();
                    map.next_value_seed(TracemallocSeed { meta: &doc.meta, t: &mut t, warnings: &mut doc.warnings })?;
                    doc.tracemalloc = Some(t);
                }
                "strings" => {
                    let mut table = StringTable::new();
                    map.next_value_seed(StringsSeed(&mut table))?;
                    doc.strings = Some(table);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for DocumentVisitor<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

/// How deep `process` is read: nothing shows it deeper (its display pairs
/// go three levels down), and serde refuses a whole file nested past 128.
const PROCESS_DEPTH: usize = 16;

/// `process` as a JSON value whose values nested deeper than
/// [`PROCESS_DEPTH`] are read as `"…"` (checked, not kept) instead of
/// refusing the file for serde's recursion limit.
pub(super) struct ProcessValue;

impl<'de> DeserializeSeed<'de> for ProcessValue {
    type Value = serde_json::Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<serde_json::Value, D::Error> {
        BoundedValue(PROCESS_DEPTH).deserialize(d)
    }
}

/// A JSON value, at most this many levels deep (0: the value is skipped).
struct BoundedValue(usize);

impl<'de> DeserializeSeed<'de> for BoundedValue {
    type Value = serde_json::Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<serde_json::Value, D::Error> {
        if self.0 == 0 {
            d.deserialize_ignored_any(IgnoredAny)?;
            return Ok(serde_json::Value::String("…".to_string()));
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BoundedValue {
    type Value = serde_json::Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<serde_json::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_none<E>(self) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<serde_json::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(BoundedValue(self.0 - 1))? {
            out.push(v);
        }
        Ok(serde_json::Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<serde_json::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(BoundedValue(self.0 - 1))?;
            out.insert(k, v);
        }
        Ok(serde_json::Value::Object(out))
    }
}

/// Flattens `process` into display pairs: nested objects become dotted keys.
/// The interpreter's environment is read apart ([`crate::load::environment`]).
pub(super) fn process_info(value: serde_json::Value) -> ProcessInfo {
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>, depth: usize) {
        match v {
            serde_json::Value::Object(map) if depth < 3 => {
                // The installation's paths and module files would be hundreds of lines.
                for (k, v) in map.iter().filter(|(k, _)| depth > 0 || !crate::load::environment::KEYS.contains(&k.as_str())) {
                    let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&key, v, out, depth + 1);
                }
            }
            serde_json::Value::String(s) => out.push((prefix.chars().take(200).collect(), s.chars().take(500).collect())),
            other => {
                let text = other.to_string();
                out.push((prefix.chars().take(200).collect(), text.chars().take(500).collect()));
            }
        }
    }
    let mut fields = Vec::new();
    walk("", &value, &mut fields, 0);
    fields.truncate(200);
    ProcessInfo { fields, environment: crate::load::environment::python_environment(&value) }
}

/// One integer of a flat array: a value of another type is named by its
/// section, record and field (`a floating point 1.5, expected an integer:
/// field `size` of heap.objects record 0`).
struct IntSeed<'a> {
    section: &'static str,
    record: u64,
    field: Option<&'a String>,
}

impl<'de> DeserializeSeed<'de> for IntSeed<'_> {
    type Value = i64;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<i64, D::Error> {
        d.deserialize_i64(self)
    }
}

impl<'de> Visitor<'de> for IntSeed<'_> {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.field {
            Some(field) => write!(f, "an integer: field `{}` of {} record {}", clip_name(field), self.section, self.record),
            None => write!(f, "an integer: {} record {}", self.section, self.record),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
}

/// A field name is the file's text: at most 40 characters of it in a message.
fn clip_name(name: &str) -> String {
    match name.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &name[..end]),
        None => name.to_string(),
    }
}

/// Streams one flat integer array, calling `sink` with each full record
/// (a batch of one: the sinks take one or more whole records a call).
pub(super) struct FlatSeed<'a, F> {
    pub(super) width: usize,
    pub(super) section: &'static str,
    /// The record's field names (`meta`), for what a wrong value says.
    pub(super) fields: &'a [String],
    pub(super) sink: &'a mut F,
}

impl<'de, F: FnMut(u64, &[i64])> DeserializeSeed<'de> for FlatSeed<'_, F> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(u64, &[i64])> Visitor<'de> for FlatSeed<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a flat array of integers for {}", self.section)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut record = [0i64; MAX_RECORD_WIDTH];
        let mut filled = 0;
        let mut index = 0u64;
        while let Some(v) = seq.next_element_seed(IntSeed { section: self.section, record: index, field: self.fields.get(filled) })? {
            record[filled] = v;
            filled += 1;
            if filled == self.width {
                (self.sink)(index, &record[..self.width]);
                index += 1;
                filled = 0;
            }
        }
        if filled != 0 {
            return Err(de::Error::custom(format!(
                "{} ends inside record {index}: its length is not a multiple of {} fields",
                self.section, self.width
            )));
        }
        Ok(())
    }
}

pub(super) fn objects_layout<E: de::Error>(meta: &Meta) -> Result<Layout<6>, E> {
    Layout::new("heap.objects", &meta.object_fields, ["address", "type", "size", "flags", "description", "traceback"], 3)
}

pub(super) fn references_layout<E: de::Error>(meta: &Meta) -> Result<Layout<4>, E> {
    Layout::new("heap.references", &meta.reference_fields, ["from", "to", "kind", "name"], 2)
}

pub(super) fn roots_layout<E: de::Error>(meta: &Meta) -> Result<Layout<4>, E> {
    Layout::new("heap.roots", &meta.root_fields, ["object", "kind", "name", "excess"], 2)
}

pub(super) fn reference_kinds(meta: &Meta) -> Vec<Option<RefKind>> {
    meta.reference_kinds.iter().map(|k| RefKind::from_format_name(k)).collect()
}

/// Room for `n` more items in a column ([`crate::load::room_for`]) unless a
/// column already could not grow: then the batch goes record by record
/// through [`push_or_note`], which notes it.
fn room_for<T>(column: &mut Vec<T>, n: usize, out_of_memory: bool) -> bool {
    !out_of_memory && crate::load::room_for(column, n)
}

/// Turns `heap.objects` records (whole ones, `layout.width` values each,
/// the first numbered `first`) into rows of the object columns.
pub(super) fn objects_sink<'a>(
    layout: &'a Layout<6>,
    bits: &'a FlagBits,
    heap: &'a mut RawHeap,
    warnings: &'a mut Warnings,
) -> impl FnMut(u64, &[i64]) + 'a {
    const ADDRESS: usize = 0;
    const TYPE: usize = 1;
    const SIZE: usize = 2;
    const FLAGS: usize = 3;
    const DESCRIPTION: usize = 4;
    const TRACEBACK: usize = 5;
    let address_delta = layout.delta[ADDRESS];
    let mut previous_address = 0i64;
    move |first: u64, rs: &[i64]| {
        let records = rs.chunks_exact(layout.width);
        let n = records.len();
        let address_of = |previous: &mut i64, r: &[i64]| {
            let mut address = layout.get(r, ADDRESS, 0);
            if address_delta {
                address = previous.wrapping_add(address);
                *previous = address;
            }
            address
        };
        let oom = heap.out_of_memory;
        let room = room_for(&mut heap.address, n, oom)
            && room_for(&mut heap.type_name, n, oom)
            && room_for(&mut heap.size_bytes, n, oom)
            && room_for(&mut heap.flags, n, oom)
            && room_for(&mut heap.description, n, oom)
            && room_for(&mut heap.traceback, n, oom);
        // The columns a batch at a time (tight loops, no growth checks); the
        // warnings, when a record needs one, from a second pass in record order.
        let previous_at_start = previous_address;
        if room {
            let delta = address_delta.then_some(&mut previous_address);
            let all = |r: &[i64]| {
                let get = |field, default| layout.get(r, field, default);
                (get(ADDRESS, 0), get(TYPE, -1), get(SIZE, 0), get(FLAGS, 0), get(DESCRIPTION, -1), get(TRACEBACK, -1))
            };
            // The layouts writers use (every field; the exporter's, without
            // tracebacks): fixed places, no look-ups.
            let suspicious = if layout.in_place(6) {
                push_objects(heap, rs.as_chunks::<6>().0.iter().map(|r| (r[0], r[1], r[2], r[3], r[4], r[5])), delta, bits)
            } else if layout.in_place(5) {
                push_objects(heap, rs.as_chunks::<5>().0.iter().map(|r| (r[0], r[1], r[2], r[3], r[4], -1)), delta, bits)
            } else {
                push_objects(heap, records.clone().map(all), delta, bits)
            };
            if !suspicious {
                return;
            }
        }
        let mut previous = previous_at_start;
        for (i, r) in (first..).zip(records) {
            let at = || Some(Location::Record { section: "heap.objects", index: i });
            let address = address_of(&mut previous, r);
            if address < 0 {
                warnings.push(format!("negative address {address}"), at());
            }
            let size = layout.get(r, SIZE, 0);
            let believable = (0..=MAX_SANE_SIZE_BYTES).contains(&size);
            if !believable {
                warnings.push(format!("size {size} is not believable; counted as 0"), at());
            }
            if room {
                continue;
            }
            let oom = &mut heap.out_of_memory;
            push_or_note(&mut heap.address, address.max(0) as u64, oom);
            push_or_note(&mut heap.type_name, str_id(layout.get(r, TYPE, -1)), oom);
            push_or_note(&mut heap.size_bytes, if believable { size as u64 } else { 0 }, oom);
            push_or_note(&mut heap.flags, bits.read(layout.get(r, FLAGS, 0)), oom);
            push_or_note(&mut heap.description, str_id(layout.get(r, DESCRIPTION, -1)), oom);
            push_or_note(&mut heap.traceback, traceback_id(layout.get(r, TRACEBACK, -1)), oom);
        }
        previous_address = previous;
    }
}

/// Turns `heap.references` records (whole ones, the first numbered
/// `first`) into edges.
pub(super) fn references_sink<'a>(
    layout: &'a Layout<4>,
    kinds: &'a [Option<RefKind>],
    heap: &'a mut RawHeap,
    warnings: &'a mut Warnings,
) -> impl FnMut(u64, &[i64]) + 'a {
    let from_delta = layout.delta[0];
    let mut previous_from = 0i64;
    move |first: u64, rs: &[i64]| {
        let records = rs.chunks_exact(layout.width);
        let n = records.len();
        let kind_of = |r: &[i64]| usize::try_from(layout.get(r, 2, 0)).ok().and_then(|k| kinds.get(k).copied().flatten());
        let oom = heap.out_of_memory;
        if room_for(&mut heap.from, n, oom) && room_for(&mut heap.to, n, oom) && room_for(&mut heap.labels, n, oom) {
            // A batch at a time, as (from, to, kind, name); the warnings
            // (unknown kinds) from a second pass, in record order, when
            // there are any.
            let unknown = if layout.in_place(4) {
                // The layout every writer uses: fixed places, no look-ups.
                let fields = rs.as_chunks::<4>().0.iter().map(|r| (r[0], r[1], r[2], r[3]));
                push_references(heap, fields, from_delta.then_some(&mut previous_from), kinds)
            } else {
                let fields =
                    records.clone().map(|r| (layout.get(r, 0, -1), layout.get(r, 1, -1), layout.get(r, 2, 0), layout.get(r, 3, -1)));
                push_references(heap, fields, from_delta.then_some(&mut previous_from), kinds)
            };
            if unknown {
                for (i, r) in (first..).zip(records) {
                    if kind_of(r).is_none() {
                        unknown_kind(warnings, layout.get(r, 2, 0), i);
                    }
                }
            }
            return;
        }
        for (i, r) in (first..).zip(records) {
            let mut from = layout.get(r, 0, -1);
            if from_delta {
                from = previous_from.wrapping_add(from);
                previous_from = from;
            }
            let kind = kind_of(r).unwrap_or_else(|| {
                unknown_kind(warnings, layout.get(r, 2, 0), i);
                RefKind::Internal
            });
            let oom = &mut heap.out_of_memory;
            push_or_note(&mut heap.from, object_index(from), oom);
            push_or_note(&mut heap.to, object_index(layout.get(r, 1, -1)), oom);
            push_or_note(&mut heap.labels, EdgeLabel::new(kind, str_id(layout.get(r, 3, -1))), oom);
        }
    }
}

/// Appends objects given as `(address, type, size, flags, description,
/// traceback)` (`address` added to `previous_address` first when the file
/// stores deltas) to columns with room for them all, a column at a time;
/// whether one needs a warning (a negative address, a size past belief).
#[inline(always)]
fn push_objects(
    heap: &mut RawHeap,
    records: impl Iterator<Item = (i64, i64, i64, i64, i64, i64)> + Clone,
    previous_address: Option<&mut i64>,
    bits: &FlagBits,
) -> bool {
    let mut suspicious = false;
    match previous_address {
        Some(previous) => heap.address.extend(records.clone().map(|(address, ..)| {
            *previous = previous.wrapping_add(address);
            suspicious |= *previous < 0;
            (*previous).max(0) as u64
        })),
        None => heap.address.extend(records.clone().map(|(address, ..)| {
            suspicious |= address < 0;
            address.max(0) as u64
        })),
    }
    heap.size_bytes.extend(records.clone().map(|(_, _, size, ..)| {
        let believable = (0..=MAX_SANE_SIZE_BYTES).contains(&size);
        suspicious |= !believable;
        if believable {
            size as u64
        } else {
            0
        }
    }));
    heap.type_name.extend(records.clone().map(|(_, type_name, ..)| str_id(type_name)));
    heap.flags.extend(records.clone().map(|(_, _, _, flags, ..)| bits.read(flags)));
    heap.description.extend(records.clone().map(|(.., description, _)| str_id(description)));
    heap.traceback.extend(records.map(|(.., tb)| traceback_id(tb)));
    suspicious
}

/// A reference's end as a column value: out of range (a warning when the
/// graph is built) for one that is not an object index.
fn object_index(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// A traceback field as a column value: none for a negative one.
fn traceback_id(tb: i64) -> u32 {
    if tb < 0 {
        u32::MAX
    } else {
        u32::try_from(tb).unwrap_or(u32::MAX - 1)
    }
}

/// Appends references given as `(from, to, kind, name)` (`from` added to
/// `previous_from` first when the file stores deltas) to columns with room
/// for them all, a column at a time; whether one had an unknown kind.
#[inline(always)]
fn push_references(
    heap: &mut RawHeap,
    records: impl Iterator<Item = (i64, i64, i64, i64)> + Clone,
    previous_from: Option<&mut i64>,
    kinds: &[Option<RefKind>],
) -> bool {
    match previous_from {
        Some(previous) => heap.from.extend(records.clone().map(|(from, ..)| {
            *previous = previous.wrapping_add(from);
            object_index(*previous)
        })),
        None => heap.from.extend(records.clone().map(|(from, ..)| object_index(from))),
    }
    heap.to.extend(records.clone().map(|(_, to, ..)| object_index(to)));
    let mut unknown = false;
    heap.labels.extend(records.map(|(_, _, kind, name)| {
        let kind = usize::try_from(kind).ok().and_then(|k| kinds.get(k).copied().flatten());
        unknown |= kind.is_none();
        EdgeLabel::new(kind.unwrap_or(RefKind::Internal), str_id(name))
    }));
    unknown
}

fn unknown_kind(warnings: &mut Warnings, kind_index: i64, record: u64) {
    warnings.push(
        format!("unknown reference kind {kind_index}; read as internal"),
        Some(Location::Record { section: "heap.references", index: record }),
    );
}

pub(super) fn roots_sink<'a>(layout: &'a Layout<4>, heap: &'a mut RawHeap) -> impl FnMut(u64, &[i64]) + 'a {
    move |_: u64, rs: &[i64]| {
        for r in rs.chunks_exact(layout.width) {
            push_or_note(
                &mut heap.roots,
                (layout.get(r, 0, -1), layout.get(r, 1, -1), layout.get(r, 2, -1), layout.get(r, 3, 0)),
                &mut heap.out_of_memory,
            );
        }
    }
}

/// The warning for a `heap.changed_during_dump: true` (docs/format.md).
pub(super) const CHANGED_DURING_DUMP: &str = "the heap changed during the dump (another thread ran): each container is one \
     consistent copy, but containers were copied at different moments";

pub(super) struct HeapSeed<'a> {
    pub(super) meta: &'a Meta,
    pub(super) heap: &'a mut RawHeap,
    pub(super) warnings: &'a mut Warnings,
    pub(super) tracebacks_seen: &'a mut bool,
}

impl<'de> DeserializeSeed<'de> for HeapSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HeapSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the `heap` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let HeapSeed { meta, heap, warnings, tracebacks_seen } = self;
        let mut seen = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            once(&mut seen, &HEAP_KEYS, &key, "`heap`")?;
            match key.as_str() {
                "objects" => {
                    let layout = objects_layout(meta)?;
                    let bits = FlagBits::of(meta.object_flags.as_ref()).map_err(de::Error::custom)?;
                    *tracebacks_seen = layout.at[5].is_some();
                    let mut sink = objects_sink(&layout, &bits, heap, warnings);
                    map.next_value_seed(FlatSeed {
                        width: layout.width,
                        section: "heap.objects",
                        fields: &meta.object_fields,
                        sink: &mut sink,
                    })?;
                }
                "references" => {
                    let layout = references_layout(meta)?;
                    let kinds = reference_kinds(meta);
                    let mut sink = references_sink(&layout, &kinds, heap, warnings);
                    map.next_value_seed(FlatSeed {
                        width: layout.width,
                        section: "heap.references",
                        fields: &meta.reference_fields,
                        sink: &mut sink,
                    })?;
                }
                "roots" => {
                    let layout = roots_layout(meta)?;
                    let mut sink = roots_sink(&layout, heap);
                    map.next_value_seed(FlatSeed {
                        width: layout.width,
                        section: "heap.roots",
                        fields: &meta.root_fields,
                        sink: &mut sink,
                    })?;
                }
                "changed_during_dump" => {
                    if map.next_value::<serde_json::Value>()? == serde_json::Value::Bool(true) {
                        warnings.push(CHANGED_DURING_DUMP, None);
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

pub(super) struct TracemallocSeed<'a> {
    pub(super) meta: &'a Meta,
    pub(super) t: &'a mut Tracemalloc,
    pub(super) warnings: &'a mut Warnings,
}

impl<'de> DeserializeSeed<'de> for TracemallocSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TracemallocSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the `tracemalloc` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let TracemallocSeed { meta, t, warnings } = self;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "traceback_limit" => t.traceback_limit = map.next_value::<u32>()?,
                "frames" => {
                    let layout: Layout<2> = Layout::new("tracemalloc.frames", &meta.frame_fields, ["filename", "lineno"], 2)?;
                    let mut sink = |i: u64, r: &[i64]| {
                        let lineno = layout.get(r, 1, 0);
                        let lineno = u32::try_from(lineno).unwrap_or_else(|_| {
                            warnings.push(
                                format!("line number {lineno} is out of range; read as 0"),
                                Some(Location::Record { section: "tracemalloc.frames", index: i }),
                            );
                            0
                        });
                        t.frames.push(Frame { filename: str_id(layout.get(r, 0, -1)), lineno });
                    };
                    map.next_value_seed(FlatSeed {
                        width: layout.width,
                        section: "tracemalloc.frames",
                        fields: &meta.frame_fields,
                        sink: &mut sink,
                    })?;
                }
                "tracebacks" => t.tracebacks = map.next_value()?,
                "traceback_total_nframe" => {
                    let raw: Vec<i64> = map.next_value()?;
                    t.total_nframe = raw.into_iter().map(|n| u32::try_from(n).ok()).collect();
                }
                "traces" => {
                    let layout: Layout<3> = Layout::new("tracemalloc.traces", &meta.trace_fields, ["domain", "size", "traceback"], 3)?;
                    let mut sink = |i: u64, r: &[i64]| {
                        let at = || Some(Location::Record { section: "tracemalloc.traces", index: i });
                        let (domain, size, tb) = (layout.get(r, 0, 0), layout.get(r, 1, 0), layout.get(r, 2, -1));
                        match (u32::try_from(domain), u64::try_from(size), u32::try_from(tb)) {
                            (Ok(domain), Ok(size_bytes), Ok(traceback)) if size <= MAX_SANE_SIZE_BYTES => {
                                t.traces.push(Trace { domain, size_bytes, traceback });
                            }
                            _ => warnings.push(format!("trace ({domain}, {size}, {tb}) is out of range; skipped"), at()),
                        }
                    };
                    map.next_value_seed(FlatSeed {
                        width: layout.width,
                        section: "tracemalloc.traces",
                        fields: &meta.trace_fields,
                        sink: &mut sink,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Streams the `strings` array into a [`StringTable`].
pub(super) struct StringsSeed<'a>(pub(super) &'a mut StringTable);

impl<'de> DeserializeSeed<'de> for StringsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for StringsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of strings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(PushStr(self.0))?.is_some() {
            if self.0.byte_len() > u32::MAX as usize / 2 {
                return Err(de::Error::custom("the string table exceeds 2 GiB"));
            }
        }
        Ok(())
    }
}

struct PushStr<'a>(&'a mut StringTable);

impl<'de> DeserializeSeed<'de> for PushStr<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for PushStr<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.push(v);
        Ok(())
    }
}
