// Boots heapscope's analysis worker: Trunk builds it as a no-modules script
// (worker.js) plus its wasm; both sit beside this file.
importScripts("./worker.js");
wasm_bindgen({ module_or_path: "./worker_bg.wasm" });
