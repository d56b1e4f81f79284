//! The fast path of the v1 reader.
//!
//! Almost all of a snapshot's bytes are the flat integer arrays of
//! `heap.objects`, `heap.references` and `heap.roots`. Going through serde's
//! per-element visitor costs ≈ 15 ns per integer; this module walks the
//! top-level object and the `heap` object with a minimal tokenizer, parses
//! those arrays with a tight loop (digits, `-`, `,`, whitespace) straight
//! into the same record sinks the serde path uses, and hands every other
//! value (`meta`, `process`, `strings`, `tracemalloc`, unknown keys) to
//! serde_json as a sub-slice.
//!
//! It only ever succeeds: on anything unexpected (a syntax error, a float, a
//! number out of range, an escaped key, a record count that is not a
//! multiple of the width, a value serde rejects, a document that is not a
//! heapscope snapshot…) it returns `None` and the caller parses the whole
//! document again with the serde path, which reports what and where. So the
//! result, warnings included, is the serde path's result, and errors are
//! exactly the serde path's errors.

use serde::de::{DeserializeSeed, IgnoredAny};

use super::build::RawHeap;
use super::visit::{
    objects_layout, objects_sink, process_info, reference_kinds, references_layout, references_sink, roots_layout, roots_sink, StringsSeed,
    TracemallocSeed, CHANGED_DURING_DUMP,
};
use super::{Document, Meta, MAX_RECORD_WIDTH};
use crate::diagnostic::Warnings;
use crate::load::Loaded;
use crate::model::Tracemalloc;
use crate::strings::StringTable;

type JsonError = serde_json::Error;

/// Parses `bytes` on the fast path; `None` means "use the serde path".
pub(super) fn parse(bytes: &[u8]) -> Option<Loaded> {
    let mut doc = Document::default();
    let mut meta_seen = false;
    let mut p = Parser { b: bytes, pos: 0 };
    p.ws();
    p.expect(b'{')?;
    p.ws();
    if p.peek()? == b'}' {
        p.pos += 1;
    } else {
        loop {
            let key = p.key()?;
            let start = p.pos;
            match key {
                b"format" => {
                    let end = p.skip_value()?;
                    let value: serde_json::Value = serde_json::from_slice(&bytes[start..end]).ok()?;
                    if value.as_str() != Some("heapscope") {
                        return None;
                    }
                    doc.format = Some("heapscope".to_string());
                }
                b"version" => {
                    let end = p.skip_value()?;
                    let value: serde_json::Value = serde_json::from_slice(&bytes[start..end]).ok()?;
                    doc.version = Some(value.as_i64()?);
                }
                b"snapshot" | b"nodes" | b"edges" if doc.format.is_none() => return None,
                b"meta" => {
                    let end = p.skip_value()?;
                    doc.meta = serde_json::from_slice::<Meta>(&bytes[start..end]).ok()?;
                    meta_seen = true;
                }
                b"process" => {
                    let end = p.skip_value()?;
                    doc.process = process_info(serde_json::from_slice(&bytes[start..end]).ok()?);
                }
                b"heap" | b"tracemalloc" if !meta_seen => {
                    // A section before `meta`: find `meta` ahead, then read the section.
                    if let Some(meta) = p.clone().meta_ahead()? {
                        doc.meta = meta;
                    }
                    meta_seen = true;
                    continue_section(&mut p, key, &mut doc)?;
                }
                b"heap" => {
                    let mut heap = RawHeap::default();
                    p.heap(&doc.meta, &mut heap, &mut doc.warnings, &mut doc.object_tracebacks_seen)?;
                    doc.heap = Some(heap);
                }
                b"tracemalloc" => {
                    let end = p.skip_value()?;
                    let mut t = Tracemalloc::default();
                    let seed = TracemallocSeed { meta: &doc.meta, t: &mut t, warnings: &mut doc.warnings };
                    with_serde(&bytes[start..end], |de| seed.deserialize(de))?;
                    doc.tracemalloc = Some(t);
                }
                b"strings" => {
                    let end = p.skip_value()?;
                    let mut table = StringTable::new();
                    with_serde(&bytes[start..end], |de| StringsSeed(&mut table).deserialize(de))?;
                    doc.strings = Some(table);
                }
                _ => {
                    let end = p.skip_value()?;
                    with_serde(&bytes[start..end], |de| <IgnoredAny as serde::Deserialize>::deserialize(de).map(|_| ()))?;
                }
            }
            if !p.next_member()? {
                break;
            }
        }
    }
    p.ws();
    if p.pos != bytes.len() {
        return None;
    }
    doc.finish().ok()
}

