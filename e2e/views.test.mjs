// Every view of the explorer on snapshots exported from real Python programs
// (public/examples, made by python/examples/make_examples.py), checking what
// a person would read there. Screenshots go to target/e2e-artifacts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ARTIFACTS, tempDir, unreachableOf, int, launch } from "./harness.mjs";
import { AppPage } from "./app-page.mjs";

let env;
before(async () => (env = await launch()));
after(async () => env?.close());

const shot = (page, name) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

test("overview shows totals, suspects, top types and process metadata", async () => {
  const page = await AppPage.open(env.browser, env.url);
  assert.equal(await page.example("leak"), "ready");
  await page.waitForSelector('[data-testid="suspects"] li');
  assert.equal(int(await page.textContent('[data-testid="unreachable-count"]')), await unreachableOf("public/examples/leak.heapscope.json.gz"));
  assert.ok(int(await page.textContent('[data-testid="cycle-count"]')) > 0);
  // The first suspect is the leak: the module-level cache holding the requests.
  const first = await page.textContent('[data-testid="suspects"] li .reason');
  assert.match(first, /^`cache` of module `__main__` holds 200 `__main__\.Request` objects/);
  // Its fix, in Python terms, and its retainers one click away.
  // (keyed by request ids: entries made per request, so the fix is to drop each one or bound the dict)
  const fix = await page.textContent('[data-testid="suspects"] li [data-testid="suspect-fix"]');
  assert.match(fix, /^Fix: `cache` gains an entry per `'req-#'` key and never loses one/);
  assert.ok(fix.includes("`cache.pop(key, None)`"), fix);
  assert.ok(await page.$('[data-testid="suspects"] li [data-testid="suspect-retainers"][href^="#/retainers/"]'));
  // Memory by owner: the application, third-party code, the interpreter.
  const owners = await page.texts('[data-testid="owners"] tbody td:first-child');
  assert.deepEqual(owners, ["application", "third-party", "interpreter and standard library"]);
  const top = await page.texts('[data-testid="top-types"] tbody td:first-child');
  assert.ok(top.includes("__main__.Request"), `top types: ${top}`);
  assert.match(await page.textContent('[data-testid="process"]'), /python_version\s*3\.\d+/);
  await shot(page, "overview-leak");
  assert.deepEqual(page.errors, []);
});

test("types: filter, sort, keyboard to instances, inspector and retainers read module → cache → key → object", async () => {
  const page = await AppPage.open(env.browser, env.url);
  await page.example("leak");
  await page.click('[data-testid="tab-types"]');
  await page.waitForSelector('[data-testid="types-table"] tr.vrow');
  // Sorting by count, descending: the first row has the largest count.
  await page.click('[data-testid="sort-count"]');
  const counts = (await page.texts('[data-testid="types-table"] tr.vrow td:nth-child(2)')).map(int);
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
  await page.fill('[data-testid="types-filter"]', "__main__.Req");
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="types-table"] tr.vrow').length === 1);
  assert.equal(await page.textContent('[data-testid="types-table"] tr.vrow td:nth-child(1)'), "__main__.Request");
  assert.equal(int(await page.textContent('[data-testid="types-table"] tr.vrow td:nth-child(2)')), 200);
  await shot(page, "types-filtered");
  // Keyboard: focus the table, Enter opens the selected type's instances.
  await page.focus('[data-testid="types-table"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-testid="instances-table"] tr.vrow td.num');
  assert.match(await page.textContent('[data-testid="instances-count"]'), /^200 instances of __main__\.Request/);
  assert.match(await page.evaluate(() => location.hash), /^#\/instances\/__main__\.Request$/);
  // Largest retained first.
  const retained = await page.$$eval('[data-testid="instances-table"] tr.vrow td:nth-child(4) span', (els) => els.map((e) => Number(e.title.replace(/[^0-9]/g, ""))));
  assert.ok(retained.length >= 2 && retained.every((r, i) => i === 0 || retained[i - 1] >= r), `${retained}`);
  await shot(page, "instances-request");
  await page.click('[data-testid="instances-table"] tr.vrow');
  await page.waitForSelector('[data-testid="object-type"]');
  assert.equal(await page.textContent('[data-testid="object-type"]'), "__main__.Request");
  const referrers = await page.texts('[data-testid="referrers"] td.label');
  assert.ok(referrers.some((l) => /^\['req-\d+'\]$/.test(l)), `referrers: ${referrers}`);
  await shot(page, "inspector-request");

  await page.click('[data-testid="objtab-retainers"]');
  await page.waitForSelector('[data-testid="retainer-label"]');
  // The shortest path is expanded: ['req-N'] in the cache ← ['cache'] in __main__'s dict ← __dict__ of module __main__.
  await page.waitForFunction(() => document.querySelector('[data-testid="retainers-tree"]').textContent.includes("module __main__"));
  const tree = await page.textContent('[data-testid="retainers-tree"]');
  const at = (s) => tree.indexOf(s);
  assert.ok(at("['req-") >= 0 && at("['req-") < at("['cache']") && at("['cache']") < at("__dict__") && at("__dict__") < at("module __main__"), tree.slice(0, 600));
  await shot(page, "retainers-request");
  // Ignoring the cache's reference leaves no strong retainer for this Request.
  await page.click('[data-testid="retainer-row"] >> nth=1 >> [data-testid="ignore-retainer"]');
  await page.waitForSelector('[data-testid="ignored-bar"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="retainers-status"]')?.textContent.startsWith("No root reaches"));

  await page.click('[data-testid="objtab-graph"]');
  await page.waitForSelector('[data-testid="graph-node"]');
  const labels = await page.texts('[data-testid="graph-edge"] text');
  for (const l of ["__dict__", "['cache']"]) assert.ok(labels.includes(l), `edge labels: ${labels}`);
  assert.ok(labels.some((l) => /^\['req-\d+'\]$/.test(l)));
  assert.ok((await page.$$('[data-testid="graph-node"]')).length >= 4);
  await shot(page, "graph-request");
  // Click a node: its inspector opens.
  const node = await page.$('[data-testid="graph-node"].root');
  const id = await node.getAttribute("data-object");
  await node.click();
  await page.waitForFunction((id) => location.hash === `#/object/${id}`, id);
  // Back returns to the graph (the hash holds the view).
  await page.goBack();
  await page.waitForSelector('[data-testid="graph-view"]');
  assert.deepEqual(page.errors, []);
});

