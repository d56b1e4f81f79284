//! Dense type ids: each distinct type name (by content) gets a small index,
//! so per-type tallies are array lookups.

use std::collections::HashMap;

use crate::graph::ObjIdx;
use crate::model::Heap;
use crate::strings::StringTable;

#[derive(Debug, Clone, Default)]
pub struct TypeIndex {
    /// Type names by type id.
    pub names: Vec<String>,
    /// Type id of each object.
    pub of_object: Vec<u32>,
}

impl TypeIndex {
    pub fn new(strings: &StringTable, heap: &Heap) -> Self {
        let mut by_str_id: HashMap<u32, u32> = HashMap::new();
        let mut by_name: HashMap<&str, u32> = HashMap::new();
        let mut names = Vec::new();
        let of_object = heap
            .type_name
            .iter()
            .map(|&sid| {
                *by_str_id.entry(sid).or_insert_with(|| {
                    let name = strings.get(sid).unwrap_or("?");
                    *by_name.entry(name).or_insert_with(|| {
                        names.push(name.to_string());
                        (names.len() - 1) as u32
                    })
                })
            })
            .collect();
        TypeIndex { names, of_object }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn type_of(&self, object: ObjIdx) -> u32 {
        self.of_object[object as usize]
    }

    pub fn name_of(&self, object: ObjIdx) -> &str {
        &self.names[self.type_of(object) as usize]
    }

    /// The type id of a name, if any object has it.
    pub fn find(&self, name: &str) -> Option<u32> {
        self.names.iter().position(|n| n == name).map(|i| i as u32)
    }
}

/// The module part of a qualified type name: `app.models.Request` →
/// `app.models`; a name without a dot is its own module.
pub fn module_of(type_name: &str) -> &str {
    match type_name.rfind('.') {
        Some(i) if i > 0 => &type_name[..i],
        _ => type_name,
    }
}