/// Reads the `heap` or `tracemalloc` section at the parser's position.
fn continue_section(p: &mut Parser<'_>, key: &[u8], doc: &mut Document) -> Option<()> {
    let start = p.pos;
    if key == b"heap" {
        let mut heap = RawHeap::default();
        p.heap(&doc.meta, &mut heap, &mut doc.warnings, &mut doc.object_tracebacks_seen)?;
        doc.heap = Some(heap);
    } else {
        let end = p.skip_value()?;
        let mut t = Tracemalloc::default();
        let seed = TracemallocSeed { meta: &doc.meta, t: &mut t, warnings: &mut doc.warnings };
        with_serde(&p.b[start..end], |de| seed.deserialize(de))?;
        doc.tracemalloc = Some(t);
    }
    Some(())
}

/// Runs a serde seed over one complete JSON value.
fn with_serde(
    bytes: &[u8],
    f: impl FnOnce(&mut serde_json::Deserializer<serde_json::de::SliceRead<'_>>) -> Result<(), JsonError>,
) -> Option<()> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    f(&mut de).ok()?;
    de.end().ok()
}

#[derive(Clone)]
struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
}

#[inline]
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t')
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while self.pos < self.b.len() && is_ws(self.b[self.pos]) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.pos += 1)
    }

    /// `"key"` `:` with whitespace; keys with escapes are left to serde.
    fn key(&mut self) -> Option<&'a [u8]> {
        self.ws();
        self.expect(b'"')?;
        let start = self.pos;
        let len = self.b[start..].iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        if self.b[start + len] != b'"' {
            return None;
        }
        self.pos = start + len + 1;
        self.ws();
        self.expect(b':')?;
        self.ws();
        Some(&self.b[start..start + len])
    }

    /// After a member's value: `true` at `,`, `false` at `}`.
    fn next_member(&mut self) -> Option<bool> {
        self.ws();
        match self.peek()? {
            b',' => {
                self.pos += 1;
                Some(true)
            }
            b'}' => {
                self.pos += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// Steps over one value without validating it (serde validates what it
    /// is given); returns its end.
    fn skip_value(&mut self) -> Option<usize> {
        let b = self.b;
        match self.peek()? {
            b'"' => {
                self.pos = skip_string(b, self.pos)?;
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    let c = *b.get(self.pos)?;
                    match c {
                        b'"' => {
                            self.pos = skip_string(b, self.pos)?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            _ => {
                let len = b[self.pos..].iter().position(|&c| matches!(c, b',' | b'}' | b']') || is_ws(c)).unwrap_or(b.len() - self.pos);
                if len == 0 {
                    return None;
                }
                self.pos += len;
            }
        }
        Some(self.pos)
    }

    /// From the start of a member's value: skips it and the members after it
    /// and returns the top-level `meta` if one comes later (`Some(None)`
    /// when none does, `None` on anything unexpected).
    fn meta_ahead(mut self) -> Option<Option<Meta>> {
        loop {
            self.skip_value()?;
            if !self.next_member()? {
                return Some(None);
            }
            let key = self.key()?;
            if key == b"meta" {
                let start = self.pos;
                let end = self.skip_value()?;
                return Some(Some(serde_json::from_slice::<Meta>(&self.b[start..end]).ok()?));
            }
        }
    }

    /// The `heap` object: its flat arrays on the fast path.
    fn heap(&mut self, meta: &Meta, heap: &mut RawHeap, warnings: &mut Warnings, tracebacks_seen: &mut bool) -> Option<()> {
        self.expect(b'{')?;
        self.ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        loop {
            let key = self.key()?;
            match key {
                b"objects" => {
                    let layout = objects_layout::<JsonError>(meta).ok()?;
                    *tracebacks_seen = layout.at[5].is_some();
                    let (body, records) = self.flat_records(layout.width)?;
                    heap.address.reserve_exact(records);
                    heap.type_name.reserve_exact(records);
                    heap.size_bytes.reserve_exact(records);
                    heap.flags.reserve_exact(records);
                    heap.description.reserve_exact(records);
                    heap.traceback.reserve_exact(records);
                    let mut sink = objects_sink(&layout, heap, warnings);
                    parse_flat(body, layout.width, &mut sink)?;
                }
                b"references" => {
                    let layout = references_layout::<JsonError>(meta).ok()?;
                    let kinds = reference_kinds(meta);
                    let (body, records) = self.flat_records(layout.width)?;
                    heap.from.reserve_exact(records);
                    heap.to.reserve_exact(records);
                    heap.labels.reserve_exact(records);
                    let mut sink = references_sink(&layout, &kinds, heap, warnings);
                    parse_flat(body, layout.width, &mut sink)?;
                }
                b"roots" => {
                    let layout = roots_layout::<JsonError>(meta).ok()?;
                    let (body, _) = self.flat_records(layout.width)?;
                    let mut sink = roots_sink(&layout, heap);
                    parse_flat(body, layout.width, &mut sink)?;
                }
                b"changed_during_dump" => {
                    let start = self.pos;
                    let end = self.skip_value()?;
                    if self.b[start..end].trim_ascii() == b"true" {
                        warnings.push(CHANGED_DURING_DUMP, None);
                    }
                }
                _ => {
                    let start = self.pos;
                    let end = self.skip_value()?;
                    with_serde(&self.b[start..end], |de| <IgnoredAny as serde::Deserialize>::deserialize(de).map(|_| ()))?;
                }
            }
            if !self.next_member()? {
                return Some(());
            }
        }
    }

    /// A flat array of whole records of `width` integers: its body and
    /// record count (`None` sends the file down the serde path, which says
    /// where a record is cut short).
    fn flat_records(&mut self, width: usize) -> Option<(&'a [u8], usize)> {
        let (body, count) = self.flat_body()?;
        (count % width == 0).then_some((body, count / width))
    }

    /// A flat array `[` … `]`: the bytes between the brackets and an upper
    /// bound of its element count (commas + 1, or 0 when it is blank).
    fn flat_body(&mut self) -> Option<(&'a [u8], usize)> {
        self.expect(b'[')?;
        let start = self.pos;
        // Chunked so that both scans vectorize: find the `]`, count commas.
        let rest = &self.b[start..];
        let mut commas = 0usize;
        let mut len = None;
        for (k, chunk) in rest.chunks(256).enumerate() {
            let close = chunk.iter().fold(false, |a, &c| a | (c == b']'));
            if close {
                let at = chunk.iter().position(|&c| c == b']')?;
                commas += chunk[..at].iter().filter(|&&c| c == b',').count();
                len = Some(k * 256 + at);
                break;
            }
            commas += chunk.iter().fold(0u32, |n, &c| n + (c == b',') as u32) as usize;
        }
        let len = len?;
        let body = &self.b[start..start + len];
        self.pos = start + len + 1;
        let blank = commas == 0 && body.iter().all(|&c| is_ws(c));
        Some((body, if blank { 0 } else { commas + 1 }))
    }
}

/// The end (past the closing quote) of the string starting at `at`.
fn skip_string(b: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        let c = *b.get(i)?;
        if c == b'"' {
            return Some(i + 1);
        }
        i += if c == b'\\' { 2 } else { 1 };
    }
}

/// Parses the inside of a flat integer array, calling `sink` with each full
/// record. `None` on anything but `ws int ws (, ws int ws)*` with integers of
/// at most 18 digits, or a length that is not a multiple of `width`.
fn parse_flat(body: &[u8], width: usize, sink: &mut impl FnMut(u64, &[i64])) -> Option<()> {
    debug_assert!(width <= MAX_RECORD_WIDTH);
    let mut record = [0i64; MAX_RECORD_WIDTH];
    let mut filled = 0;
    let mut index = 0u64;
    let n = body.len();
    let mut i = 0;
    while i < n && is_ws(body[i]) {
        i += 1;
    }
    if i == n {
        return Some(());
    }
    loop {
        let negative = body[i] == b'-';
        i += negative as usize;
        let start = i;
        let mut v: i64 = 0;
        while i < n {
            let d = body[i].wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            // At most 18 digits: checked before the multiplication can overflow.
            if i - start == 18 {
                return None;
            }
            v = v * 10 + d as i64;
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || (digits > 1 && body[start] == b'0') {
            return None;
        }
        record[filled] = if negative { -v } else { v };
        filled += 1;
        if filled == width {
            sink(index, &record[..width]);
            index += 1;
            filled = 0;
        }
        while i < n && is_ws(body[i]) {
            i += 1;
        }
        if i == n {
            break;
        }
        if body[i] != b',' {
            return None;
        }
        i += 1;
        while i < n && is_ws(body[i]) {
            i += 1;
        }
        if i == n {
            return None;
        }
    }
    (filled == 0).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(body: &str, width: usize) -> Option<Vec<i64>> {
        let mut out = Vec::new();
        parse_flat(body.as_bytes(), width, &mut |_, r: &[i64]| out.extend_from_slice(r))?;
        Some(out)
    }

    #[test]
    fn flat_arrays() {
        assert_eq!(ints("", 2), Some(vec![]));
        assert_eq!(ints(" \n ", 2), Some(vec![]));
        assert_eq!(ints("1,-2, 3 ,\n0", 2), Some(vec![1, -2, 3, 0]));
        assert_eq!(ints("999999999999999999,-1", 1), Some(vec![999_999_999_999_999_999, -1]));
        for bad in ["1,", ",1", "1,,2", "01", "-", "1.5", "1e3", "1 2", "\"1\"", "1000000000000000000", "1,2,3"] {
            assert_eq!(ints(bad, 2), None, "{bad:?}");
        }
    }
}
