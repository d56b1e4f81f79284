//! Node-link drawings in SVG: the retainer graph (the K shortest paths from
//! roots to an object, layered) and the canvas the cycle view reuses. Pan by
//! dragging, zoom with the wheel or the buttons; click a node to inspect it.

use std::collections::HashMap;

use heapscope_protocol::{Answer, ObjectRow, Query, RetainerPath};
use leptos::prelude::*;

use super::common::{pending_or_unavailable, short_type};
use super::object::ObjectTabs;
use crate::layout::{self, Layout, NODE_HEIGHT, NODE_WIDTH};
use crate::nav;
use crate::queries::answer_signal;
use crate::route::Route;
use crate::units::format_bytes;

/// An edge to draw: endpoints are node indices.
#[derive(Clone)]
pub struct DrawnEdge {
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub weak: bool,
    /// Marked (e.g. the reference a cycle view suggests breaking).
    pub marked: bool,
}

/// Distinct objects and references of a set of paths, in first-seen order.
pub fn collect_graph(paths: &[RetainerPath], target: &ObjectRow) -> (Vec<ObjectRow>, Vec<DrawnEdge>) {
    let mut index: HashMap<u32, usize> = HashMap::new();
    let mut nodes: Vec<ObjectRow> = Vec::new();
    let mut edges: Vec<DrawnEdge> = Vec::new();
    let mut add = |row: &ObjectRow, nodes: &mut Vec<ObjectRow>| -> usize {
        *index.entry(row.id).or_insert_with(|| {
            nodes.push(row.clone());
            nodes.len() - 1
        })
    };
    add(target, &mut nodes);
    for path in paths {
        for r in &path.steps {
            let (a, b) = (add(&r.from, &mut nodes), add(&r.to, &mut nodes));
            if !edges.iter().any(|e| e.from == a && e.to == b && e.label == r.label) {
                edges.push(DrawnEdge { from: a, to: b, label: r.label.clone(), weak: r.weak, marked: false });
            }
        }
    }
    (nodes, edges)
}

