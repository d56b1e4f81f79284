//! Retainers: an expandable tree of referrers up to the roots, as in Chrome
//! DevTools. The shortest path from a root is expanded at first; weak
//! references are dimmed; "ignore" drops a retainer and recomputes.

use std::collections::HashSet;

use heapscope_protocol::{Answer, Ignored, ObjectRow, Query, Reference};
use leptos::prelude::*;

use super::common::{pending_or_unavailable, Bytes, ObjectLink};
use super::object::ObjectTabs;
use super::tree::{row_keys, waiting_or_unavailable, Kids, Tree};
use crate::queries::{answer_signal, use_app};
use crate::units::format_count;

#[component]
pub fn RetainersView(object: u32) -> impl IntoView {
    let ignored: RwSignal<Vec<Ignored>> = RwSignal::new(Vec::new());
    let target = answer_signal(move || Some(Query::Object { object }));
    let shortest = answer_signal(move || Some(Query::RetainerPaths { object, k: 1, ignored: ignored.get() }));
    view! {
        <section class="view" data-testid="retainers-view">
            <ObjectTabs object=object active="retainers" />
            <p class="muted">"Who keeps this object alive: each level lists the referrers of the one above, nearest to a root first. ↑↓ move, → expands, ← collapses, Enter opens."</p>
            {move || {
                let n = ignored.with(Vec::len);
                (n > 0).then(|| view! {
                    <p class="ignored-bar" data-testid="ignored-bar">{format!("{n} retainer(s) ignored ")}
                        <button class="button secondary" on:click=move |_| ignored.set(Vec::new())>"restore all"</button></p>
                })
            }}
            {move || {
                let (t, s) = (target.get(), shortest.get());
                if let Some(v) = pending_or_unavailable(&t) { return v; }
                if let Some(v) = pending_or_unavailable(&s) { return v; }
                let (Some(Answer::Object(d)), Some(Answer::RetainerPaths { paths, reachable, .. })) = (t, s) else { return ().into_any() };
                let expand: HashSet<u32> = paths.first().map(|p| p.steps.iter().map(|r| r.to.id).collect()).unwrap_or_default();
                let status = if !reachable {
                    "No root reaches this object through strong references: it is garbage, or held only from outside the graph."
                } else {
                    ""
                };
                let expand = StoredValue::new(expand);
                view! {
                    <p class="muted" data-testid="retainers-status">{status}</p>
                    <Tree testid="retainers-tree">
                        <RetainerNode via=None object=d.object.clone() ancestors=vec![] expand=expand ignored=ignored />
                    </Tree>
                }.into_any()
            }}
        </section>
    }
}

/// One row of the tree: `via` is the reference from this object to the row above.
#[component]
fn RetainerNode(
    via: Option<Reference>,
    object: ObjectRow,
    ancestors: Vec<u32>,
    expand: StoredValue<HashSet<u32>>,
    ignored: RwSignal<Vec<Ignored>>,
) -> impl IntoView {
    let app = use_app();
    let id = object.id;
    let is_cycle = ancestors.contains(&id);
    let is_root = object.root.is_some();
    let expanded =
        RwSignal::new(!is_cycle && expand.with_value(|e| e.contains(&id)) && object.distance.is_some_and(|d| d > 0) || via.is_none());
    let children: RwSignal<Kids<(u32, Vec<Reference>)>> = RwSignal::new(Kids::Waiting);
    let asked = StoredValue::new(false);
    Effect::new(move |_| {
        if expanded.get() && !asked.get_value() {
            asked.set_value(true);
            let ignored_now = ignored.get_untracked();
            app.ask(Query::Referrers { object: id, ignored: ignored_now }, move |a| {
                children.set(Kids::from_answer(a, |a| match a {
                    Answer::Referrers { total, referrers, .. } => Some((total, referrers)),
                    _ => None,
                }));
            });
        }
    });
    let mut path = ancestors.clone();
    path.push(id);
    let weak = via.as_ref().is_some_and(|r| r.weak);
    let ignore_this = via.as_ref().map(|r| Ignored::Reference { from: r.from.id, index: r.index });
    let toggle = move || {
        if !is_cycle {
            expanded.update(|e| *e = !*e)
        }
    };
    let on_key = row_keys(expanded, !is_cycle, id);
    view! {
        <div class="tree-node" class:weak=weak>
            <div class="tree-row" tabindex="0" on:keydown=on_key data-testid="retainer-row" data-object=id.to_string()>
                <button class="twisty" aria-label="expand" on:click=move |_| toggle()>
                    {move || if is_cycle { "↻" } else if expanded.get() { "▾" } else { "▸" }}
                </button>
                {via.as_ref().map(|r| view! { <span class="mono label" data-testid="retainer-label">{r.label.clone()}</span><span class="muted">" in "</span> })}
                <ObjectLink row=object.clone() />
                <span class="muted">{format!(" · distance {}", object.distance.map_or("∞".to_string(), |d| d.to_string()))}</span>
                " "<Bytes bytes=object.retained_bytes />
                {is_cycle.then(|| view! { <span class="muted">" (already above: a cycle)"</span> })}
                {ignore_this.map(|i| view! {
                    <button class="link ignore" title="Leave this reference out and look for other retainers" data-testid="ignore-retainer"
                        on:click=move |_| ignored.update(|v| v.push(i))>"ignore"</button>
                })}
            </div>
            {move || (expanded.get() && !is_cycle).then(|| match children.get() {
                Kids::Listed((_, refs)) if refs.is_empty() => view! {
                    <div class="tree-children muted">{if is_root { "(a root: nothing further holds it)" } else { "(no referrers in the graph)" }}</div>
                }.into_any(),
                Kids::Listed((total, refs)) => {
                    let path = path.clone();
                    let more = (total as usize > refs.len()).then(|| {
                        let rest = total as usize - refs.len();
                        view! { <div class="muted tree-more">{format!("… and {} more referrers", format_count(rest as u64))}</div> }
                    });
                    view! {
                        <div class="tree-children">
                            {refs.into_iter().map(|r| {
                                let from = r.from.clone();
                                view! { <RetainerNode via=Some(r) object=from ancestors=path.clone() expand=expand ignored=ignored /> }.into_any()
                            }).collect_view()}
                            {more}
                        </div>
                    }.into_any()
                }
                waiting => waiting_or_unavailable(&waiting).unwrap_or_else(|| ().into_any()),
            })}
        </div>
    }
}
