//! Reader for heapscope format v1 (docs/format.md).
//!
//! The document is streamed through serde_json with hand-written visitors, so
//! the flat record arrays go straight into the model's columns: no
//! `Vec<serde_json::Value>`, no per-record allocation. `meta` is normally
//! written first; if a section arrives before it, the default field lists
//! (those of the current exporter) are assumed for that section.
//!
//! Well-formed documents take a fast path first ([`fast`]): the flat integer
//! arrays are parsed by a tight hand-written loop into the same record sinks;
//! anything unexpected sends the whole document through serde, which gives
//! the error with its line and column.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::diagnostic::{LoadError, Location, Warnings};
use crate::graph::{EdgeLabel, Graph, ObjIdx};
use crate::load::Loaded;
use crate::model::{Frame, Heap, ProcessInfo, RefKind, Root, RootKind, Snapshot, SourceFormat, Trace, Tracemalloc};
use crate::strings::{StrId, StringTable, NO_STRING};

/// Shallow sizes above this (256 TiB) are not believed.
const MAX_SANE_SIZE_BYTES: i64 = 1 << 48;
/// Records wider than this are refused (the format's widest has 6 fields).
const MAX_RECORD_WIDTH: usize = 64;

mod fast;

pub(crate) fn parse(bytes: &[u8]) -> Result<Loaded, LoadError> {
    if let Some(loaded) = fast::parse(bytes) {
        return Ok(loaded);
    }
    parse_with_serde(bytes)
}

/// The reference reader: every document goes through it when the fast path
/// declines, and every error comes from it.
fn parse_with_serde(bytes: &[u8]) -> Result<Loaded, LoadError> {
    let mut doc = Document::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = de::Deserializer::deserialize_map(&mut de, DocumentVisitor(&mut doc)).and_then(|()| de.end());
    if let Err(e) = parsed {
        // A "not heapscope" verdict reached early beats the JSON error it caused.
        if let Some(err) = doc.fatal.take() {
            return Err(err);
        }
        return Err(json_error(&e));
    }
    doc.finish()
}

pub(crate) fn json_error(e: &serde_json::Error) -> LoadError {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "the file ends too early (truncated?)".to_string(),
        Category::Syntax => "the file is not valid JSON".to_string(),
        Category::Data => "a value has the wrong type".to_string(),
        Category::Io => "read error".to_string(),
    };
    // serde_json appends " at line L column C" to its message; we say it ourselves.
    let detail = e.to_string();
    let detail = detail.split(" at line ").next().unwrap_or("").to_string();
    LoadError::new(format!("{what}: {detail}"), Some(Location::LineColumn { line: e.line(), column: e.column() }))
}

/// Field lists and enumerations, from `meta` or the defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
struct Meta {
    object_fields: Vec<String>,
    reference_fields: Vec<String>,
    reference_kinds: Vec<String>,
    root_fields: Vec<String>,
    root_kinds: Vec<String>,
    frame_fields: Vec<String>,
    trace_fields: Vec<String>,
}

impl Default for Meta {
    fn default() -> Self {
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect();
        Meta {
            object_fields: v(&["address", "type", "size", "flags", "description", "traceback"]),
            reference_fields: v(&["from", "to", "kind", "name"]),
            reference_kinds: RefKind::ALL.iter().map(|k| k.format_name().to_string()).collect(),
            root_fields: v(&["object", "kind", "name", "excess"]),
            root_kinds: RootKind::ALL.iter().map(|k| k.format_name().to_string()).collect(),
            frame_fields: v(&["filename", "lineno"]),
            trace_fields: v(&["domain", "size", "traceback"]),
        }
    }
}

/// Positions of named fields in a record; `None` when a field is absent.
struct Layout<const N: usize> {
    width: usize,
    at: [Option<usize>; N],
}

