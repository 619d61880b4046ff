// The Kraiter class: the package's front door, shared by every runtime.
// `Kraiter.open` loads the wasm (through the runtime entry's loader), opens
// the storage and replays it; the three resources mirror the kraiter SDK.

import { Core } from "./core.js";
import { Contacts } from "./contacts.js";
import { fromCore, invalid } from "./errors.js";
import { Events } from "./events.js";
import { Segments } from "./segments.js";
import { attachCore, deriveMethods } from "./resource.js";
import { memoryStorage } from "./storage/memory.js";
import { ensureWasm } from "./wasm-init.js";
import { ensureZones, mentionsZone } from "./zones.js";

const OPEN_OPTIONS = ["storage", "now", "onCorruptEntry"];

/** Kraiter.open's options, checked: unknown keys and bad values are VALIDATION_ERRORs, never ignored. */
function openOptions(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) throw invalid("", "Kraiter.open options must be an object");
  for (const key of Object.keys(options)) {
    if (!OPEN_OPTIONS.includes(key)) throw invalid(key, `unknown option; Kraiter.open takes ${OPEN_OPTIONS.join(", ")}`);
  }
  const { storage, now, onCorruptEntry } = options;
  if (now !== undefined && typeof now !== "function") throw invalid("now", "now must be a function returning milliseconds or a Date");
  if (storage !== undefined) {
    for (const m of ["load", "append", "compact"]) {
      if (typeof storage?.[m] !== "function") throw invalid("storage", `storage adapter is missing ${m}()`);
    }
  }
  if (onCorruptEntry !== undefined && onCorruptEntry !== "fail" && onCorruptEntry !== "skip") {
    throw invalid("onCorruptEntry", 'must be "fail" (the default) or "skip"');
  }
  return options;
}

/** Closes an adapter whose open failed; the open's own error is what the caller needs. */
async function closeQuietly(storage) {
  try {
    await storage.close?.();
  } catch {
    // Reported by nothing: the open already failed with the reason.
  }
}

export class Kraiter {
  #core;

  constructor(core) {
    this.#core = core;
    attachCore(this, core);
    this.segments = new Segments(core);
    this.contacts = new Contacts(core);
    this.events = new Events(core);
  }

  /**
   * @param {{ storage?: object, now?: () => number | Date, onCorruptEntry?: "fail" | "skip" }} [options]
   *   onCorruptEntry: what opening does with a stored log entry that cannot
   *   be replayed: "fail" (default) rejects with STORAGE_ERROR naming its
   *   position; "skip" opens without it, reports it in `openReport.skipped`
   *   and warns on the console.
   */
  static async open(options) {
    const { storage = memoryStorage(), now = Date.now, onCorruptEntry = "fail" } = openOptions(options);
    let state;
    try {
      // Wasm start-up and the storage read overlap.
      [, state] = await Promise.all([ensureWasm(), storage.load()]);
      // Rules that name a zone need the time zone database before they replay.
      if (mentionsZone(state?.snapshot) || (Array.isArray(state?.log) && state.log.some(mentionsZone))) await ensureZones();
    } catch (e) {
      await closeQuietly(storage); // release its lock: this instance never opened
      throw fromCore(e);
    }
    let core;
    try {
      core = Core.restore(state, storage, now, { onCorruptEntry });
    } catch (e) {
      await closeQuietly(storage);
      throw fromCore(e);
    }
    const kraiter = new Kraiter(core);
    // Changes that fell due while the storage was closed are applied now.
    try {
      await core.applyDue();
    } catch (e) {
      await core.close().catch(() => {});
      throw fromCore(e);
    }
    core.startClock();
    const { skipped } = core.openReport;
    if (skipped.length > 0) {
      console.warn(`kraiter-segments: opened without ${skipped.length} stored log ${skipped.length === 1 ? "entry" : "entries"} that cannot be replayed (onCorruptEntry: "skip"): ` +
        skipped.map((s) => `entry ${s.position}: ${s.message}`).join("; "));
    }
    return kraiter;
  }

  /**
   * What opening found: `{ snapshotBytes, logEntries, skipped: [{ position,
   * message, entry }] }`. `skipped` lists the log entries left out under
   * `onCorruptEntry: "skip"` (1-based positions in the stored log, the
   * engine's reason, the stored text); it is empty otherwise.
   */
  get openReport() {
    return this.#core.openReport;
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

  /**
   * When live segments next change with time alone (epoch ms), or null.
   * A host that cannot keep a timer (a Durable Object) sets an alarm then
   * and calls `applyDue()`; Node and browsers keep the timer themselves.
   */
  nextWakeAt() {
    return this.#core.nextWakeAt();
  }

  /** Applies live segments' time-driven changes due at the clock's value. */
  async applyDue() {
    await this.#core.applyDue();
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

  /** Any read-only engine command (as `debug.nextChange`). For benchmarks. */
  _debugQuery(cmd, input) {
    return this.#core.query(cmd, input);
  }

  /** Counts and engine heap estimate. For benchmarks and the demo app. */
  _debugStats() {
    return this.#core.query("stats", {});
  }
}

// The table's top-level methods: schema() (what the data holds; README, "Schema").
deriveMethods(Kraiter, null);