test("dominator tree expands with retained-size bars", async () => {
  const page = await AppPage.open(env.browser, env.url);
  await page.example("leak");
  await page.click('[data-testid="tab-dominators"]');
  await page.waitForSelector('[data-testid="dominator-row"]');
  const first = await page.texts('[data-testid="dominator-tree"] > .tree-node > .tree-row');
  assert.ok(first.length > 1);
  // Keyboard, as in a file tree: → expands, ↓ moves to the first child, Enter opens it.
  await page.focus('[data-testid="dominator-row"] >> nth=0');
  await page.keyboard.press("ArrowRight");
  await page.waitForSelector('[data-testid="dominator-tree"] .tree-children [data-testid="dominator-row"]');
  const child = await page.getAttribute('[data-testid="dominator-tree"] .tree-children [data-testid="dominator-row"] >> nth=0', "data-object");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.object), child);
  await shot(page, "dominators");
  await page.keyboard.press("Enter");
  await page.waitForFunction((id) => location.hash === `#/object/${id}`, child);
  // ← collapses again.
  await page.goBack();
  await page.waitForSelector('[data-testid="dominator-row"]');
  await page.focus('[data-testid="dominator-row"] >> nth=0');
  await page.keyboard.press("ArrowRight");
  await page.waitForSelector('[data-testid="dominator-tree"] .tree-children [data-testid="dominator-row"]');
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(() => !document.querySelector('[data-testid="dominator-tree"] .tree-children [data-testid="dominator-row"]'));
});

