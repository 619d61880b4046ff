// What every storage adapter repeats, in one place: running calls one at a
// time in call order (the storage interface in ARCHITECTURE.md promises
// ordered, atomic calls), refusing calls after close(), mapping failures to
// KraiterError STORAGE_ERROR, checking option objects, and cutting bytes
// into chunks and joining them again. Nothing here knows about a backend.
import { KraiterError, invalid } from "../errors.js";

/** A KraiterError STORAGE_ERROR with `message`, keeping `cause` when given. */
export function storageError(message, cause) {
  const err = new KraiterError("STORAGE_ERROR", message);
  if (cause !== undefined) err.cause = cause;
  return err;
}

/**
 * The call queue of one adapter. `run(what, job)` runs `job()` after every
 * earlier call has settled; a job that throws rejects its own call only. A
 * KraiterError passes through; anything else becomes what `describe(what,
 * err)` returns (a STORAGE_ERROR saying what could not be done). Calls made
 * before `close()` still run; calls made after it reject with
 * `closedMessage`. `close(release)` runs `release` once, after the queue has
 * drained, and every call of `close` returns the same promise.
 *
 * @param {{ closedMessage: string, describe(what: string, err: unknown): KraiterError }} options
 */
export function callQueue({ closedMessage, describe }) {
  let tail = Promise.resolve();
  let closing = null;

  function enqueue(job) {
    const result = tail.then(job);
    tail = result.catch(() => {});
    return result;
  }

  return {
    run(what, job) {
      if (closing) return Promise.reject(storageError(closedMessage));
      return enqueue(async () => {
        try {
          return await job();
        } catch (err) {
          throw err instanceof KraiterError ? err : describe(what, err);
        }
      });
    },
    get closed() {
      return closing !== null;
    },
    close(release = async () => {}) {
      closing ??= enqueue(release);
      return closing;
    },
  };
}

/**
 * Throws VALIDATION_ERROR for an options argument that is not a plain
 * object, or that has a key outside `allowed` (a misspelt option must not be
 * silently ignored). `label` names the function in messages.
 */
export function checkOptions(options, allowed, label) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw invalid("", `${label} options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw invalid(key, `unknown ${label} option; the options are ${allowed.join(", ")}`);
    }
  }
  return options;
}

/** Cuts `bytes` into copies of at most `size` bytes: at least one, even when empty. */
export function chunkBytes(bytes, size) {
  const out = [];
  for (let at = 0; at < bytes.byteLength || out.length === 0; at += size) {
    out.push(bytes.slice(at, at + size));
  }
  return out;
}

/** A stored value (Uint8Array, another view, or ArrayBuffer) as a Uint8Array over the same bytes. */
export function asBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(value);
}

/** Joins chunks into one Uint8Array; a single chunk is returned as it is. */
export function joinBytes(parts) {
  const views = Array.from(parts, asBytes);
  if (views.length === 1) return views[0];
  const out = new Uint8Array(views.reduce((n, v) => n + v.byteLength, 0));
  let at = 0;
  for (const v of views) {
    out.set(v, at);
    at += v.byteLength;
  }
  return out;
}
