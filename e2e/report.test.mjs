// `heapscope report` (python/heapscope/_report.py): one HTML file with the
// app, its worker and the snapshot embedded. Opened from file:// with the
// network off it goes straight into the Overview — no drop, no server — and
// shows the same numbers and suspects as the native CLI's `--json` answers
// for the same file (the app's worker and the CLI share the core; this
// checks they agree end to end). A series opens into the Growth view.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { ARTIFACTS, CHROMIUM_ARGS, fmt, tempDir } from "./harness.mjs";
import { AppPage } from "./app-page.mjs";

const APP_HTML = "dist-single/heapscope.html";

function heapscope(args, cwd) {
  // The Python launcher (exporter commands, report) with the checkout's CLI for the analyses.
  const env = { ...process.env, PYTHONPATH: resolve("python"), HEAPSCOPE_APP_HTML: resolve(APP_HTML) };
  return execFileSync("python3", ["-m", "heapscope", ...args], { cwd, env, encoding: "utf8" });
}

function cli(args) {
  return JSON.parse(execFileSync("cargo", ["run", "-q", "-p", "heapscope-cli", "--", "--json", ...args], { encoding: "utf8" }));
}

async function openReport(file, check) {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ offline: true });
    const requests = [];
    context.on("request", (r) => requests.push(r.url()));
    const page = AppPage.of(await context.newPage());
    const url = pathToFileURL(file).href;
    assert.equal(await page.openReport(url), "ready");
    await check(page);
    for (const r of requests) {
      assert.ok(r === url || r.startsWith("blob:") || r.startsWith("data:"), `unexpected request: ${r.slice(0, 100)}`);
    }
    assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
  }
}

function packed() {
  if (!existsSync(APP_HTML) || statSync(APP_HTML).mtimeMs < statSync("dist/index.html").mtimeMs) {
    execFileSync("cargo", ["xtask", "single-file", "--from", "dist"], { stdio: "inherit" });
  }
}

test("heapscope report: r.html opens from file:// into the Overview with the CLI's suspects and numbers", async () => {
  packed();
  const dir = tempDir();
  heapscope(["run", resolve("python/examples/leak.py"), "--out", "x.json"], dir);
  heapscope(["report", "x.json", "-o", "r.html"], dir);
  const x = join(dir, "x.json");
  const suspects = cli(["suspects", x]);
  const summary = cli(["summary", x]);
  assert.ok(suspects.length > 0);
  await openReport(join(dir, "r.html"), async (page) => {
    // The Overview, with no drop: the file name, the totals, the suspects.
    assert.equal(await page.textContent('[data-testid="file-name"]'), "x.json");
    assert.equal(await page.textContent('[data-testid="object-count"]'), fmt(summary.heap.objects));
    assert.equal(await page.textContent('[data-testid="reference-count"]'), fmt(summary.heap.references));
    assert.equal(await page.textContent('[data-testid="root-count"]'), fmt(summary.heap.roots));
    await page.waitForSelector('[data-testid="suspects"] li');
    assert.equal(await page.textContent('[data-testid="unreachable-count"]'), fmt(summary.heap.unreachable_objects));
    assert.equal(await page.textContent('[data-testid="cycle-count"]'), fmt(summary.heap.cycles));
    const reasons = await page.texts('[data-testid="suspects"] li .reason');
    const fixes = await page.texts('[data-testid="suspects"] li [data-testid="suspect-fix"]');
    assert.ok(reasons.length > 0);
    assert.deepEqual(reasons, suspects.slice(0, reasons.length).map((s) => s.reason));
    assert.deepEqual(fixes, suspects.slice(0, fixes.length).map((s) => `Fix: ${s.fix}`));
    assert.match(reasons[0], /^`cache` of module `__main__` holds 200 `__main__\.Request` objects/);
    await page.screenshot({ path: `${ARTIFACTS}/report.png`, fullPage: true });
  });
});

test("heapscope report of a series opens every snapshot into the Growth view", async () => {
  packed();
  const dir = tempDir();
  const series = [1, 2, 3].map((n) => resolve(`public/examples/service-${n}.heapscope.json.gz`));
  heapscope(["report", ...series, "-o", "series.html"], dir);
  await openReport(join(dir, "series.html"), async (page) => {
    // A series lands where it is read, as a dropped one does: the Growth view, its leak first.
    await page.waitForSelector('[data-testid="growth-view"]');
    assert.match(await page.evaluate(() => location.hash), /^#\/growth/);
    await page.waitForSelector('[data-testid="growth-findings"] li');
    assert.match(await page.textContent('[data-testid="growth-findings"] li .reason'), /^`EventBus\.handlers` \(list\)/);
  });
});
