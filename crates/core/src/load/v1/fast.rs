//! The fast path of the v1 reader.
//!
//! Almost all of a snapshot's bytes are the flat integer arrays of
//! `heap.objects`, `heap.references` and `heap.roots`. Going through serde's
//! per-element visitor costs ≈ 15 ns per integer; this module walks the
//! top-level object and the `heap` object with a minimal tokenizer, parses
//! those arrays with a tight loop (digits, `-`, `,`, whitespace) straight
//! into the same record sinks the serde path uses, decodes the `strings`
//! one at a time (a long one a window at a time, [`string`]), and hands
//! every other value (`meta`, `process`, `tracemalloc`, unknown keys) to
//! serde_json as a sub-slice.
//!
//! It only ever succeeds: on anything unexpected (a syntax error, a float, a
//! number out of range, an escaped key, a record count that is not a
//! multiple of the width, a value serde rejects, a document that is not a
//! heapscope snapshot…) it returns `None` and the caller parses the whole
//! document again with the serde path, which reports what and where. So the
//! result, warnings included, is the serde path's result, and errors are
//! exactly the serde path's errors — the serde path after its rewrite of
//! lone UTF-16 surrogate escapes (`\ud800`), which this path reads as
//! U+FFFD where they are (`LoneSurrogates`) instead of declining.

use std::io::Read;

use serde::de::{DeserializeSeed, IgnoredAny};

use super::build::RawHeap;
use super::object_flags::FlagBits;
use super::visit::{
    objects_layout, objects_sink, process_info, reference_kinds, references_layout, references_sink, roots_layout, roots_sink,
    ProcessValue, TracemallocSeed, CHANGED_DURING_DUMP,
};
use super::{Document, Meta};
use crate::diagnostic::{LoadError, Warnings};
use crate::load::Loaded;
use crate::model::Tracemalloc;
use crate::strings::StringTable;

mod flat;
mod string;
use flat::{is_ws, Flat};
use string::{Step, StringDecoder};

type JsonError = serde_json::Error;

/// Parses `bytes` on the fast path; `None` means "use the serde path" (tests).
#[cfg(test)]
pub(super) fn parse(bytes: &[u8]) -> Option<Loaded> {
    parse_or_refuse(bytes).and_then(Result::ok)
}

/// [`parse`], or the refusal of a heap too large for the memory left (the
/// serde path would only fail the same way, slower).
pub(super) fn parse_or_refuse(bytes: &[u8]) -> Option<Result<Loaded, LoadError>> {
    let mut reader = bytes;
    parse_stream_in(&mut reader, &|| Some(Box::new(bytes)), Pieces::here())
}

/// Parses the plain text that `reader` yields, as it is read: at most a
/// window of it is held (plus, while serde reads it, one non-array value
/// such as `strings`). `ahead` opens the same text again from its start; it
/// is used only when a section comes before `meta`, to find `meta` first.
/// `None` means "use the serde path" (a read error included).
#[cfg(test)]
pub(super) fn parse_stream<'s>(reader: &mut dyn Read, ahead: &dyn Fn() -> Option<Box<dyn Read + 's>>) -> Option<Loaded> {
    parse_stream_or_refuse(reader, ahead).and_then(Result::ok)
}

/// [`parse_stream`], or the refusal of a heap too large for the memory left.
pub(super) fn parse_stream_or_refuse<'s>(
    reader: &mut dyn Read,
    ahead: &dyn Fn() -> Option<Box<dyn Read + 's>>,
) -> Option<Result<Loaded, LoadError>> {
    parse_stream_in(reader, ahead, Pieces::here())
}

