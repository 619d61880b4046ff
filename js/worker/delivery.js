// Delivering segment changes to a tenant's webhooks (README.md "Webhooks").
//
// Per webhook and per segment a cursor (the id of the last change the
// receiver acknowledged) is kept in Durable Object storage; a pass reads
// each segment's feed after its cursor in pages of up to 100
// (kraiter.segments.changes), POSTs each page as one signed batch and moves
// the cursor only after a 2xx. One pass per webhook runs at a time, so a
// segment's changes go out in feed order; webhooks' passes run side by side,
// so a slow receiver holds up only itself. A batch that fails (not 2xx, or
// no answer within 10 s) stops the webhook's pass and is tried again, first,
// on the schedule of backoff.js through the object's alarm; a batch failing
// for 24 h is given up (console.error) and the cursor moves past it.
import { afterFailure, TIMEOUT_MS } from "./backoff.js";
import { SIGNATURE_HEADER, signatureHeader } from "./signature.js";

const CURSOR_PREFIX = "worker/webhook-cursor/"; // + webhook id + "/" + segment id → change id
const RETRY_PREFIX = "worker/webhook-retry/"; // + webhook id → { segmentId, cursor, failures, firstFailedAt, nextAt, error }
const BATCH = 100;
/** The cursor before every change. */
const ZERO_CURSOR = "chg_00000000000000000000000000";
const USER_AGENT = "kraiter-segments-webhooks/0.1";
const DELETE_AT_ONCE = 128; // storage.delete takes at most 128 keys
/** A pass over every segment a webhook follows (not only those with news). */
const EVERY = Symbol("every segment");

const cursorKey = (webhookId, segmentId) => `${CURSOR_PREFIX}${webhookId}/${segmentId}`;

export class Delivery {
  #storage;
  #kraiter;
  #records;
  #alarms;
  #config;
  #waitUntil;
  #passes = new Map(); // webhook id → { again, stopped, controller, done } while a pass runs
  #news = new Map(); // webhook id → the segment ids its next pass must read, or EVERY
  #kicked = null; // segment ids with changes since the last kick ran

  /**
   * `kraiter`: () → Promise<Kraiter>; `records`: { all(), get(id) } (webhooks.js);
   * `alarms`: alarms.js; `config`: backoff.js retryConfig; `waitUntil`: ctx.waitUntil.
   */
  constructor({ storage, kraiter, records, alarms, config, waitUntil }) {
    this.#storage = storage;
    this.#kraiter = kraiter;
    this.#records = records;
    this.#alarms = alarms;
    this.#config = config;
    this.#waitUntil = waitUntil;
  }

