// How a live segment shows in the saved-segments list: a "Live" badge, and
// when the engine has a time-driven change due (nextChangeAt), when that is
// in words ("next change in 4 minutes"). Non-live segments show nothing.
import { h } from "./dom.js";

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const STEPS = [["second", 60], ["minute", 60], ["hour", 24], ["day", Infinity]];

/** "in 4 minutes", "in 2 hours", "now" (a due change is applied on the next read). */
export function inWords(iso, now = Date.now()) {
  let n = (Date.parse(iso) - now) / 1000;
  if (n <= 1) return "now";
  for (const [unit, size] of STEPS) {
    if (n < size) return relative.format(Math.round(n), unit);
    n /= size;
  }
  return relative.format(Math.round(n), "day");
}

/** The badge and, when one is due, the next change; for the list's status cell. */
export function liveBadge(segment, now = Date.now()) {
  if (!segment.live) return null;
  return h("span", { class: "live-state" },
    h("span", { class: "badge live", title: "Members are kept current as data and time change" }, "Live"),
    segment.nextChangeAt
      ? h("span", { class: "next-change", "data-role": "next-change", title: new Date(segment.nextChangeAt).toLocaleString("en-GB") },
        `next change ${inWords(segment.nextChangeAt, now)}`)
      : null);
}
