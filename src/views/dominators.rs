//! Dominator tree: who would free what. Each object's children are the
//! objects only it keeps alive; bars show retained size against the heap.

use heapscope_protocol::{Answer, ObjectRow, Query};
use leptos::prelude::*;

use super::common::{pending_or_unavailable, Bytes, ObjectLink};
use super::tree::{row_keys, waiting_or_unavailable, Kids, Tree};
use crate::queries::{answer_signal, use_app};
use crate::units::format_count;

const CHILDREN_SHOWN: u32 = 100;

#[component]
pub fn DominatorsView(total_size_bytes: u64) -> impl IntoView {
    let top = answer_signal(|| Some(Query::DominatorChildren { object: None, limit: CHILDREN_SHOWN }));
    view! {
        <section class="view" data-testid="dominators-view">
            <p class="muted">"Each object lists the objects that only it keeps alive; its retained size is what freeing it would free."</p>
            {move || {
                let a = top.get();
                if let Some(v) = pending_or_unavailable(&a) { return v; }
                let Some(Answer::DominatorChildren { total, children, .. }) = a else { return ().into_any() };
                view! {
                    <Tree testid="dominator-tree">
                        {children.into_iter().map(|c| view! { <DominatorNode row=c total_bytes=total_size_bytes /> }.into_any()).collect_view()}
                        {more(total, CHILDREN_SHOWN)}
                    </Tree>
                }.into_any()
            }}
        </section>
    }
}

fn more(total: u32, shown: u32) -> Option<impl IntoView> {
    (total > shown)
        .then(|| view! { <div class="muted tree-more">{format!("… and {} smaller", format_count((total - shown) as u64))}</div> })
}

#[component]
fn DominatorNode(row: ObjectRow, total_bytes: u64) -> impl IntoView {
    let app = use_app();
    let id = row.id;
    let expanded = RwSignal::new(false);
    let children: RwSignal<Kids<(u32, Vec<ObjectRow>)>> = RwSignal::new(Kids::Waiting);
    let asked = StoredValue::new(false);
    Effect::new(move |_| {
        if expanded.get() && !asked.get_value() {
            asked.set_value(true);
            app.ask(Query::DominatorChildren { object: Some(id), limit: CHILDREN_SHOWN }, move |a| {
                children.set(Kids::from_answer(a, |a| match a {
                    Answer::DominatorChildren { total, children, .. } => Some((total, children)),
                    _ => None,
                }));
            });
        }
    });
    let share = if total_bytes == 0 { 0.0 } else { row.retained_bytes as f64 * 100.0 / total_bytes as f64 };
    let on_key = row_keys(expanded, true, id);
    view! {
        <div class="tree-node">
            <div class="tree-row" tabindex="0" on:keydown=on_key data-testid="dominator-row" data-object=id.to_string()>
                <button class="twisty" aria-label="expand" on:click=move |_| expanded.update(|e| *e = !*e)>{move || if expanded.get() { "▾" } else { "▸" }}</button>
                <span class="bar" title=format!("{share:.2}% of the heap")><span class="bar-fill" style:width=format!("{:.1}%", share.min(100.0))></span></span>
                <Bytes bytes=row.retained_bytes />" "
                <ObjectLink row=row.clone() />
            </div>
            {move || expanded.get().then(|| match children.get() {
                Kids::Listed((_, c)) if c.is_empty() => view! { <div class="tree-children muted">"(dominates nothing else)"</div> }.into_any(),
                Kids::Listed((total, c)) => view! {
                    <div class="tree-children">
                        {c.into_iter().map(|r| view! { <DominatorNode row=r total_bytes=total_bytes /> }.into_any()).collect_view()}
                        {more(total, CHILDREN_SHOWN)}
                    </div>
                }.into_any(),
                waiting => waiting_or_unavailable(&waiting).unwrap_or_else(|| ().into_any()),
            })}
        </div>
    }
}
