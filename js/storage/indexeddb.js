// indexedDBStorage(name): the browser storage adapter. Keeps the engine's
// latest snapshot (split into a few large chunks) plus the log of later
// mutations, so reopening a million contacts reads a handful of values.
// Each call is one IndexedDB transaction that resolves on commit; a failed
// one (quota, a closed connection) rejects with STORAGE_ERROR and rolls back.
import { openDB } from "../vendor/idb.js";
import { KraiterError } from "../errors.js";

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
 * @param {{ chunkBytes?: number, blockedTimeoutMs?: number, durability?: "strict" | "relaxed" | "default" }} [options]
 */
export function indexedDBStorage(name, options = {}) {
  if (typeof name !== "string" || name === "") {
    throw new KraiterError("STORAGE_ERROR", "indexedDBStorage(name) needs a non-empty database name");
  }
  if (typeof indexedDB === "undefined") {
    throw new KraiterError("STORAGE_ERROR", "IndexedDB is not available in this environment");
  }
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const blockedTimeoutMs = options.blockedTimeoutMs ?? DEFAULT_BLOCKED_TIMEOUT_MS;
  const txOptions = { durability: options.durability ?? "strict" };

  let connection = null; // Promise<IDBPDatabase> | null: opened lazily, dropped on versionchange
  let queue = Promise.resolve(); // every call runs after the previous one settles
  let closed = false;

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

  /** Runs `job(db)` after every earlier call; maps failures to STORAGE_ERROR. */
  function run(what, job) {
    const result = queue.then(async () => {
      if (closed) throw new KraiterError("STORAGE_ERROR", `IndexedDB storage "${name}" is closed`);
      const db = await connect();
      try {
        return await job(db);
      } catch (err) {
        throw storageError(what, name, err);
      }
    });
    queue = result.catch(() => {});
    return result;
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
      const parts = [];
      for (let at = 0; at < snapshot.byteLength || parts.length === 0; at += chunkBytes) {
        parts.push(snapshot.slice(at, at + chunkBytes));
      }
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

    close: async () => {
      if (closed) return;
      closed = true;
      await queue;
      const db = connection && (await connection.catch(() => null));
      connection = null;
      db?.close();
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
  if (chunks.length === 1) return asBytes(chunks[0]);
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(asBytes(chunk), at);
    at += chunk.byteLength;
  }
  return out;
}

function asBytes(v) {
  return v instanceof Uint8Array ? v : new Uint8Array(v);
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
  const out = new KraiterError("STORAGE_ERROR", message);
  out.cause = err;
  return out;
}

function openError(name, err) {
  if (err instanceof KraiterError) return err;
  const message = err?.name === "VersionError"
    ? `IndexedDB database "${name}" was upgraded by a newer version of this app; reload the page`
    : `IndexedDB could not open database "${name}": ${err?.name ?? "Error"}: ${err?.message ?? err}`;
  const out = new KraiterError("STORAGE_ERROR", message);
  out.cause = err;
  return out;
}
