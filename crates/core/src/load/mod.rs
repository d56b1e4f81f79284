//! Snapshot loaders. The format is detected from the content, never from the
//! file name; gzip is undone transparently.
//!
//! Loaders never panic and never hang on hostile input: structural damage is
//! a [`LoadError`] that says what and where, damage confined to one record is
//! a warning and the rest loads.

mod adhoc;
mod environment;
mod gzip;
pub mod line_report;
pub mod mprof;
mod pickle;
mod source;
mod v1;

pub use source::{load_source, plain_head, read_plain, InPieces, Source};

use std::io::Read;

use crate::diagnostic::{Diagnostic, LoadError, Location};
use crate::model::{Snapshot, SourceFormat};

/// A loaded snapshot and the warnings raised while loading it.
#[derive(Debug)]
pub struct Loaded {
    pub snapshot: Snapshot,
    /// The first [`Warnings::LIMIT`](crate::diagnostic::Warnings::LIMIT)
    /// warnings, then one line saying how many more there were.
    pub warnings: Vec<Diagnostic>,
    /// How many warnings were raised in all (the list above is capped).
    pub warning_count: u64,
}

impl Loaded {
    pub(crate) fn new(snapshot: Snapshot, mut warnings: crate::diagnostic::Warnings) -> Loaded {
        if let Some((count, longest)) = snapshot.strings.shortened() {
            let message = format!(
                "{count} string(s) longer than {} bytes were cut there (the longest had {} bytes): no type name, key or path is that long, so the file may be damaged",
                crate::strings::MAX_STRING_BYTES,
                crate::units::format_count(longest)
            );
            warnings.push_front(message, None);
        }
        let warning_count = warnings.total;
        Loaded { snapshot, warnings: warnings.into_vec(), warning_count }
    }
}

/// The largest decompressed input heapscope reads, derived from what the
/// model can index: objects, references and string bytes are `u32`
/// indices, and 4 GiB of text already makes a model of ≈ 2×10^8
/// references. The same on 32-bit hosts (the wasm worker), less one byte
/// so that it fits a `usize`: a v1 document is parsed as it is read
/// ([`load_source`]), so the text never has to fit in memory beside the
/// model; only a document the streaming path declines is read whole (its
/// exact error needs the serde reader), and one too large for the memory
/// left is refused with "not enough memory".
pub const MAX_DECOMPRESSED_BYTES: u64 = if usize::BITS == 32 { usize::MAX as u64 } else { 4 << 30 };

/// Output kept in memory while decompressing before the stream is
/// suspected of being a bomb: this many bytes, or [`EAGER_RATIO`] times the
/// compressed size if that is more. Past it, the rest is only counted (in a
/// fixed buffer) until the end or the limit; a real file that gets there is
/// then decompressed a second time into a buffer of the exact size.
const EAGER_BYTES: u64 = 256 << 20;
/// Real snapshots compress 5–30×; deflate cannot exceed ≈ 1032×.
const EAGER_RATIO: u64 = 64;

/// Limits for one load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Decompressed inputs larger than this are refused.
    pub max_decompressed_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { max_decompressed_bytes: MAX_DECOMPRESSED_BYTES }
    }
}

/// Whether `bytes` more can be allocated now: reserved and given back at
/// once, no page touched. Under an address-space limit (`ulimit -v`) or in
/// wasm32's 4 GiB this says no where the allocation itself would abort the
/// process; an overcommitting kernel says yes.
/// Requests under [`PROBED_FROM`] are not tried: a process that got this
/// far can have that much.
pub fn can_allocate(bytes: u64) -> bool {
    if bytes < PROBED_FROM {
        return true;
    }
    let mut probe: Vec<u8> = Vec::new();
    usize::try_from(bytes).is_ok_and(|b| probe.try_reserve_exact(b).is_ok())
}

/// See [`can_allocate`].
const PROBED_FROM: u64 = 256 << 20;

/// Room for one more item in `v`: when it is full it grows (doubling) by
/// `try_reserve`; false when that fails — the loaders' columns grow so, and
/// a heap too large for the memory left is refused instead of aborting.
pub(crate) fn room_for_one<T>(v: &mut Vec<T>) -> bool {
    room_for(v, 1)
}

