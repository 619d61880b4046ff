// The engine room behind the SDK: one wasm Engine plus one storage adapter.
// Every mutation runs through one promise queue and follows plan → append →
// commit, so a call that fails (bad input or a storage error) changes
// nothing, and reopening the storage replays exactly the acknowledged calls.
// The log is compacted into a snapshot once it outgrows the last snapshot.

import { Engine, memoryBytes } from "./wasm/kraiter_segments.js";
import { KraiterError, fromCore, invalid } from "./errors.js";
import { entryText } from "./json-input.js";
import { zonesFor } from "./zones.js";

/**
 * Entries longer than this cross into wasm as UTF-8 bytes (one copy):
 * wasm-bindgen copies a string a character at a time, which for a text
 * import of 100 MB took over a second.
 */
const BYTES_OVER = 1 << 16;
/** Between a text import's command and its text: no JSON text holds it raw (src/api/mod.rs). */
const BODY_SEPARATOR = "\u001e";
const encoder = new TextEncoder();

/** `engine.plan(entry)`, large entries as bytes. */
function planEntry(engine, entry) {
  if (entry.length > BYTES_OVER) engine.planBytes(encoder.encode(entry));
  else engine.plan(entry);
}

/**
 * The log is compacted into a snapshot once it is larger than this many bytes
 * and than twice the last snapshot: reopening then replays at most about
 * that much, and bulk imports rewrite the snapshot only a few times.
 */
const COMPACT_MIN_BYTES = 16 << 20;
const COMPACT_FACTOR = 2;
/**
 * After a burst of mutations, once the instance has been idle this long, a
 * log of at least IDLE_COMPACT_BYTES is compacted too, so a tab closed
 * without close() still reopens from one snapshot.
 */
const IDLE_MS = 1000;
const IDLE_COMPACT_BYTES = 1 << 20;
/**
 * Timer wakes for live segments are at least this far apart, so a tenant
 * whose members change every few milliseconds with time applies them in
 * batches (each change still within a second of falling due).
 */
const WAKE_GAP_MS = 500;

/** What went wrong, in words, whatever was thrown (a core error object, an Error, a wasm trap). */
function reason(e) {
  if (e instanceof WebAssembly.RuntimeError) return `the engine trapped (${e.message})`;
  return e?.message ?? String(e);
}

/** STORAGE_ERROR for stored data that cannot be read back: `what`, then why. */
function unreadable(what, e) {
  const err = new KraiterError("STORAGE_ERROR", `${what}: ${reason(e)}`);
  err.cause = e;
  return err;
}

function randomSeed() {
  return Array.from(crypto.getRandomValues(new Uint32Array(4)));
}

export class Core {
  #engine;
  #storage;
  #clock;
  #queue = Promise.resolve();
  #logBytes = 0;
  #snapshotBytes = 0;
  #closed = false;
  #closing = null;
  #idleTimer = null;
  /** When live segments next need the clock applied (epoch ms), or null. */
  #wakeAt = null;
  #wakeTimer = null;
  /** performance.now() of the last timer wake: wakes are at least WAKE_GAP_MS apart. */
  #lastWake = -Infinity;
  /** Change listeners: called with each Change after its command is durable. */
  #listeners = new Set();

  constructor(engine, storage, clock, logBytes, snapshotBytes) {
    this.#engine = engine;
    this.#storage = storage;
    this.#clock = clock;
    this.#logBytes = logBytes;
    this.#snapshotBytes = snapshotBytes;
  }

  /**
   * Builds the engine from what `storage.load()` returned: the snapshot, then
   * the log replayed. An entry that cannot be replayed (it was planned before
   * it was written and replay is deterministic, so its bytes changed in
   * storage) is a STORAGE_ERROR naming its position, unless
   * `onCorruptEntry` is "skip": then it is left out and listed in
   * `openReport.skipped`. Never dropped without saying so.
   */
  static restore(state, storage, clock, { onCorruptEntry = "fail" } = {}) {
    const { snapshot = null, log = [] } = state ?? {};
    if (!Array.isArray(log) || (snapshot !== null && !(snapshot instanceof Uint8Array))) {
      throw new KraiterError("STORAGE_ERROR", "The storage adapter's load() did not return { snapshot: Uint8Array | null, log: string[] }.");
    }
    let engine;
    try {
      engine = snapshot ? Engine.restore(snapshot) : new Engine();
    } catch (e) {
      throw unreadable(`The stored snapshot (${snapshot.length} bytes) cannot be restored`, e);
    }
    let logBytes = 0;
    const skipped = [];
    for (let i = 0; i < log.length; i++) {
      const entry = log[i];
      try {
        if (typeof entry !== "string") throw new TypeError(`it is a ${entry === null ? "null" : typeof entry}, not a string`);
        planEntry(engine, entry);
      } catch (e) {
        const position = i + 1;
        const message = reason(e);
        if (onCorruptEntry === "skip" && !(e instanceof WebAssembly.RuntimeError)) {
          skipped.push({ position, message, entry });
          logBytes += entry?.length ?? 0; // so close() compacts, and the skipped entry leaves storage
          continue;
        }
        try {
          engine.free();
        } catch {
          // A trapped instance may refuse even this; nothing else holds the engine.
        }
        throw unreadable(`Log entry ${position} of ${log.length} cannot be replayed`, e);
      }
      engine.commit();
      logBytes += entry.length;
    }
    const core = new Core(engine, storage, clock, logBytes, snapshot?.length ?? 0);
    core.#wakeAt = engine.wakeAt() ?? null;
    core.openReport = Object.freeze({ snapshotBytes: snapshot?.length ?? 0, logEntries: log.length, skipped: Object.freeze(skipped) });
    return core;
  }

