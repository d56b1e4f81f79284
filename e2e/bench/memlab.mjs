// memlab side of the memlab comparison (not part of the test run; run by
// `cargo xtask bench --only memlab`, which installs memlab into
// target/bench/memlab/ and converts the heap with `heapscope to-heapsnapshot`).
//
//   node e2e/bench/memlab.mjs MEMLAB_DIR FILE.heapsnapshot HEAPSCOPE_DOMINATORS.json RESULT.json
//
// Times memlab's full-heap analysis of FILE (`getFullHeapFromFile`: parse,
// shortest paths, dominators, retained sizes) inside this process, then
// checks memlab's retained size of every object heapscope listed in its
// `dominators --json` output (V8 node id = 2 × heapscope index + 3) and
// writes one flat JSON object of numbers and strings to RESULT.json.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [memlabDir, file, heapscopeJson, resultFile] = process.argv.slice(2);
if (!resultFile) {
  console.error("usage: node e2e/bench/memlab.mjs MEMLAB_DIR FILE.heapsnapshot HEAPSCOPE_DOMINATORS.json RESULT.json");
  process.exit(2);
}
const require = createRequire(join(resolve(memlabDir), "package.json"));
const { config } = require("@memlab/core");
const { getFullHeapFromFile } = require("@memlab/heap-analysis");
const memlabVersion = require("@memlab/core/package.json").version;
config.muteConsole = true;

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const heap = await getFullHeapFromFile(resolve(file));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);

// heapscope's answers for the same objects.
const expected = JSON.parse(readFileSync(heapscopeJson, "utf8")).nodes.map((n) => n.object);
let agreed = 0;
const mismatches = [];
for (const object of expected) {
  const node = heap.getNodeById(2 * object.index + 3);
  const retained = node ? node.retainedSize : null;
  if (retained === object.retained_bytes) {
    agreed += 1;
  } else {
    mismatches.push(`${object.type} #${object.index}: heapscope ${object.retained_bytes}, memlab ${retained}`);
  }
}
const result = {
  memlab_version: memlabVersion,
  nodes: heap.nodes.length,
  edges: heap.edges.length,
  seconds,
  cpu_seconds: (cpu.user + cpu.system) / 1e6,
  max_rss_mib: process.resourceUsage().maxRSS / 1024,
  checked: expected.length,
  agreed,
  first_mismatch: mismatches[0] ?? "",
};
writeFileSync(resultFile, JSON.stringify(result) + "\n");
console.log(JSON.stringify(result));
