//! tracemalloc traces folded into a call tree for the flame graph: the root
//! is every allocation, each level one frame deeper (oldest call first).

use std::collections::HashMap;

use heapscope_core::model::Tracemalloc;
use heapscope_core::strings::StringTable;
use heapscope_protocol::FlameNode;

/// Builds the tree, keeping at most about `max_nodes` nodes: children too
/// small to draw are merged into one "other" node per parent.
pub fn tree(t: &Tracemalloc, strings: &StringTable, max_nodes: usize) -> FlameNode {
    #[derive(Default)]
    struct Node {
        size: u64,
        children: HashMap<u32, Node>,
    }
    let mut root = Node::default();
    for trace in &t.traces {
        root.size += trace.size_bytes;
        let Some(frames) = t.tracebacks.get(trace.traceback as usize) else { continue };
        let mut at = &mut root;
        for &frame in frames.iter().rev() {
            at = at.children.entry(frame).or_default();
            at.size += trace.size_bytes;
        }
    }
    let total = root.size.max(1);
    // A node narrower than this share of the total is not worth a box.
    let min_size = total / (max_nodes.max(1) as u64).max(1);
    fn convert(t: &Tracemalloc, strings: &StringTable, frame: String, node: Node, min_size: u64) -> FlameNode {
        let mut children: Vec<(u32, Node)> = node.children.into_iter().collect();
        children.sort_by_key(|(f, n)| (std::cmp::Reverse(n.size), *f));
        let mut out = Vec::new();
        let mut other = 0u64;
        for (f, child) in children {
            if child.size >= min_size && child.size > 0 {
                let label =
                    t.frames.get(f as usize).map_or_else(|| "?".to_string(), |fr| format!("{}:{}", strings.str(fr.filename), fr.lineno));
                out.push(convert(t, strings, label, child, min_size));
            } else {
                other += child.size;
            }
        }
        if other > 0 {
            out.push(FlameNode { frame: "(smaller call sites)".to_string(), size_bytes: other, children: Vec::new() });
        }
        FlameNode { frame, size_bytes: node.size, children: out }
    }
    convert(t, strings, "all allocations".to_string(), root, min_size)
}
