// Cloudflare Workers entry: the wasm arrives as a module compiled at deploy
// time (no compiling from bytes at run time, no eval).

import wasmModule from "./wasm/kraiter_segments_bg.wasm";
import { initSync } from "./wasm/kraiter_segments.js";
import { setWasmLoader } from "./wasm-init.js";

setWasmLoader(() => {
  initSync({ module: wasmModule });
});

export * from "./exports.js";
export { durableObjectStorage } from "./storage/durable-object.js";
