// Completions and warnings from the data's schema (client.schema()): the
// builder's key inputs offer the property keys, event names and event
// property keys the data has, value inputs a property's most common values,
// and a name no data has is warned about ("did you mean plan?"). Datalists
// are made once per list and refilled when the schema is read again.

/** Edit distance, for "did you mean". */
function distance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length];
}

/** The known name closest to `name` (case first, then at most a third of its letters off), or null. */
export function closest(name, known) {
  const lower = name.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same) return same;
  let best = null;
  let bestD = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = distance(lower, k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

/**
 * The warning for a key no data has, or null. `where` names the event whose
 * properties the key is of (an event condition's where), else contacts.
 */
export function keyWarning(schema, { kind, key, event = null }) {
  if (!schema || !key) return null;
  const hint = (list) => {
    const near = closest(key, list);
    return near ? ` — did you mean ${near}?` : "";
  };
  if (kind === "event") {
    if (!schema.events.count) return null;
    const names = schema.events.names.map((e) => e.name);
    return names.includes(key) ? null : `No event is named ${key}${hint(names)}`;
  }
  if (kind !== "property") return null;
  if (event !== null) {
    const ev = schema.events.names.find((e) => e.name === event);
    if (!ev) return null; // the event itself is warned about
    const keys = ev.properties.map((p) => p.key);
    return keys.includes(key) ? null : `No ${event} event has the property ${key}${hint(keys)}`;
  }
  if (!schema.contacts.count) return null;
  const keys = schema.contacts.properties.map((p) => p.key);
  return keys.includes(key) ? null : `No contact has the property ${key}${hint(keys)}`;
}

/** Names in alphabetical order (the schema lists them in the order they first appeared). */
const sorted = (names) => [...names].sort((a, b) => a.localeCompare(b, "en"));

/** @param {{ schema(): Promise<object> }} client (or a function answering the current client) */
export function createSchemaHints(client, { minIntervalMs = 2000, onSchema } = {}) {
  let schema = null;
  const lists = new Map(); // list name → datalist element
  let inflight = null;
  let again = false;
  let last = 0;

  /** The datalist `name`, made on first use; `options()` fills it now and after every read. */
  function datalist(name, options) {
    let list = lists.get(name);
    if (!list) {
      const el = document.createElement("datalist");
      el.id = `schema-list-${lists.size + 1}`;
      document.body.append(el);
      list = { el, options };
      lists.set(name, list);
      fill(list);
    }
    return list.el.id;
  }
  function fill({ el, options }) {
    const values = options().map((v) => String(v));
    if (el.dataset.values === JSON.stringify(values)) return;
    el.dataset.values = JSON.stringify(values);
    el.replaceChildren(...values.map((v) => Object.assign(document.createElement("option"), { value: v })));
  }
  /** What warnings depend on: which names exist. */
  const names = (s) => JSON.stringify(s && [s.contacts.count > 0, s.events.count > 0, s.contacts.properties.map((p) => p.key),
    s.events.names.map((e) => [e.name, e.properties.map((p) => p.key)])]);

  const eventOf = (name) => schema?.events.names.find((e) => e.name === name) ?? null;
  const propertiesOf = (event) => (event === null ? schema?.contacts.properties : eventOf(event)?.properties) ?? [];

  async function read() {
    const c = typeof client === "function" ? client() : client;
    const before = names(schema);
    try {
      schema = await c.schema();
    } catch {
      schema = null; // no schema (an older engine, or closing): no completions, no warnings
    }
    last = Date.now();
    for (const list of lists.values()) fill(list);
    if (names(schema) !== before) onSchema?.(schema); // the builder sets its lists and warnings again only when names come or go
  }

  return {
    get schema() { return schema; },
    /** Reads the schema again (at most every `minIntervalMs` unless `now`) and refills the lists. */
    refresh({ now = false } = {}) {
      if (inflight) {
        again = true;
        return inflight;
      }
      const wait = now ? 0 : Math.max(0, last + minIntervalMs - Date.now());
      inflight = new Promise((r) => setTimeout(r, wait)).then(read).finally(() => {
        inflight = null;
        if (again) {
          again = false;
          this.refresh();
        }
      });
      return inflight;
    },
    /** Datalist id for a key input: property keys (of contacts, or of `event`), or event names. */
    keyList({ kind, event = null }) {
      if (kind === "event") return datalist("events", () => sorted((schema?.events.names ?? []).map((e) => e.name)));
      if (kind !== "property") return null;
      if (event !== null && !eventOf(event)) return null; // no list per half-typed name (a new name in the data relists the builder)
      return datalist(`keys:${event ?? ""}`, () => sorted(propertiesOf(event).map((p) => p.key)));
    },
    /** Datalist id for a value input: the property's most common values (null for a key no data has). */
    valueList({ key, event = null }) {
      if (!propertiesOf(event).some((p) => p.key === key)) return null;
      return datalist(`values:${event ?? ""}:${key}`, () => (propertiesOf(event).find((x) => x.key === key)?.top ?? [])
        .map((t) => t.value).filter((v) => v !== null));
    },
    warning: (at) => keyWarning(schema, at),
  };
}