/// Room for `n` more items in `v`, growing the same way (doubling, or by
/// `n` when that is more); false when that fails.
pub(crate) fn room_for<T>(v: &mut Vec<T>, n: usize) -> bool {
    v.capacity() - v.len() >= n || v.try_reserve(n.max(v.capacity()).max(4096)).is_ok()
}

/// How a refusal for want of memory starts (the v1 fast path returns it
/// rather than declining: the serde path would fail the same way, slower).
pub(crate) const NOT_ENOUGH_MEMORY: &str = "not enough memory";

/// The refusal of a heap whose graph would not fit in the memory left (see
/// [`can_allocate`]): building it takes up to 12 bytes per reference (the
/// references reordered by referrer, the incoming side) and 12 per object
/// beyond the records read, and `extra` bytes the loader adds.
pub(crate) fn graph_memory_refusal(objects: usize, references: usize, extra: u64) -> Option<LoadError> {
    let bytes = references as u64 * 12 + (objects as u64 + 1) * 12 + extra;
    (!can_allocate(bytes)).then(|| {
        LoadError::new(format!("{NOT_ENOUGH_MEMORY} for this heap's graph ({} MiB more for {references} references)", bytes >> 20), None)
    })
}

/// Loads a snapshot from the bytes of a file, gzip-compressed or not.
pub fn load(bytes: &[u8]) -> Result<Loaded, LoadError> {
    load_with(bytes, &LoadOptions::default())
}

/// [`load`] with explicit limits.
pub fn load_with(bytes: &[u8], options: &LoadOptions) -> Result<Loaded, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::new("the file is empty", None));
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let plain = gunzip_limited(bytes, options.max_decompressed_bytes)?;
        return load_plain(&plain);
    }
    if bytes.len() as u64 > options.max_decompressed_bytes {
        return Err(too_large(bytes.len() as u64, options.max_decompressed_bytes));
    }
    load_plain(bytes)
}

/// The refusal of an input past the size the parser can use.
pub fn too_large(bytes: u64, max_bytes: u64) -> LoadError {
    LoadError::new(
        format!("the file is {}; heapscope reads snapshots up to {} (what the parser can use)", shown_size(bytes), shown_size(max_bytes)),
        None,
    )
}

fn shown_size(bytes: u64) -> String {
    if bytes >= 1 << 30 {
        // Rounded to the nearest MiB first: 4 GiB − 1 byte reads "4 GiB".
        format!("{} GiB", (bytes + (1 << 19)) >> 30)
    } else if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// Loads with one given loader, skipping detection (gzip is still undone).
/// For tests and fuzzing; [`load`] is what front ends call.
pub fn load_as(format: SourceFormat, bytes: &[u8]) -> Result<Loaded, LoadError> {
    let plain;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        plain = gunzip(bytes)?;
        &plain[..]
    } else {
        bytes
    };
    match format {
        SourceFormat::HeapscopeV1 => v1::parse(bytes),
        SourceFormat::TracemallocPickle => pickle::parse(bytes),
        SourceFormat::AdHocJson => adhoc::parse(bytes),
    }
}

/// Undoes gzip (all members), refusing outputs past [`MAX_DECOMPRESSED_BYTES`].
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, LoadError> {
    gunzip_limited(bytes, MAX_DECOMPRESSED_BYTES)
}

/// Undoes gzip (all members), refusing outputs past `max_bytes`. Memory
/// stays bounded whatever the stream claims: the output buffer never grows
/// past `max_bytes`, and past the eager budget (see [`EAGER_BYTES`]) the
/// stream is only counted, so a bomb is refused holding at most that budget.
pub fn gunzip_limited(bytes: &[u8], max_bytes: u64) -> Result<Vec<u8>, LoadError> {
    let eager = EAGER_BYTES.max((bytes.len() as u64).saturating_mul(EAGER_RATIO)).min(max_bytes);
    gunzip_with(bytes, max_bytes, eager)
}

