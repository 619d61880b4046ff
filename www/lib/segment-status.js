// A saved segment's status for the segments list, in one word: new (never
// computed), computing, ready, or stale (a non-live segment computed before
// the data last changed, schema().dataChangedAt); a live one is always
// current. No DOM, so tests/www/segment-status.test.mjs can check it.

/**
 * @param {{ status: string, live?: boolean, computedAt?: string | null }} segment
 * @param {{ computing?: boolean, dataChangedAt?: string | null }} [context]
 * @returns {{ key: "new" | "computing" | "ready" | "stale", text: string, note: string }}
 */
export function segmentStatus(segment, { computing = false, dataChangedAt = null } = {}) {
  if (computing || segment.status === "computing") return { key: "computing", text: "Computing…", note: "" };
  if (segment.live) return { key: "ready", text: "Ready", note: "live: always current" };
  if (segment.status === "new" || !segment.computedAt) return { key: "new", text: "New", note: "not computed yet" };
  if (dataChangedAt && Date.parse(segment.computedAt) < Date.parse(dataChangedAt)) {
    return { key: "stale", text: "Stale", note: "the data changed since" };
  }
  return { key: "ready", text: "Ready", note: "" };
}
