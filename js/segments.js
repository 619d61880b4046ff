// kraiter.segments: the SDK surface of the Kraiter Segments API. Rule logic
// lives in Rust and the plain methods are derived from the command table
// (js/commands.js); this file owns the compute queue: `compute` answers at
// once and runs after, calls made while one is queued coalesce, `delete`
// cancels a queued run, `waitForCompute` waits for it. While a compute of a
// segment is queued or running, the segment reads with `status: "computing"`
// (the engine itself says "new" or "ready").

import { invalid } from "./errors.js";
import { deriveMethods, Resource, SHAPE, SHAPE_TEXT } from "./resource.js";

/** Runs `fn` on the next task: setImmediate in Node (setTimeout(0) waits 1 ms there). */
const nextTask = typeof setImmediate === "function" ? setImmediate : (fn) => setTimeout(fn, 0);

/** Commands whose answer is a Segment or a page of them, so the overlay applies. */
const RETURNS_SEGMENTS = new Set(["segments.create", "segments.get", "segments.update", "segments.list"]);

export class Segments extends Resource {
  #core;
  /** segment id → the queued (not yet started) job */
  #queued = new Map();
  /** segment id → promise of the latest job, while it is queued or running */
  #latest = new Map();

  constructor(core) {
    super(core);
    this.#core = core;
  }

  async delete(id) {
    await this.#core.mutate("segments.delete", { id });
    this.#queued.delete(id);
  }

  async compute(id) {
    this.#core.query("segments.get", { id }); // NOT_FOUND before anything is queued
    const queued = this.#queued.get(id);
    if (queued) return { ...queued.receipt };
    const job = {
      receipt: { segmentId: id, status: "computing", queuedAt: new Date(this.#core.now()).toISOString() },
    };
    this.#queued.set(id, job);
    // Start on a later task, so calls made in the same turn coalesce.
    const started = new Promise((resolve) => nextTask(resolve));
    const done = started.then(() =>
      this.#core.enqueue(async () => {
        if (this.#queued.get(id) !== job) return; // cancelled by delete
        this.#queued.delete(id);
        await this.#core.mutateNow("segments.compute", { id });
      }),
    );
    this.#latest.set(id, done);
    // Reported through waitForCompute; here only: no longer "computing".
    done.catch(() => {}).then(() => {
      if (this.#latest.get(id) === done) this.#latest.delete(id);
    });
    return { ...job.receipt };
  }

  /**
   * Calls `listener(change)` for every change of segment `id` (or of every
   * segment, for "*"), once, in feed order, after it is durable. Returns
   * the unsubscribe function (not a promise).
   */
  subscribe(id, listener) {
    if (typeof id !== "string") throw invalid("id", 'must be a segment id or "*"');
    if (typeof listener !== "function") throw invalid("listener", "must be a function");
    if (id !== "*") this.#core.query("segments.get", { id }); // NOT_FOUND at once
    return this.#core.onChange(id === "*" ? listener : (change) => {
      if (change.segmentId === id) listener(change);
    });
  }

  async waitForCompute(id) {
    this.#core.query("segments.get", { id });
    for (let p = this.#latest.get(id); p; p = this.#latest.get(id)) {
      try {
        await p;
      } finally {
        if (this.#latest.get(id) === p) this.#latest.delete(id);
      }
    }
    return this.get(id);
  }

  /** A segment with a compute queued or running reads as "computing". */
  #overlay(segment) {
    if (segment && this.#latest.has(segment.id)) segment.status = "computing";
    return segment;
  }

  [SHAPE](command, result) {
    if (!RETURNS_SEGMENTS.has(command.name)) return result;
    if (command.paged) {
      result.data.forEach((s) => this.#overlay(s));
      return result;
    }
    return this.#overlay(result);
  }

  [SHAPE_TEXT](command, text) {
    // Parsed only while some compute is in flight: the reply is engine
    // output, bounded in depth, and most answers pass through untouched.
    if (this.#latest.size === 0 || text === null || !RETURNS_SEGMENTS.has(command.name)) return text;
    return JSON.stringify(this[SHAPE](command, JSON.parse(text)));
  }
}

deriveMethods(Segments, "segments");
