//! The flat integer arrays of `heap.objects`, `heap.references` and
//! `heap.roots`: almost every byte of a snapshot.
//!
//! [`Flat`] turns the text of one array into records for a sink, a window
//! at a time ([`Flat::feed`]). Natively a long array is also cut into
//! pieces that other threads turn into integers ([`tokenize`]) while the
//! reading thread reads on; it hands each piece's integers, in order, to
//! the same records ([`Flat::accept`]). Both ways accept exactly the same
//! text and give the same records in the same order.

use super::super::MAX_RECORD_WIDTH;

#[inline]
pub(super) fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t')
}

#[inline]
fn skip_ws(body: &[u8], mut i: usize) -> usize {
    while i < body.len() && is_ws(body[i]) {
        i += 1;
    }
    i
}

/// The integer at `body[i]` (`-`? digits: at most 18, no leading zero) and
/// the position after it; `None` on anything else.
#[inline(always)]
fn int_at(body: &[u8], mut i: usize) -> Option<(i64, usize)> {
    let n = body.len();
    let negative = i < n && body[i] == b'-';
    i += negative as usize;
    let start = i;
    let mut v: i64 = 0;
    while i < n {
        let d = body[i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        // At most 18 digits: checked before the multiplication can overflow.
        if i - start == 18 {
            return None;
        }
        v = v * 10 + d as i64;
        i += 1;
    }
    let digits = i - start;
    // `-0` is JSON, but serde reads it as the float -0.0, which no integer field takes.
    if digits == 0 || (digits > 1 && body[start] == b'0') || (negative && v == 0) {
        return None;
    }
    Some((if negative { -v } else { v }, i))
}

/// Values collected before they go to the sink: whole records are handed
/// over in batches of about this many values (one call per batch, so the
/// sinks fill their columns in tight loops).
const BATCH: usize = 4096;

/// The state of a flat integer array between windows: the values not yet
/// handed to the sink (a partial record, or a batch being collected) and
/// whether a value or a comma comes next.
///
/// The sink takes `(index, values)`: `values` holds one or more whole
/// records (`values.len()` is a multiple of the width), the first of which
/// is record `index` of the array.
pub(super) struct Flat {
    width: usize,
    pending: Vec<i64>,
    index: u64,
    /// A comma was read: a value must follow.
    need_value: bool,
    /// A value was read: a comma or the end must follow.
    after_value: bool,
}

impl Flat {
    pub(super) fn new(width: usize) -> Self {
        debug_assert!((1..=MAX_RECORD_WIDTH).contains(&width));
        Flat { width, pending: Vec::new(), index: 0, need_value: false, after_value: false }
    }

    /// Hands the whole records of `pending` to the sink and keeps the rest.
    fn flush(&mut self, sink: &mut impl FnMut(u64, &[i64])) {
        let whole = self.pending.len() - self.pending.len() % self.width;
        if whole > 0 {
            sink(self.index, &self.pending[..whole]);
            self.index += (whole / self.width) as u64;
            self.pending.drain(..whole);
        }
    }

    /// Parses `body`, a run of whole tokens (`ws int ws (, ws int ws)*`, possibly
    /// starting after a comma or ending with one). `None` on anything else or
    /// an integer of more than 18 digits.
    pub(super) fn feed(&mut self, body: &[u8], sink: &mut impl FnMut(u64, &[i64])) -> Option<()> {
        let n = body.len();
        let mut i = skip_ws(body, 0);
        if i == n {
            return Some(());
        }
        if self.after_value {
            if body[i] != b',' {
                return None;
            }
            self.after_value = false;
            self.need_value = true;
            i = skip_ws(body, i + 1);
            if i == n {
                return Some(());
            }
        }
        self.pending.reserve(BATCH + self.width);
        let parsed = loop {
            let Some((v, next)) = int_at(body, i) else { break None };
            i = next;
            self.pending.push(v);
            self.need_value = false;
            if self.pending.len() >= BATCH {
                self.flush(sink);
            }
            i = skip_ws(body, i);
            if i == n {
                self.after_value = true;
                break Some(());
            }
            if body[i] != b',' {
                break None;
            }
            self.need_value = true;
            i = skip_ws(body, i + 1);
            if i == n {
                break Some(());
            }
        };
        parsed?;
        self.flush(sink);
        Some(())
    }

    /// Takes the next piece of the array, tokenized elsewhere: `None` when
    /// it cannot follow what came before (two commas, two values).
    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn accept(&mut self, piece: &Piece, sink: &mut impl FnMut(u64, &[i64])) -> Option<()> {
        match piece.first {
            None => return Some(()),
            Some(Token::Comma) if !self.after_value => return None,
            Some(Token::Value) if self.after_value => return None,
            Some(_) => {}
        }
        let mut values = &piece.values[..];
        if !self.pending.is_empty() {
            let take = (self.width - self.pending.len() % self.width).min(values.len());
            self.pending.extend_from_slice(&values[..take]);
            values = &values[take..];
            self.flush(sink);
        }
        if self.pending.is_empty() {
            let whole = values.len() - values.len() % self.width;
            if whole > 0 {
                sink(self.index, &values[..whole]);
                self.index += (whole / self.width) as u64;
            }
            self.pending.extend_from_slice(&values[whole..]);
        }
        self.after_value = piece.last == Some(Token::Value);
        self.need_value = piece.last == Some(Token::Comma);
        Some(())
    }

    /// At the closing `]`: no dangling comma, no partial record.
    pub(super) fn finish(&self) -> Option<()> {
        (!self.need_value && self.pending.is_empty()).then_some(())
    }
}

/// What a piece starts or ends with.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token {
    Value,
    Comma,
}

