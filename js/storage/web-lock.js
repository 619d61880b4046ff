// The one-writer lock of an IndexedDB database, as a Web Lock. Two tabs
// appending to one log would each miss the other's entries (each replays
// only what it loaded), so indexedDBStorage holds an exclusive Web Lock
// named after its database from its first call until close(); a second
// opener in any tab or worker of the origin waits for it. The browser drops
// the lock when the holding tab or worker goes away. Where there is no
// `navigator.locks` (fake-indexeddb in Node, old browsers) there is no lock.
import { storageError } from "./common.js";

/**
 * Waits for the exclusive lock `key`. `onWaiting()` runs once if another
 * holder has it now; `signal` aborts the wait. Resolves to `{ release() }`.
 */
export async function holdWebLock(key, { onWaiting, signal, label }) {
  const locks = globalThis.navigator?.locks;
  if (!locks) return { release() {} };
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const request = (options) => new Promise((granted, refused) => {
    locks.request(key, options, (lock) => {
      granted(lock);
      return lock ? held : undefined; // the lock is kept until `held` resolves
    }).catch(refused);
  });
  try {
    if (!(await request({ ifAvailable: true }))) {
      onWaiting();
      await request({ signal });
    }
  } catch (err) {
    if (signal.aborted) throw storageError(`${label} was closed while waiting for another tab to close it`, err);
    throw storageError(`${label} could not take its Web Lock: ${err?.name ?? "Error"}: ${err?.message ?? err}`, err);
  }
  return { release };
}
