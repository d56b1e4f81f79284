//! tracemalloc statistics, recomputed exactly as CPython's
//! `Snapshot.statistics()`, `compare_to()` and `filter_traces()` compute them
//! (Lib/tracemalloc.py), including their sort orders; and heap objects
//! joined to their allocation sites.

use std::collections::HashMap;

use crate::model::{Heap, Snapshot, Trace, Tracemalloc};
use crate::strings::StringTable;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Filename,
    Lineno,
    Traceback,
}

impl GroupBy {
    pub fn parse(s: &str) -> Option<GroupBy> {
        match s {
            "filename" => Some(GroupBy::Filename),
            "lineno" => Some(GroupBy::Lineno),
            "traceback" => Some(GroupBy::Traceback),
            _ => None,
        }
    }
}

/// The one grouping tracemalloc refuses: cumulative statistics by traceback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CumulativeTraceback;

impl std::fmt::Display for CumulativeTraceback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cumulative statistics are only defined for grouping by 'lineno' or 'filename'")
    }
}

impl std::error::Error for CumulativeTraceback {}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FrameKey {
    /// Shared by every key of one file: a traceback key of a thousand
    /// frames of one long file name holds the name once.
    pub filename: std::sync::Arc<str>,
    pub lineno: u32,
}

/// A group key: frames most recent first (tracemalloc's internal order).
pub type TracebackKey = Vec<FrameKey>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statistic {
    pub traceback: TracebackKey,
    pub size_bytes: u64,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticDiff {
    pub traceback: TracebackKey,
    pub size_bytes: u64,
    pub size_diff: i64,
    pub count: u64,
    pub count_diff: i64,
}

/// Python compares `Traceback`s by their frames oldest first.
fn python_order(a: &TracebackKey, b: &TracebackKey) -> std::cmp::Ordering {
    a.iter().rev().cmp(b.iter().rev())
}

/// Frame keys, each file name made once.
struct FrameKeys<'a> {
    t: &'a Tracemalloc,
    strings: &'a StringTable,
    names: HashMap<u32, std::sync::Arc<str>>,
}

impl<'a> FrameKeys<'a> {
    fn new(t: &'a Tracemalloc, strings: &'a StringTable) -> Self {
        FrameKeys { t, strings, names: HashMap::new() }
    }

    fn key(&mut self, frame: u32) -> FrameKey {
        let f = self.t.frames[frame as usize];
        let strings = self.strings;
        let filename = self.names.entry(f.filename).or_insert_with(|| strings.str(f.filename).into()).clone();
        FrameKey { filename, lineno: f.lineno }
    }

    fn traceback(&mut self, frames: &[u32]) -> TracebackKey {
        frames.iter().map(|&f| self.key(f)).collect()
    }
}

/// `Snapshot._group_by`.
fn group(
    t: &Tracemalloc,
    strings: &StringTable,
    by: GroupBy,
    cumulative: bool,
) -> Result<HashMap<TracebackKey, (u64, u64)>, CumulativeTraceback> {
    if cumulative && by == GroupBy::Traceback {
        return Err(CumulativeTraceback);
    }
    let mut keys = FrameKeys::new(t, strings);
    let mut key_of_frame = |frame: u32| -> FrameKey {
        let mut k = keys.key(frame);
        if by == GroupBy::Filename {
            k.lineno = 0;
        }
        k
    };
    // Per traceback index first (as Python caches per traceback tuple).
    let mut per_traceback: HashMap<u32, (u64, u64)> = HashMap::new();
    for tr in &t.traces {
        let e = per_traceback.entry(tr.traceback).or_insert((0, 0));
        e.0 += tr.size_bytes;
        e.1 += 1;
    }
    let mut stats: HashMap<TracebackKey, (u64, u64)> = HashMap::new();
    let mut add = |key: TracebackKey, size: u64, count: u64| {
        // Cumulative statistics count a trace once per frame: saturate.
        let e = stats.entry(key).or_insert((0, 0));
        e.0 = e.0.saturating_add(size);
        e.1 += count;
    };
    for (&tb, &(size, count)) in &per_traceback {
        let frames = &t.tracebacks[tb as usize];
        if cumulative {
            for &f in frames {
                add(vec![key_of_frame(f)], size, count);
            }
        } else {
            // By traceback, `key_of_frame` keeps each frame's line.
            let key = match by {
                GroupBy::Traceback => frames.iter().map(|&f| key_of_frame(f)).collect(),
                _ => frames.first().map(|&f| vec![key_of_frame(f)]).unwrap_or_default(),
            };
            add(key, size, count);
        }
    }
    Ok(stats)
}

/// `Snapshot.statistics(key_type, cumulative)`: biggest first.
pub fn statistics(t: &Tracemalloc, strings: &StringTable, by: GroupBy, cumulative: bool) -> Result<Vec<Statistic>, CumulativeTraceback> {
    let mut out: Vec<Statistic> = group(t, strings, by, cumulative)?
        .into_iter()
        .map(|(traceback, (size_bytes, count))| Statistic { traceback, size_bytes, count })
        .collect();
    out.sort_by(|a, b| (b.size_bytes, b.count).cmp(&(a.size_bytes, a.count)).then_with(|| python_order(&b.traceback, &a.traceback)));
    Ok(out)
}

