// Shared by the reliability suites: a full dump of what a Kraiter holds
// (every contact, segment, member and change page, and event counts per
// name), and a
// storage wrapper that fails its Nth write.
import { KraiterError } from "kraiter-segments";

export const T0 = Date.parse("2025-09-15T10:00:00.000Z");

async function all(page) {
  const out = [];
  for await (const item of await page) out.push(item);
  return out;
}

/** Everything observable through the SDK, as plain data. */
export async function dump(kraiter, eventNames = ["login", "buy"]) {
  const contacts = await all(kraiter.contacts.list({ limit: 7 }));
  const segments = await all(kraiter.segments.list({ limit: 3 }));
  const members = {};
  const changes = {};
  for (const s of segments) {
    members[s.id] = await all(kraiter.segments.listMembers(s.id, { limit: 5 }));
    changes[s.id] = await all(kraiter.segments.changes(s.id, { limit: 4 }));
  }
  const events = {};
  for (const name of eventNames) {
    events[name] = (await kraiter.segments.preview([{ field: `events.${name}`, op: "occurred" }], { limit: 100 })).sample.map((m) => m.id);
  }
  return { contacts, segments, members, changes, events };
}

/**
 * Wraps storage adapters so that the `failAt`-th write (appends and
 * compacts counted together, across every adapter opened through it) rejects
 * before it reaches the adapter. `open()` gives a new wrapped adapter on the
 * same underlying data.
 */
export function faulty(openInner, failAt) {
  const state = { writes: 0, failed: null, kinds: [] };
  const wrap = (inner) => {
    const write = (kind, fn) => async (arg) => {
      state.writes++;
      state.kinds.push(kind);
      if (state.writes === failAt) {
        state.failed = kind;
        throw new KraiterError("STORAGE_ERROR", `injected failure of write ${failAt} (${kind})`);
      }
      return fn(arg);
    };
    return {
      load: () => inner.load(),
      append: write("append", (e) => inner.append(e)),
      compact: write("compact", (s) => inner.compact(s)),
      close: () => inner.close?.(),
    };
  };
  return { state, open: async () => wrap(await openInner()) };
}
