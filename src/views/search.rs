//! Global search results: objects by type name, address or description.

use heapscope_protocol::{Answer, Query};
use leptos::prelude::*;

use super::common::{pending_or_unavailable, Bytes, ObjectLink};
use crate::queries::answer_signal;
use crate::units::format_count;

#[component]
pub fn SearchView(text: String) -> impl IntoView {
    let query_text = text.clone();
    let answer = answer_signal(move || Some(Query::Search { text: query_text.clone(), limit: 200 }));
    view! {
        <section class="view" data-testid="search-view">
            {move || {
                let a = answer.get();
                if let Some(v) = pending_or_unavailable(&a) { return v; }
                let Some(Answer::Search { text, total, hits }) = a else { return ().into_any() };
                let shown = if (total as usize) > hits.len() { format!("; the first {} are listed", format_count(hits.len() as u64)) } else { String::new() };
                view! {
                    <p data-testid="search-count">{format!("{} objects match “{text}”{shown}", format_count(total as u64))}</p>
                    <table class="grid" data-testid="search-results">
                        <thead><tr><th>"object"</th><th>"matched"</th><th class="num">"retained"</th></tr></thead>
                        <tbody>
                            {hits.into_iter().map(|h| view! {
                                <tr><td><ObjectLink row=h.object.clone() /></td><td class="muted">{h.matched}</td><td class="num"><Bytes bytes=h.object.retained_bytes /></td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