  /** The clock, in epoch milliseconds. */
  now() {
    const t = this.#clock();
    const ms = t instanceof Date ? t.getTime() : typeof t === "number" ? t : NaN;
    if (!Number.isFinite(ms)) throw invalid("now", "the now() option must return a finite number of milliseconds or a valid Date");
    return Math.floor(ms);
  }

  #entry(cmd, input, seed) {
    this.#checkOpen();
    const now = this.now();
    return entryText({ cmd, now, seed: seed ? randomSeed() : undefined, input }, input);
  }

  #checkOpen() {
    if (this.#closed) throw new KraiterError("STORAGE_ERROR", "This Kraiter instance is closed.");
  }

  /** A read against the committed state, as it is (no time-driven changes applied first). */
  query(cmd, input) {
    return JSON.parse(this.#queryEntry(this.#entry(cmd, input, false)));
  }

  /**
   * A read: first the time-driven changes that are due at the clock's value
   * (live segments), then what the input needs (the time zone database).
   */
  async queryAsync(cmd, input) {
    await this.applyDue();
    const entry = this.#entry(cmd, input, false);
    await zonesFor(entry);
    return JSON.parse(this.#queryEntry(entry));
  }

  /** When live segments next need the clock applied (epoch ms), or null. */
  nextWakeAt() {
    return this.#wakeAt;
  }

  /**
   * Applies the time-driven changes of live segments that are due at the
   * clock's current value (a logged `segments.tick`, after queued work).
   * Resolves at once when nothing is due.
   */
  async applyDue() {
    if (this.#closed || this.#wakeAt === null || this.now() < this.#wakeAt) return;
    await this.enqueue(async () => {
      if (this.#closed || this.#wakeAt === null || this.now() < this.#wakeAt) return;
      await this.#apply(this.#entry("segments.tick", null, true));
    });
  }

  /**
   * Calls `listener(change)` for every membership change, in feed order,
   * once the command that recorded it is durable. Returns the unsubscribe
   * function.
   */
  onChange(listener) {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #publish() {
    if (this.#listeners.size === 0 || this.#engine.changeCount() === 0) return;
    const changes = JSON.parse(this.#engine.changes());
    for (const change of changes) {
      for (const listener of [...this.#listeners]) {
        try {
          listener(change);
        } catch (e) {
          // A subscriber's failure is its own: the change is recorded and the others still hear of it.
          console.error("kraiter-segments: a change subscriber threw", e);
        }
      }
    }
  }

  /** Arms the timer for the next time-driven change (unref'd: it never keeps a process alive). */
  #scheduleWake() {
    if (this.#wakeTimer !== null) clearTimeout(this.#wakeTimer);
    this.#wakeTimer = null;
    if (this.#closed || this.#wakeAt === null) return;
    let delay;
    try {
      delay = Math.max(0, this.#wakeAt - this.now(), this.#lastWake + WAKE_GAP_MS - performance.now());
    } catch {
      return; // a broken clock is reported by the next call that reads it
    }
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = null;
      this.#lastWake = performance.now();
      this.applyDue().catch((e) => console.error("kraiter-segments: applying time-driven changes failed", e)).finally(() => {
        if (this.#wakeTimer === null) this.#scheduleWake();
      });
    }, Math.min(delay, 2 ** 30));
    this.#wakeTimer.unref?.();
  }

  /** Arms the wake timer once the instance is open (Kraiter.open calls it). */
  startClock() {
    this.#scheduleWake();
  }

  #queryEntry(entry) {
    try {
      return entry.length > BYTES_OVER ? this.#engine.queryBytes(encoder.encode(entry)) : this.#engine.query(entry);
    } catch (e) {
      throw fromCore(e);
    }
  }

  /** Runs `fn` after every mutation queued before it. */
  enqueue(fn) {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** A mutation: queued, planned, logged, committed. */
  mutate(cmd, input) {
    return this.enqueue(() => this.mutateNow(cmd, input));
  }

  /**
   * A text import: its entry is the command, U+001E, then the text as it
   * came (README, "Imports from text"); the engine reads the text itself.
   */
  mutateBody(cmd, input, body) {
    return this.enqueue(async () => {
      const reply = await this.#apply(`${this.#entry(cmd, input, true)}${BODY_SEPARATOR}${body}`);
      return reply == null ? undefined : JSON.parse(reply);
    });
  }

  /** A text import's dry run (a query: nothing is stored). */
  async queryBody(cmd, input, body) {
    await this.applyDue();
    const entry = `${this.#entry(cmd, input, false)}${BODY_SEPARATOR}${body}`;
    await zonesFor(entry);
    return JSON.parse(this.#queryEntry(entry));
  }

  /** The body of a mutation; only call from inside `enqueue`. */
  async mutateNow(cmd, input) {
    const reply = await this.#apply(this.#entry(cmd, input, true));
    return reply == null ? undefined : JSON.parse(reply);
  }

  /** Plan → append → commit of one entry (text); resolves to the reply text or null. */
  async #apply(entry) {
    await zonesFor(entry);
    try {
      planEntry(this.#engine, entry);
    } catch (e) {
      throw fromCore(e);
    }
    try {
      await this.#storage.append(entry);
    } catch (e) {
      this.#engine.discard();
      throw fromCore(e);
    }
    const reply = this.#engine.commit();
    this.#logBytes += entry.length;
    this.#wakeAt = this.#engine.wakeAt() ?? null;
    this.#publish();
    this.#scheduleWake();
    if (this.#logBytes > Math.max(COMPACT_MIN_BYTES, COMPACT_FACTOR * this.#snapshotBytes)) await this.#compact(false);
    this.#scheduleIdleCompaction();
    return reply ?? null;
  }

  /**
   * The text lane, for the Worker's Durable Object (js/worker/): a read
   * whose input is JSON text, answered with the engine's reply text, with no
   * JSON.parse or JSON.stringify of the input or the reply on the way.
   * `inputText` must be exactly one well-formed JSON value (the Worker has
   * parsed it); `id`, if given, becomes the entry's `id` (the path's id).
   */
  async queryText(cmd, inputText, { id } = {}) {
    await this.applyDue();
    const entry = this.#entryText(cmd, inputText, id, false);
    await zonesFor(entry);
    return this.#queryEntry(entry);
  }

  /** The text lane's mutation: queued, planned, logged, committed; resolves to the reply text or null. */
  mutateText(cmd, inputText, { id } = {}) {
    return this.enqueue(() => this.#apply(this.#entryText(cmd, inputText, id, true)));
  }

  /** `{"cmd":…,"now":…,"seed":[…],"id":…,"input":<inputText>}`, the input spliced in as it is. */
  #entryText(cmd, inputText, id, seed) {
    this.#checkOpen();
    let text = `{"cmd":${JSON.stringify(cmd)},"now":${this.now()}`;
    if (seed) text += `,"seed":[${randomSeed().join(",")}]`;
    if (id !== undefined) text += `,"id":${JSON.stringify(String(id))}`;
    if (inputText !== undefined && inputText !== null) text += `,"input":${inputText}`;
    return `${text}}`;
  }

  #scheduleIdleCompaction() {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      if (!this.#closed && this.#logBytes >= IDLE_COMPACT_BYTES) this.enqueue(() => this.#compact(false));
    }, IDLE_MS);
    this.#idleTimer.unref?.(); // never keeps a Node process alive
  }

  /** Writes a snapshot and empties the log, after queued work. */
  compact() {
    return this.enqueue(() => this.#compact(true));
  }

  async #compact(report) {
    if (this.#closed) return;
    const snapshot = this.#engine.snapshot();
    try {
      await this.#storage.compact(snapshot);
      this.#logBytes = 0;
      this.#snapshotBytes = snapshot.length;
    } catch (e) {
      // The snapshot and log already stored are still a complete state;
      // automatic compaction is simply tried again later.
      if (report) throw fromCore(e);
    }
  }

  snapshot() {
    this.#checkOpen();
    return this.#engine.snapshot();
  }

  memoryBytes() {
    return memoryBytes();
  }

  /**
   * After queued work: compacts, frees the engine, closes the storage. Goes
   * through the queue, so work queued later finds the instance closed; every
   * call returns the first call's promise (the engine is freed once).
   */
  close() {
    this.#closing ??= this.enqueue(async () => {
      if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
      if (this.#wakeTimer !== null) clearTimeout(this.#wakeTimer);
      if (this.#logBytes > 0) await this.#compact(false); // the next open reads one snapshot
      this.#closed = true;
      this.#engine.free();
      try {
        await this.#storage.close?.();
      } catch (e) {
        throw fromCore(e);
      }
    });
    return this.#closing;
  }
}
