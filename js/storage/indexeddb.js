// indexedDBStorage(name): the browser storage adapter. Keeps the engine's
// latest snapshot (split into a few large chunks) plus the log of later
// mutations, so reopening a million contacts reads a handful of values.
// Each call is one IndexedDB transaction that resolves on commit; a failed
// one (quota, a closed connection) rejects with STORAGE_ERROR and rolls back.
// One opener at a time uses a database: a Web Lock (js/storage/web-lock.js)
// taken by the first call and released by close(); other openers wait.
import { openDB } from "../vendor/idb.js";
import { KraiterError, invalid } from "../errors.js";
import { callQueue, checkOptions, chunkBytes as cut, joinBytes, storageError as failure } from "./common.js";
import { holdWebLock } from "./web-lock.js";

/** Schema version. Add an `if (oldVersion < N)` step to `upgrade` when it changes. */
export const SCHEMA_VERSION = 1;

const META = "meta"; // "snapshot" → { chunks, byteLength, compactedAt }
const CHUNKS = "snapshot"; // chunk index → Uint8Array
const LOG = "log"; // auto-increment key → entry string

const DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024;
const DEFAULT_BLOCKED_TIMEOUT_MS = 10_000;

function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    db.createObjectStore(META);
    db.createObjectStore(CHUNKS);
    db.createObjectStore(LOG, { autoIncrement: true });
  }
}

/**
 * @param {string} name IndexedDB database name (one per dataset)
 * @param {{
 *   chunkBytes?: number, blockedTimeoutMs?: number, durability?: "strict" | "relaxed" | "default",
 *   onWaiting?: () => void, // another tab (or storage) holds this database; the first call waits for it
 * }} [options]
 */
export function indexedDBStorage(name, options) {
  if (typeof name !== "string" || name === "") {
    throw new KraiterError("STORAGE_ERROR", "indexedDBStorage(name) needs a non-empty database name");
  }
  const {
    chunkBytes = DEFAULT_CHUNK_BYTES,
    blockedTimeoutMs = DEFAULT_BLOCKED_TIMEOUT_MS,
    durability = "strict",
    onWaiting = () => {},
  } = checkOptions(options, ["chunkBytes", "blockedTimeoutMs", "durability", "onWaiting"], "indexedDBStorage");
  if (!(Number.isSafeInteger(chunkBytes) && chunkBytes > 0)) throw invalid("chunkBytes", "must be a positive integer");
  if (!(Number.isFinite(blockedTimeoutMs) && blockedTimeoutMs >= 0)) throw invalid("blockedTimeoutMs", "must be a number of milliseconds");
  if (!["strict", "relaxed", "default"].includes(durability)) throw invalid("durability", 'must be "strict", "relaxed" or "default"');
  if (typeof onWaiting !== "function") throw invalid("onWaiting", "must be a function");
  if (typeof indexedDB === "undefined") {
    throw new KraiterError("STORAGE_ERROR", "IndexedDB is not available in this environment");
  }
  const txOptions = { durability };

  let connection = null; // Promise<IDBPDatabase> | null: opened lazily, dropped on versionchange
  let lock = null; // Promise<{ release() }> of the Web Lock, taken by the first call
  const stop = new AbortController(); // close() gives up waiting for the lock
  const queue = callQueue({
    closedMessage: `IndexedDB storage "${name}" is closed`,
    describe: (what, err) => storageError(what, name, err),
  });

  function connect() {
    if (!connection) {
      const drop = () => {
        if (connection === opening) connection = null;
      };
      const opening = open(drop).catch((err) => {
        drop();
        throw err;
      });
      connection = opening;
    }
    return connection;
  }

  /** Opens (creating or upgrading) the database; `drop` forgets this connection. */
  function open(drop) {
    return new Promise((resolve, reject) => {
      let timer = null;
      let gaveUp = false;
      const opening = openDB(name, SCHEMA_VERSION, {
        upgrade,
        // An older connection (another tab) has not closed for our upgrade.
        // Wait a while for it, then fail instead of hanging forever.
        blocked() {
          timer ??= setTimeout(() => {
            gaveUp = true;
            reject(new KraiterError("STORAGE_ERROR",
              `IndexedDB database "${name}" is held open by another tab that does not release it; close the other tabs and retry`));
          }, blockedTimeoutMs);
        },
        // Another tab wants to upgrade or delete the database: step aside.
        // In-flight transactions still finish; the next call reopens.
        blocking(_current, _next, event) {
          event.target.close();
          drop();
        },
        // The browser closed the connection (storage cleared, disk error).
        terminated() {
          drop();
        },
      });
      opening.then(
        (db) => {
          clearTimeout(timer);
          if (gaveUp) db.close();
          else resolve(db);
        },
        (err) => {
          clearTimeout(timer);
          reject(openError(name, err));
        },
      );
    });
  }

  /** The Web Lock: taken once; a failed try is retried by the next call. */
  function locked() {
    lock ??= holdWebLock(`kraiter-segments:${name}`, { onWaiting, signal: stop.signal, label: `IndexedDB database "${name}"` })
      .catch((err) => {
        lock = null;
        throw err;
      });
    return lock;
  }

  /** Runs `job(db)` after every earlier call, holding the lock; maps failures to STORAGE_ERROR. */
  function run(what, job) {
    return queue.run(what, async () => {
      await locked();
      // Open errors are already KraiterErrors (openError), so they are not reworded as "could not <what>".
      const db = await connect();
      return job(db);
    });
  }

  // Start opening now: the first load() (Kraiter.open) then overlaps the
  // connection with wasm start-up. A failure here is reported by that call.
  connect().catch(() => {});

  return {
    load: () => run("load", async (db) => {
      const tx = db.transaction([META, CHUNKS, LOG], "readonly");
      const [meta, chunks, log] = await settle(tx, (requests) => requests.push(
        tx.objectStore(META).get("snapshot"),
        tx.objectStore(CHUNKS).getAll(),
        tx.objectStore(LOG).getAll(),
      ));
      return { snapshot: meta ? joinChunks(meta, chunks, name) : null, log };
    }),

    append: (entry) => run("append a log entry", async (db) => {
      if (typeof entry !== "string") throw new TypeError("a log entry must be a string");
      const tx = db.transaction(LOG, "readwrite", txOptions);
      await settle(tx, (requests) => requests.push(tx.store.add(entry)));
    }),

    compact: (snapshot) => {
      if (!(snapshot instanceof Uint8Array)) {
        return Promise.reject(storageError("write a snapshot", name, new TypeError("a snapshot must be a Uint8Array")));
      }
      // Copy now, in chunks: the caller may reuse the array (or wasm memory
      // may grow under it) before this call's turn comes; and a view on a
      // larger buffer would otherwise be cloned whole.
      const parts = cut(snapshot, chunkBytes);
      const byteLength = snapshot.byteLength;
      return run("write a snapshot", async (db) => {
        const tx = db.transaction([META, CHUNKS, LOG], "readwrite", txOptions);
        await settle(tx, (writes) => {
          const chunks = tx.objectStore(CHUNKS);
          writes.push(chunks.clear());
          parts.forEach((part, i) => writes.push(chunks.put(part, i)));
          writes.push(tx.objectStore(LOG).clear());
          writes.push(tx.objectStore(META).put({ chunks: parts.length, byteLength, compactedAt: Date.now() }, "snapshot"));
        });
      });
    },

    close: () => {
      stop.abort(); // a call still waiting for another tab gives up
      return queue.close(async () => {
        const db = connection && (await connection.catch(() => null));
        connection = null;
        db?.close();
        const held = lock && (await lock.catch(() => null));
        lock = null;
        held?.release();
      });
    },
  };
}

