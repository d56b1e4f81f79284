//! Benchmark tooling: a heap converted to V8's `.heapsnapshot` JSON, so that
//! memlab (or Chrome DevTools) can analyse the same graph heapscope does
//! (`cargo xtask bench --only memlab`; the hidden `heapscope to-heapsnapshot`).
//!
//! The mapping: a synthetic root node (V8 ordinal 0, id 1, `(root)`) with one
//! `element` edge per root of the snapshot; then object *i* as V8 ordinal
//! *i* + 1 with id 2*i* + 3 (odd like V8's JavaScript objects; memlab takes
//! ids 0 and 1 for roots), type `object`, name = the Python type name,
//! `self_size` = the shallow size (capped at 2^32 − 1: memlab keeps node
//! fields in a `Uint32Array`). Each reference keeps its order: `weak`
//! references become `weak` edges (memlab, like heapscope, ignores them for
//! dominators), `index` references named by a number become `element`
//! edges, other named references `property` edges with the name, the rest
//! `internal` edges named by their kind. Strings keep their ids; the few
//! names the conversion adds are appended after them.
//!
//! The layout mimics V8's own writer (`"nodes":[` with no space and one
//! record per line): memlab locates the arrays by those exact signatures.

use std::io::{self, Write};

use heapscope_core::graph::RefKind;
use heapscope_core::strings::NO_STRING;
use heapscope_core::{Heap, Snapshot};

/// V8's node fields, in order (7 numbers per node).
const NODE_FIELDS: &str = r#"["type","name","id","self_size","edge_count","trace_node_id","detachedness"]"#;
const NODE_FIELD_COUNT: u64 = 7;
const NODE_TYPES: &str = r#"["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"]"#;
const NODE_TYPE_OBJECT: u32 = 3;
const NODE_TYPE_SYNTHETIC: u32 = 9;
const EDGE_TYPES: &str = r#"["context","element","property","internal","hidden","shortcut","weak"]"#;
const EDGE_ELEMENT: u32 = 1;
const EDGE_PROPERTY: u32 = 2;
const EDGE_INTERNAL: u32 = 3;
const EDGE_WEAK: u32 = 6;

/// The V8 node id of object `index` (the root is id 1).
pub fn node_id(index: u32) -> u64 {
    2 * u64::from(index) + 3
}

/// How many nodes and edges were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub nodes: u64,
    pub edges: u64,
}

