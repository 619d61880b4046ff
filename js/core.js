// The engine room behind the SDK: one wasm Engine plus one storage adapter.
// Every mutation runs through one promise queue and follows plan → append →
// commit, so a call that fails (bad input or a storage error) changes
// nothing, and reopening the storage replays exactly the acknowledged calls.
// The log is compacted into a snapshot once it outgrows the last snapshot.

import { Engine, memoryBytes } from "./wasm/kraiter_segments.js";
import { KraiterError, fromCore, invalid } from "./errors.js";

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
 * The path of the first NaN or ±Infinity in `v`, or null. JSON.stringify
 * writes them as null, which the API reads as "absent" (a NaN timestamp
 * would become now, a NaN property on update would delete the key), so they
 * are rejected instead. Only run when the JSON has a null in it: a replacer
 * function on every value would cost a quarter of a bulk import.
 */
function nonFinitePath(v, path = "") {
  if (typeof v === "number") return Number.isFinite(v) ? null : path;
  if (v === null || typeof v !== "object" || typeof v.toJSON === "function") return null;
  for (const [k, x] of Object.entries(v)) {
    const p = nonFinitePath(x, Array.isArray(v) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
    if (p !== null) return p;
  }
  return null;
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
  #idleTimer = null;

  constructor(engine, storage, clock, logBytes, snapshotBytes) {
    this.#engine = engine;
    this.#storage = storage;
    this.#clock = clock;
    this.#logBytes = logBytes;
    this.#snapshotBytes = snapshotBytes;
  }

  /** Builds the engine from what `storage.load()` returned: the snapshot, then the log replayed. */
  static restore(state, storage, clock) {
    const { snapshot, log = [] } = state ?? {};
    let engine;
    try {
      engine = snapshot ? Engine.restore(snapshot) : new Engine();
    } catch (e) {
      throw fromCore(e);
    }
    let logBytes = 0;
    for (const entry of log) {
      logBytes += entry.length;
      try {
        engine.plan(entry);
        engine.commit();
      } catch {
        // An entry was planned successfully before it was written, and
        // replay is deterministic, so this cannot happen; if a log was
        // edited by hand, the entry is skipped rather than losing the rest.
      }
    }
    return new Core(engine, storage, clock, logBytes, snapshot?.length ?? 0);
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
    let text;
    try {
      text = JSON.stringify({ cmd, now, seed: seed ? randomSeed() : undefined, input });
    } catch (e) {
      throw invalid("", `input cannot be serialised as JSON: ${e.message}`);
    }
    if (text.includes("null")) {
      let path = null;
      try {
        path = nonFinitePath(input);
      } catch {
        // Too deep to walk here; the engine rejects input that deep anyway.
      }
      if (path !== null) throw invalid(path, "must be a finite number (NaN and Infinity have no JSON form)");
    }
    return text;
  }

  #checkOpen() {
    if (this.#closed) throw new KraiterError("STORAGE_ERROR", "This Kraiter instance is closed.");
  }

  /** A read against the committed state. */
  query(cmd, input) {
    const entry = this.#entry(cmd, input, false);
    try {
      return JSON.parse(this.#engine.query(entry));
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

  /** The body of a mutation; only call from inside `enqueue`. */
  async mutateNow(cmd, input) {
    const entry = this.#entry(cmd, input, true);
    try {
      this.#engine.plan(entry);
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
    if (this.#logBytes > Math.max(COMPACT_MIN_BYTES, COMPACT_FACTOR * this.#snapshotBytes)) await this.#compact(false);
    this.#scheduleIdleCompaction();
    return reply == null ? undefined : JSON.parse(reply);
  }

  /**
   * The text lane, for the Worker's Durable Object (js/worker/): a read
   * whose input is JSON text, answered with the engine's reply text, with no
   * JSON.parse or JSON.stringify of the input or the reply on the way.
   * `inputText` must be exactly one well-formed JSON value (the Worker has
   * parsed it); `id`, if given, becomes the entry's `id` (the path's id).
   */
  queryText(cmd, inputText, { id } = {}) {
    const entry = this.#entryText(cmd, inputText, id, false);
    try {
      return this.#engine.query(entry);
    } catch (e) {
      throw fromCore(e);
    }
  }

  /** The text lane's mutation: queued, planned, logged, committed; resolves to the reply text or null. */
  mutateText(cmd, inputText, { id } = {}) {
    return this.enqueue(async () => {
      const entry = this.#entryText(cmd, inputText, id, true);
      try {
        this.#engine.plan(entry);
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
      if (this.#logBytes > Math.max(COMPACT_MIN_BYTES, COMPACT_FACTOR * this.#snapshotBytes)) await this.#compact(false);
      this.#scheduleIdleCompaction();
      return reply ?? null;
    });
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

  async close() {
    if (this.#closed) return;
    await this.#queue;
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    if (this.#logBytes > 0) await this.#compact(false); // the next open reads one snapshot
    this.#closed = true;
    this.#engine.free();
    await this.#storage.close?.();
  }
}
