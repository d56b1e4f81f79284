//! A compact, append-only string table: one buffer plus offsets, so 10^6
//! short strings cost their bytes plus 4 bytes each, not a heap allocation each.

/// Index into a [`StringTable`].
pub type StrId = u32;

/// "No string" (the format's `-1`).
pub const NO_STRING: StrId = u32::MAX;

/// The longest string kept whole, in bytes. A longer one keeps its first
/// `MAX_STRING_BYTES` (cut at a character boundary) followed by
/// `… (N characters)`. No Python type name, key, repr (the exporter writes
/// at most 80 characters) or file path (`PATH_MAX` is 4096) is longer; a
/// file whose strings are (broken or hostile) would otherwise put megabytes
/// into one table cell or terminal line. The loaders say so in a warning
/// ([`StringTable::shortened`]).
pub const MAX_STRING_BYTES: usize = 4096;

#[derive(Debug, Clone, Default)]
pub struct StringTable {
    bytes: String,
    ends: Vec<u32>,
    /// Strings cut to [`MAX_STRING_BYTES`]: how many, and the longest one's length in bytes.
    shortened: (u64, u64),
}

impl StringTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a string and returns its id. Panics never: a table past 4 GiB
    /// of text is refused by the loaders before it gets here.
    pub fn push(&mut self, s: &str) -> StrId {
        if s.len() > MAX_STRING_BYTES {
            self.push_shortened(s);
        } else {
            self.bytes.push_str(s);
        }
        self.ends.push(self.bytes.len() as u32);
        (self.ends.len() - 1) as StrId
    }

    #[cold]
    fn push_shortened(&mut self, s: &str) {
        self.bytes.push_str(cut_text(s, s.len() as u64, s.chars().count() as u64).as_str());
        self.shortened = (self.shortened.0 + 1, self.shortened.1.max(s.len() as u64));
    }

    /// Appends a string of `bytes` bytes and `chars` characters of which
    /// only `start` was kept (at least its first [`MAX_STRING_BYTES`], or
    /// all of it): what a loader that never holds a long string whole has.
    pub fn push_cut(&mut self, start: &str, bytes: u64, chars: u64) -> StrId {
        if bytes == start.len() as u64 {
            return self.push(start);
        }
        self.bytes.push_str(cut_text(start, bytes, chars).as_str());
        self.shortened = (self.shortened.0 + 1, self.shortened.1.max(bytes));
        self.ends.push(self.bytes.len() as u32);
        (self.ends.len() - 1) as StrId
    }

    /// How many strings were cut to [`MAX_STRING_BYTES`], and the longest
    /// one's length in bytes; `None` when none was.
    pub fn shortened(&self) -> Option<(u64, u64)> {
        (self.shortened.0 > 0).then_some(self.shortened)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// The string with this id, or `None` for [`NO_STRING`] and ids past the end.
    pub fn get(&self, id: StrId) -> Option<&str> {
        let end = *self.ends.get(id as usize)? as usize;
        let start = if id == 0 { 0 } else { self.ends[id as usize - 1] as usize };
        Some(&self.bytes[start..end])
    }

    /// Like [`get`](Self::get) but `""` when absent.
    pub fn str(&self, id: StrId) -> &str {
        self.get(id).unwrap_or("")
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len() as StrId).map(move |id| self.str(id))
    }
}

/// The first [`MAX_STRING_BYTES`] of `start` (cut at a character) and
/// `… (N characters)`.
fn cut_text(start: &str, bytes: u64, chars: u64) -> String {
    let cut = (0..=MAX_STRING_BYTES.min(start.len())).rev().find(|&i| start.is_char_boundary(i)).unwrap_or(0);
    debug_assert!(bytes > MAX_STRING_BYTES as u64);
    format!("{}… ({} characters)", &start[..cut], crate::units::format_count(chars))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut t = StringTable::new();
        let a = t.push("");
        let b = t.push("builtins.dict");
        let c = t.push("é");
        assert_eq!((t.str(a), t.str(b), t.str(c)), ("", "builtins.dict", "é"));
        assert_eq!(t.get(NO_STRING), None);
        assert_eq!(t.get(3), None);
        assert_eq!(t.iter().count(), 3);
        assert_eq!(t.shortened(), None);
    }

    /// A string past the cap keeps its first bytes up to a character
    /// boundary and says how long it was; the next string is whole.
    #[test]
    fn long_strings_are_shortened_at_a_character_boundary() {
        let mut t = StringTable::new();
        let ascii = "a".repeat(MAX_STRING_BYTES + 1);
        // 'é' is 2 bytes: the cap falls in the middle of one.
        let accented = format!("x{}", "é".repeat(MAX_STRING_BYTES));
        let whole = "b".repeat(MAX_STRING_BYTES);
        let ids = [t.push(&ascii), t.push(&accented), t.push(&whole)];
        assert_eq!(t.str(ids[0]), format!("{}… (4,097 characters)", "a".repeat(MAX_STRING_BYTES)));
        assert_eq!(t.str(ids[1]), format!("x{}… (4,097 characters)", "é".repeat((MAX_STRING_BYTES - 1) / 2)));
        assert_eq!(t.str(ids[2]), whole);
        assert_eq!(t.shortened(), Some((2, 1 + 2 * MAX_STRING_BYTES as u64)));
    }
}