/// Writes `heap` as a V8 `.heapsnapshot` document.
pub fn write(snapshot: &Snapshot, heap: &Heap, out: impl Write) -> io::Result<Written> {
    let mut w = io::BufWriter::with_capacity(1 << 20, out);
    let n = heap.object_count();
    let graph = &heap.graph;
    let base = snapshot.strings.len() as u64;
    // Appended strings: "(root)", then one name per reference kind.
    let root_name = base;
    let kind_name = |kind: RefKind| base + 1 + kind as u64;
    let edge_count = graph.edge_count() as u64 + heap.roots.len() as u64;
    write!(
        w,
        r#"{{"snapshot":{{"meta":{{"node_fields":{NODE_FIELDS},"node_types":[{NODE_TYPES},"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[{EDGE_TYPES},"string_or_number","node"],"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],"trace_node_fields":["id","function_info_index","count","size","children"],"sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]}},"node_count":{},"edge_count":{edge_count},"trace_function_count":0}},"#,
        n as u64 + 1
    )?;
    write!(w, "\n\"nodes\":[{NODE_TYPE_SYNTHETIC},{root_name},1,0,{},0,0", heap.roots.len())?;
    for i in 0..n as u32 {
        let size = heap.size_bytes[i as usize].min(u64::from(u32::MAX));
        let edges = graph.out_edges(i).len();
        write!(w, "\n,{NODE_TYPE_OBJECT},{},{},{size},{edges},0,0", heap.type_name[i as usize], node_id(i))?;
    }
    w.write_all(b"],\n\"edges\":[")?;
    let mut first = true;
    let mut sep = |w: &mut io::BufWriter<_>| -> io::Result<()> {
        if !std::mem::take(&mut first) {
            w.write_all(b"\n,")?;
        }
        Ok(())
    };
    for (k, root) in heap.roots.iter().enumerate() {
        sep(&mut w)?;
        write!(w, "{EDGE_ELEMENT},{k},{}", (u64::from(root.object) + 1) * NODE_FIELD_COUNT)?;
    }
    for i in 0..n as u32 {
        for (to, label) in graph.out_refs(i) {
            sep(&mut w)?;
            let to_node = (u64::from(to) + 1) * NODE_FIELD_COUNT;
            let kind = label.kind();
            let name = label.name();
            let (edge_type, name_or_index) = match kind {
                RefKind::Weak => (EDGE_WEAK, kind_name(kind)),
                RefKind::Index => match snapshot.strings.get(name).and_then(|s| s.parse::<u32>().ok()) {
                    Some(index) => (EDGE_ELEMENT, u64::from(index)),
                    None => (EDGE_INTERNAL, kind_name(kind)),
                },
                _ if name != NO_STRING => (EDGE_PROPERTY, u64::from(name)),
                _ => (EDGE_INTERNAL, kind_name(kind)),
            };
            write!(w, "{edge_type},{name_or_index},{to_node}")?;
        }
    }
    w.write_all(b"],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[],\n\"strings\":[")?;
    for (k, s) in snapshot.strings.iter().enumerate() {
        if k > 0 {
            w.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut w, s)?;
    }
    if base > 0 {
        w.write_all(b",\n")?;
    }
    w.write_all(b"\"(root)\"")?;
    for kind in RefKind::ALL {
        write!(w, ",\n\"{}\"", kind.format_name())?;
    }
    w.write_all(b"]}\n")?;
    w.flush()?;
    Ok(Written { nodes: n as u64 + 1, edges: edge_count })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// A tiny heap: a module dict holding a list (index 0 → a str), an
    /// instance by attribute, a weakref to the instance, and an unnamed set
    /// element; one root.
    const DOC: &str = r#"{"format":"heapscope","version":1,
      "meta":{"object_fields":["address","type","size","flags","description","traceback"],
              "reference_fields":["from","to","kind","name"],
              "root_fields":["object","kind","name","excess"]},
      "heap":{"objects":[16,1,100,3,-1,-1, 32,2,56,1,-1,-1, 48,3,5000000000,0,-1,-1, 64,4,80,1,-1,-1, 80,5,64,1,-1,-1, 96,6,72,1,-1,-1],
              "references":[0,1,2,7, 1,2,4,8, 0,3,1,9, 4,3,14,-1, 0,4,2,10, 0,5,2,11, 5,2,4,-1],
              "roots":[0,0,12,0]},
      "strings":["","builtins.dict","builtins.list","builtins.str","app.User","weakref.ref","builtins.set","'items'","0","user","'ref'","'s'","app"]}"#;

    fn convert() -> Value {
        let loaded = heapscope_core::load(DOC.as_bytes()).expect("the test heap loads");
        let snapshot = loaded.snapshot;
        let heap = snapshot.heap.as_ref().expect("a heap");
        let mut bytes = Vec::new();
        let written = write(&snapshot, heap, &mut bytes).expect("written");
        assert_eq!(written, Written { nodes: 7, edges: 8 });
        serde_json::from_slice(&bytes).expect("the output is JSON")
    }

    fn numbers(doc: &Value, key: &str) -> Vec<u64> {
        doc[key].as_array().expect(key).iter().map(|v| v.as_u64().expect("a number")).collect()
    }

    #[test]
    fn a_tiny_heap_converts_to_the_v8_layout() {
        let doc = convert();
        let strings: Vec<&str> = doc["strings"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
        let nodes = numbers(&doc, "nodes");
        let edges = numbers(&doc, "edges");
        assert_eq!(doc["snapshot"]["node_count"], 7);
        assert_eq!(doc["snapshot"]["edge_count"], 8);
        assert_eq!(nodes.len(), 7 * 7);
        assert_eq!(edges.len(), 8 * 3);
        // Every node's edge_count adds up to the edges, and every to_node is a node's offset.
        assert_eq!(nodes.chunks(7).map(|r| r[4]).sum::<u64>(), 8);
        assert!(edges.chunks(3).all(|e| e[2] % 7 == 0 && e[2] / 7 < 7));
        // The root: synthetic, named "(root)", id 1, one element edge to object 0 (ordinal 1).
        assert_eq!(&nodes[..5], &[NODE_TYPE_SYNTHETIC as u64, nodes[1], 1, 0, 1]);
        assert_eq!(strings[nodes[1] as usize], "(root)");
        assert_eq!(&edges[..3], &[EDGE_ELEMENT as u64, 0, 7]);
        // Objects: type name, id 2i+3, self size (capped to u32 for memlab), edge counts.
        let object = |i: usize| &nodes[(i + 1) * 7..(i + 2) * 7];
        assert_eq!(strings[object(0)[1] as usize], "builtins.dict");
        assert_eq!(object(0)[2], 3);
        assert_eq!(object(3)[2], 9);
        assert_eq!(object(0)[3], 100);
        assert_eq!(object(2)[3], u64::from(u32::MAX));
        assert_eq!([object(0)[4], object(1)[4], object(2)[4], object(4)[4], object(5)[4]], [4, 1, 0, 1, 1]);
        // Edges in order: dict → list (property 'items'), dict → User (property user),
        // dict → weakref, dict → set; list → str (element 0); weakref → User (weak); set → str (internal).
        let edge = |k: usize| &edges[k * 3..k * 3 + 3];
        let name = |k: usize| strings[edge(k)[1] as usize];
        assert_eq!((edge(1)[0], name(1), edge(1)[2]), (EDGE_PROPERTY as u64, "'items'", 14));
        assert_eq!((edge(2)[0], name(2), edge(2)[2]), (EDGE_PROPERTY as u64, "user", 28));
        assert_eq!((edge(5)[0], edge(5)[1], edge(5)[2]), (EDGE_ELEMENT as u64, 0, 21));
        assert_eq!((edge(6)[0], name(6), edge(6)[2]), (EDGE_WEAK as u64, "weak", 28));
        assert_eq!((edge(7)[0], name(7), edge(7)[2]), (EDGE_INTERNAL as u64, "index", 21));
    }

    #[test]
    fn the_arrays_are_where_memlab_looks_for_them() {
        let loaded = heapscope_core::load(DOC.as_bytes()).unwrap();
        let heap = loaded.snapshot.heap.as_ref().unwrap();
        let mut bytes = Vec::new();
        write(&loaded.snapshot, heap, &mut bytes).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        // memlab's StringLoader finds each array by `"name":` and reads to the first `]`.
        for key in ["\"nodes\":[", "\"edges\":[", "\"locations\":[", "\"strings\":["] {
            assert_eq!(text.matches(key).count(), 1, "{key}");
        }
        assert!(text.find("\"nodes\":[").unwrap() < text.find("\"edges\":[").unwrap());
        assert_eq!(node_id(0), 3);
    }
}
