// The package's types in Node: everything every runtime has
// (index.d.ts), and what only this one has. package.json's "exports" picks
// this file by condition, so a Node build sees exactly the exports the
// entry has (tests/types/ checks both: tsc, and the entry's real exports).
import type { StorageAdapter } from "./index.js";
export * from "./index.js";

/**
 * Node only. One process at a time opens `dir` (a `LOCK` file, released by
 * `close()`; a lock whose process is gone is taken over). `wait`: when it is
 * open elsewhere, `false` (default) fails with STORAGE_ERROR, `true` waits
 * until it is closed, a number waits that many ms and then fails.
 */
export function fileStorage(dir: string, options?: { wait?: boolean | number }): StorageAdapter;
