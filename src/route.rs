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
        }
    }

    /// The tab this route belongs to.
    pub fn tab(&self) -> Tab {
        match self {
            Route::Overview => Tab::Overview,
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
    }
}
