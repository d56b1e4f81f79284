// heapscope's service worker: after one visit the app opens and analyses
// files with the network off.
//
// `cargo xtask build` stamps the two constants below after `trunk build`
// (xtask/src/offline.rs): VERSION becomes a hash of every file in dist/, and
// ASSETS the app shell (index.html, js, wasm, css, worker files, manifest,
// icons), which installing precaches as one consistent release. A new release
// changes this file's bytes, so the browser installs it beside the old one;
// it takes over once no tab runs the old version (no skipWaiting: a page
// running offline must keep finding its own release's worker files in the
// cache) and deletes the old cache. Requests go to the network first, so an online page is always the
// deployed release (and `cargo xtask serve` shows each rebuild); the cache
// answers only when the network fails. Unstamped (a plain `trunk build` or
// `trunk serve`) it caches nothing.
const VERSION = "dev";
const ASSETS = null;

const PREFIX = "heapscope-";
const CACHE = PREFIX + VERSION;

self.addEventListener("install", (event) => {
  if (ASSETS === null) {
    self.skipWaiting();
    return;
  }
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(ASSETS.map((url) => new Request(url, { cache: "reload" })))),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && (key !== CACHE || ASSETS === null)) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (ASSETS === null || request.method !== "GET" || !request.url.startsWith(self.registration.scope)) return;
  event.respondWith(respond(request));
});

async function respond(request) {
  const cache = await caches.open(CACHE);
  // The app has one page: any navigation inside the scope falls back to the shell.
  const cached = () => cache.match(request.mode === "navigate" ? "./" : request);
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    const hit = await cached();
    if (hit) return hit;
    throw offline;
  }
  if (response.ok) {
    // Bundled examples are large and optional: kept once someone has opened them.
    if (request.url.startsWith(new URL("examples/", self.registration.scope).href)) {
      await cache.put(request, response.clone());
    }
    return response;
  }
  if (response.type === "opaqueredirect") return response;
  return (await cached()) ?? response;
}
