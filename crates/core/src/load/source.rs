//! Where a loader's bytes come from: a [`Source`] is a file that can be read
//! from its start more than once, without being held whole in memory (a
//! native file, or a browser `Blob` read synchronously in the worker).
//!
//! [`load_source`] is the entry every front uses. The large heapscope v1
//! documents are parsed as they are read; other formats, and documents the
//! fast path declines (whose exact error needs the serde reader), are read
//! whole, within [`LoadOptions`]' cap.

use std::io::Read;

use super::{LoadOptions, Loaded};
use crate::diagnostic::{LoadError, Location};

/// A file that can be read from its start, as often as needed.
pub trait Source {
    /// Its size in bytes as stored (compressed, if it is).
    fn stored_len(&self) -> u64;
    /// A reader positioned at byte 0.
    fn open(&self) -> std::io::Result<Box<dyn Read + '_>>;
}

impl Source for &[u8] {
    fn stored_len(&self) -> u64 {
        self.len() as u64
    }
    fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(*self))
    }
}

impl Source for Vec<u8> {
    fn stored_len(&self) -> u64 {
        self.len() as u64
    }
    fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(&self[..]))
    }
}

/// Bytes whose readers hand out at most `piece` bytes per read, as a
/// browser `Blob` read in slices or a pipe does: every block boundary a
/// streaming reader can meet. For tests and fuzzing (`piece` 0 counts as 1).
#[derive(Debug, Clone, Copy)]
pub struct InPieces<'a> {
    pub bytes: &'a [u8],
    pub piece: usize,
}

impl Source for InPieces<'_> {
    fn stored_len(&self) -> u64 {
        self.bytes.len() as u64
    }
    fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(*self))
    }
}

impl Read for InPieces<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.piece.max(1).min(out.len()).min(self.bytes.len());
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// Loads a snapshot from `source` (gzip or plain), detecting its format
/// from its content. A heapscope v1 document is parsed as it is read (gzip
/// undone on the way); anything the streaming fast path declines is read
/// whole and loaded by [`super::load_with`], which says what is wrong.
pub fn load_source(source: &dyn Source, options: &LoadOptions) -> Result<Loaded, LoadError> {
    load_source_reading_whole_up_to(source, options, WHOLE_READ_MAX_BYTES)
}

/// A declined v1 document whose stored size is past this (an eighth of it
/// when gzip-compressed) is not read whole for its error: the serde reader
/// runs over the stream instead (same visitors, same errors, bounded memory).
/// Smaller ones are read whole, as every other format is.
const WHOLE_READ_MAX_BYTES: u64 = 64 << 20;

/// [`load_source`] with the size past which a declined document streams.
fn load_source_reading_whole_up_to(source: &dyn Source, options: &LoadOptions, whole_max: u64) -> Result<Loaded, LoadError> {
    let max = options.max_decompressed_bytes;
    let (head, gzip) = head(source, 4096)?;
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        let open = || open_plain(source, max).ok();
        if let Some(mut reader) = open() {
            if let Some(done) = super::v1::parse_stream_or_refuse(&mut *reader, &open) {
                return done;
            }
        }
        let stored = source.stored_len().saturating_mul(if gzip { 8 } else { 1 });
        if stored > whole_max {
            match super::v1::parse_with_serde_stream(&open) {
                // Lone surrogates are rewritten in a copy of the whole text;
                // a failing stream is worded by the whole-file path.
                Some(Err(e)) if super::mentions_lone_surrogate(&e) => {}
                None => {}
                Some(done) => return done,
            }
        }
    }
    let bytes = read_stored(source, options)?;
    super::load_with(&bytes, options)
}

/// A reader of the plain text: gzip undone, and an error past `max` bytes
/// (the streaming path then declines; the whole-file path words the refusal).
fn open_plain<'s>(source: &'s dyn Source, max: u64) -> std::io::Result<Box<dyn Read + 's>> {
    let mut reader = source.open()?;
    let mut magic = Vec::with_capacity(2);
    (&mut reader).take(2).read_to_end(&mut magic)?;
    let whole = std::io::Cursor::new(magic.clone()).chain(reader);
    let plain: Box<dyn Read + 's> = if magic == [0x1f, 0x8b] {
        Box::new(super::gzip::members(std::io::BufReader::with_capacity(1 << 16, whole)))
    } else {
        Box::new(whole)
    };
    Ok(Box::new(Capped { inner: plain, left: max }))
}

/// Fails a read that would pass the cap.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| std::io::Error::other("past the decompressed-size cap"))?;
        Ok(n)
    }
}

/// The first bytes of the plain text (gzip undone), at most `n`: enough to
/// tell the formats apart ([`super::detect_profile`]).
pub fn plain_head(source: &dyn Source, n: usize) -> Result<Vec<u8>, LoadError> {
    Ok(head(source, n)?.0)
}

