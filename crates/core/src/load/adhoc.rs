//! Reader for the ad-hoc dumps people write by hand: a JSON array of
//! `{"id": …, "type": "…", "size": …, "referents": [ids], "repr": "…"}`.
//!
//! `id` is an integer (used as the address) or a string; `repr` is
//! optional. The roots are the objects no other object refers to. A record
//! with a problem is a warning: a missing or duplicate id skips the record,
//! a bad size counts as 0, unknown referents are dropped.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;

use crate::diagnostic::{LoadError, Location, Warnings};
use crate::graph::{EdgeLabel, Graph, ObjIdx};
use crate::load::Loaded;
use crate::model::{Heap, ProcessInfo, RefKind, Root, RootKind, Snapshot, SourceFormat};
use crate::strings::{StrId, StringTable, NO_STRING};

const MAX_SANE_SIZE_BYTES: u64 = 1 << 48;
/// Descriptions are capped like the exporter's.
const MAX_DESCRIPTION_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Int(u64),
    Str(String),
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Int(i) => write!(f, "{i}"),
            Key::Str(s) => write!(f, "{s:?}"),
        }
    }
}

fn key(v: &Value) -> Option<Key> {
    match v {
        Value::Number(n) => n.as_u64().map(Key::Int),
        Value::String(s) => Some(Key::Str(s.clone())),
        _ => None,
    }
}

#[derive(Default)]
struct Builder {
    keys: HashMap<Key, ObjIdx>,
    address: Vec<u64>,
    type_name: Vec<StrId>,
    size_bytes: Vec<u64>,
    description: Vec<StrId>,
    /// Referent keys per object, resolved once every id is known.
    referents: Vec<Vec<Key>>,
    strings: StringTable,
    type_ids: HashMap<String, StrId>,
    warnings: Warnings,
}

impl Builder {
    fn record(&mut self, index: u64, value: Value) {
        let at = || Some(Location::Record { section: "objects", index });
        let Value::Object(mut fields) = value else {
            self.warnings.push("the record is not a JSON object; skipped", at());
            return;
        };
        let Some(id) = fields.get("id").and_then(key) else {
            let why = if fields.contains_key("id") { "`id` is not a non-negative integer or a string" } else { "the record has no `id`" };
            self.warnings.push(format!("{why}; skipped"), at());
            return;
        };
        if let Some(&first) = self.keys.get(&id) {
            self.warnings.push(format!("duplicate id {id} (first used by record {first}); skipped"), at());
            return;
        }
        if self.address.len() >= (u32::MAX - 2) as usize {
            self.warnings.push("too many objects; the rest are skipped", at());
            return;
        }
        let type_name = match fields.get("type") {
            Some(Value::String(t)) => t.clone(),
            other => {
                let why = if other.is_some() { "`type` is not a string" } else { "the record has no `type`" };
                self.warnings.push(format!("{why}; read as \"?\""), at());
                "?".to_string()
            }
        };
        let size_bytes = match fields.get("size") {
            Some(Value::Number(n)) if n.as_u64().is_some_and(|s| s <= MAX_SANE_SIZE_BYTES) => n.as_u64().unwrap_or(0),
            None => 0,
            Some(other) => {
                self.warnings.push(format!("`size` {other} is not a believable byte count; counted as 0"), at());
                0
            }
        };
        let mut referents = Vec::new();
        match fields.remove("referents") {
            Some(Value::Array(items)) => {
                let mut bad = 0;
                for item in &items {
                    match key(item) {
                        Some(k) => referents.push(k),
                        None => bad += 1,
                    }
                }
                if bad > 0 {
                    self.warnings.push(format!("{bad} entries of `referents` are not ids; dropped"), at());
                }
            }
            None | Some(Value::Null) => {}
            Some(_) => self.warnings.push("`referents` is not an array; ignored", at()),
        }
        let description = match fields.get("repr") {
            Some(Value::String(r)) => self.strings.push(&r.chars().take(MAX_DESCRIPTION_CHARS).collect::<String>()),
            None | Some(Value::Null) => NO_STRING,
            Some(_) => {
                self.warnings.push("`repr` is not a string; ignored", at());
                NO_STRING
            }
        };
        let type_id = match self.type_ids.get(&type_name) {
            Some(&t) => t,
            None => {
                let t = self.strings.push(&type_name);
                self.type_ids.insert(type_name, t);
                t
            }
        };
        let object = self.address.len() as ObjIdx;
        self.address.push(match &id {
            Key::Int(i) => *i,
            Key::Str(_) => object as u64,
        });
        self.keys.insert(id, object);
        self.type_name.push(type_id);
        self.size_bytes.push(size_bytes);
        self.description.push(description);
        self.referents.push(referents);
        if self.strings.byte_len() > u32::MAX as usize / 2 {
            self.warnings.push("the names exceed 2 GiB; the rest are skipped", at());
        }
    }

    fn finish(mut self) -> Loaded {
        let n = self.address.len();
        let (mut from, mut to) = (Vec::new(), Vec::new());
        for (i, refs) in std::mem::take(&mut self.referents).into_iter().enumerate() {
            let mut unknown = 0;
            let mut first_unknown = None;
            for k in refs {
                match self.keys.get(&k) {
                    Some(&t) => {
                        from.push(i as ObjIdx);
                        to.push(t);
                    }
                    None => {
                        unknown += 1;
                        first_unknown.get_or_insert(k);
                    }
                }
            }
            if let Some(k) = first_unknown {
                self.warnings.push(
                    format!("{unknown} referents name ids that no record has (first: {k}); dropped"),
                    Some(Location::Record { section: "objects", index: i as u64 }),
                );
            }
        }
        let labels = vec![EdgeLabel::new(RefKind::Internal, NO_STRING); from.len()];
        let graph = Graph::from_edges(n, from, to, labels);
        let roots: Vec<Root> = (0..n as ObjIdx)
            .filter(|&o| graph.predecessors(o).is_empty())
            .map(|object| Root { object, kind: RootKind::Native, name: NO_STRING, excess: 0 })
            .collect();
        if n == 0 {
            self.warnings.push("the array holds no objects", None);
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
        let process = ProcessInfo { fields: vec![("source".to_string(), "JSON object list".to_string())] };
        let snapshot = Snapshot { format: SourceFormat::AdHocJson, process, strings: self.strings, heap: Some(heap), tracemalloc: None };
        Loaded { snapshot, warnings: self.warnings.into_vec() }
    }
}

struct Records<'a>(&'a mut Builder);

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0u64;
        while let Some(value) = seq.next_element::<Value>()? {
            self.0.record(index, value);
            index += 1;
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

pub(crate) fn parse(bytes: &[u8]) -> Result<Loaded, LoadError> {
    let mut builder = Builder::default();
    builder.strings.push("");
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = Records(&mut builder).deserialize(&mut de).and_then(|()| de.end());
    if let Err(e) = parsed {
        let LoadError(mut d) = super::v1::json_error(&e);
        d.message = format!("{} (in the JSON object list)", d.message);
        return Err(LoadError(d));
    }
    Ok(builder.finish())
}
