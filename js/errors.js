// KraiterError: the one error type every SDK call rejects with. Errors from
// the wasm core arrive as plain { code, status, message, details } objects and
// become KraiterErrors in `fromCore`; anything else (a storage failure, a
// trapped wasm instance) becomes STORAGE_ERROR here, never a bare Error.

const STATUS = {
  VALIDATION_ERROR: 400,
  UNAUTHORISED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  STORAGE_ERROR: 500,
};

export class KraiterError extends Error {
  constructor(code, message, details) {
    super(message);
    this.name = "KraiterError";
    this.code = code;
    this.status = STATUS[code] ?? 500;
    if (details !== undefined) this.details = details;
  }

  toJSON() {
    const error = { code: this.code, message: this.message };
    if (this.details?.length) error.details = this.details;
    return { error };
  }
}

/** A validation error about one place in the caller's input. */
export function invalid(path, message) {
  const shown = path.length > 80 ? `${path.slice(0, 77)}...` : path; // details keep it whole
  return new KraiterError("VALIDATION_ERROR", path ? `${shown}: ${message}` : message, [{ path, message }]);
}

/** Turns whatever a core or storage call threw into a KraiterError. */
export function fromCore(e) {
  if (e instanceof KraiterError) return e;
  if (e && typeof e === "object" && typeof e.code === "string" && e.code in STATUS && !(e instanceof Error)) {
    return new KraiterError(e.code, e.message, e.details?.length ? e.details : e.code === "VALIDATION_ERROR" ? [] : undefined);
  }
  const err = new KraiterError("STORAGE_ERROR", `Storage failed: ${e?.message ?? String(e)}`);
  err.cause = e;
  return err;
}