/// `new.compare_to(old, key_type, cumulative)`: biggest change first.
pub fn compare_to(
    new: (&Tracemalloc, &StringTable),
    old: (&Tracemalloc, &StringTable),
    by: GroupBy,
    cumulative: bool,
) -> Result<Vec<StatisticDiff>, CumulativeTraceback> {
    let new_group = group(new.0, new.1, by, cumulative)?;
    let mut old_group = group(old.0, old.1, by, cumulative)?;
    let mut out = Vec::with_capacity(new_group.len() + old_group.len());
    for (traceback, (size, count)) in new_group {
        let (old_size, old_count) = old_group.remove(&traceback).unwrap_or((0, 0));
        out.push(StatisticDiff {
            traceback,
            size_bytes: size,
            size_diff: size as i64 - old_size as i64,
            count,
            count_diff: count as i64 - old_count as i64,
        });
    }
    for (traceback, (size, count)) in old_group {
        out.push(StatisticDiff { traceback, size_bytes: 0, size_diff: -(size as i64), count: 0, count_diff: -(count as i64) });
    }
    let key = |s: &StatisticDiff| (s.size_diff.unsigned_abs(), s.size_bytes, s.count_diff.unsigned_abs(), s.count);
    out.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| python_order(&b.traceback, &a.traceback)));
    Ok(out)
}

/// `tracemalloc.Filter` and `tracemalloc.DomainFilter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceFilter {
    Filename { inclusive: bool, pattern: String, lineno: Option<u32>, all_frames: bool, domain: Option<u32> },
    Domain { inclusive: bool, domain: u32 },
}

impl TraceFilter {
    /// `Filter(inclusive, pattern)` with tracemalloc's `.pyc` → `.py` normalisation.
    pub fn filename(inclusive: bool, pattern: &str) -> Self {
        TraceFilter::Filename { inclusive, pattern: normalize_filename(pattern), lineno: None, all_frames: false, domain: None }
    }

    fn inclusive(&self) -> bool {
        match self {
            TraceFilter::Filename { inclusive, .. } | TraceFilter::Domain { inclusive, .. } => *inclusive,
        }
    }

    /// Per frame of `t`, whether it matches a filename filter's pattern and
    /// line (each file name matched once, not once per trace); empty for a
    /// domain filter.
    fn frame_matches(&self, t: &Tracemalloc, strings: &StringTable) -> Vec<bool> {
        let TraceFilter::Filename { pattern, lineno, .. } = self else { return Vec::new() };
        let mut by_name: HashMap<u32, bool> = HashMap::new();
        t.frames
            .iter()
            .map(|fr| {
                // The frame's file name is normalised as the pattern is
                // (`Filter._match_frame_impl`): `x.pyc` matches `x.py`.
                let name = *by_name.entry(fr.filename).or_insert_with(|| fnmatch(&normalize_filename(strings.str(fr.filename)), pattern));
                name && lineno.is_none_or(|l| l == fr.lineno)
            })
            .collect()
    }

    /// `frame_ok`: [`TraceFilter::frame_matches`].
    fn matches(&self, t: &Tracemalloc, frame_ok: &[bool], trace: &Trace) -> bool {
        match self {
            TraceFilter::Domain { inclusive, domain } => (trace.domain == *domain) ^ !inclusive,
            TraceFilter::Filename { inclusive, all_frames, domain, .. } => {
                let frames = &t.tracebacks[trace.traceback as usize];
                let impl_ = |f: u32| frame_ok[f as usize];
                let res = if *all_frames {
                    if frames.iter().any(|&f| impl_(f)) {
                        *inclusive
                    } else {
                        !inclusive
                    }
                } else {
                    // Python raises on an empty traceback; we call it no match.
                    frames.first().is_some_and(|&f| impl_(f)) ^ !inclusive
                };
                match domain {
                    Some(d) if *inclusive => res && trace.domain == *d,
                    Some(d) => res || trace.domain != *d,
                    None => res,
                }
            }
        }
    }
}

fn normalize_filename(f: &str) -> String {
    match f.strip_suffix(".pyc") {
        Some(stem) => format!("{stem}.py"),
        None => f.to_string(),
    }
}

/// `Snapshot.filter_traces(filters)`: a copy with the traces that pass.
pub fn filter_traces(t: &Tracemalloc, strings: &StringTable, filters: &[TraceFilter]) -> Tracemalloc {
    let with_frames = |f: &'_ TraceFilter| (f.clone(), f.frame_matches(t, strings));
    let include: Vec<(TraceFilter, Vec<bool>)> = filters.iter().filter(|f| f.inclusive()).map(with_frames).collect();
    let exclude: Vec<(TraceFilter, Vec<bool>)> = filters.iter().filter(|f| !f.inclusive()).map(with_frames).collect();
    let keep = |tr: &Trace| {
        (include.is_empty() || include.iter().any(|(f, ok)| f.matches(t, ok, tr))) && !exclude.iter().any(|(f, ok)| !f.matches(t, ok, tr))
    };
    Tracemalloc { traces: t.traces.iter().filter(|tr| keep(tr)).copied().collect(), ..t.clone() }
}

