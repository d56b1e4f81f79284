"""Heap walker and writer for the heapscope snapshot format, version 1.

See docs/format.md in the heapscope repository.  Standard library only, and
never runs user code (see ``safe``).  The modules, in dependency order:

* ``format_v1``   -- the format's constants (fields, kinds, flags);
* ``safe``        -- the C-level accessors that embody "never run user code";
* ``writers``     -- the string table and streamed integer arrays;
* ``tracetables`` -- the tracemalloc section;
* ``process``     -- the ``process`` metadata (with ``.._environment``);
* ``frames``      -- a frame's locals, read without side effects;
* ``describers``, ``labelers`` -- descriptions and reference names per type;
* ``typeinfo``    -- what the walker knows per type;
* ``walker``      -- the heap walk and the roots;
* ``dump``        -- one dump from start to finish (``export``).
"""
from __future__ import annotations

from .dump import DumpInProgress, export
from .format_v1 import EXPORTER, FORMAT_VERSION, __version__
from .process import process_info
from .safe import type_name


__all__ = ["export", "DumpInProgress", "EXPORTER", "FORMAT_VERSION", "__version__", "process_info",
           "type_name"]
