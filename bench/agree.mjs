// The correctness guard: every engine must find the same member count for
// every shape (in preview and compute, in every run), every preview sample
// must hold only true members, as many as asked for, and the same ones in
// every engine (all sample the first members in contact order). For shapes
// with `checkMembers`, every engine's whole member list must equal the
// reference. The reference members come from the hand-written predicate's
// compute, when it ran.

import { indexFromEmail } from "./dataset.mjs";

/**
 * results[engine][shape] = { previewCounts, computeCounts, samples }
 * reference[shape] = Uint8Array (1 = member) or undefined.
 * members[shape][engine] = ascending contact indices, for shapes checked id by id.
 * Returns problem strings.
 */
export function checkAgreement(results, shapes, { limit, reference = {}, members = {} }) {
  const problems = [];
  for (const shape of shapes) {
    const counts = {};
    const firstSample = {};
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
        const key = sample.map((e) => e.toLowerCase()).join(" ");
        if (new Set(sample.map((e) => e.toLowerCase())).size !== sample.length) problems.push(`${shape.id}: ${engine} sample repeats a member`);
        firstSample[engine] ??= key;
        if (!ref) continue;
        const wrong = sample.filter((e) => ref[indexFromEmail(e)] !== 1);
        if (wrong.length) problems.push(`${shape.id}: ${engine} sample holds non-members ${wrong.slice(0, 3).join(", ")}`);
      }
    }
    if (new Set(Object.values(counts)).size > 1) {
      problems.push(`${shape.id}: member counts disagree: ${Object.entries(counts).map(([e, c]) => `${e}=${c}`).join(" ")}`);
    } else if (new Set(Object.values(firstSample)).size > 1) {
      problems.push(`${shape.id}: samples differ: ${Object.entries(firstSample).map(([e, s]) => `${e}=[${s.split(" ").slice(0, 3).join(" ")} …]`).join(" ")}`);
    }
    const ref = reference[shape.id];
    for (const [engine, ids] of Object.entries(members[shape.id] ?? {})) {
      if (!ref) continue;
      const got = new Uint8Array(ref.length);
      for (const i of ids) got[i] = 1;
      const missing = [];
      const extra = [];
      for (let i = 0; i < ref.length; i++) if (got[i] !== ref[i]) (ref[i] ? missing : extra).push(i);
      if (missing.length || extra.length || ids.length !== new Set(ids).size) {
        problems.push(`${shape.id}: ${engine} members differ from the reference: ${missing.length} missing (${missing.slice(0, 3).join(", ")}), ${extra.length} extra (${extra.slice(0, 3).join(", ")})${ids.length !== new Set(ids).size ? ", some twice" : ""}`);
      }
    }
  }
  return problems;
}