/// [`parse_stream`] with the flat arrays parsed as `pieces` says.
fn parse_stream_in<'s>(
    reader: &mut dyn Read,
    ahead: &dyn Fn() -> Option<Box<dyn Read + 's>>,
    pieces: Pieces,
) -> Option<Result<Loaded, LoadError>> {
    let mut doc = Document::default();
    let mut meta_seen = false;
    let mut lone = LoneSurrogates::default();
    let mut p = Stream::new(reader, pieces);
    // A repeated member goes to the serde path, which refuses it.
    let mut seen: Vec<Vec<u8>> = Vec::new();
    if !p.open_document()? {
        loop {
            let key = p.key()?;
            if super::visit::DOCUMENT_KEYS.iter().any(|k| k.as_bytes() == key.as_slice()) {
                if seen.contains(&key) {
                    return None;
                }
                seen.push(key.clone());
            }
            match key.as_slice() {
                b"format" => {
                    let value: serde_json::Value = serde_json::from_slice(p.value()?).ok()?;
                    if value.as_str() != Some("heapscope") {
                        return None;
                    }
                    doc.format = Some("heapscope".to_string());
                }
                b"version" => {
                    let value: serde_json::Value = serde_json::from_slice(p.value()?).ok()?;
                    doc.version = Some(value.as_i64()?);
                }
                b"snapshot" | b"nodes" | b"edges" if doc.format.is_none() => return None,
                b"meta" => {
                    let at = p.offset();
                    doc.meta = lone.read(p.value()?, at, |v| serde_json::from_slice::<Meta>(v).ok())?;
                    meta_seen = true;
                }
                b"process" => {
                    let at = p.offset();
                    doc.process = process_info(lone.read(p.value()?, at, |v| {
                        let mut value = None;
                        with_serde(v, |de| ProcessValue.deserialize(de).map(|x| value = Some(x)))?;
                        value
                    })?);
                }
                b"heap" | b"tracemalloc" if !meta_seen => {
                    // A section before `meta`: find `meta` ahead, then read the section.
                    let mut again = ahead()?;
                    if let Some(meta) = meta_ahead(&mut *again)? {
                        doc.meta = meta;
                    }
                    meta_seen = true;
                    section(&mut p, &key, &mut doc, &mut lone)?;
                }
                b"heap" | b"tracemalloc" => section(&mut p, &key, &mut doc, &mut lone)?,
                b"strings" => {
                    let mut table = StringTable::new();
                    p.strings(&mut table, &mut lone)?;
                    doc.strings = Some(table);
                }
                _ => p.ignore_value()?,
            }
            if !p.next_member()? {
                break;
            }
        }
    }
    p.ws()?;
    if !p.at_end()? {
        return None;
    }
    drop(p);
    match doc.finish() {
        Ok(mut loaded) => {
            if lone.count > 0 {
                crate::load::note_lone_surrogates(&mut loaded, lone.count, lone.first);
            }
            Some(Ok(loaded))
        }
        Err(e) if e.0.message.starts_with(crate::load::NOT_ENOUGH_MEMORY) => Some(Err(e)),
        Err(_) => None,
    }
}

/// Reads the `heap` or `tracemalloc` section at the stream's position.
fn section(p: &mut Stream<'_>, key: &[u8], doc: &mut Document, lone: &mut LoneSurrogates) -> Option<()> {
    if key == b"heap" {
        let mut heap = RawHeap::default();
        p.heap(&doc.meta, &mut heap, &mut doc.warnings, &mut doc.object_tracebacks_seen)?;
        doc.heap = Some(heap);
    } else {
        let at = p.offset();
        let (t, warnings) = lone.read(p.value()?, at, |v| {
            let (mut t, mut warnings) = (Tracemalloc::default(), doc.warnings.clone());
            let seed = TracemallocSeed { meta: &doc.meta, t: &mut t, warnings: &mut warnings };
            with_serde(v, |de| seed.deserialize(de))?;
            Some((t, warnings))
        })?;
        doc.tracemalloc = Some(t);
        doc.warnings = warnings;
    }
    Some(())
}

/// Lone UTF-16 surrogate escapes read as U+FFFD so far, and where the first
/// was (a byte offset in the text after its byte order mark): the warning
/// the whole-file path gives after its rewrite
/// ([`crate::load::note_lone_surrogates`]), without reading the file again.
#[derive(Debug, Default)]
struct LoneSurrogates {
    count: u64,
    first: Option<u64>,
}

impl LoneSurrogates {
    fn add(&mut self, count: u64, first: Option<u64>) {
        self.count += count;
        if let Some(at) = first {
            self.first = Some(self.first.map_or(at, |f| f.min(at)));
        }
    }

    /// `parse` over a value starting at byte `at`; a value with lone
    /// surrogate escapes is parsed from a copy with each made `\ufffd`
    /// (serde refuses them), as the whole-file path does.
    fn read<T>(&mut self, value: &[u8], at: u64, parse: impl FnOnce(&[u8]) -> Option<T>) -> Option<T> {
        if memchr::memmem::find(value, b"\\u").is_none() {
            return parse(value);
        }
        let mut copy = value.to_vec();
        let (count, first) = crate::load::replace_lone_surrogates(&mut copy);
        if count == 0 {
            return parse(value);
        }
        self.add(count, first.map(|f| at + f as u64));
        parse(&copy)
    }
}

