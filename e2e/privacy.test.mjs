// Privacy, proven: while a snapshot is opened and explored, the page and its
// worker request nothing but the app's own files from its own origin, send
// no data (no POST, no query strings), and the Content-Security-Policy
// blocks any connection to another origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { launch } from "./harness.mjs";
import { AppPage } from "./app-page.mjs";

const LEAK = "public/examples/leak.heapscope.json.gz";
const APP = '[data-testid="app"]';
let env;
before(async () => (env = await launch()));
after(async () => env?.close());

/** Every file of the build, as a URL under the served base. */
function appAssets(base) {
  const files = readdirSync("dist", { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${e.parentPath ?? e.path}/${e.name}`.replace(/^dist\//, ""));
  return new Set([base, ...files.map((f) => base + f)]);
}

/** Clicks every button, tab and row-like control once (new ones appear as views open). */
async function exploreEverything(page) {
  const clicked = new Set();
  const selector = `${APP} :is(button, summary, [role="button"], [role="tab"], [role="treeitem"], [role="row"][tabindex], a[href^="#"], a[href^="?"]):visible`;
  for (let round = 0; round < 60; round++) {
    let target = null;
    for (const el of await page.$$(selector)) {
      const key = await el.evaluate((e) => `${e.tagName}|${e.getAttribute("data-testid") ?? ""}|${e.textContent.trim().slice(0, 80)}`).catch(() => null);
      if (key && !clicked.has(key)) {
        clicked.add(key);
        target = el;
        break;
      }
    }
    if (!target) break;
    await target.click({ timeout: 2_000 }).catch(() => {});
    await page.waitForSelector(`${APP}:not([data-state="loading"])`, { timeout: 60_000 });
  }
  return [...clicked];
}

test("opening and exploring a snapshot requests only the app's own files and sends nothing", async () => {
  const context = await env.browser.newContext();
  const origin = new URL(env.url).origin;
  const requests = [];
  let phase = "initial load";
  const blockedByCsp = new Set();
  context.on("request", (r) => requests.push({ phase, request: r, url: r.url(), method: r.method(), body: r.postDataBuffer() }));
  context.on("requestfailed", (r) => r.failure()?.errorText === "csp" && blockedByCsp.add(r));
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await AppPage.of(page).visit(env.url);

    phase = "exploring";
    assert.equal(await AppPage.of(page).drop(LEAK), "ready");
    const clicked = await exploreEverything(page);
    assert.ok(clicked.length > 0, "found something to click");

    phase = "CSP probe";
    const probe = await page.evaluate(async () => {
      const violations = [];
      // Both probes are reported as violation events: wait for them, not for time.
      const reported = new Promise((ok) => {
        document.addEventListener("securitypolicyviolation", (e) => {
          violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI });
          if (["connect-src", "img-src"].every((d) => violations.some((v) => v.directive === d))) ok();
        });
      });
      let fetched;
      try {
        await fetch("https://example.com/upload", { method: "POST", body: "snapshot bytes" });
        fetched = "sent";
      } catch (e) {
        fetched = `rejected: ${e.message}`;
      }
      const image = await new Promise((ok) => {
        const img = new Image();
        img.onload = () => ok("loaded");
        img.onerror = () => ok("blocked");
        img.src = "https://example.com/pixel.png";
      });
      // The handshake: both violation reports have arrived (a report that never
      // comes ends in the test runner's timeout, naming this test).
      await reported;
      return { fetched, image, violations };
    });
    assert.match(probe.fetched, /^rejected/);
    assert.equal(probe.image, "blocked");
    assert.ok(
      probe.violations.some((v) => v.directive === "connect-src" && v.blocked.startsWith("https://example.com")),
      `a connect-src violation for example.com: ${JSON.stringify(probe.violations)}`,
    );
    assert.ok(probe.violations.some((v) => v.directive === "img-src"), `an img-src violation: ${JSON.stringify(probe.violations)}`);

    const assets = appAssets(env.url);
    for (const r of requests) {
      const url = new URL(r.url);
      if (url.protocol === "data:" || url.protocol === "blob:") continue;
      if (r.phase === "CSP probe" && url.origin !== origin) {
        // Chromium reports the probe's image, then fails it before it leaves the browser.
        assert.ok(blockedByCsp.has(r.request), `the CSP let ${r.url} through`);
        continue;
      }
      assert.equal(url.origin, origin, `${r.phase}: request to another origin: ${r.url}`);
      assert.equal(r.method, "GET", `${r.phase}: ${r.method} ${r.url}`);
      assert.equal(r.body, null, `${r.phase}: a request carried a body: ${r.url}`);
      if (r.phase !== "initial load") {
        assert.ok(assets.has(r.url), `${r.phase}: ${r.url} is not a file of the app`);
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
