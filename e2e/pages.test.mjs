// Static hosting as on GitHub Pages: the same dist/ served under a sub-path
// (/heapscope/), installable (manifest + icons) and usable offline after one
// visit (service worker).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { countsOf, fmt, launch } from "./harness.mjs";
import { AppPage } from "./app-page.mjs";
import { startServer } from "./serve.mjs";

const BASE = "/heapscope/";
const LEAK = "public/examples/leak.heapscope.json.gz";
const IDLE = '[data-testid="app"][data-state="idle"]';
let env;
before(async () => (env = await launch({ base: BASE })));
after(async () => env?.close());

async function assertObjectCount(page, path) {
  assert.equal(await page.textContent('[data-testid="object-count"]'), fmt((await countsOf(path)).objects));
}

test("under a sub-path every asset resolves there and a dropped snapshot is analysed", async () => {
  const context = await env.browser.newContext();
  const requests = [];
  const failures = [];
  context.on("request", (r) => requests.push(r.url()));
  context.on("requestfailed", (r) => failures.push(`${r.url()}: ${r.failure()?.errorText}`));
  context.on("response", (r) => r.status() >= 400 && failures.push(`${r.url()}: HTTP ${r.status()}`));
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await AppPage.of(page).visit(env.url);
    assert.equal(await page.evaluate(() => document.baseURI), env.url);

    // The bundled examples resolve under the sub-path too (clicked while idle:
    // an example is fetched before the state changes).
    const example = page.locator('[data-testid^="example-"]').first();
    if (await example.count()) {
      await example.click();
      assert.equal(await AppPage.of(page).settled(), "ready");
    }
    assert.equal(await AppPage.of(page).drop(LEAK), "ready");
    await assertObjectCount(page, LEAK);
    assert.deepEqual(failures, []);
    for (const url of requests) assert.ok(url.startsWith(env.url), `${url} is outside ${env.url}`);
    assert.ok(requests.some((u) => u.endsWith("worker_bg.wasm")), "the worker's wasm was loaded");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the web app manifest is linked, parses, and its icons load at their sizes", async () => {
  const page = await AppPage.open(env.browser, env.url);
  const href = await page.$eval('link[rel="manifest"]', (l) => l.href);
  assert.equal(href, `${env.url}manifest.webmanifest`);
  const got = await page.evaluate(async (href) => {
    const response = await fetch(href);
    const manifest = await response.json();
    const icons = [];
    for (const icon of manifest.icons) {
      const url = new URL(icon.src, href);
      const r = await fetch(url);
      const bitmap = await createImageBitmap(await r.blob());
      icons.push({ url: url.href, status: r.status, type: r.headers.get("content-type"), sizes: icon.sizes, purpose: icon.purpose ?? "any", size: `${bitmap.width}x${bitmap.height}` });
    }
    return { type: response.headers.get("content-type"), manifest, icons, start: new URL(manifest.start_url, href).href, scope: new URL(manifest.scope, href).href };
  }, href);
  assert.equal(got.type, "application/manifest+json");
  assert.equal(got.manifest.short_name, "heapscope");
  assert.equal(got.manifest.display, "standalone");
  assert.equal(got.start, env.url);
  assert.equal(got.scope, env.url);
  for (const icon of got.icons) {
    assert.equal(icon.status, 200, icon.url);
    assert.equal(icon.type, "image/png", icon.url);
    assert.equal(icon.size, icon.sizes, icon.url);
  }
  const anySizes = got.icons.filter((i) => i.purpose.split(" ").includes("any")).map((i) => i.sizes);
  assert.ok(anySizes.includes("192x192") && anySizes.includes("512x512"), `icons: ${anySizes}`);
  const favicon = await page.$eval('link[rel="icon"]', (l) => l.href);
  assert.ok(got.icons.some((i) => i.url === favicon));
  await page.context().close();
});

test("after one visit the app opens and analyses a file with the server gone and the network off", async () => {
  // A server of its own, so it can be shut down.
  const { server, url } = await startServer({ dir: "dist", base: BASE });
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await AppPage.of(page).visit(url);
    const sw = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((ok) => navigator.serviceWorker.addEventListener("controllerchange", ok, { once: true }));
      }
      return { scope: registration.scope, caches: await caches.keys(), controlled: !!navigator.serviceWorker.controller };
    });
    assert.equal(sw.scope, url);
    assert.ok(sw.controlled);
    assert.equal(sw.caches.length, 1);
    assert.match(sw.caches[0], /^heapscope-[0-9a-f]{16}$/, "sw.js was stamped with the build's version");

    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
    await context.setOffline(true);

    await page.reload();
    await page.waitForSelector(IDLE);
    assert.equal(await AppPage.of(page).drop(LEAK), "ready");
    await assertObjectCount(page, LEAK);

    // A new tab works as well.
    const second = await context.newPage();
    await AppPage.of(second).visit(url);
    assert.equal(await AppPage.of(second).drop(LEAK), "ready");
    await assertObjectCount(second, LEAK);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    server.closeAllConnections();
    server.close();
  }
});
