// The package's types in Cloudflare Workers: everything every runtime has
// (index.d.ts), and what only this one has. package.json's "exports" picks
// this file by condition, so a Cloudflare Workers build sees exactly the exports the
// entry has (tests/types/ checks both: tsc, and the entry's real exports).
import type { StorageAdapter } from "./index.js";
export * from "./index.js";

/** Cloudflare Workers only: pass `state.storage` of a Durable Object. */
export function durableObjectStorage(storage: unknown, options?: { prefix?: string; chunkBytes?: number }): StorageAdapter;
