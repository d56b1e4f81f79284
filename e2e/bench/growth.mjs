// Browser benchmark of Growth (not part of the test run): loading one
// snapshot against the growth analysis of a series of three of them.
//
//   node e2e/bench/growth.mjs FILE     (dist/ must be built; FILE from `heapscope synth`)
//
// Three copies of FILE are a series of one process in which every object
// matches (the cost of matching is all of it; nothing grows). Measured:
//  * load one: choosing FILE → the Overview with its suspects on screen;
//  * series: choosing the three copies → the Growth view on screen
//    (three loads, then the analysis);
//  * growth analysis: from the third load done (`data-state=ready`) to the
//    Growth view on screen (the Growth query alone).
import { copyFileSync, existsSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { launch } from "../harness.mjs";
import { AppPage } from "../app-page.mjs";

const [file] = process.argv.slice(2);
if (!file) {
  console.error("usage: node e2e/bench/growth.mjs SNAPSHOT");
  process.exit(2);
}
const copies = [1, 2, 3].map((k) => join(dirname(file), `series-${k}-${basename(file)}`));
for (const c of copies) if (!existsSync(c) || statSync(c).size !== statSync(file).size) copyFileSync(file, c);

const env = await launch();
try {
  const page = await AppPage.open(env.browser, env.url);
  let started = Date.now();
  await page.setInputFiles('[data-testid="file-input"]', file);
  if ((await page.settled()) !== "ready") throw new Error(`${file} did not load`);
  await page.waitForSelector('[data-testid="overview"] [data-testid="suspects"]', { timeout: 300_000 });
  const loadOneMs = Date.now() - started;
  const workerLoadMs = Number(await page.getAttribute('[data-testid="load-stats"]', "data-load-ms"));

  started = Date.now();
  await page.setInputFiles('[data-testid="file-input"]', copies);
  await page.waitForSelector('[data-testid="app"][data-state="loading"]');
  await page.waitForSelector('[data-testid="app"][data-state="ready"]', { timeout: 300_000 });
  const loadedMs = Date.now();
  await page.waitForSelector('[data-testid="growth-view"] :is([data-testid="growth-findings"], [data-testid="growth-nothing"])', { timeout: 300_000 });
  const doneMs = Date.now();
  // The worker's memory after the third load (the Overview shows it).
  await page.evaluate(() => (location.hash = "#/overview"));
  const memory = Number(await page.getAttribute('[data-testid="load-stats"]', "data-worker-memory"));
  const result = {
    file: basename(file),
    mb: (statSync(file).size / 1e6).toFixed(1),
    load_one_s: (loadOneMs / 1000).toFixed(2),
    worker_parse_analyse_one_s: (workerLoadMs / 1000).toFixed(2),
    series_of_three_shown_s: ((doneMs - started) / 1000).toFixed(2),
    growth_analysis_s: ((doneMs - loadedMs) / 1000).toFixed(2),
    growth_over_load_one: ((doneMs - loadedMs) / loadOneMs).toFixed(2),
    worker_memory_after_three_loads_mib: (memory / 2 ** 20).toFixed(0),
  };
  console.table([result]);
  console.log(JSON.stringify(result));
} finally {
  await env.close();
}
