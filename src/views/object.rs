//! Object inspector: what an object is, what it holds, who holds it.

use heapscope_protocol::{Answer, Query, Reference};
use leptos::prelude::*;

use super::common::{pending_or_unavailable, short_type, Bytes, ObjectLink};
use crate::queries::answer_signal;
use crate::route::Route;
use crate::units::format_count;

/// Tabs shown on every object page: inspector, retainers tree, graph.
#[component]
pub fn ObjectTabs(object: u32, active: &'static str) -> impl IntoView {
    let tab = |label: &'static str, route: Route| {
        let current = label == active;
        view! { <a class="subtab" class:active=current aria-current=current.then_some("page") href=route.to_hash() data-testid=format!("objtab-{label}")>{label}</a> }
    };
    view! {
        <nav class="subtabs">
            {tab("inspector", Route::Object(object))}
            {tab("retainers", Route::Retainers(object))}
            {tab("graph", Route::Graph(object))}
        </nav>
    }
}

#[component]
pub fn ObjectView(object: u32) -> impl IntoView {
    let answer = answer_signal(move || Some(Query::Object { object }));
    view! {
        <section class="view" data-testid="object-view">
            <ObjectTabs object=object active="inspector" />
            {move || {
                let a = answer.get();
                if let Some(v) = pending_or_unavailable(&a) { return v; }
                let Some(Answer::Object(d)) = a else { return ().into_any() };
                let o = d.object.clone();
                view! {
                    <h2 class="mono" data-testid="object-title">{short_type(&o.type_name)}" @"{o.address.clone()}</h2>
                    <dl class="facts">
                        <dt>"type"</dt><dd class="mono" data-testid="object-type">{o.type_name.clone()}</dd>
                        <dt>"address"</dt><dd class="mono">{o.address.clone()}</dd>
                        <dt>"description"</dt><dd class="mono" data-testid="object-description">{o.description.clone()}</dd>
                        <dt>"shallow size"</dt><dd><Bytes bytes=o.shallow_bytes /></dd>
                        <dt>"retained size"</dt><dd data-testid="object-retained"><Bytes bytes=o.retained_bytes /></dd>
                        <dt>"distance"</dt><dd data-testid="object-distance">{o.distance.map_or("unreachable from every root".to_string(), |d| format!("{d} references from a root"))}</dd>
                        {o.root.clone().map(|r| view! { <dt>"root"</dt><dd>{r}</dd> })}
                        {(!d.flags.is_empty()).then(|| view! { <dt>"flags"</dt><dd>{d.flags.join(", ")}</dd> })}
                        <dt>"allocated at"</dt>
                        <dd class="mono" data-testid="object-traceback">{if d.traceback.is_empty() {
                            view! { <span class="muted">"unknown (tracemalloc was not tracing)"</span> }.into_any()
                        } else {
                            view! { <ol class="traceback">{d.traceback.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}</ol> }.into_any()
                        }}</dd>
                    </dl>
                    {(!d.dominators.is_empty()).then(|| view! {
                        <h3>"Dominated by"</h3>
                        <ol class="chain">{d.dominators.iter().map(|r| view! { <li><ObjectLink row=r.clone() /></li> }).collect_view()}</ol>
                    })}
                    <div class="columns">
                        <div>
                            <h3>{format!("References ({})", format_count(d.outgoing_total as u64))}</h3>
                            <RefTable refs=d.outgoing.clone() outgoing=true testid="outgoing" />
                        </div>
                        <div>
                            <h3>{format!("Referrers ({})", format_count(d.referrers_total as u64))}</h3>
                            <RefTable refs=d.referrers.clone() outgoing=false testid="referrers" />
                        </div>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// A list of labeled references; each row links to the object on the far end.
#[component]
pub fn RefTable(refs: Vec<Reference>, outgoing: bool, testid: &'static str) -> impl IntoView {
    view! {
        <table class="grid refs" data-testid=testid>
            <thead><tr><th>"reference"</th><th>{if outgoing { "to" } else { "from" }}</th><th class="num">"retained"</th></tr></thead>
            <tbody>
                {refs.into_iter().map(|r| {
                    let other = if outgoing { r.to.clone() } else { r.from.clone() };
                    let retained = other.retained_bytes;
                    view! {
                        <tr class:weak=r.weak>
                            <td class="mono label">{r.label.clone()}</td>
                            <td><ObjectLink row=other /></td>
                            <td class="num"><Bytes bytes=retained /></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
