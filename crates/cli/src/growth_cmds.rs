//! `heapscope growth S1 S2 [S3 …]`: what grows across a series of heap
//! snapshots of one process (growing holders, survivors, per-type growth),
//! and `--fail-if-grows` for CI.

use anyhow::{bail, Result};
use heapscope_core::analysis::growth::{self, FindingKind, Growth, GrowthOptions, SeriesHeap};
use heapscope_core::analysis::Analysis;
use heapscope_core::graph::RefKind;
use heapscope_core::units::format_bytes;
use serde::Serialize;

use crate::out::Out;
use crate::{gate, Opened};

#[derive(Serialize)]
struct GrowthDoc {
    files: Vec<String>,
    snapshots: Vec<SnapshotJson>,
    /// Ranked: the most likely leak first.
    findings: Vec<FindingJson>,
    warnings: Vec<String>,
    /// What `--fail-if-grows` found (empty when it passed or was not given).
    failures: Vec<String>,
}

#[derive(Serialize)]
struct SnapshotJson {
    objects: u64,
    total_bytes: u64,
    reachable_bytes: u64,
    rss_bytes: Option<u64>,
    time: Option<String>,
}

#[derive(Serialize)]
struct FindingJson {
    /// `holder`, `survivors`, `type` or `garbage` (unreachable cycles that grow).
    kind: &'static str,
    reason: String,
    /// The one-line fix, in Python terms (holders and garbage).
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
    /// The holder's Python name, the survivors' holder, or the type name
    /// (garbage: the main member type of the cycles).
    name: String,
    growth_bytes: i64,
    /// The holder or representative object in the last snapshot.
    #[serde(skip_serializing_if = "Option::is_none")]
    object_index: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<String>,
    /// Per snapshot: lengths (holder), counts (type), cycles (garbage).
    #[serde(skip_serializing_if = "Option::is_none")]
    counts: Option<Vec<u64>>,
    /// Holder: `counts` are the buffer's own sizes in bytes (a `bytearray`
    /// or `array.array` that grows), not element counts.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    counts_in_bytes: bool,
    /// Per snapshot: retained bytes (holder), shallow bytes (type and garbage).
    #[serde(skip_serializing_if = "Option::is_none")]
    sizes_bytes: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    monotonic: Option<bool>,
    /// Holder: the type of most of its elements.
    #[serde(skip_serializing_if = "Option::is_none")]
    item_type: Option<String>,
    /// Holder or survivors: the shortest path from a root in the last snapshot.
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<Vec<String>>,
}

/// Runs the analysis; returns whether a `--fail-if-grows` target grew.
pub fn growth(files: &[Opened], out: &mut Out, fail_if_grows: &[String], limit: usize, json: bool) -> Result<bool> {
    let mut heaps = Vec::new();
    for f in files {
        let Some(heap) = &f.snapshot.heap else {
            bail!("{}: growth needs heap snapshots; this {} has no object graph", f.name, f.snapshot.format.describe())
        };
        heaps.push((f, heap));
    }
    for (f, h) in &heaps {
        super::heap_cmds::enough_memory_for(&f.name, h)?;
    }
    let analyses: &Vec<Analysis> = crate::kept_until_exit(heaps.iter().map(|(f, h)| Analysis::of_heap(&f.snapshot, h)).collect());
    let series: Vec<SeriesHeap> =
        heaps.iter().zip(analyses).map(|((f, h), a)| SeriesHeap { snapshot: &f.snapshot, heap: h, analysis: a }).collect();
    let g = growth::growth(&series, &GrowthOptions::default())?;
    let last = series[series.len() - 1];
    for target in fail_if_grows {
        never_matches(&series, &g, target)?;
    }
    let findings: Vec<FindingJson> = g.findings.iter().map(|f| finding_json(&g, last, f)).collect();
    let failures = failures(&g, fail_if_grows);
    for w in &g.warnings {
        crate::warn(w);
    }
    if json {
        let doc = GrowthDoc {
            files: files.iter().map(|f| f.name.clone()).collect(),
            snapshots: g
                .totals
                .iter()
                .map(|t| SnapshotJson {
                    objects: t.objects,
                    total_bytes: t.total_bytes,
                    reachable_bytes: t.reachable_bytes,
                    rss_bytes: t.rss_bytes,
                    time: t.time.clone(),
                })
                .collect(),
            findings: findings.into_iter().take(limit).collect(),
            warnings: g.warnings.clone(),
            failures: failures.clone(),
        };
        out.json(&doc)?;
    } else {
        let sizes: Vec<String> = g.totals.iter().map(|t| format_bytes(t.reachable_bytes)).collect();
        out.line(&format!("{} snapshots; reachable memory {}", g.totals.len(), sizes.join(" → ")))?;
        if g.findings.is_empty() {
            out.line("nothing grows")?;
        }
        for (i, f) in findings.iter().take(limit).enumerate() {
            out.line(&format!("{:>3}. [{}] {}", i + 1, f.kind, f.reason))?;
            // Holders and garbage carry a fix (survivors and types do not).
            if let Some(fix) = &f.fix {
                out.line(&format!("       fix: {fix}"))?;
            }
            if let Some(path) = &f.path {
                out.line(&format!("       path: {}", shown_path(path)))?;
            }
        }
        if g.findings.len() > limit {
            out.line(&format!("… {} more", g.findings.len() - limit))?;
        }
    }
    for f in &failures {
        crate::warn(f);
    }
    Ok(!failures.is_empty())
}

