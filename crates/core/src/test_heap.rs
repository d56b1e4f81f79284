//! Small heaps for the unit tests: objects joined by plain references.

use crate::graph::{EdgeLabel, Graph};
use crate::model::{Heap, RefKind, Root, RootKind, Snapshot, SourceFormat};
use crate::strings::{StringTable, NO_STRING};

/// `count` untyped objects of `size` bytes joined by `edges` (unnamed
/// attribute references), object 0 a module root.
pub(crate) fn snapshot_of_edges(count: usize, edges: Vec<(u32, u32)>, size: u64) -> Snapshot {
    let (from, to): (Vec<u32>, Vec<u32>) = edges.into_iter().unzip();
    let labels = vec![EdgeLabel::new(RefKind::Attribute, NO_STRING); from.len()];
    let heap = Heap {
        address: (0..count as u64).collect(),
        type_name: vec![NO_STRING; count],
        size_bytes: vec![size; count],
        flags: vec![0; count],
        description: vec![NO_STRING; count],
        traceback: vec![u32::MAX; count],
        graph: Graph::from_edges(count, from, to, labels),
        roots: vec![Root { object: 0, kind: RootKind::Module, name: NO_STRING, excess: 0 }],
    };
    Snapshot {
        format: SourceFormat::HeapscopeV1,
        process: Default::default(),
        strings: StringTable::new(),
        heap: Some(heap),
        tracemalloc: None,
    }
}
