// The Kraiter class: the package's front door, shared by every runtime.
// `Kraiter.open` loads the wasm (through the runtime entry's loader), opens
// the storage and replays it; the three resources mirror the kraiter SDK.

import { Core } from "./core.js";
import { Contacts } from "./contacts.js";
import { fromCore, invalid } from "./errors.js";
import { Events } from "./events.js";
import { Segments } from "./segments.js";
import { memoryStorage } from "./storage/memory.js";
import { ensureWasm } from "./wasm-init.js";

export class Kraiter {
  #core;

  constructor(core) {
    this.#core = core;
    this.segments = new Segments(core);
    this.contacts = new Contacts(core);
    this.events = new Events(core);
  }

  /**
   * @param {{ storage?: object, now?: () => number | Date }} [options]
   */
  static async open(options = {}) {
    const { storage = memoryStorage(), now = Date.now } = options ?? {};
    if (typeof now !== "function") throw invalid("now", "now must be a function returning milliseconds or a Date");
    for (const m of ["load", "append", "compact"]) {
      if (typeof storage?.[m] !== "function") throw invalid("storage", `storage adapter is missing ${m}()`);
    }
    let state;
    try {
      // Wasm start-up and the storage read overlap.
      [, state] = await Promise.all([ensureWasm(), storage.load()]);
    } catch (e) {
      throw fromCore(e);
    }
    return new Kraiter(Core.restore(state, storage, now));
  }

  /**
   * Writes a snapshot of everything and empties the storage log now. This
   * also happens on its own (when the log outgrows the snapshot, when the
   * instance goes idle, and on close); call it after a bulk load to make the
   * next open as fast as it can be.
   */
  async compact() {
    await this.#core.compact();
  }

  /** Waits for queued work, then releases wasm memory and the storage handle. */
  async close() {
    await this.#core.close();
  }

  /** Engine state as bytes (what storage snapshots hold). For benchmarks. */
  _debugSnapshot() {
    return this.#core.snapshot();
  }

  /** Bytes of wasm linear memory of this module instance. For benchmarks. */
  _debugMemoryBytes() {
    return this.#core.memoryBytes();
  }

  /** Counts and engine heap estimate. For benchmarks and the demo app. */
  _debugStats() {
    return this.#core.query("stats", {});
  }
}
