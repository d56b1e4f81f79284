//! Reader for heapscope format v1 (docs/format.md).
//!
//! The document is streamed through serde_json with hand-written visitors, so
//! the flat record arrays go straight into the model's columns: no
//! `Vec<serde_json::Value>`, no per-record allocation. Keys may come in any
//! order: `meta` is normally written first; when a section comes before it,
//! `meta` is looked up ahead first (a skipping scan, no buffering), so the
//! field lists always apply. Without `meta`, the current exporter's field
//! lists are assumed.
//!
//! The code is split along its seams: this file is the entry (fast path,
//! then serde path, and error wording), [`visit`] holds the serde visitors
//! and record sinks, [`build`] validates the raw columns into the model.
//!
//! Well-formed documents take a fast path first ([`fast`]): the flat integer
//! arrays are parsed by a tight hand-written loop into the same record sinks;
//! anything unexpected sends the whole document through serde, which gives
//! the error with its line and column.

use serde::de;
use serde::Deserialize;

use crate::diagnostic::{LoadError, Location, Warnings};
use crate::load::Loaded;
use crate::model::{ProcessInfo, RefKind, RootKind, Tracemalloc};
use crate::strings::StringTable;

/// Shallow sizes above this (256 TiB) are not believed.
const MAX_SANE_SIZE_BYTES: i64 = 1 << 48;
/// Records wider than this are refused (the format's widest has 6 fields).
const MAX_RECORD_WIDTH: usize = 64;

mod build;
mod exporter_errors;
mod fast;
mod object_flags;
mod visit;

use build::RawHeap;
use visit::DocumentVisitor;

pub(crate) fn parse(bytes: &[u8]) -> Result<Loaded, LoadError> {
    if let Some(done) = fast::parse_or_refuse(bytes) {
        return done;
    }
    parse_with_serde(bytes)
}

/// Parses the plain text `reader` yields as it is read (see
/// [`fast::parse_stream`]); `None`: read the whole text and [`parse`] it.
#[cfg(test)]
pub(crate) fn parse_stream<'s>(reader: &mut dyn std::io::Read, ahead: &dyn Fn() -> Option<Box<dyn std::io::Read + 's>>) -> Option<Loaded> {
    fast::parse_stream(reader, ahead)
}

/// [`parse_stream`], or the refusal of a heap too large for the memory left.
pub(crate) fn parse_stream_or_refuse<'s>(
    reader: &mut dyn std::io::Read,
    ahead: &dyn Fn() -> Option<Box<dyn std::io::Read + 's>>,
) -> Option<Result<Loaded, LoadError>> {
    fast::parse_stream_or_refuse(reader, ahead)
}

/// The reference reader: every document goes through it when the fast path
/// declines, and every error comes from it. `meta` is read first in a pass
/// that stops as soon as it has it, so sections before it use the right
/// field lists.
fn parse_with_serde(bytes: &[u8]) -> Result<Loaded, LoadError> {
    let mut doc = Document { meta: visit::meta_ahead(bytes).unwrap_or_default(), ..Document::default() };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = de::Deserializer::deserialize_map(&mut de, DocumentVisitor(&mut doc)).and_then(|()| de.end());
    if let Err(e) = parsed {
        // A "not heapscope" verdict reached early beats the JSON error it caused.
        if let Some(err) = doc.fatal.take() {
            return Err(err);
        }
        return Err(json_error(&e, bytes));
    }
    doc.finish()
}

/// [`parse_with_serde`] over a stream that `open` starts again from byte 0
/// (for `meta` ahead, the main pass, and the text an error points at): for
/// documents too large to read whole that the fast path declined. The same
/// visitors, so the same result and the same messages, in bounded memory
/// (serde_json's stream reader may put an error's column one byte later:
/// after the byte it peeked).
/// `None` when the stream itself fails (a read error, corrupt gzip, the
/// size cap): the whole-file path words those.
pub(crate) fn parse_with_serde_stream<'s>(open: &dyn Fn() -> Option<Box<dyn std::io::Read + 's>>) -> Option<Result<Loaded, LoadError>> {
    const BUFFER: usize = 1 << 20;
    let mut doc = Document::default();
    let ahead = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(BUFFER, open()?));
    doc.meta = visit::meta_from(&mut { ahead }).unwrap_or_default();
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(BUFFER, open()?));
    let parsed = de::Deserializer::deserialize_map(&mut de, DocumentVisitor(&mut doc)).and_then(|()| de.end());
    if let Err(e) = parsed {
        if let Some(err) = doc.fatal.take() {
            return Some(Err(err));
        }
        if e.classify() == serde_json::error::Category::Io {
            return None;
        }
        let (before, next) = text_before(open()?, e.line(), e.column());
        // serde_json's stream reader may count the byte it peeked after a number.
        let big = big_integer_in(&before, before.len(), next)
            .or_else(|| before.len().checked_sub(1).and_then(|end| big_integer_in(&before, end, before.get(end).copied())));
        return Some(Err(json_error_with(&e, big)));
    }
    Some(doc.finish())
}

