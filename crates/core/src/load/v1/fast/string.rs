//! One JSON string decoded a window at a time: what the fast path does with
//! a string that has escapes or is too long to hold whole.
//!
//! The result is what serde_json makes of the same text (same escapes, same
//! refusals: a control character, invalid UTF-8, a bad escape), with two
//! differences the loader words as warnings: a lone UTF-16 surrogate escape
//! (`\ud800`, which Python's `json` writes for such strings) reads as U+FFFD,
//! as the whole-file path's rewrite does; and only the first
//! [`MAX_STRING_BYTES`] bytes (and a few more, to cut at a character) are
//! kept, so a string of gigabytes costs its window, not its length.

use crate::strings::{StringTable, MAX_STRING_BYTES};

/// How far [`StringDecoder::feed`] got.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// The closing quote was read: this many bytes, the quote included.
    Done(usize),
    /// This many bytes were decoded; the rest (an escape or a character cut
    /// by the end of the window, at most 11 bytes) needs the bytes after it.
    More(usize),
}

/// The decoded string so far.
#[derive(Debug, Default)]
pub(super) struct StringDecoder {
    /// The first bytes, whole characters, a little past `MAX_STRING_BYTES`
    /// (so that a cut is known to be needed).
    kept: String,
    /// Decoded length in bytes and characters.
    bytes: u64,
    chars: u64,
    /// Lone surrogate escapes read as U+FFFD, and where the first one starts
    /// (bytes after where decoding began).
    lone: u64,
    first_lone: Option<u64>,
    /// Bytes fed before the current call.
    fed: u64,
}

/// The longest escape looked at as one: a surrogate pair, `\ud83d\ude00`.
const PAIR: usize = 12;

impl StringDecoder {
    /// Decodes `text` (what follows the opening quote, or what the last call
    /// left) up to the closing quote. `end` says no bytes follow `text`.
    /// `None` when the text is not a valid JSON string.
    pub(super) fn feed(&mut self, text: &[u8], end: bool) -> Option<Step> {
        let mut i = 0;
        let step = loop {
            let rest = &text[i..];
            let run = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
            let plain = &rest[..run];
            if plain.iter().any(|&c| c < 0x20) {
                return None;
            }
            match std::str::from_utf8(plain) {
                Ok(s) => self.take(s),
                Err(e) => {
                    // A character cut by the window's end waits for its last bytes.
                    let cut = e.error_len().is_none() && run == rest.len() && !end;
                    if !cut {
                        return None;
                    }
                    let valid = e.valid_up_to();
                    self.take(std::str::from_utf8(&plain[..valid]).ok()?);
                    break Step::More(i + valid);
                }
            }
            i += run;
            match text.get(i) {
                None => break Step::More(i),
                Some(b'"') => break Step::Done(i + 1),
                Some(_) => match escape(&text[i..], end)? {
                    Escape::Cut => break Step::More(i),
                    Escape::Char(c, len) => {
                        let mut utf8 = [0; 4];
                        self.take(c.encode_utf8(&mut utf8));
                        i += len;
                    }
                    Escape::Lone => {
                        self.lone += 1;
                        self.first_lone.get_or_insert(self.fed + i as u64);
                        self.take("\u{fffd}");
                        i += 6;
                    }
                },
            }
        };
        self.fed += match step {
            Step::Done(n) | Step::More(n) => n as u64,
        };
        Some(step)
    }

    fn take(&mut self, s: &str) {
        self.bytes += s.len() as u64;
        self.chars += s.bytes().filter(|&b| (b & 0xC0) != 0x80).count() as u64;
        if self.kept.len() <= MAX_STRING_BYTES {
            let want = MAX_STRING_BYTES + 1 - self.kept.len();
            let cut = (want..=s.len()).find(|&at| s.is_char_boundary(at)).unwrap_or(s.len());
            self.kept.push_str(&s[..cut]);
        }
    }

    /// Puts the string into `table` (cut there when long) and returns how
    /// many lone surrogates it had and where the first started.
    pub(super) fn finish(self, table: &mut StringTable) -> (u64, Option<u64>) {
        table.push_cut(&self.kept, self.bytes, self.chars);
        (self.lone, self.first_lone)
    }
}

enum Escape {
    /// The escape is not all in the text yet.
    Cut,
    /// One character, from this many bytes of text.
    Char(char, usize),
    /// A UTF-16 surrogate escape without its other half: 6 bytes, read as U+FFFD.
    Lone,
}

/// The escape at the start of `text` (its `\`); `None` when it is not one.
fn escape(text: &[u8], end: bool) -> Option<Escape> {
    let Some(&kind) = text.get(1) else {
        return if end { None } else { Some(Escape::Cut) };
    };
    let c = match kind {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => return unicode(text, end),
        _ => return None,
    };
    Some(Escape::Char(c, 2))
}

/// A `\uXXXX` escape, or a pair of them for one character past U+FFFF.
fn unicode(text: &[u8], end: bool) -> Option<Escape> {
    if text.len() < 6 {
        return if end { None } else { Some(Escape::Cut) };
    }
    let unit = hex4(&text[2..6])?;
    match unit {
        0xD800..=0xDBFF => {
            // A high surrogate: a pair only if a low surrogate escape follows.
            let next = &text[6..];
            let may_pair = next.first().is_none_or(|&c| c == b'\\') && next.get(1).is_none_or(|&c| c == b'u');
            if may_pair && text.len() < PAIR && !end {
                return Some(Escape::Cut);
            }
            match next.get(2..6).and_then(hex4) {
                Some(low @ 0xDC00..=0xDFFF) if may_pair => {
                    let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    Some(Escape::Char(char::from_u32(c)?, PAIR))
                }
                _ => Some(Escape::Lone),
            }
        }
        0xDC00..=0xDFFF => Some(Escape::Lone),
        c => Some(Escape::Char(char::from_u32(c)?, 6)),
    }
}

