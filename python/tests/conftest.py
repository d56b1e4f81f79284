from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PYDIR = os.path.dirname(HERE)                      # python/ (contains heapscope/)
REPO = os.path.dirname(PYDIR)
SCHEMA = os.path.join(REPO, "docs", "format.schema.json")

sys.path.insert(0, HERE)
sys.path.insert(0, PYDIR)

from hsfile import Heap, decode, load, load_raw  # noqa: E402


# Children are given this long before a test calls them hung.  It detects a
# hang; it never orders events (tests wait on handshakes, not on time), so it
# is far longer than any run takes even with both cores busy.
HANG_GUARD_S = 900


def child_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = PYDIR + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("PYTHONTRACEMALLOC", None)
    return env


@pytest.fixture(scope="session")
def validator():
    import jsonschema
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


# The flat arrays that hold almost all of a file, and the schema each has:
# (path, schema).  jsonschema checks their items one by one in Python
# (seconds per file); validate() checks these items itself with the same
# rules and hands jsonschema the rest.  The schema is asserted to still say
# exactly this, so the shortcut can never check less than the schema.
INT_ARRAY = {"type": "array", "items": {"type": "integer"}}
STRINGS = {"type": "array", "minItems": 1, "prefixItems": [{"const": ""}], "items": {"type": "string"}}
FLAT_ARRAYS = [(("heap", "objects"), INT_ARRAY), (("heap", "references"), INT_ARRAY), (("heap", "roots"), INT_ARRAY),
               (("tracemalloc", "frames"), INT_ARRAY), (("tracemalloc", "traces"), INT_ARRAY), (("strings",), STRINGS)]


def _schema_at(schema, path):
    node = schema
    for key in path:
        node = node["properties"][key]
        while "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return {k: v for k, v in node.items() if k != "description"}


def _items_ok(values, item_type):
    # jsonschema's "integer" excludes bool; a JSON reader gives int or float
    # (an integral float would pass the schema: the exporter never writes one)
    return type(values) is list and set(map(type, values)) <= {item_type}


@pytest.fixture(scope="session")
def validate(validator):
    """validate(doc): the document must match docs/format.schema.json and the
    structural rules the schema cannot express."""
    for path, expected in FLAT_ARRAYS:
        assert _schema_at(validator.schema, path) == expected, (path, "the schema changed: update FLAT_ARRAYS")

    def check(doc):
        # the flat arrays' items here, the rest (and each array's first
        # items, with strings[0] == "") by jsonschema
        slim = dict(doc)
        for path, expected in FLAT_ARRAYS:
            parent, orig = slim, doc
            for key in path[:-1]:
                if type(orig.get(key)) is not dict:
                    break
                if parent[key] is orig[key]:
                    parent[key] = dict(orig[key])     # (a copy: the caller's doc stays whole)
                parent, orig = parent[key], orig[key]
            else:
                values = orig.get(path[-1])
                if type(values) is list:
                    item = int if expected is INT_ARRAY else str
                    assert _items_ok(values, item), "%s: every item must be a %s" % (list(path), item.__name__)
                    parent[path[-1]] = values[:3]
        errors = sorted(validator.iter_errors(slim), key=lambda e: list(e.path))
        assert not errors, "\n".join("%s: %s" % (list(e.path)[:4], e.message[:200]) for e in errors[:5])
        check_structure(doc)
        return doc
    return check


def check_structure(doc):
    doc = decode(doc, copy=True)    # the compact fields as the plain ones
    m = doc["meta"]
    ns = len(doc["strings"])
    assert doc["strings"][0] == ""
    if "heap" in doc:
        h = doc["heap"]
        F, R, Q = len(m["object_fields"]), len(m["reference_fields"]), len(m["root_fields"])
        assert len(h["objects"]) % F == 0
        assert len(h["references"]) % R == 0
        assert len(h["roots"]) % Q == 0
        n = len(h["objects"]) // F
        fi = {k: i for i, k in enumerate(m["object_fields"])}
        ob = h["objects"]
        addrs = ob[fi["address"]::F]
        assert len(set(addrs)) == n, "addresses must be unique"
        for col in ("type", "description"):
            vals = ob[fi[col]::F]
            assert all(-1 <= v < ns for v in vals), col
        assert all(v >= 0 for v in ob[fi["size"]::F])
        assert all(0 <= v < 128 for v in ob[fi["flags"]::F])
        ntb = len(doc["tracemalloc"]["tracebacks"]) if "tracemalloc" in doc else 0
        assert all(-1 <= v < ntb for v in ob[fi["traceback"]::F])
        ri = {k: i for i, k in enumerate(m["reference_fields"])}
        rf = h["references"]
        nk = len(m["reference_kinds"])
        assert all(0 <= v < n for v in rf[ri["from"]::R])
        assert all(0 <= v < n for v in rf[ri["to"]::R])
        assert all(0 <= v < nk for v in rf[ri["kind"]::R])
        assert all(-1 <= v < ns for v in rf[ri["name"]::R])
        qi = {k: i for i, k in enumerate(m["root_fields"])}
        rr = h["roots"]
        assert all(0 <= v < n for v in rr[qi["object"]::Q])
        assert all(0 <= v < len(m["root_kinds"]) for v in rr[qi["kind"]::Q])
        assert all(v >= 0 for v in rr[qi["excess"]::Q])
    if "tracemalloc" in doc:
        t = doc["tracemalloc"]
        nf = len(t["frames"]) // len(m["frame_fields"])
        assert len(t["frames"]) % len(m["frame_fields"]) == 0
        assert all(0 <= k < nf for tb in t["tracebacks"] for k in tb)
        if "traceback_total_nframe" in t:
            assert len(t["traceback_total_nframe"]) == len(t["tracebacks"])
        T = len(m["trace_fields"])
        assert len(t["traces"]) % T == 0
        ti = {k: i for i, k in enumerate(m["trace_fields"])}
        assert all(0 <= v < len(t["tracebacks"]) for v in t["traces"][ti["traceback"]::T])


def write_script(tmp_path, source, name="prog.py"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(source))
    return p


def run_script(tmp_path, source, args=(), out="out.heapscope.json", extra=(),
               check=True, name="prog.py", timeout=HANG_GUARD_S):
    """Run *source* with `python -m heapscope run`; returns (heap doc, proc)."""
    script = write_script(tmp_path, source, name)
    outp = tmp_path / out
    cmd = [sys.executable, "-m", "heapscope", "run", *extra, str(script), *args, "--out", str(outp)]
    proc = subprocess.run(cmd, cwd=str(tmp_path), env=child_env(), timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if check:
        assert proc.returncode == 0, proc.stderr
    return load(str(outp)), proc


def run_python(tmp_path, source, args=(), name="prog.py", timeout=HANG_GUARD_S):
    script = write_script(tmp_path, source, name)
    proc = subprocess.run([sys.executable, str(script), *args], cwd=str(tmp_path),
                          env=child_env(), timeout=timeout, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 0, proc.stderr
    return proc


def last_json_line(text):
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise AssertionError("no JSON line in output:\n" + text)
