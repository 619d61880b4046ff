// The Durable Object that holds one tenant (one API key): its Kraiter instance,
// opened on its own Durable Object storage, runs every operation for that key, so
// no key can ever reach another's segments, contacts, events or webhooks.
//
// Background computes: `POST .../compute` answers 202 at once. The computation
// is kept alive with ctx.waitUntil, and a pending marker plus an alarm make
// sure a computation acknowledged just before the object was evicted still
// runs: the alarm recomputes any segment whose marker outlived its compute.
//
// Webhooks (webhooks.js, delivery.js): every change the engine records kicks a
// delivery pass (kraiter.segments.subscribe("*")), which runs beside the REST
// answers. The one alarm (alarms.js) also wakes live segments
// (kraiter.nextWakeAt(), applyDue()) and retries failed deliveries.
import { DurableObject } from "cloudflare:workers";
import { Kraiter } from "../workerd.js";
import { durableObjectStorage } from "../storage/durable-object.js";
import { COMMAND } from "../commands.js";
import { runOperation } from "./operations.js";
import { Alarms } from "./alarms.js";
import { retryConfig } from "./backoff.js";
import { Delivery } from "./delivery.js";
import { Webhooks } from "./webhooks.js";

const PENDING = "worker/pending-compute/"; // + segment id → queuedAt
const RECOVERY_DELAY_MS = 60_000;

export class TenantObject extends DurableObject {
  #opening = null;
  #alarms;
  #webhooks;
  #delivery;

  constructor(ctx, env) {
    super(ctx, env);
    this.#alarms = new Alarms(ctx.storage);
    this.#webhooks = new Webhooks(ctx.storage, { removed: (id) => this.#delivery.removed(id) });
    this.#delivery = new Delivery({
      storage: ctx.storage,
      kraiter: () => this.#kraiter(),
      records: this.#webhooks,
      alarms: this.#alarms,
      config: retryConfig(env),
      waitUntil: (promise) => ctx.waitUntil(promise),
    });
  }

  /** The tenant's Kraiter and webhooks, opened once per object lifetime (retried if opening failed). */
  #kraiter() {
    if (!this.#opening) {
      this.#opening = this.#open();
      this.#opening.catch(() => { this.#opening = null; });
    }
    return this.#opening;
  }

  async #open() {
    const kraiter = await Kraiter.open({ storage: durableObjectStorage(this.ctx.storage) });
    try {
      await this.#webhooks.load();
      kraiter.segments.subscribe("*", (change) => this.#delivery.kick(change.segmentId));
      await this.#alarms.arm(kraiter.nextWakeAt());
    } catch (error) {
      await kraiter.close().catch(() => {});
      throw error;
    }
    // Whatever a previous lifetime of the object left undelivered goes out now.
    if (this.#webhooks.size > 0) this.#delivery.runAll();
    return kraiter;
  }

  /**
   * RPC from the Worker: runs one command of the table (js/commands.js) and
   * answers `{ status, text }`, `text` being the JSON body (null for no
   * content). Only strings and small objects cross RPC: the body arrives as
   * its text (`bodyText`) and the engine's reply goes back as its text.
   * Errors come back as the envelope, never as a thrown exception, so their
   * code and details survive RPC.
   */
  async handle(name, request) {
    const command = COMMAND[name];
    if (!command?.rest) return envelope(500, "INTERNAL_ERROR", `Unknown operation ${name}`);
    try {
      const kraiter = await this.#kraiter();
      if (command.kind === "worker") return await this.#webhooks.handle(command, request, kraiter);
      const writes = command.kind === "mutation" || command.name === "segments.compute";
      const result = await runOperation(kraiter, command, request, this);
      if (writes) await this.#alarms.arm(kraiter.nextWakeAt()); // a live segment may now change at another time
      return result;
    } catch (error) {
      return errorResult(error);
    }
  }

  /** Called after a compute is queued: persists a marker, keeps the work alive, arms recovery. */
  async afterCompute(id, queuedAt) {
    await this.ctx.storage.put(PENDING + id, queuedAt);
    await this.#alarms.arm(Date.now() + RECOVERY_DELAY_MS);
    this.ctx.waitUntil(this.#finish(id, queuedAt));
  }

  async #finish(id, queuedAt) {
    try {
      const kraiter = await this.#kraiter();
      await kraiter.segments.waitForCompute(id);
    } catch (error) {
      if (error?.code !== "NOT_FOUND") {
        console.error(`compute of ${id} failed`, error);
        return; // keep the marker: the alarm retries
      }
    }
    await this.#clearMarker(id, queuedAt);
  }

  async #clearMarker(id, queuedAt) {
    // Only the marker this compute wrote: a later compute may have replaced it.
    if ((await this.ctx.storage.get(PENDING + id)) === queuedAt) await this.ctx.storage.delete(PENDING + id);
  }

  /**
   * The one alarm: live segments take the clock (changes they make kick
   * deliveries), lost computes are recovered, due webhook retries run; then
   * it is re-armed at the earliest time any of them needs.
   */
  async alarm() {
    await this.#alarms.fire([
      ["live segments", async () => (await this.#kraiter()).applyDue()],
      ["compute recovery", () => this.#recoverComputes()],
      ["webhook retries", () => this.#delivery.runDue()], // starts passes, does not wait: a slow receiver must not hold the alarm
    ], [
      ["live segments", async () => (await this.#kraiter()).nextWakeAt()],
      ["compute recovery", async () => ((await this.ctx.storage.list({ prefix: PENDING, limit: 1 })).size ? Date.now() + RECOVERY_DELAY_MS : null)],
      ["webhook retries", () => this.#delivery.nextWakeAt()],
    ]);
  }

  /** Any marker still here belongs to a compute that may have died with the object. */
  async #recoverComputes() {
    const pending = await this.ctx.storage.list({ prefix: PENDING });
    if (pending.size === 0) return;
    const kraiter = await this.#kraiter();
    for (const [key, queuedAt] of pending) {
      const id = key.slice(PENDING.length);
      try {
        const segment = await kraiter.segments.waitForCompute(id);
        if (segment.computedAt === null || Date.parse(segment.computedAt) < Date.parse(queuedAt)) {
          await kraiter.segments.compute(id);
          await kraiter.segments.waitForCompute(id);
        }
      } catch (error) {
        if (error?.code !== "NOT_FOUND") throw error; // the marker stays: the next alarm retries
      }
      await this.#clearMarker(id, queuedAt);
    }
  }
}

function envelope(status, code, message, details) {
  const error = { code, message };
  if (details !== undefined) error.details = details;
  return { status, text: JSON.stringify({ error }) };
}

/** A KraiterError (code + status) keeps both; anything else is a 500 without internals. */
function errorResult(error) {
  if (error && typeof error.code === "string" && Number.isInteger(error.status)) {
    return envelope(error.status, error.code, error.message, error.details ?? undefined);
  }
  console.error("unexpected error in tenant object", error);
  return envelope(500, "INTERNAL_ERROR", "Internal error");
}
