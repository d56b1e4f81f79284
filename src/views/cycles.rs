//! Cycles: strongly connected groups of objects, reachable or garbage;
//! one selected is drawn with its references and the one to break marked.

use heapscope_protocol::{Answer, CycleRow, Query};
use leptos::prelude::*;

use super::common::{pending_or_unavailable, Bytes, ObjectLink, SortHeader, SortState};
use super::graph::{DrawnEdge, GraphCanvas};
use crate::layout;
use crate::nav;
use crate::queries::answer_signal;
use crate::route::Route;
use crate::units::format_count;
use crate::virtual_list::Viewport;

#[cfg(test)]
mod tests {
    use super::*;

    fn row(index: u32, garbage: bool, internal: bool) -> CycleRow {
        CycleRow {
            index,
            member_count: 2,
            shallow_bytes: 10,
            retained_bytes: 100 - index as u64,
            garbage,
            types: String::new(),
            owner: "application".into(),
            internal,
            break_python: None,
            fix: String::new(),
        }
    }

    #[test]
    fn rank_order_is_the_cores() {
        let rows = vec![row(0, true, false), row(1, false, false), row(2, false, true), row(3, true, true)];
        let index = |v: Vec<CycleRow>| v.into_iter().map(|r| r.index).collect::<Vec<_>>();
        let mut sorted = rows;
        sorted.reverse();
        sort_cycles(&mut sorted, SortState { column: Column::Rank, descending: false });
        assert_eq!(index(sorted), [0, 1, 2, 3]);
    }