fn finding_json(g: &Growth, last: SeriesHeap, f: &growth::Finding) -> FindingJson {
    let address = |o: u32| Some(format!("{:#x}", last.heap.address[o as usize]));
    let mut j = FindingJson {
        kind: f.kind.name(),
        reason: f.reason.clone(),
        fix: f.fix.clone(),
        name: String::new(),
        growth_bytes: f.growth_bytes,
        object_index: None,
        address: None,
        counts: None,
        counts_in_bytes: false,
        sizes_bytes: None,
        monotonic: None,
        item_type: None,
        path: None,
    };
    match f.kind {
        FindingKind::Holder(i) => {
            let h = &g.holders[i];
            j.name = h.name.clone();
            j.object_index = Some(h.object);
            j.address = address(h.object);
            j.counts = Some(h.lengths.clone());
            j.counts_in_bytes = h.lengths_in_bytes;
            j.sizes_bytes = Some(h.retained_bytes.clone());
            j.monotonic = Some(h.monotonic);
            j.item_type = h.item_type.as_ref().map(|(t, _)| t.clone());
            j.path = Some(path(last, h.object));
        }
        FindingKind::Survivors(i) => {
            let c = &g.survivors[i];
            j.name = format!("{}{}", c.holder, c.step);
            j.object_index = Some(c.representative);
            j.address = address(c.representative);
            j.counts = Some(vec![c.count]);
            j.path = Some(path(last, c.representative));
        }
        FindingKind::Type(i) => {
            let t = &g.types[i];
            j.name = t.type_name.clone();
            j.counts = Some(t.counts.clone());
            j.sizes_bytes = Some(t.sizes_bytes.clone());
            j.monotonic = Some(t.monotonic);
        }
        FindingKind::Garbage(i) => {
            let c = &g.garbage[i];
            j.name = c.type_name.clone();
            j.object_index = Some(c.example);
            j.address = address(c.example);
            j.counts = Some(c.cycles.clone());
            j.sizes_bytes = Some(c.size_bytes.clone());
            j.monotonic = Some(c.monotonic);
        }
    }
    j
}

/// The shortest path from a root to `o`, as `module __main__`, `.bus`, … steps.
/// A path for the table: a long one (a chain of thousands of closures)
/// keeps its first and last steps and says how many are left out.
fn shown_path(path: &[String]) -> String {
    const HEAD: usize = 8;
    const TAIL: usize = 12;
    if path.len() <= HEAD + TAIL + 1 {
        return path.join(" → ");
    }
    let left_out = path.len() - HEAD - TAIL;
    format!("{} → … {left_out} steps … → {}", path[..HEAD].join(" → "), path[path.len() - TAIL..].join(" → "))
}

