// Durable Object storage adapter: lets one Kraiter live inside a Cloudflare
// Durable Object, so each tenant's segments, contacts and events survive
// restarts and evictions of the object.
//
// Why it is shaped so: Durable Object values are limited (128 KiB on the
// key-value backend, ~2 MB on SQLite), but a log entry (a bulk import) or a
// snapshot can be many MB. Every value is therefore cut into chunks of at most
// CHUNK_BYTES, and every call is written in one storage transaction. On top of
// that, the layout is commit-marker shaped: chunks are written under a new
// generation (snapshot) or sequence number (log entry), and only the `head`
// record and per-entry `n/` markers, written in the same transaction, make
// them visible. `load` reads nothing that a head does not reference, so even a
// half-written chunk set could never be read back.
//
// Keys (all under `prefix`, default "kraiter/"):
//   head               { gen, snapChunks, snapBytes, first, next }
//   s/<gen>/<i>        snapshot chunk i of generation gen (gen 0 = no snapshot)
//   n/<seq>            number of chunks of log entry seq (its commit marker)
//   l/<seq>/<i>        chunk i of log entry seq; the log is seq in [first, next)
//
// Calls run one at a time in call order (appends issued together keep their
// order); a failure rejects with KraiterError STORAGE_ERROR and keeps nothing.
// No lock is needed: a Durable Object is a single instance, and one Kraiter
// per object is the caller's job (js/worker/tenant.js keeps one).
import { KraiterError, invalid } from "../errors.js";
import { callQueue, checkOptions, chunkBytes as cut, joinBytes, storageError } from "./common.js";

/** Bytes per stored value: under the 128 KiB limit with room for encoding overhead. */
export const CHUNK_BYTES = 127 * 1024;
/** The Durable Object API accepts at most 128 keys per put/delete/get call. */
const KEYS_PER_CALL = 128;

const pad = (n, width) => String(n).padStart(width, "0");
const EMPTY_HEAD = Object.freeze({ gen: 0, snapChunks: 0, snapBytes: 0, first: 0, next: 0 });

/**
 * @param {DurableObjectStorage} storage  `state.storage` / `ctx.storage` of a Durable Object
 * @param {{ prefix?: string, chunkBytes?: number }} [options]
 */