/// A piece of a flat array turned into integers: its values, and its first
/// and last tokens (`None` for a piece of whitespace), which say whether it
/// may follow the piece before it.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Default)]
pub(super) struct Piece {
    pub(super) values: Vec<i64>,
    pub(super) first: Option<Token>,
    pub(super) last: Option<Token>,
}

/// Parses `body` (whole tokens, as [`Flat::feed`] takes) into `piece`,
/// whose buffers are reused; `None` on text [`Flat::feed`] refuses.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn tokenize(body: &[u8], piece: &mut Piece) -> Option<()> {
    piece.values.clear();
    piece.first = None;
    piece.last = None;
    let n = body.len();
    let mut i = skip_ws(body, 0);
    if i == n {
        return Some(());
    }
    if body[i] == b',' {
        piece.first = Some(Token::Comma);
        i = skip_ws(body, i + 1);
        if i == n {
            piece.last = Some(Token::Comma);
            return Some(());
        }
    } else {
        piece.first = Some(Token::Value);
    }
    loop {
        let (v, next) = int_at(body, i)?;
        piece.values.push(v);
        i = skip_ws(body, next);
        if i == n {
            piece.last = Some(Token::Value);
            return Some(());
        }
        if body[i] != b',' {
            return None;
        }
        i = skip_ws(body, i + 1);
        if i == n {
            piece.last = Some(Token::Comma);
            return Some(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inside of a whole array, fed as one window.
    fn fed(body: &str, width: usize) -> Option<Vec<i64>> {
        let mut out = Vec::new();
        let mut flat = Flat::new(width);
        flat.feed(body.as_bytes(), &mut |_, r: &[i64]| {
            assert!(!r.is_empty() && r.len().is_multiple_of(width), "whole records only");
            out.extend_from_slice(r)
        })?;
        flat.finish()?;
        Some(out)
    }

    /// The same, cut at `cuts` (only where no integer is cut), tokenized
    /// piece by piece and accepted in order; records numbered in order.
    fn in_pieces(body: &str, width: usize, cuts: &[usize]) -> Option<Vec<i64>> {
        let mut out = Vec::new();
        let mut flat = Flat::new(width);
        let mut expected_index = 0;
        let mut sink = |i: u64, r: &[i64]| {
            assert_eq!(i, expected_index);
            assert!(!r.is_empty() && r.len().is_multiple_of(width), "whole records only");
            expected_index += (r.len() / width) as u64;
            out.extend_from_slice(r)
        };
        let mut from = 0;
        let mut piece = Piece::default();
        for &to in cuts.iter().chain([&body.len()]) {
            tokenize(&body.as_bytes()[from..to], &mut piece)?;
            flat.accept(&piece, &mut sink)?;
            from = to;
        }
        flat.finish()?;
        Some(out)
    }

    const GOOD: [&str; 5] = ["", " \n ", "1,-2, 3 ,\n0", "999999999999999999,-1", " 10 , 20,30 ,40 , 50,60 "];
    const BAD: [&str; 13] = ["1,", ",1", "1,,2", "01", "-", "1.5", "1e3", "1 2", "\"1\"", "1000000000000000000", "1,2,3", " , ", "-0,1"];

    /// `int_at` reads exactly what the JSON grammar and serde's integers
    /// read, whatever byte ends the digits. Checked against `str::parse` with
    /// the rules spelled out, for every length of 0–20 digits, several
    /// offsets, each kind of byte after the digits, and the end of the text.
    #[test]
    fn integers_match_the_grammar() {
        fn expected(text: &[u8], at: usize) -> Option<(i64, usize)> {
            let negative = text.get(at) == Some(&b'-');
            let start = at + negative as usize;
            let end = start + text[start..].iter().take_while(|c| c.is_ascii_digit()).count();
            let digits = &text[start..end];
            if digits.is_empty() || digits.len() > 18 || (digits.len() > 1 && digits[0] == b'0') {
                return None;
            }
            let v: i64 = std::str::from_utf8(digits).unwrap().parse().unwrap();
            if negative && v == 0 {
                return None;
            }
            Some((if negative { -v } else { v }, end))
        }
        let afters: [&[u8]; 12] = [b"", b",", b" ", b"]", b"/", b":", b".5", b"e3", b"-", b"\xff", b"\x80", b"7,1"];
        let mut checked = 0;
        for len in 0..=20 {
            for first in [b'0', b'1', b'9'] {
                let digits: Vec<u8> = (0..len).map(|d| if d == 0 { first } else { b"0123456789"[(d * 7 + 3) % 10] }).collect();
                for sign in [&b""[..], b"-"] {
                    for after in afters {
                        for offset in 0..9 {
                            let mut text = vec![b' '; offset];
                            text.extend_from_slice(sign);
                            text.extend_from_slice(&digits);
                            text.extend_from_slice(after);
                            assert_eq!(int_at(&text, offset), expected(&text, offset), "{:?}", String::from_utf8_lossy(&text));
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 21 * 3 * 2 * 12 * 9);
    }

    /// Long texts of random tokens — values of 1–20 digits, signs, leading
    /// zeros, `-0`, commas, spaces and stray bytes — read by the tokenizer,
    /// whole or cut into two pieces, exactly as one window reads them.
    #[test]
    fn random_texts_in_pieces_agree_with_one_window() {
        let mut rng = crate::test_rng::Lcg::new(0x853c_49e6_748f_ea9b);
        let mut next = |m: u64| rng.below(m);
        let (mut accepted, mut refused, mut values) = (0, 0, 0);
        for round in 0..4000 {
            let mut text = String::new();
            let width = 1 + round % 5;
            let tokens = width as u64 * (10 + next(60));
            let odd = next(4) == 0;
            for t in 0..tokens {
                if t > 0 {
                    text.push_str(match next(if odd { 400 } else { 40_000 }) {
                        0 => ",,",
                        1 => ", ",
                        2 => " ,",
                        3 => "",
                        4 => ",\n",
                        _ => ",",
                    });
                }
                match next(if odd { 300 } else { 30_000 }) {
                    0 => text.push_str("-0"),
                    1 => text.push('-'),
                    2 => text.push_str("1.5"),
                    3 => text.push('x'),
                    4 => text.push_str("0123"),
                    5 => text.push_str("1-2"),
                    _ => {
                        if next(3) == 0 {
                            text.push('-');
                        }
                        let len = match next(10) {
                            0 => {
                                let longest = if next(100) == 0 { 6 } else { 4 };
                                15 + next(longest)
                            }
                            1..=3 => 1,
                            _ => 1 + next(9),
                        };
                        for d in 0..len {
                            text.push(char::from(b'0' + if d == 0 { 1 + next(9) } else { next(10) } as u8));
                        }
                    }
                }
            }
            let whole = fed(&text, width);
            let bytes = text.as_bytes();
            let cut = (1..bytes.len()).find(|&at| bytes[at - 1] == b',' && next(3) == 0).unwrap_or(0);
            assert_eq!(in_pieces(&text, width, &[]), whole, "{text:?}");
            assert_eq!(in_pieces(&text, width, &[cut]), whole, "{text:?} cut at {cut}");
            match whole {
                Some(v) => {
                    accepted += 1;
                    values += v.len();
                }
                None => refused += 1,
            }
        }
        assert!(accepted > 1000 && refused > 1000 && values > 100_000, "{accepted} accepted, {refused} refused, {values} values");
    }

    #[test]
    fn flat_arrays() {
        assert_eq!(fed("", 2), Some(vec![]));
        assert_eq!(fed(" \n ", 2), Some(vec![]));
        assert_eq!(fed("1,-2, 3 ,\n0", 2), Some(vec![1, -2, 3, 0]));
        assert_eq!(fed("999999999999999999,-1", 1), Some(vec![999_999_999_999_999_999, -1]));
        for bad in BAD {
            assert_eq!(fed(bad, 2), None, "{bad:?}");
        }
    }

    /// Every way of cutting a text into two or three pieces between tokens
    /// (never inside an integer or after its sign) accepts what one window accepts, with the
    /// same records, and refuses what it refuses.
    #[test]
    fn pieces_agree_with_one_window_at_every_cut() {
        // Where the reading thread cuts: after a byte that cannot be inside an integer.
        let cut_ok = |s: &[u8], at: usize| at == 0 || at == s.len() || !(s[at - 1].is_ascii_digit() || s[at - 1] == b'-');
        for (text, width) in GOOD.iter().map(|t| (*t, 2)).chain(GOOD.iter().map(|t| (*t, 3))).chain(BAD.iter().map(|t| (*t, 2))) {
            let b = text.as_bytes();
            let whole = fed(text, width);
            for i in (0..=b.len()).filter(|&i| cut_ok(b, i)) {
                assert_eq!(in_pieces(text, width, &[i]), whole, "{text:?} cut at {i}");
                for j in (i..=b.len()).filter(|&j| cut_ok(b, j)) {
                    assert_eq!(in_pieces(text, width, &[i, j]), whole, "{text:?} cut at {i}, {j}");
                }
            }
        }
    }
}