test("cycles: table, drawing with labeled edges and the reference to break", async () => {
  const page = await AppPage.open(env.browser, env.url);
  await page.example("cycle");
  await page.click('[data-testid="tab-cycles"]');
  await page.waitForSelector('[data-testid="cycle-row"]');
  assert.ok(int(await page.textContent('[data-testid="cycles-count"]')) > 0);
  const states = await page.texts('[data-testid="cycle-row"] td:nth-child(6)');
  assert.ok(states.includes("garbage"), `${states.slice(0, 20)}`);
  // The application's garbage comes first (the core's order): a garbage cycle of Node objects.
  const first = await page.textContent('[data-testid="cycle-row"]');
  assert.ok(first.includes("Node") && first.includes("garbage") && first.includes("application"), first);
  // The filters: garbage only, then interpreter-internal cycles hidden.
  const shown = async () => int(await page.getAttribute('[data-testid="cycles-shown"]', "data-count"));
  const all = await shown();
  await page.click('[data-testid="cycles-garbage-only"]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="cycles-shown"]').dataset.count) < n, all);
  const garbageStates = await page.texts('[data-testid="cycle-row"] td:nth-child(6)');
  assert.ok(garbageStates.length > 0 && garbageStates.every((t) => t === "garbage"), `${garbageStates}`);
  await page.click('[data-testid="cycles-garbage-only"]');
  await page.click('[data-testid="cycles-hide-internal"]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="cycles-shown"]').dataset.count) < n, all);
  const owners = await page.texts('[data-testid="cycle-row"] td:last-child');
  assert.ok(owners.every((t) => t !== "interpreter-internal"), `${owners}`);
  await page.click('[data-testid="cycles-hide-internal"]');
  // Sorting still works: the garbage column, descending.
  await page.click('[data-testid="sort-garbage"]');
  await page.click('[data-testid="sort-garbage"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="cycle-row"] td:nth-child(6)')?.textContent === "garbage");
  // Open the first garbage cycle of Node objects.
  const rows = await page.$$('[data-testid="cycle-row"]');
  let opened = false;
  for (const row of rows) {
    const text = await row.textContent();
    if (text.includes("Node") && text.includes("garbage")) {
      await row.click();
      opened = true;
      break;
    }
  }
  assert.ok(opened, "a garbage cycle of Node objects is listed");
  await page.waitForSelector('[data-testid="cycle-detail"] [data-testid="graph-edge"]');
  assert.ok((await page.$$('[data-testid="cycle-detail"] [data-testid="graph-node"]')).length >= 2);
  // The break names the attribute in Python syntax, and the fix says what to do.
  assert.match(await page.textContent('[data-testid="cycle-suggestion"]'), /^Break Node\.parent from /);
  assert.match(await page.textContent('[data-testid="cycle-fix"]'), /^Fix: make `Node\.parent` a weakref/);
  assert.equal((await page.$$('[data-testid="graph-edge"].marked')).length, 1);
  await shot(page, "cycle-detail");
});

test("compare: two heap snapshots dropped together show what grew", async () => {
  const page = await AppPage.open(env.browser, env.url);
  await page.example("growth");
  await page.click('[data-testid="tab-compare"]');
  await page.waitForSelector('[data-testid="delta-row"]');
  const rows = await page.$$eval('[data-testid="delta-row"]', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const order = rows.find((r) => r[0] === "__main__.Order");
  assert.ok(order, "Order grew");
  assert.deepEqual([Number(order[1].replace(/,/g, "")), Number(order[2].replace(/,/g, "")), order[3]], [100, 1100, "+1000"]);
  assert.match(await page.textContent('[data-testid="compare-caption"]'), /^Since before\.heapscope\.json\.gz/);
  await shot(page, "compare");
});

test("allocations: by line and file, cumulative, compare, flame graph", async () => {
  const page = await AppPage.open(env.browser, env.url);
  await page.example("tracemalloc");
  await page.click('[data-testid="tab-allocations"]');
  await page.waitForSelector('[data-testid="alloc-table"] tbody tr');
  assert.ok(await page.isChecked('[data-testid="alloc-compare"]'));
  const where = await page.texts('[data-testid="alloc-table"] tbody td:first-child');
  assert.ok(where.some((w) => w.includes("growth.py:")), `${where.slice(0, 5)}`);
  await page.selectOption('[data-testid="alloc-grouping"]', "filename");
  // Grouped by file: rows name files, no line numbers.
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('[data-testid="alloc-table"] tbody td:first-child')];
    return cells.length > 0 && cells.every((td) => !/:\d+$/.test(td.textContent));
  });
  assert.ok((await page.texts('[data-testid="alloc-table"] tbody td:first-child')).some((w) => w.endsWith("growth.py")));
  await page.check('[data-testid="alloc-cumulative"]');
  await page.waitForSelector('[data-testid="alloc-table"] tbody tr');
  await page.waitForSelector('[data-testid="flame-graph"] rect');
  // The traceback tree starts at all allocations and names the program's frames.
  const tree = await page.textContent('[data-testid="alloc-tree"]');
  assert.match(tree, /^all allocations — /);
  assert.ok(tree.includes("growth.py:"), tree.slice(0, 300));
  await shot(page, "allocations");
});