  /** How long a pass may run before the alarm checks on it (an evicted object's pass resumes then). */
  get #safetyMs() {
    return 2 * this.#config.baseMs;
  }

  /**
   * Segment `segmentId` has a new change: on the next task (calls made
   * meanwhile coalesce, so an import's changes make one pass), every webhook
   * reads the feeds of the segments that changed.
   */
  kick(segmentId) {
    if (this.#kicked) {
      this.#kicked.add(segmentId);
      return;
    }
    this.#kicked = new Set([segmentId]);
    this.#waitUntil(new Promise((resolve) => setTimeout(resolve, 0)).then(() => {
      const segmentIds = this.#kicked;
      this.#kicked = null;
      return this.runAll(segmentIds);
    }));
  }

  /**
   * A pass for every webhook over `segmentIds` (default EVERY segment it
   * follows: when the object opens, nothing says what a previous lifetime
   * left unsent). A webhook whose pass is running runs once more after.
   * Resolves when all end.
   */
  runAll(segmentIds = EVERY) {
    const records = this.#records.all();
    for (const { id } of records) {
      const news = this.#news.get(id);
      if (segmentIds === EVERY || news === EVERY) this.#news.set(id, EVERY);
      else this.#news.set(id, new Set([...(news ?? []), ...segmentIds]));
    }
    return Promise.all(records.map((record) => this.#run(record.id)));
  }

  /**
   * The alarm's part: a pass for each webhook whose retry is due or whose
   * last pass failed, unless one is running. (A new object has run every
   * webhook's pass on opening; a live one has a pass for every change.)
   */
  async runDue() {
    const now = Date.now();
    const retries = await this.#storage.list({ prefix: RETRY_PREFIX });
    for (const { id } of this.#records.all()) {
      const retry = retries.get(RETRY_PREFIX + id);
      if (!this.#passes.has(id) && ((retry && retry.nextAt <= now) || this.#news.has(id))) this.#run(id);
    }
  }

  /**
   * When the alarm is next needed for webhooks: the earliest retry of a
   * webhook with no pass running, a check on the running passes, or soon
   * for a webhook whose pass failed.
   */
  async nextWakeAt() {
    const times = [];
    for (const [key, retry] of await this.#storage.list({ prefix: RETRY_PREFIX })) {
      if (!this.#passes.has(key.slice(RETRY_PREFIX.length))) times.push(retry.nextAt);
    }
    if (this.#passes.size > 0) times.push(Date.now() + this.#safetyMs);
    if ([...this.#news.keys()].some((id) => !this.#passes.has(id))) times.push(Date.now() + this.#config.baseMs);
    return times.length ? Math.min(...times) : null;
  }

  /** A webhook was deleted: ends its pass (aborting a request under way), then drops its cursors and retry. */
  async removed(id) {
    const pass = this.#passes.get(id);
    if (pass) {
      pass.stopped = true;
      pass.controller.abort();
      await pass.done;
    }
    const keys = [...(await this.#storage.list({ prefix: `${CURSOR_PREFIX}${id}/` })).keys(), RETRY_PREFIX + id];
    for (let i = 0; i < keys.length; i += DELETE_AT_ONCE) await this.#storage.delete(keys.slice(i, i + DELETE_AT_ONCE));
  }

  #run(id) {
    const running = this.#passes.get(id);
    if (running) {
      running.again = true;
      return running.done;
    }
    const pass = { again: false, stopped: false, controller: new AbortController() };
    this.#passes.set(id, pass);
    // If the object is evicted before the pass ends, this wakes a new one, which runs every pass.
    this.#alarms.arm(Date.now() + this.#safetyMs).catch((error) => console.error("webhooks: could not arm the alarm", error));
    pass.done = (async () => {
      try {
        do {
          pass.again = false;
          await this.#pass(id, pass);
        } while (pass.again && !pass.stopped);
      } catch (error) {
        this.#news.set(id, EVERY); // what this pass was to read is still unread
        console.error(`webhook ${id}: the delivery pass failed; the alarm tries again`, error);
        await this.#alarms.arm(Date.now() + this.#config.baseMs).catch(() => {});
      } finally {
        this.#passes.delete(id);
      }
    })();
    return pass.done;
  }

  /** One pass over a webhook's segments with news; returns early while it waits for a retry. */
  async #pass(id, pass) {
    const record = this.#records.get(id);
    if (!record) return;
    let retry = (await this.#storage.get(RETRY_PREFIX + id)) ?? null;
    if (retry && retry.nextAt > Date.now()) return; // the alarm runs it then, over every segment
    // A retry due means a batch is unread: then every segment, as after opening.
    const news = retry ? EVERY : this.#news.get(id) ?? new Set();
    this.#news.delete(id); // news from here on is for the next pass
    const kraiter = await this.#kraiter();
    let segmentIds = await segmentsOf(record, kraiter, news);
    if (retry && !segmentIds.includes(retry.segmentId)) {
      await this.#storage.delete(RETRY_PREFIX + id); // its segment is gone
      retry = null;
    }
    if (retry) segmentIds = [retry.segmentId, ...segmentIds.filter((s) => s !== retry.segmentId)]; // the failed batch first
    for (const segmentId of segmentIds) {
      let cursor = (await this.#storage.get(cursorKey(id, segmentId))) ?? record.after;
      for (;;) {
        if (pass.stopped) return;
        const changes = await this.#page(kraiter, id, segmentId, cursor);
        if (changes.length === 0) break;
        const sent = await send(record, changes, pass.controller.signal);
        if (pass.stopped) return;
        const last = changes[changes.length - 1].id;
        if (!sent.ok) {
          const same = retry?.segmentId === segmentId && retry.cursor === cursor ? retry : null;
          const next = afterFailure(same, Date.now(), this.#config);
          if (!next.giveUp) {
            retry = { segmentId, cursor, failures: next.failures, firstFailedAt: next.firstFailedAt, nextAt: next.nextAt, error: sent.error };
            await this.#storage.put(RETRY_PREFIX + id, retry);
            await this.#alarms.arm(retry.nextAt);
            return;
          }
          console.error(`webhook ${id} (${record.url}): gave up on a batch of ${changes.length} changes of ${segmentId} (${changes[0].id} to ${last}) ` +
            `after ${next.failures} tries since ${new Date(next.firstFailedAt).toISOString()}; last error: ${sent.error}. They will not be sent again.`);
        }
        await this.#storage.put(cursorKey(id, segmentId), last);
        cursor = last;
        if (retry) {
          await this.#storage.delete(RETRY_PREFIX + id);
          retry = null;
        }
      }
    }
  }

  /** Up to a batch of a segment's changes after `cursor`; none if the segment is gone. */
  async #page(kraiter, id, segmentId, cursor) {
    try {
      return (await kraiter.segments.changes(segmentId, { cursor, limit: BATCH })).data;
    } catch (error) {
      if (error?.code === "NOT_FOUND") {
        await this.#storage.delete(cursorKey(id, segmentId)); // deleted: nothing more will come
        return [];
      }
      const tooOld = error?.code === "VALIDATION_ERROR" && error.details?.some((d) => d.path === "cursor");
      if (!tooOld || cursor === ZERO_CURSOR) throw error;
      console.error(`webhook ${id}: the changes of ${segmentId} after ${cursor} are no longer all kept (a segment keeps its latest 100,000); going on from the oldest kept`);
      return (await kraiter.segments.changes(segmentId, { cursor: ZERO_CURSOR, limit: BATCH })).data;
    }
  }
}

/** The segments of `news` (a set, or EVERY) that a webhook follows, in its order. */
async function segmentsOf(record, kraiter, news) {
  if (news !== EVERY) return record.segmentIds ? record.segmentIds.filter((s) => news.has(s)) : [...news];
  if (record.segmentIds) return record.segmentIds;
  const ids = [];
  for await (const segment of await kraiter.segments.list({ limit: 100 })) ids.push(segment.id);
  return ids;
}

/** POSTs one signed batch: { ok } or { ok: false, error }. A 2xx acknowledges it; redirects are not followed. */
async function send(record, changes, stopSignal) {
  const body = JSON.stringify({ data: changes });
  try {
    const response = await fetch(record.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "kraiter-webhook-id": record.id,
        [SIGNATURE_HEADER]: await signatureHeader(record.secret, body),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.any([AbortSignal.timeout(TIMEOUT_MS), stopSignal]),
    });
    await response.body?.cancel().catch(() => {});
    return response.ok ? { ok: true } : { ok: false, error: `answered ${response.status}` };
  } catch (error) {
    return { ok: false, error: error?.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : String(error?.message ?? error) };
  }
}
