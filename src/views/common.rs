//! Small pieces every view uses: sizes with exact bytes on hover, links to
//! objects, sortable column headers, "loading…" and "unavailable" states.

use std::cmp::Ordering;

use heapscope_protocol::{Answer, ObjectRow};
use leptos::prelude::*;

use crate::route::Route;
use crate::units::{format_bytes, format_count};

/// A size in KiB/MiB, exact bytes in the tooltip.
#[component]
pub fn Bytes(bytes: u64) -> impl IntoView {
    view! { <span class="num" title=format!("{} bytes", format_count(bytes))>{format_bytes(bytes)}</span> }
}

/// `Type @0x… "description"`: a link that opens the object.
#[component]
pub fn ObjectLink(row: ObjectRow) -> impl IntoView {
    let id = row.id;
    let root = row.root.clone();
    view! {
        <a class="object-link" href=Route::Object(id).to_hash() data-object=id.to_string()>
            <span class="type">{short_type(&row.type_name)}</span>
            <span class="addr">{format!(" @{}", row.address)}</span>
            {(!row.description.is_empty()).then(|| view! { <span class="desc">{format!(" {}", row.description)}</span> })}
            {root.map(|r| view! { <span class="root-badge">{r}</span> })}
        </a>
    }
}

/// `builtins.dict` reads as `dict`; other types keep their module (the
/// core's spelling, shared with every front).
pub fn short_type(name: &str) -> String {
    heapscope_core::view::short_type_name(name).to_string()
}

/// What a view shows while it waits, or when the worker could not answer.
pub fn pending_or_unavailable(answer: &Option<Answer>) -> Option<AnyView> {
    match answer {
        None => Some(view! { <p class="muted" data-testid="view-loading">"Working…"</p> }.into_any()),
        Some(Answer::Unavailable { reason }) => Some(view! { <p class="muted" data-testid="unavailable">{reason.clone()}</p> }.into_any()),
        Some(_) => None,
    }
}

/// Sort state of a table: which column, which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortState<C: Copy + PartialEq + Send + Sync + 'static> {
    pub column: C,
    pub descending: bool,
}

impl<C: Copy + PartialEq + Send + Sync + 'static> SortState<C> {
    /// `o` (an ascending comparison) in this state's direction.
    pub fn directed(self, o: Ordering) -> Ordering {
        if self.descending {
            o.reverse()
        } else {
            o
        }
    }

    /// Sorts `rows` by `compare` on this state's column, in its direction;
    /// `tie` orders rows the column finds equal (ascending either way; the
    /// sort is stable, so `|_, _| Ordering::Equal` keeps the given order).
    pub fn sort<T>(self, rows: &mut [T], compare: impl Fn(C, &T, &T) -> Ordering, tie: impl Fn(&T, &T) -> Ordering) {
        rows.sort_by(|a, b| self.directed(compare(self.column, a, b)).then_with(|| tie(a, b)));
    }
}

/// A clickable header cell that sorts by `column` (again: reverses).
#[component]
pub fn SortHeader<C: Copy + PartialEq + Send + Sync + 'static>(
    label: &'static str,
    column: C,
    sort: RwSignal<SortState<C>>,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let arrow = move || {
        let s = sort.get();
        if s.column == column {
            if s.descending {
                " ▼"
            } else {
                " ▲"
            }
        } else {
            ""
        }
    };
    let aria = move || {
        let s = sort.get();
        if s.column != column {
            "none"
        } else if s.descending {
            "descending"
        } else {
            "ascending"
        }
    };
    view! {
        <th class:num=numeric aria-sort=aria>
            <button class="sort" data-testid=format!("sort-{label}") on:click=move |_| sort.update(|s| {
                if s.column == column { s.descending = !s.descending } else { *s = SortState { column, descending: numeric } }
            })>{label}{arrow}</button>
        </th>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sort_state_sorts_by_its_column_in_its_direction_and_breaks_ties_ascending() {
        let rows = || vec![(2, "b"), (1, "c"), (2, "a"), (3, "d")];
        let by = |_: (), a: &(i32, &str), b: &(i32, &str)| a.0.cmp(&b.0);
        let name = |a: &(i32, &str), b: &(i32, &str)| a.1.cmp(b.1);
        let mut r = rows();
        SortState { column: (), descending: true }.sort(&mut r, by, name);
        assert_eq!(r, [(3, "d"), (2, "a"), (2, "b"), (1, "c")]);
        let mut r = rows();
        SortState { column: (), descending: false }.sort(&mut r, by, |_, _| Ordering::Equal);
        assert_eq!(r, [(1, "c"), (2, "b"), (2, "a"), (3, "d")], "stable");
        assert_eq!(SortState { column: (), descending: true }.directed(Ordering::Less), Ordering::Greater);
    }
}
