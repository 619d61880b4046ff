// Cold restore, as when a browser tab or a Worker reopens: a fresh process
// (fresh wasm memory) opens Kraiter on a storage holding one snapshot.
// Spawned by bench/engines/kraiter.mjs; prints one JSON line.
// Usage: node bench/restore-child.mjs <snapshot file> <now ms>

import { readFileSync } from "node:fs";

const [file, now] = process.argv.slice(2);
const snapshot = new Uint8Array(readFileSync(file));
let t = performance.now();
const { Kraiter } = await import("kraiter-segments");
const importMs = performance.now() - t;
const storage = {
  load: async () => ({ snapshot, log: [] }),
  append: async () => {},
  compact: async () => {},
  close: async () => {},
};
t = performance.now();
const k = await Kraiter.open({ storage, now: () => Number(now) });
const openMs = performance.now() - t;
const memoryBytes = typeof k._debugMemoryBytes === "function" ? k._debugMemoryBytes() : null;
await k.close();
console.log(JSON.stringify({ importMs, openMs, memoryBytes }));
