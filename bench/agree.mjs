// The correctness guard: every engine must find the same member count for
// every shape (in preview and compute, in every run), and every preview
// sample must hold only true members, as many as asked for. The reference
// members come from the hand-written predicate's compute, when it ran.

import { indexFromEmail } from "./dataset.mjs";

/**
 * results[engine][shape] = { previewCounts, computeCounts, samples }
 * reference[shape] = Uint8Array (1 = member) or undefined. Returns problem strings.
 */
export function checkAgreement(results, shapes, { limit, reference = {} }) {
  const problems = [];
  for (const shape of shapes) {
    const counts = {};
    for (const [engine, byShape] of Object.entries(results)) {
      const r = byShape[shape.id];
      if (!r) continue;
      const all = new Set([...r.previewCounts, ...r.computeCounts]);
      if (all.size !== 1) {
        problems.push(`${shape.id}: ${engine} is not stable or preview != compute: preview ${r.previewCounts.join(",")} compute ${r.computeCounts.join(",")}`);
      }
      const count = r.computeCounts[0] ?? r.previewCounts[0];
      counts[engine] = count;
      const ref = reference[shape.id];
      for (const sample of r.samples) {
        if (sample.length !== Math.min(limit, r.previewCounts[0])) {
          problems.push(`${shape.id}: ${engine} sampled ${sample.length} members, expected ${Math.min(limit, r.previewCounts[0])}`);
        }
        if (new Set(sample.map((e) => e.toLowerCase())).size !== sample.length) problems.push(`${shape.id}: ${engine} sample repeats a member`);
        if (!ref) continue;
        const wrong = sample.filter((e) => ref[indexFromEmail(e)] !== 1);
        if (wrong.length) problems.push(`${shape.id}: ${engine} sample holds non-members ${wrong.slice(0, 3).join(", ")}`);
      }
    }
    if (new Set(Object.values(counts)).size > 1) {
      problems.push(`${shape.id}: member counts disagree: ${Object.entries(counts).map(([e, c]) => `${e}=${c}`).join(" ")}`);
    }
  }
  return problems;
}
