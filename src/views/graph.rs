//! Node-link drawings in SVG: the retainer graph (the K shortest paths from
//! roots to an object, layered) and the canvas the cycle view reuses. Pan by
//! dragging, zoom with the wheel or the buttons; click a node to inspect it.

use std::collections::{HashMap, HashSet};

use heapscope_protocol::{Answer, ObjectRow, Query, RetainerPath};
use leptos::prelude::*;

use super::common::{pending_or_unavailable, short_type};
use super::object::ObjectTabs;
use crate::layout::{self, Layout, NODE_HEIGHT, NODE_WIDTH};
use crate::nav;
use crate::queries::answer_signal;
use crate::route::Route;
use crate::units::{format_bytes, format_count};

/// An edge to draw: endpoints are node indices.
#[derive(Clone)]
pub struct DrawnEdge {
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub weak: bool,
    /// Marked (e.g. the reference a cycle view suggests breaking).
    pub marked: bool,
    /// Stands for references left out of a long path ([`heapscope_protocol::LeftOut`]).
    pub gap: bool,
}

/// Distinct objects and references of a set of paths, in first-seen order;
/// the references left out of a long path are one dashed edge saying how many.
pub fn collect_graph(paths: &[RetainerPath], target: &ObjectRow) -> (Vec<ObjectRow>, Vec<DrawnEdge>) {
    #[derive(Default)]
    struct Graph {
        index: HashMap<u32, usize>,
        nodes: Vec<ObjectRow>,
        edges: Vec<DrawnEdge>,
        seen: HashSet<(usize, usize, String)>,
    }
    impl Graph {
        fn node(&mut self, row: &ObjectRow) -> usize {
            *self.index.entry(row.id).or_insert_with(|| {
                self.nodes.push(row.clone());
                self.nodes.len() - 1
            })
        }
        fn edge(&mut self, edge: DrawnEdge) {
            if self.seen.insert((edge.from, edge.to, edge.label.clone())) {
                self.edges.push(edge);
            }
        }
    }
    let mut g = Graph::default();
    g.node(target);
    for path in paths {
        for (i, r) in path.steps.iter().enumerate() {
            let (a, b) = (g.node(&r.from), g.node(&r.to));
            if let Some(gap) = path.left_out.filter(|gap| gap.at as usize == i && i > 0) {
                let before = g.node(&path.steps[i - 1].to);
                let label = format!("… {} more references …", format_count(gap.count as u64));
                g.edge(DrawnEdge { from: before, to: a, label, weak: false, marked: false, gap: true });
            }
            g.edge(DrawnEdge { from: a, to: b, label: r.label.clone(), weak: r.weak, marked: false, gap: false });
        }
    }
    (g.nodes, g.edges)
}

/// Each node's column: its rank among the distinct distances from the roots
/// (a path with references left out skips the distances between its ends).
pub fn columns_by_distance(nodes: &[ObjectRow]) -> Vec<usize> {
    let mut distinct: Vec<u32> = nodes.iter().map(|n| n.distance.unwrap_or(0)).collect();
    distinct.sort_unstable();
    distinct.dedup();
    nodes.iter().map(|n| distinct.partition_point(|&d| d < n.distance.unwrap_or(0))).collect()
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
                let layers = columns_by_distance(&nodes);
                let gap_note = if edges.iter().any(|e| e.gap) { "; long paths show their two ends (dotted: the references between)" } else { "" };
                let pairs: Vec<(usize, usize)> = edges.iter().map(|e| (e.from, e.to)).collect();
                let layout = layout::layered(&layers, &pairs);
                view! {
                    {truncated.then(|| view! { <p class="muted">"The search stopped early; more paths may exist."</p> })}
                    <p class="muted" data-testid="graph-caption">{format!("{} path(s), {} objects{}", paths.len(), nodes.len(), gap_note)}</p>
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
            } else if e.gap {
                "edge gap"
            } else if e.weak {
                "edge weak"
            } else {
                "edge"
            };
            view! {
                <g class=class data-testid=if e.gap { "graph-gap" } else { "graph-edge" }>
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

    fn row(id: u32, distance: u32) -> ObjectRow {
        ObjectRow {
            id,
            type_name: "__main__.Node".into(),
            address: format!("{:#x}", 16 * (id + 1)),
            description: String::new(),
            shallow_bytes: 56,
            retained_bytes: 56,
            distance: Some(distance),
            root: None,
        }
    }

    fn step(from: u32, to: u32) -> heapscope_protocol::Reference {
        heapscope_protocol::Reference {
            from: row(from, from),
            to: row(to, to),
            index: 0,
            kind: "attribute".into(),
            label: ".next".into(),
            weak: false,
        }
    }

    /// A path sent as its ends (references 2..998 left out of a chain
    /// 0 → … → 1000) is drawn as its 4 references, a dashed gap edge saying
    /// how many are missing, and 5 columns, not 1001.
    #[test]
    fn a_path_with_references_left_out_draws_a_gap_between_its_ends() {
        use heapscope_protocol::LeftOut;
        let path = RetainerPath {
            steps: vec![step(0, 1), step(1, 2), step(998, 999), step(999, 1000)],
            left_out: Some(LeftOut { at: 2, count: 996 }),
        };
        // The same path twice: nodes and edges are not repeated.
        let (nodes, edges) = collect_graph(&[path.clone(), path], &row(1000, 1000));
        assert_eq!(nodes.iter().map(|n| n.id).collect::<Vec<_>>(), [1000, 0, 1, 2, 998, 999]);
        let drawn: Vec<(u32, u32, &str, bool)> =
            edges.iter().map(|e| (nodes[e.from].id, nodes[e.to].id, e.label.as_str(), e.gap)).collect();
        assert_eq!(
            drawn,
            [
                (0, 1, ".next", false),
                (1, 2, ".next", false),
                (2, 998, "… 996 more references …", true),
                (998, 999, ".next", false),
                (999, 1000, ".next", false)
            ]
        );
        assert_eq!(columns_by_distance(&nodes), [5, 0, 1, 2, 3, 4]);
    }

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
