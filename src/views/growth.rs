//! Growth: what grows across the open series of heap snapshots (or a
//! range of it) — the series' timeline (RSS, heap total, application-owned
//! memory; a point opens that snapshot, a segment the growth between its
//! ends), the ranked findings, growing holders with their growth per
//! snapshot and fix, survivor clusters whose representative opens in the
//! retainer graph, and per-type growth with sparklines.

use std::cmp::Ordering;

use heapscope_protocol::{Answer, GrowingHolderRow, GrowthReport, Query, SurvivorRow, TypeGrowthRow};
use leptos::prelude::*;

use super::chart::{ChartData, Line, LineChart};
use super::common::{pending_or_unavailable, short_type, Bytes, SortHeader, SortState};
use crate::queries::{answer_signal, explore, use_app, AppContext};
use crate::route::Route;
use crate::units::{format_bytes, format_bytes_delta, format_count};

/// Holders, survivor clusters, types and findings listed at most.
const LIMIT: u32 = 50;
const MIB: f64 = 1024.0 * 1024.0;

/// `100 → 200 → 300`.
pub fn arrows(values: &[u64]) -> String {
    values.iter().map(|v| format_count(*v)).collect::<Vec<_>>().join(" → ")
}

/// The series' timeline: heap total, application-owned memory and RSS
/// (when every snapshot has it) in MiB per snapshot; the heap total is the
/// clickable line (line 0).
pub fn series_chart(g: &GrowthReport) -> ChartData {
    let line = |label: &str, class: &str, f: &dyn Fn(&heapscope_protocol::SeriesPoint) -> Option<u64>, clickable: bool| {
        let points: Option<Vec<(f64, f64)>> = g.series.iter().map(|p| f(p).map(|b| (p.index as f64, b as f64 / MIB))).collect();
        points.map(|points| Line { label: label.to_string(), class: class.to_string(), points, clickable })
    };
    let lines = [
        line("heap total", "series-0", &|p| Some(p.total_bytes), true),
        line("application", "series-1", &|p| Some(p.application_bytes), false),
        line("RSS", "series-2", &|p| p.rss_bytes, false),
    ];
    ChartData {
        lines: lines.into_iter().flatten().collect(),
        x_names: Some(
            g.series.iter().map(|p| format!("#{} {}", p.index + 1, p.time.clone().unwrap_or_else(|| p.file_name.clone()))).collect(),
        ),
        ..ChartData::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolderColumn {
    Name,
    OwnGrowth,
    RetainedGrowth,
    LastLength,
}

pub fn sort_holders(rows: &mut [GrowingHolderRow], sort: SortState<HolderColumn>) {
    let compare = |column, a: &GrowingHolderRow, b: &GrowingHolderRow| match column {
        HolderColumn::Name => a.name.cmp(&b.name),
        HolderColumn::OwnGrowth => a.own_growth_bytes.cmp(&b.own_growth_bytes),
        HolderColumn::RetainedGrowth => a.retained_growth_bytes.cmp(&b.retained_growth_bytes),
        HolderColumn::LastLength => a.lengths.last().cmp(&b.lengths.last()),
    };
    sort.sort(rows, compare, |_, _| Ordering::Equal);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurvivorColumn {
    Holder,
    Count,
    Retained,
}

pub fn sort_survivors(rows: &mut [SurvivorRow], sort: SortState<SurvivorColumn>) {
    let compare = |column, a: &SurvivorRow, b: &SurvivorRow| match column {
        SurvivorColumn::Holder => a.holder.cmp(&b.holder),
        SurvivorColumn::Count => a.count.cmp(&b.count),
        SurvivorColumn::Retained => a.retained_bytes.cmp(&b.retained_bytes),
    };
    sort.sort(rows, compare, |_, _| Ordering::Equal);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeColumn {
    Name,
    CountGrowth,
    SizeGrowth,
}

pub fn sort_types(rows: &mut [TypeGrowthRow], sort: SortState<TypeColumn>) {
    let compare = |column, a: &TypeGrowthRow, b: &TypeGrowthRow| match column {
        TypeColumn::Name => a.type_name.cmp(&b.type_name),
        TypeColumn::CountGrowth => a.count_growth.cmp(&b.count_growth),
        TypeColumn::SizeGrowth => a.size_growth_bytes.cmp(&b.size_growth_bytes),
    };
    sort.sort(rows, compare, |a, b| a.type_name.cmp(&b.type_name));
}

/// A sparkline's polyline points for `values` in a `w`×`h` box.
pub fn sparkline(values: &[u64], w: f64, h: f64) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = values.len().max(2) - 1;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", i as f64 * w / n as f64, h - 1.0 - *v as f64 / max * (h - 2.0)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn GrowthView(range: Option<(u32, u32)>) -> impl IntoView {
    let app = use_app();
    let answer = answer_signal(move || Some(Query::Growth { from: range.map(|r| r.0), to: range.map(|r| r.1), limit: LIMIT }));
    view! {
        <section class="view" data-testid="growth-view">
            {move || {
                let a = answer.get();
                if let Some(v) = pending_or_unavailable(&a) { return v; }
                let Some(Answer::Growth(g)) = a else { return ().into_any() };
                view! { <Report g=*g app=app ranged=range.is_some() /> }.into_any()
            }}
        </section>
    }
}

#[component]
fn Report(g: GrowthReport, app: AppContext, ranged: bool) -> impl IntoView {
    let (from, to) = (g.from, g.to);
    let on_point = Callback::new(move |(_, i): (usize, usize)| explore(app, i as u32, None, Route::Overview));
    let on_segment = Callback::new(move |(_, i): (usize, usize)| {
        explore(app, i as u32 + 1, Some(i as u32), Route::Growth(Some((i as u32, i as u32 + 1))))
    });
    let caption = format!(
        "What grew from snapshot {} to snapshot {} of {} ({} → {}).",
        from + 1,
        to + 1,
        g.series.len(),
        g.series.get(from as usize).map(|p| p.file_name.clone()).unwrap_or_default(),
        g.series.get(to as usize).map(|p| p.file_name.clone()).unwrap_or_default()
    );
    let chart = series_chart(&g);
    // Objects of the findings are the range's last snapshot's: explore it first.
    let open = move |then: Route| explore(app, to, Some(from), then);
    let holders = g.holders.clone();
    let survivors = g.survivors.clone();
    let types = g.types.clone();
    view! {
        <p data-testid="growth-caption">{caption}
            {ranged.then(|| view! { " " <a href=Route::Growth(None).to_hash() data-testid="growth-all">"the whole series"</a> })}
        </p>
        {(!g.warnings.is_empty()).then(|| view! { <ul class="load-warning">{g.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul> })}
        <LineChart data=chart on_point=on_point on_segment=on_segment />
        <p class="muted">"Click a point to explore that snapshot, a segment for what grew between its two snapshots."</p>
        <h3>"Findings, most likely leak first"</h3>
        {if g.findings.is_empty() {
            view! { <p data-testid="growth-nothing">"Nothing grows."</p> }.into_any()
        } else {
            view! {
                <ol class="findings" data-testid="growth-findings">
                    {g.findings.iter().map(|f| view! {
                        <li data-kind=f.kind.clone()>
                            <span class="badge">{f.kind.clone()}</span>" "<span class="reason">{f.reason.clone()}</span>
                            // Holders show theirs in the table below; garbage has no table.
                            {f.fix.clone().filter(|_| f.kind == "garbage").map(|fix| view! { <div class="fix" data-testid="finding-fix">"fix: "{fix}</div> })}
                        </li>
                    }).collect_view()}
                </ol>
                {(g.finding_total as usize > g.findings.len()).then(|| view! { <p class="muted">{format!("… {} more", g.finding_total as usize - g.findings.len())}</p> })}
            }.into_any()
        }}
        <HoldersTable rows=holders total=g.holder_total open=open />
        <SurvivorsTable rows=survivors total=g.survivor_total open=open />
        <TypesTable rows=types total=g.type_total />
    }
}

#[component]
fn HoldersTable(rows: Vec<GrowingHolderRow>, total: u32, open: impl Fn(Route) + Copy + Send + Sync + 'static) -> impl IntoView {
    let sort = RwSignal::new(SortState { column: HolderColumn::OwnGrowth, descending: true });
    // The worker's ranking (tiers first) until a header is clicked.
    let clicked = RwSignal::new(false);
    Effect::new(move |first: Option<()>| {
        sort.track();
        if first.is_some() {
            clicked.set(true);
        }
    });
    view! {
        <h3>{format!("Growing holders ({total})")}</h3>
        <table class="grid" data-testid="growing-holders">
            <thead><tr>
                <SortHeader label="holder" column=HolderColumn::Name sort=sort />
                <th>"holds"</th>
                <SortHeader label="length" column=HolderColumn::LastLength sort=sort numeric=true />
                <th class="num">"retained"</th>
                <SortHeader label="own growth" column=HolderColumn::OwnGrowth sort=sort numeric=true />
                <SortHeader label="retained growth" column=HolderColumn::RetainedGrowth sort=sort numeric=true />
                <th>"fix"</th>
            </tr></thead>
            <tbody>
                {move || {
                    let mut rows = rows.clone();
                    if clicked.get() { sort_holders(&mut rows, sort.get()); }
                    rows.into_iter().map(|h| {
                        let id = h.object.id;
                        view! {
                            <tr data-testid="holder-row" class:muted=!h.program title=h.reason.clone()>
                                <td class="mono">
                                    <span data-testid="holder-name">{h.name.clone()}</span>
                                    <span class="muted">{format!(" ({})", short_type(&h.holder_type))}</span>
                                    {(!h.monotonic).then(|| view! { <span class="badge">"not at every step"</span> })}
                                </td>
                                <td>{if h.lengths_in_bytes { "bytes of its own".to_string() } else { h.item_type.as_deref().map(short_type).unwrap_or_default() }}</td>
                                <td class="num" data-testid="holder-lengths">{if h.lengths_in_bytes { h.lengths.iter().map(|b| format_bytes(*b)).collect::<Vec<_>>().join(" → ") } else { arrows(&h.lengths) }}</td>
                                <td class="num">{h.retained_bytes.iter().map(|b| format_bytes(*b)).collect::<Vec<_>>().join(" → ")}</td>
                                <td class="num" title=format!("{:+} bytes", h.own_growth_bytes)>{format_bytes_delta(h.own_growth_bytes)}</td>
                                <td class="num">{format_bytes_delta(h.retained_growth_bytes)}</td>
                                <td>
                                    <span data-testid="holder-fix">{h.fix.clone()}</span>" "
                                    <button class="linkish" data-testid="holder-retainers" on:click=move |_| open(Route::Retainers(id))>"retainers"</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()
                }}
            </tbody>
        </table>
    }
}

#[component]
fn SurvivorsTable(rows: Vec<SurvivorRow>, total: u32, open: impl Fn(Route) + Copy + Send + Sync + 'static) -> impl IntoView {
    let sort = RwSignal::new(SortState { column: SurvivorColumn::Retained, descending: true });
    let clicked = RwSignal::new(false);
    Effect::new(move |first: Option<()>| {
        sort.track();
        if first.is_some() {
            clicked.set(true);
        }
    });
    view! {
        <h3>{format!("Survivors: created after the first snapshot, alive in the last ({total} clusters)")}</h3>
        <table class="grid" data-testid="survivors">
            <thead><tr>
                <SortHeader label="under" column=SurvivorColumn::Holder sort=sort />
                <SortHeader label="entries" column=SurvivorColumn::Count sort=sort numeric=true />
                <th class="num">"objects"</th>
                <SortHeader label="retained" column=SurvivorColumn::Retained sort=sort numeric=true />
                <th>"representative"</th>
            </tr></thead>
            <tbody>
                {move || {
                    let mut rows = rows.clone();
                    if clicked.get() { sort_survivors(&mut rows, sort.get()); }
                    rows.into_iter().map(|c| {
                        let id = c.representative.id;
                        view! {
                            <tr data-testid="survivor-row" class:muted=!c.program title=c.reason.clone()>
                                <td class="mono">{c.holder.clone()}</td>
                                <td class="num">{format!("{} × {}", format_count(c.count), short_type(&c.entry_type))}</td>
                                <td class="num">{format_count(c.object_count)}</td>
                                <td class="num"><Bytes bytes=c.retained_bytes /></td>
                                <td>
                                    <button class="linkish mono" data-testid="survivor-graph" data-object=id.to_string() on:click=move |_| open(Route::Graph(id))>
                                        {format!("{} @{}", short_type(&c.representative.type_name), c.representative.address)}
                                    </button>
                                </td>
                            </tr>
                        }
                    }).collect_view()
                }}
            </tbody>
        </table>
    }
}

#[component]
fn TypesTable(rows: Vec<TypeGrowthRow>, total: u32) -> impl IntoView {
    let sort = RwSignal::new(SortState { column: TypeColumn::SizeGrowth, descending: true });
    let clicked = RwSignal::new(false);
    Effect::new(move |first: Option<()>| {
        sort.track();
        if first.is_some() {
            clicked.set(true);
        }
    });
    view! {
        <h3>{format!("Per type ({total})")}</h3>
        <table class="grid" data-testid="type-growth">
            <thead><tr>
                <SortHeader label="type" column=TypeColumn::Name sort=sort />
                <th>"count per snapshot"</th>
                <th class="num">"counts"</th>
                <SortHeader label="count growth" column=TypeColumn::CountGrowth sort=sort numeric=true />
                <SortHeader label="size growth" column=TypeColumn::SizeGrowth sort=sort numeric=true />
            </tr></thead>
            <tbody>
                {move || {
                    let mut rows = rows.clone();
                    if clicked.get() { sort_types(&mut rows, sort.get()); }
                    rows.into_iter().map(|t| view! {
                        <tr data-testid="type-row" data-monotonic=t.monotonic.to_string()>
                            <td class="mono">{t.type_name.clone()}{t.monotonic.then(|| view! { " " <span class="badge grew">"grows at every step"</span> })}</td>
                            <td><svg class="sparkline" width="80" height="20" data-testid="sparkline"><polyline points=sparkline(&t.counts, 80.0, 20.0) /></svg></td>
                            <td class="num">{arrows(&t.counts)}</td>
                            <td class="num" class:grew={t.count_growth > 0}>{format!("{:+}", t.count_growth)}</td>
                            <td class="num" class:grew={t.size_growth_bytes > 0}>{format_bytes_delta(t.size_growth_bytes)}</td>
                        </tr>
                    }).collect_view()
                }}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heapscope_protocol::SeriesPoint;

    #[test]
    fn the_series_chart_has_rss_only_when_every_snapshot_has_it() {
        let point = |index: u32, rss: Option<u64>| SeriesPoint {
            index,
            file_name: format!("s{index}.json"),
            time: None,
            objects: 1,
            total_bytes: (index as u64 + 1) << 20,
            reachable_bytes: 1,
            application_bytes: 1 << 19,
            rss_bytes: rss,
        };
        let mut g = GrowthReport {
            series: vec![point(0, Some(1 << 21)), point(1, None)],
            from: 0,
            to: 1,
            findings: vec![],
            finding_total: 0,
            holders: vec![],
            holder_total: 0,
            survivors: vec![],
            survivor_total: 0,
            types: vec![],
            type_total: 0,
            warnings: vec![],
        };
        let c = series_chart(&g);
        assert_eq!(c.lines.iter().map(|l| l.label.as_str()).collect::<Vec<_>>(), ["heap total", "application"]);
        assert_eq!(c.lines[0].points, [(0.0, 1.0), (1.0, 2.0)]);
        assert!(c.lines[0].clickable && !c.lines[1].clickable);
        assert_eq!(c.x_names.as_deref(), Some(&["#1 s0.json".to_string(), "#2 s1.json".to_string()][..]));
        g.series[1].rss_bytes = Some(1 << 22);
        assert_eq!(series_chart(&g).lines[2].points, [(0.0, 2.0), (1.0, 4.0)]);
    }

    #[test]
    fn sparklines_and_arrows() {
        assert_eq!(sparkline(&[0, 5, 10], 80.0, 20.0), "0.0,19.0 40.0,10.0 80.0,1.0");
        assert_eq!(arrows(&[300, 600, 1200]), "300 → 600 → 1,200");
    }
}