fn gunzip_with(bytes: &[u8], max_bytes: u64, eager: u64) -> Result<Vec<u8>, LoadError> {
    const CHUNK: usize = 64 << 10;
    let corrupt = |e: std::io::Error, at: u64| {
        LoadError::new(
            format!("the gzip stream is truncated or corrupt ({e}); re-export or re-download the file"),
            Some(Location::Byte(at)),
        )
    };
    let refuse = || {
        let limit = shown_size(max_bytes);
        LoadError::new(
            format!(
                "the gzip stream expands past {limit}; heapscope refuses it (a compression bomb, or a snapshot larger than it can analyse)"
            ),
            None,
        )
    };
    let mut decoder = gzip::members(bytes);
    // The gzip trailer's size (mod 2^32) is a hint for the first allocation only.
    let hint = bytes.len().checked_sub(4).map_or(0, |i| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as u64);
    let mut out: Vec<u8> = Vec::new();
    let _ = out.try_reserve_exact(hint.min(eager) as usize);
    // Phase 1: keep the output, up to the eager budget.
    loop {
        if out.len() as u64 >= eager {
            break;
        }
        if out.capacity() - out.len() < CHUNK {
            let want = (out.capacity().max(CHUNK) as u64 * 2).min(eager.max(out.len() as u64 + CHUNK as u64));
            if out.try_reserve_exact(want as usize - out.len()).is_err() {
                return Err(LoadError::new(format!("not enough memory to decompress the file ({} MiB so far)", out.len() >> 20), None));
            }
        }
        let start = out.len();
        let room = (out.capacity() - start).min(CHUNK);
        out.resize(start + room, 0);
        match decoder.read(&mut out[start..]) {
            Ok(0) => {
                out.truncate(start);
                return Ok(out);
            }
            Ok(n) => out.truncate(start + n),
            Err(e) => return Err(corrupt(e, start as u64)),
        }
        if out.len() as u64 > max_bytes {
            return Err(refuse());
        }
    }
    // Phase 2: count the rest without keeping it.
    let mut total = out.len() as u64;
    drop(out);
    let mut scratch = vec![0u8; CHUNK];
    loop {
        match decoder.read(&mut scratch) {
            Ok(0) => break,
            Ok(n) => total += n as u64,
            Err(e) => return Err(corrupt(e, total)),
        }
        if total > max_bytes {
            return Err(refuse());
        }
    }
    drop(scratch);
    // A real, highly compressible file: decompress again into its exact size.
    let mut out = Vec::new();
    if out.try_reserve_exact(total as usize).is_err() {
        return Err(LoadError::new(format!("not enough memory to decompress the file ({} MiB)", total >> 20), None));
    }
    gzip::members(bytes).read_to_end(&mut out).map_err(|e| corrupt(e, 0))?;
    Ok(out)
}

/// The error [`load_with`] would give for a file that starts with `head`,
/// when those bytes already show it is no snapshot — so that a pipe or a
/// device is refused at its first bytes instead of being read whole first.
/// `None` when it may be one (JSON, a pickle, gzip, only whitespace so far).
pub fn refusal_from_head(head: &[u8]) -> Option<LoadError> {
    if head.starts_with(&[0x1f, 0x8b]) {
        return None;
    }
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = body.iter().position(|b| !b.is_ascii_whitespace())?;
    match body[first] {
        b'{' | b'[' | 0x80 => None,
        _ => load_plain(head).err(),
    }
}

fn load_plain(bytes: &[u8]) -> Result<Loaded, LoadError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else {
        return Err(LoadError::new("the file holds only whitespace", None));
    };
    if matches!(body, [b'{' | b'[', 0, ..]) {
        return Err(not_a_snapshot(body)); // UTF-16 without a byte-order mark
    }
    if body.len() < bytes.len() && body.starts_with(b"\x1F\x8B") {
        return Err(LoadError::new(
            "gzip data behind a UTF-8 byte-order mark (EF BB BF): the compressed file was saved as text by something; \
             remove its first 3 bytes (`tail -c +4 FILE > FILE.gz`) or export it again",
            Some(Location::Byte(0)),
        ));
    }
    match body[first] {
        b'{' => with_lone_surrogates(body, v1::parse),
        b'[' => with_lone_surrogates(body, adhoc::parse),
        0x80 => pickle::parse(body),
        _ if mprof::looks_like(body) || line_report::looks_like(body) => Err(LoadError::new(
            "this is a memory_profiler file (mprof run data or an @profile report), not a heap snapshot; read it with `heapscope mprof`",
            Some(Location::Byte(0)),
        )),
        _ => Err(not_a_snapshot(body)),
    }
}

/// What a memory_profiler file is, from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKind {
    /// `mprof run` data (`mprofile_*.dat`).
    MprofRun,
    /// An `@profile` line-by-line report.
    LineReport,
}