/// From the start of a document: skips the top-level members up to `meta`
/// and returns it (`Some(None)` when there is none, `None` on anything
/// unexpected). Holds only the stream's window: skipped values are not kept.
fn meta_ahead(reader: &mut dyn Read) -> Option<Option<Meta>> {
    let mut p = Stream::new(reader, Pieces::ONE_THREAD);
    if p.open_document()? {
        return Some(None);
    }
    loop {
        let key = p.key()?;
        if key == b"meta" {
            // Its lone surrogates are counted when the main pass reads it.
            let value = p.value()?;
            return Some(Some(LoneSurrogates::default().read(value, 0, |v| serde_json::from_slice::<Meta>(v).ok())?));
        }
        p.skip_value()?;
        if !p.next_member()? {
            return Some(None);
        }
    }
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

/// How much is asked of the reader at a time.
const BLOCK: usize = 1 << 20;

/// A string without escapes is held whole up to this many bytes; a longer
/// one (cut to [`crate::strings::MAX_STRING_BYTES`] anyway) is decoded a
/// window at a time.
const LONG_STRING: usize = BLOCK / 2;

/// How the flat arrays are parsed: an array longer than `after` bytes is
/// parsed from there on in pieces of about `size` bytes by `threads`
/// tokenizer threads besides the reading one (0: all on the reading thread).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
struct Pieces {
    after: usize,
    size: usize,
    threads: usize,
}

impl Pieces {
    const ONE_THREAD: Pieces = Pieces { after: usize::MAX, size: BLOCK, threads: 0 };

    /// Natively, one tokenizer per core (up to 4) when there are two or
    /// more; the browser worker has one thread.
    fn here() -> Pieces {
        #[cfg(not(target_arch = "wasm32"))]
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        #[cfg(target_arch = "wasm32")]
        let cores = 1;
        if cores < 2 {
            return Pieces::ONE_THREAD;
        }
        // 128 KiB pieces: ≈ 30,000 integers each, so the hand-over costs
        // nothing next to the parse, and a few in flight stay in the caches.
        Pieces { after: BLOCK, size: 128 << 10, threads: cores.min(4) }
    }
}

/// The longest token a flat array may hold (an integer has at most 18
/// digits here, with its sign and whitespace around it).
const MAX_FLAT_TOKEN: usize = 64;

/// A window over the text being read. `pos` is the read position in `buf`;
/// bytes before it are dropped when more are read, except from `mark` on
/// (the start of a value being captured for serde).
struct Stream<'r> {
    reader: &'r mut dyn Read,
    pieces: Pieces,
    /// Read bytes up to `end`, then room for the next read.
    buf: Vec<u8>,
    end: usize,
    pos: usize,
    mark: Option<usize>,
    eof: bool,
    /// Bytes dropped before `buf[0]`, and the byte order mark's length:
    /// where a byte of the window is in the text.
    dropped: u64,
    bom: u64,
}

impl<'r> Stream<'r> {
    fn new(reader: &'r mut dyn Read, pieces: Pieces) -> Self {
        Stream { reader, pieces, buf: Vec::new(), end: 0, pos: 0, mark: None, eof: false, dropped: 0, bom: 0 }
    }

    /// Reads more after the window's end, dropping what is no longer
    /// needed first. `Some(false)` at the end of the text, `None` on a read
    /// error.
    fn more(&mut self) -> Option<bool> {
        if self.eof {
            return Some(false);
        }
        let keep = self.mark.unwrap_or(self.pos).min(self.pos);
        if keep > 0 {
            self.dropped += keep as u64;
            self.buf.copy_within(keep..self.end, 0);
            self.end -= keep;
            self.pos -= keep;
            self.mark = self.mark.map(|m| m - keep);
        }
        if self.buf.len() - self.end < BLOCK / 2 {
            self.buf.resize(self.end + BLOCK, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(n) => {
                    self.end += n;
                    self.eof = n == 0;
                    return Some(n > 0);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return None,
            }
        }
    }

    /// Makes sure the byte at `pos` is in the window; `false` at the end.
    #[inline]
    fn fill(&mut self) -> Option<bool> {
        while self.pos >= self.end {
            if !self.more()? {
                return Some(false);
            }
        }
        Some(true)
    }

    fn peek(&mut self) -> Option<u8> {
        if !self.fill()? {
            return None;
        }
        Some(self.buf[self.pos])
    }

    /// Whether the text ends here.
    fn at_end(&mut self) -> Option<bool> {
        Some(!self.fill()?)
    }

    /// Skips a UTF-8 byte order mark.
    fn bom(&mut self) {
        for _ in 0..3 {
            if self.fill() != Some(true) {
                return;
            }
            if self.end - self.pos >= 3 {
                break;
            }
            if self.more() != Some(true) {
                break;
            }
        }
        if self.buf[self.pos..self.end].starts_with(b"\xEF\xBB\xBF") {
            self.pos += 3;
            self.bom = 3;
        }
    }

    /// Where `pos` is in the text after its byte order mark (what the
    /// whole-file path, which strips the mark, calls a byte offset).
    fn offset(&self) -> u64 {
        (self.dropped + self.pos as u64).saturating_sub(self.bom)
    }

    /// The document's start: a byte order mark, then `{`. `true` when the
    /// object is empty (its `}` read too).
    fn open_document(&mut self) -> Option<bool> {
        self.bom();
        self.ws()?;
        self.expect(b'{')?;
        self.ws()?;
        let empty = self.peek()? == b'}';
        self.pos += empty as usize;
        Some(empty)
    }

    fn ws(&mut self) -> Option<()> {
        loop {
            while self.pos < self.end && is_ws(self.buf[self.pos]) {
                self.pos += 1;
            }
            if self.pos < self.end || !self.more()? {
                return Some(());
            }
        }
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.pos += 1)
    }

