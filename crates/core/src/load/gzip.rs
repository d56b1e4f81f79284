//! gzip undone: every member in turn, then nothing — or only zero bytes,
//! the padding tape drives and some uploaders add after the stream, which
//! gzip(1) ignores too. Anything else after a member must be another member.

use std::io::{BufRead, ErrorKind, Read, Result};

use flate2::bufread::GzDecoder;

/// Reads the plain text of the gzip stream in `input`.
pub(crate) fn members<R: BufRead>(input: R) -> Members<R> {
    Members { member: Some(GzDecoder::new(input)) }
}

pub(crate) struct Members<R: BufRead> {
    /// The member being read; `None` after the last.
    member: Option<GzDecoder<R>>,
}

impl<R: BufRead> Read for Members<R> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let Some(member) = self.member.as_mut() else { return Ok(0) };
            let n = member.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            // The member's trailer was read: what follows it?
            let Some(mut rest) = self.member.take().map(GzDecoder::into_inner) else { return Ok(0) };
            if !only_zeros_before_another_member(&mut rest)? {
                return Ok(0);
            }
            self.member = Some(GzDecoder::new(rest));
        }
    }
}

/// Steps over zero bytes; `false` at the end of the input (so the stream
/// ends here), `true` before another member. Zeros followed by anything
/// else are an error: padding ends the stream.
fn only_zeros_before_another_member<R: BufRead>(input: &mut R) -> Result<bool> {
    let mut zeros = 0u64;
    loop {
        let available = match input.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(false);
        }
        let run = available.iter().take_while(|&&b| b == 0).count();
        let more = run < available.len();
        let member_next = available.get(run) == Some(&0x1f);
        input.consume(run);
        zeros += run as u64;
        if more {
            if zeros > 0 || !member_next {
                return Err(std::io::Error::new(
                    ErrorKind::InvalidData,
                    "bytes after the end of the stream that are neither another member nor zero padding",
                ));
            }
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(text: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(text).unwrap();
        enc.finish().unwrap()
    }

    fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        // A small buffer, so members and padding straddle its refills.
        members(std::io::BufReader::with_capacity(3, bytes)).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn members_then_zero_padding_end_the_stream() {
        // Sizes whose gzip trailers end in zero bytes (ISIZE < 2^24) too.
        let (a, b) = (b"first member ".repeat(40), b"second".to_vec());
        let two = [gz(&a), gz(&b)].concat();
        let whole = [a.clone(), b.clone()].concat();
        assert_eq!(gunzip(&gz(&a)).unwrap(), a);
        assert_eq!(gunzip(&two).unwrap(), whole);
        for pad in [1, 2, 511, 4096] {
            assert_eq!(gunzip(&[two.clone(), vec![0; pad]].concat()).unwrap(), whole, "{pad} zeros");
        }
        // flate2's own reader agrees where it reads at all.
        let mut flate = Vec::new();
        flate2::read::MultiGzDecoder::new(&two[..]).read_to_end(&mut flate).unwrap();
        assert_eq!(flate, whole);
    }

    #[test]
    fn anything_but_a_member_or_padding_after_a_member_is_an_error() {
        let one = gz(b"text");
        for tail in [&b"junk"[..], b"\0\0junk", b"\x1f\x8b", b"\0\x1f\x8b\x08"] {
            assert!(gunzip(&[one.clone(), tail.to_vec()].concat()).is_err(), "{tail:?}");
        }
        // A member cut short, even where its missing trailer would end in zeros.
        assert!(gunzip(&one[..one.len() - 2]).is_err());
        assert!(gunzip(&[0u8; 4]).is_err());
    }
}
