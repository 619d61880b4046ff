// Membership over time as counts: a segment's change feed (entered / left)
// folded into hour or day buckets, in local time, every bucket from the
// first change's to now's present even when empty, so a chart's bars line
// up with a time axis. Pure: no DOM, no clock of its own.

export const UNITS = { hour: 3_600_000, day: 86_400_000 };

/** The start (epoch ms) of the local hour or day that holds `t`. */
export function bucketStart(t, unit) {
  const d = new Date(t);
  if (unit === "day") d.setHours(0, 0, 0, 0);
  else d.setMinutes(0, 0, 0);
  return d.getTime();
}

/** The next bucket's start: by calendar, so a day with a DST shift is still one bucket. */
function nextStart(start, unit) {
  const d = new Date(start);
  if (unit === "day") d.setDate(d.getDate() + 1);
  else d.setHours(d.getHours() + 1);
  return d.getTime();
}

/** Hours when the feed spans two days or less (up to `now`), days beyond. */
export function pickUnit(changes, now) {
  if (!changes.length) return "hour";
  const first = Math.min(...changes.map((c) => Date.parse(c.at)));
  return Math.max(now, first) - first <= 2 * UNITS.day ? "hour" : "day";
}

/**
 * @param {{ at: string, type: "entered" | "left" }[]} changes any order
 * @param {"hour" | "day"} unit
 * @param {{ now?: number }} [options] the last bucket is now's (default: the last change's)
 * @returns {{ start: number, entered: number, left: number }[]} oldest first
 */
export function bucketChanges(changes, unit, { now } = {}) {
  if (!UNITS[unit]) throw new Error(`unit must be hour or day, not ${unit}`);
  if (!changes.length) return [];
  const times = changes.map((c) => Date.parse(c.at));
  const counts = new Map();
  changes.forEach((c, i) => {
    const key = bucketStart(times[i], unit);
    const b = counts.get(key) ?? { entered: 0, left: 0 };
    b[c.type === "left" ? "left" : "entered"] += 1;
    counts.set(key, b);
  });
  const last = bucketStart(Math.max(...times, now ?? -Infinity), unit);
  const out = [];
  for (let start = bucketStart(Math.min(...times), unit); start <= last; start = nextStart(start, unit)) {
    out.push({ start, ...(counts.get(start) ?? { entered: 0, left: 0 }) });
  }
  return out;
}
