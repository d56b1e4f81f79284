// Starts heapscope's main wasm. Trunk's default loader is an inline <script>;
// Trunk.toml's `pattern_script` emits
//   <script type="module" src="./boot.js" data-heapscope-js="…" data-heapscope-wasm="…">
// instead, so the page's Content-Security-Policy can allow scripts from 'self'
// only, with no inline script and no per-build hash. Paths are relative to
// the document's base URL, so the same build works at / and at /heapscope/.
const tag = document.querySelector("script[data-heapscope-js]");
const js = new URL(tag.dataset.heapscopeJs, document.baseURI);
const wasm = new URL(tag.dataset.heapscopeWasm, document.baseURI);
const { default: init } = await import(js.href);
await init({ module_or_path: wasm });
