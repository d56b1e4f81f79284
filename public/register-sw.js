// Registers heapscope's service worker (sw.js) so that after one visit the
// app opens and analyses files with the network off. An external file rather
// than an inline script so the page's CSP can forbid inline scripts. Only over
// http(s): never under file:// (the single-file build), where it cannot work.
if ("serviceWorker" in navigator && (location.protocol === "https:" || location.protocol === "http:")) {
  addEventListener("load", () => {
    navigator.serviceWorker.register(new URL("sw.js", document.baseURI)).catch((e) => {
      console.warn("heapscope: offline use is unavailable:", e);
    });
  });
}