export function durableObjectStorage(storage, options) {
  if (!storage || typeof storage.get !== "function" || typeof storage.put !== "function") {
    throw new KraiterError("STORAGE_ERROR", "durableObjectStorage(storage) needs a Durable Object's state.storage");
  }
  const { prefix = "kraiter/", chunkBytes = CHUNK_BYTES } = checkOptions(options, ["prefix", "chunkBytes"], "durableObjectStorage");
  if (typeof prefix !== "string") throw invalid("prefix", "must be a string");
  if (!(Number.isSafeInteger(chunkBytes) && chunkBytes > 0 && chunkBytes <= CHUNK_BYTES)) {
    throw invalid("chunkBytes", `must be a positive integer of at most ${CHUNK_BYTES}`);
  }
  const keys = {
    head: `${prefix}head`,
    snapPrefix: (gen) => `${prefix}s/${pad(gen, 10)}/`,
    snapChunk: (gen, i) => `${prefix}s/${pad(gen, 10)}/${pad(i, 6)}`,
    markerPrefix: `${prefix}n/`,
    marker: (seq) => `${prefix}n/${pad(seq, 12)}`,
    logPrefix: `${prefix}l/`,
    logChunk: (seq, i) => `${prefix}l/${pad(seq, 12)}/${pad(i, 6)}`,
  };
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const queue = callQueue({
    closedMessage: "Durable Object storage is closed",
    describe: (what, error) => storageError(`Durable Object storage could not ${what}: ${error?.message ?? error}`, error),
  });
  const run = (what, job) => queue.run(what, job);

  async function readHead(store) {
    return (await store.get(keys.head)) ?? { ...EMPTY_HEAD };
  }

  /** Cuts bytes into copies of at most chunkBytes (at least one, even if empty). */
  const chunk = (bytes) => cut(bytes, chunkBytes);

  /** Joins the values of a sorted chunk map; throws if it is not exactly `count` chunks. */
  function join(map, count, what) {
    if (map.size !== count) {
      throw new Error(`durableObjectStorage: ${what} has ${map.size} of ${count} chunks`);
    }
    return joinBytes(map.values());
  }

  /** Issues puts of ≤128 keys with no await in between, then waits for all of them. */
  async function putAll(store, entries) {
    const names = Object.keys(entries);
    const writes = [];
    for (let i = 0; i < names.length; i += KEYS_PER_CALL) {
      const batch = {};
      for (const name of names.slice(i, i + KEYS_PER_CALL)) batch[name] = entries[name];
      writes.push(store.put(batch));
    }
    await Promise.all(writes);
  }

  async function deleteAll(store, names) {
    const deletes = [];
    for (let i = 0; i < names.length; i += KEYS_PER_CALL) {
      deletes.push(store.delete(names.slice(i, i + KEYS_PER_CALL)));
    }
    await Promise.all(deletes);
  }

  /** Runs fn(txn) in one storage transaction (fn's writes commit together or not at all). */
  function transaction(fn) {
    if (typeof storage.transaction === "function") return storage.transaction(fn);
    return fn(storage); // not a real Durable Object; the commit markers still keep reads safe
  }

  return {
    load: () => run("load", async () => {
      const head = await readHead(storage);
      let snapshot = null;
      if (head.gen > 0) {
        const parts = await storage.list({ prefix: keys.snapPrefix(head.gen) });
        snapshot = join(parts, head.snapChunks, `snapshot ${head.gen}`);
        if (snapshot.byteLength !== head.snapBytes) {
          throw new Error(`durableObjectStorage: snapshot ${head.gen} has ${snapshot.byteLength} of ${head.snapBytes} bytes`);
        }
      }
      const log = [];
      if (head.next > head.first) {
        const markers = await storage.list({ prefix: keys.markerPrefix });
        const chunks = await storage.list({ prefix: keys.logPrefix });
        // Group the (sorted) chunk keys by entry.
        const byEntry = new Map();
        for (const [key, value] of chunks) {
          const seq = Number(key.slice(keys.logPrefix.length, keys.logPrefix.length + 12));
          if (seq < head.first || seq >= head.next) continue;
          let parts = byEntry.get(seq);
          if (!parts) byEntry.set(seq, (parts = new Map()));
          parts.set(key, value);
        }
        for (let seq = head.first; seq < head.next; seq++) {
          const count = markers.get(keys.marker(seq));
          if (count === undefined) throw new Error(`durableObjectStorage: log entry ${seq} has no commit marker`);
          const parts = byEntry.get(seq) ?? new Map();
          // Stray chunks beyond the committed count (never written by this adapter) are ignored.
          const committed = new Map([...parts].filter(([key]) => Number(key.slice(-6)) < count));
          log.push(decoder.decode(join(committed, count, `log entry ${seq}`)));
        }
      }
      return { snapshot, log };
    }),

    append: (entry) => run("append a log entry", async () => {
      if (typeof entry !== "string") throw new TypeError("durableObjectStorage.append: entry must be a string");
      const parts = chunk(encoder.encode(entry));
      await transaction(async (txn) => {
        const head = await readHead(txn);
        const seq = head.next;
        const writes = {};
        parts.forEach((part, i) => { writes[keys.logChunk(seq, i)] = part; });
        writes[keys.marker(seq)] = parts.length;
        writes[keys.head] = { ...head, next: seq + 1 };
        await putAll(txn, writes);
      });
    }),

    compact(snapshot) {
      // Copy (as chunks) now: the caller may reuse its buffer before the queued write runs.
      const parts = snapshot instanceof Uint8Array ? chunk(snapshot) : null;
      const byteLength = parts ? snapshot.byteLength : 0;
      return run("write a snapshot", async () => {
        if (!parts) throw new TypeError("durableObjectStorage.compact: snapshot must be a Uint8Array");
        await transaction(async (txn) => {
          const head = await readHead(txn);
          const gen = head.gen + 1;
          // What the new head no longer references: the old snapshot and the whole log.
          const stale = [];
          for (let i = 0; i < head.snapChunks; i++) stale.push(keys.snapChunk(head.gen, i));
          const markers = await txn.list({ prefix: keys.markerPrefix });
          for (const [key, count] of markers) {
            const seq = Number(key.slice(keys.markerPrefix.length));
            stale.push(key);
            for (let i = 0; i < count; i++) stale.push(keys.logChunk(seq, i));
          }
          const writes = {};
          parts.forEach((part, i) => { writes[keys.snapChunk(gen, i)] = part; });
          writes[keys.head] = { gen, snapChunks: parts.length, snapBytes: byteLength, first: head.next, next: head.next };
          await deleteAll(txn, stale);
          await putAll(txn, writes);
        });
      });
    },

    /** Nothing to release (the Durable Object owns its storage); later calls reject. */
    close: () => queue.close(),
  };
}
