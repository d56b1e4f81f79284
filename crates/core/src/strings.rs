//! A compact, append-only string table: one buffer plus offsets, so 10^6
//! short strings cost their bytes plus 4 bytes each, not a heap allocation each.

/// Index into a [`StringTable`].
pub type StrId = u32;

/// "No string" (the format's `-1`).
pub const NO_STRING: StrId = u32::MAX;

#[derive(Debug, Clone, Default)]
pub struct StringTable {
    bytes: String,
    ends: Vec<u32>,
}

impl StringTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a string and returns its id. Panics never: a table past 4 GiB
    /// of text is refused by the loaders before it gets here.
    pub fn push(&mut self, s: &str) -> StrId {
        self.bytes.push_str(s);
        self.ends.push(self.bytes.len() as u32);
        (self.ends.len() - 1) as StrId
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
    }
}
