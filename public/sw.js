// heapscope's service worker: after one visit the app opens and analyses
// files with the network off.
//
// `cargo xtask build` stamps the two constants below after `trunk build`
// (xtask/src/offline.rs): VERSION becomes a hash of every file in dist/, and
// ASSETS the app shell (index.html, js, wasm, css, worker files, manifest,
// icons). A new release therefore changes this file's bytes, the browser
// installs the new worker beside the old one, and it takes over once no tab
// runs the old version (no skipWaiting: a running page must never mix its
// js with another release's worker files). Its activation deletes the old
// cache. Unstamped (a plain `trunk build` or `trunk serve`) it caches nothing.
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
  // The app has one page: any navigation inside the scope gets the shell.
  const hit = request.mode === "navigate" ? await cache.match("./") : await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  // Bundled examples are large and optional: kept once someone has tried them.
  const examples = new URL("examples/", self.registration.scope).href;
  if (response.ok && request.url.startsWith(examples)) await cache.put(request, response.clone());
  return response;
}
