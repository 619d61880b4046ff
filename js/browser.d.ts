// The package's types in browsers: everything every runtime has
// (index.d.ts), and what only this one has. package.json's "exports" picks
// this file by condition, so a browsers build sees exactly the exports the
// entry has (tests/types/ checks both: tsc, and the entry's real exports).
import type { StorageAdapter, SegmentsResource, ContactsResource, EventsResource, Schema } from "./index.js";
export * from "./index.js";

/**
 * Browsers only. Holds a Web Lock on the database from its first call until
 * `close()`: a second opener in any tab waits, and `onWaiting` runs once when
 * it starts waiting. Without `navigator.locks` there is no lock.
 */
export function indexedDBStorage(
  name: string,
  options?: {
    chunkBytes?: number;
    blockedTimeoutMs?: number;
    durability?: "strict" | "relaxed" | "default";
    onWaiting?: () => void;
  },
): StorageAdapter;

/** Browsers only: a Kraiter running in a module Web Worker, with the same SDK surface. */
export interface WorkerKraiter {
  readonly segments: SegmentsResource;
  readonly contacts: ContactsResource;
  readonly events: EventsResource;
  schema(): Promise<Schema>;
  stats(): Promise<{ contacts: number; events: number; segments: number; heapBytes: number }>;
  compact(): Promise<void>;
  task(name: string, args?: unknown, options?: { onProgress?: (progress: unknown) => void }): Promise<unknown>;
  close(): Promise<void>;
}

/** Browsers only. */
export function openInWorker(options?: {
  /** IndexedDB database; null keeps the data in worker memory. */
  storageName?: string | null;
  /** A fixed clock (epoch ms), for tests and demos. */
  now?: number;
  worker?: Worker | URL | string;
  /** Another tab holds this database; opening waits for it. */
  onWaiting?: () => void;
}): Promise<WorkerKraiter>;
