//! A browser `Blob` (a dropped `File`, a fetched example) as the core's
//! [`Source`]: read synchronously in slices with `FileReaderSync`, which
//! dedicated workers have, so the file is parsed as it is read and never
//! sits whole in the worker's memory.

use std::io::Read;

use heapscope_core::load::Source;
use web_sys::{Blob, FileReaderSync};

/// Bytes read from the `Blob` per `FileReaderSync` call, once a reader is
/// past its first slice. Each call costs about 6 ms beyond its copy
/// (Chromium 156, 115 MB file: 28 calls of 4 MiB took 282–388 ms, 7 of
/// 16 MiB 195 ms, 2 of 64 MiB 125–151 ms). The slice stays on the JS heap
/// (the `ArrayBuffer` the call returns), not in the wasm memory: reads copy
/// out of it, so a larger slice costs the wasm memory nothing.
pub const SLICE_BYTES: usize = 16 << 20;
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
        Ok(Box::new(BlobReader { source: self, offset: 0, slice: None, start: 0, end: 0 }))
    }
}

/// One pass over the `Blob`. Large reads go straight into the caller's
/// buffer; small ones are copied out of the last slice fetched, which stays
/// a JS `Uint8Array` (its first fetch is [`FIRST_SLICE_BYTES`], then
/// [`SLICE_BYTES`] a time).
struct BlobReader<'a> {
    source: &'a BlobSource,
    /// The next byte of the `Blob` to fetch.
    offset: u64,
    /// The last slice fetched; `slice[start..end]` is not yet handed out.
    slice: Option<js_sys::Uint8Array>,
    start: u32,
    end: u32,
}

impl Read for BlobReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.start == self.end {
            let full = self.source.slice_bytes;
            // A read of a slice or more needs no copy through a slice.
            if out.len() >= full {
                let Some(array) = fetch(self.source, self.offset, full)? else { return Ok(0) };
                let n = (array.length() as usize).min(out.len());
                array.subarray(0, n as u32).copy_to(&mut out[..n]);
                self.offset += n as u64;
                return Ok(n);
            }
            let want = if self.offset == 0 { FIRST_SLICE_BYTES.min(full) } else { full };
            let Some(array) = fetch(self.source, self.offset, want)? else { return Ok(0) };
            self.offset += u64::from(array.length());
            (self.start, self.end) = (0, array.length());
            self.slice = Some(array);
        }
        let Some(slice) = &self.slice else { return Ok(0) };
        let n = ((self.end - self.start) as usize).min(out.len());
        slice.subarray(self.start, self.start + n as u32).copy_to(&mut out[..n]);
        self.start += n as u32;
        Ok(n)
    }
}

/// Up to `len` bytes of the `Blob` from `offset`, as a JS array; `None` at
/// its end. The core adds the byte where a read failed.
fn fetch(source: &BlobSource, offset: u64, len: usize) -> std::io::Result<Option<js_sys::Uint8Array>> {
    let end = (offset + len as u64).min(source.size_bytes);
    if end <= offset {
        return Ok(None);
    }
    let failed = |e: wasm_bindgen::JsValue| std::io::Error::other(js_text(&e));
    let slice = source.blob.slice_with_f64_and_f64(offset as f64, end as f64).map_err(failed)?;
    let buffer = source.reader.read_as_array_buffer(&slice).map_err(failed)?;
    let array = js_sys::Uint8Array::new(&buffer);
    // A Blob that shrank under us (a file changed on disk) ends here.
    Ok((array.length() > 0).then_some(array))
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