test("global search finds objects by description and address", async () => {
  const page = await AppPage.open(env.browser, env.url);
  await page.example("leak");
  await page.keyboard.press("/");
  await page.keyboard.type("req-42");
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-testid="search-results"] tbody tr');
  assert.ok((await page.textContent('[data-testid="search-results"]')).includes("req-42"));
  const address = await page.$eval('[data-testid="search-results"] .object-link .addr', (e) => e.textContent.trim().slice(1));
  await page.fill('[data-testid="global-search"]', address);
  await page.press('[data-testid="global-search"]', "Enter");
  await page.waitForFunction((a) => document.querySelector('[data-testid="search-results"] .addr')?.textContent.includes(a), address);
});

test("snapshot strings are shown as text, never as HTML", async () => {
  const dir = tempDir();
  const path = join(dir, "hostile.heapscope.json");
  const evil = '<img src=x onerror="window.__pwned=1">';
  writeFileSync(path, JSON.stringify({
    format: "heapscope", version: 1,
    process: { python_version: evil },
    heap: { objects: [1, 1, 10, 0, 2, -1, 2, 3, 20, 0, 2, -1], references: [0, 1, 1, 2], roots: [0, 0, 2, 0] },
    strings: ["", "builtins.module", evil, "<b>Type</b>"],
  }));
  const page = await AppPage.open(env.browser, env.url);
  assert.equal(await page.drop(path), "ready");
  await page.click('[data-testid="tab-types"]');
  await page.waitForSelector('[data-testid="types-table"] tr.vrow');
  assert.ok((await page.textContent('[data-testid="types-table"]')).includes("<b>Type</b>"));
  await page.goto(env.url + "#/object/1");
  assert.equal(await page.$('img'), null);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});

test("dark theme follows the system", async () => {
  const context = await env.browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  await AppPage.of(page).visit(env.url);
  const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(bg, "rgb(22, 24, 29)");
  await context.close();
});

test("cancel stops a load and the app stays usable", async () => {
  const page = await AppPage.open(env.browser, env.url);
  const dir = tempDir();
  const path = join(dir, "big.heapscope.json");
  const n = 400_000;
  const objects = [];
  for (let i = 0; i < n; i++) objects.push(i + 1, 1, 64, 0, -1, -1);
  writeFileSync(path, JSON.stringify({ format: "heapscope", version: 1, heap: { objects, references: [], roots: [0, 0, -1, 0] }, strings: ["", "builtins.object"] }));
  // Press Cancel the moment it appears, as an impatient person would, and
  // record every state the page passes through.
  await page.evaluate(() => {
    window.__states = [];
    const app = document.querySelector('[data-testid="app"]');
    new MutationObserver(() => window.__states.push(app.dataset.state)).observe(app, { attributes: true });
    const canceller = new MutationObserver(() => {
      const cancel = document.querySelector('[data-testid="cancel"]');
      if (cancel) {
        canceller.disconnect();
        window.__progress = document.querySelector('[data-testid="progress"] p').textContent;
        cancel.click();
      }
    });
    canceller.observe(app, { subtree: true, childList: true });
  });
  await page.pick(path);
  await page.waitForFunction(() => window.__states.includes("loading") && document.querySelector('[data-testid="app"]').dataset.state === "idle");
  // The worker was replaced (the new one said Ready, the old one is gone):
  // the cancelled file can never finish loading.
  await page.workersReady(2);
  await page.quiet();
  assert.deepEqual(await page.evaluate(() => window.__states.filter((s, i, a) => s !== a[i - 1])), ["loading", "idle"]);
  // The progress line names the file, the phase and the percentage.
  assert.match(await page.evaluate(() => window.__progress), /^Loading big\.heapscope\.json: reading \d+%/);
  assert.equal(await page.example("leak"), "ready");
});

