//! Reader for the ad-hoc dumps people write by hand: a JSON array of
//! `{"id": …, "type": "…", "size": …, "referents": [ids], "repr": "…"}`.
//!
//! `id` is an integer (used as the address) or a string (its address is
//! derived from the text, so that the same id has the same address in
//! every file and `diff`/`growth` match it; see [`string_id_address`]);
//! `repr` is optional. The roots are the objects no other object refers to. A record
//! with a problem is a warning: a missing or duplicate id skips the record,
//! a bad size counts as 0, unknown referents are dropped.
//!
//! Memory stays within the v1 reader's budget per reference: the document is
//! streamed twice through visitors (no `serde_json::Value`, no list of
//! referent ids). The first pass reads ids, types, sizes and descriptions;
//! the second resolves each referent as it streams by into the edge columns
//! (4 + 4 + 4 bytes per reference, as v1's raw columns) that become the CSR.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::diagnostic::{LoadError, Location, Warnings};
use crate::graph::{EdgeLabel, Graph, ObjIdx};
use crate::load::Loaded;
use crate::model::{saturate_sizes, Heap, ProcessInfo, RefKind, Root, RootKind, Snapshot, SourceFormat, MAX_TOTAL_BYTES};
use crate::strings::{StrId, StringTable, NO_STRING};

const MAX_SANE_SIZE_BYTES: u64 = 1 << 48;
/// Descriptions are capped like the exporter's.
const MAX_DESCRIPTION_CHARS: usize = 80;
/// References past this are dropped: the graph indexes them with `u32`.
const MAX_REFERENCES: usize = u32::MAX as usize - 1;
/// No object index: the record was skipped.
const SKIPPED: ObjIdx = ObjIdx::MAX;

pub(crate) fn parse(bytes: &[u8]) -> Result<Loaded, LoadError> {
    let mut builder = Builder::default();
    builder.strings.push("");
    run_pass(bytes, &mut builder, Pass::Records)?;
    if builder.address.is_empty() && !builder.object_of_record.is_empty() {
        return Err(no_usable_record(&builder));
    }
    let edges = usize::try_from(builder.referent_count).unwrap_or(usize::MAX).min(u32::MAX as usize);
    if builder.from.try_reserve_exact(edges).is_err() || builder.to.try_reserve_exact(edges).is_err() {
        return Err(LoadError::new(format!("not enough memory for {edges} references"), None));
    }
    run_pass(bytes, &mut builder, Pass::References)?;
    // The graph, and a label per reference.
    let labels = builder.from.len() as u64 * std::mem::size_of::<crate::graph::EdgeLabel>() as u64;
    if let Some(refusal) = super::graph_memory_refusal(builder.address.len(), builder.from.len(), labels) {
        return Err(refusal);
    }
    Ok(builder.finish())
}

/// Every record was skipped: an array of something else (numbers, arrays,
/// objects without `id`) is not an ad-hoc snapshot, and an empty heap with
/// warnings would hide that.
fn no_usable_record(builder: &Builder) -> LoadError {
    let records = builder.object_of_record.len();
    let first = builder.warnings.kept.first();
    let why = first.map_or("", |d| d.message.trim_end_matches("; skipped"));
    let message = format!(
        "not a heap snapshot: none of the {records} record(s) of this JSON array is an object with an `id` (first: {why}); \
         an ad-hoc snapshot is a list of {{\"id\": …, \"type\": …, \"size\": …, \"referents\": […]}}"
    );
    LoadError::new(message, first.and_then(|d| d.location.clone()))
}

