// Browser entry: fetches the wasm relative to this module (import.meta.url),
// so it loads as-is from any static server or through a bundler.

import init from "./wasm/kraiter_segments.js";
import { setWasmLoader } from "./wasm-init.js";

setWasmLoader(() => init({ module_or_path: new URL("./wasm/kraiter_segments_bg.wasm", import.meta.url) }));

export * from "./exports.js";
export { indexedDBStorage } from "./storage/indexeddb.js";
export { openInWorker } from "./browser-client.js";
export { connect } from "./http-client.js";
