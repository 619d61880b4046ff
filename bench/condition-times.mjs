// Where a shape's time goes in kraiter: times `preview` of the whole rule,
// of every group and of every condition on its own (median of `runs`), and
// one `compute`, on an instance that already holds the data. Shared by
// `npm run bench` (for every shape that misses a target, on its loaded
// instance) and `node bench/breakdown.mjs` (one shape, on its own load).

import { median } from "./measure.mjs";

function label(c) {
  if (c.field === "segment") return `segment ${c.op} [${c.value.length} segment${c.value.length === 1 ? "" : "s"}]`;
  const window = c.within ? ` within ${c.within}` : `${c.from ? ` from ${c.from}` : ""}${c.to ? ` to ${c.to}` : ""}${c.timeZone ? ` (${c.timeZone})` : ""}`;
  const value = c.value === undefined ? "" : Array.isArray(c.value) ? ` [${c.value.length} values]` : ` ${JSON.stringify(c.value)}`;
  const where = c.where ? " where …" : "";
  const h = c.having;
  const having = h ? ` having ${h.fn}${h.property ? `(${h.property})` : ""} ${h.op} ${h.value}` : "";
  return `${c.field} ${c.op}${value}${window}${where}${having}`;
}

/** [{ depth, label, rules }] for the whole rule, each group and each condition, in tree order. */
export function ruleParts(rules) {
  const parts = [];
  const walk = (node, depth) => {
    if (Array.isArray(node)) return walk({ operator: "and", conditions: node }, depth);
    if (node.operator) {
      parts.push({ depth, label: `${node.operator} (${node.conditions.length})`, rules: node });
      node.conditions.forEach((c) => walk(c, depth + 1));
    } else parts.push({ depth, label: label(node), rules: [node] });
  };
  walk(rules, 0);
  return parts;
}

async function timed(fn, runs) {
  await fn(); // warm-up
  const times = [];
  let out;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    out = await fn();
    times.push(performance.now() - t);
  }
  return { ms: median(times), out };
}

/**
 * { compute: { ms, members }, parts: [{ depth, label, ms, count }] }: the
 * first part is the whole rule. `compute` saves a temporary segment, computes
 * it `runs` times and deletes it.
 */
export async function breakdown(k, rules, { runs = 5, limit = 10 } = {}) {
  const parts = [];
  for (const p of ruleParts(rules)) {
    const { ms, out } = await timed(() => k.segments.preview(p.rules, { limit }), runs);
    parts.push({ depth: p.depth, label: p.label, ms, count: out.count });
  }
  const seg = await k.segments.create({ name: "bench breakdown", rules });
  try {
    const { ms, out } = await timed(async () => {
      await k.segments.compute(seg.id);
      return k.segments.waitForCompute(seg.id);
    }, runs);
    return { compute: { ms, members: out.memberCount }, parts };
  } finally {
    await k.segments.delete(seg.id);
  }
}

/** The printed form: a title, the whole rule's compute, then one line per part. */
export function breakdownLines(title, b) {
  const pad = (ms) => ms.toFixed(2).padStart(9);
  return [
    title,
    `${pad(b.compute.ms)} ms ${String(b.compute.members).padStart(9)}  compute (whole rule; preview below)`,
    ...b.parts.map((p) => `${pad(p.ms)} ms ${String(p.count).padStart(9)}  ${"  ".repeat(p.depth)}${p.label}`),
  ];
}
