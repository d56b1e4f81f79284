// A small static file server for dist/: correct MIME types (application/wasm),
// an optional base path (GitHub Pages serves under /<repo>/), loopback only.
// Used by `cargo xtask serve` and by the end-to-end tests.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".gz": "application/gzip",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".webmanifest": "application/manifest+json",
};

/** Serves `dir` under `base` (e.g. "/" or "/heapscope/"); resolves to {server, url}. */
export function startServer({ dir, port = 0, base = "/" }) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      if (`${path}/` === base) {
        // As GitHub Pages does: /heapscope → /heapscope/, so relative URLs resolve.
        res.writeHead(301, { location: base }).end();
        return;
      }
      if (!path.startsWith(base)) {
        res.writeHead(404).end("not found");
        return;
      }
      let file = normalize(join(root, path.slice(base.length)));
      if (!file.startsWith(root)) {
        res.writeHead(403).end("forbidden");
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache",
      });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((ok) =>
    server.listen(port, "127.0.0.1", () => ok({ server, url: `http://127.0.0.1:${server.address().port}${base}` })),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir = "dist", port = "8080", base = "/"] = process.argv.slice(2);
  const { url } = await startServer({ dir, port: Number(port), base });
  console.log(`serving ${dir} at ${url}`);
}