/// Detects memory_profiler files (gzip undone by the caller); `None` for
/// anything else.
pub fn detect_profile(bytes: &[u8]) -> Option<ProfileKind> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if mprof::looks_like(body) {
        Some(ProfileKind::MprofRun)
    } else if line_report::looks_like(body) {
        Some(ProfileKind::LineReport)
    } else {
        None
    }
}

/// Parses JSON text; if it fails on a lone UTF-16 surrogate escape
/// (`"\ud800"`, which Python's `json` writes for such strings), parses a
/// copy with every lone one replaced by `\ufffd` (U+FFFD, same length) and
/// says so in a warning.
fn with_lone_surrogates(body: &[u8], parse: fn(&[u8]) -> Result<Loaded, LoadError>) -> Result<Loaded, LoadError> {
    let error = match parse(body) {
        Ok(loaded) => return Ok(loaded),
        Err(e) => e,
    };
    if !mentions_lone_surrogate(&error) {
        return Err(error);
    }
    let mut fixed = body.to_vec();
    let (count, first) = replace_lone_surrogates(&mut fixed);
    if count == 0 {
        return Err(error);
    }
    let mut loaded = parse(&fixed)?;
    note_lone_surrogates(&mut loaded, count, first.map(|at| at as u64));
    Ok(loaded)
}

/// Says, before every other warning, that `count` lone surrogate escapes
/// were read as U+FFFD, the first at byte `first` of the text.
pub(super) fn note_lone_surrogates(loaded: &mut Loaded, count: u64, first: Option<u64>) {
    let warning = Diagnostic::new(
        format!("{count} lone UTF-16 surrogate escape(s) (like \\ud800) are not characters; read as U+FFFD"),
        first.map(Location::Byte),
    );
    loaded.warnings.insert(0, warning);
    loaded.warning_count += 1;
}

/// Whether a JSON error may come from a lone UTF-16 surrogate escape.
fn mentions_lone_surrogate(error: &LoadError) -> bool {
    let message = &error.0.message;
    ["surrogate", "unicode code point", "end of hex escape"].iter().any(|m| message.contains(m))
}

