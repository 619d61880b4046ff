// Timing helpers: medians over repeated runs, with a time budget so the slow
// peers (json-logic-js at a million contacts) stop after a few runs instead
// of holding the shared machine for minutes. The JSON records how many ran.

export function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs fn up to `runs` times (at least min(runs, 3) times, then stops once
 * `budgetMs` is spent). Returns { ms: median, runs: [ms...], results: [...] }.
 */
export async function repeat(fn, { runs, budgetMs = Infinity }) {
  const times = [];
  const results = [];
  const started = performance.now();
  for (let r = 0; r < runs; r++) {
    if (r >= Math.min(runs, 3) && performance.now() - started > budgetMs) break;
    const t = performance.now();
    results.push(await fn());
    times.push(performance.now() - t);
  }
  return { ms: median(times), runs: times, results };
}

export function gc() {
  if (typeof globalThis.gc === "function") globalThis.gc();
}
