// The single-file build (`cargo xtask single-file` → dist-single/heapscope.html):
// opened from file:// with the network off, it loads and analyses a snapshot
// and requests nothing but itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { ARTIFACTS, CHROMIUM_ARGS, countsOf, fmt } from "./harness.mjs";
import { AppPage } from "./app-page.mjs";

const FILE = "dist-single/heapscope.html";
const LEAK = "public/examples/leak.heapscope.json.gz";

test("the single-file build works from file:// with no server and no network", async () => {
  // `cargo xtask test` packs it before the e2e step; pack it here when missing or older than dist/.
  if (!existsSync(FILE) || statSync(FILE).mtimeMs < statSync("dist/index.html").mtimeMs) {
    execFileSync("cargo", ["xtask", "single-file", "--from", "dist"], { stdio: "inherit" });
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ offline: true });
    const requests = [];
    context.on("request", (r) => requests.push(r.url()));
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const url = pathToFileURL(resolve(FILE)).href;
    await AppPage.of(page).visit(url);
    assert.equal(await page.evaluate(() => typeof globalThis.__HEAPSCOPE_WORKER_URL__), "string");

    assert.equal(await AppPage.of(page).drop(LEAK), "ready");
    const want = await countsOf(LEAK);
    assert.equal(await page.textContent('[data-testid="object-count"]'), fmt(want.objects));
    assert.equal(await page.textContent('[data-testid="reference-count"]'), fmt(want.references));
    await page.screenshot({ path: `${ARTIFACTS}/single-file.png`, fullPage: true });

    // The examples cannot be fetched from file://: their buttons are hidden.
    for (const example of await page.locator('[data-testid^="example-"]').all()) {
      assert.equal(await example.isVisible(), false);
    }
    for (const r of requests) {
      assert.ok(r === url || r.startsWith("blob:") || r.startsWith("data:"), `unexpected request: ${r.slice(0, 100)}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