/// Replaces every `\uD800`–`\uDFFF` escape inside a JSON string that is not
/// part of a high+low pair with `\ufffd`, in place. Returns how many, and
/// the byte offset of the first.
pub(crate) fn replace_lone_surrogates(text: &mut [u8]) -> (u64, Option<usize>) {
    fn escape_at(t: &[u8], i: usize) -> Option<u16> {
        if t.get(i) != Some(&b'\\') || t.get(i + 1) != Some(&b'u') {
            return None;
        }
        let hex = std::str::from_utf8(t.get(i + 2..i + 6)?).ok()?;
        u16::from_str_radix(hex, 16).ok()
    }
    let (mut count, mut first) = (0u64, None);
    let mut in_string = false;
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if !in_string {
            in_string = c == b'"';
            i += 1;
            continue;
        }
        match c {
            b'"' => {
                in_string = false;
                i += 1;
            }
            b'\\' => match escape_at(text, i) {
                Some(0xD800..=0xDBFF) if matches!(escape_at(text, i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
                Some(0xD800..=0xDFFF) => {
                    text[i + 2..i + 6].copy_from_slice(b"fffd");
                    count += 1;
                    first.get_or_insert(i);
                    i += 6;
                }
                _ => i += 2,
            },
            _ => i += 1,
        }
    }
    (count, first)
}

/// The error for input that is no snapshot at all, naming common file types.
fn not_a_snapshot(bytes: &[u8]) -> LoadError {
    const MAGICS: &[(&[u8], &str)] = &[
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"\x7FELF", "an executable (ELF)"),
        (b"<", "HTML or XML"),
    ];
    // Protocols 0 and 1 have no PROTO opcode: they start with MARK, GLOBAL,
    // EMPTY_LIST/DICT… and end with STOP.
    let last = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map(|i| bytes[i]);
    if matches!(bytes[0], b'(' | b'c' | b']' | b'}' | b')') && last == Some(b'.') {
        let head = &bytes[..bytes.len().min(4096)];
        let tracemalloc = head.windows(11).any(|w| w == b"tracemalloc");
        let what = if tracemalloc { "this tracemalloc pickle uses" } else { "this looks like a pickle of" };
        return LoadError::new(
            format!("{what} pickle protocol 0/1, which is not supported; dump with protocol ≥ 2 (tracemalloc.Snapshot.dump() does)"),
            Some(Location::Byte(0)),
        );
    }
    // Other compressions and encodings: say what to do instead.
    const REDO: &[(&[u8], &str)] = &[
        (b"\x1F\x8B", "gzip-compressed twice (a .gz inside the .gz): decompress it once (`gunzip`) and open the result"),
        (b"BZh", "bzip2-compressed; heapscope undoes gzip only: decompress it (`bunzip2`) or compress it with gzip"),
        (b"\xFD7zXZ\x00", "xz-compressed; heapscope undoes gzip only: decompress it (`unxz`) or compress it with gzip"),
        (b"\x28\xB5\x2F\xFD", "zstd-compressed; heapscope undoes gzip only: decompress it (`unzstd`) or compress it with gzip"),
        (b"\x00\x00\xFE\xFF", "UTF-32 text; heapscope reads UTF-8: save it as UTF-8"),
        (b"\xFF\xFE\x00\x00", "UTF-32 text; heapscope reads UTF-8: save it as UTF-8"),
        (b"\xFE\xFF", "UTF-16 text; heapscope reads UTF-8: save it as UTF-8"),
        (b"\xFF\xFE", "UTF-16 text; heapscope reads UTF-8: save it as UTF-8"),
    ];
    // UTF-16 without a byte-order mark: `{` or `[` with a zero byte beside it.
    let utf16 = matches!(bytes, [b'{' | b'[', 0, ..] | [0, b'{' | b'[', ..]);
    if let Some(what) = REDO.iter().find(|(m, _)| bytes.starts_with(m)).map(|(_, w)| *w).or(utf16.then_some(REDO[6].1)) {
        return LoadError::new(format!("not a heap snapshot as it stands: the file is {what}"), Some(Location::Byte(0)));
    }
    let what = MAGICS.iter().find(|(m, _)| bytes.starts_with(m)).map(|(_, w)| *w);
    let head: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02X}")).collect();
    let message = match what {
        Some(what) => format!("this is {what}, not a heap snapshot; open a .heapscope.json(.gz) file written by the heapscope exporter"),
        None => format!("not a heap snapshot: expected JSON or a tracemalloc pickle, but the file starts with bytes {}", head.join(" ")),
    };
    LoadError::new(message, Some(Location::Byte(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8]) -> String {
        load(bytes).unwrap_err().to_string()
    }

    #[test]
    fn refuses_non_snapshots_with_reasons() {
        assert_eq!(err(b""), "the file is empty");
        assert!(err(b"\x89PNG\r\n\x1a\n").contains("PNG image"), "{}", err(b"\x89PNG"));
        assert!(err(b"  \n ").contains("only whitespace"));
        assert!(err(b"\x00\x01junk").contains("starts with bytes 00 01"));
        assert!(err(b"\x1f\x8b\x08\x00").contains("gzip stream is truncated"));
    }

    /// A string past [`crate::strings::MAX_STRING_BYTES`] is cut, with a
    /// warning first, whichever reader took the file (v1's fast path, its
    /// serde path for a document the fast path declines, ad-hoc lists).
    #[test]
    fn huge_strings_are_cut_with_a_warning() {
        let big = "T".repeat(1 << 20);
        let v1 = format!(
            r#"{{"format":"heapscope","version":1,"heap":{{"objects":[1,1,100,0,-1,-1],"references":[],"roots":[0,0,-1,0]}},"strings":["","{big}"]}}"#
        );
        // An escaped key makes the fast path decline: serde's reader takes the document.
        let v1_serde = v1.replace(r#""strings":"#, r#""str\u0069ngs":"#);
        assert!(super::v1::parse_stream(&mut v1_serde.as_bytes(), &|| None).is_none(), "the fast path declines");
        let adhoc = format!(r#"[{{"id": 1, "type": "{big}", "size": 10}}]"#);
        for text in [v1, v1_serde, adhoc] {
            let loaded = load(text.as_bytes()).unwrap();
            let heap = loaded.snapshot.heap.as_ref().unwrap();
            let name = loaded.snapshot.strings.str(heap.type_name[0]);
            assert_eq!(name.len(), crate::strings::MAX_STRING_BYTES + "… (1,048,576 characters)".len(), "{}", &name[4090..]);
            assert!(name.ends_with("TTT… (1,048,576 characters)"));
            let first = &loaded.warnings[0].message;
            assert!(first.starts_with("1 string(s) longer than 4096 bytes were cut there (the longest had 1,048,576 bytes)"), "{first}");
        }
    }

    /// Other compressions and text encodings say what to do, at byte 0.
    #[test]
    fn other_compressions_and_encodings_say_what_to_do() {
        let doc = br#"{"format":"heapscope","version":1}"#;
        let utf16le: Vec<u8> = doc.iter().flat_map(|&b| [b, 0]).collect();
        let utf16be: Vec<u8> = doc.iter().flat_map(|&b| [0, b]).collect();
        let cases: [(Vec<u8>, &str); 9] = [
            (gz(&[&gz(&[doc])]), "gzip-compressed twice"),
            ([b"\xEF\xBB\xBF".as_slice(), &gz(&[doc])].concat(), "gzip data behind a UTF-8 byte-order mark"),
            (b"BZh91AY&SY".to_vec(), "bzip2-compressed"),
            (b"\xFD7zXZ\x00\x00".to_vec(), "xz-compressed"),
            (b"\x28\xB5\x2F\xFD\x00".to_vec(), "zstd-compressed"),
            ([b"\xFF\xFE".as_slice(), &utf16le].concat(), "UTF-16 text"),
            (utf16le, "UTF-16 text"),
            (utf16be, "UTF-16 text"),
            ([b"\xFF\xFE\x00\x00".as_slice(), b"{\x00\x00\x00"].concat(), "UTF-32 text"),
        ];
        for (bytes, what) in cases {
            let e = load(&bytes).unwrap_err();
            assert!(e.to_string().contains(what), "{what}: {e}");
            assert_eq!(e.0.location, Some(Location::Byte(0)), "{what}");
            if let Some(early) = refusal_from_head(&bytes[..bytes.len().min(64)]) {
                assert_eq!(early.to_string(), e.to_string(), "{what}: refused at its first bytes as when read whole");
            }
        }
    }

    #[test]
    fn pickles_of_protocol_0_and_1_are_named() {
        let tm0 = b"ccopy_reg\n_reconstructor\np0\n(ctracemalloc\nSnapshot\np1\nc__builtin__\nobject\np2\nNtRp3\n.";
        let e = err(tm0);
        assert!(e.contains("pickle protocol 0/1, which is not supported; dump with protocol ≥ 2"), "{e}");
        assert!(e.starts_with("this tracemalloc pickle"), "{e}");
        assert!(err(b"(lp0\nI1\na.").contains("pickle protocol 0/1"));
    }

    fn gz(members: &[&[u8]]) -> Vec<u8> {
        use std::io::Write;
        let mut out = Vec::new();
        for m in members {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            enc.write_all(m).unwrap();
            out.extend(enc.finish().unwrap());
        }
        out
    }

    /// Past the eager budget the stream is counted, then (when it is under
    /// the limit) decompressed again: the output is exactly the input.
    #[test]
    fn gunzip_counts_past_the_eager_budget_then_reads_again() {
        let a: Vec<u8> = (0..300_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let b = vec![7u8; 500_000];
        let bytes = gz(&[&a, &b]);
        let mut want = a.clone();
        want.extend(&b);
        for eager in [0, 1, 64 << 10, 1 << 20, 10 << 20] {
            assert_eq!(gunzip_with(&bytes, 4 << 20, eager).unwrap(), want, "eager {eager}");
        }
        let e = gunzip_with(&bytes, 1 << 20, 64 << 10).unwrap_err().to_string();
        assert!(e.starts_with("the gzip stream expands past 1 MiB"), "{e}");
        let e = gunzip_with(&bytes[..bytes.len() - 10], 4 << 20, 64 << 10).unwrap_err().to_string();
        assert!(e.contains("truncated or corrupt"), "{e}");
    }

    #[test]
    fn plain_inputs_past_the_cap_are_refused() {
        let options = LoadOptions { max_decompressed_bytes: 4 };
        let e = load_with(b"[{\"id\": 1}]", &options).unwrap_err().to_string();
        assert_eq!(e, "the file is 11 bytes; heapscope reads snapshots up to 4 bytes (what the parser can use)");
    }
}