/**
 * Issues the requests `build` pushes, then waits for them and for the
 * transaction's commit. On any failure (also a request that throws as it is
 * made) the transaction is aborted, so nothing of it is kept, and the error
 * thrown is the transaction's own when it has one: QuotaExceededError rather
 * than the AbortError each request sees.
 */
async function settle(tx, build) {
  const requests = [];
  try {
    build(requests);
    const results = await Promise.all(requests);
    await tx.done;
    return results;
  } catch (err) {
    for (const r of requests) r.catch(() => {});
    try {
      tx.abort();
    } catch {
      // already finished
    }
    await tx.done.catch(() => {});
    throw tx.error ?? err;
  }
}

function joinChunks(meta, chunks, name) {
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  if (chunks.length !== meta.chunks || total !== meta.byteLength) {
    throw new KraiterError("STORAGE_ERROR",
      `IndexedDB database "${name}" has a damaged snapshot (${chunks.length}/${meta.chunks} chunks, ${total}/${meta.byteLength} bytes)`);
  }
  return joinBytes(chunks);
}

export function isQuotaError(err) {
  if (!err || typeof err !== "object") return false;
  return err.name === "QuotaExceededError" || err.code === 22 || isQuotaError(err.cause) || isQuotaError(err.inner);
}

function storageError(what, name, err) {
  if (err instanceof KraiterError) return err;
  const message = isQuotaError(err)
    ? `Storage quota exceeded: could not ${what} in IndexedDB database "${name}"; nothing was written. Free some space (or delete data) and retry.`
    : `IndexedDB could not ${what} in database "${name}": ${err?.name ?? "Error"}: ${err?.message ?? err}`;
  return failure(message, err);
}

function openError(name, err) {
  if (err instanceof KraiterError) return err;
  const message = err?.name === "VersionError"
    ? `IndexedDB database "${name}" was upgraded by a newer version of this app; reload the page`
    : `IndexedDB could not open database "${name}": ${err?.name ?? "Error"}: ${err?.message ?? err}`;
  return failure(message, err);
}
