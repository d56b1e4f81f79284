"""``heapscope report`` and ``heapscope view``: one self-contained HTML file.

The page is the single-file build of the app (``cargo xtask single-file``,
shipped in the wheel as ``heapscope/_app/heapscope.html`` by ``cargo xtask
wheel``) with the snapshots appended as inert data blocks::

    <script type="application/octet-stream" data-heapscope-snapshot="NAME">BASE64 of gzip</script>

The page's own loader (xtask/src/single_file.rs) turns them into files and
the app opens them at start, as if they had been dropped: no server, no
network, no drop.  Nothing executable is added, so the page's
Content-Security-Policy (script hashes, ``connect-src 'none'``) stays valid.
Snapshots are gzip-compressed (kept as they are when they already are) and
streamed, so a report never holds a whole snapshot in memory.
"""
from __future__ import annotations

import base64
import gzip
import html
import os
import re
import sys
import tempfile

TEMPLATE_ENV = "HEAPSCOPE_APP_HTML"
LOADER_MARK = "__HEAPSCOPE_EMBEDDED__"
_CHUNK = 3 * (1 << 20)  # a multiple of 3: base64 of each chunk joins without padding


class ReportError(Exception):
    """A report cannot be written (missing template, unreadable snapshot)."""


def template_path():
    explicit = os.environ.get(TEMPLATE_ENV)
    if explicit:
        return explicit
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "_app", "heapscope.html")


def read_template():
    path = template_path()
    try:
        with open(path, "r", encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ReportError(
            "no app to embed (%s: %s).  The report page is the single-file app that `cargo xtask wheel` "
            "puts into the wheel; a pure-Python install (`pip install ./python`) has none.  Install the wheel, or "
            "build it with `cargo xtask single-file` and set %s=dist-single/heapscope.html"
            % (path, e.strerror or e, TEMPLATE_ENV))
    if LOADER_MARK not in text or "</body>" not in text:
        raise ReportError("%s is not a heapscope single-file app that opens embedded snapshots "
                          "(rebuild it with `cargo xtask single-file`)" % path)
    return text


class _Base64Out:
    """A binary sink that writes base64 text to *out* as bytes arrive."""

    def __init__(self, out):
        self.out = out
        self.pending = b""

    def write(self, data):
        data = self.pending + bytes(data)
        cut = len(data) - len(data) % 3
        if cut:
            self.out.write(base64.b64encode(data[:cut]).decode("ascii"))
        self.pending = data[cut:]
        return len(data)

    def flush(self):
        pass

    def close(self):
        if self.pending:
            self.out.write(base64.b64encode(self.pending).decode("ascii"))
            self.pending = b""


def _embed(path, out):
    """Append one snapshot to *out* (text) as a data block."""
    name = os.path.basename(path)
    try:
        src = open(path, "rb")
    except OSError as e:
        raise ReportError("%s: %s" % (path, e.strerror or e))
    with src:
        head = src.read(2)
        src.seek(0)
        out.write('<script type="application/octet-stream" data-heapscope-snapshot="%s">'
                  % html.escape(name, quote=True))
        sink = _Base64Out(out)
        if head == b"\x1f\x8b":  # already gzip: as it is
            writer = None
        else:
            writer = gzip.GzipFile(filename="", mode="wb", fileobj=sink, compresslevel=6, mtime=0)
        while True:
            chunk = src.read(_CHUNK)
            if not chunk:
                break
            (writer or sink).write(chunk)
        if writer is not None:
            writer.close()
        sink.close()
        out.write("</script>\n")


def write_report(snapshots, out_path):
    """Write the report for *snapshots* (paths, oldest first for a series) to *out_path*."""
    if not snapshots:
        raise ReportError("report: name at least one snapshot")
    for p in snapshots:
        if not os.path.isfile(p):
            raise ReportError("%s: no such file" % p)
    page = read_template()
    names = ", ".join(os.path.basename(p) for p in snapshots)
    page = re.sub(r"<title>[^<]*</title>", lambda m: "<title>heapscope report: %s</title>" % html.escape(names), page, count=1)
    at = page.rindex("</body>")
    out_path = os.path.abspath(out_path)
    directory = os.path.dirname(out_path)
    fd, tmp = tempfile.mkstemp(prefix=".heapscope-report-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(page[:at])
            for p in snapshots:
                _embed(p, out)
            out.write(page[at:])
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp made it private; a report is an ordinary file
        os.replace(tmp, out_path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return out_path


def report_command(args, prog="report"):
    """``heapscope report SNAP... -o FILE``; returns the exit status."""
    out = None
    snaps = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-h", "--help"):
            sys.stdout.write("usage: heapscope report SNAPSHOT... -o REPORT.html\n"
                             "Writes one self-contained HTML file (the app, its worker and the snapshots,\n"
                             "compressed) that opens from file:// into the Overview.\n")
            return 0
        if a in ("-o", "--out"):
            if i + 1 >= len(args):
                sys.stderr.write("heapscope: report: %s needs a file name\n" % a)
                return 2
            out = args[i + 1]
            i += 2
            continue
        if a.startswith("--out="):
            out = a[len("--out="):]
        elif a.startswith("-") and a != "-":
            sys.stderr.write("heapscope: report: unknown option %s\n" % a)
            return 2
        else:
            snaps.append(a)
        i += 1
    if out is None:
        sys.stderr.write("heapscope: report: missing -o REPORT.html\n")
        return 2
    try:
        path = write_report(snaps, out)
    except ReportError as e:
        sys.stderr.write("heapscope: report: %s\n" % e)
        return 1
    sys.stderr.write("heapscope: wrote %s (%s)\n" % (path, _size(os.path.getsize(path))))
    return 0


def view_command(args):
    """``heapscope view SNAP...``: a report in a temporary file, opened in the browser."""
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write("usage: heapscope view SNAPSHOT...\n"
                         "Writes a report to a temporary file and opens it in the web browser.\n")
        return 0 if args else 2
    fd, path = tempfile.mkstemp(prefix="heapscope-report-", suffix=".html")
    os.close(fd)
    try:
        write_report(args, path)
    except ReportError as e:
        os.unlink(path)
        sys.stderr.write("heapscope: view: %s\n" % e)
        return 1
    url = "file://" + path if path.startswith("/") else "file:///" + path.replace("\\", "/")
    sys.stderr.write("heapscope: wrote %s\n" % path)
    import webbrowser
    if not webbrowser.open(url):
        sys.stderr.write("heapscope: no browser could be started; open %s\n" % url)
    return 0


def _size(n):
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return "%d %s" % (n, unit) if unit == "bytes" else "%.1f %s" % (n, unit)
        n /= 1000.0