impl<const N: usize> Layout<N> {
    fn new<E: de::Error>(section: &str, fields: &[String], names: [&str; N], required: usize) -> Result<Self, E> {
        if fields.is_empty() || fields.len() > MAX_RECORD_WIDTH {
            return Err(E::custom(format!("meta lists {} fields for {section}; expected 1 to {MAX_RECORD_WIDTH}", fields.len())));
        }
        let at = names.map(|n| fields.iter().position(|f| f == n));
        if let Some(missing) = names[..required].iter().zip(&at).find(|(_, a)| a.is_none()) {
            return Err(E::custom(format!("meta's field list for {section} lacks the required field `{}`", missing.0)));
        }
        Ok(Layout { width: fields.len(), at })
    }

    #[inline]
    fn get(&self, record: &[i64], field: usize, default: i64) -> i64 {
        self.at[field].map_or(default, |i| record[i])
    }
}

#[derive(Default)]
struct Document {
    format: Option<String>,
    version: Option<i64>,
    meta: Meta,
    process: ProcessInfo,
    heap: Option<RawHeap>,
    tracemalloc: Option<Tracemalloc>,
    object_tracebacks_seen: bool,
    strings: Option<StringTable>,
    warnings: Warnings,
    /// Set when the document is recognised as something else, to be
    /// reported instead of the JSON error used to stop parsing.
    fatal: Option<LoadError>,
}

#[derive(Default)]
struct RawHeap {
    address: Vec<u64>,
    type_name: Vec<StrId>,
    size_bytes: Vec<u64>,
    flags: Vec<u8>,
    description: Vec<StrId>,
    traceback: Vec<u32>,
    from: Vec<u32>,
    to: Vec<u32>,
    labels: Vec<EdgeLabel>,
    roots: Vec<(i64, i64, i64, i64)>,
}

/// A multiply-fold hash for object addresses (SipHash costs 4× more and the
/// duplicate check is not exposed to collision attacks that matter: the
/// worst case is a slow load of a hostile file).
#[derive(Default)]
struct AddressHasher(u64);

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

/// Converts a format index (`-1` = none) into a string id; out-of-range ids
/// become `u32::MAX - 1` and are reported when the table is known.
fn str_id(v: i64) -> StrId {
    if v < 0 {
        NO_STRING
    } else {
        u32::try_from(v).unwrap_or(NO_STRING - 1).min(NO_STRING - 1)
    }
}

impl Document {
    fn finish(mut self) -> Result<Loaded, LoadError> {
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
        let strings = self.strings.take().unwrap_or_else(|| {
            self.warnings.push("the snapshot has no `strings` table; names are missing", None);
            StringTable::new()
        });
        let string_count = strings.len();
        let tracemalloc = self.tracemalloc.take().map(|t| self.check_tracemalloc(t, string_count));
        let traceback_count = tracemalloc.as_ref().map_or(0, |t| t.tracebacks.len());
        let heap = self.heap.take().map(|raw| self.build_heap(raw, string_count, traceback_count));
        if heap.is_none() && tracemalloc.is_none() {
            self.warnings.push("the snapshot has neither a `heap` nor a `tracemalloc` section", None);
        }
        let snapshot = Snapshot { format: SourceFormat::HeapscopeV1, process: self.process, strings, heap, tracemalloc };
        Ok(Loaded { snapshot, warnings: self.warnings.into_vec() })
    }

