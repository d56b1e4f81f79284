// What grows: the Timeline of a memory_profiler run, its @profile Line
// report, and the Growth view of a three-snapshot series — the bundled
// examples (public/examples, made by python/examples/make_examples.py),
// checked against the files themselves.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { ARTIFACTS, launch, tempDir } from "./harness.mjs";
import { AppPage } from "./app-page.mjs";

let env;
before(async () => (env = await launch()));
after(async () => env?.close());

const shot = (page, name) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
const hash = (page) => page.evaluate(() => location.hash);

/** The `MEM` samples of an mprof file: [seconds after the first, MiB]. */
function memSamples(path) {
  const mem = readFileSync(path, "utf8").split("\n").filter((l) => l.startsWith("MEM ")).map((l) => l.split(/\s+/).slice(1, 3).map(Number));
  return mem.map(([mib, t]) => [t - mem[0][1], mib]);
}

/** The vertices of an SVG path drawn by the chart ("M x y L x y …"). */
const vertices = (d) => [...d.matchAll(/[ML]([-\d.]+) ([-\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);

/** Client coordinates of a point of the chart's drawing (viewBox 800×300, stretched). */
async function clientPoint(page, [x, y]) {
  const box = await page.locator('[data-testid="chart-svg"]').boundingBox();
  return [box.x + (x * box.width) / 800, box.y + (y * box.height) / 300];
}

test("timeline: one point per MEM line, hover reads the file's values, calls as brackets, zoom and pan", async () => {
  const page = await AppPage.open(env.browser, env.url);
  assert.equal(await page.example("mprof"), "ready");
  assert.equal(await hash(page), "#/timeline");
  await page.waitForSelector('[data-testid="chart-line"]');
  const samples = memSamples("public/examples/mprofile-leak.dat");
  const line = page.locator('[data-testid="chart-line"]').first();
  assert.equal(Number(await line.getAttribute("data-points")), samples.length);
  const drawn = vertices(await line.getAttribute("d"));
  assert.equal(drawn.length, samples.length);
  const funcs = readFileSync("public/examples/mprofile-leak.dat", "utf8").split("\n").filter((l) => l.startsWith("FUNC ")).length;
  assert.equal(await page.locator('[data-testid="func-bracket"]').count(), funcs);
  const peak = Math.max(...samples.map(([, m]) => m));
  assert.match(await page.textContent('[data-testid="run-peak"]'), new RegExp(`^peak ${peak.toFixed(2)} MiB`));
  assert.ok(await page.$('[data-testid="peak-mark"]'));
  assert.ok(await page.$('[data-testid="chart-slope"]'));
  // Hover over each drawn point: the readout is that sample of the file.
  for (const i of [0, 4, samples.indexOf(samples.find(([, m]) => m === peak)), samples.length - 1]) {
    const [x, y] = await clientPoint(page, drawn[i]);
    await page.mouse.move(x, y);
    const readout = page.locator(`[data-testid="chart-hover"][data-index="${i}"]`);
    await readout.waitFor();
    assert.equal(Number(await readout.getAttribute("data-y")), samples[i][1], `sample ${i}`);
    assert.ok(Math.abs(Number(await readout.getAttribute("data-x")) - samples[i][0]) < 1e-6, `time of sample ${i}`);
    assert.match(await readout.textContent(), new RegExp(`${samples[i][0].toFixed(2)} s, [\\d.]+ MiB$`));
  }
  // Zoom and pan: buttons, keyboard, wheel and drag change the range in view.
  const range = async () => [Number(await page.getAttribute('[data-testid="chart-svg"]', "data-x0")), Number(await page.getAttribute('[data-testid="chart-svg"]', "data-x1"))];
  const [full0, full1] = await range();
  await page.click('[data-testid="chart-zoom-in"]');
  await page.waitForFunction((w) => { const s = document.querySelector('[data-testid="chart-svg"]'); return s.dataset.x1 - s.dataset.x0 < w; }, full1 - full0);
  const [z0, z1] = await range();
  await page.click('[data-testid="chart-right"]');
  await page.waitForFunction((x0) => Number(document.querySelector('[data-testid="chart-svg"]').dataset.x0) > x0, z0);
  await page.focus('[data-testid="chart-svg"]');
  await page.keyboard.press("0");
  await page.waitForFunction(([a, b]) => { const s = document.querySelector('[data-testid="chart-svg"]'); return Number(s.dataset.x0) === a && Number(s.dataset.x1) === b; }, [full0, full1]);
  const [cx, cy] = await clientPoint(page, [400, 150]);
  await page.mouse.move(cx, cy);
  await page.mouse.wheel(0, -200);
  await page.waitForFunction((w) => { const s = document.querySelector('[data-testid="chart-svg"]'); return s.dataset.x1 - s.dataset.x0 < w; }, full1 - full0);
  const [w0] = await range();
  await page.mouse.down();
  await page.mouse.move(cx - 200, cy);
  await page.mouse.up();
  await page.waitForFunction((x0) => Number(document.querySelector('[data-testid="chart-svg"]').dataset.x0) > x0, w0);
  assert.ok(z1 - z0 < full1 - full0);
  await shot(page, "timeline");
  assert.deepEqual(page.errors, []);
});

/** Rows of an @profile report that ran (not the decorator or def lines): [line, increment MiB]. */
function reportRows(path) {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((l) => l.match(/^\s*(\d+)\s+[\d.]+ MiB\s+([-\d.]+) MiB\s+\d+\s{3}(.*)$/))
    .filter((m) => m && !/^\s*(@|def )/.test(m[3]))
    .map((m) => [Number(m[1]), Number(m[2])]);
}

test("line report: the lines that grew most first, per function tables sortable by increment with bars", async () => {
  const page = await AppPage.open(env.browser, env.url);
  assert.equal(await page.example("profile"), "ready");
  assert.equal(await hash(page), "#/lines");
  await page.waitForSelector('[data-testid="grew-row"]');
  const rows = reportRows("public/examples/profile-leak.txt");
  const expected = [...rows].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([line]) => line);
  const listed = (await page.texts('[data-testid="grew-row"] td:first-child')).map((t) => Number(t.split(":").pop()));
  assert.deepEqual(listed, expected);
  assert.deepEqual(await page.$$eval('[data-testid="line-table"]', (ts) => ts.map((t) => t.dataset.function)), ["load_batch", "main"]);
  const table = page.locator('[data-testid="line-table"]').first();
  const lines = () => table.locator('[data-testid="line-row"]').evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.line)));
  assert.deepEqual(await lines(), [10, 11, 12, 13, 14, 15], "source order first");
  await table.locator('[data-testid="sort-increment"]').click();
  // Largest increment first (the decorator line carries the memory at entry), lines that did not run last.
  await page.waitForSelector('[data-testid="line-table"] th[aria-sort="descending"]');
  assert.deepEqual(await lines(), [10, 12, 14, 13, 15, 11]);
  const increments = await table.locator('[data-testid="line-row"]').evaluateAll((trs) => trs.map((tr) => tr.dataset.increment).filter((x) => x !== "").map(Number));
  assert.deepEqual(increments, [...increments].sort((a, b) => b - a));
  await table.locator('[data-testid="sort-increment"]').click();
  await page.waitForSelector('[data-testid="line-table"] th[aria-sort="ascending"]');
  assert.deepEqual(await lines(), [13, 15, 14, 12, 10, 11]);
  // The bar of the largest increment of the report is full width.
  const largest = Math.max(...readFileSync("public/examples/profile-leak.txt", "utf8").split("\n").map((l) => l.match(/MiB\s+([-\d.]+) MiB/)).filter(Boolean).map((m) => Number(m[1])));
  const widths = await page.$$eval('[data-testid="line-row"]', (trs) => trs.map((tr) => [Number(tr.dataset.increment), tr.querySelector(".bar").style.width]));
  assert.deepEqual(widths.filter(([inc]) => inc === largest).map(([, w]) => w), ["100%"]);
  await shot(page, "line-report");
  assert.deepEqual(page.errors, []);
});

