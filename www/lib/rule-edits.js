// The edits the builder's controls make to the rule JSON, with no DOM: each
// control calls one of these on the node it edits. Kept apart from the
// rendering so the node tests can replay "the user types what is shown" and
// check that the rule comes back unchanged (tests/www/rule-model.test.mjs).
import { FIELD_KINDS, fieldFrom, fitsOp, isEventOp, newCondition, parseHavingValue, takesValue } from "./rule-model.js";

const LIST = /^(in|not_in)$/;

/** The field kind select: keeps the key, and resets op/value/window when the kind of op changes. */
export function setKind(cond, from, to, key) {
  const was = from === "event" ? "event" : from === "segment" ? "segment" : "property";
  const now = to === "event" ? "event" : to === "segment" ? "segment" : "property";
  cond.field = fieldFrom(to, to === "other" ? (cond.field ?? "") : FIELD_KINDS.find((k) => k.kind === to).prefix ? key : "");
  if (was !== now && to !== "other") {
    for (const k of ["value", "within", "from", "to", "timeZone", "where", "having"]) delete cond[k];
    cond.op = newCondition(now).op;
  }
}

export function setOp(cond, op) {
  const before = cond.op;
  cond.op = op;
  if (!takesValue(op)) delete cond.value;
  else if (LIST.test(op) && cond.value !== undefined && !Array.isArray(cond.value)) cond.value = [cond.value];
  else if (LIST.test(before) && !LIST.test(op) && Array.isArray(cond.value)) cond.value = cond.value[0];
  // A value of another kind than the new op takes (say "pro" for "at least") is dropped.
  if (cond.value !== undefined && !fitsOp(op, cond.value)) delete cond.value;
  if (!isEventOp(op) && String(cond.field ?? "").startsWith("events.")) {
    for (const k of ["within", "from", "to", "where", "having"]) delete cond[k];
  }
}

export function setValue(cond, value) {
  setKey(cond, "value", value);
}

/** Sets `key`, or removes it when `value` is undefined. */
function setKey(obj, key, value) {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}

/** The window select: none, within (default "7d") or a from/to range (default from "-30d"). */
export function setWindowMode(cond, mode) {
  if (mode !== "within") delete cond.within;
  if (mode !== "range") {
    delete cond.from;
    delete cond.to;
  }
  if (mode === "within" && cond.within === undefined) cond.within = "7d";
  if (mode === "range" && cond.from === undefined && cond.to === undefined) cond.from = "-30d";
  if (mode === "none") delete cond.timeZone;
}

/** `from` / `to` as typed; empty text removes the bound. */
export function setBound(cond, key, text) {
  setKey(cond, key, text.trim() === "" ? undefined : text.trim());
}

/** The time zone input; empty text removes it. */
export function setTimeZone(cond, text) {
  setKey(cond, "timeZone", text.trim() === "" ? undefined : text.trim());
}

export const addHaving = (cond) => { cond.having = { fn: "count", op: "gte", value: 1 }; };
export const removeHaving = (cond) => { delete cond.having; };

/** The having fn select: count takes no property, the others need one. */
export function setHavingFn(having, fn) {
  having.fn = fn;
  if (fn === "count") delete having.property;
  else if (having.property === undefined) having.property = "";
}

export const setHavingProperty = (having, text) => { having.property = text; };
export const setHavingOp = (having, op) => { having.op = op; };
export const setHavingValue = (having, text) => setKey(having, "value", parseHavingValue(text));

export const addWhere = (cond) => { cond.where = { operator: "and", conditions: [newCondition("property")] }; };
export const removeWhere = (cond) => { delete cond.where; };

/**
 * The group operator select. "not" holds exactly one node, so a group of
 * several becomes "not (any of them)", which is what "none of these" means.
 */
export function setOperator(group, operator) {
  const children = Array.isArray(group.conditions) ? group.conditions : [];
  if (operator === "not" && children.length > 1) group.conditions = [{ operator: "or", conditions: children }];
  group.operator = operator;
}

/** A segment picked or unpicked: the list keeps its order; an empty list removes the value. */
export function toggleSegment(cond, id, on) {
  const ids = Array.isArray(cond.value) ? cond.value : [];
  if (on && ids.includes(id)) return;
  const next = on ? [...ids, id] : ids.filter((v) => v !== id);
  setKey(cond, "value", next.length ? next : undefined);
}
