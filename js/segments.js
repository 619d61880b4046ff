// kraiter.segments: the SDK surface of the Kraiter Segments API. Rule logic
// lives in Rust; this file shapes calls and owns the compute queue:
// `compute` answers at once and runs after, calls made while one is queued
// coalesce, `delete` cancels a queued run, `waitForCompute` waits for it.

import { queryPages } from "./page.js";

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** Runs `fn` on the next task: setImmediate in Node (setTimeout(0) waits 1 ms there). */
const nextTask = typeof setImmediate === "function" ? setImmediate : (fn) => setTimeout(fn, 0);

export class Segments {
  #core;
  /** segment id → the queued (not yet started) job */
  #queued = new Map();
  /** segment id → promise of the latest job, queued or running */
  #latest = new Map();

  constructor(core) {
    this.#core = core;
  }

  async create(input) {
    return this.#core.mutate("segments.create", input);
  }

  async list(params = {}) {
    return queryPages(this.#core, "segments.list", {}, params);
  }

  async get(id) {
    return this.#core.query("segments.get", { id });
  }

  async update(id, patch = {}) {
    const input = isObject(patch) ? { ...patch, id } : { id, name: patch };
    return this.#core.mutate("segments.update", input);
  }

  async delete(id) {
    await this.#core.mutate("segments.delete", { id });
    this.#queued.delete(id);
  }

  async listMembers(id, params = {}) {
    return queryPages(this.#core, "segments.listMembers", { id }, params);
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
    job.done = started.then(() =>
      this.#core.enqueue(async () => {
        if (this.#queued.get(id) !== job) return; // cancelled by delete
        this.#queued.delete(id);
        await this.#core.mutateNow("segments.compute", { id });
      }),
    );
    job.done.catch(() => {}); // reported through waitForCompute
    this.#latest.set(id, job.done);
    return { ...job.receipt };
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

  async preview(rules, options = {}) {
    return this.#core.query("segments.preview", { rules, limit: options?.limit });
  }
}