fn path(v: SeriesHeap, o: u32) -> Vec<String> {
    let p = v.analysis.retainer_paths(v.snapshot, v.heap, o, 1, &heapscope_core::analysis::strong_view::Exclusions::none());
    let Some(first) = p.paths.first() else { return Vec::new() };
    let view = heapscope_core::view::HeapView { snapshot: v.snapshot, heap: v.heap, analysis: v.analysis };
    let mut out = vec![view.describe(first.root)];
    for s in &first.steps {
        out.push(format!("{} {}", s.label, heapscope_core::view::short_type_name(v.analysis.types.name_of(s.to))));
    }
    out
}

/// Words the namer writes itself, which no snapshot need contain: the
/// kinds of reference (`<internal>`, `.<closure big>`, `key`, `element`),
/// "local `batch` of `consume` (thread `batcher`)", `ContextVar`, indices
/// and addresses (`list @0x7f…`).
fn written_by_namer(word: &str) -> bool {
    const WORDS: &[&str] = &["element", "default", "of", "thread", "ContextVar", "self", "value", "class", "instance", "dict"];
    WORDS.contains(&word)
        || RefKind::ALL.iter().any(|k| k.format_name() == word)
        || word.chars().all(|c| c.is_ascii_digit())
        || word.starts_with("0x")
}

/// An error (exit 2) when `target` can name nothing in the series: no type
/// of any snapshot, no holder the analysis found, and a word of it (a run
/// of letters, digits and `_`) that no string of any snapshot contains, so
/// no holder of that name can exist. A holder that exists but did not grow
/// is not in `g.holders`; the words of its name are in the snapshots.
fn never_matches(series: &[SeriesHeap], g: &Growth, target: &str) -> Result<()> {
    let mut types: Vec<&str> = series.iter().flat_map(|s| gate::type_names(s.snapshot, s.heap)).collect();
    types.sort_unstable();
    types.dedup();
    let holder_names = g.holders.iter().map(|h| h.name.as_str());
    if types.iter().copied().chain(holder_names).any(|n| gate::names(n, target)) {
        return Ok(());
    }
    let words: Vec<&str> =
        target.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty() && !written_by_namer(w)).collect();
    let missing = words.iter().find(|w| !series.iter().any(|s| s.snapshot.strings.iter().any(|text| text.contains(*w))));
    let nothing = match (words.is_empty(), missing) {
        (true, _) => "a name without a word names no type or holder".to_string(),
        (false, Some(missing)) => format!("no type or holder of that name in any snapshot (no string of theirs contains `{missing}`)"),
        (false, None) => return Ok(()),
    };
    let close = gate::close_matches(target, types.iter().copied().chain(g.holders.iter().map(|h| h.name.as_str())));
    Err(gate::never_trips(&format!("--fail-if-grows `{target}`"), &nothing, &close))
}

/// `--fail-if-grows NAME`: a holder (by Python name, or its last component)
/// or a type (full name or last component) that grew at every step.
fn failures(g: &Growth, targets: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for t in targets {
        for h in &g.holders {
            if h.monotonic && gate::names(&h.name, t) {
                out.push(format!("holder `{}` grew: {}", h.name, h.lengths.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" → ")));
            }
        }
        for ty in &g.types {
            if ty.monotonic && gate::names(&ty.type_name, t) {
                out.push(format!(
                    "type {} grew: {} objects",
                    ty.type_name,
                    ty.counts.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" → ")
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_path_keeps_its_ends() {
        let path: Vec<String> = (0..2000).map(|i| format!("s{i}")).collect();
        let shown = super::shown_path(&path);
        assert!(shown.starts_with("s0 → s1") && shown.ends_with("s1998 → s1999"), "{shown}");
        assert!(shown.contains("→ s7 → … 1980 steps … → s1988 →"), "{shown}");
        assert_eq!(super::shown_path(&path[..21]), path[..21].join(" → "));
    }
}
