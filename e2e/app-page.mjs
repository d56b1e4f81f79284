// The page object every end-to-end test goes through: it acts as a person
// would (drop, pick, click an example, cancel) and waits on what the app
// says about itself — `data-state` (idle/loading/ready/error), `data-busy`
// (queries in flight) and `data-workers-ready` (Ready handshakes from
// analysis workers so far) — never on time. Playwright's own page methods
// (`click`, `textContent`, …) pass through unchanged.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

const APP = '[data-testid="app"]';

export class AppPage {
  /** Opens the app and waits until it is idle and its worker is up. */
  static async open(browser, url) {
    const app = AppPage.of(await browser.newPage());
    await app.page.goto(url);
    await app.idle();
    return app;
  }

  /** Opens the app like `open`, recording every message its analysis
   * workers send (read them with `workerMessages`). */
  static async openRecordingWorkers(browser, url) {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      // Before the app starts: its workers are made from this subclass.
      const Base = globalThis.Worker;
      globalThis.__workerMessages = [];
      globalThis.Worker = class extends Base {
        constructor(...args) {
          super(...args);
          this.addEventListener("message", (e) => globalThis.__workerMessages.push(e.data));
        }
      };
    });
    const app = AppPage.of(page);
    await app.visit(url);
    return app;
  }

  /** The worker messages recorded since the last call (`openRecordingWorkers`),
   * parsed from their JSON text (`FromWorker::to_wire`). */
  async workerMessages() {
    const texts = await this.page.evaluate(() => globalThis.__workerMessages.splice(0));
    return texts.map((t) => JSON.parse(t));
  }

  /** The page object of a Playwright page (itself when it already is one). */
  static of(page) {
    if (page instanceof AppPage) return page;
    const app = new AppPage(page);
    return new Proxy(app, {
      get(target, key) {
        if (key in target) return target[key];
        const value = target.page[key];
        return typeof value === "function" ? value.bind(target.page) : value;
      },
    });
  }

  constructor(page) {
    this.page = page;
    /** Uncaught errors of the page, for `assert.deepEqual(app.errors, [])`. */
    this.errors = [];
    page.on("pageerror", (e) => this.errors.push(e.message));
  }

  /** Goes to `url` (the app) and waits until it is idle and its worker is up. */
  async visit(url) {
    await this.page.goto(url);
    await this.idle();
  }

  /** Waits until nothing is open and a worker has said Ready. */
  async idle() {
    await this.page.waitForSelector(`${APP}[data-state="idle"]`);
    await this.workersReady(1);
  }

  /** The page's state: `idle`, `loading`, `ready` or `error`. */
  state() {
    return this.page.getAttribute(APP, "data-state");
  }

  /** Waits until the app has finished with its files: ready or error. */
  async settled(timeout = 60_000) {
    await this.page.waitForSelector(`${APP}:is([data-state="ready"], [data-state="error"])`, { timeout });
    return this.state();
  }

  /** Waits until no query is waiting for the worker. */
  async quiet() {
    await this.page.waitForSelector(`${APP}[data-busy="false"]`);
  }

  /** Waits until `n` analysis workers have said Ready (a cancel replaces the worker). */
  async workersReady(n) {
    await this.page.waitForFunction((n) => Number(document.querySelector('[data-testid="app"]')?.dataset.workersReady) >= n, n);
  }

  /** A real drag-and-drop of one or more files; waits for the load to finish. */
  async drop(paths, { name, type = "application/json" } = {}) {
    const dataTransfer = await this.dataTransfer(paths, { name, type });
    for (const event of ["dragenter", "dragover", "drop"]) await this.page.dispatchEvent(APP, event, { dataTransfer });
    return this.settled();
  }

  /** Drops `first`, then `second` in the same task, so that the second
   * drop surely comes while the first file is loading; waits for the end. */
  async dropDuringLoad(first, second) {
    const transfers = [await this.dataTransfer(first), await this.dataTransfer(second)];
    await this.page.evaluate((transfers) => {
      const app = document.querySelector('[data-testid="app"]');
      for (const dataTransfer of transfers) {
        for (const type of ["dragenter", "dragover", "drop"]) app.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer }));
      }
    }, transfers);
    return this.settled();
  }

  /** A `DataTransfer` in the page holding these files. */
  async dataTransfer(paths, { name, type = "application/json" } = {}) {
    const files = [];
    for (const path of [].concat(paths)) {
      const bytes = await readFile(path);
      files.push({ b64: bytes.toString("base64"), name: name ?? basename(path), type });
    }
    return this.page.evaluateHandle((files) => {
      const dt = new DataTransfer();
      for (const { b64, name, type } of files) dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type }));
      return dt;
    }, files);
  }

  /** Drops a folder, as a browser hands one over: a `DataTransfer` whose
   * item gives a directory entry (`webkitGetAsEntry`), read through
   * `createReader().readEntries` callbacks a batch at a time, with file
   * entries backed by real `File`s. `files` maps a path inside the folder
   * (`"sub/dir/name.json"`) to a file on disk. Waits for the load to finish. */
  async dropFolder(folder, files) {
    const list = [];
    for (const [path, local] of Object.entries(files)) list.push({ path, b64: (await readFile(local)).toString("base64") });
    await this.page.evaluate(({ folder, list }) => {
      // The entries API answers through callbacks, never synchronously.
      const later = (f) => queueMicrotask(f);
      const dir = (fullPath) => {
        const children = new Map();
        return {
          isFile: false, isDirectory: true, name: fullPath.split("/").pop(), fullPath, children,
          // Two entries per batch, then an empty batch: the reader's contract.
          createReader() {
            const entries = [...children.values()];
            let at = 0;
            return { readEntries: (ok) => later(() => { ok(entries.slice(at, at + 2)); at += 2; }) };
          },
        };
      };
      const root = dir(`/${folder}`);
      for (const { path, b64 } of list) {
        const parts = path.split("/");
        let at = root;
        for (const part of parts.slice(0, -1)) {
          if (!at.children.has(part)) at.children.set(part, dir(`${at.fullPath}/${part}`));
          at = at.children.get(part);
        }
        const name = parts[parts.length - 1];
        const file = new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name);
        at.children.set(name, { isFile: true, isDirectory: false, name, fullPath: `${at.fullPath}/${name}`, file: (ok) => later(() => ok(file)) });
      }
      const dt = new DataTransfer();
      Object.defineProperty(dt, "items", { value: [{ kind: "file", webkitGetAsEntry: () => root }] });
      const app = document.querySelector('[data-testid="app"]');
      for (const type of ["dragenter", "dragover", "drop"]) app.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }, { folder, list });
    return this.settled();
  }

  /** Opens a report written by `heapscope report` (the page opens its
   * embedded snapshots by itself) and waits until they are open. */
  async openReport(url) {
    await this.page.goto(url);
    return this.settled();
  }

  /** Chooses files with the file picker (does not wait). */
  pick(paths) {
    return this.page.setInputFiles('[data-testid="file-input"]', paths);
  }

  /** Clicks a "Try an example" button and waits for the load to finish. */
  async example(id) {
    await this.page.click(`[data-testid="example-${id}"]`);
    await this.page.waitForSelector(`${APP}:is([data-state="loading"], [data-state="ready"])`);
    return this.settled();
  }

  /** Texts of all elements matching `selector`, in document order. */
  texts(selector) {
    return this.page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()));
  }
}
