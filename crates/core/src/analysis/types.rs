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
        // Type id by string id: an array over the string table (no hashing per
        // object); ids outside the table (none in a valid heap) share "?".
        const UNSEEN: u32 = u32::MAX;
        let mut by_str_id: Vec<u32> = vec![UNSEEN; strings.len()];
        let mut outside = UNSEEN;
        let mut by_name: HashMap<&str, u32> = HashMap::new();
        let mut names = Vec::new();
        let of_object = heap
            .type_name
            .iter()
            .map(|&sid| {
                let slot = match by_str_id.get_mut(sid as usize) {
                    Some(slot) => slot,
                    None => &mut outside,
                };
                if *slot == UNSEEN {
                    let name = strings.get(sid).unwrap_or("?");
                    *slot = *by_name.entry(name).or_insert_with(|| {
                        names.push(name.to_string());
                        (names.len() - 1) as u32
                    });
                }
                *slot
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

/// The module part of a qualified type name by the name alone:
/// `app.models.Request` → `app.models`; a class made in a function,
/// `app.views.make.<locals>.Local` → `app.views`; a name without a dot
/// (`dict`, as a hand-written list may put it) → `builtins`. A nested
/// class (`app.Outer.Inner`) reads as `app.Outer` here: the heap's module
/// objects tell it apart (`owner::Owners::module_of_type`).
pub fn module_of(type_name: &str) -> &str {
    if let Some(i) = type_name.find(".<locals>") {
        let function = &type_name[..i];
        return match function.rfind('.') {
            Some(j) if j > 0 => &function[..j],
            _ => function,
        };
    }
    match type_name.rfind('.') {
        Some(i) if i > 0 => &type_name[..i],
        _ if type_name.is_empty() || type_name.starts_with(['?', '<']) => type_name,
        _ => "builtins",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strings::NO_STRING;

    /// Type ids follow first appearance; two string ids with the same text
    /// are one type; a type name id outside the string table is "?".
    #[test]
    fn type_ids_by_content_in_first_seen_order() {
        let mut strings = StringTable::new();
        let a = strings.push("app.A");
        let b = strings.push("builtins.dict");
        let a2 = strings.push("app.A");
        let type_name = vec![b, a, a2, 999, b, NO_STRING, a2];
        let heap = Heap::of_types(type_name);
        let types = TypeIndex::new(&strings, &heap);
        assert_eq!(types.names, ["builtins.dict", "app.A", "?"]);
        assert_eq!(types.of_object, [0, 1, 1, 2, 0, 2, 1]);
        assert_eq!(types.find("app.A"), Some(1));
    }
}