fn run_pass(bytes: &[u8], builder: &mut Builder, pass: Pass) -> Result<(), LoadError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = Records { builder, pass }.deserialize(&mut de).and_then(|()| de.end());
    parsed.map_err(|e| {
        let LoadError(mut d) = super::v1::json_error(&e, bytes);
        d.message = format!("{} (in the JSON object list)", d.message);
        LoadError(d)
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Ids, types, sizes, descriptions; referents are only checked.
    Records,
    /// Referents, resolved into edges.
    References,
}

/// A scalar field's value, or what kind of thing stood there instead.
#[derive(Debug)]
enum Scalar {
    UInt(u64),
    /// Any other number, as it reads.
    OtherNumber(String),
    Str(String),
    Null,
    Other(&'static str),
}

impl Scalar {
    fn shown(&self) -> String {
        match self {
            Scalar::UInt(u) => u.to_string(),
            Scalar::OtherNumber(n) => n.clone(),
            Scalar::Str(s) => format!("{s:?}"),
            Scalar::Null => "null".to_string(),
            Scalar::Other(what) => what.to_string(),
        }
    }
}

struct ScalarSeed;

impl<'de> DeserializeSeed<'de> for ScalarSeed {
    type Value = Scalar;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScalarSeed {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other("a boolean"))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::UInt(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(if v >= 0 { Scalar::UInt(v as u64) } else { Scalar::OtherNumber(v.to_string()) })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::OtherNumber(serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string())))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an object"))
    }
}

#[derive(Default)]
struct Builder {
    int_ids: HashMap<u64, ObjIdx>,
    str_ids: HashMap<Box<str>, ObjIdx>,
    /// Object index of each record (or [`SKIPPED`]), from the first pass.
    object_of_record: Vec<ObjIdx>,
    address: Vec<u64>,
    type_name: Vec<StrId>,
    size_bytes: Vec<u64>,
    description: Vec<StrId>,
    from: Vec<ObjIdx>,
    to: Vec<ObjIdx>,
    strings: StringTable,
    type_ids: HashMap<String, StrId>,
    warnings: Warnings,
    names_full: bool,
    /// Referent ids seen in the first pass: the edge columns are reserved
    /// exactly once (no doubling growth).
    referent_count: u64,
    dropped_references: u64,
}

/// The fields of one record read in the first pass.
#[derive(Default)]
struct Fields {
    id: Option<Scalar>,
    type_name: Option<Scalar>,
    size: Option<Scalar>,
    repr: Option<Scalar>,
    /// `referents` was there: `Some((ids, bad entries))` for an array, `None` otherwise.
    referents: Option<Option<(u64, u64)>>,
}

impl Builder {
    fn lookup(&self, key: &Scalar) -> Option<ObjIdx> {
        match key {
            Scalar::UInt(i) => self.int_ids.get(i).copied(),
            Scalar::Str(s) => self.str_ids.get(s.as_str()).copied(),
            _ => None,
        }
    }

