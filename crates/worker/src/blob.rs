//! A browser `Blob` (a dropped `File`, a fetched example) as the core's
//! [`Source`]: read synchronously in slices with `FileReaderSync`, which
//! dedicated workers have, so the file is parsed as it is read and never
//! sits whole in the worker's memory.

use std::io::Read;

use heapscope_core::load::Source;
use web_sys::{Blob, FileReaderSync};

/// Bytes read from the `Blob` per `FileReaderSync` call, once a reader is
/// past its first slice: large enough that the per-call cost (a new
/// `ArrayBuffer` on the JS heap) does not count, small enough to stay out of
/// the wasm memory's way (each open reader keeps one slice buffer).
pub const SLICE_BYTES: usize = 4 << 20;
/// The first slice of a reader: the core opens the file more than once to
/// read only its head (format detection), which needs a few KiB.
pub const FIRST_SLICE_BYTES: usize = 64 << 10;

/// A `Blob` readable from its start, as often as the core asks.
pub struct BlobSource {
    blob: Blob,
    reader: FileReaderSync,
    size_bytes: u64,
    slice_bytes: usize,
}

impl BlobSource {
    /// Fails only where `FileReaderSync` does not exist (not in a worker).
    pub fn new(blob: Blob) -> Result<BlobSource, String> {
        Self::with_slices(blob, SLICE_BYTES)
    }

    /// A source reading at most `slice_bytes` per call (tests use small ones).
    pub fn with_slices(blob: Blob, slice_bytes: usize) -> Result<BlobSource, String> {
        let reader = FileReaderSync::new().map_err(|e| format!("FileReaderSync is not available here: {}", js_text(&e)))?;
        let size_bytes = blob.size() as u64;
        Ok(BlobSource { blob, reader, size_bytes, slice_bytes: slice_bytes.max(1) })
    }
}

impl Source for BlobSource {
    fn stored_len(&self) -> u64 {
        self.size_bytes
    }

    fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(BlobReader { source: self, offset: 0, slice: Vec::new(), start: 0, end: 0 }))
    }
}

/// One pass over the `Blob`. Large reads go straight into the caller's
/// buffer; small ones are served from one slice buffer (its first fill is
/// [`FIRST_SLICE_BYTES`], then it is replaced once by one of
/// [`SLICE_BYTES`], never grown after).
struct BlobReader<'a> {
    source: &'a BlobSource,
    /// The next byte of the `Blob` to fetch.
    offset: u64,
    /// Fetched bytes not yet handed out: `slice[start..end]`.
    slice: Vec<u8>,
    start: usize,
    end: usize,
}

impl Read for BlobReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.start == self.end {
            let full = self.source.slice_bytes;
            // A read of a slice or more needs no copy through our buffer.
            if out.len() >= full {
                let n = fetch(self.source, self.offset, &mut out[..full])?;
                self.offset += n as u64;
                return Ok(n);
            }
            let want = if self.offset == 0 { FIRST_SLICE_BYTES.min(full) } else { full };
            if self.slice.len() < want {
                self.slice = vec![0; want];
            }
            let n = fetch(self.source, self.offset, &mut self.slice[..want])?;
            self.offset += n as u64;
            (self.start, self.end) = (0, n);
        }
        let n = (self.end - self.start).min(out.len());
        out[..n].copy_from_slice(&self.slice[self.start..self.start + n]);
        self.start += n;
        Ok(n)
    }
}

/// Copies up to `out.len()` bytes of the `Blob` from `offset` into `out`;
/// 0 at its end. The core adds the byte where a read failed.
fn fetch(source: &BlobSource, offset: u64, out: &mut [u8]) -> std::io::Result<usize> {
    let end = (offset + out.len() as u64).min(source.size_bytes);
    if end <= offset {
        return Ok(0);
    }
    let failed = |e: wasm_bindgen::JsValue| std::io::Error::other(js_text(&e));
    let slice = source.blob.slice_with_f64_and_f64(offset as f64, end as f64).map_err(failed)?;
    let buffer = source.reader.read_as_array_buffer(&slice).map_err(failed)?;
    let array = js_sys::Uint8Array::new(&buffer);
    let n = (array.length() as usize).min(out.len());
    array.subarray(0, n as u32).copy_to(&mut out[..n]);
    Ok(n)
}

fn js_text(e: &wasm_bindgen::JsValue) -> String {
    // A DOMException: "NotReadableError: The requested file could not be read…".
    let field = |name: &str| js_sys::Reflect::get(e, &name.into()).ok().and_then(|v| v.as_string());
    match (field("name"), field("message")) {
        (Some(name), Some(message)) => format!("{name}: {message}"),
        (None, Some(message)) => message,
        _ => e.as_string().unwrap_or_else(|| format!("{e:?}")),
    }
}