test("a linked list's last node: its path is drawn as its two ends and a gap, its retainers open a level at a time", async () => {
  // A real CPython process: 20,000 nodes, each keeping the one before it;
  // the oldest is 20,000 references from its root (a path that long was laid
  // out and expanded in full: a hang).
  const n = 20_000;
  const path = join(tempDir(), "linked.heapscope.json");
  const script = [
    "import sys, heapscope",
    "class Node:",
    "    def __init__(self, prev):",
    "        self.prev = prev",
    "node = Node(None)",
    "oldest = hex(id(node))",
    `for _ in range(${n}):`,
    "    node = Node(node)",
    "heapscope.dump(sys.argv[1], gzip=False)",
    "print(oldest)",
  ].join("\n");
  const env_ = { ...process.env, PYTHONPATH: resolve("python") };
  const address = execFileSync("python3", ["-c", script, path], { env: env_, encoding: "utf8" }).trim();
  const page = await AppPage.open(env.browser, env.url);
  assert.equal(await page.drop(path), "ready");
  await page.fill('[data-testid="global-search"]', address);
  await page.press('[data-testid="global-search"]', "Enter");
  await page.waitForFunction((a) => document.querySelector('[data-testid="search-results"] .addr')?.textContent.includes(a), address);
  await page.click('[data-testid="search-results"] .object-link');
  await page.waitForSelector('[data-testid="object-type"]');
  assert.equal(await page.textContent('[data-testid="object-type"]'), "__main__.Node");

  await page.click('[data-testid="objtab-graph"]');
  await page.waitForSelector('[data-testid="graph-gap"]');
  // The shortest path alone (others may share its ends).
  await page.selectOption('[data-testid="graph-k"]', "1");
  await page.waitForFunction(() => document.querySelector('[data-testid="graph-caption"]')?.textContent.startsWith("1 path(s)"));
  const gap = await page.textContent('[data-testid="graph-gap"] text');
  const missing = int(gap.match(/^… ([\d,]+) more references …$/)?.[1] ?? "0");
  const edges = await page.texts('[data-testid="graph-edge"] text');
  // The root's end (module, its dict, `node`), the object's end (`.prev` × 24), and the count between.
  assert.ok(edges.includes("['node']"), `edge labels: ${edges}`);
  assert.ok(edges.filter((l) => l === ".prev").length >= 24, `edge labels: ${edges}`);
  assert.ok(missing > n - 40 && missing < n, gap);
  assert.ok((await page.$$('[data-testid="graph-node"]')).length < 40);
  await shot(page, "graph-linked-list");

  // The retainers tree expands the object's end of the path, not 20,000 levels.
  await page.click('[data-testid="objtab-retainers"]');
  await page.waitForSelector('[data-testid="retainer-label"]');
  await page.quiet();
  const rows = (await page.$$('[data-testid="retainer-row"]')).length;
  assert.ok(rows > 20 && rows < 60, `${rows} rows`);
  // Every reference of the path is either drawn or counted in the gap.
  const distance = int((await page.textContent('[data-testid="retainer-row"]')).match(/distance ([\d,]+)/)[1]);
  assert.equal(missing + edges.length, distance);
  assert.deepEqual(page.errors, []);
});

test("a types table of 100,000 rows stays virtualized and scrolls to its end", async () => {
  const dir = tempDir();
  const path = join(dir, "many-types.heapscope.json");
  const n = 100_000;
  const objects = [];
  const roots = [];
  const strings = [""];
  for (let i = 0; i < n; i++) {
    strings.push(`app.models.Type${String(i).padStart(6, "0")}`);
    objects.push(i + 1, i + 1, 100 + i, 0, -1, -1);
    roots.push(i, 3, -1, 1); // every object held natively: each retains itself
  }
  writeFileSync(path, JSON.stringify({ format: "heapscope", version: 1, heap: { objects, references: [], roots }, strings }));
  const page = await AppPage.open(env.browser, env.url);
  await page.pick(path);
  assert.equal(await page.settled(), "ready");
  await page.click('[data-testid="tab-types"]');
  await page.waitForSelector('[data-testid="types-table"] tr.vrow');
  assert.equal(await page.textContent('[data-testid="types-count"]'), "100,000 rows");
  const rendered = (await page.$$('[data-testid="types-table"] tr.vrow')).length;
  assert.ok(rendered < 100, `${rendered} rows in the DOM`);
  // Sorted by retained size (descending): the last row is the smallest type.
  await page.$eval('[data-testid="types-table"]', (el) => (el.scrollTop = el.scrollHeight));
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="types-table"] tr.vrow td:first-child')].some((td) => td.textContent === "app.models.Type000000"));
  // End/Home keys move the selection through all rows.
  await page.focus('[data-testid="types-table"]');
  await page.keyboard.press("Home");
  await page.waitForFunction(() => document.querySelector('[data-testid="types-table"] tr.selected td')?.textContent === "app.models.Type099999");
  await shot(page, "types-100k");
});
