// Node entry: reads the wasm from disk next to this file.

import { readFile } from "node:fs/promises";
import { initSync } from "./wasm/kraiter_segments.js";
import { setWasmLoader } from "./wasm-init.js";

setWasmLoader(async () => {
  initSync({ module: await readFile(new URL("./wasm/kraiter_segments_bg.wasm", import.meta.url)) });
});

export * from "./exports.js";
export { fileStorage } from "./storage/file.js";