    #[test]
    fn the_caption_says_how_many_match_and_are_listed() {
        assert_eq!(caption(3, 3, 3), "3 cycles");
        assert_eq!(caption(5000, 5000, 2000), "5,000 cycles (the 2,000 first listed)");
        assert_eq!(caption(5000, 12, 12), "5,000 cycles, 12 match the filters");
        assert_eq!(caption(5000, 2500, 2000), "5,000 cycles, 2,500 match the filters (the 2,000 first listed)");
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The core's order: the application's cycles first (its garbage before
    /// what is reachable), then third-party code's, then the interpreter's.
    Rank,
    Members,
    Shallow,
    Retained,
    Garbage,
}

pub fn sort_cycles(rows: &mut [CycleRow], sort: SortState<Column>) {
    let compare = |column, a: &CycleRow, b: &CycleRow| match column {
        Column::Rank => a.index.cmp(&b.index),
        Column::Members => a.member_count.cmp(&b.member_count),
        Column::Shallow => a.shallow_bytes.cmp(&b.shallow_bytes),
        Column::Retained => a.retained_bytes.cmp(&b.retained_bytes),
        Column::Garbage => a.garbage.cmp(&b.garbage),
    };
    sort.sort(rows, compare, |a, b| a.index.cmp(&b.index));
}

/// The heading: every cycle, those the filters keep, and those listed.
pub fn caption(total: u32, matching: u32, listed: usize) -> String {
    let mut s = format!("{} cycles", format_count(total as u64));
    if matching != total {
        s.push_str(&format!(", {} match the filters", format_count(matching as u64)));
    }
    if matching as usize > listed {
        s.push_str(&format!(" (the {} first listed)", format_count(listed as u64)));
    }
    s
}

/// Cycles listed at most (in the core's order); the count says how many exist.
/// The worker filters every cycle before cutting the list to this.
const LISTED_CYCLES: u32 = 2000;

#[component]
pub fn CyclesView(selected: Option<u32>) -> impl IntoView {
    let sort = RwSignal::new(SortState { column: Column::Rank, descending: false });
    let garbage_only = RwSignal::new(false);
    let hide_internal = RwSignal::new(false);
    let list = answer_signal(move || {
        Some(Query::Cycles { limit: LISTED_CYCLES, garbage_only: garbage_only.get(), hide_internal: hide_internal.get() })
    });
    let rows = Memo::new(move |_| match list.get() {
        Some(Answer::Cycles { mut rows, .. }) => {
            sort_cycles(&mut rows, sort.get());
            rows
        }
        _ => Vec::new(),
    });
    let viewport = Viewport::new(420.0);
    let open = move |i: usize| {
        if let Some(r) = rows.with_untracked(|rows| rows.get(i).map(|r| r.index)) {
            nav::go(&Route::Cycle(r));
        }
    };
    let count = move || rows.with_untracked(Vec::len);
    view! {
        <section class="view" data-testid="cycles-view">
            {selected.map(|index| view! { <CycleDiagram index=index /> })}
            {move || {
                let a = list.get();
                if let Some(v) = pending_or_unavailable(&a) { return v; }
                let Some(Answer::Cycles { total, matching, rows: listed }) = a else { return ().into_any() };
                view! { <h3 data-testid="cycles-count">{caption(total, matching, listed.len())}</h3> }.into_any()
            }}
            <div class="filters">
                <label><input type="checkbox" data-testid="cycles-garbage-only" prop:checked=move || garbage_only.get()
                    on:change=move |ev| garbage_only.set(event_target_checked(&ev)) />" garbage only"</label>
                <label><input type="checkbox" data-testid="cycles-hide-internal" prop:checked=move || hide_internal.get()
                    on:change=move |ev| hide_internal.set(event_target_checked(&ev)) />" hide interpreter-internal"</label>
                <button on:click=move |_| sort.set(SortState { column: Column::Rank, descending: false })>"application first"</button>
                <span class="muted" data-testid="cycles-shown" data-count=move || rows.with(Vec::len).to_string()>
                    {move || format!(" {} shown", format_count(rows.with(Vec::len) as u64))}
                </span>
            </div>
            {viewport.container("cycles-table", count, open, view! {
                <table class="grid">
                    <thead><tr>
                        <th class="num">"#"</th>
                        <SortHeader label="members" column=Column::Members sort=sort numeric=true />
                        <th>"types"</th>
                        <SortHeader label="shallow" column=Column::Shallow sort=sort numeric=true />
                        <SortHeader label="retained" column=Column::Retained sort=sort numeric=true />
                        <SortHeader label="garbage" column=Column::Garbage sort=sort />
                        <th>"owner"</th>
                    </tr></thead>
                    <tbody>
                        {move || {
                            let index_at = move |i: usize| rows.with(|rows| rows[i].index);
                            viewport.body(rows.with(Vec::len), Some("cycle-row"), open, move |i| selected == Some(index_at(i)), |i| {
                                let r = rows.with(|rows| rows[i].clone());
                                view! {
                                    <td class="num">{r.index.to_string()}</td>
                                    <td class="num">{format_count(r.member_count as u64)}</td>
                                    <td class="mono" title=r.types.clone()>{r.types.clone()}</td>
                                    <td class="num"><Bytes bytes=r.shallow_bytes /></td>
                                    <td class="num"><Bytes bytes=r.retained_bytes /></td>
                                    <td>{if r.garbage { "garbage" } else { "reachable" }}</td>
                                    <td>{if r.internal { "interpreter-internal".to_string() } else { r.owner.clone() }}</td>
                                }
                            })
                        }}
                    </tbody>
                </table>
            })}
        </section>
    }
}

/// Largest cycle drawn in full; bigger ones list their members instead.
const MAX_DRAWN_MEMBERS: usize = 40;

#[component]
fn CycleDiagram(index: u32) -> impl IntoView {
    let detail = answer_signal(move || Some(Query::Cycle { index }));
    view! {
        <div class="cycle-detail" data-testid="cycle-detail">
            {move || {
                let a = detail.get();
                if let Some(v) = pending_or_unavailable(&a) { return v; }
                let Some(Answer::Cycle(d)) = a else { return ().into_any() };
                let position = |id: u32| d.members.iter().position(|m| m.id == id);
                let suggested = d.suggested.clone();
                let edges: Vec<DrawnEdge> = d.references.iter().filter_map(|r| {
                    let marked = suggested.as_ref().is_some_and(|s| s.reference.from.id == r.from.id && s.reference.index == r.index);
                    Some(DrawnEdge { from: position(r.from.id)?, to: position(r.to.id)?, label: r.label.clone(), weak: r.weak, marked, gap: false })
                }).collect();
                let drawn = d.members.len() <= MAX_DRAWN_MEMBERS;
                let pairs: Vec<(usize, usize)> = edges.iter().map(|e| (e.from, e.to)).collect();
                let layout = layout::circle(d.members.len(), &pairs);
                view! {
                    <h2>{format!("Cycle {} — {} objects, {}", index, d.row.member_count, if d.row.garbage { "garbage (no root reaches it)" } else { "reachable from a root" })}</h2>
                    {suggested.map(|s| view! {
                        <p class="suggestion" data-testid="cycle-suggestion">"Break "<span class="mono label">{d.row.break_python.clone().unwrap_or_else(|| s.reference.label.clone())}</span>" from "<ObjectLink row=s.reference.from.clone() />": "{s.reason}</p>
                    })}
                    <p class="fix" data-testid="cycle-fix">"Fix: "{d.row.fix.clone()}</p>
                    {if drawn {
                        view! { <GraphCanvas nodes=d.members.clone() edges=edges layout=layout focus=None /> }.into_any()
                    } else {
                        view! { <p class="muted">{format!("Too many members to draw ({}); the references are listed below.", d.members.len())}</p> }.into_any()
                    }}
                    <details>
                        <summary>{format!("{} references inside the cycle", format_count(d.reference_total as u64))}</summary>
                        <ul class="mono">{d.references.iter().map(|r| view! { <li><ObjectLink row=r.from.clone() />" "{r.label.clone()}" → "<ObjectLink row=r.to.clone() /></li> }).collect_view()}</ul>
                    </details>
                }.into_any()
            }}
        </div>
    }
}
