// Shared set-up for the SDK suites: a Kraiter on a controllable clock.
import { Kraiter, memoryStorage } from "kraiter-segments";

export const T0 = Date.parse("2025-09-15T10:00:00.000Z");
export const DAY = 86_400_000;

/** Opens a Kraiter whose clock is `clock.now` (mutable). */
export async function open({ storage = memoryStorage(), at = T0 } = {}) {
  const clock = { now: at };
  const kraiter = await Kraiter.open({ storage, now: () => clock.now });
  return { kraiter, clock, storage };
}

/** Asserts that `promise` rejects with a KraiterError of `code`; returns it. */
export async function rejects(assert, promise, code) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, "KraiterError", e.stack);
    assert.equal(e.code, code, `${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code}`);
}
