// Seeds the demo tenant of `npm start` through the REST API, as a customer's
// import job would: bulk imports in batches under the 1 MB body limit, then
// the segments, each computed (202) and waited for.
import { demoDataset } from "./demo-data.mjs";

const BATCH_BYTES = 900 * 1024;

/** Splits records into arrays whose JSON stays under BATCH_BYTES. */
export function batches(records) {
  const out = [];
  let current = [];
  let size = 2;
  for (const record of records) {
    const bytes = Buffer.byteLength(JSON.stringify(record)) + 1;
    if (current.length > 0 && size + bytes > BATCH_BYTES) {
      out.push(current);
      current = [];
      size = 2;
    }
    current.push(record);
    size += bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** A small client for the REST API: throws on any non-2xx with the error envelope's message. */
export function client(url, key) {
  return async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${json?.error?.code}: ${json?.error?.message}`);
    return json;
  };
}

/** True when the tenant has no segments yet. */
export async function isEmpty(api) {
  const page = await api("GET", "/api/segments?limit=1");
  return page.data.length === 0;
}

/** Imports the demo dataset and computes its segments; returns the computed segments. */
export async function seedDemo(api, options = {}) {
  const data = demoDataset(options);
  for (const batch of batches(data.contacts)) await api("POST", "/api/contacts/import", batch);
  for (const batch of batches(data.events)) await api("POST", "/api/events/import", batch);
  const created = [];
  for (const segment of data.segments) created.push(await api("POST", "/api/segments", segment));
  return computeAll(api, created.map((s) => s.id));
}

/** Queues a compute of each segment (202), then polls until each has finished. */
export async function computeAll(api, ids, timeoutMs = 60_000) {
  const queued = [];
  for (const id of ids) queued.push(await api("POST", `/api/segments/${id}/compute`));
  const deadline = Date.now() + timeoutMs;
  const done = [];
  for (const { segmentId, queuedAt } of queued) {
    for (;;) {
      const segment = await api("GET", `/api/segments/${segmentId}`);
      if (segment.computedAt && segment.computedAt >= queuedAt) {
        done.push(segment);
        break;
      }
      if (Date.now() > deadline) throw new Error(`segment ${segmentId} did not finish computing`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return done;
}