#[component]
pub fn GraphView(object: u32) -> impl IntoView {
    let k = RwSignal::new(5u32);
    let target = answer_signal(move || Some(Query::Object { object }));
    let paths = answer_signal(move || Some(Query::RetainerPaths { object, k: k.get(), ignored: Vec::new() }));
    view! {
        <section class="view" data-testid="graph-view">
            <ObjectTabs object=object active="graph" />
            <div class="toolbar">
                <label>"Paths "
                    <select data-testid="graph-k" on:change=move |ev| k.set(event_target_value(&ev).parse().unwrap_or(5))>
                        {[1u32, 3, 5, 10, 20].into_iter().map(|n| view! { <option value=n.to_string() selected=n == 5>{n.to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <span class="muted">"The shortest strong reference paths from roots (left) to the object (right)."</span>
            </div>
            {move || {
                let (t, p) = (target.get(), paths.get());
                if let Some(v) = pending_or_unavailable(&t) { return v; }
                if let Some(v) = pending_or_unavailable(&p) { return v; }
                let (Some(Answer::Object(d)), Some(Answer::RetainerPaths { paths, reachable, truncated, .. })) = (t, p) else { return ().into_any() };
                if !reachable {
                    return view! { <p class="muted" data-testid="graph-empty">"No root reaches this object through strong references."</p> }.into_any();
                }
                let (nodes, edges) = collect_graph(&paths, &d.object);
                // Columns by distance from the roots; the layering keeps each path left to right.
                let layers: Vec<usize> = nodes.iter().map(|n| n.distance.unwrap_or(0) as usize).collect();
                let pairs: Vec<(usize, usize)> = edges.iter().map(|e| (e.from, e.to)).collect();
                let layout = layout::layered(&layers, &pairs);
                view! {
                    {truncated.then(|| view! { <p class="muted">"The search stopped early; more paths may exist."</p> })}
                    <p class="muted" data-testid="graph-caption">{format!("{} path(s), {} objects", paths.len(), nodes.len())}</p>
                    <GraphCanvas nodes=nodes edges=edges layout=layout focus=Some(object) />
                }.into_any()
            }}
        </section>
    }
}

/// Draws laid-out nodes and labeled edges with pan and zoom.
#[component]
pub fn GraphCanvas(nodes: Vec<ObjectRow>, edges: Vec<DrawnEdge>, layout: Layout, focus: Option<u32>) -> impl IntoView {
    let scale = RwSignal::new(1.0f64);
    let pan = RwSignal::new((20.0f64, 20.0f64));
    let drag: StoredValue<Option<(f64, f64, f64, f64)>> = StoredValue::new(None);
    let transform = move || {
        let (x, y) = pan.get();
        format!("translate({x},{y}) scale({})", scale.get())
    };
    let height = (layout.height + 80.0).clamp(240.0, 640.0);
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let factor = if ev.delta_y() < 0.0 { 1.15 } else { 1.0 / 1.15 };
        scale.update(|s| *s = (*s * factor).clamp(0.2, 4.0));
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        let (x, y) = pan.get_untracked();
        drag.set_value(Some((ev.client_x() as f64, ev.client_y() as f64, x, y)));
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        if let Some((sx, sy, px, py)) = drag.get_value() {
            pan.set((px + ev.client_x() as f64 - sx, py + ev.client_y() as f64 - sy));
        }
    };
    let on_up = move |_| drag.set_value(None);
    let edge_views = edges
        .iter()
        .zip(&layout.edges)
        .map(|(e, p)| {
            let class = if e.marked {
                "edge marked"
            } else if e.weak {
                "edge weak"
            } else {
                "edge"
            };
            view! {
                <g class=class data-testid="graph-edge">
                    <path d=p.d.clone() marker-end="url(#arrow)" />
                    <text x=p.label_x y=p.label_y text-anchor="middle" class="edge-label">{e.label.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let node_views = nodes
        .iter()
        .zip(&layout.nodes)
        .map(|(n, p)| {
            let id = n.id;
            let class = if Some(id) == focus {
                "node focus"
            } else if n.root.is_some() {
                "node root"
            } else {
                "node"
            };
            let title = format!("{} @{} {}", n.type_name, n.address, n.description);
            let line1: String = match &n.root {
                Some(r) => r.chars().take(30).collect(),
                None => short_type(&n.type_name).chars().take(30).collect(),
            };
            let line2: String = format!("{} {}", format_bytes(drawn_bytes(n)), n.description).chars().take(32).collect();
            view! {
                <g class=class transform=format!("translate({},{})", p.x, p.y) data-testid="graph-node" data-object=id.to_string()
                    on:click=move |_| nav::go(&Route::Object(id))>
                    <title>{title}</title>
                    <rect width=NODE_WIDTH height=NODE_HEIGHT rx="5" />
                    <text x="8" y="16" class="node-type">{line1}</text>
                    <text x="8" y="32" class="node-sub">{line2}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <div class="graph-wrap">
            <div class="graph-controls">
                <button class="button secondary" title="Zoom in" on:click=move |_| scale.update(|s| *s = (*s * 1.25).min(4.0))>"+"</button>
                <button class="button secondary" title="Zoom out" on:click=move |_| scale.update(|s| *s = (*s / 1.25).max(0.2))>"−"</button>
                <button class="button secondary" title="Reset view" on:click=move |_| { scale.set(1.0); pan.set((20.0, 20.0)); }>"reset"</button>
            </div>
            <svg class="graph" data-testid="graph-svg" width="100%" height=height
                on:wheel=on_wheel on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointerleave=on_up>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                    </marker>
                </defs>
                <g transform=transform>
                    {edge_views}
                    {node_views}
                </g>
            </svg>
        </div>
    }
}

/// The size a node is drawn with: what it retains, or its own size when no
/// root reaches it (an unreachable object retains nothing by definition,
/// yet its own bytes are held).
pub fn drawn_bytes(n: &heapscope_protocol::ObjectRow) -> u64 {
    if n.distance.is_none() {
        n.shallow_bytes
    } else {
        n.retained_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heapscope_protocol::ObjectRow;

    #[test]
    fn unreachable_nodes_are_drawn_with_their_own_size() {
        let mut n = ObjectRow {
            id: 0,
            type_name: "__main__.Node".into(),
            address: "0x1".into(),
            description: String::new(),
            shallow_bytes: 56,
            retained_bytes: 0,
            distance: None,
            root: None,
        };
        assert_eq!(drawn_bytes(&n), 56);
        n.distance = Some(3);
        n.retained_bytes = 400;
        assert_eq!(drawn_bytes(&n), 400);
    }
}