/// [`plain_head`], and whether the stored file is gzip.
fn head(source: &dyn Source, n: usize) -> Result<(Vec<u8>, bool), LoadError> {
    let mut reader = source.open().map_err(|e| read_error(&e, 0))?;
    let mut head = Vec::new();
    // On a failed read, what came before it stays in `head`: the failure is at its end.
    if let Err(e) = (&mut reader).take(n as u64).read_to_end(&mut head) {
        return Err(read_error(&e, head.len() as u64));
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        let mut reader = super::gzip::members(std::io::BufReader::new(source.open().map_err(|e| read_error(&e, 0))?));
        let mut plain = Vec::new();
        // A truncated stream still yields its first bytes; the load says what is wrong.
        let _ = (&mut reader).take(n as u64).read_to_end(&mut plain);
        return Ok((plain, true));
    }
    Ok((head, false))
}

/// The whole plain text (gzip undone), refused past the options' cap.
pub fn read_plain(source: &dyn Source, options: &LoadOptions) -> Result<Vec<u8>, LoadError> {
    let bytes = read_stored(source, options)?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return super::gunzip_limited(&bytes, options.max_decompressed_bytes);
    }
    Ok(bytes)
}

/// The file's bytes as stored.
fn read_stored(source: &dyn Source, options: &LoadOptions) -> Result<Vec<u8>, LoadError> {
    let len = source.stored_len();
    // A gzip stream is at least ≈ 1/1032 of its output: one this large cannot fit.
    if len > options.max_decompressed_bytes.saturating_add(1 << 20) {
        return Err(super::too_large(len, options.max_decompressed_bytes));
    }
    let mut bytes = Vec::new();
    if bytes.try_reserve_exact(len as usize).is_err() {
        return Err(LoadError::new(format!("not enough memory to read the file ({} MiB)", len >> 20), None));
    }
    let mut reader = source.open().map_err(|e| read_error(&e, 0))?;
    reader.read_to_end(&mut bytes).map_err(|e| read_error(&e, bytes.len() as u64))?;
    Ok(bytes)
}

