// Where the worker's time goes (not part of the test run): a Chromium trace
// with V8's sampling profiler while one file loads, summed per function.
//
//   node e2e/bench/profile.mjs [--dist DIR] FILE
//
// Function names need the wasm's name section, which release builds strip:
//   CARGO_PROFILE_RELEASE_STRIP=none trunk build --release --dist /tmp/dist-prof
// with `-g` added to the worker's data-wasm-opt-params in index.html (for
// that build only), then `node e2e/bench/profile.mjs --dist /tmp/dist-prof FILE`.
// Prints, for the busiest thread, the share of samples in each function
// (self) and under it (total), largest first.
import { launch } from "../harness.mjs";
import { AppPage } from "../app-page.mjs";

const args = process.argv.slice(2);
const at = args.indexOf("--dist");
const dir = at >= 0 ? args.splice(at, 2)[1] : "dist";
const [file] = args;
if (!file) {
  console.error("usage: node e2e/bench/profile.mjs [--dist DIR] SNAPSHOT");
  process.exit(2);
}
const env = await launch({ dir });
let trace;
try {
  const page = await AppPage.open(env.browser, env.url);
  await env.browser.startTracing(page, { categories: ["disabled-by-default-v8.cpu_profiler"] });
  await page.setInputFiles('[data-testid="file-input"]', file);
  const state = await page.settled(900_000);
  trace = JSON.parse((await env.browser.stopTracing()).toString("utf8"));
  if (state !== "ready") throw new Error(`${file}: ${await page.textContent('[data-testid="error-message"]')}`);
} finally {
  await env.close();
}

// One profile per thread: its call-tree nodes and its samples, in chunks.
const profiles = new Map();
for (const e of trace.traceEvents ?? trace) {
  if (e.name !== "ProfileChunk") continue;
  const key = `${e.pid}/${e.id}`;
  if (!profiles.has(key)) profiles.set(key, { nodes: new Map(), samples: [] });
  const p = profiles.get(key);
  const data = e.args.data;
  for (const n of data.cpuProfile?.nodes ?? []) p.nodes.set(n.id, { name: n.callFrame.functionName || "(anonymous)", parent: n.parent });
  p.samples.push(...(data.cpuProfile?.samples ?? []));
}
const busy = (p) => p.samples.filter((s) => !["(idle)", "(program)"].includes(p.nodes.get(s)?.name)).length;
const thread = [...profiles.values()].sort((a, b) => busy(b) - busy(a))[0];
if (!thread) throw new Error("the trace has no profile");
const self = new Map();
const total = new Map();
for (const s of thread.samples) {
  const bump = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);
  bump(self, thread.nodes.get(s)?.name ?? "?");
  const seen = new Set();
  for (let id = s; id !== undefined; id = thread.nodes.get(id)?.parent) {
    const name = thread.nodes.get(id)?.name ?? "?";
    if (!seen.has(name)) bump(total, name), seen.add(name);
  }
}
const n = thread.samples.length;
const show = (title, m, k) => {
  console.log(title);
  for (const [name, c] of [...m].sort((a, b) => b[1] - a[1]).slice(0, k)) console.log(`${((100 * c) / n).toFixed(1).padStart(6)} %  ${name.slice(0, 150)}`);
};
console.log(`${file}: ${n} samples on the busiest thread`);
show("self:", self, 25);
show("total (the function or what it calls):", total, 40);
