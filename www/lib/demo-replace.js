// "Generate demo data" replaces the demo data instead of adding to it (a
// second run used to double every event): the saved segments are read,
// the data in this browser deleted, the segments saved again (references
// re-pointed at their new ids) and then recomputed over the new data.

/** Every saved segment: { id, name, rules, live }. */
export async function savedSegments(client) {
  const all = [];
  for await (const s of await client.segments.list({ limit: 100 })) all.push({ id: s.id, name: s.name, rules: s.rules, live: Boolean(s.live) });
  return all;
}

/** The segment ids a rule refers to. */
export function referencedIds(node, out = new Set()) {
  if (Array.isArray(node)) for (const n of node) referencedIds(n, out);
  else if (node && typeof node === "object") {
    if (node.field === "segment" && Array.isArray(node.value)) for (const v of node.value) out.add(v);
    if (Array.isArray(node.conditions)) referencedIds(node.conditions, out);
  }
  return out;
}

/** `rules` with every segment reference mapped through `ids` (old id → new id); unknown ids stay. */
export function remapRules(rules, ids) {
  if (Array.isArray(rules)) return rules.map((n) => remapRules(n, ids));
  if (!rules || typeof rules !== "object") return rules;
  const out = { ...rules };
  if (out.field === "segment" && Array.isArray(out.value)) out.value = out.value.map((v) => ids.get(v) ?? v);
  if (Array.isArray(out.conditions)) out.conditions = out.conditions.map((n) => remapRules(n, ids));
  return out;
}

/** Saves `saved` again, each after the segments it refers to; answers old id → new id. */
export async function restoreSegments(client, saved) {
  const ids = new Map();
  const left = [...saved];
  while (left.length) {
    const ready = left.findIndex((s) => [...referencedIds(s.rules)].every((id) => ids.has(id) || !left.some((o) => o.id === id)));
    const [s] = left.splice(ready < 0 ? 0 : ready, 1);
    const made = await client.segments.create({ name: s.name, rules: remapRules(s.rules, ids), live: s.live });
    ids.set(s.id, made.id);
  }
  return ids;
}