/// Up to 64 bytes of the text that end at (1-based) `line`, `column`, and
/// the byte after them: what [`big_integer_in`] looks at, read in one pass
/// holding only those bytes (a document may be one line of gigabytes).
fn text_before(reader: Box<dyn std::io::Read + '_>, line: usize, column: usize) -> (Vec<u8>, Option<u8>) {
    use std::io::Read;
    let (mut at_line, mut at_column) = (1usize, 0usize);
    let mut window: std::collections::VecDeque<u8> = std::collections::VecDeque::with_capacity(64);
    for byte in std::io::BufReader::with_capacity(1 << 20, reader).bytes() {
        let Ok(b) = byte else { break };
        if at_line == line && at_column == column {
            return (window.into(), Some(b));
        }
        if b == b'\n' {
            at_line += 1;
            at_column = 0;
            window.clear();
            if at_line > line {
                break;
            }
            continue;
        }
        if at_line == line {
            at_column += 1;
            if window.len() == 64 {
                window.pop_front();
            }
            window.push_back(b);
        }
    }
    (window.into(), None)
}

/// A serde_json error in our words, with its line and column. `bytes` is
/// the document, to tell an integer too large for 64 bits from a float.
pub(crate) fn json_error(e: &serde_json::Error, bytes: &[u8]) -> LoadError {
    json_error_with(e, big_integer_at(bytes, e.line(), e.column()))
}

/// [`json_error`] once the integer literal the error points at (if it is
/// one too large for 64 bits) has been found.
fn json_error_with(e: &serde_json::Error, big_integer: Option<&str>) -> LoadError {
    use serde_json::error::Category;
    let at = Some(Location::LineColumn { line: e.line(), column: e.column() });
    if let Some(number) = big_integer {
        let shown: String = number.chars().take(40).collect();
        return LoadError::new(format!("integer too large: {shown} is outside the signed 64-bit range (−2^63 to 2^63 − 1)"), at);
    }
    let what = match e.classify() {
        Category::Eof => "the file ends too early (truncated?)".to_string(),
        Category::Syntax => "the file is not valid JSON".to_string(),
        Category::Data => "a value has the wrong type".to_string(),
        Category::Io => "read error".to_string(),
    };
    // serde_json appends " at line L column C" to its message; we say it ourselves.
    let detail = e.to_string();
    let detail = detail.split(" at line ").next().unwrap_or("").to_string();
    // serde's own words about a value take the heading; the readers' own
    // messages (a field list in `meta`, a ragged array) say what is wrong
    // themselves.
    const SERDE: [&str; 7] =
        ["invalid type", "invalid value", "invalid length", "missing field", "unknown field", "duplicate field", "unknown variant"];
    if e.classify() == Category::Data && !SERDE.iter().any(|s| detail.starts_with(s)) {
        return LoadError::new(detail, at);
    }
    LoadError::new(format!("{what}: {detail}"), at)
}

/// The integer literal that ends at (1-based) `line`, `column` when it does
/// not fit in an `i64` (serde_json reads those as floats or out-of-range
/// values and reports the position of their last digit).
fn big_integer_at(bytes: &[u8], line: usize, column: usize) -> Option<&str> {
    let mut line_start = 0;
    if line > 1 {
        let mut seen = 1;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == line {
                    line_start = i + 1;
                    break;
                }
            }
        }
        if seen != line {
            return None;
        }
    }
    let end = (line_start + column).min(bytes.len());
    big_integer_in(&bytes[line_start..], end - line_start, bytes.get(end).copied())
}

/// The integer literal that ends at `end` in `bytes` (followed by `next`)
/// when it does not fit in an `i64`.
fn big_integer_in(bytes: &[u8], end: usize, next: Option<u8>) -> Option<&str> {
    let start = bytes[..end].iter().rposition(|&b| !(b.is_ascii_digit() || b == b'-')).map_or(0, |i| i + 1);
    let token = std::str::from_utf8(&bytes[start..end]).ok()?;
    let digits = token.strip_prefix('-').unwrap_or(token);
    let is_integer = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && !matches!(next, Some(b'.' | b'e' | b'E'));
    (is_integer && token.parse::<i64>().is_err()).then_some(token)
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
    /// What the exporter caught while writing (`exporter_errors::warning`).
    exporter_errors: Option<serde_json::Value>,
    /// Each flag's bit (`object_flags::FlagBits`); `None`: the standard bits.
    object_flags: Option<serde_json::Value>,
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
            exporter_errors: None,
            object_flags: None,
        }
    }
}

/// The fields that may be stored delta-encoded, as `<name>_delta`: each
/// record holds its value minus the previous record's (the first record's
/// minus 0). A reader that does not know the `_delta` form finds no `<name>`
/// field and refuses the file (both are required), so it never misreads one.
const DELTA_FIELDS: [&str; 2] = ["address", "from"];

/// Positions of named fields in a record; `None` when a field is absent.
struct Layout<const N: usize> {
    width: usize,
    at: [Option<usize>; N],
    /// The field is stored as `<name>_delta` (see [`DELTA_FIELDS`]).
    delta: [bool; N],
}