    /// `"key"` `:` with whitespace; keys with escapes are left to serde.
    fn key(&mut self) -> Option<Vec<u8>> {
        self.ws()?;
        self.expect(b'"')?;
        let mut key = Vec::new();
        loop {
            let c = self.peek()?;
            self.pos += 1;
            match c {
                b'"' => break,
                b'\\' => return None,
                _ if c < 0x20 || key.len() > 256 => return None,
                _ => key.push(c),
            }
        }
        self.ws()?;
        self.expect(b':')?;
        self.ws()?;
        Some(key)
    }

    /// After a member's value: `true` at `,`, `false` at `}`.
    fn next_member(&mut self) -> Option<bool> {
        self.ws()?;
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

    /// The bytes of one value, for serde (which validates them); valid
    /// until the stream moves on.
    fn value(&mut self) -> Option<&[u8]> {
        self.mark = Some(self.pos);
        let skipped = self.skip_value();
        let start = self.mark.take()?;
        skipped?;
        Some(&self.buf[start..self.pos])
    }

    /// Steps over a value the document has no use for (an unknown member),
    /// checked by serde as it is read: `IgnoredAny` over the window, which
    /// keeps a byte per open bracket and no more, so a huge value is never
    /// held whole (it was, for serde, before) and accepts exactly what the
    /// whole-file path's `IgnoredAny` accepts.
    fn ignore_value(&mut self) -> Option<()> {
        /// The window as a reader, counting the bytes handed to serde.
        struct Window<'a, 'r> {
            p: &'a mut Stream<'r>,
            handed: u64,
        }
        impl Read for Window<'_, '_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                match self.p.fill() {
                    Some(true) => {}
                    Some(false) => return Ok(0),
                    None => return Err(std::io::Error::other("the file could not be read")),
                }
                let n = (self.p.end - self.p.pos).min(out.len());
                out[..n].copy_from_slice(&self.p.buf[self.p.pos..self.p.pos + n]);
                self.p.pos += n;
                self.handed += n as u64;
                Ok(n)
            }
        }
        let mut window = Window { p: self, handed: 0 };
        let mut values = serde_json::Deserializer::from_reader(&mut window).into_iter::<IgnoredAny>();
        values.next()?.ok()?;
        let used = values.byte_offset() as u64;
        drop(values);
        // serde reads a byte at a time and looks one past the value: that byte
        // was handed out last, after the window last moved, so it is still there.
        let over = usize::try_from(window.handed.checked_sub(used)?).ok()?;
        window.p.pos = window.p.pos.checked_sub(over)?;
        Some(())
    }

    /// Steps over one value without validating it.
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    if !self.fill()? {
                        return None;
                    }
                    match self.buf[self.pos] {
                        b'"' => {
                            self.skip_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            _ => {
                let mut len = 0;
                while self.fill()? {
                    let c = self.buf[self.pos];
                    if matches!(c, b',' | b'}' | b']') || is_ws(c) {
                        break;
                    }
                    self.pos += 1;
                    len += 1;
                }
                (len > 0).then_some(())
            }
        }
    }

    /// Steps over the string starting at `pos`.
    fn skip_string(&mut self) -> Option<()> {
        self.pos += 1;
        loop {
            if !self.fill()? {
                return None;
            }
            let rest = &self.buf[self.pos..self.end];
            match rest.iter().position(|&c| c == b'"' || c == b'\\') {
                Some(i) if rest[i] == b'"' => {
                    self.pos += i + 1;
                    return Some(());
                }
                Some(i) => {
                    // An escape: step over it (its second byte may be in the next block).
                    self.pos += i + 1;
                    if !self.fill()? {
                        return None;
                    }
                    self.pos += 1;
                }
                None => self.pos = self.end,
            }
        }
    }

    /// The `strings` array, one string at a time into `table` (the window
    /// holds one string, not the array). A string without escapes goes in
    /// as it stands, after the checks serde would make (UTF-8, no control
    /// characters); one with escapes is decoded by serde on its own.
    fn strings(&mut self, table: &mut StringTable, lone: &mut LoneSurrogates) -> Option<()> {
        self.expect(b'[')?;
        self.ws()?;
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(());
        }
        loop {
            self.ws()?;
            if self.peek()? != b'"' {
                return None;
            }
            self.string_into(table, lone)?;
            if table.byte_len() > u32::MAX as usize / 2 {
                return None;
            }
            self.ws()?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Reads the string whose `"` is at `pos` into `table`: as it stands
    /// when it is short and has no escapes (after the checks serde would
    /// make: UTF-8, no control characters), else decoded a window at a time.
    fn string_into(&mut self, table: &mut StringTable, lone: &mut LoneSurrogates) -> Option<()> {
        self.mark = Some(self.pos);
        let found = self.find_plain_string_end();
        let open = self.mark.take()?;
        let Some(close) = found? else {
            self.pos = open + 1;
            return self.decode_string(table, lone);
        };
        let text = &self.buf[open + 1..close];
        self.pos = close + 1;
        if !text.iter().all(|&c| c >= 0x20) {
            return None;
        }
        table.push(std::str::from_utf8(text).ok()?);
        Some(())
    }

    /// The rest of a string from `pos` (after its opening quote) through
    /// [`StringDecoder`]: the window holds a block, not the string.
    #[cold]
    fn decode_string(&mut self, table: &mut StringTable, lone: &mut LoneSurrogates) -> Option<()> {
        let start = self.offset();
        let mut decoder = StringDecoder::default();
        loop {
            match decoder.feed(&self.buf[self.pos..self.end], self.eof)? {
                Step::Done(n) => {
                    self.pos += n;
                    break;
                }
                Step::More(n) => {
                    self.pos += n;
                    if !self.more()? {
                        return None;
                    }
                }
            }
        }
        let (count, first) = decoder.finish(table);
        lone.add(count, first.map(|at| start + at));
        Some(())
    }

    /// The position of the `"` that closes the string opened at `mark`
    /// (kept in the window), or `Some(None)` at its first escape or past
    /// [`LONG_STRING`] bytes: that string is decoded instead.
    fn find_plain_string_end(&mut self) -> Option<Option<usize>> {
        // Scanned bytes after the opening quote; positions move when the window does.
        let mut scanned = 1;
        loop {
            let from = self.mark? + scanned;
            match memchr::memchr2(b'"', b'\\', self.buf.get(from..self.end).unwrap_or(&[])) {
                Some(i) if self.buf[from + i] == b'"' => return Some(Some(from + i)),
                Some(_) => return Some(None),
                None => {
                    scanned = self.end.max(from) - self.mark?;
                    if scanned > LONG_STRING {
                        return Some(None);
                    }
                    if !self.more()? {
                        return None;
                    }
                }
            }
        }
    }

    /// The `heap` object: its flat arrays on the fast path.
    fn heap(&mut self, meta: &Meta, heap: &mut RawHeap, warnings: &mut Warnings, tracebacks_seen: &mut bool) -> Option<()> {
        self.expect(b'{')?;
        self.ws()?;
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        let mut seen: Vec<Vec<u8>> = Vec::new();
        loop {
            let key = self.key()?;
            if super::visit::HEAP_KEYS.iter().any(|k| k.as_bytes() == key.as_slice()) {
                if seen.contains(&key) {
                    return None;
                }
                seen.push(key.clone());
            }
            match key.as_slice() {
                b"objects" => {
                    let layout = objects_layout::<JsonError>(meta).ok()?;
                    let bits = FlagBits::of(meta.object_flags.as_ref()).ok()?;
                    *tracebacks_seen = layout.at[5].is_some();
                    let mut sink = objects_sink(&layout, &bits, heap, warnings);
                    self.flat(layout.width, &mut sink)?;
                    drop(sink);
                    // The record count is known only at the end: give back what
                    // growing by doubling left over (the wasm worker's memory
                    // never shrinks, but freed blocks are reused).
                    heap.address.shrink_to_fit();
                    heap.type_name.shrink_to_fit();
                    heap.size_bytes.shrink_to_fit();
                    heap.flags.shrink_to_fit();
                    heap.description.shrink_to_fit();
                    heap.traceback.shrink_to_fit();
                }
                b"references" => {
                    let layout = references_layout::<JsonError>(meta).ok()?;
                    let kinds = reference_kinds(meta);
                    let mut sink = references_sink(&layout, &kinds, heap, warnings);
                    self.flat(layout.width, &mut sink)?;
                    drop(sink);
                    heap.from.shrink_to_fit();
                    heap.to.shrink_to_fit();
                    heap.labels.shrink_to_fit();
                }
                b"roots" => {
                    let layout = roots_layout::<JsonError>(meta).ok()?;
                    let mut sink = roots_sink(&layout, heap);
                    self.flat(layout.width, &mut sink)?;
                }
                b"changed_during_dump" => {
                    if self.value()?.trim_ascii() == b"true" {
                        warnings.push(CHANGED_DURING_DUMP, None);
                    }
                }
                _ => self.ignore_value()?,
            }
            if !self.next_member()? {
                return Some(());
            }
        }
    }

    /// A flat array `[` … `]` of whole records of `width` integers, parsed
    /// a window at a time into `sink` (`None` sends the file down the serde
    /// path, which says where a record is cut short). Past `pieces.after`
    /// bytes the rest goes to [`Stream::flat_in_pieces`] when threads are allowed.
    fn flat(&mut self, width: usize, sink: &mut impl FnMut(u64, &[i64])) -> Option<()> {
        self.expect(b'[')?;
        self.flat_from(Flat::new(width), sink)
    }

    /// The rest of the flat array whose state is `flat`.
    fn flat_from(&mut self, mut flat: Flat, sink: &mut impl FnMut(u64, &[i64])) -> Option<()> {
        let mut fed = 0;
        loop {
            if !self.fill()? {
                return None;
            }
            let rest = &self.buf[self.pos..self.end];
            if let Some(close) = memchr::memchr(b']', rest) {
                flat.feed(&rest[..close], sink)?;
                self.pos += close + 1;
                return flat.finish();
            }
            // Up to the last byte that cannot be inside an integer: no token is cut.
            match rest.iter().rposition(|&c| !(c.is_ascii_digit() || c == b'-')) {
                Some(last) => {
                    flat.feed(&rest[..=last], sink)?;
                    self.pos += last + 1;
                    fed += last + 1;
                }
                None if rest.len() > MAX_FLAT_TOKEN => return None,
                None => {}
            }
            if self.pieces.threads > 0 && fed >= self.pieces.after {
                #[cfg(not(target_arch = "wasm32"))]
                return self.flat_in_pieces(flat, sink);
            }
            if !self.more()? {
                return None;
            }
        }
    }

    /// The rest of a flat array, natively: the reading thread cuts it into
    /// pieces between tokens and deals them round-robin to tokenizer
    /// threads ([`flat::tokenize`]); it takes their integers back in the same
    /// round-robin order, so in the text's order, and makes the records
    /// ([`Flat::accept`]) while the tokenizers work on the pieces after.
    /// The sink runs on this thread only. Same records, same refusals as
    /// one thread (the test `pieces_agree_with_one_thread`).
    ///
    /// What the window already holds is copied into the pieces; after that
    /// the text is read straight into the pieces' buffers (the integer cut
    /// at a piece's end carried into the next), so the reading thread —
    /// the one every other waits for — copies the text once, not twice.
    /// What follows the closing `]` goes back into the window.
    #[cfg(not(target_arch = "wasm32"))]
    fn flat_in_pieces(&mut self, mut flat: Flat, sink: &mut impl FnMut(u64, &[i64])) -> Option<()> {
        use std::sync::mpsc;
        /// Pieces queued per tokenizer beyond the one it works on.
        const DEPTH: usize = 2;
        let Pieces { size, threads, .. } = self.pieces;
        // Nothing is marked inside a flat array: the window need not keep
        // what the pieces read past.
        debug_assert!(self.mark.is_none());
        let is_int = |c: &u8| c.is_ascii_digit() || *c == b'-';
        #[cfg(not(target_arch = "wasm32"))]
        let parsed = std::thread::scope(|scope| {
            // Per tokenizer: pieces to it (a buffer and how many of its bytes
            // are text), integers back.
            let mut to: Vec<mpsc::SyncSender<(Vec<u8>, usize, flat::Piece)>> = Vec::new();
            let mut back: Vec<mpsc::Receiver<(Vec<u8>, Option<flat::Piece>)>> = Vec::new();
            for _ in 0..threads {
                let (job_tx, job_rx) = mpsc::sync_channel::<(Vec<u8>, usize, flat::Piece)>(DEPTH);
                let (done_tx, done_rx) = mpsc::channel();
                let tokenizer = move || {
                    for (bytes, len, mut piece) in job_rx {
                        let ok = flat::tokenize(&bytes[..len], &mut piece).is_some();
                        if done_tx.send((bytes, ok.then_some(piece))).is_err() {
                            return;
                        }
                    }
                };
                // A thread the system will not start: fewer tokenizers.
                #[cfg(not(target_arch = "wasm32"))]
                let started = std::thread::Builder::new().spawn_scoped(scope, tokenizer).is_ok();
                if started {
                    to.push(job_tx);
                    back.push(done_rx);
                }
            }
            let threads = to.len();
            if threads == 0 {
                self.pieces.threads = 0;
                return self.flat_from(flat, sink);
            }
            let (mut sent, mut taken) = (0usize, 0usize);
            let mut spare: Vec<(Vec<u8>, flat::Piece)> = Vec::new();
            // Takes the oldest piece back and makes its records.
            let mut take = |taken: &mut usize, spare: &mut Vec<(Vec<u8>, flat::Piece)>, flat: &mut Flat| -> Option<()> {
                let (bytes, piece) = back[*taken % threads].recv().ok()?;
                *taken += 1;
                let piece = piece?;
                flat.accept(&piece, sink)?;
                spare.push((bytes, piece));
                Some(())
            };
            // Read straight into the pieces: the integer cut at the last
            // piece's end, and where the next byte read is in the text.
            let mut carry = [0u8; MAX_FLAT_TOKEN];
            let mut carried = 0;
            let mut next_at = 0u64;
            let mut direct = false;
            loop {
                if !direct && self.pos >= self.end {
                    direct = true;
                    next_at = self.dropped + self.end as u64;
                }
                if sent - taken == threads * (DEPTH + 1) {
                    take(&mut taken, &mut spare, &mut flat)?;
                }
                let (mut bytes, piece) = spare.pop().unwrap_or_default();
                let (len, closes) = if direct {
                    // At least one read (the carry alone is less than a token).
                    let room = size.max(MAX_FLAT_TOKEN) + MAX_FLAT_TOKEN;
                    if bytes.len() < room {
                        bytes.resize(room, 0);
                    }
                    bytes[..carried].copy_from_slice(&carry[..carried]);
                    let mut filled = carried;
                    while !self.eof {
                        match self.reader.read(&mut bytes[filled..room]) {
                            Ok(n) => {
                                self.eof = n == 0;
                                filled += n;
                                next_at += n as u64;
                                if filled >= size {
                                    break;
                                }
                            }
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(_) => return None,
                        }
                    }
                    let text = &bytes[..filled];
                    carried = 0;
                    match memchr::memchr(b']', text) {
                        Some(close) => {
                            // The rest of the text goes back into the window.
                            let rest = &text[close + 1..];
                            if self.buf.len() < rest.len() {
                                self.buf.resize(rest.len(), 0);
                            }
                            self.buf[..rest.len()].copy_from_slice(rest);
                            (self.pos, self.end) = (0, rest.len());
                            self.dropped = next_at - rest.len() as u64;
                            (close, true)
                        }
                        None => match text.iter().rposition(|c| !is_int(c)) {
                            Some(last) if filled - last - 1 <= MAX_FLAT_TOKEN => {
                                carried = filled - last - 1;
                                carry[..carried].copy_from_slice(&text[last + 1..]);
                                (last + 1, false)
                            }
                            // An integer too long, or the text ends inside the array.
                            _ if filled > MAX_FLAT_TOKEN || self.eof => return None,
                            _ => {
                                carried = filled;
                                carry[..carried].copy_from_slice(text);
                                spare.push((bytes, piece));
                                continue;
                            }
                        },
                    }
                } else {
                    let window = &self.buf[self.pos..self.end];
                    let span = &window[..window.len().min(size)];
                    // The piece: up to `]`, else up to the last byte of the span that
                    // cannot be inside an integer (past the span if it is all digits).
                    let (len, closes) = match memchr::memchr(b']', span) {
                        Some(close) => (close, true),
                        None => match span.iter().rposition(|c| !is_int(c)).or_else(|| window.iter().position(|c| !is_int(c))) {
                            Some(last) if window[last] == b']' => (last, true),
                            Some(last) => (last + 1, false),
                            None if window.len() > MAX_FLAT_TOKEN => return None,
                            None => {
                                // The start of an integer: carried into the next read.
                                carried = window.len();
                                carry[..carried].copy_from_slice(window);
                                self.pos = self.end;
                                spare.push((bytes, piece));
                                continue;
                            }
                        },
                    };
                    if bytes.len() < len {
                        bytes.resize(len, 0);
                    }
                    bytes[..len].copy_from_slice(&window[..len]);
                    self.pos += len + closes as usize;
                    (len, closes)
                };
                to[sent % threads].send((bytes, len, piece)).ok()?;
                sent += 1;
                if closes {
                    break;
                }
            }
            while taken < sent {
                take(&mut taken, &mut spare, &mut flat)?;
            }
            flat.finish()
        });
        parsed
    }
}