/// A failure of the source itself (not of its content).
pub(crate) fn read_error(e: &std::io::Error, at: u64) -> LoadError {
    LoadError::new(format!("the file could not be read: {e}"), Some(Location::Byte(at)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gz(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    /// A read that fails is an error at the byte where it failed.
    #[test]
    fn a_failed_read_says_at_which_byte() {
        struct Failing;
        impl Source for Failing {
            fn stored_len(&self) -> u64 {
                100
            }
            fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
                Ok(Box::new(std::io::Cursor::new(b"{\"format\"".to_vec()).chain(FailingRead)))
            }
        }
        struct FailingRead;
        impl Read for FailingRead {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("the disk went away"))
            }
        }
        let e = plain_head(&Failing, 4096).unwrap_err();
        assert_eq!(e.to_string(), "the file could not be read: the disk went away (at byte 9)");
        let e = load_source(&Failing, &LoadOptions::default()).unwrap_err();
        assert_eq!(e.to_string(), "the file could not be read: the disk went away (at byte 9)");
    }

    /// Whatever the input, a load from a source says what a load of the
    /// same bytes says: the streaming path only ever succeeds, and declines
    /// to the whole-file path for everything else.
    /// `process` nested past serde's recursion limit (128) loads, read as
    /// "…" below 16 levels, by the fast path and the whole-file path alike;
    /// shallower values are kept as they are.
    #[test]
    fn a_process_nested_past_the_recursion_limit_loads_cut() {
        let deep = format!("{}\"bottom\"{}", "[".repeat(5000), "]".repeat(5000));
        let shallow = format!("{}{{\"x\": 1}}{}", "[".repeat(10), "]".repeat(10));
        let text = format!(
            r#"{{"format": "heapscope", "version": 1, "process": {{"argv": {deep}, "gc": {{"enabled": true, "stats": {shallow}}}, "implementation": "cpython"}}, "heap": {{"objects": [7, 0, 16, 0, -1, -1], "references": [], "roots": [0, 0, -1, 0]}}, "strings": [""]}}"#
        );
        let options = LoadOptions::default();
        let whole = super::super::load(text.as_bytes()).unwrap();
        let streamed = load_source(&text.as_bytes(), &options).unwrap();
        assert_eq!(format!("{:?}", streamed.snapshot), format!("{:?}", whole.snapshot));
        let process = &streamed.snapshot.process;
        assert_eq!(process.get("implementation"), Some("cpython"));
        assert_eq!(process.get("gc.enabled"), Some("true"));
        assert_eq!(process.get("gc.stats"), Some(shallow.replace(' ', "").as_str()));
        let argv = process.get("argv").unwrap();
        assert!(argv.starts_with(&format!("{}\"…\"", "[".repeat(15))), "{argv}");
    }

    #[test]
    fn a_source_loads_what_its_bytes_load() {
        let good = r#"{"format": "heapscope", "version": 1, "heap": {"objects": [7, 0, 16, 0, -1, -1], "references": [], "roots": [0, 0, -1, 0]}, "strings": [""]}"#;
        let truncated = &good[..good.len() - 9];
        let mut cut_gz = gz(good.as_bytes());
        cut_gz.truncate(cut_gz.len() - 12);
        let inputs: Vec<Vec<u8>> = vec![
            good.as_bytes().to_vec(),
            gz(good.as_bytes()),
            format!("\u{feff}  {good}").into_bytes(),
            truncated.as_bytes().to_vec(),
            gz(truncated.as_bytes()),
            cut_gz,
            br#"{"format": "heapscope", "version": 2}"#.to_vec(),
            br#"{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2, 1.5, 0, 0, 0]}, "strings": [""]}"#.to_vec(),
            br#"{"format": "heapscope", "version": 1, "strings": ["\ud800"]}"#.to_vec(),
            br#"[{"id": 1, "type": "list", "size": 8, "referents": [1]}]"#.to_vec(),
            b"\x89PNG\r\n".to_vec(),
            Vec::new(),
            b"  ".to_vec(),
            // Declined by the fast path, then read by serde (whole, or streamed).
            b"{\"format\": \"heapscope\",\n \"version\": 1,\n \"heap\": {\"objects\": [1, 0, 99999999999999999999, 0, -1, -1]}}".to_vec(),
            b"{\"format\": \"heapscope\", \"version\": 1, \"heap\": {\"objects\": [1, 0, 1.5, 0, -1, -1]}, \"strings\": [\"\"]}".to_vec(),
            br#"{"format": "heapscope", "version": "1"}"#.to_vec(),
            br#"{"form\u0061t": "heapscope", "version": 1, "heap": {"objects": [7, 0, 16, 0, -1, -1]}, "strings": [""]}"#.to_vec(),
            gz(br#"{"format": "heapscope", "version": 1, "heap": {"objects": [7, 0, 16, 0, -1, -1],, "strings": [""]}"#),
            br#"{"format": "heapscope", "version": 1, "meta": {"object_fields": []}}"#.to_vec(),
            // A repeated member is refused, not merged or replaced.
            br#"{"format": "heapscope", "version": 1, "heap": {"objects": [7, 0, 16, 0, -1, -1], "objects": [8, 0, 16, 0, -1, -1]}, "strings": [""]}"#.to_vec(),
            br#"{"format": "heapscope", "version": 1, "heap": {"objects": []}, "strings": [""], "heap": {"objects": []}}"#.to_vec(),
        ];
        let options = LoadOptions::default();
        let n = inputs.len();
        for (at, section) in [(n - 2, "`heap`"), (n - 1, "the document")] {
            let e = load_source(&inputs[at], &options).err().map(|e| e.to_string()).unwrap_or_default();
            let key = if at == n - 2 { "objects" } else { "heap" };
            assert!(e.contains(&format!("duplicate key `{key}` in {section}")), "{e}");
        }
        for bytes in &inputs {
            let want = super::super::load(bytes).map(|l| format!("{:?} {:?}", l.snapshot, l.warnings)).map_err(|e| e.to_string());
            let got = load_source(bytes, &options).map(|l| format!("{:?} {:?}", l.snapshot, l.warnings)).map_err(|e| e.to_string());
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&bytes[..bytes.len().min(60)]));
            // A large declined document is read by serde as a stream: the same
            // answer, except that an error's column may be one byte later.
            let streamed = load_source_reading_whole_up_to(bytes, &options, 0);
            let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(60)]);
            match (streamed, super::super::load(bytes)) {
                (Ok(a), Ok(b)) => assert_eq!(format!("{:?} {:?}", a.snapshot, a.warnings), format!("{:?} {:?}", b.snapshot, b.warnings)),
                (Err(a), Err(b)) => {
                    assert_eq!(a.0.message, b.0.message, "streamed: {shown:?}");
                    match (a.0.location, b.0.location) {
                        (Some(Location::LineColumn { line: la, column: ca }), Some(Location::LineColumn { line: lb, column: cb })) => {
                            assert!(la == lb && (ca == cb || ca == cb + 1), "streamed: {shown:?} at {la}:{ca}, whole at {lb}:{cb}")
                        }
                        (a, b) => assert_eq!(a, b, "streamed: {shown:?}"),
                    }
                }
                (a, b) => panic!("streamed: {shown:?}: {:?} against {:?}", a.map(|_| ()), b.map(|_| ())),
            }
        }
        // Past the cap: the same refusal, plain or gzip.
        let small = LoadOptions { max_decompressed_bytes: 40 };
        for bytes in [good.as_bytes().to_vec(), gz(good.as_bytes())] {
            let want = super::super::load_with(&bytes, &small).unwrap_err().to_string();
            assert_eq!(load_source(&bytes, &small).unwrap_err().to_string(), want);
        }
    }
}