impl<const N: usize> Layout<N> {
    fn new<E: de::Error>(section: &str, fields: &[String], names: [&str; N], required: usize) -> Result<Self, E> {
        if fields.is_empty() || fields.len() > MAX_RECORD_WIDTH {
            return Err(E::custom(format!("meta lists {} fields for {section}; expected 1 to {MAX_RECORD_WIDTH}", fields.len())));
        }
        // A field named twice would be read from one place and its other
        // column ignored: refuse rather than guess which one is meant.
        if let Some((i, f)) = fields.iter().enumerate().find(|(i, f)| fields[..*i].contains(f)) {
            return Err(E::custom(format!("meta's field list for {section} names `{f}` twice (again at position {i})")));
        }
        let mut at = names.map(|n| fields.iter().position(|f| f == n));
        let mut delta = [false; N];
        for (k, n) in names.iter().enumerate() {
            if !DELTA_FIELDS.contains(n) {
                continue;
            }
            let d = fields.iter().position(|f| f.strip_suffix("_delta") == Some(n));
            match (at[k], d) {
                (Some(_), Some(_)) => {
                    return Err(E::custom(format!("meta's field list for {section} has both `{n}` and `{n}_delta`")));
                }
                (None, Some(d)) => {
                    at[k] = Some(d);
                    delta[k] = true;
                }
                _ => {}
            }
        }
        if let Some(missing) = names[..required].iter().zip(&at).find(|(_, a)| a.is_none()) {
            return Err(E::custom(format!("meta's field list for {section} lacks the required field `{}`", missing.0)));
        }
        Ok(Layout { width: fields.len(), at, delta })
    }

    /// Whether the record holds exactly the first `k` fields, each at its
    /// own place (the layouts writers use): the sinks then read them at
    /// fixed offsets.
    fn in_place(&self, k: usize) -> bool {
        self.width == k && (0..N).all(|i| self.at[i] == (i < k).then_some(i))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load, InPieces};
    use crate::model::Root;

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
    /// The fast path, read whole, in pieces of any size and with its flat
    /// arrays cut among 1–4 threads, gives `slow`, warnings included.
    fn agrees_with(text: &str, slow: Loaded) {
        let fast = fast::parse(text.as_bytes()).unwrap_or_else(|| panic!("fast path declined {text}"));
        assert_eq!(format!("{:?}", fast.snapshot), format!("{:?}", slow.snapshot));
        assert_eq!(format!("{:?}", fast.warnings), format!("{:?}", slow.warnings));
        // Read in pieces of any size (a window never holds a whole token): the same result.
        for k in [1, 2, 3, 5, 7, 64] {
            let bytes = text.as_bytes();
            let streamed = fast::parse_stream(&mut InPieces { bytes, piece: k }, &|| Some(Box::new(InPieces { bytes, piece: k })))
                .unwrap_or_else(|| panic!("fast path declined {text} read {k} bytes at a time"));
            assert_eq!(format!("{:?}", streamed.snapshot), format!("{:?}", slow.snapshot), "pieces of {k}");
            assert_eq!(format!("{:?}", streamed.warnings), format!("{:?}", slow.warnings), "pieces of {k}");
        }
        // The flat arrays in pieces of any size, by 1–4 threads: the same result.
        for (read, size, threads) in [(1, 1, 1), (3, 2, 2), (7, 5, 3), (64, 3, 4), (1000, 1, 2)] {
            let threaded = fast::parse_threaded(text.as_bytes(), read, size, threads)
                .unwrap_or_else(|| panic!("fast path declined {text} in pieces of {size} by {threads}"));
            assert_eq!(format!("{:?}", threaded.snapshot), format!("{:?}", slow.snapshot), "{size} by {threads}");
            assert_eq!(format!("{:?}", threaded.warnings), format!("{:?}", slow.warnings), "{size} by {threads}");
        }
    }

