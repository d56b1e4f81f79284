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
REFERENCE_KINDS = ["internal", "attribute", "dict_value", "dict_key", "index",
                   "cell", "local", "globals", "defaults", "closure",
                   "class_dict", "mro", "bases", "instance_dict", "weak"]
ROOT_FIELDS = ["object", "kind", "name", "excess"]
ROOT_KINDS = ["module", "thread", "builtins", "native"]
OBJECT_FLAGS = {"gc_tracked": 1, "module": 2, "type": 4, "frame": 8,
                "function": 16, "finalizer": 32, "garbage": 64}
FRAME_FIELDS = ["filename", "lineno"]
TRACE_FIELDS = ["domain", "size", "traceback"]

(K_INTERNAL, K_ATTR, K_DVAL, K_DKEY, K_INDEX, K_CELL, K_LOCAL, K_GLOBALS,
 K_DEFAULTS, K_CLOSURE, K_CLASS_DICT, K_MRO, K_BASES, K_INST_DICT,
 K_WEAK) = range(15)
R_MODULE, R_THREAD, R_BUILTINS, R_NATIVE = range(4)
F_TRACKED, F_MODULE, F_TYPE, F_FRAME, F_FUNCTION, F_FINALIZER, F_GARBAGE = (
    1, 2, 4, 8, 16, 32, 64)

DESC_MAX = 80
_CHUNK = 1 << 16


def _meta_json(exporter_errors):
    """The ``meta`` object; *exporter_errors* are the ``errors.records()``."""
    return json.dumps({
        "object_fields": OBJECT_FIELDS, "reference_fields": REFERENCE_FIELDS,
        "reference_kinds": REFERENCE_KINDS, "root_fields": ROOT_FIELDS,
        "root_kinds": ROOT_KINDS, "object_flags": OBJECT_FLAGS,
        "frame_fields": FRAME_FIELDS, "trace_fields": TRACE_FIELDS,
        "exporter_errors": exporter_errors,
    }, separators=(",", ":"))
