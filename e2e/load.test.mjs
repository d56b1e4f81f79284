// Loading files as a person would: drop, pick, example; bad files; recovery.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, tempDir, countsOf, fmt, launch } from "./harness.mjs";
import { AppPage } from "./app-page.mjs";

const LEAK = "public/examples/leak.heapscope.json.gz";
let env;
before(async () => (env = await launch()));
after(async () => env?.close());

async function assertCounts(page, path) {
  const want = await countsOf(path);
  assert.equal(await page.textContent('[data-testid="object-count"]'), fmt(want.objects));
  assert.equal(await page.textContent('[data-testid="reference-count"]'), fmt(want.references));
  const title = await page.getAttribute('[data-testid="total-size"]', "title");
  assert.equal(title, `${fmt(want.size)} bytes`);
}

test("dropping a snapshot shows its object, reference and size totals", async () => {
  const page = await AppPage.open(env.browser, env.url);
  assert.equal(await page.drop(LEAK), "ready");
  await assertCounts(page, LEAK);
  await page.screenshot({ path: `${ARTIFACTS}/drop-leak.png`, fullPage: true });
  assert.deepEqual(page.errors, []);
});

test("the file picker loads a snapshot", async () => {
  const page = await AppPage.open(env.browser, env.url);
  await page.pick(LEAK);
  assert.equal(await page.settled(), "ready");
  await assertCounts(page, LEAK);
});

test("'Try an example' loads the bundled leak example", async () => {
  const page = await AppPage.open(env.browser, env.url);
  await page.click('[data-testid="example-leak"]');
  assert.equal(await page.settled(), "ready");
  await assertCounts(page, LEAK);
  assert.ok((await page.textContent('[data-testid="top-types"]')).includes("builtins."));
});

test("bad files show what is wrong and where, and the next file loads", async () => {
  const dir = tempDir();
  const png = join(dir, "picture.png");
  writeFileSync(png, Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"));
  const truncated = join(dir, "truncated.json");
  writeFileSync(truncated, '{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2,');
  const empty = join(dir, "empty.json");
  writeFileSync(empty, "");

  const page = await AppPage.open(env.browser, env.url);
  const cases = [
    [png, /picture\.png could not be opened: this is a PNG image/],
    [truncated, /truncated\.json could not be opened: the file ends too early.*line 1, column \d+/],
    [empty, /empty\.json could not be opened: the file is empty/],
  ];
  for (const [path, message] of cases) {
    assert.equal(await page.drop(path), "error");
    assert.match(await page.textContent('[data-testid="error-message"]'), message);
  }
  await page.screenshot({ path: `${ARTIFACTS}/error-truncated.png`, fullPage: true });
  assert.equal(await page.drop(LEAK), "ready");
  await assertCounts(page, LEAK);
  assert.deepEqual(page.errors, []);
});

test("dropping two files where one is bad opens the good one and names the bad one", async () => {
  const dir = tempDir();
  const bad = join(dir, "broken.json");
  writeFileSync(bad, '{"format": "heapscope", "version": 1, "heap": {"objects": [1, 2,');
  for (const files of [[LEAK, bad], [bad, LEAK]]) {
    const page = await AppPage.open(env.browser, env.url);
    assert.equal(await page.drop(files), "ready", `order ${files}`);
    await assertCounts(page, LEAK);
    assert.match(await page.textContent('[data-testid="load-warning"]'), /broken\.json could not be opened: the file ends too early/);
    assert.equal(await page.getAttribute('[data-testid="load-warning"] li', "data-file"), "broken.json");
    assert.deepEqual(page.errors, []);
  }
});

test("a tracemalloc pickle from Snapshot.dump() opens in Allocations", async () => {
  const page = await AppPage.open(env.browser, env.url);
  assert.equal(await page.drop("crates/core/tests/data/tm_after.pickle", { type: "application/octet-stream" }), "ready");
  assert.match(await page.textContent('[data-testid="load-stats"]'), /^tracemalloc pickle/);
  assert.ok(Number((await page.textContent('[data-testid="trace-count"]')).replace(/,/g, "")) > 0);
  await page.click('[data-testid="tab-allocations"]');
  await page.waitForSelector('[data-testid="alloc-table"] tbody tr');
  assert.equal(await page.$('[data-testid="tab-types"]'), null, "no heap views for traces alone");
});

test("a hand-written JSON object list opens and its counts are right", async () => {
  const dir = tempDir();
  const path = join(dir, "objects.json");
  writeFileSync(path, JSON.stringify([
    { id: 1, type: "dict", size: 232, referents: [2, 3] },
    { id: 2, type: "Request", size: 56, referents: [3], repr: "<Request 1>" },
    { id: 3, type: "bytes", size: 1033, referents: [] },
  ]));
  const page = await AppPage.open(env.browser, env.url);
  assert.equal(await page.drop(path), "ready");
  assert.equal(await page.textContent('[data-testid="object-count"]'), "3");
  assert.equal(await page.textContent('[data-testid="reference-count"]'), "3");
  assert.equal(await page.getAttribute('[data-testid="total-size"]', "title"), "1,321 bytes");
});