fn hex4(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |v, &d| Some(v << 4 | (d as char).to_digit(16)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `json` (a whole JSON string, quotes included) fed in pieces
    /// of `size` bytes, as the stream's window would: what a call leaves is
    /// fed again with the next piece.
    fn decode_in_pieces(json: &[u8], size: usize) -> Option<(String, u64, Option<u64>)> {
        let body = &json[1..];
        let mut dec = StringDecoder::default();
        let (mut from, mut to) = (0, size.min(body.len()));
        loop {
            match dec.feed(&body[from..to], to == body.len())? {
                Step::Done(n) => {
                    assert_eq!(from + n, body.len(), "the closing quote is the last byte");
                    break;
                }
                Step::More(n) => {
                    if to == body.len() {
                        return None;
                    }
                    from += n;
                    to = (to + size).min(body.len());
                }
            }
        }
        let mut table = StringTable::new();
        let (lone, first) = dec.finish(&mut table);
        Some((table.str(0).to_string(), lone, first))
    }

    #[test]
    fn strings_decode_as_serde_decodes_them_however_they_are_cut() {
        let cases: &[&str] = &[
            r#""""#,
            r#""plain""#,
            r#""a\"b\\c\/d\b\f\n\r\t""#,
            r#""\u00e9\u20AC x \ud83d\ude00 é€😀""#,
            r#""\u0000 nul""#,
            r#""tail\\""#,
        ];
        for case in cases {
            let want: String = serde_json::from_str(case).unwrap();
            for size in 1..=case.len() {
                let (got, lone, _) = decode_in_pieces(case.as_bytes(), size).unwrap();
                assert_eq!((got.as_str(), lone), (want.as_str(), 0), "{case} in pieces of {size}");
            }
        }
    }

    #[test]
    fn what_serde_refuses_is_refused_however_it_is_cut() {
        let cases: &[&[u8]] = &[
            b"\"unterminated",
            b"\"bad \\x escape\"",
            b"\"bad \\u12g4 hex\"",
            b"\"short \\u12\"",
            b"\"control \x01 char\"",
            b"\"newline \n inside\"",
            b"\"invalid \xff utf8\"",
            b"\"cut \xc3\"",
            b"\"ends in escape \\",
        ];
        for case in cases {
            assert!(serde_json::from_slice::<String>(case).is_err(), "serde accepts {case:?}");
            for size in 1..=case.len() {
                assert_eq!(decode_in_pieces(case, size), None, "{} in pieces of {size}", String::from_utf8_lossy(case));
            }
        }
    }

    #[test]
    fn lone_surrogates_read_as_replacement_characters_where_the_rewrite_puts_them() {
        // (text, decoded, lone count, offset of the first lone escape after the opening quote)
        let cases: &[(&str, &str, u64, Option<u64>)] = &[
            (r#""a\ud800b""#, "a\u{fffd}b", 1, Some(1)),
            (r#""\udc00""#, "\u{fffd}", 1, Some(0)),
            (r#""\ud800""#, "\u{fffd}", 1, Some(0)),
            (r#""x\ud800\ud800\udc00""#, "x\u{fffd}\u{10000}", 1, Some(1)),
            (r#""\ud800\n""#, "\u{fffd}\n", 1, Some(0)),
            (r#""\ud800\u0041\udfff""#, "\u{fffd}A\u{fffd}", 2, Some(0)),
        ];
        for &(case, want, count, first) in cases {
            // The whole-file path's rewrite, then serde, agrees.
            let mut rewritten = case.as_bytes().to_vec();
            let (n, at) = crate::load::replace_lone_surrogates(&mut rewritten);
            assert_eq!((n, at.map(|at| at as u64 - 1)), (count, first), "{case}");
            assert_eq!(serde_json::from_slice::<String>(&rewritten).unwrap(), want, "{case}");
            for size in 1..=case.len() {
                assert_eq!(decode_in_pieces(case.as_bytes(), size), Some((want.to_string(), count, first)), "{case} in pieces of {size}");
            }
        }
    }

    #[test]
    fn a_long_string_keeps_its_start_and_counts_the_rest() {
        let text = format!("\"{}\\u00e9{}\"", "a".repeat(MAX_STRING_BYTES - 1), "é".repeat(5000));
        let decoded: String = serde_json::from_str(&text).unwrap();
        let mut whole = StringTable::new();
        whole.push(&decoded);
        for size in [1, 7, 4096, 1 << 20] {
            let (got, lone, _) = decode_in_pieces(text.as_bytes(), size).unwrap();
            assert_eq!((got.as_str(), lone), (whole.str(0), 0), "pieces of {size}");
        }
        let mut table = StringTable::new();
        let mut dec = StringDecoder::default();
        assert_eq!(dec.feed(&text.as_bytes()[1..], true), Some(Step::Done(text.len() - 1)));
        assert!(dec.kept.len() <= MAX_STRING_BYTES + 4, "{}", dec.kept.len());
        dec.finish(&mut table);
        assert_eq!(table.shortened(), whole.shortened());
    }
}
