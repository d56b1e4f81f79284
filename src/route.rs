//! The URL hash holds the view and the selection, so links are deep and
//! back/forward work: `#/types`, `#/object/42`, `#/cycles/3`, …
//!
//! Pure functions: parse and print, tested natively.

/// What the page shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Route {
    #[default]
    Overview,
    Types,
    Instances(String),
    Object(u32),
    Retainers(u32),
    Graph(u32),
    Dominators,
    Cycles,
    Cycle(u32),
    Allocations,
    Compare,
    Search(String),
    /// What grows across the heap series: all of it, or a range (series
    /// indices, 0-based; the hash counts from 1: `#/growth/2-3`).
    Growth(Option<(u32, u32)>),
    /// memory_profiler `mprof run` files on one chart.
    Timeline,
    /// memory_profiler `@profile` reports.
    Lines,
    /// Explore the series' heap snapshot (0-based; `#/snapshot/1` is the first).
    Snapshot(u32),
}

impl Route {
    /// Parses a `location.hash` (with or without the leading `#`); anything
    /// unknown is the overview.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let (head, rest) = path.split_once('/').unwrap_or((path, ""));
        let rest = decode(rest);
        let id = || rest.parse::<u32>().ok();
        match head {
            "types" => Route::Types,
            "instances" if !rest.is_empty() => Route::Instances(rest),
            "object" => id().map_or(Route::Overview, Route::Object),
            "retainers" => id().map_or(Route::Overview, Route::Retainers),
            "graph" => id().map_or(Route::Overview, Route::Graph),
            "dominators" => Route::Dominators,
            "cycles" => id().map_or(Route::Cycles, Route::Cycle),
            "allocations" => Route::Allocations,
            "compare" => Route::Compare,
            "search" if !rest.is_empty() => Route::Search(rest),
            "growth" => Route::Growth(range(&rest)),
            "timeline" => Route::Timeline,
            "lines" => Route::Lines,
            "snapshot" => id().and_then(|n| n.checked_sub(1)).map_or(Route::Overview, Route::Snapshot),
            _ => Route::Overview,
        }
    }

    pub fn to_hash(&self) -> String {
        match self {
            Route::Overview => "#/overview".into(),
            Route::Types => "#/types".into(),
            Route::Instances(t) => format!("#/instances/{}", encode(t)),
            Route::Object(o) => format!("#/object/{o}"),
            Route::Retainers(o) => format!("#/retainers/{o}"),
            Route::Graph(o) => format!("#/graph/{o}"),
            Route::Dominators => "#/dominators".into(),
            Route::Cycles => "#/cycles".into(),
            Route::Cycle(c) => format!("#/cycles/{c}"),
            Route::Allocations => "#/allocations".into(),
            Route::Compare => "#/compare".into(),
            Route::Search(q) => format!("#/search/{}", encode(q)),
            Route::Growth(None) => "#/growth".into(),
            Route::Growth(Some((a, b))) => format!("#/growth/{}-{}", a + 1, b + 1),
            Route::Timeline => "#/timeline".into(),
            Route::Lines => "#/lines".into(),
            Route::Snapshot(k) => format!("#/snapshot/{}", k + 1),
        }
    }

    /// The tab this route belongs to.
    pub fn tab(&self) -> Tab {
        match self {
            Route::Overview | Route::Snapshot(_) => Tab::Overview,
            Route::Growth(_) => Tab::Growth,
            Route::Timeline => Tab::Timeline,
            Route::Lines => Tab::Lines,
            Route::Types | Route::Instances(_) => Tab::Types,
            Route::Object(_) | Route::Retainers(_) | Route::Graph(_) => Tab::Object,
            Route::Dominators => Tab::Dominators,
            Route::Cycles | Route::Cycle(_) => Tab::Cycles,
            Route::Allocations => Tab::Allocations,
            Route::Compare => Tab::Compare,
            Route::Search(_) => Tab::Search,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Types,
    Object,
    Dominators,
    Cycles,
    Allocations,
    Compare,
    Search,
    Growth,
    Timeline,
    Lines,
}

/// `2-3` (1-based, first before last) as a 0-based range.
fn range(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('-')?;
    let (a, b) = (a.parse::<u32>().ok()?.checked_sub(1)?, b.parse::<u32>().ok()?.checked_sub(1)?);
    (a < b).then_some((a, b))
}

/// Where a batch of files lands: several heap snapshots of one process on
/// Growth, memory_profiler files on the Timeline or the Line report,
/// anything else on the overview.
pub fn landing(files: &[heapscope_protocol::FileInfo]) -> Route {
    use heapscope_protocol::FileRole;
    let has = |role: FileRole| files.iter().any(|f| f.roles.contains(&role));
    let heaps = files.iter().filter(|f| f.has_heap).count();
    if heaps >= 2 {
        Route::Growth(None)
    } else if heaps == 0 && has(FileRole::Timeline) {
        Route::Timeline
    } else if heaps == 0 && has(FileRole::LineReport) {
        Route::Lines
    } else {
        Route::Overview
    }
}

/// Percent-encodes everything but unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for route in [
            Route::Overview,
            Route::Types,
            Route::Instances("__main__.Request".into()),
            Route::Instances("a b/ü%".into()),
            Route::Object(42),
            Route::Retainers(7),
            Route::Graph(0),
            Route::Dominators,
            Route::Cycles,
            Route::Cycle(3),
            Route::Allocations,
            Route::Compare,
            Route::Search("req-42 'x'".into()),
            Route::Growth(None),
            Route::Growth(Some((0, 2))),
            Route::Timeline,
            Route::Lines,
            Route::Snapshot(0),
        ] {
            assert_eq!(Route::parse(&route.to_hash()), route, "{}", route.to_hash());
        }
    }

    #[test]
    fn unknown_or_broken_hashes_fall_back() {
        assert_eq!(Route::parse(""), Route::Overview);
        assert_eq!(Route::parse("#/object/abc"), Route::Overview);
        assert_eq!(Route::parse("#/cycles/x"), Route::Cycles);
        assert_eq!(Route::parse("#/nope"), Route::Overview);
        assert_eq!(Route::parse("#/search/%ZZ"), Route::Search("%ZZ".into()));
        assert_eq!(Route::parse("#/growth/2-3"), Route::Growth(Some((1, 2))));
        assert_eq!(Route::parse("#/growth/3-2"), Route::Growth(None));
        assert_eq!(Route::parse("#/growth/0-2"), Route::Growth(None));
        assert_eq!(Route::parse("#/snapshot/0"), Route::Overview);
        assert_eq!(Route::parse("#/snapshot/2"), Route::Snapshot(1));
    }

    #[test]
    fn a_batch_lands_where_its_files_are_read() {
        use heapscope_protocol::{FileInfo, FileRole};
        let file = |has_heap: bool, role: FileRole| FileInfo {
            file_name: "f".into(),
            has_heap,
            has_tracemalloc: false,
            time: None,
            series_index: None,
            roles: vec![role],
        };
        assert_eq!(landing(&[file(true, FileRole::Heap)]), Route::Overview);
        assert_eq!(landing(&[file(true, FileRole::Baseline), file(true, FileRole::Heap)]), Route::Growth(None));
        assert_eq!(landing(&[file(false, FileRole::Timeline), file(false, FileRole::LineReport)]), Route::Timeline);
        assert_eq!(landing(&[file(false, FileRole::LineReport)]), Route::Lines);
        assert_eq!(landing(&[file(true, FileRole::Heap), file(false, FileRole::Timeline)]), Route::Overview);
    }
}
