//! Errors and warnings raised while loading a snapshot.
//!
//! Every diagnostic says what is wrong and where: a byte offset, a
//! line/column of the JSON text, or a record of a section.

use std::fmt;

/// Where in the input a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A byte offset into the (decompressed) input.
    Byte(u64),
    /// A position in JSON text, both 1-based (as serde_json reports them).
    LineColumn { line: usize, column: usize },
    /// The `index`-th record of a section, e.g. `heap.references` record 12.
    Record { section: &'static str, index: u64 },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Byte(offset) => write!(f, "at byte {offset}"),
            Location::LineColumn { line, column } => write!(f, "at line {line}, column {column}"),
            Location::Record { section, index } => write!(f, "in {section} record {index}"),
        }
    }
}

/// A problem that spoils one record; the rest of the snapshot still loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>, location: Option<Location>) -> Self {
        Diagnostic { message: message.into(), location }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{} ({location})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A problem that stops the whole load: the input is not a snapshot heapscope
/// can read, or its structure is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub Diagnostic);

impl LoadError {
    pub fn new(message: impl Into<String>, location: Option<Location>) -> Self {
        LoadError(Diagnostic::new(message, location))
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for LoadError {}

/// Collects warnings without letting a hostile file grow the list without
/// bound: past [`Warnings::LIMIT`] only the count goes up.
#[derive(Debug, Default, Clone)]
pub struct Warnings {
    pub kept: Vec<Diagnostic>,
    pub total: u64,
}

impl Warnings {
    pub const LIMIT: usize = 100;

    /// No warning at all.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub fn push(&mut self, message: impl Into<String>, location: Option<Location>) {
        self.total += 1;
        if self.kept.len() < Self::LIMIT {
            self.kept.push(Diagnostic::new(message, location));
        }
    }

    /// Like `push`, but the warning goes before all others (and is kept:
    /// the last kept one makes room when the list is full).
    pub fn push_front(&mut self, message: impl Into<String>, location: Option<Location>) {
        self.total += 1;
        self.kept.insert(0, Diagnostic::new(message, location));
        self.kept.truncate(Self::LIMIT);
    }

    /// The kept warnings, plus one line saying how many more there were.
    pub fn into_vec(mut self) -> Vec<Diagnostic> {
        let dropped = self.total - self.kept.len() as u64;
        if dropped > 0 {
            self.kept.push(Diagnostic::new(format!("… and {dropped} more warnings"), None));
        }
        self.kept
    }
}
