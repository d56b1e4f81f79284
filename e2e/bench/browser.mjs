// Browser benchmark (not part of the test run): time from choosing a file to
// the Overview shown, the worker's memory, and the longest main-thread task
// while loading, for synthetic heaps written by `heapscope synth`.
//
//   cargo xtask bench-browser            (builds everything, then runs this)
//   node e2e/bench/browser.mjs FILE...   (dist/ must be built)
import { statSync } from "node:fs";
import { basename } from "node:path";
import { launch } from "../harness.mjs";
import { AppPage } from "../app-page.mjs";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node e2e/bench/browser.mjs SNAPSHOT...");
  process.exit(2);
}
const env = await launch();
const results = [];
try {
  for (const file of files) {
    const page = await AppPage.open(env.browser, env.url);
    // Open waits for the worker's Ready (after its warm-up): the page's age now.
    const readyMs = await page.evaluate(() => performance.now());
    await page.evaluate(() => {
      window.__longTasks = [];
      window.__received = Infinity;
      // Playwright hands the file to the page in a task of its own (it copies
      // the bytes in); only tasks after the page has the file are the app's.
      // The app's own change handler is timed separately (window capture → bubble).
      window.addEventListener("change", () => (window.__received = performance.now()), { capture: true });
      window.addEventListener("change", () => (window.__handlerMs = performance.now() - window.__received));
      // "Shown" is timed in the page, from the file input's change event (the
      // pick, as the page sees it) to the suspects list in the DOM: the
      // harness's own round trips (handing the file over, polling for the
      // selector) are not the app's time.
      new MutationObserver(() => {
        if (window.__shown === undefined && document.querySelector('[data-testid="overview"] [data-testid="suspects"]')) window.__shown = performance.now();
      }).observe(document.body, { subtree: true, childList: true });
      new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => [e.startTime, e.duration]))).observe({ type: "longtask", buffered: false });
    });
    // Prove the observer sees long tasks: block the main thread for 80 ms once.
    await page.evaluate(() => new Promise((ok) => setTimeout(() => { const t = performance.now(); while (performance.now() - t < 80); setTimeout(ok, 50); }, 0)));
    await page.waitForFunction(() => window.__longTasks.length > 0);
    await page.evaluate(() => (window.__longTasks = []));
    await page.setInputFiles('[data-testid="file-input"]', file);
    // A heap of 2×10^7 objects takes minutes on a loaded machine.
    const state = await page.settled(900_000);
    if (state !== "ready") throw new Error(`${file}: ${await page.textContent('[data-testid="error-message"]')}`);
    await page.waitForSelector('[data-testid="overview"] [data-testid="suspects"]', { timeout: 900_000 });
    const shownMs = await page.evaluate(() => window.__shown - window.__received);
    const stats = await page.$eval('[data-testid="load-stats"]', (e) => ({ loadMs: Number(e.dataset.loadMs), memory: Number(e.dataset.workerMemory) }));
    const objects = await page.textContent('[data-testid="object-count"]');
    const references = await page.textContent('[data-testid="reference-count"]');
    const longest = await page.evaluate(() => Math.max(window.__handlerMs, ...window.__longTasks.filter(([start]) => start >= window.__received).map(([, d]) => d)));
    // Then explore: the tables and trees of a big heap must not block either.
    await page.evaluate(() => (window.__longTasks = []));
    const switched = Date.now();
    for (const [tab, selector] of [["types", '[data-testid="types-table"] tr.vrow'], ["dominators", '[data-testid="dominator-row"]'], ["cycles", '[data-testid="cycle-row"], [data-testid="cycles-count"]']]) {
      await page.click(`[data-testid="tab-${tab}"]`);
      await page.waitForSelector(selector, { timeout: 900_000 });
    }
    const exploreMs = Date.now() - switched;
    const longestExploring = await page.evaluate(() => Math.max(0, ...window.__longTasks.map(([, d]) => d)));
    results.push({
      file: basename(file),
      mb: (statSync(file).size / 1e6).toFixed(1),
      objects,
      references,
      shown_s: (shownMs / 1000).toFixed(2),
      worker_parse_analyse_s: (stats.loadMs / 1000).toFixed(2),
      worker_ready_ms: readyMs.toFixed(0),
      worker_memory_mib: (stats.memory / 2 ** 20).toFixed(0),
      longest_main_thread_task_ms: longest.toFixed(0),
      three_views_s: (exploreMs / 1000).toFixed(2),
      longest_task_exploring_ms: longestExploring.toFixed(0),
    });
    await page.close();
  }
} finally {
  await env.close();
}
console.table(results);
console.log(JSON.stringify(results));
