// Segment references in the bench shapes. A shape names the segments it
// references as "ref:<name>" in a `{ field: "segment" }` condition and keeps
// their rules in `shape.refs`. Kraiter gets real saved segments, created
// through the SDK (resolveRefs); the peers, which have no saved segments, get
// the referenced rules inlined (inlineRefs): `in` is an `or` of them.

const REF = "ref:";

/** The rules with every segment condition replaced by the referenced rules (peers). */
export function inlineRefs(node, refs = {}) {
  if (Array.isArray(node)) return node.map((n) => inlineRefs(n, refs));
  if (node.operator) return { operator: node.operator, conditions: node.conditions.map((n) => inlineRefs(n, refs)) };
  if (node.field !== "segment") return node;
  if (node.op !== "in") throw new Error(`bench shapes reference segments with \`in\` only, not ${node.op}`);
  return {
    operator: "or",
    conditions: node.value.map((v) => {
      const rules = refs[v.slice(REF.length)];
      if (!v.startsWith(REF) || !rules) throw new Error(`unknown bench segment reference ${v}`);
      return inlineRefs(rules, refs);
    }),
  };
}

const created = new WeakMap(); // Kraiter instance => { name: segment id }

/** The rules with "ref:<name>" replaced by the id of a saved segment, created once per instance (kraiter). */
export async function resolveRefs(k, shape) {
  if (!shape.refs) return shape.rules;
  const ids = created.get(k) ?? {};
  created.set(k, ids);
  for (const [name, rules] of Object.entries(shape.refs)) {
    ids[name] ??= (await k.segments.create({ name: `bench ref ${name}`, rules })).id;
  }
  const swap = (node) => {
    if (Array.isArray(node)) return node.map(swap);
    if (node.operator) return { operator: node.operator, conditions: node.conditions.map(swap) };
    return node.field === "segment" ? { ...node, value: node.value.map((v) => ids[v.slice(REF.length)]) } : node;
  };
  return swap(shape.rules);
}
