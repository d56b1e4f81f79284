//! Compare heaps: what grew between the baseline and the later snapshot.

use heapscope_protocol::{Answer, Query, TypeDeltaRow};
use leptos::prelude::*;

use super::common::{pending_or_unavailable, Bytes, ObjectLink, SortHeader, SortState};
use crate::queries::answer_signal;
use crate::route::Route;
use crate::units::{format_bytes_delta, format_count};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    CountDelta,
    SizeDelta,
    CountAfter,
}

/// Orders the rows by the column a person clicked (the deltas are the core's).
pub fn sort_deltas(rows: &mut [TypeDeltaRow], sort: SortState<Column>) {
    let compare = |column, a: &TypeDeltaRow, b: &TypeDeltaRow| match column {
        Column::Name => a.type_name.cmp(&b.type_name),
        Column::CountDelta => a.count_delta.cmp(&b.count_delta),
        Column::SizeDelta => a.size_delta_bytes.cmp(&b.size_delta_bytes),
        Column::CountAfter => a.count_after.cmp(&b.count_after),
    };
    sort.sort(rows, compare, |a, b| a.type_name.cmp(&b.type_name));
}

#[component]
pub fn CompareView() -> impl IntoView {
    let answer = answer_signal(|| Some(Query::CompareHeaps { limit: 200 }));
    let sort = RwSignal::new(SortState { column: Column::SizeDelta, descending: true });
    view! {
        <section class="view" data-testid="compare-view">
            {move || {
                let a = answer.get();
                if let Some(v) = pending_or_unavailable(&a) { return v; }
                let Some(Answer::CompareHeaps(c)) = a else { return ().into_any() };
                let mut types = c.types.clone();
                sort_deltas(&mut types, sort.get());
                view! {
                    <p data-testid="compare-caption">{format!("Since {}: {} new objects, {} freed.", c.baseline_file, format_count(c.new_object_count), format_count(c.freed_count))}</p>
                    <table class="grid" data-testid="compare-table">
                        <thead><tr>
                            <SortHeader label="type" column=Column::Name sort=sort />
                            <th class="num">"before"</th>
                            <SortHeader label="after" column=Column::CountAfter sort=sort numeric=true />
                            <SortHeader label="count Δ" column=Column::CountDelta sort=sort numeric=true />
                            <SortHeader label="size Δ" column=Column::SizeDelta sort=sort numeric=true />
                        </tr></thead>
                        <tbody>
                            {types.into_iter().map(|r| {
                                let (dc, ds) = (r.count_delta, r.size_delta_bytes);
                                view! {
                                    <tr data-testid="delta-row">
                                        <td class="mono"><a href=Route::Instances(r.type_name.clone()).to_hash()>{r.type_name.clone()}</a></td>
                                        <td class="num">{format_count(r.count_before)}</td>
                                        <td class="num">{format_count(r.count_after)}</td>
                                        <td class="num" class:grew={dc > 0}>{format!("{dc:+}")}</td>
                                        <td class="num" class:grew={ds > 0} title=format!("{ds:+} bytes")>{format_bytes_delta(ds)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <h3>"New objects, largest retained first"</h3>
                    <table class="grid" data-testid="new-objects">
                        <tbody>
                            {c.new_objects.iter().map(|o| view! { <tr><td><ObjectLink row=o.clone() /></td><td class="num"><Bytes bytes=o.retained_bytes /></td></tr> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
