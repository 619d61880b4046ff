// Webhooks of one tenant: their records in the tenant Durable Object's
// storage, the validation of a new one, and what the four REST routes do
// (POST /api/webhooks, GET /api/webhooks, GET and DELETE /api/webhooks/:id;
// README.md "Webhooks"). Delivering changes is delivery.js's job; this file
// tells it when a webhook comes or goes.
//
// A record is { id, url, segmentIds, createdAt, secret, after }: `segmentIds`
// null means every segment, later ones included; `after` is the change
// cursor at creation, so the webhook receives only changes recorded after
// it. The secret is answered once, by the create; no other answer has it.
import { fromCore, KraiterError } from "../errors.js";
import { idGenerator, isId } from "./ids.js";
import { newSecret } from "./signature.js";

export const RECORD_PREFIX = "worker/webhook/"; // + webhook id → record
/** A tenant has at most this many webhooks: each one is a delivery pass per change. */
export const MAX_WEBHOOKS = 100;
const MAX_SEGMENT_IDS = 100;
const MAX_URL_LENGTH = 2048;
const BODY_KEYS = ["url", "segmentIds"];

/** The record as every answer but the create's shows it: no secret, no cursor. */
export const publicView = ({ id, url, segmentIds, createdAt }) => ({ id, url, segmentIds, createdAt });

/** Loopback hosts that may be reached over plain http (a receiver on the same machine). */
function isLoopback(hostname) {
  if (hostname === "localhost" || hostname === "[::1]") return true;
  // The URL parser has already turned 127.1, 0x7f.0.0.1 and the like into dotted decimal.
  const octets = hostname.split(".");
  return octets.length === 4 && octets[0] === "127" && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

/** The problem with a webhook url, or null: https:, or http: to a loopback address, no credentials. */
export function urlProblem(url) {
  const allowed = "an https: URL, or http: to localhost, 127.0.0.0/8 or [::1]";
  if (typeof url !== "string") return `must be a string: ${allowed}`;
  if (url.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return `is not a URL; it must be ${allowed}`;
  }
  if (parsed.username !== "" || parsed.password !== "" || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url)) {
    return "must not hold credentials (user:password@); authenticate the request with the signature";
  }
  if (parsed.protocol === "https:") return null;
  if (parsed.protocol === "http:") return isLoopback(parsed.hostname) ? null : `http: is allowed only to a loopback address (localhost, 127.0.0.0/8, [::1]); use https: for ${parsed.hostname}`;
  return `the scheme ${parsed.protocol} is not allowed; it must be ${allowed}`;
}

function validationError(details) {
  const message = details.length === 1 ? `${details[0].path}: ${details[0].message}` : `${details.length} fields of the webhook are invalid`;
  return new KraiterError("VALIDATION_ERROR", message, details);
}

/** The segment ids' problems as details; every id must name a saved segment, once. */
async function segmentIdDetails(segmentIds, kraiter) {
  if (segmentIds === undefined || segmentIds === null) return [];
  if (!Array.isArray(segmentIds)) return [{ path: "segmentIds", message: "must be an array of segment ids; leave it out (or null) for every segment" }];
  if (segmentIds.length === 0) return [{ path: "segmentIds", message: "must list at least one segment id; leave it out (or null) for every segment" }];
  if (segmentIds.length > MAX_SEGMENT_IDS) return [{ path: "segmentIds", message: `must list at most ${MAX_SEGMENT_IDS} segment ids` }];
  const details = [];
  const seen = new Set();
  for (const [i, id] of segmentIds.entries()) {
    const path = `segmentIds[${i}]`;
    if (typeof id !== "string") {
      details.push({ path, message: "must be a segment id (a string)" });
    } else if (seen.has(id)) {
      details.push({ path, message: `${id} is listed twice` });
    } else {
      seen.add(id);
      try {
        await kraiter.segments.get(id);
      } catch (error) {
        if (error?.code !== "NOT_FOUND") throw error;
        details.push({ path, message: `no segment ${id}` });
      }
    }
  }
  return details;
}

export class Webhooks {
  #storage;
  #delivery;
  #records = new Map(); // id → record, in id (creation) order
  #nextId = idGenerator("whk");

