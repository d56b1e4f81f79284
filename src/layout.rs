//! Layered node-link layout for small graphs (retainer paths, cycles):
//! nodes in columns by layer, ordered within a column by the barycenter
//! heuristic to reduce crossings, edges as curves with labels. Pure
//! geometry, tested natively; the views draw it as SVG.

pub const NODE_WIDTH: f64 = 200.0;
pub const NODE_HEIGHT: f64 = 40.0;
const LAYER_GAP: f64 = 280.0;
const ROW_GAP: f64 = 64.0;
const SWEEPS: usize = 6;

#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EdgePath {
    /// SVG path data.
    pub d: String,
    pub label_x: f64,
    pub label_y: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub nodes: Vec<Placed>,
    pub edges: Vec<EdgePath>,
    pub width: f64,
    pub height: f64,
}

/// Lays out `layers.len()` nodes (node `i` in column `layers[i]`) joined by
/// `edges` (`(from, to)` node indices).
pub fn layered(layers: &[usize], edges: &[(usize, usize)]) -> Layout {
    let n = layers.len();
    let layer_count = layers.iter().copied().max().map_or(0, |m| m + 1);
    let mut columns: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    for (i, &l) in layers.iter().enumerate() {
        columns[l].push(i);
    }
    let mut position = vec![0.0f64; n];
    let renumber = |columns: &Vec<Vec<usize>>, position: &mut Vec<f64>| {
        for col in columns {
            for (rank, &node) in col.iter().enumerate() {
                position[node] = rank as f64;
            }
        }
    };
    renumber(&columns, &mut position);
    // Each node's neighbours, once: a sweep then costs O(V + E), not O(V·E).
    let mut adjacent: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a != b {
            adjacent[a].push(b);
            adjacent[b].push(a);
        }
    }
    for sweep in 0..SWEEPS {
        let downward = sweep % 2 == 0;
        let order: Vec<usize> = if downward { (1..layer_count).collect() } else { (0..layer_count.saturating_sub(1)).rev().collect() };
        for l in order {
            let mut keyed: Vec<(f64, usize)> = columns[l]
                .iter()
                .map(|&node| {
                    let wanted = if downward { l.wrapping_sub(1) } else { l + 1 };
                    let neighbours: Vec<f64> =
                        adjacent[node].iter().filter(|&&other| layers[other] == wanted).map(|&other| position[other]).collect();
                    let key = if neighbours.is_empty() { position[node] } else { neighbours.iter().sum::<f64>() / neighbours.len() as f64 };
                    (key, node)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(position[a.1].total_cmp(&position[b.1])));
            columns[l] = keyed.into_iter().map(|(_, node)| node).collect();
            renumber(&columns, &mut position);
        }
    }
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    let mut nodes = vec![Placed { x: 0.0, y: 0.0 }; n];
    for (l, col) in columns.iter().enumerate() {
        let offset = (tallest - col.len()) as f64 * ROW_GAP / 2.0;
        for (rank, &node) in col.iter().enumerate() {
            nodes[node] = Placed { x: l as f64 * LAYER_GAP, y: offset + rank as f64 * ROW_GAP };
        }
    }
    let edges = edges.iter().map(|&(a, b)| curve(&nodes[a], &nodes[b])).collect();
    let width = (layer_count.max(1) - 1) as f64 * LAYER_GAP + NODE_WIDTH;
    let height = (tallest.max(1) - 1) as f64 * ROW_GAP + NODE_HEIGHT;
    Layout { nodes, edges, width, height }
}

