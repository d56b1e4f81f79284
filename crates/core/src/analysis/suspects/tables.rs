//! Type tables: which builtin types are the interpreter's machinery and
//! which hold a program's data.

use crate::analysis::owner::{module_owner, Owner};
use crate::analysis::types::module_of;

/// Builtin types that hold the interpreter up by design.
pub const INFRASTRUCTURE_BUILTINS: &[&str] = &[
    "builtins.builtin_function_or_method",
    "builtins.cell",
    "builtins.classmethod",
    "builtins.classmethod_descriptor",
    "builtins.code",
    "builtins.frame",
    "builtins.function",
    "builtins.getset_descriptor",
    "builtins.mappingproxy",
    "builtins.member_descriptor",
    "builtins.method",
    "builtins.method-wrapper",
    "builtins.method_descriptor",
    "builtins.module",
    "builtins.property",
    "builtins.staticmethod",
    "builtins.type",
    "builtins.weakref",
    "builtins.wrapper_descriptor",
];

/// Types that hold a program's data.
pub const DATA_TYPES: &[&str] = &[
    "array.array",
    "builtins.bool",
    "builtins.bytearray",
    "builtins.bytes",
    "builtins.complex",
    "builtins.dict",
    "builtins.float",
    "builtins.frozenset",
    "builtins.int",
    "builtins.list",
    "builtins.memoryview",
    "builtins.set",
    "builtins.str",
    "builtins.tuple",
    "collections.Counter",
    "collections.OrderedDict",
    "collections.defaultdict",
    "collections.deque",
    "decimal.Decimal",
];

/// How a type is ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeClass {
    /// Defined outside the standard library (`__main__`, the application, third parties).
    User,
    /// What programs store: str, bytes, tuple, list, dict, set, …
    Data,
    /// The interpreter's own: code, function, type, module, descriptors, stdlib types.
    Infrastructure,
}

/// Classes a module-qualified type name (without the file's environment).
pub fn classify_type(name: &str) -> TypeClass {
    if DATA_TYPES.contains(&name) {
        return TypeClass::Data;
    }
    if INFRASTRUCTURE_BUILTINS.contains(&name) || module_owner(module_of(name), None, None) == Owner::Interpreter {
        return TypeClass::Infrastructure;
    }
    TypeClass::User
}

/// Whether items of this type are sequences a program appends to.
pub fn is_sequence(name: &str) -> bool {
    matches!(name, "builtins.list" | "builtins.set" | "collections.deque" | "builtins.tuple")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_types() {
        assert_eq!(classify_type("__main__.Request"), TypeClass::User);
        assert_eq!(classify_type("app.models.Request"), TypeClass::User);
        assert_eq!(classify_type("builtins.str"), TypeClass::Data);
        assert_eq!(classify_type("collections.deque"), TypeClass::Data);
        assert_eq!(classify_type("builtins.code"), TypeClass::Infrastructure);
        assert_eq!(classify_type("abc.ABCMeta"), TypeClass::Infrastructure);
        assert_eq!(classify_type("_io.TextIOWrapper"), TypeClass::Infrastructure);
        assert_eq!(classify_type("builtins.some_c_thing"), TypeClass::Infrastructure);
    }
}