    fn record(&mut self, index: u64, fields: Option<Fields>) {
        let at = || Some(Location::Record { section: "objects", index });
        let Some(fields) = fields else {
            self.object_of_record.push(SKIPPED);
            self.warnings.push("the record is not a JSON object; skipped", at());
            return;
        };
        let id = match fields.id {
            Some(k @ (Scalar::UInt(_) | Scalar::Str(_))) => k,
            other => {
                let why = if other.is_some() { "`id` is not a non-negative integer or a string" } else { "the record has no `id`" };
                self.object_of_record.push(SKIPPED);
                self.warnings.push(format!("{why}; skipped"), at());
                return;
            }
        };
        if let Some(first) = self.lookup(&id) {
            self.object_of_record.push(SKIPPED);
            self.warnings.push(format!("duplicate id {} (first used by record {first}); skipped", id.shown()), at());
            return;
        }
        if self.address.len() >= (u32::MAX - 2) as usize {
            self.object_of_record.push(SKIPPED);
            self.warnings.push("too many objects; the rest are skipped", at());
            return;
        }
        let type_name = match fields.type_name {
            Some(Scalar::Str(t)) => t,
            other => {
                let why = if other.is_some() { "`type` is not a string" } else { "the record has no `type`" };
                self.warnings.push(format!("{why}; read as \"?\""), at());
                "?".to_string()
            }
        };
        let size_bytes = match fields.size {
            Some(Scalar::UInt(s)) if s <= MAX_SANE_SIZE_BYTES => s,
            None => 0,
            Some(other) => {
                self.warnings.push(format!("`size` {} is not a believable byte count; counted as 0", other.shown()), at());
                0
            }
        };
        match fields.referents {
            Some(Some((_, bad))) if bad > 0 => self.warnings.push(format!("{bad} entries of `referents` are not ids; dropped"), at()),
            Some(None) => self.warnings.push("`referents` is not an array; ignored", at()),
            _ => {}
        }
        let description = match fields.repr {
            Some(Scalar::Str(r)) if !self.names_full => self.strings.push(&r.chars().take(MAX_DESCRIPTION_CHARS).collect::<String>()),
            Some(Scalar::Str(_)) | None | Some(Scalar::Null) => NO_STRING,
            Some(_) => {
                self.warnings.push("`repr` is not a string; ignored", at());
                NO_STRING
            }
        };
        let type_id = match self.type_ids.get(&type_name) {
            Some(&t) => t,
            None if self.names_full => 0,
            None => {
                let t = self.strings.push(&type_name);
                self.type_ids.insert(type_name, t);
                t
            }
        };
        if let Some(Some((ids, _))) = fields.referents {
            self.referent_count = self.referent_count.saturating_add(ids);
        }
        let object = self.address.len() as ObjIdx;
        self.object_of_record.push(object);
        match id {
            Scalar::UInt(i) => {
                self.address.push(i);
                self.int_ids.insert(i, object);
            }
            Scalar::Str(s) => {
                self.address.push(string_id_address(&s));
                self.str_ids.insert(s.into_boxed_str(), object);
            }
            _ => unreachable!("ids are integers or strings (checked above)"),
        }
        self.type_name.push(type_id);
        self.size_bytes.push(size_bytes);
        self.description.push(description);
        if !self.names_full && self.strings.byte_len() > u32::MAX as usize / 2 {
            self.names_full = true;
            self.warnings.push("the names exceed 2 GiB; later types and descriptions are left out", at());
        }
    }

    fn finish(mut self) -> Loaded {
        let n = self.address.len();
        if self.dropped_references > 0 {
            self.warnings.push(format!("more than {MAX_REFERENCES} references; the last {} were dropped", self.dropped_references), None);
        }
        let labels = vec![EdgeLabel::new(RefKind::Internal, NO_STRING); self.from.len()];
        let graph = Graph::from_edges(n, std::mem::take(&mut self.from), std::mem::take(&mut self.to), labels);
        let roots: Vec<Root> = (0..n as ObjIdx)
            .filter(|&o| graph.predecessors(o).is_empty())
            .map(|object| Root { object, kind: RootKind::Native, name: NO_STRING, excess: 0 })
            .collect();
        if n == 0 {
            self.warnings.push("the array holds no objects", None);
        }
        if saturate_sizes(&mut self.size_bytes) > 0 {
            self.warnings.push(format!("the object sizes add up past {MAX_TOTAL_BYTES} bytes; totals saturate there"), None);
        }
        let heap = Heap {
            flags: vec![0; n],
            traceback: vec![u32::MAX; n],
            address: self.address,
            type_name: self.type_name,
            size_bytes: self.size_bytes,
            description: self.description,
            graph,
            roots,
        };
        let process = ProcessInfo { fields: vec![("source".to_string(), "JSON object list".to_string())], environment: None };
        let snapshot = Snapshot { format: SourceFormat::AdHocJson, process, strings: self.strings, heap: Some(heap), tracemalloc: None };
        Loaded::new(snapshot, self.warnings)
    }
}

struct Records<'a> {
    builder: &'a mut Builder,
    pass: Pass,
}

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0u64;
        match self.pass {
            Pass::Records => {
                while let Some(fields) = seq.next_element_seed(RecordSeed)? {
                    self.builder.record(index, fields);
                    index += 1;
                }
            }
            Pass::References => {
                while seq.next_element_seed(EdgesSeed { builder: &mut *self.builder, record: index })?.is_some() {
                    index += 1;
                }
            }
        }
        Ok(())
    }
}

/// First pass: one record's fields, or `None` when it is not an object.
struct RecordSeed;

