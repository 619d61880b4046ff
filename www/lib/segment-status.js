// A saved segment's status for the segments list, in one word: new (never
// computed), computing, ready, or stale (a non-live segment computed before
// the data last changed, schema().dataChangedAt); a live one is always
// current. No DOM, so tests/www/segment-status.test.mjs can check it.

/**
 * @param {{ status: string, live?: boolean, computedAt?: string | null }} segment
 * @param {{ computing?: boolean, dataChangedAt?: string | null }} [context]
 * @returns {{ key: "new" | "computing" | "ready" | "stale", text: string }}
 */
export function segmentStatus(segment, { computing = false, dataChangedAt = null } = {}) {
  if (computing || segment.status === "computing") return { key: "computing", text: "Computing…" };
  if (segment.live) return { key: "ready", text: "Ready (live)" };
  if (segment.status === "new" || !segment.computedAt) return { key: "new", text: "New: not computed" };
  if (dataChangedAt && Date.parse(segment.computedAt) < Date.parse(dataChangedAt)) {
    return { key: "stale", text: "Stale: data changed since" };
  }
  return { key: "ready", text: "Ready" };
}
