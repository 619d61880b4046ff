// The dataset the corrupted-storage tests damage, shared by Node
// (corrupt-storage.test.mjs) and workerd (fixtures/corrupt-harness.js), so
// it imports nothing: contacts, events and a computed segment compacted into
// a snapshot, then LOG_ENTRIES more calls left in the log. `keepLog` wraps an
// adapter so close() cannot compact those entries away.

export const T0 = Date.parse("2025-09-15T10:00:00.000Z");
const DAY = 86_400_000;
const pro = [{ field: "properties.plan", op: "eq", value: "pro" }];

/** The calls after the snapshot, in log order (1-based positions in the stored log). */
export const LOG = ["contacts.create late1", "events.track login late1", "contacts.create late2", "segments.compute Pro"];
export const LOG_ENTRIES = LOG.length;

/** Writes the dataset through `kraiter`; the storage must be wrapped in keepLog, frozen after. */
export async function writeDataset(kraiter) {
  for (let i = 0; i < 6; i++) {
    await kraiter.contacts.create({ email: `u${i}@x.io`, properties: { plan: i % 2 ? "pro" : "free", seats: i, note: `contact number ${i}` } });
  }
  await kraiter.events.import([
    { name: "login", email: "u1@x.io", timestamp: T0 - DAY },
    { name: "buy", email: "u2@x.io", timestamp: T0 - 2 * DAY },
    { name: "login", email: "u3@x.io", timestamp: T0 - 3 * DAY },
  ]);
  const segment = await kraiter.segments.create({ name: "Pro", rules: pro });
  await kraiter.segments.compute(segment.id);
  await kraiter.segments.waitForCompute(segment.id);
  await kraiter.compact(); // the snapshot
  await kraiter.contacts.create({ email: "late1@x.io", properties: { plan: "pro" } });
  await kraiter.events.track({ name: "login", email: "late1@x.io", timestamp: T0 });
  await kraiter.contacts.create({ email: "late2@x.io", properties: { plan: "free" } });
  await kraiter.segments.compute(segment.id);
  await kraiter.segments.waitForCompute(segment.id);
}

/**
 * `inner` with compaction switched off once `freeze()` is called: the
 * Kraiter's close() then cannot fold the log into a new snapshot (its
 * compaction fails quietly and is retried by nobody), so the stored state
 * stays "snapshot + LOG_ENTRIES entries".
 */
export function keepLog(inner) {
  let frozen = false;
  return {
    freeze() { frozen = true; },
    load: () => inner.load(),
    append: (entry) => inner.append(entry),
    compact: (bytes) => (frozen ? Promise.reject(new Error("compaction is off in this test")) : inner.compact(bytes)),
    close: () => inner.close(),
  };
}

/** What a reopened instance must hold, compared as counts and emails. */
export async function summary(kraiter) {
  const contacts = [];
  for await (const c of await kraiter.contacts.list({ limit: 100 })) contacts.push(c.email);
  const segments = (await kraiter.segments.list()).data;
  const members = [];
  for (const s of segments) {
    for await (const m of await kraiter.segments.listMembers(s.id)) members.push(`${s.name}:${m.email}`);
  }
  const logins = (await kraiter.segments.preview([{ field: "events.login", op: "occurred" }], { limit: 100 })).sample.map((m) => m.email);
  const buys = (await kraiter.segments.preview([{ field: "events.buy", op: "occurred" }], { limit: 100 })).sample.map((m) => m.email);
  return { contacts, segments: segments.map((s) => `${s.name}:${s.memberCount}`), members, logins, buys };
}
