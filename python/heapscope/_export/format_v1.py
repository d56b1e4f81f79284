"""Constants of the heapscope snapshot format, version 1 (docs/format.md).

The field lists, reference kinds, root kinds and object flags written into
every snapshot's ``meta`` section, and the integer codes the walker writes.
"""
from __future__ import annotations

import json


__version__ = "0.1.0"
EXPORTER = "heapscope-python " + __version__
FORMAT_VERSION = 1

OBJECT_FIELDS = ["address", "type", "size", "flags", "description", "traceback"]
REFERENCE_FIELDS = ["from", "to", "kind", "name"]
# What the exporter writes (docs/format.md, "Compact fields"): the address
# and a reference's `from` as the difference to the previous record's, and
# no traceback column unless tracemalloc was tracing (its default is -1).
# Readers that know only `address`/`from` refuse such a file: never misread.
WRITTEN_OBJECT_FIELDS = ["address_delta", "type", "size", "flags", "description"]
WRITTEN_OBJECT_FIELDS_TB = WRITTEN_OBJECT_FIELDS + ["traceback"]
WRITTEN_REFERENCE_FIELDS = ["from_delta", "to", "kind", "name"]
REFERENCE_KINDS = ["internal", "attribute", "dict_value", "dict_key", "index",
                   "cell", "local", "globals", "defaults", "closure",
                   "class_dict", "mro", "bases", "instance_dict", "weak"]
ROOT_FIELDS = ["object", "kind", "name", "excess"]
ROOT_KINDS = ["module", "thread", "builtins", "native"]
OBJECT_FLAGS = {"gc_tracked": 1, "module": 2, "type": 4, "frame": 8,
                "function": 16, "finalizer": 32, "garbage": 64}
FRAME_FIELDS = ["filename", "lineno"]
TRACE_FIELDS = ["domain", "size", "traceback"]

# The codes the walker writes are positions in the lists above, looked up by
# name.  xtask's tidy test `reference_kinds_agree` ties REFERENCE_KINDS to
# Rust's RefKind and to docs/format.md, and every kind to one K_ constant.
K_INTERNAL = REFERENCE_KINDS.index("internal")
K_ATTR = REFERENCE_KINDS.index("attribute")
K_DVAL = REFERENCE_KINDS.index("dict_value")
K_DKEY = REFERENCE_KINDS.index("dict_key")
K_INDEX = REFERENCE_KINDS.index("index")
K_CELL = REFERENCE_KINDS.index("cell")
K_LOCAL = REFERENCE_KINDS.index("local")
K_GLOBALS = REFERENCE_KINDS.index("globals")
K_DEFAULTS = REFERENCE_KINDS.index("defaults")
K_CLOSURE = REFERENCE_KINDS.index("closure")
K_CLASS_DICT = REFERENCE_KINDS.index("class_dict")
K_MRO = REFERENCE_KINDS.index("mro")
K_BASES = REFERENCE_KINDS.index("bases")
K_INST_DICT = REFERENCE_KINDS.index("instance_dict")
K_WEAK = REFERENCE_KINDS.index("weak")
R_MODULE = ROOT_KINDS.index("module")
R_THREAD = ROOT_KINDS.index("thread")
R_BUILTINS = ROOT_KINDS.index("builtins")
R_NATIVE = ROOT_KINDS.index("native")
F_TRACKED = OBJECT_FLAGS["gc_tracked"]
F_MODULE = OBJECT_FLAGS["module"]
F_TYPE = OBJECT_FLAGS["type"]
F_FRAME = OBJECT_FLAGS["frame"]
F_FUNCTION = OBJECT_FLAGS["function"]
F_FINALIZER = OBJECT_FLAGS["finalizer"]
F_GARBAGE = OBJECT_FLAGS["garbage"]

DESC_MAX = 80
_CHUNK = 1 << 16


def _meta_json(exporter_errors, object_tracebacks=False):
    """The ``meta`` object; *exporter_errors* are the ``errors.records()``;
    *object_tracebacks*: the objects have a traceback column."""
    return json.dumps({
        "object_fields": WRITTEN_OBJECT_FIELDS_TB if object_tracebacks else WRITTEN_OBJECT_FIELDS,
        "reference_fields": WRITTEN_REFERENCE_FIELDS,
        "reference_kinds": REFERENCE_KINDS, "root_fields": ROOT_FIELDS,
        "root_kinds": ROOT_KINDS, "object_flags": OBJECT_FLAGS,
        "frame_fields": FRAME_FIELDS, "trace_fields": TRACE_FIELDS,
        "exporter_errors": exporter_errors,
    }, separators=(",", ":"))
