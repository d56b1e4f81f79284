//! A file on disk as the core's [`Source`]: opened again for each pass the
//! core makes, so a snapshot is parsed as it is read and never held whole
//! (the core reads in large blocks itself; no buffering here).

use std::io::Read;
use std::path::{Path, PathBuf};

use heapscope_core::load::Source;

/// A regular file of a known size.
pub struct FileSource {
    path: PathBuf,
    len: u64,
}

impl FileSource {
    /// The file at `path`, of `len` bytes (from its metadata). Only for
    /// regular files: a pipe cannot be read twice.
    pub fn new(path: &Path, len: u64) -> FileSource {
        FileSource { path: path.to_path_buf(), len }
    }
}

impl Source for FileSource {
    fn stored_len(&self) -> u64 {
        self.len
    }

    fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
        let file = std::fs::File::open(&self.path)?;
        Ok(Box::new(Exact { inner: file.take(self.len), at: 0, len: self.len }))
    }
}

/// Reads the file's first `len` bytes and fails if it has fewer (it shrank
/// since it was measured), so every pass sees the same bytes.
struct Exact<R> {
    inner: R,
    at: u64,
    len: u64,
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() && self.at < self.len {
            let message = format!("it ended after {} of {} bytes (was it changed while being read?)", self.at, self.len);
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, message));
        }
        self.at += n as u64;
        Ok(n)
    }
}
