// When a failed webhook delivery is tried again, and when it is given up.
// Pure functions of the retry state, so the schedule is unit-tested in Node
// (tests/worker/webhook-units.test.mjs) and the Durable Object only stores
// the state and arms its alarm at `nextAt`.
//
// After the n-th failed try of a batch the next one waits base · 2^(n-1),
// at most an hour: 30 s, 1 min, 2 min, … 32 min, then hourly. A batch that
// has failed for 24 h is given up when its next try fails too.

export const RETRY_BASE_MS = 30_000;
export const MAX_DELAY_MS = 60 * 60_000;
export const GIVE_UP_MS = 24 * 60 * 60_000;
/** A receiver that has not answered within this long has failed the try. */
export const TIMEOUT_MS = 10_000;

/** The wait after the `failures`-th failed try (1 = the first). */
export function retryDelay(failures, baseMs = RETRY_BASE_MS) {
  return Math.min(baseMs * 2 ** Math.min(failures - 1, 32), MAX_DELAY_MS);
}

/**
 * After a failed try at `now`: `state` is the retry state of the same batch
 * (`{ failures, firstFailedAt }`) or null for its first failure. Answers the
 * new state with `nextAt`, or `giveUp: true` once the batch has been failing
 * for `giveUpMs`.
 */
export function afterFailure(state, now, { baseMs = RETRY_BASE_MS, giveUpMs = GIVE_UP_MS } = {}) {
  const failures = (state?.failures ?? 0) + 1;
  const firstFailedAt = state?.firstFailedAt ?? now;
  if (now - firstFailedAt >= giveUpMs) return { giveUp: true, failures, firstFailedAt };
  return { giveUp: false, failures, firstFailedAt, nextAt: now + retryDelay(failures, baseMs) };
}

/**
 * The schedule from the Worker's env. KRAITER_WEBHOOK_RETRY_BASE_MS and
 * KRAITER_WEBHOOK_GIVE_UP_MS exist for tests (a schedule in milliseconds);
 * deployments leave them unset. Anything but a positive integer is ignored.
 */
export function retryConfig(env = {}) {
  const positive = (value, fallback) => (/^[1-9]\d{0,9}$/.test(String(value ?? "")) ? Number(value) : fallback);
  return {
    baseMs: positive(env.KRAITER_WEBHOOK_RETRY_BASE_MS, RETRY_BASE_MS),
    giveUpMs: positive(env.KRAITER_WEBHOOK_GIVE_UP_MS, GIVE_UP_MS),
  };
}
