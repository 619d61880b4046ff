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
export function jsonText(status, text, headers = {}) {
  if (text === null || status === 204) return new Response(null, { status, headers });
  return new Response(text, { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

/**
 * Reads the whole request body, refusing more than MAX_BODY_BYTES with 413
 * (whether or not Content-Length announced it). A refused body is still read
 * to its end (up to DRAIN_LIMIT) and dropped, so a client that is still
 * uploading receives the 413 instead of a reset connection.
 */
export async function readBody(request) {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const parts = [];
  let total = Number(request.headers.get("content-length")) > MAX_BODY_BYTES ? MAX_BODY_BYTES + 1 : 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > DRAIN_LIMIT) {
      await reader.cancel().catch(() => {});
      break;
    }
    if (total <= MAX_BODY_BYTES) parts.push(value);
  }
  if (total > MAX_BODY_BYTES) throw tooLarge();
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/**
 * Bytes → the body's JSON text, checked: malformed UTF-8 or JSON is 400
 * VALIDATION_ERROR; no bytes read as `{ text: undefined }`. Returns the text
 * (what the engine receives) and the parsed value (for the shape check only).
 * JSON.parse handles any nesting depth; nothing here walks the value.
 */
export function readJson(bytes) {
  if (bytes.byteLength === 0) return { text: undefined, value: undefined };
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "VALIDATION_ERROR", "The request body is not valid UTF-8", [{ path: "body", message: "not valid UTF-8" }]);
  }
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    throw new HttpError(400, "VALIDATION_ERROR", "The request body is not valid JSON", [{ path: "body", message: error.message }]);
  }
}

/** How much of a refused body is read and dropped before the connection is given up. */
const DRAIN_LIMIT = 32 * 1024 * 1024;

function tooLarge() {
  return new HttpError(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${MAX_BODY_BYTES} bytes`);
}
