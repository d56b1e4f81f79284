// Loading files as a person would: drop, pick, example; bad files; recovery.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { statSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
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

/** A chain of `n` objects as a plain v1 file; its text and total size. */
function chainDoc(n) {
  const objects = [];
  const references = [];
  let size = 0;
  for (let i = 0; i < n; i++) {
    objects.push(i + 1, 1, 16 + (i % 5), 0, -1, -1);
    size += 16 + (i % 5);
    if (i > 0) references.push(i - 1, i, 2, -1);
  }
  const text = JSON.stringify({ format: "heapscope", version: 1, heap: { objects, references, roots: [0, 0, -1, 0] }, strings: ["", "builtins.dict"] });
  return { text, size };
}

test("a file dropped while another loads is opened after it, alone", async () => {
  // The worker reads a file to its end before it sees the next message:
  // the first load finishes (its answer is ignored), then the second opens.
  const path = join(tempDir(), "big.heapscope.json");
  writeFileSync(path, chainDoc(150_000).text);
  const page = await AppPage.openRecordingWorkers(env.browser, env.url);
  assert.equal(await page.dropDuringLoad(path, LEAK), "ready");
  const loaded = (await page.workerMessages()).filter((m) => m.type === "Loaded").map((m) => m.summary.file_name);
  assert.deepEqual(loaded, ["big.heapscope.json", "leak.heapscope.json.gz"], "both loads ran, in order");
  await assertCounts(page, LEAK);
  assert.equal(await page.textContent('[data-testid="file-name"]'), "leak.heapscope.json.gz");
  assert.equal(await page.$('[data-testid="open-files"]'), null, "the second batch replaced the first");
  assert.deepEqual(page.errors, []);
});

test("a plain and a gzip snapshot are read as they are parsed: progress rises to the file's size, then it opens", async () => {
  // 150,000 objects in a chain: a plain file of a few MiB, so progress has steps on the way.
  const n = 150_000;
  const { text, size } = chainDoc(n);
  const dir = tempDir();
  const plain = join(dir, "chain.heapscope.json");
  writeFileSync(plain, text);
  const gz = join(dir, "chain.heapscope.json.gz");
  writeFileSync(gz, gzipSync(text));
  const page = await AppPage.openRecordingWorkers(env.browser, env.url);
  for (const path of [plain, gz, LEAK]) {
    await page.workerMessages();
    assert.equal(await page.drop(path), "ready", path);
    const total = statSync(path).size;
    const messages = await page.workerMessages();
    const loaded = messages.find((m) => m.type === "Loaded");
    assert.ok(loaded, `${path}: ${JSON.stringify(messages.map((m) => m.type))}`);
    const progress = messages.filter((m) => m.type === "Progress" && m.request === loaded.request);
    const parsing = progress.filter((m) => m.phase === "Parsing");
    assert.ok(parsing.every((m) => m.total_bytes === total), path);
    const done = parsing.map((m) => m.done_bytes);
    assert.equal(done[0], 0, path);
    assert.equal(done.at(-1), total, `${path}: read to its end`);
    assert.ok(done.every((d, i) => i === 0 || d > done[i - 1]), `${path}: never back: ${done}`);
    if (path === plain) assert.ok(done.length > 3, `progress on the way through ${total} bytes: ${done}`);
    assert.equal(progress.at(-1).phase, "Analysing", path);
    if (path !== LEAK) {
      assert.equal(await page.textContent('[data-testid="object-count"]'), fmt(n), path);
      assert.equal(await page.getAttribute('[data-testid="total-size"]', "title"), `${fmt(size)} bytes`, path);
    } else {
      await assertCounts(page, LEAK);
    }
  }
  assert.deepEqual(page.errors, []);
});
