// The pre-built per-contact last-event index the issue grants the hand-written
// JS and json-logic peers: for each event name, the latest timestamp per
// contact (any time: answers `occurred`) and the latest at or before NOW
// (answers `within`: some t has now-D <= t <= now iff that one is >= now-D,
// which stays exact although future events exist). Built for one fixed NOW.

import { EVENT_NAMES } from "./dataset.mjs";

/** { last: {name: Float64Array}, past: {name: Float64Array} }, NaN = none. */
export function buildLastEventIndex(events, contactCount, now) {
  const last = {};
  const past = {};
  const lastArr = [];
  const pastArr = [];
  for (const name of EVENT_NAMES) {
    last[name] = new Float64Array(contactCount).fill(NaN);
    past[name] = new Float64Array(contactCount).fill(NaN);
    lastArr.push(last[name]);
    pastArr.push(past[name]);
  }
  for (const { contact, name, ts } of events) {
    for (let j = 0; j < contact.length; j++) {
      const c = contact[j];
      const t = ts[j];
      const l = lastArr[name[j]];
      if (!(l[c] >= t)) l[c] = t;
      if (t <= now) {
        const p = pastArr[name[j]];
        if (!(p[c] >= t)) p[c] = t;
      }
    }
  }
  return { last, past };
}