    fn build_heap(&mut self, mut raw: RawHeap, string_count: usize, traceback_count: usize) -> Heap {
        let n = raw.address.len();
        let bad_string = |id: StrId| id != NO_STRING && id as usize >= string_count;
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
        if !self.object_tracebacks_seen {
            raw.traceback.iter_mut().for_each(|t| *t = u32::MAX);
        }
        // Addresses in increasing order (what the exporter writes) are distinct.
        let increasing = raw.address.windows(2).all(|w| w[0] < w[1]);
        let mut seen: std::collections::HashMap<u64, u32, std::hash::BuildHasherDefault<AddressHasher>> =
            std::collections::HashMap::with_capacity_and_hasher(if increasing { 0 } else { n }, Default::default());
        for (i, &a) in raw.address.iter().enumerate().filter(|_| !increasing) {
            if let Some(first) = seen.insert(a, i as u32) {
                self.warnings.push(
                    format!("address {a:#x} is also used by object {first}; diffs match the first"),
                    Some(Location::Record { section: "heap.objects", index: i as u64 }),
                );
            }
        }
        drop(seen);
        // Drop references that name unknown objects, compacting in place.
        let mut kept = 0;
        for e in 0..raw.from.len() {
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
            let kind = usize::try_from(kind).ok().and_then(|k| self.meta.root_kinds.get(k)).and_then(|k| RootKind::from_format_name(k));
            match (usize::try_from(object).ok().filter(|&o| o < n), kind) {
                (Some(object), Some(kind)) => {
                    let name = if bad_string(str_id(name)) { NO_STRING } else { str_id(name) };
                    let excess = u32::try_from(excess.max(0)).unwrap_or(u32::MAX);
                    roots.push(Root { object: object as ObjIdx, kind, name, excess });
                }
                (None, _) => self.warnings.push(format!("root names object {object}, which does not exist; root skipped"), at),
                (_, None) => self.warnings.push(format!("root has unknown kind {kind:?}; root skipped"), at),
            }
        }
        let graph = Graph::from_edges(n, raw.from, raw.to, raw.labels);
        Heap {
            address: raw.address,
            type_name: raw.type_name,
            size_bytes: raw.size_bytes,
            flags: raw.flags,
            description: raw.description,
            traceback: raw.traceback,
            graph,
            roots,
        }
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
        t
    }
}

struct DocumentVisitor<'a>(&'a mut Document);

impl<'de> Visitor<'de> for DocumentVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a heapscope snapshot object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let doc = self.0;
        while let Some(key) = map.next_key::<String>()? {
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
                "process" => doc.process = process_info(map.next_value()?),
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

/// Flattens `process` into display pairs: nested objects become dotted keys.
fn process_info(value: serde_json::Value) -> ProcessInfo {
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>, depth: usize) {
        match v {
            serde_json::Value::Object(map) if depth < 3 => {
                for (k, v) in map {
                    let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&key, v, out, depth + 1);
                }
            }
            serde_json::Value::String(s) => out.push((prefix.to_string(), s.chars().take(500).collect())),
            other => {
                let text = other.to_string();
                out.push((prefix.to_string(), text.chars().take(500).collect()));
            }
        }
    }
    let mut fields = Vec::new();
    walk("", &value, &mut fields, 0);
    fields.truncate(200);
    ProcessInfo { fields }
}