/// `fnmatch.fnmatch` on POSIX (case-sensitive): `*`, `?`, `[seq]`, `[!seq]`;
/// a `[` without its `]` is literal. Iterative, linear backtracking on `*`.
pub fn fnmatch(name: &str, pattern: &str) -> bool {
    let name: Vec<char> = name.chars().collect();
    let pat: Vec<char> = pattern.chars().collect();
    let (mut n, mut p) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let step = if p < pat.len() {
            match pat[p] {
                '*' => {
                    star = Some((p, n));
                    p += 1;
                    continue;
                }
                '?' => Some(p + 1),
                '[' => match class(&pat, p, name[n]) {
                    ClassMatch::Yes(next) => Some(next),
                    ClassMatch::No => None,
                    ClassMatch::Literal => (name[n] == '[').then_some(p + 1),
                },
                c => (c == name[n]).then_some(p + 1),
            }
        } else {
            None
        };
        match step {
            Some(next) => {
                p = next;
                n += 1;
            }
            None => match star {
                Some((sp, sn)) => {
                    star = Some((sp, sn + 1));
                    p = sp + 1;
                    n = sn + 1;
                }
                None => return false,
            },
        }
    }
    pat[p..].iter().all(|&c| c == '*')
}

enum ClassMatch {
    Yes(usize),
    No,
    /// No closing `]`: the `[` is an ordinary character.
    Literal,
}

/// Matches `c` against the class starting at `pat[start] == '['`.
fn class(pat: &[char], start: usize, c: char) -> ClassMatch {
    let mut i = start + 1;
    let negate = pat.get(i) == Some(&'!');
    if negate {
        i += 1;
    }
    // A `]` right after `[` or `[!` is a member.
    let first = i;
    let mut end = None;
    let mut j = i;
    while j < pat.len() {
        if pat[j] == ']' && j > first {
            end = Some(j);
            break;
        }
        j += 1;
    }
    let Some(end) = end else { return ClassMatch::Literal };
    let mut hit = false;
    let mut k = first;
    while k < end {
        if k + 2 < end && pat[k + 1] == '-' {
            if pat[k] <= c && c <= pat[k + 2] {
                hit = true;
            }
            k += 3;
        } else {
            if pat[k] == c {
                hit = true;
            }
            k += 1;
        }
    }
    if hit != negate {
        ClassMatch::Yes(end + 1)
    } else {
        ClassMatch::No
    }
}

/// Where a heap object was allocated (most recent frame first), when the
/// snapshot carries tracebacks for objects.
pub fn allocation_site(snapshot: &Snapshot, heap: &Heap, object: u32) -> Option<TracebackKey> {
    let t = snapshot.tracemalloc.as_ref()?;
    let tb = *heap.traceback.get(object as usize)?;
    let frames = t.tracebacks.get(tb as usize)?;
    Some(FrameKeys::new(t, &snapshot.strings).traceback(frames))
}

/// Heap objects grouped by the most recent frame of their allocation
/// traceback: `(site, count, shallow bytes)`, biggest first. Objects without
/// a traceback are left out.
pub fn objects_by_site(snapshot: &Snapshot, heap: &Heap, by: GroupBy) -> Vec<(TracebackKey, u64, u64)> {
    let Some(t) = snapshot.tracemalloc.as_ref() else { return Vec::new() };
    let mut per_tb: HashMap<u32, (u64, u64)> = HashMap::new();
    for (i, &tb) in heap.traceback.iter().enumerate() {
        if (tb as usize) < t.tracebacks.len() {
            let e = per_tb.entry(tb).or_insert((0, 0));
            e.0 += 1;
            e.1 += heap.size_bytes[i];
        }
    }
    let mut sites: HashMap<TracebackKey, (u64, u64)> = HashMap::new();
    let mut keys = FrameKeys::new(t, &snapshot.strings);
    for (tb, (count, size)) in per_tb {
        let frames = &t.tracebacks[tb as usize];
        let key: TracebackKey = match by {
            GroupBy::Traceback => keys.traceback(frames),
            GroupBy::Lineno => frames.first().map(|&f| vec![keys.key(f)]).unwrap_or_default(),
            GroupBy::Filename => frames.first().map(|&f| vec![FrameKey { lineno: 0, ..keys.key(f) }]).unwrap_or_default(),
        };
        let e = sites.entry(key).or_insert((0, 0));
        e.0 += count;
        e.1 += size;
    }
    let mut out: Vec<_> = sites.into_iter().map(|(k, (c, s))| (k, c, s)).collect();
    out.sort_by(|a, b| (b.2, b.1).cmp(&(a.2, a.1)).then_with(|| python_order(&a.0, &b.0)));
    out
}