    /// The fast path hands records to the sinks in batches (thousands of
    /// values); records needing a warning (a negative address, a size past
    /// belief, an unknown reference kind) scattered over several batches
    /// give the same columns and the same warnings, in record order, as the
    /// serde path's one record at a time.
    #[test]
    fn warnings_of_batched_records_come_in_record_order() {
        let n = 6_000i64;
        let (mut objects, mut references, mut reordered) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            let address = if i % 997 == 5 { -i } else { 0x1000 + 16 * i };
            let size = match i % 1499 {
                5 => -3,
                7 => 1i64 << 50,
                _ => 32,
            };
            objects.push(format!("{address},1,{size},0,-1,-1"));
            let kind = if i % 1301 == 5 { 99 } else { 1 };
            references.push(format!("{i},{},{kind},-1", (i * 7) % n));
            reordered.push(format!("-1,{kind},{},{i}", (i * 7) % n));
        }
        let heap = |references: &[String]| {
            format!(r#"{{"objects": [{}], "references": [{}], "roots": [0,0,-1,0]}}"#, objects.join(","), references.join(","))
        };
        // The layout every writer uses (read at fixed places), and the
        // references' fields in another order (read through the layout).
        let standard = doc(&heap(&references), r#"["", "builtins.object"]"#);
        let other = standard
            .replace(r#""reference_fields": ["from","to","kind","name"]"#, r#""reference_fields": ["name","kind","to","from"]"#)
            .replace(&references.join(","), &reordered.join(","));
        assert_ne!(other, standard);
        for text in [standard, other] {
            let slow = parse_with_serde(text.as_bytes()).unwrap();
            let warnings = format!("{:?}", slow.warnings);
            for says in ["negative address -5", "size -3 is not believable", "unknown reference kind 99"] {
                assert!(warnings.contains(says), "{says}: {warnings}");
            }
            assert_eq!(slow.snapshot.heap.as_ref().unwrap().reference_count(), n as usize);
            agrees_with(&text, slow);
        }
    }

    /// A file declaring its own flag bits (`meta.object_flags`) has its
    /// flags read through them — they used to be read with the standard
    /// bits, silently: a module taken as a frame, garbage as a type —, by
    /// the fast path and the serde path alike; a declaration that cannot be
    /// meant (not one bit, a bit given twice) is refused, naming the flag.
    #[test]
    fn declared_flag_bits_are_read_through() {
        let with_flags = |flags: &str, records: &str| {
            format!(
                r#"{{"format": "heapscope", "version": 1, "meta": {{"object_fields": ["address", "type", "size", "flags"], "object_flags": {flags}}}, "heap": {{"objects": [{records}], "references": [], "roots": [0, 0, -1, 0]}}, "strings": [""]}}"#
            )
        };
        use crate::model::flags::*;
        // The standard layout, declared: read as it is.
        let standard = r#"{"gc_tracked": 1, "module": 2, "type": 4, "frame": 8, "function": 16, "finalizer": 32, "garbage": 64}"#;
        let text = with_flags(standard, "1,0,16,3, 2,0,16,64");
        let loaded = parse_with_serde(text.as_bytes()).unwrap();
        assert_eq!(loaded.snapshot.heap.as_ref().unwrap().flags, vec![GC_TRACKED | MODULE, GARBAGE]);
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        agrees_with(&text, loaded);
        // Another layout, with a flag heapscope does not know and two left out.
        let remapped = r#"{"garbage": 1, "module": 256, "gc_tracked": 4, "type": 2, "frame": 1024, "weakrefable": 8}"#;
        let text = with_flags(remapped, "1,0,16,260, 2,0,16,13, 3,0,16,1026");
        let loaded = parse_with_serde(text.as_bytes()).unwrap();
        assert_eq!(loaded.snapshot.heap.as_ref().unwrap().flags, vec![MODULE | GC_TRACKED, GARBAGE | GC_TRACKED, TYPE | FRAME]);
        let warnings = format!("{:?}", loaded.warnings);
        assert!(warnings.contains("`weakrefable` this heapscope does not know"), "{warnings}");
        assert!(warnings.contains("no bit for `function`, `finalizer`"), "{warnings}");
        agrees_with(&text, loaded);
        for (flags, says) in [
            (r#"{"module": 3}"#, "gives `module` the value 3; expected one bit"),
            (r#"{"module": -2}"#, "gives `module` the value -2"),
            (r#"{"type": "4"}"#, "gives `type` the value \"4\""),
            (r#"{"module": 2, "garbage": 2}"#, "gives `module` and `garbage` the same bit (2)"),
            (r#"[1, 2]"#, "`meta.object_flags` is not an object"),
        ] {
            let text = with_flags(flags, "1,0,16,3");
            let error = parse_with_serde(text.as_bytes()).unwrap_err().to_string();
            assert!(error.contains(says), "{flags}: {error}");
            assert_eq!(super::super::load(text.as_bytes()).unwrap_err().to_string(), error, "{flags}: the loader says the same");
        }
    }

    #[test]
    fn fast_path_agrees_with_serde() {
        let same = |text: &str| agrees_with(text, parse_with_serde(text.as_bytes()).unwrap());
        same(&small());
        same(&doc(
            r#"{"objects": [100,1,-5,0,-1,-1, 100,1,8,0,99,-1], "references": [0,1,2,-1, 0,7,2,-1, 5,0,99,-1], "roots": [9,0,-1,0], "x": {"y": [1, "]"]}}"#,
            r#"["", "builtins.int", "a\"b]"]"#,
        ));
        same(&doc(r#"{ "objects" : [ ] , "references":[],"roots":[ 0 ]}"#.replace("[ 0 ]", "[]").as_str(), r#"[""]"#));
        same(
            r#"{"version": 1, "heap": {"objects": [1,0,0,0,0,0]}, "format": "heapscope", "tracemalloc": {"frames": [0, 3], "tracebacks": [[0]], "traces": [0, 10, 0]}, "strings": [""]}"#,
        );
        // Strings: escapes of every kind, non-ASCII text, a long string, empty ones.
        let long = "x".repeat(3000);
        same(&doc(
            r#"{"objects": [1,1,8,0,2,-1, 2,3,8,0,4,-1], "references": [], "roots": []}"#,
            &format!(r#"[ "" , "builtins.str","'\u00e9t\u00e9 \ud83d\ude00'" ,"t\"y\\pe\/\b\f\n\r\t", "{long}", "ünï €", "\\", "a\\\"" ]"#),
        ));
        for declined in [
            "{\"format\": \"heapscope\", \"version\": 1, \"strings\": [\"a\u{1}b\"]}",
            "{\"format\": \"heapscope\", \"version\": 1, \"strings\": [\"a\\qb\"]}",
            "{\"format\": \"heapscope\", \"version\": 1, \"strings\": [\"ab\", 1]}",
            "{\"format\": \"heapscope\", \"version\": 1, \"strings\": [\"ab\",]}",
            "{\"format\": \"heapscope\", \"version\": 1, \"strings\": [\"ab\" \"c\"]}",
            "{\"format\": \"heapscope\", \"version\": 1, \"strings\": [\"ab\\\"]}",
        ] {
            assert!(fast::parse(declined.as_bytes()).is_none(), "{declined}");
            assert!(parse_with_serde(declined.as_bytes()).is_err(), "{declined}");
        }
        // Bytes that are not UTF-8 inside a string.
        let mut bad = br#"{"format": "heapscope", "version": 1, "strings": [""#.to_vec();
        bad.extend_from_slice(b"\xff\xfe\"]}");
        assert!(fast::parse(&bad).is_none());
        for declined in [
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2, 1.5, 0, 0, 0]}}"#,
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2]}}"#,
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": [01, 2, 3, 0, 0, 0]}}"#,
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2, 3, 0, 0, 0,]}}"#,
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2, 3,, 0, 0, 0]}}"#,
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": [, 1, 2, 3, 0, 0, 0]}}"#,
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2, 3 0, 0, 0]}}"#,
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2, 3, 0, 0, 0], "references": [1, 2, 0, -1 1]}}"#,
            r#"{"format": "heapscope", "version": 1, "heap": {"objects": []}} x"#,
            r#"{"format": "heapscope", "version": 1, "extra": [1,}"#,
            r#"{"format": "other", "version": 1}"#,
            r#"{"snapshot": {}, "nodes": []}"#,
        ] {
            assert!(fast::parse(declined.as_bytes()).is_none(), "{declined}");
            for k in [1, 3, 7] {
                let bytes = declined.as_bytes();
                assert!(
                    fast::parse_stream(&mut InPieces { bytes, piece: k }, &|| Some(Box::new(InPieces { bytes, piece: k }))).is_none(),
                    "{declined} by {k}"
                );
                assert!(fast::parse_threaded(bytes, k, k, 2).is_none(), "{declined} in pieces of {k}");
            }
        }
    }

    /// A heap of several MB (so its flat arrays are parsed in pieces by
    /// threads), corrupted at random places with bytes that matter to the
    /// tokenizer (commas, signs, digits, spaces, brackets, dots): whenever
    /// the fast path takes a corrupted document, the serde path gives
    /// exactly the same result; otherwise the serde path refuses it or
    /// takes it (then the fast path had declined something it reads).
    #[test]
    fn corrupted_arrays_read_in_pieces_agree_with_serde() {
        let text = fast::big_document(25_000, true);
        assert!(text.len() > (3 << 20) / 2, "{} bytes", text.len());
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        let (mut taken, mut declined) = (0, 0);
        for round in 0..40 {
            let mut bytes = text.clone();
            for _ in 0..1 + round % 3 {
                // Past the first MiB: inside the pieces (the arrays fill most of the file).
                let at = (1 << 20) + next(bytes.len() - (1 << 20) - 200);
                bytes[at] = b",- 0719]."[next(9)];
            }
            match fast::parse(&bytes) {
                Some(fast) => {
                    taken += 1;
                    let slow = parse_with_serde(&bytes).unwrap_or_else(|e| panic!("round {round}: fast path took what serde refuses: {e}"));
                    assert_eq!(
                        format!("{:?} {:?}", fast.snapshot, fast.warnings),
                        format!("{:?} {:?}", slow.snapshot, slow.warnings),
                        "round {round}"
                    );
                }
                None => declined += 1,
            }
        }
        assert!(taken > 0 && declined > 0, "both kinds seen: {taken} taken, {declined} declined");
    }

    /// Documents whose sections come before `meta` read `meta` ahead (a
    /// second reader from the start), streamed or not; a reader that fails
    /// midway makes the fast path decline.
    #[test]
    fn streamed_reads_meta_ahead_and_declines_on_read_errors() {
        let text = r#"{"format": "heapscope", "version": 1, "heap": {"objects": [7, 0, 1], "references": [], "roots": [0, 0]}, "strings": [""], "meta": {"object_fields": ["address", "type", "size"], "root_fields": ["object", "kind"]}}"#;
        let bytes = text.as_bytes();
        for k in [1, 4, 1000] {
            let loaded =
                fast::parse_stream(&mut InPieces { bytes, piece: k }, &|| Some(Box::new(InPieces { bytes, piece: k }))).expect("streamed");
            let heap = loaded.snapshot.heap.unwrap();
            assert_eq!((heap.object_count(), heap.address[0], heap.size_bytes[0]), (1, 7, 1));
        }
        struct Failing<'a>(&'a [u8]);
        impl std::io::Read for Failing<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() {
                    return Err(std::io::Error::other("the disk went away"));
                }
                let n = out.len().min(self.0.len()).min(10);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let cut = &small().as_bytes()[..small().len() / 2].to_vec();
        assert!(fast::parse_stream(&mut Failing(cut), &|| None).is_none());
    }

    #[test]
    fn gzip_is_transparent() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(small().as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(load(&gz).unwrap().snapshot.heap.unwrap().object_count(), 3);
    }

    /// A value of another type in a flat array names its section, record
    /// and field, whole or streamed.
    #[test]
    fn a_wrong_value_in_a_record_names_its_field() {
        for (heap, says) in [
            (r#""objects": [1,0,16,0,-1,-1, 2,0,1.5,0,-1,-1], "references": [], "roots": []"#, "field `size` of heap.objects record 1"),
            (r#""objects": [1,0,16,0,-1,-1], "references": [0,0,"x",-1], "roots": []"#, "field `kind` of heap.references record 0"),
            (r#""objects": [1,0,16,0,-1,-1], "references": [], "roots": [0,0,-1,true]"#, "field `excess` of heap.roots record 0"),
        ] {
            let text = format!(r#"{{"format": "heapscope", "version": 1, "heap": {{{heap}}}, "strings": [""]}}"#);
            let e = load(text.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(says) && e.contains("expected an integer"), "{says}: {e}");
            let streamed = crate::load::load_source(&text.as_bytes(), &crate::load::LoadOptions::default()).unwrap_err().to_string();
            assert_eq!(streamed, e);
        }
    }

    /// Every object at a shared address is said to share it with the first
    /// one there (the third used to be named after the second).
    #[test]
    fn objects_sharing_an_address_name_the_first() {
        let text = doc(
            r#"{"objects": [100,1,8,0,-1,-1, 100,1,8,0,-1,-1, 100,1,8,0,-1,-1], "references": [], "roots": []}"#,
            r#"["", "builtins.int"]"#,
        );
        let warnings: Vec<String> = load(text.as_bytes()).unwrap().warnings.iter().map(|w| w.to_string()).collect();
        for record in [1, 2] {
            let expected = format!("address 0x64 is also used by object 0; diffs match the first (in heap.objects record {record})");
            assert!(warnings.contains(&expected), "missing {expected:?} in {warnings:#?}");
        }
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

    /// Every index valid, one name past the strings: the quick check of a
    /// file's references must still send it through the record-by-record one.
    #[test]
    fn a_reference_name_past_the_strings_is_a_warning() {
        let text = doc(
            r#"{"objects": [100,1,8,0,-1,-1, 200,1,8,0,-1,-1], "references": [0,1,2,1, 1,0,2,7], "roots": [0,0,-1,0]}"#,
            r#"["", "builtins.int"]"#,
        );
        let loaded = load(text.as_bytes()).unwrap();
        let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(warnings, ["reference name refers past the end of `strings` (in heap.references record 1)"]);
        let heap = loaded.snapshot.heap.unwrap();
        assert_eq!(heap.reference_count(), 2);
        let names: Vec<crate::strings::StrId> = (0..2).map(|e| heap.graph.label(e).name()).collect();
        assert_eq!(names, [1, crate::strings::NO_STRING]);
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
        assert!(e.starts_with("`version` must be an integer") || e.contains("not a heapscope"), "{e}");

        let e = load(br#"{"name": "my-package"}"#).unwrap_err().to_string();
        assert!(e.contains("not a heapscope snapshot"), "{e}");

        let e = load(br#"{"snapshot": {"meta": {}}, "nodes": []}"#).unwrap_err().to_string();
        assert!(e.contains("V8/Chrome"), "{e}");

        let e = load(b"{\"format\": \"heapscope\", \"strings\": [\"\xff\"]}").unwrap_err().to_string();
        assert!(e.contains("not valid JSON") || e.contains("unicode") || e.contains("UTF-8"), "{e}");
    }

    /// `meta` after `heap` (and after `tracemalloc`) applies to them, on
    /// the fast path and on the serde path alike.
    #[test]
    fn meta_may_come_after_the_sections() {
        // Objects with 3 fields in a custom order, references with 2.
        let text = r#"{"format": "heapscope", "version": 1,
            "heap": {"objects": [5, 100, 1,  6, 200, 1], "references": [0, 1], "roots": [0, 3]},
            "tracemalloc": {"frames": [3, 1], "tracebacks": [[0]], "traces": [64, 0, 0]},
            "strings": ["", "builtins.int"],
            "meta": {"object_fields": ["size", "address", "type"], "reference_fields": ["from", "to"],
                     "root_fields": ["object", "kind"], "root_kinds": ["native", "module", "thread", "builtins"],
                     "frame_fields": ["lineno", "filename"], "trace_fields": ["size", "domain", "traceback"]}}"#;
        let check = |loaded: Loaded| {
            assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
            let heap = loaded.snapshot.heap.as_ref().unwrap();
            assert_eq!((heap.address.clone(), heap.size_bytes.clone()), (vec![100, 200], vec![5, 6]));
            assert_eq!(heap.reference_count(), 1);
            assert_eq!(heap.roots[0].kind, RootKind::Builtins);
            let t = loaded.snapshot.tracemalloc.as_ref().unwrap();
            assert_eq!((t.frames[0].lineno, t.frames[0].filename, t.traces[0].size_bytes), (3, 1, 64));
        };
        check(fast::parse(text.as_bytes()).expect("the fast path reads it"));
        check(parse_with_serde(text.as_bytes()).unwrap());
        // The serde path too when the fast path declines (an escaped key).
        check(load(text.replace(r#""strings""#, r#""str\u0069ngs""#).as_bytes()).unwrap());
    }

    /// `heap.changed_during_dump` (written by the exporter when another
    /// thread changed containers during its walk) is a warning, on both paths.
    #[test]
    fn a_heap_changed_during_the_dump_is_a_warning() {
        let heap = |flag: &str| {
            doc(&format!(r#"{{"objects": [100,1,72,0,-1,-1], "references": [], "roots": [], {flag}}}"#), r#"["", "builtins.int"]"#)
        };
        for (flag, warned) in [(r#""changed_during_dump": true"#, true), (r#""changed_during_dump": false"#, false)] {
            let text = heap(flag);
            for loaded in [fast::parse(text.as_bytes()).expect("the fast path reads it"), parse_with_serde(text.as_bytes()).unwrap()] {
                let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
                assert_eq!(warnings.iter().any(|w| w.starts_with("the heap changed during the dump")), warned, "{warnings:?}");
            }
        }
    }

    #[test]
    fn a_root_of_unknown_kind_still_holds_its_object() {
        let text = doc(r#"{"objects": [100,1,72,0,-1,-1], "references": [], "roots": [0,9,-1,0]}"#, r#"["", "builtins.int"]"#);
        let loaded = load(text.as_bytes()).unwrap();
        let heap = loaded.snapshot.heap.as_ref().unwrap();
        assert_eq!(heap.roots, vec![Root { object: 0, kind: RootKind::Unknown, name: crate::strings::NO_STRING, excess: 0 }]);
        assert_eq!(loaded.warnings[0].to_string(), "root has unknown kind 9; counted as a root of kind `unknown` (in heap.roots record 0)");
    }

    /// 65,537 objects of 2^48 bytes sum past 2^64: totals saturate (with a
    /// warning), they never wrap to 256 TiB.
    #[test]
    fn sizes_summing_past_u64_saturate() {
        let n = 65_537;
        let objects: Vec<String> = (0..n).map(|i| format!("{},1,{},0,-1,-1", i + 1, 1u64 << 48)).collect();
        let text =
            doc(&format!(r#"{{"objects": [{}], "references": [], "roots": [0,0,-1,0]}}"#, objects.join(",")), r#"["", "builtins.bytes"]"#);
        let loaded = load(text.as_bytes()).unwrap();
        let heap = loaded.snapshot.heap.as_ref().unwrap();
        assert_eq!(heap.total_size_bytes(), crate::model::MAX_TOTAL_BYTES);
        assert!(loaded.warnings.iter().any(|w| w.message.contains("sizes add up past")), "{:?}", loaded.warnings);
        let a = crate::Analysis::of_heap(&loaded.snapshot, heap);
        assert_eq!(a.by_type[0].shallow_bytes, crate::model::MAX_TOTAL_BYTES);
    }

    #[test]
    fn integers_past_64_bits_are_called_too_large() {
        for big in ["18446744073709551616", "9223372036854775808", "-99999999999999999999"] {
            let text = format!(r#"{{"format": "heapscope", "version": 1, "heap": {{"objects": [1, 2, {big}, 0, -1, -1]}}}}"#);
            let e = load(text.as_bytes()).unwrap_err().to_string();
            assert!(e.starts_with(&format!("integer too large: {big} is outside the signed 64-bit range")), "{e}");
            assert!(e.contains("line 1, column"), "{e}");
        }
        let e = load(br#"{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2, 1.5e3, 0, -1, -1]}}"#).unwrap_err().to_string();
        assert!(e.contains("wrong type") && e.contains("floating point"), "{e}");
    }

    /// Lone surrogate escapes (`"\udcff"`: Python's `json` for a
    /// surrogate-escaped byte, say of a non-UTF-8 path in `argv`) anywhere
    /// the fast path reads: the result and warning of the whole-file path's
    /// rewrite, without reading the file again. (Values neither reads, as
    /// an unknown key's, are not counted: serde skips them unread.)
    #[test]
    fn the_fast_path_reads_lone_surrogates_as_the_rewrite_does() {
        let heap = r#"{"objects": [1,1,8,0,2,-1, 2,1,8,0,3,-1], "references": [0,1,2,-1], "roots": [0,0,-1,0]}"#;
        let texts = [
            doc(heap, r#"["", "builtins.str", "a\ud800b\udc00", "\ud83d\ude00 \\ud800 \udbff\udbff\udfff"]"#),
            doc(heap, r#"["", "builtins.str", "'x'", "k"]"#).replace(r#""pid": 7,"#, r#""argv": ["app.py", "/data/caf\udce9"], "pid": 7,"#),
            format!("\u{feff}{}", doc(heap, r#"["", "builtins.str", "\udce9", "k"]"#)),
            r#"{"format": "heapscope", "version": 1, "tracemalloc": {"frames": [0, 3, 1, 4], "tracebacks": [[0], [1]], "traces": [0, 10, 0, 0, 20, 1]}, "strings": ["m\udc80.py", "n.py"]}"#.to_string(),
        ];
        for text in &texts {
            let body = text.as_bytes().strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text.as_bytes());
            let slow = crate::load::with_lone_surrogates(body, parse_with_serde).unwrap();
            assert!(slow.warnings[0].message.contains("lone UTF-16 surrogate"), "{text}: {:?}", slow.warnings);
            agrees_with(text, slow);
        }
    }

    /// Python's `json` writes lone surrogates as `\ud800`: read as U+FFFD
    /// with a warning, pairs and escaped backslashes left alone.
    #[test]
    fn lone_surrogate_escapes_read_as_replacement_characters() {
        let text = doc(
            r#"{"objects": [1,1,8,0,2,-1, 2,1,8,0,3,-1], "references": [], "roots": []}"#,
            r#"["", "builtins.str", "a\ud800b\udc00", "\ud83d\ude00 \\ud800"]"#,
        );
        let loaded = load(text.as_bytes()).unwrap();
        let s = &loaded.snapshot;
        assert_eq!(s.str(2), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(s.str(3), "\u{1F600} \\ud800");
        assert_eq!(loaded.warning_count, 1);
        assert!(loaded.warnings[0].message.starts_with("2 lone UTF-16 surrogate escape(s)"), "{:?}", loaded.warnings);
    }

    #[test]
    fn the_warning_count_is_the_true_count() {
        let objects: Vec<String> = (0..999).map(|i| format!("{},1,-5,0,-1,-1", i + 1)).collect();
        let text = doc(&format!(r#"{{"objects": [{}], "references": [], "roots": []}}"#, objects.join(",")), r#"["", "builtins.int"]"#);
        let loaded = load(text.as_bytes()).unwrap();
        assert_eq!(loaded.warning_count, 999);
        assert_eq!(loaded.warnings.len(), 101);
        assert_eq!(loaded.warnings[100].message, "… and 899 more warnings");
    }

    /// The compact form the Python exporter writes: `address_delta` and
    /// `from_delta` (each record minus the previous one), no `traceback`
    /// column. Both paths read it exactly as the plain form of `small()`.
    #[test]
    fn delta_encoded_fields_read_as_the_plain_ones() {
        let compact = small()
            .replace(
                r#"["address","type","size","flags","description","traceback"]"#,
                r#"["address_delta","type","size","flags","description"]"#,
            )
            .replace(r#"["from","to","kind","name"]"#, r#"["from_delta","to","kind","name"]"#)
            .replace("[100,1,72,2,2,-1, 200,3,232,1,-1,-1, 300,4,1000,0,5,-1]", "[100,1,72,2,2, 100,3,232,1,-1, 100,4,1000,0,5]")
            .replace("[0,1,13,-1, 1,2,2,6, 2,0,14,-1]", "[0,1,13,-1, 1,2,2,6, 1,0,14,-1]");
        assert_ne!(compact, small());
        let plain = parse_with_serde(small().as_bytes()).unwrap();
        for loaded in [fast::parse(compact.as_bytes()).expect("the fast path reads it"), parse_with_serde(compact.as_bytes()).unwrap()] {
            assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
            assert_eq!(format!("{:?}", loaded.snapshot), format!("{:?}", plain.snapshot));
        }
        // negative deltas (objects are not in address order), and many
        // references from one object (delta 0)
        let text = doc(
            r#"{"objects": [500,1,8,0,-1, -300,1,8,0,-1, 150,1,8,0,-1], "references": [0,1,0,-1, 0,2,0,-1, 1,0,0,-1], "roots": []}"#,
            r#"["", "builtins.int"]"#,
        )
        .replace(
            r#"["address","type","size","flags","description","traceback"]"#,
            r#"["address_delta","type","size","flags","description"]"#,
        )
        .replace(r#"["from","to","kind","name"]"#, r#"["from_delta","to","kind","name"]"#);
        let heap = load(text.as_bytes()).unwrap().snapshot.heap.unwrap();
        assert_eq!(heap.address, vec![500, 200, 350]);
        assert_eq!(heap.graph.out_refs(0).map(|(t, _)| t).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(heap.graph.out_refs(1).map(|(t, _)| t).collect::<Vec<_>>(), vec![0]);
    }

    /// A reader that does not know a `_delta` field never misreads it: ours
    /// refuses a list naming a field both ways, and one that knows neither
    /// form finds no `address` (what an older reader says).
    #[test]
    fn delta_fields_are_never_misread() {
        let both = small().replace(r#"["address","type","#, r#"["address","address_delta","type","#);
        for e in [load(both.as_bytes()).unwrap_err().to_string(), parse_with_serde(both.as_bytes()).unwrap_err().to_string()] {
            assert!(e.contains("both `address` and `address_delta`"), "{e}");
        }
        let unknown = small().replace(r#"["address","type","#, r#"["address_zigzag","type","#);
        let e = load(unknown.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("lacks the required field `address`"), "{e}");
    }

    /// `process` is for display: keys past 200 characters, values past 500
    /// and fields past 200 are cut, however the file is shaped.
    #[test]
    fn process_fields_are_bounded() {
        let many: Vec<String> = (0..300).map(|i| format!(r#""f{i:03}":{i}"#)).collect();
        let text = small().replace(
            r#""process": {"pid": 7, "gc": {"thresholds": [700, 10, 10]}}"#,
            &format!(r#""process":{{"{}":"{}",{}}}"#, "k".repeat(10_000), "v".repeat(10_000), many.join(",")),
        );
        let fields = load(text.as_bytes()).unwrap().snapshot.process.fields;
        assert_eq!(fields.len(), 200);
        assert_eq!(fields[0], ("f000".to_string(), "0".to_string()));
        let text = small().replace(
            r#""process": {"pid": 7, "gc": {"thresholds": [700, 10, 10]}}"#,
            &format!(r#""process":{{"{}":"{}"}}"#, "k".repeat(10_000), "v".repeat(10_000)),
        );
        let fields = load(text.as_bytes()).unwrap().snapshot.process.fields;
        assert_eq!((fields[0].0.chars().count(), fields[0].1.chars().count()), (200, 500));
    }

    /// A field named twice is refused (which column would be meant?), by
    /// the fast path and by serde's alike.
    #[test]
    fn a_field_named_twice_is_refused() {
        let twice = small().replace(r#"["address","type","#, r#"["address","address","type","#);
        let refs = small().replace(r#"["from","to","kind","name"]"#, r#"["from","to","kind","to"]"#);
        for (text, what) in [(twice, "heap.objects names `address` twice (again at position 1)"), (refs, "names `to` twice")] {
            for e in [load(text.as_bytes()).unwrap_err().to_string(), parse_with_serde(text.as_bytes()).unwrap_err().to_string()] {
                assert!(e.contains(what), "{e}");
                // The reader's own message, not under serde's "a value has the wrong type".
                assert!(e.starts_with("meta's field list for"), "{e}");
            }
        }
    }
}
