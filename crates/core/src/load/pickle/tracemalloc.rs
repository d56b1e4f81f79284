//! The tracemalloc converter: from the pickle machine's arena (a
//! `tracemalloc.Snapshot` and its `_Traces`) to the model's frames,
//! tracebacks and traces. Both trace layouts are read.

use std::collections::HashMap;

use super::machine::{AllowedClass, Id, Value};
use crate::diagnostic::{LoadError, Location, Warnings};
use crate::load::Loaded;
use crate::model::{Frame, ProcessInfo, Snapshot, SourceFormat, Trace, Tracemalloc, MAX_TOTAL_BYTES};
use crate::strings::{StrId, StringTable};

/// Converts the value `top` of `arena`, which must be a `tracemalloc.Snapshot`.
pub(super) fn convert(arena: &[Value], top: Id) -> Result<Loaded, LoadError> {
    Converter::new(arena).snapshot(top)
}

struct Converter<'a> {
    arena: &'a [Value],
    strings: StringTable,
    str_ids: HashMap<&'a str, StrId>,
    frames: HashMap<(StrId, u32), u32>,
    /// Tracebacks read, by pickle value: the index, or why it was refused
    /// (a memoized bad traceback is refused once, not walked per trace).
    tracebacks: HashMap<Id, Result<u32, String>>,
    t: Tracemalloc,
    warnings: Warnings,
}

fn not_snapshot(what: &str) -> LoadError {
    LoadError::new(format!("this pickle is not a tracemalloc snapshot: {what}"), None)
}

impl<'a> Converter<'a> {
    fn new(arena: &'a [Value]) -> Self {
        let mut strings = StringTable::new();
        strings.push("");
        Converter {
            arena,
            strings,
            str_ids: HashMap::new(),
            frames: HashMap::new(),
            tracebacks: HashMap::new(),
            t: Tracemalloc::default(),
            warnings: Warnings::default(),
        }
    }

    fn get(&self, id: Id) -> &'a Value {
        &self.arena[id as usize]
    }

    /// `state[key]` of an object whose state is a dict (or `(dict, slots)`).
    fn attribute(&self, state: Option<Id>, key: &str) -> Option<Id> {
        let mut dicts: Vec<&'a [(Id, Id)]> = Vec::new();
        match state.map(|s| self.get(s)) {
            Some(Value::Dict(d)) => dicts.push(d),
            Some(Value::Tuple(t)) => {
                for &x in t {
                    if let Value::Dict(d) = self.get(x) {
                        dicts.push(d);
                    }
                }
            }
            _ => {}
        }
        dicts.iter().flat_map(|d| d.iter()).find(|(k, _)| matches!(self.get(*k), Value::Str(s) if &**s == key)).map(|&(_, v)| v)
    }

    fn snapshot(mut self, top: Id) -> Result<Loaded, LoadError> {
        let Value::Object { class: AllowedClass::Snapshot, state } = *self.get(top) else {
            return Err(not_snapshot("its top object is not a tracemalloc.Snapshot"));
        };
        let limit = self.attribute(state, "traceback_limit");
        self.t.traceback_limit = match limit.map(|l| self.get(l)) {
            Some(Value::Int(l)) => u32::try_from(*l).unwrap_or(0),
            _ => {
                self.warnings.push("the snapshot has no integer `traceback_limit`; 0 assumed", None);
                0
            }
        };
        let traces = self.attribute(state, "traces").ok_or_else(|| not_snapshot("the Snapshot has no `traces`"))?;
        let list = match self.get(traces) {
            Value::Object { class: AllowedClass::Traces, state } => {
                self.attribute(*state, "_traces").ok_or_else(|| not_snapshot("`traces` has no `_traces`"))?
            }
            _ => traces,
        };
        let items: &'a [Id] = match self.get(list) {
            Value::List(v) | Value::Tuple(v) => v,
            _ => return Err(not_snapshot("the traces are not a list")),
        };
        for (i, &item) in items.iter().enumerate() {
            if let Err(message) = self.trace(item) {
                self.warnings.push(format!("{message}; trace skipped"), Some(Location::Record { section: "traces", index: i as u64 }));
            }
        }
        if self.t.saturate_sizes() > 0 {
            self.warnings.push(format!("the trace sizes add up past {MAX_TOTAL_BYTES} bytes; totals saturate there"), None);
        }
        let process =
            ProcessInfo { fields: vec![("source".to_string(), "tracemalloc.Snapshot.dump() pickle".to_string())], environment: None };
        let snapshot =
            Snapshot { format: SourceFormat::TracemallocPickle, process, strings: self.strings, heap: None, tracemalloc: Some(self.t) };
        Ok(Loaded::new(snapshot, self.warnings))
    }

    fn int(&self, id: Id, what: &str) -> Result<i64, String> {
        match self.get(id) {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            Value::BigInt => Err(format!("{what} is too large")),
            _ => Err(format!("{what} is not an integer")),
        }
    }

    fn trace(&mut self, id: Id) -> Result<(), String> {
        let Value::Tuple(fields) = self.get(id) else { return Err("the trace is not a tuple".to_string()) };
        if !(3..=4).contains(&fields.len()) {
            return Err(format!("the trace has {} fields; expected 3 or 4", fields.len()));
        }
        let domain = u32::try_from(self.int(fields[0], "the domain")?).map_err(|_| "the domain is out of range".to_string())?;
        let size = self.int(fields[1], "the size")?;
        let size_bytes = u64::try_from(size).ok().filter(|&s| s <= 1 << 48).ok_or_else(|| format!("size {size} is not believable"))?;
        let total_nframe = match fields.get(3).map(|&f| self.get(f)) {
            Some(Value::Int(n)) => u32::try_from(*n).ok(),
            _ => None,
        };
        let traceback = self.traceback(fields[2], total_nframe)?;
        self.t.traces.push(Trace { domain, size_bytes, traceback });
        Ok(())
    }

    fn traceback(&mut self, id: Id, total_nframe: Option<u32>) -> Result<u32, String> {
        if let Some(tb) = self.tracebacks.get(&id) {
            return tb.clone();
        }
        let tb = self.read_traceback(id, total_nframe);
        self.tracebacks.insert(id, tb.clone());
        tb
    }

    fn read_traceback(&mut self, id: Id, total_nframe: Option<u32>) -> Result<u32, String> {
        let (Value::Tuple(frames) | Value::List(frames)) = self.get(id) else { return Err("the traceback is not a tuple".to_string()) };
        let mut indices = Vec::with_capacity(frames.len());
        for &f in frames {
            let (Value::Tuple(pair) | Value::List(pair)) = self.get(f) else {
                return Err("a frame is not a (filename, lineno) tuple".to_string());
            };
            let [file, line] = pair[..] else { return Err("a frame is not a (filename, lineno) pair".to_string()) };
            let Value::Str(name) = self.get(file) else { return Err("a frame's filename is not a string".to_string()) };
            let lineno = u32::try_from(self.int(line, "a line number")?).map_err(|_| "a line number is out of range".to_string())?;
            let filename = match self.str_ids.get(&**name) {
                Some(&s) => s,
                None => {
                    let s = self.strings.push(name);
                    self.str_ids.insert(name, s);
                    s
                }
            };
            let next = self.t.frames.len() as u32;
            let frame = *self.frames.entry((filename, lineno)).or_insert(next);
            if frame == next {
                self.t.frames.push(Frame { filename, lineno });
            }
            indices.push(frame);
        }
        let tb = self.t.tracebacks.len() as u32;
        self.t.tracebacks.push(indices);
        self.t.total_nframe.push(total_nframe);
        Ok(tb)
    }
}