impl<'de> DeserializeSeed<'de> for RecordSeed {
    type Value = Option<Fields>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed {
    type Value = Option<Fields>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object record")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Fields::default();
        // A key given twice would be read one way here and another in the
        // second pass (which adds every `referents` list): refused, as
        // the v1 reader refuses a repeated key.
        fn put<T, E: de::Error>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), E> {
            if slot.is_some() {
                return Err(E::custom(format!("a record names `{name}` twice")));
            }
            *slot = Some(value);
            Ok(())
        }
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Id => put(&mut fields.id, "id", map.next_value_seed(ScalarSeed)?)?,
                Key::Type => put(&mut fields.type_name, "type", map.next_value_seed(ScalarSeed)?)?,
                Key::Size => put(&mut fields.size, "size", map.next_value_seed(ScalarSeed)?)?,
                Key::Repr => put(&mut fields.repr, "repr", map.next_value_seed(ScalarSeed)?)?,
                Key::Referents => put(&mut fields.referents, "referents", map.next_value_seed(ReferentsSeed(None))?)?,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(fields))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Second pass: the record's referents, resolved into edges from its object.
struct EdgesSeed<'a> {
    builder: &'a mut Builder,
    record: u64,
}

impl<'de> DeserializeSeed<'de> for EdgesSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EdgesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object record")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let object = self.builder.object_of_record.get(self.record as usize).copied().unwrap_or(SKIPPED);
        while let Some(key) = map.next_key::<Key>()? {
            if key == Key::Referents && object != SKIPPED {
                let mut sink = EdgeSink { builder: &mut *self.builder, from: object, unknown: 0, first_unknown: None };
                map.next_value_seed(ReferentsSeed(Some(&mut sink)))?;
                if let Some(first) = sink.first_unknown {
                    let unknown = sink.unknown;
                    self.builder.warnings.push(
                        format!("{unknown} referents name ids that no record has (first: {first}); dropped"),
                        Some(Location::Record { section: "objects", index: self.record }),
                    );
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Where the second pass puts the referents of one object.
struct EdgeSink<'a> {
    builder: &'a mut Builder,
    from: ObjIdx,
    unknown: u64,
    first_unknown: Option<String>,
}

impl EdgeSink<'_> {
    fn push(&mut self, key: &Scalar) {
        match self.builder.lookup(key) {
            // Edge indices are u32: past that, references are dropped (and counted).
            Some(_) if self.builder.from.len() >= MAX_REFERENCES => self.builder.dropped_references += 1,
            Some(to) => {
                self.builder.from.push(self.from);
                self.builder.to.push(to);
            }
            None => {
                self.unknown += 1;
                if self.first_unknown.is_none() {
                    self.first_unknown = Some(key.shown());
                }
            }
        }
    }
}

/// The `referents` value. Without a sink (first pass) it counts the entries
/// that are not ids: `Some(bad)` for an array, `None` for anything else.
struct ReferentsSeed<'s, 'a>(Option<&'s mut EdgeSink<'a>>);

impl<'de> DeserializeSeed<'de> for ReferentsSeed<'_, '_> {
    type Value = Option<(u64, u64)>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ReferentsSeed<'_, '_> {
    type Value = Option<(u64, u64)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of ids")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Self::Value, A::Error> {
        let (mut ids, mut bad) = (0, 0);
        while let Some(item) = seq.next_element_seed(ScalarSeed)? {
            match (&item, self.0.as_mut()) {
                (Scalar::UInt(_) | Scalar::Str(_), Some(sink)) => sink.push(&item),
                (Scalar::UInt(_) | Scalar::Str(_), None) => ids += 1,
                _ => bad += 1,
            }
        }
        Ok(Some((ids, bad)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Some((0, 0)))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Some((0, 0)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// The record keys this reader knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Id,
    Type,
    Size,
    Repr,
    Referents,
    Other,
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "id" => Key::Id,
                    "type" => Key::Type,
                    "size" => Key::Size,
                    "repr" => Key::Repr,
                    "referents" => Key::Referents,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// The address of an object whose id is a string: the id's 64-bit FNV-1a
/// hash with the top bit set (integer ids, real addresses, stay below it),
/// the same in every file, where the record's position would differ.
pub(crate) fn string_id_address(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h | 1 << 63
}
