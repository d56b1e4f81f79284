//! Everything the CLI prints goes through here: text lines with terminal
//! control characters escaped, JSON with the same characters escaped, and
//! write errors returned (a closed pipe ends the command quietly in `main`).
//!
//! Snapshot strings are untrusted: an object's repr may hold `ESC]0;…BEL`
//! (retitles the terminal), a bare `ESC[2J`, NUL, or a right-to-left
//! override that makes a line read backwards. None reaches the terminal raw.

use std::borrow::Cow;
use std::io::{self, BufWriter, Stdout, Write};

use serde::Serialize;

/// Whether `c` must not reach a terminal (or a JSON consumer that renders
/// text) raw: C0 controls, DEL, C1 controls, and the Unicode characters
/// that reorder, hide or show nothing: bidi embeddings, overrides and
/// isolates, marks, line/paragraph separators, zero-width joiners and BOM,
/// the soft hyphen, the grapheme joiner, fillers (Hangul), variation
/// selectors, interlinear annotations, invisible operators and the tag
/// characters (U+E0000 block).
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{AD}' | '\u{34F}'
        | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}' | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// `s` with every [`is_unsafe`] character written as `\u{…}` (a backslash
/// is left alone: it is harmless on a terminal).
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Standard output, buffered.
pub struct Out {
    w: BufWriter<Stdout>,
}

impl Out {
    pub fn new() -> Out {
        Out { w: BufWriter::with_capacity(64 << 10, io::stdout()) }
    }

    /// One line of text; control characters in it are escaped.
    pub fn line(&mut self, text: &str) -> io::Result<()> {
        self.w.write_all(terminal_safe(text).as_bytes())?;
        self.w.write_all(b"\n")
    }

    /// An empty line.
    pub fn blank(&mut self) -> io::Result<()> {
        self.w.write_all(b"\n")
    }

    /// A value as pretty JSON (one document), with [`is_unsafe`] characters
    /// beyond JSON's own escapes written as `\uXXXX`.
    pub fn json<T: Serialize>(&mut self, value: &T) -> io::Result<()> {
        let mut ser = serde_json::Serializer::with_formatter(&mut self.w, SafeFormatter(serde_json::ser::PrettyFormatter::new()));
        value.serialize(&mut ser).map_err(io::Error::from)?;
        self.w.write_all(b"\n")
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// serde_json's pretty formatter, plus `\uXXXX` for the characters
/// [`is_unsafe`] names that JSON lets through (DEL, C1, bidi controls…).
struct SafeFormatter(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                // Past U+FFFF, JSON's escape is a UTF-16 surrogate pair.
                for unit in c.encode_utf16(&mut [0; 2]) {
                    write!(w, "\\u{:04x}", unit)?;
                }
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(terminal_safe("plain é → ×"), "plain é → ×");
        assert_eq!(terminal_safe("a\u{1b}]0;owned\u{7}b"), "a\\u{1b}]0;owned\\u{7}b");
        assert_eq!(terminal_safe("\0\u{85}\u{202e}x\u{2066}\n"), "\\u{0}\\u{85}\\u{202e}x\\u{2066}\\u{a}");
        let mut buf = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, SafeFormatter(serde_json::ser::PrettyFormatter::new()));
        "a\u{202e}b\u{1b}c\u{7f}\u{9b}é".serialize(&mut ser).unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), r#""a\u202eb\u001bc\u007f\u009bé""#);
        // Invisible characters past the bidi controls, in text and in JSON
        // (a tag character as a surrogate pair, which JSON readers decode).
        for c in ['\u{ad}', '\u{34f}', '\u{180e}', '\u{206a}', '\u{3164}', '\u{fe0f}', '\u{fff9}', '\u{e0041}', '\u{e0100}'] {
            assert_eq!(terminal_safe(&format!("x{c}y")), format!("x\\u{{{:x}}}y", c as u32));
        }
        let mut buf = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, SafeFormatter(serde_json::ser::PrettyFormatter::new()));
        "a\u{e0041}b".serialize(&mut ser).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text, r#""a\udb40\udc41b""#);
        assert_eq!(serde_json::from_str::<String>(&text).unwrap(), "a\u{e0041}b");
    }
}