/// Streams one flat integer array, calling `sink` with each full record.
struct FlatSeed<'a, F> {
    width: usize,
    section: &'static str,
    sink: &'a mut F,
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
        while let Some(v) = seq.next_element::<i64>()? {
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

fn objects_layout<E: de::Error>(meta: &Meta) -> Result<Layout<6>, E> {
    Layout::new("heap.objects", &meta.object_fields, ["address", "type", "size", "flags", "description", "traceback"], 3)
}

fn references_layout<E: de::Error>(meta: &Meta) -> Result<Layout<4>, E> {
    Layout::new("heap.references", &meta.reference_fields, ["from", "to", "kind", "name"], 2)
}

fn roots_layout<E: de::Error>(meta: &Meta) -> Result<Layout<4>, E> {
    Layout::new("heap.roots", &meta.root_fields, ["object", "kind", "name", "excess"], 2)
}

fn reference_kinds(meta: &Meta) -> Vec<Option<RefKind>> {
    meta.reference_kinds.iter().map(|k| RefKind::from_format_name(k)).collect()
}

/// Turns one `heap.objects` record into a row of the object columns.
fn objects_sink<'a>(layout: &'a Layout<6>, heap: &'a mut RawHeap, warnings: &'a mut Warnings) -> impl FnMut(u64, &[i64]) + 'a {
    const ADDRESS: usize = 0;
    const TYPE: usize = 1;
    const SIZE: usize = 2;
    const FLAGS: usize = 3;
    const DESCRIPTION: usize = 4;
    const TRACEBACK: usize = 5;
    move |i: u64, r: &[i64]| {
        let at = || Some(Location::Record { section: "heap.objects", index: i });
        let address = layout.get(r, ADDRESS, 0);
        if address < 0 {
            warnings.push(format!("negative address {address}"), at());
        }
        let size = layout.get(r, SIZE, 0);
        let size = if (0..=MAX_SANE_SIZE_BYTES).contains(&size) {
            size as u64
        } else {
            warnings.push(format!("size {size} is not believable; counted as 0"), at());
            0
        };
        heap.address.push(address.max(0) as u64);
        heap.type_name.push(str_id(layout.get(r, TYPE, -1)));
        heap.size_bytes.push(size);
        heap.flags.push((layout.get(r, FLAGS, 0) & 0x7f) as u8);
        heap.description.push(str_id(layout.get(r, DESCRIPTION, -1)));
        let tb = layout.get(r, TRACEBACK, -1);
        heap.traceback.push(if tb < 0 { u32::MAX } else { u32::try_from(tb).unwrap_or(u32::MAX - 1) });
    }
}

/// Turns one `heap.references` record into an edge.
fn references_sink<'a>(
    layout: &'a Layout<4>,
    kinds: &'a [Option<RefKind>],
    heap: &'a mut RawHeap,
    warnings: &'a mut Warnings,
) -> impl FnMut(u64, &[i64]) + 'a {
    move |i: u64, r: &[i64]| {
        let index = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
        let kind_index = layout.get(r, 2, 0);
        let kind = usize::try_from(kind_index).ok().and_then(|k| kinds.get(k).copied().flatten());
        let kind = kind.unwrap_or_else(|| {
            warnings.push(
                format!("unknown reference kind {kind_index}; read as internal"),
                Some(Location::Record { section: "heap.references", index: i }),
            );
            RefKind::Internal
        });
        heap.from.push(index(layout.get(r, 0, -1)));
        heap.to.push(index(layout.get(r, 1, -1)));
        heap.labels.push(EdgeLabel::new(kind, str_id(layout.get(r, 3, -1))));
    }
}

fn roots_sink<'a>(layout: &'a Layout<4>, heap: &'a mut RawHeap) -> impl FnMut(u64, &[i64]) + 'a {
    move |_: u64, r: &[i64]| {
        heap.roots.push((layout.get(r, 0, -1), layout.get(r, 1, -1), layout.get(r, 2, -1), layout.get(r, 3, 0)));
    }
}