test("growth: the leaking holder first; points open a snapshot, segments the growth between two; deep links", async () => {
  const page = await AppPage.open(env.browser, env.url);
  assert.equal(await page.example("series"), "ready");
  assert.equal(await hash(page), "#/growth");
  await page.waitForSelector('[data-testid="holder-row"]');
  assert.equal(await page.textContent('[data-testid="holder-row"] [data-testid="holder-name"]'), "EventBus.handlers");
  assert.equal(await page.textContent('[data-testid="holder-row"] [data-testid="holder-lengths"]'), "300 → 600 → 900");
  assert.match(await page.textContent('[data-testid="growth-findings"] li .reason'), /^`EventBus\.handlers` \(list\): 300 → 600 → 900 bound methods/);
  assert.match(await page.textContent('[data-testid="holder-fix"]'), /^unsubscribe/);
  assert.ok((await page.locator('[data-testid="sparkline"]').count()) > 0);
  const heapLine = page.locator('[data-testid="chart-line"][data-label="heap total"]');
  assert.equal(await heapLine.getAttribute("data-points"), "3");
  await shot(page, "growth");
  // Tables sort by the column clicked (the worker's ranking until then).
  await page.click('[data-testid="growing-holders"] [data-testid="sort-holder"]');
  await page.waitForSelector('[data-testid="growing-holders"] th[aria-sort="ascending"]');
  const names = await page.texts('[data-testid="holder-name"]');
  assert.deepEqual(names, [...names].sort());
  await page.click('[data-testid="type-growth"] [data-testid="sort-count growth"]');
  await page.waitForSelector('[data-testid="type-growth"] th[aria-sort="descending"]');
  const growths = (await page.texts('[data-testid="type-row"] td:nth-child(4)')).map(Number);
  assert.ok(growths.length > 1);
  assert.deepEqual(growths, [...growths].sort((a, b) => b - a));
  // A survivor's representative opens in the retainer graph.
  await page.click('[data-testid="survivor-row"] [data-testid="survivor-graph"]');
  await page.waitForSelector('[data-testid="graph-node"]');
  assert.match(await hash(page), /^#\/graph\/\d+$/);
  // A segment of the series: the growth between its two ends.
  await page.evaluate(() => (location.hash = "#/growth"));
  await page.waitForSelector('[data-testid="chart-segment"]');
  await page.locator('[data-testid="chart-segment"][data-index="1"]').dispatchEvent("click");
  await page.waitForFunction(() => location.hash === "#/growth/2-3");
  await page.waitForSelector('[data-testid="growth-caption"]:has-text("from snapshot 2 to snapshot 3")');
  await page.waitForSelector('[data-testid="holder-lengths"]:has-text("600 → 900")');
  // A point: that snapshot is explored (its overview, Compare against the one before).
  await page.locator('[data-testid="chart-point"][data-index="0"]').dispatchEvent("click");
  await page.waitForFunction(() => location.hash === "#/overview");
  await page.waitForSelector('[data-testid="overview"]');
  await page.quiet();
  assert.equal(await page.$('[data-testid="tab-compare"]'), null, "no snapshot before the first");
  // Deep links.
  await page.evaluate(() => (location.hash = "#/growth/1-2"));
  await page.waitForSelector('[data-testid="growth-caption"]:has-text("from snapshot 1 to snapshot 2")');
  await page.waitForSelector('[data-testid="holder-lengths"]:has-text("300 → 600")');
  await page.evaluate(() => (location.hash = "#/snapshot/3"));
  await page.waitForFunction(() => location.hash === "#/overview");
  await page.waitForSelector('[data-testid="tab-compare"]');
  assert.deepEqual(page.errors, []);
});

test("dropping memory_profiler files: two runs overlaid and an @profile text, detected by content", async () => {
  const second = join(tempDir(), "run-2.txt");
  copyFileSync("public/examples/mprofile-leak.dat", second);
  const page = await AppPage.open(env.browser, env.url);
  assert.equal(await page.drop(["public/examples/mprofile-leak.dat", second, "public/examples/profile-leak.txt"], { type: "text/plain" }), "ready");
  assert.equal(await hash(page), "#/timeline");
  await page.waitForSelector('[data-testid="chart-line"]');
  const samples = memSamples("public/examples/mprofile-leak.dat").length;
  const lines = await page.$$eval('[data-testid="chart-line"]', (ps) => ps.map((p) => [p.dataset.label, Number(p.dataset.points)]));
  assert.deepEqual(lines, [["mprofile-leak.dat", samples], ["run-2.txt", samples]]);
  assert.equal(await page.locator('[data-testid="run"]').count(), 2);
  await page.click('[data-testid="tab-lines"]');
  await page.waitForSelector('[data-testid="grew-row"]');
  assert.deepEqual(page.errors, []);
});

test("opening a folder of snapshots of one process shows what grows", async () => {
  const dir = join(tempDir(), "dumps");
  mkdirSync(dir);
  for (const k of [1, 2, 3]) copyFileSync(`public/examples/service-${k}.heapscope.json.gz`, join(dir, `service-${k}.heapscope.json.gz`));
  const page = await AppPage.open(env.browser, env.url);
  await page.setInputFiles('[data-testid="folder-input"]', dir);
  assert.equal(await page.settled(), "ready");
  assert.equal(await hash(page), "#/growth");
  await page.waitForSelector('[data-testid="holder-row"]');
  assert.equal(await page.textContent('[data-testid="holder-row"] [data-testid="holder-name"]'), "EventBus.handlers");
  assert.deepEqual(page.errors, []);
});

test("dropping a folder (read through the entries API) opens its snapshots as a series in dump order", async () => {
  // The series as `heapscope.watch()` names it, all three dumped within one
  // second: by name `-10-` and `-11-` come before `-9-`; the dump sequence
  // numbers order them. One sits in a subfolder; a hidden file is left out.
  const dir = join(tempDir(), "folder-drop");
  mkdirSync(dir);
  const files = {};
  for (const [k, seq] of [[1, 9], [2, 10], [3, 11]]) {
    const doc = JSON.parse(gunzipSync(readFileSync(`public/examples/service-${k}.heapscope.json.gz`)).toString("utf8"));
    doc.process.time = "2026-11-26T21:06:06Z";
    doc.process.process = { sequence: seq };
    const name = `heapscope-10226-${seq}-20261126T210606Z.heapscope.json`;
    writeFileSync(join(dir, name), JSON.stringify(doc));
    files[seq === 11 ? `later/${name}` : name] = join(dir, name);
  }
  writeFileSync(join(dir, ".DS_Store"), "not a snapshot");
  files[".DS_Store"] = join(dir, ".DS_Store");
  const page = await AppPage.open(env.browser, env.url);
  assert.equal(await page.dropFolder("dumps", files), "ready");
  assert.equal(await hash(page), "#/growth");
  await page.waitForSelector('[data-testid="holder-row"]');
  assert.equal(await page.textContent('[data-testid="holder-row"] [data-testid="holder-lengths"]'), "300 → 600 → 900");
  assert.match(
    await page.textContent('[data-testid="growth-caption"]'),
    /snapshot 1 to snapshot 3 of 3 \(dumps\/heapscope-10226-9-\S+ → dumps\/later\/heapscope-10226-11-\S+\)/,
  );
  assert.equal(await page.locator('[data-testid="chart-line"][data-label="heap total"]').getAttribute("data-points"), "3");
  assert.deepEqual(page.errors, []);
});