/// A curve from the right side of `a` to the left side of `b`; edges that
/// stay in a column or go back bend around.
fn curve(a: &Placed, b: &Placed) -> EdgePath {
    let (y1, y2) = (a.y + NODE_HEIGHT / 2.0, b.y + NODE_HEIGHT / 2.0);
    if b.x > a.x {
        let (x1, x2) = (a.x + NODE_WIDTH, b.x);
        let mid = (x1 + x2) / 2.0;
        EdgePath { d: format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"), label_x: mid, label_y: (y1 + y2) / 2.0 - 4.0 }
    } else {
        // Same column or backwards: leave from the bottom, loop below, enter from the bottom.
        let (x1, x2) = (a.x + NODE_WIDTH / 2.0, b.x + NODE_WIDTH / 2.0);
        let (yb1, yb2) = (a.y + NODE_HEIGHT, b.y + NODE_HEIGHT);
        let dip = yb1.max(yb2) + 40.0;
        EdgePath { d: format!("M{x1},{yb1} C{x1},{dip} {x2},{dip} {x2},{yb2}"), label_x: (x1 + x2) / 2.0, label_y: dip - 6.0 }
    }
}

/// Nodes on a circle (for a cycle's members), edges as chords with labels.
pub fn circle(n: usize, edges: &[(usize, usize)]) -> Layout {
    let radius = (n as f64 * (NODE_WIDTH * 0.45) / std::f64::consts::PI).max(120.0);
    let (cx, cy) = (radius + NODE_WIDTH / 2.0, radius + NODE_HEIGHT);
    let nodes: Vec<Placed> = (0..n)
        .map(|i| {
            let angle = i as f64 / n.max(1) as f64 * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2;
            Placed { x: cx + radius * angle.cos() - NODE_WIDTH / 2.0, y: cy + radius * angle.sin() - NODE_HEIGHT / 2.0 }
        })
        .collect();
    let centre = |p: &Placed| (p.x + NODE_WIDTH / 2.0, p.y + NODE_HEIGHT / 2.0);
    let edges = edges
        .iter()
        .map(|&(a, b)| {
            let ((x1, y1), (x2, y2)) = (centre(&nodes[a]), centre(&nodes[b]));
            if a == b {
                let (x, y) = (x1, nodes[a].y);
                return EdgePath {
                    d: format!("M{x},{y} C{},{} {},{} {x},{y}", x - 50.0, y - 60.0, x + 50.0, y - 60.0),
                    label_x: x,
                    label_y: y - 48.0,
                };
            }
            // Bend towards the centre so a→b and b→a do not overlap.
            let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
            let (qx, qy) = (mx + (cx - mx) * 0.35 + (y2 - y1) * 0.12, my + (cy - my) * 0.35 - (x2 - x1) * 0.12);
            EdgePath { d: format!("M{x1},{y1} Q{qx},{qy} {x2},{y2}"), label_x: (mx + qx) / 2.0, label_y: (my + qy) / 2.0 }
        })
        .collect();
    Layout { nodes, edges, width: 2.0 * cx, height: 2.0 * cy }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crossings(layout: &Layout, edges: &[(usize, usize)]) -> usize {
        let mut c = 0;
        for (i, &(a, b)) in edges.iter().enumerate() {
            for &(p, q) in &edges[i + 1..] {
                let (ya, yb, yp, yq) = (layout.nodes[a].y, layout.nodes[b].y, layout.nodes[p].y, layout.nodes[q].y);
                if layout.nodes[a].x == layout.nodes[p].x && (ya - yp) * (yb - yq) < 0.0 {
                    c += 1;
                }
            }
        }
        c
    }

    #[test]
    fn columns_follow_layers_and_crossings_are_removed() {
        // Two roots, crossed on input: 0→3, 1→2; 2→4, 3→4.
        let layers = [0, 0, 1, 1, 2];
        let edges = [(0, 3), (1, 2), (2, 4), (3, 4)];
        let l = layered(&layers, &edges);
        assert_eq!(l.nodes[0].x, 0.0);
        assert_eq!(l.nodes[2].x, l.nodes[3].x);
        assert!(l.nodes[4].x > l.nodes[2].x);
        assert_eq!(crossings(&l, &edges), 0);
        assert_eq!(l.edges.len(), 4);
        assert!(l.edges[0].d.starts_with('M'));
    }

    #[test]
    fn empty_and_single_graphs_have_a_size() {
        let l = layered(&[], &[]);
        assert!(l.nodes.is_empty() && l.width > 0.0);
        let c = circle(1, &[(0, 0)]);
        assert_eq!(c.nodes.len(), 1);
        assert!(c.edges[0].d.contains('C'));
    }
}
