// Shared setup for the end-to-end tests: a server for dist/, headless
// Debian Chromium through playwright-core, and independent readers of the
// test files. Tests act on the page only through the page object
// (`app-page.mjs`), which waits on the app's own state, never on time.
import { chromium } from "playwright-core";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { startServer } from "./serve.mjs";

export const ARTIFACTS = "target/e2e-artifacts";

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export async function launch({ base = "/", dir = "dist" } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { server, url } = await startServer({ dir, base });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  return {
    url,
    browser,
    server,
    async close() {
      await browser.close();
      server.close();
    },
  };
}

async function readDoc(path) {
  const raw = await readFile(path);
  return JSON.parse((path.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8"));
}

/** Objects no root reaches through strong (non-weak) references: a
 * breadth-first search written here, independently of the app's. */
export async function unreachableOf(path) {
  const doc = await readDoc(path);
  const m = doc.meta;
  const [F, R, T] = [m.object_fields.length, m.reference_fields.length, m.root_fields.length];
  const n = doc.heap.objects.length / F;
  const [from, fromDelta, to, kind] = ["from", "from_delta", "to", "kind"].map((f) => m.reference_fields.indexOf(f));
  const weak = m.reference_kinds.indexOf("weak");
  const out = Array.from({ length: n }, () => []);
  let previous = 0; // `from_delta`: the difference to the previous record's `from` (docs/format.md)
  for (let i = 0; i < doc.heap.references.length; i += R) {
    const f = from >= 0 ? doc.heap.references[i + from] : (previous += doc.heap.references[i + fromDelta]);
    if (doc.heap.references[i + kind] !== weak) out[f].push(doc.heap.references[i + to]);
  }
  const seen = new Uint8Array(n);
  const queue = [];
  const rootAt = m.root_fields.indexOf("object");
  for (let i = 0; i < doc.heap.roots.length; i += T) queue.push(doc.heap.roots[i + rootAt]);
  queue.forEach((o) => (seen[o] = 1));
  for (let q = 0; q < queue.length; q++) {
    for (const t of out[queue[q]]) if (!seen[t]) (seen[t] = 1), queue.push(t);
  }
  return n - seen.reduce((a, b) => a + b, 0);
}

/** Counts in a heapscope v1 file, computed independently of the app. */
export async function countsOf(path) {
  const doc = await readDoc(path);
  const width = (fields) => fields.length;
  const objects = doc.heap.objects.length / width(doc.meta.object_fields);
  const references = doc.heap.references.length / width(doc.meta.reference_fields);
  const sizeAt = doc.meta.object_fields.indexOf("size");
  let size = 0;
  for (let i = sizeAt; i < doc.heap.objects.length; i += doc.meta.object_fields.length) size += doc.heap.objects[i];
  return { objects, references, size };
}

export const fmt = (n) => n.toLocaleString("en-US");

/** Parses "1,234" / "1.5 KiB"-free integer cells. */
export const int = (s) => Number(String(s).replace(/[^0-9-]/g, ""));

const made = [];
process.on("exit", () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A temporary folder for a test's files, removed when the run ends. */
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "heapscope-e2e-"));
  made.push(dir);
  return dir;
}
