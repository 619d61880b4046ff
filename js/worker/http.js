// HTTP helpers for the Worker: the one error envelope every failure uses, JSON
// responses, and reading a request body with the 1 MB limit and JSON parsing,
// so every route answers errors the same way.

/** Largest request body the API accepts, in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** An HTTP-level failure (before the SDK is reached): carries status and envelope fields. */
export class HttpError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** `{ error: { code, message, details? } }` with the given status. */
export function errorResponse(status, code, message, details, headers = {}) {
  const error = { code, message };
  if (details !== undefined) error.details = details;
  return json(status, { error }, headers);
}

export function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** A Response from an already serialised JSON body (null = no content). */
export function jsonText(status, text) {
  if (text === null || status === 204) return new Response(null, { status });
  return new Response(text, { status, headers: { "content-type": "application/json; charset=utf-8" } });
}

/**
 * Reads the body as JSON, refusing more than MAX_BODY_BYTES (413) and malformed
 * JSON (400 VALIDATION_ERROR). An empty body reads as `undefined`.
 */
export async function readJson(request) {
  const declared = Number(request.headers.get("content-length"));
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const bytes = await readCapped(request.body);
  if (bytes.byteLength === 0) return undefined;
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "VALIDATION_ERROR", "The request body is not valid UTF-8", [{ path: "body", message: "not valid UTF-8" }]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "VALIDATION_ERROR", "The request body is not valid JSON", [{ path: "body", message: error.message }]);
  }
}

/** Reads a stream to its end, failing with 413 as soon as it passes the limit. */
async function readCapped(stream) {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const parts = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

function tooLarge() {
  return new HttpError(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${MAX_BODY_BYTES} bytes`);
}
