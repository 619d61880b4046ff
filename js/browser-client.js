// openInWorker(): the Kraiter SDK surface on the page, with the Kraiter
// itself in a module Web Worker (js/browser-worker.js by default) so that
// compute, preview and imports over a million contacts leave the page's
// main thread free. Every method posts one message and resolves with the
// worker's answer; errors come back as KraiterErrors.
import { KraiterError } from "./errors.js";
import { COMMANDS, RESOURCES } from "./commands.js";
import { makePage } from "./page.js";

/**
 * @param {{
 *   storageName?: string | null, // IndexedDB database; null keeps data in worker memory
 *   now?: number,                // a fixed clock (epoch ms), for tests and demos
 *   worker?: Worker | URL | string, // a worker running serveKraiter (default: js/browser-worker.js)
 *   onWaiting?: () => void,      // another tab holds this database; opening waits for it
 * }} [options]
 */
export async function openInWorker(options = {}) {
  const { storageName = "kraiter-segments", now, worker, onWaiting } = options;
  // The default worker is spelled out literally so bundlers (Vite, webpack)
  // recognise `new Worker(new URL(…, import.meta.url))` and bundle it.
  const w = worker instanceof Worker
    ? worker
    : worker
      ? new Worker(worker, { type: "module" })
      : new Worker(new URL("./browser-worker.js", import.meta.url), { type: "module" });
  const client = new WorkerKraiter(w);
  try {
    await client._send({ op: "open", options: { storageName, now } }, (p) => p?.waitingForOtherTab && onWaiting?.());
  } catch (err) {
    w.terminate();
    throw err;
  }
  return client;
}

class WorkerKraiter {
  #worker;
  #next = 1;
  #pending = new Map();
  #listeners = new Set();

  constructor(worker) {
    this.#worker = worker;
    worker.addEventListener("message", ({ data }) => this.#receive(data));
    worker.addEventListener("error", (event) => this.#failAll(event.message || "the worker failed to load"));
    // One proxy method per SDK method of the command table (js/commands.js).
    for (const resource of RESOURCES) this[resource] = {};
    this.segments.subscribe = (id, listener) => this.#subscribe(id, listener);
    for (const command of COMMANDS.filter((c) => c.sdk !== false && !c.local)) {
      const method = command.name;
      let fn;
      if (command.paged) {
        const withId = command.args[0] === "id";
        fn = (...args) => {
          const fetch = (params) => this._send({ op: "call", method, args: withId ? [args[0], params] : [params] });
          const params = (withId ? args[1] : args[0]) ?? {};
          const wrap = (page) => makePage(page, (cursor) => fetch({ ...params, cursor }).then(wrap));
          return fetch(params).then(wrap);
        };
      } else {
        fn = (...args) => this._send({ op: "call", method, args });
      }
      (command.resource ? this[command.resource] : this)[command.method] = fn;
    }
  }

  /** `{ contacts, events, segments, heapBytes }` of the engine in the worker. */
  stats() {
    return this._send({ op: "stats" });
  }

  /**
   * Writes one snapshot of everything to IndexedDB, so the next open reads
   * a few large values rather than replaying a long log. Worth calling after
   * large imports; other calls wait for it.
   */
  compact() {
    return this._send({ op: "compact" });
  }

  /** Runs a task the worker registered with serveKraiter({ tasks }). */
  task(name, args, { onProgress } = {}) {
    return this._send({ op: "task", name, args }, onProgress);
  }

  /** Closes the Kraiter (and its database) and ends the worker. */
  async close() {
    try {
      await this._send({ op: "close" });
    } finally {
      this.#worker.terminate();
      this.#failAll("the Kraiter is closed");
    }
  }

  _send(message, onProgress) {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      this.#worker.postMessage({ ...message, id });
    });
  }

  /** Page-side subscribers of the worker's change stream (the worker posts every change). */
  #subscribe(id, listener) {
    if (typeof listener !== "function") throw new KraiterError("VALIDATION_ERROR", "listener must be a function", [{ path: "listener", message: "must be a function" }]);
    const entry = { id, listener };
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  #receive({ id, ok, error, progress, changes }) {
    if (changes) {
      for (const change of changes) {
        for (const l of [...this.#listeners]) {
          if (l.id !== "*" && l.id !== change.segmentId) continue;
          try {
            l.listener(change);
          } catch (e) {
            console.error("kraiter-segments: a change subscriber threw", e); // the others still hear of it
          }
        }
      }
      return;
    }
    const p = this.#pending.get(id);
    if (!p) return;
    if (progress !== undefined) {
      p.onProgress?.(progress);
      return;
    }
    this.#pending.delete(id);
    if (error) p.reject(toError(error));
    else p.resolve(ok);
  }

  #failAll(message) {
    for (const p of this.#pending.values()) p.reject(new KraiterError("STORAGE_ERROR", message));
    this.#pending.clear();
  }
}

function toError(e) {
  if (e.kraiter) return new KraiterError(e.code, e.message, e.details);
  return Object.assign(new Error(e.message), { name: e.name });
}