  /** `delivery`: { removed(id) → Promise } (delivery.js), told when a webhook is deleted. */
  constructor(storage, delivery) {
    this.#storage = storage;
    this.#delivery = delivery;
  }

  /** Reads the records once per object lifetime. */
  async load() {
    const stored = await this.#storage.list({ prefix: RECORD_PREFIX });
    this.#records = new Map([...stored.values()].map((record) => [record.id, record]));
    this.#nextId = idGenerator("whk", [...this.#records.keys()].pop());
  }

  get size() {
    return this.#records.size;
  }

  get(id) {
    return this.#records.get(id);
  }

  /** Every record, in creation order. */
  all() {
    return [...this.#records.values()];
  }

  /** One REST request of a webhooks command → { status, text }; rejects with a KraiterError. */
  async handle(command, { params, query, bodyText }, kraiter) {
    switch (command.name) {
      case "webhooks.create":
        return { status: command.rest.status, text: JSON.stringify(await this.#create(JSON.parse(bodyText), kraiter)) };
      case "webhooks.list":
        return { status: command.rest.status, text: JSON.stringify(this.#list(query)) };
      case "webhooks.get":
        return { status: command.rest.status, text: JSON.stringify(publicView(this.#found(params.id))) };
      case "webhooks.delete":
        await this.#delete(this.#found(params.id).id);
        return { status: command.rest.status, text: null };
      default:
        throw new Error(`webhooks.js: no handler for ${command.name}`);
    }
  }

  #found(id) {
    const record = this.#records.get(id);
    if (!record) throw new KraiterError("NOT_FOUND", `No webhook ${id}`);
    return record;
  }

  async #create(body, kraiter) {
    const details = Object.keys(body)
      .filter((key) => !BODY_KEYS.includes(key))
      .map((key) => ({ path: key, message: `unknown key; a webhook takes ${BODY_KEYS.join(" and ")}` }));
    const problem = Object.hasOwn(body, "url") ? urlProblem(body.url) : "is required";
    if (problem) details.push({ path: "url", message: problem });
    details.push(...(await segmentIdDetails(body.segmentIds, kraiter)));
    if (details.length) throw validationError(details);
    const { cursor: after } = await kraiter.segments.changesHead();
    // From the count to the map in one synchronous step, so creates running side by side cannot pass the limit.
    if (this.#records.size >= MAX_WEBHOOKS) {
      throw new KraiterError("CONFLICT", `This tenant has ${MAX_WEBHOOKS} webhooks, the most it may have; delete one first`);
    }
    const now = Date.now();
    const record = {
      id: this.#nextId(now),
      url: body.url,
      segmentIds: body.segmentIds ?? null,
      createdAt: new Date(now).toISOString(),
      secret: newSecret(),
      after,
    };
    this.#records.set(record.id, record);
    try {
      await this.#storage.put(RECORD_PREFIX + record.id, record);
    } catch (error) {
      this.#records.delete(record.id);
      throw fromCore(error); // STORAGE_ERROR: nothing was kept
    }
    const { id, url, segmentIds, secret, createdAt } = record;
    return { id, url, segmentIds, secret, createdAt };
  }

  /** A page in creation order; the cursor is the last id of the previous page. */
  #list({ limit = 20, cursor }) {
    if (cursor !== undefined && !isId("whk", cursor)) {
      throw validationError([{ path: "query.cursor", message: "is not a cursor of this list; pass the nextCursor of the previous page" }]);
    }
    const after = this.all().filter((record) => cursor === undefined || record.id > cursor);
    const data = after.slice(0, limit).map(publicView);
    return { data, nextCursor: after.length > limit ? data[data.length - 1].id : null };
  }

  async #delete(id) {
    const record = this.#records.get(id);
    this.#records.delete(id); // no new pass starts for it from here on
    try {
      await this.#delivery.removed(id); // ends the one under way, if any, and drops the cursors
      await this.#storage.delete(RECORD_PREFIX + id);
    } catch (error) {
      // Still stored: it stays (in its place in id order), and the delete may be sent again.
      this.#records = new Map([...this.#records, [id, record]].sort(([a], [b]) => (a < b ? -1 : 1)));
      throw fromCore(error);
    }
  }
}
