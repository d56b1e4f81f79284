//! Allocations (tracemalloc): top sites by line, file or traceback, the
//! cumulative toggle, comparison with earlier traces, and a flame graph.

use heapscope_protocol::{AllocationGrouping, Answer, FlameNode, Query};
use leptos::prelude::*;

use super::common::{pending_or_unavailable, Bytes};
use crate::queries::answer_signal;
use crate::units::{format_bytes, format_bytes_delta, format_count};

const FLAME_WIDTH: f64 = 1000.0;
const FLAME_ROW: f64 = 20.0;

#[component]
pub fn AllocationsView(can_compare: bool) -> impl IntoView {
    let grouping = RwSignal::new(AllocationGrouping::Lineno);
    let cumulative = RwSignal::new(false);
    let compare = RwSignal::new(can_compare);
    let stats = answer_signal(move || {
        let g = grouping.get();
        Some(Query::Allocations {
            grouping: g,
            cumulative: cumulative.get() && g != AllocationGrouping::Traceback,
            compare: compare.get(),
            limit: 200,
        })
    });
    let tree = answer_signal(|| Some(Query::AllocationTree { max_nodes: 400 }));
    view! {
        <section class="view" data-testid="allocations-view">
            <div class="toolbar">
                <label>"Group by "
                    <select data-testid="alloc-grouping" on:change=move |ev| grouping.set(match event_target_value(&ev).as_str() {
                        "filename" => AllocationGrouping::Filename,
                        "traceback" => AllocationGrouping::Traceback,
                        _ => AllocationGrouping::Lineno,
                    })>
                        <option value="lineno">"line"</option>
                        <option value="filename">"file"</option>
                        <option value="traceback">"traceback"</option>
                    </select>
                </label>
                <label title="Count an allocation for every frame of its traceback, not only the most recent">
                    <input type="checkbox" data-testid="alloc-cumulative" prop:disabled=move || grouping.get() == AllocationGrouping::Traceback
                        prop:checked=move || cumulative.get() on:change=move |ev| cumulative.set(event_target_checked(&ev)) />" cumulative"
                </label>
                {can_compare.then(|| view! {
                    <label><input type="checkbox" data-testid="alloc-compare" prop:checked=move || compare.get() on:change=move |ev| compare.set(event_target_checked(&ev)) />" compare with the earlier snapshot"</label>
                })}
            </div>
            {move || {
                let a = stats.get();
                if let Some(v) = pending_or_unavailable(&a) { return v; }
                let Some(Answer::Allocations { rows, total_bytes, total_count, compared }) = a else { return ().into_any() };
                view! {
                    <p class="muted" data-testid="alloc-total">{format!("{} in {} blocks", format_bytes(total_bytes), format_count(total_count))}</p>
                    <table class="grid" data-testid="alloc-table">
                        <thead><tr>
                            <th>"where"</th><th class="num">"size"</th><th class="num">"blocks"</th>
                            {compared.then(|| view! { <th class="num">"size Δ"</th><th class="num">"blocks Δ"</th> })}
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr>
                                    <td class="mono">{if r.frames.len() <= 1 {
                                        view! { <span>{r.frames.first().cloned().unwrap_or_default()}</span> }.into_any()
                                    } else {
                                        view! { <details><summary>{r.frames[0].clone()}</summary><ol class="traceback">{r.frames.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}</ol></details> }.into_any()
                                    }}</td>
                                    <td class="num"><Bytes bytes=r.size_bytes /></td>
                                    <td class="num">{format_count(r.count)}</td>
                                    {compared.then(|| view! {
                                        <td class="num" class:grew={r.size_diff_bytes > 0}>{format_bytes_delta(r.size_diff_bytes)}</td>
                                        <td class="num">{format!("{:+}", r.count_diff)}</td>
                                    })}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <h3>"Where the bytes were allocated (call tree, outermost call on top)"</h3>
            {move || {
                let a = tree.get();
                if let Some(v) = pending_or_unavailable(&a) { return v; }
                let Some(Answer::AllocationTree { root }) = a else { return ().into_any() };
                let total = root.size_bytes;
                view! {
                    {flame_graph(&root)}
                    <h3>"Traceback tree"</h3>
                    <div class="tree" data-testid="alloc-tree">{traceback_tree(root, total, 0)}</div>
                }.into_any()
            }}
        </section>
    }
}

/// The call tree as nested disclosure rows, biggest first; the first two
/// levels start open.
fn traceback_tree(node: FlameNode, total: u64, depth: usize) -> AnyView {
    let share = if total == 0 { 0.0 } else { node.size_bytes as f64 * 100.0 / total as f64 };
    let label = format!("{} — {} ({share:.1}%)", node.frame, format_bytes(node.size_bytes));
    if node.children.is_empty() {
        return view! { <div class="tree-row mono leaf">{label}</div> }.into_any();
    }
    view! {
        <details open=depth < 2>
            <summary class="tree-row mono">{label}</summary>
            <div class="tree-children">{node.children.into_iter().map(|c| traceback_tree(c, total, depth + 1)).collect_view()}</div>
        </details>
    }
    .into_any()
}

/// An icicle chart: each frame's width is its share of the bytes.
fn flame_graph(root: &FlameNode) -> impl IntoView {
    let mut boxes = Vec::new();
    let total = root.size_bytes.max(1) as f64;
    let mut depth_max = 0usize;
    fn walk(node: &FlameNode, x: f64, depth: usize, total: f64, boxes: &mut Vec<(f64, f64, usize, String, u64)>, depth_max: &mut usize) {
        let width = node.size_bytes as f64 / total * FLAME_WIDTH;
        if width < 0.5 {
            return;
        }
        *depth_max = (*depth_max).max(depth);
        boxes.push((x, width, depth, node.frame.clone(), node.size_bytes));
        let mut cx = x;
        for c in &node.children {
            walk(c, cx, depth + 1, total, boxes, depth_max);
            cx += c.size_bytes as f64 / total * FLAME_WIDTH;
        }
    }
    walk(root, 0.0, 0, total, &mut boxes, &mut depth_max);
    let height = (depth_max + 1) as f64 * FLAME_ROW;
    view! {
        <svg class="flame" data-testid="flame-graph" viewBox=format!("0 0 {FLAME_WIDTH} {height}") width="100%" preserveAspectRatio="none" height=height>
            {boxes.into_iter().map(|(x, w, depth, frame, size)| {
                let hue = (frame.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32)) % 40) + 10;
                let label: String = frame.rsplit('/').next().unwrap_or(&frame).chars().take((w / 7.0) as usize).collect();
                view! {
                    <g class="flame-box">
                        <title>{format!("{frame}: {} ({:.1}%)", format_bytes(size), size as f64 / total * 100.0)}</title>
                        <rect x=x y=depth as f64 * FLAME_ROW width=w height=FLAME_ROW - 1.0 style:fill=format!("hsl({hue}, 80%, 62%)") />
                        <text x=x + 3.0 y=depth as f64 * FLAME_ROW + 14.0>{label}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}