struct HeapSeed<'a> {
    meta: &'a Meta,
    heap: &'a mut RawHeap,
    warnings: &'a mut Warnings,
    tracebacks_seen: &'a mut bool,
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
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "objects" => {
                    let layout = objects_layout(meta)?;
                    *tracebacks_seen = layout.at[5].is_some();
                    let mut sink = objects_sink(&layout, heap, warnings);
                    map.next_value_seed(FlatSeed { width: layout.width, section: "heap.objects", sink: &mut sink })?;
                }
                "references" => {
                    let layout = references_layout(meta)?;
                    let kinds = reference_kinds(meta);
                    let mut sink = references_sink(&layout, &kinds, heap, warnings);
                    map.next_value_seed(FlatSeed { width: layout.width, section: "heap.references", sink: &mut sink })?;
                }
                "roots" => {
                    let layout = roots_layout(meta)?;
                    let mut sink = roots_sink(&layout, heap);
                    map.next_value_seed(FlatSeed { width: layout.width, section: "heap.roots", sink: &mut sink })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct TracemallocSeed<'a> {
    meta: &'a Meta,
    t: &'a mut Tracemalloc,
    warnings: &'a mut Warnings,
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
                    map.next_value_seed(FlatSeed { width: layout.width, section: "tracemalloc.frames", sink: &mut sink })?;
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
                    map.next_value_seed(FlatSeed { width: layout.width, section: "tracemalloc.traces", sink: &mut sink })?;
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
struct StringsSeed<'a>(&'a mut StringTable);

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load;

    const META: &str = r#""meta": {"object_fields": ["address","type","size","flags","description","traceback"],
        "reference_fields": ["from","to","kind","name"],
        "reference_kinds": ["internal","attribute","dict_value","dict_key","index","cell","local","globals","defaults","closure","class_dict","mro","bases","instance_dict","weak"],
        "root_fields": ["object","kind","name","excess"], "root_kinds": ["module","thread","builtins","native"]}"#;

    fn doc(heap: &str, strings: &str) -> String {
        format!(
            r#"{{"format": "heapscope", "version": 1, {META}, "process": {{"pid": 7, "gc": {{"thresholds": [700, 10, 10]}}}}, "heap": {heap}, "strings": {strings}}}"#
        )
    }

    /// module `app` (0) → dict (1) → ['k'] → bytes (2); a weak ref 2 → 0.
    fn small() -> String {
        doc(
            r#"{"objects": [100,1,72,2,2,-1, 200,3,232,1,-1,-1, 300,4,1000,0,5,-1],
                "references": [0,1,13,-1, 1,2,2,6, 2,0,14,-1],
                "roots": [0,0,2,0]}"#,
            r#"["", "builtins.module", "app", "builtins.dict", "builtins.bytes", "b'xx'", "'k'"]"#,
        )
    }

    #[test]
    fn loads_a_small_heap() {
        let loaded = load(small().as_bytes()).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let s = &loaded.snapshot;
        let heap = s.heap.as_ref().unwrap();
        assert_eq!((heap.object_count(), heap.reference_count(), heap.total_size_bytes()), (3, 3, 1304));
        assert_eq!(s.str(heap.type_name[2]), "builtins.bytes");
        assert_eq!(heap.address[1], 200);
        let (target, label) = heap.graph.out_refs(1).next().unwrap();
        assert_eq!((target, label.kind(), s.str(label.name())), (2, RefKind::DictValue, "'k'"));
        assert!(!heap.graph.label(2).is_strong());
        assert_eq!(heap.roots, vec![Root { object: 0, kind: RootKind::Module, name: 2, excess: 0 }]);
        assert_eq!(s.process.get("pid"), Some("7"));
        assert_eq!(s.process.get("gc.thresholds"), Some("[700,10,10]"));
    }

    /// The fast path takes well-formed documents and gives exactly what the
    /// serde path gives, warnings included; it declines everything else.
    #[test]
    fn fast_path_agrees_with_serde() {
        let same = |text: &str| {
            let fast = fast::parse(text.as_bytes()).unwrap_or_else(|| panic!("fast path declined {text}"));
            let slow = parse_with_serde(text.as_bytes()).unwrap();
            assert_eq!(format!("{:?}", fast.snapshot), format!("{:?}", slow.snapshot));
            assert_eq!(format!("{:?}", fast.warnings), format!("{:?}", slow.warnings));
        };
        same(&small());
        same(&doc(
            r#"{"objects": [100,1,-5,0,-1,-1, 100,1,8,0,99,-1], "references": [0,1,2,-1, 0,7,2,-1, 5,0,99,-1], "roots": [9,0,-1,0], "x": {"y": [1, "]"]}}"#,
            r#"["", "builtins.int", "a\"b]"]"#,
        ));
        same(&doc(r#"{ "objects" : [ ] , "references":[],"roots":[ 0 ]}"#.replace("[ 0 ]", "[]").as_str(), r#"[""]"#));
        same(
            r#"{"version": 1, "heap": {"objects": [1,0,0,0,0,0]}, "format": "heapscope", "tracemalloc": {"frames": [0, 3], "tracebacks": [[0]], "traces": [0, 10, 0]}, "strings": [""]}"#,
        );
        for declined in [
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2, 1.5, 0, 0, 0]}}"#,
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2]}}"#,
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": [01, 2, 3, 0, 0, 0]}}"#,
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": []}} x"#,
            r#"{"format": "heapscope", "version": 1, "extra": [1,}"#,
            r#"{"format": "other", "version": 1}"#,
            r#"{"snapshot": {}, "nodes": []}"#,
        ] {
            assert!(fast::parse(declined.as_bytes()).is_none(), "{declined}");
        }
    }

    #[test]
    fn gzip_is_transparent() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(small().as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(load(&gz).unwrap().snapshot.heap.unwrap().object_count(), 3);
    }

    #[test]
    fn bad_records_are_warnings() {
        let text = doc(
            r#"{"objects": [100,1,-5,0,-1,-1, 100,1,8,0,99,-1], "references": [0,1,2,-1, 0,7,2,-1, 5,0,99,-1], "roots": [9,0,-1,0]}"#,
            r#"["", "builtins.int"]"#,
        );
        let loaded = load(text.as_bytes()).unwrap();
        let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
        let heap = loaded.snapshot.heap.unwrap();
        assert_eq!(heap.reference_count(), 1);
        assert!(heap.roots.is_empty());
        for expected in [
            "size -5 is not believable; counted as 0 (in heap.objects record 0)",
            "description refers past the end of `strings` (in heap.objects record 1)",
            "address 0x64 is also used by object 0; diffs match the first (in heap.objects record 1)",
            "reference `to` names an object that does not exist (there are 2); reference skipped (in heap.references record 1)",
            "reference `from` names an object that does not exist (there are 2); reference skipped (in heap.references record 2)",
            "unknown reference kind 99; read as internal (in heap.references record 2)",
            "root names object 9, which does not exist; root skipped (in heap.roots record 0)",
        ] {
            assert!(warnings.iter().any(|w| w == expected), "missing {expected:?} in {warnings:#?}");
        }
    }

    #[test]
    fn structural_damage_is_an_error_with_a_location() {
        let text = small();
        let truncated = &text[..text.len() / 2];
        let e = load(truncated.as_bytes()).unwrap_err().to_string();
        assert!(e.starts_with("the file ends too early"), "{e}");
        assert!(e.contains("line "), "{e}");

        let e = load(br#"{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2, "x"]}}"#).unwrap_err().to_string();
        assert!(e.contains("wrong type") && e.contains("column"), "{e}");

        let e = load(br#"{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2]}}"#).unwrap_err().to_string();
        assert!(e.contains("heap.objects ends inside record 0"), "{e}");

        let e = load(br#"{"format": "heapscope", "version": 2}"#).unwrap_err().to_string();
        assert!(e.contains("version 2 is not supported"), "{e}");

        let e = load(br#"{"name": "my-package", "version": "1.0.0"}"#).unwrap_err().to_string();
        assert!(e.contains("wrong type") || e.contains("not a heapscope"), "{e}");

        let e = load(br#"{"name": "my-package"}"#).unwrap_err().to_string();
        assert!(e.contains("not a heapscope snapshot"), "{e}");

        let e = load(br#"{"snapshot": {"meta": {}}, "nodes": []}"#).unwrap_err().to_string();
        assert!(e.contains("V8/Chrome"), "{e}");

        let e = load(b"{\"format\": \"heapscope\", \"strings\": [\"\xff\"]}").unwrap_err().to_string();
        assert!(e.contains("not valid JSON") || e.contains("unicode") || e.contains("UTF-8"), "{e}");
    }
}
