// The worker side of openInWorker(): runs one Kraiter inside a module Web
// Worker and answers the client's postMessage calls, so compute, preview and
// imports over large data never block the page. An app can add its own
// tasks (functions that run next to the Kraiter, with progress reports) by
// making its own worker module that calls serveKraiter({ tasks }).
import { Kraiter, KraiterError, memoryStorage } from "./browser.js";
import { indexedDBStorage } from "./storage/indexeddb.js";
import { SDK_METHODS } from "./commands.js";

/** SDK methods the client may call, as "resource.method": those of the command table (js/commands.js). */
export const METHODS = new Set(SDK_METHODS);

/**
 * @param {{ tasks?: Record<string, (kraiter: Kraiter, args: any, ctx: { progress(p: any): void }) => any> }} [options]
 * @param {DedicatedWorkerGlobalScope} [scope]
 */
export function serveKraiter({ tasks = {} } = {}, scope = self) {
  let kraiter = null;
  let opened = null; // the options it was opened with

  const reply = (id, body) => scope.postMessage({ id, ...body });

  async function open({ storageName, now }, id) {
    if (kraiter) throw new KraiterError("STORAGE_ERROR", "this worker already has an open Kraiter");
    // indexedDBStorage holds the database's Web Lock until close (js/storage/web-lock.js);
    // while another tab has it, opening waits and the page is told.
    const onWaiting = () => reply(id, { progress: { waitingForOtherTab: true } });
    kraiter = await openKraiter({ storageName, now, onWaiting });
    // Every change goes to the page, which has the subscribers: one message
    // per burst (a big import's changes arrive in one turn), in feed order.
    let burst = null;
    kraiter.segments.subscribe("*", (change) => {
      if (burst === null) {
        burst = [];
        queueMicrotask(() => {
          scope.postMessage({ changes: burst });
          burst = null;
        });
      }
      burst.push(change);
    });
    opened = { storageName, now };
    return null;
  }

  function openKraiter({ storageName, now, onWaiting }) {
    const storage = storageName ? indexedDBStorage(storageName, { onWaiting }) : memoryStorage();
    const clock = typeof now === "number" ? () => now : undefined;
    return Kraiter.open({ storage, ...(clock && { now: clock }) });
  }

  /**
   * Leaves the database as one snapshot and no log, so the next page load
   * reads a few large values instead of replaying big imports.
   */
  async function compact() {
    const k = ready();
    if (opened.storageName) await k.compact();
    return null;
  }

  async function handle({ id, op, method, args = [], name, options }) {
    switch (op) {
      case "open":
        return open(options ?? {}, id);
      case "call": {
        if (!METHODS.has(method)) throw new KraiterError("VALIDATION_ERROR", `unknown method ${method}`);
        const k = ready();
        const [resource, fn] = method.includes(".") ? method.split(".") : [null, method];
        return (resource ? k[resource] : k)[fn](...args);
      }
      case "stats":
        return ready()._debugStats();
      case "compact":
        return compact();
      case "task": {
        const task = Object.hasOwn(tasks, name) ? tasks[name] : null;
        if (!task) throw new KraiterError("VALIDATION_ERROR", `unknown task ${name}`);
        return task(ready(), args, { progress: (p) => reply(id, { progress: p }) });
      }
      case "close": {
        const k = kraiter;
        kraiter = null;
        await k?.close();
        opened = null;
        return null;
      }
      default:
        throw new KraiterError("VALIDATION_ERROR", `unknown op ${op}`);
    }
  }

  function ready() {
    if (!kraiter) throw new KraiterError("STORAGE_ERROR", "the Kraiter in this worker is not open");
    return kraiter;
  }

  scope.addEventListener("message", async ({ data }) => {
    try {
      const result = await handle(data);
      reply(data.id, { ok: plain(result) });
    } catch (err) {
      reply(data.id, { error: errorData(err) });
    }
  });
}

/** List pages carry a non-cloneable async iterator; send the plain shape. */
function plain(result) {
  if (result && typeof result === "object" && Array.isArray(result.data) && "nextCursor" in result) {
    return { data: result.data, nextCursor: result.nextCursor };
  }
  return result;
}

function errorData(err) {
  if (err instanceof KraiterError) {
    return { kraiter: true, code: err.code, message: err.message, details: err.details };
  }
  return { kraiter: false, name: err?.name ?? "Error", message: String(err?.message ?? err) };
}
