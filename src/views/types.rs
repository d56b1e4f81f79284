//! Types: every type (or module) with count, shallow and retained size and
//! share of the heap; sortable, filterable, virtualized. Click → instances.

use heapscope_protocol::{Answer, Grouping, Query, TypeRow};
use leptos::prelude::*;

use super::common::{pending_or_unavailable, Bytes, SortHeader, SortState};
use crate::nav;
use crate::queries::answer_signal;
use crate::route::Route;
use crate::units::format_count;
use crate::virtual_list::Viewport;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Count,
    Shallow,
    Retained,
}

/// The rows matching `filter` (case-insensitive substring), sorted.
pub fn filter_and_sort(rows: &[TypeRow], filter: &str, sort: SortState<Column>) -> Vec<TypeRow> {
    let needle = filter.trim().to_lowercase();
    let mut out: Vec<TypeRow> =
        rows.iter().filter(|r| needle.is_empty() || r.type_name.to_lowercase().contains(&needle)).cloned().collect();
    let compare = |column, a: &TypeRow, b: &TypeRow| match column {
        Column::Name => a.type_name.cmp(&b.type_name),
        Column::Count => a.count.cmp(&b.count),
        Column::Shallow => a.shallow_bytes.cmp(&b.shallow_bytes),
        Column::Retained => a.retained_bytes.cmp(&b.retained_bytes),
    };
    sort.sort(&mut out, compare, |a, b| a.type_name.cmp(&b.type_name));
    out
}

#[component]
pub fn TypesView(total_size_bytes: u64) -> impl IntoView {
    let grouping = RwSignal::new(Grouping::Type);
    let fold = RwSignal::new(false);
    let filter = RwSignal::new(String::new());
    let sort = RwSignal::new(SortState { column: Column::Retained, descending: true });
    let answer = answer_signal(move || Some(Query::Types { grouping: grouping.get(), fold_dicts: fold.get() }));
    let rows = Memo::new(move |_| match answer.get() {
        Some(Answer::Types { rows }) => filter_and_sort(&rows, &filter.get(), sort.get()),
        _ => Vec::new(),
    });
    let viewport = Viewport::new(560.0);
    let open = move |i: usize| {
        if grouping.get_untracked() == Grouping::Type {
            if let Some(r) = rows.with_untracked(|rows| rows.get(i).cloned()) {
                nav::go(&Route::Instances(r.type_name));
            }
        }
    };
    let total = move || rows.with_untracked(Vec::len);
    let percent = move |bytes: u64| if total_size_bytes == 0 { 0.0 } else { bytes as f64 * 100.0 / total_size_bytes as f64 };
    view! {
        <section class="view" data-testid="types-view">
            <div class="toolbar">
                <input type="search" placeholder="Filter types…" data-testid="types-filter"
                    prop:value=move || filter.get() on:input=move |ev| { filter.set(event_target_value(&ev)); viewport.selected.set(0); } />
                <label>"Group by "
                    <select data-testid="types-grouping" on:change=move |ev| grouping.set(if event_target_value(&ev) == "module" { Grouping::Module } else { Grouping::Type })>
                        <option value="type">"type"</option>
                        <option value="module">"module"</option>
                    </select>
                </label>
                <label><input type="checkbox" data-testid="types-fold" prop:checked=move || fold.get() on:change=move |ev| fold.set(event_target_checked(&ev)) />" fold instance __dict__ into its owner"</label>
                <span class="muted" data-testid="types-count">{move || format!("{} rows", format_count(rows.with(Vec::len) as u64))}</span>
            </div>
            {move || pending_or_unavailable(&answer.get())}
            {viewport.container("types-table", total, open, view! {
                <table class="grid">
                    <thead><tr>
                        <SortHeader label="type" column=Column::Name sort=sort />
                        <SortHeader label="count" column=Column::Count sort=sort numeric=true />
                        <SortHeader label="shallow" column=Column::Shallow sort=sort numeric=true />
                        <SortHeader label="retained" column=Column::Retained sort=sort numeric=true />
                        <th class="num">"% of heap"</th>
                    </tr></thead>
                    <tbody>
                        {move || viewport.body(rows.with(Vec::len), None, open, |_| false, |i| {
                            let r = rows.with(|rows| rows[i].clone());
                            view! {
                                <td class="mono" title=r.type_name.clone()>{r.type_name.clone()}</td>
                                <td class="num">{format_count(r.count)}</td>
                                <td class="num"><Bytes bytes=r.shallow_bytes /></td>
                                <td class="num"><Bytes bytes=r.retained_bytes /></td>
                                <td class="num">{format!("{:.1}%", percent(r.retained_bytes))}</td>
                            }
                        })}
                    </tbody>
                </table>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, count: u64, retained: u64) -> TypeRow {
        TypeRow { type_name: name.into(), count, shallow_bytes: count * 8, retained_bytes: retained }
    }

    #[test]
    fn filters_and_sorts() {
        let rows = vec![row("builtins.dict", 10, 500), row("app.Request", 100, 9000), row("builtins.str", 1000, 100)];
        let by = |column, descending| SortState { column, descending };
        let names = |v: Vec<TypeRow>| v.into_iter().map(|r| r.type_name).collect::<Vec<_>>();
        assert_eq!(names(filter_and_sort(&rows, "", by(Column::Retained, true))), ["app.Request", "builtins.dict", "builtins.str"]);
        assert_eq!(names(filter_and_sort(&rows, "", by(Column::Count, false))), ["builtins.dict", "app.Request", "builtins.str"]);
        assert_eq!(names(filter_and_sort(&rows, "BUILTINS", by(Column::Name, false))), ["builtins.dict", "builtins.str"]);
        assert!(filter_and_sort(&rows, "nothing", by(Column::Name, false)).is_empty());
    }
}