/// [`parse_stream`] over `bytes` handed out `read` bytes at a time, every
/// flat array parsed from its start in pieces of about `size` bytes by
/// `threads` tokenizer threads (tests).
#[cfg(test)]
pub(super) fn parse_threaded(bytes: &[u8], read: usize, size: usize, threads: usize) -> Option<Loaded> {
    use crate::load::InPieces;
    let pieces = Pieces { after: 0, size, threads };
    parse_stream_in(&mut InPieces { bytes, piece: read }, &|| Some(Box::new(InPieces { bytes, piece: read })), pieces).and_then(Result::ok)
}

/// A heap of `n` objects with 4 references each (several MB for tens of
/// thousands), in either layout a file may have: every field in full, or
/// `meta` declaring address and `from` deltas (addresses alternating
/// between two regions, as our exporter's do), for the tests.
#[cfg(test)]
pub(super) fn big_document(n: usize, deltas: bool) -> Vec<u8> {
    use std::fmt::Write;
    let mut out = String::from(r#"{"format":"heapscope","version":1,"#);
    if deltas {
        out.push_str(r#""meta":{"object_fields":["address_delta","type","size","flags","description"],"reference_fields":["from_delta","to","kind","name"]},"#);
    }
    out.push_str(r#""heap":{"objects":["#);
    let mut previous = 0i64;
    for i in 0..n as i64 {
        let address = if i % 2 == 0 { 0x7f00_0000 + 32 * i } else { 0x5500_0000 - 48 * i };
        let (ty, size, description) = (1 + i % 4, 16 + (i * 37) % 400, if i % 3 == 0 { 5 } else { -1 });
        let sep = if i == 0 { "" } else { "," };
        if deltas {
            write!(out, "{sep}{},{ty},{size},1,{description}", address - previous).unwrap();
            previous = address;
        } else {
            write!(out, "{sep}{address},{ty},{size},1,{description},-1").unwrap();
        }
    }
    out.push_str(r#"],"references":["#);
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut previous_from = 0i64;
    for i in 0..n as i64 {
        for k in 0..4 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let to = (state % n as u64) as i64;
            let (kind, name) = [(2, 6), (1, 5), (4, -1), (0, -1)][k];
            let from = if deltas { i - std::mem::replace(&mut previous_from, i) } else { i };
            let sep = if i == 0 && k == 0 { "" } else { ", " };
            write!(out, "{sep}{from},{to},{kind},{name}").unwrap();
        }
    }
    out.push_str(r#"],"roots":[0,0,-1,0]},"strings":["","builtins.dict","builtins.list","app.Node","builtins.str","'x'","'k'"]}"#);
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Heaps of several MB in both layouts (increasing and delta-encoded
    /// addresses): the arrays parsed in pieces by 1–4 threads give exactly
    /// what one thread gives, warnings included, at the sizes a machine
    /// uses and at tiny ones (many pieces cut between any two tokens).
    #[test]
    fn pieces_agree_with_one_thread() {
        for deltas in [false, true] {
            let text = big_document(60_000, deltas);
            assert!(text.len() > 2 * BLOCK, "{} bytes: more than the window, so the pieces start", text.len());
            let again = || Some(Box::new(&text[..]) as Box<dyn Read>);
            let one = parse_stream_in(&mut &text[..], &again, Pieces::ONE_THREAD).and_then(Result::ok).expect("one thread");
            let expected = (format!("{:?}", one.snapshot), format!("{:?}", one.warnings));
            let heap = one.snapshot.heap.as_ref().unwrap();
            assert_eq!((heap.object_count(), heap.reference_count(), one.warnings.len()), (60_000, 240_000, 0));
            for pieces in [Pieces::here(), Pieces { after: BLOCK, size: 1000, threads: 2 }, Pieces { after: 0, size: 37, threads: 3 }] {
                let many =
                    parse_stream_in(&mut &text[..], &again, pieces).and_then(Result::ok).unwrap_or_else(|| panic!("{pieces:?} declined"));
                assert_eq!((format!("{:?}", many.snapshot), format!("{:?}", many.warnings)), expected, "{pieces:?}");
            }
        }
    }
}
