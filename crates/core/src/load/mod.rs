//! Snapshot loaders. The format is detected from the content, never from the
//! file name; gzip is undone transparently.
//!
//! Loaders never panic and never hang on hostile input: structural damage is
//! a [`LoadError`] that says what and where, damage confined to one record is
//! a warning and the rest loads.

mod adhoc;
mod pickle;
mod v1;

use std::io::Read;

use crate::diagnostic::{Diagnostic, LoadError, Location};
use crate::model::{Snapshot, SourceFormat};

/// A loaded snapshot and the warnings raised while loading it.
#[derive(Debug)]
pub struct Loaded {
    pub snapshot: Snapshot,
    pub warnings: Vec<Diagnostic>,
}

/// Decompressed inputs larger than this are refused (a gzip bomb must not
/// exhaust memory before anything can be said about it).
pub const MAX_DECOMPRESSED_BYTES: u64 = if usize::BITS == 32 { (i32::MAX as u64) / 2 * 3 / 2 } else { 16 << 30 };

/// Loads a snapshot from the bytes of a file, gzip-compressed or not.
pub fn load(bytes: &[u8]) -> Result<Loaded, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::new("the file is empty", None));
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let plain = gunzip(bytes)?;
        return load_plain(&plain);
    }
    load_plain(bytes)
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
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(1 << 30));
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    match decoder.take(MAX_DECOMPRESSED_BYTES + 1).read_to_end(&mut out) {
        Ok(_) if out.len() as u64 > MAX_DECOMPRESSED_BYTES => {
            Err(LoadError::new(format!("the gzip stream expands past {} GiB; heapscope refuses it", MAX_DECOMPRESSED_BYTES >> 30), None))
        }
        Ok(_) => Ok(out),
        Err(e) => Err(LoadError::new(
            format!("the gzip stream is truncated or corrupt ({e}); re-export or re-download the file"),
            Some(Location::Byte(out.len() as u64)),
        )),
    }
}

fn load_plain(bytes: &[u8]) -> Result<Loaded, LoadError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else {
        return Err(LoadError::new("the file holds only whitespace", None));
    };
    match body[first] {
        b'{' => v1::parse(body),
        b'[' => adhoc::parse(body),
        0x80 => pickle::parse(body),
        _ => Err(not_a_snapshot(body)),
    }
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
}
