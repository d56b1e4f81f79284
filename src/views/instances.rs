//! Instances of one type, largest retained first; virtualized, fetched from
//! the worker a page at a time as the table scrolls.

use std::collections::{HashMap, HashSet};

use heapscope_protocol::{Answer, ObjectRow, Query};
use leptos::prelude::*;

use super::common::{short_type, Bytes};
use crate::nav;
use crate::queries::use_app;
use crate::route::Route;
use crate::units::format_count;
use crate::virtual_list::Viewport;

const PAGE_ROWS: u32 = 200;

#[component]
pub fn InstancesView(type_name: String) -> impl IntoView {
    let app = use_app();
    let total: RwSignal<Option<u32>> = RwSignal::new(None);
    // Why the worker could not list them (then "Working…" must not stay).
    let unavailable: RwSignal<Option<String>> = RwSignal::new(None);
    let pages: RwSignal<HashMap<u32, Vec<ObjectRow>>> = RwSignal::new(HashMap::new());
    let asked: StoredValue<HashSet<u32>> = StoredValue::new(HashSet::new());
    let viewport = Viewport::new(560.0);
    let type_for_fetch = type_name.clone();
    let fetch = move |page: u32| {
        if asked.with_value(|a| a.contains(&page)) {
            return;
        }
        asked.update_value(|a| {
            a.insert(page);
        });
        let query = Query::Instances { type_name: type_for_fetch.clone(), start: page * PAGE_ROWS, count: PAGE_ROWS };
        app.ask(query, move |a| match a {
            Answer::Instances { total: t, rows, .. } => {
                total.set(Some(t));
                pages.update(|p| {
                    p.insert(page, rows);
                });
            }
            Answer::Unavailable { reason } => unavailable.set(Some(reason)),
            _ => unavailable.set(Some("the worker sent an unexpected answer".to_string())),
        });
    };
    let fetch_first = fetch.clone();
    Effect::new(move |_| {
        app.generation.track();
        fetch_first(0);
    });
    let fetch_visible = fetch.clone();
    Effect::new(move |_| {
        let n = total.get().unwrap_or(0) as usize;
        let range = viewport.rows(n);
        if range.is_empty() {
            return;
        }
        for page in (range.start as u32 / PAGE_ROWS)..=((range.end as u32 - 1) / PAGE_ROWS) {
            fetch_visible(page);
        }
    });
    let row_at =
        move |i: usize| pages.with_untracked(|p| p.get(&(i as u32 / PAGE_ROWS)).and_then(|rows| rows.get(i % PAGE_ROWS as usize).cloned()));
    let count = move || total.get_untracked().unwrap_or(0) as usize;
    let open = move |i: usize| {
        if let Some(r) = row_at(i) {
            nav::go(&Route::Object(r.id));
        }
    };
    view! {
        <section class="view" data-testid="instances-view">
            <h2>
                <a href=Route::Types.to_hash()>"Types"</a>" › "<span class="mono">{type_name.clone()}</span>
            </h2>
            {move || match (unavailable.get(), total.get()) {
                (Some(reason), _) => view! { <p class="muted" data-testid="unavailable">{reason}</p> }.into_any(),
                (None, None) => view! { <p class="muted" data-testid="instances-count">"Working…"</p> }.into_any(),
                (None, Some(t)) => view! {
                    <p class="muted" data-testid="instances-count">{format!("{} instances of {}, largest retained first", format_count(t as u64), short_type(&type_name))}</p>
                }.into_any(),
            }}
            {viewport.container("instances-table", count, open, view! {
                <table class="grid">
                    <thead><tr><th>"address"</th><th>"description"</th><th class="num">"shallow"</th><th class="num">"retained"</th><th class="num">"distance"</th></tr></thead>
                    <tbody>
                        {move || {
                            pages.track();
                            viewport.body(total.get().unwrap_or(0) as usize, None, open, |_| false, |i| match row_at(i) {
                                Some(r) => view! {
                                    <td class="mono">{r.address.clone()}</td>
                                    <td class="desc" title=r.description.clone()>{r.description.clone()}</td>
                                    <td class="num"><Bytes bytes=r.shallow_bytes /></td>
                                    <td class="num"><Bytes bytes=r.retained_bytes /></td>
                                    <td class="num">{r.distance.map_or("unreachable".to_string(), |d| d.to_string())}</td>
                                }.into_any(),
                                None => view! { <td colspan="5" class="muted">"…"</td> }.into_any(),
                            })
                        }}
                    </tbody>
                </table>
            })}
        </section>
    }
}
