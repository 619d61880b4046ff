// SDK input → the JSON text of a command. JSON.stringify alone loses things
// a caller would want told: NaN and ±Infinity become null (which the API
// reads as "absent": a NaN timestamp would become now), and input nested
// thousands deep overflows the stack with a bare RangeError. Both are a
// VALIDATION_ERROR here, with the path, found by walks that use no recursion.
import { invalid } from "./errors.js";

/** Levels a call's input may nest; the engine enforces the same (README, "Nesting limits"). */
export const MAX_INPUT_DEPTH = 100;

const step = (path, key, inArray) => (inArray ? `${path}[${key}]` : path ? `${path}.${key}` : String(key));

/** Visits every value depth-first without recursion; `visit` returns true to stop. */
function walk(root, visit) {
  const stack = [[root, "", 0]];
  while (stack.length) {
    const [v, path, depth] = stack.pop();
    if (visit(v, path, depth)) return { path, depth, value: v };
    if (v === null || typeof v !== "object" || typeof v.toJSON === "function") continue;
    const inArray = Array.isArray(v);
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i][1], step(path, entries[i][0], inArray), depth + 1]);
  }
  return null;
}

/**
 * Whether `v` holds a NaN or ±Infinity: a walk that builds no paths, so a
 * bulk import with nulls in it (the only case it runs) pays little.
 */
function hasNonFinite(root) {
  const stack = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return true;
    } else if (v !== null && typeof v === "object" && typeof v.toJSON !== "function") {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) stack.push(v[i]);
      } else {
        for (const k in v) if (Object.hasOwn(v, k)) stack.push(v[k]);
      }
    }
  }
  return false;
}

/** The path of the first NaN or ±Infinity in `v`, or null. */
export function nonFinitePath(v) {
  if (!hasNonFinite(v)) return null;
  return walk(v, (x) => typeof x === "number" && !Number.isFinite(x))?.path ?? null;
}

/** The path of the first container nested deeper than `max` levels, or null. */
export function tooDeepPath(v, max = MAX_INPUT_DEPTH) {
  return walk(v, (x, _path, depth) => depth >= max && x !== null && typeof x === "object")?.path ?? null;
}

/**
 * `JSON.stringify(entry)`, or a KraiterError saying what of `input` cannot
 * be sent. Only when the text has a `null` is the input walked for NaN
 * (a walk on every call would cost a quarter of a bulk import).
 */
export function entryText(entry, input) {
  let text;
  try {
    text = JSON.stringify(entry);
  } catch (e) {
    const deep = e instanceof RangeError ? tooDeepPath(input) : null;
    if (deep !== null) {
      throw invalid(deep, `input nests deeper than ${MAX_INPUT_DEPTH} levels; rules nest at most 32 groups and property values at most 32 levels`);
    }
    throw invalid("", `input cannot be serialised as JSON: ${e.message}`);
  }
  if (text.includes("null")) {
    const path = nonFinitePath(input);
    if (path !== null) throw invalid(path, "must be a finite number (NaN and Infinity have no JSON form)");
  }
  return text;
}
