// Text imports: `contacts.import` and `events.import` also take NDJSON or CSV
// as text (a string, UTF-8 bytes, a Blob or File, a ReadableStream or any
// async iterable of strings or bytes). The text is read to its end here and
// goes to the engine as it came, after the command (README, "Imports
// from text"): the engine parses it in one pass, and the log keeps it as it
// is, so no record object is ever built in JS.
import { invalid } from "./errors.js";

/** Whether an import's first argument is text rather than an array of records. */
export function isTextInput(v) {
  return typeof v === "string" || v instanceof Uint8Array || isBlob(v) || isStream(v) || isAsyncIterable(v);
}

const isBlob = (v) => typeof Blob === "function" && v instanceof Blob;
const isStream = (v) => typeof ReadableStream === "function" && v instanceof ReadableStream;
const isAsyncIterable = (v) => v !== null && typeof v === "object" && typeof v[Symbol.asyncIterator] === "function";

/** The whole text of `v`; invalid UTF-8 is a VALIDATION_ERROR, a leading byte order mark is dropped. */
export async function readText(v) {
  if (typeof v === "string") {
    if (typeof v.isWellFormed === "function" && !v.isWellFormed()) {
      throw invalid("", "strings must be valid Unicode: this text has a lone surrogate (\\ud800-\\udfff)");
    }
    return v.charCodeAt(0) === 0xfeff ? v.slice(1) : v;
  }
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const parts = [];
  const add = (chunk, stream) => {
    if (typeof chunk === "string") parts.push(decoder.decode(), chunk); // bytes pending before it, then the string
    else if (chunk instanceof Uint8Array) parts.push(decoder.decode(chunk, { stream }));
    else throw invalid("", "a text import's chunks must be strings or Uint8Arrays");
  };
  try {
    if (v instanceof Uint8Array) add(v, false);
    else {
      const source = isBlob(v) ? v.stream() : v;
      for await (const chunk of isStream(source) ? streamChunks(source) : source) add(chunk, true);
      parts.push(decoder.decode());
    }
  } catch (e) {
    if (e instanceof TypeError) throw invalid("", "a text import must be valid UTF-8");
    throw e;
  }
  const text = parts.join("");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A ReadableStream's chunks (Node's and older browsers' streams may not be async iterable). */
async function* streamChunks(stream) {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** The format of `text` when the caller names none: an object's `{` first means NDJSON, else CSV. */
export function detectFormat(text) {
  const first = text.match(/\S/)?.[0];
  return first === "{" ? "ndjson" : "csv";
}
