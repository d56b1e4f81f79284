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

impl Source for [u8] {
    fn stored_len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }
    fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(self))
    }
}

/// Loads a snapshot from `source` (gzip or plain), detecting its format
/// from its content.
pub fn load_source(source: &dyn Source, options: &LoadOptions) -> Result<Loaded, LoadError> {
    let bytes = read_stored(source, options)?;
    super::load_with(&bytes, options)
}

/// The first bytes of the plain text (gzip undone), at most `n`: enough to
/// tell the formats apart ([`super::detect_profile`]).
pub fn plain_head(source: &dyn Source, n: usize) -> Result<Vec<u8>, LoadError> {
    let mut reader = source.open().map_err(|e| read_error(&e, 0))?;
    let mut head = Vec::new();
    (&mut reader).take(n as u64).read_to_end(&mut head).map_err(|e| read_error(&e, 0))?;
    if head.starts_with(&[0x1f, 0x8b]) {
        let mut reader = flate2::read::MultiGzDecoder::new(source.open().map_err(|e| read_error(&e, 0))?);
        let mut plain = Vec::new();
        // A truncated stream still yields its first bytes; the load says what is wrong.
        let _ = (&mut reader).take(n as u64).read_to_end(&mut plain);
        return Ok(plain);
    }
    Ok(head)
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
