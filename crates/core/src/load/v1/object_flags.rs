//! `meta.object_flags`: which bit of an object's `flags` field means what.
//! heapscope's own bits are the standard ones (`model::flags`); a file that
//! declares another layout has its flags read through it, never with the
//! standard bits by mistake (a wrong `module` or `garbage` bit changes who
//! owns what and which cycles are garbage).

use serde_json::Value;

use crate::model::flags;

/// Flag names shown per warning at most.
const NAMED: usize = 3;
/// Names are the file's text: clipped for the message.
const NAME_CHARS: usize = 40;

/// How a record's `flags` field turns into heapscope's flag bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FlagBits {
    /// The file's bit for each of `flags::NAMES` (0: it declares none).
    declared: [u64; 7],
    /// The file's bits are the standard ones: a mask does.
    standard: bool,
}

impl Default for FlagBits {
    fn default() -> Self {
        FlagBits { declared: std::array::from_fn(|i| 1 << i), standard: true }
    }
}

impl FlagBits {
    /// The bits `meta.object_flags` declares (the standard ones when it is
    /// absent), or what is wrong with it.
    pub(super) fn of(value: Option<&Value>) -> Result<FlagBits, String> {
        let Some(value) = value else { return Ok(FlagBits::default()) };
        let Some(map) = value.as_object() else {
            return Err("`meta.object_flags` is not an object of flag names and their bits".into());
        };
        let mut declared = [0u64; 7];
        for (i, name) in flags::NAMES.iter().enumerate() {
            let Some(bit) = map.get(*name) else { continue };
            let Some(bit) = bit.as_u64().filter(|b| b.is_power_of_two() && *b <= 1 << 62) else {
                return Err(format!(
                    "`meta.object_flags` gives `{name}` the value {}; expected one bit (1, 2, 4, … up to 2^62)",
                    clip(&bit.to_string())
                ));
            };
            if let Some(other) = declared.iter().position(|&b| b == bit) {
                return Err(format!("`meta.object_flags` gives `{}` and `{name}` the same bit ({bit})", flags::NAMES[other]));
            }
            declared[i] = bit;
        }
        let standard = declared == FlagBits::default().declared;
        Ok(FlagBits { declared, standard })
    }

    /// heapscope's flags for a record's `flags` value.
    #[inline]
    pub(super) fn read(&self, value: i64) -> u8 {
        if self.standard {
            return (value & 0x7f) as u8;
        }
        let value = value as u64;
        self.declared.iter().enumerate().filter(|&(_, &bit)| value & bit != 0).fold(0, |out, (i, _)| out | 1 << i)
    }

    /// What a reader should know about a declared layout: flags it names
    /// that heapscope does not know (ignored), and flags it leaves out
    /// (no object has them).
    pub(super) fn warnings(&self, value: Option<&Value>) -> Vec<String> {
        let Some(map) = value.and_then(Value::as_object) else { return Vec::new() };
        let mut out = Vec::new();
        let unknown: Vec<&String> = map.keys().filter(|k| !flags::NAMES.contains(&k.as_str())).collect();
        if !unknown.is_empty() {
            out.push(format!(
                "`meta.object_flags` names {} this heapscope does not know; ignored",
                list(unknown.iter().map(|k| k.as_str()))
            ));
        }
        let missing: Vec<&str> = flags::NAMES.iter().zip(&self.declared).filter(|(_, &bit)| bit == 0).map(|(n, _)| *n).collect();
        if !missing.is_empty() {
            out.push(format!("`meta.object_flags` declares no bit for {}: no object is read as having it", list(missing.into_iter())));
        }
        out
    }
}

/// `` `a`, `b`, `c` and 2 more ``.
fn list<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> String {
    let count = names.len();
    let mut shown: Vec<String> = names.take(NAMED).map(|n| format!("`{}`", clip(n))).collect();
    if count > NAMED {
        shown.push(format!("{} more", count - NAMED));
    }
    shown.join(", ")
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(NAME_CHARS) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_string(),
    }
}
