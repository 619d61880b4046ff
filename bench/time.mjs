// Time semantics shared by every peer translation, so all of them agree with
// the engine: a JS port of src/time.rs parse_iso (which ISO strings count as
// dates, offsets, no-offset = UTC) and of the rule language's `within` units.

const MIN_MS = -62_167_219_200_000;
const MAX_MS = 253_402_300_799_999;
const MS_PER_DAY = 86_400_000;

function daysFromCivil(y, m, d) {
  y = m <= 2 ? y - 1 : y;
  const era = Math.trunc((y >= 0 ? y : y - 399) / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.trunc((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.trunc(yoe / 4) - Math.trunc(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(y, m) {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Milliseconds since the epoch, or null when s is not an ISO date the engine accepts. */
export function parseIso(s) {
  if (typeof s !== "string") return null;
  let i = 0;
  const n = s.length;
  const digits = (k) => {
    if (i + k > n) return null;
    let v = 0;
    for (let j = 0; j < k; j++) {
      const c = s.charCodeAt(i + j) - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    i += k;
    return v;
  };
  const eat = (ch) => (s[i] === ch ? (i++, true) : false);
  const y = digits(4);
  if (y === null || !eat("-")) return null;
  const mo = digits(2);
  if (mo === null || !eat("-")) return null;
  const d = digits(2);
  if (d === null || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  let ms = daysFromCivil(y, mo, d) * MS_PER_DAY;
  if (i === n) return ms;
  if (!(eat("T") || eat("t") || eat(" "))) return null;
  const h = digits(2);
  if (h === null || !eat(":")) return null;
  const mi = digits(2);
  if (mi === null) return null;
  let sec = 0;
  let frac = 0;
  if (eat(":")) {
    sec = digits(2);
    if (sec === null) return null;
    if (eat(".") || eat(",")) {
      const start = i;
      let scale = 100;
      while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
        frac += (s.charCodeAt(i) - 48) * scale;
        scale = Math.trunc(scale / 10);
        i++;
      }
      if (i === start) return null;
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return null;
  ms += ((h * 60 + mi) * 60 + sec) * 1000 + frac;
  if (i < n) {
    const c = s[i];
    if (c === "Z" || c === "z") i++;
    else if (c === "+" || c === "-") {
      i++;
      const oh = digits(2);
      if (oh === null) return null;
      eat(":");
      const om = digits(2);
      if (om === null || oh > 23 || om > 59) return null;
      const off = (oh * 60 + om) * 60_000;
      ms += c === "+" ? -off : off;
    } else return null;
  }
  if (i !== n || ms < MIN_MS || ms > MAX_MS) return null;
  return ms;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: MS_PER_DAY, w: 7 * MS_PER_DAY };

/** Length in ms of a rule-language `within` such as "30d". */
export function withinMs(within) {
  const m = /^([1-9][0-9]*)([mhdw])$/.exec(within);
  if (!m) throw new Error(`bad within ${within}`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

const LOCAL = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?$/; // no offset, no Z

/** The offset of `timeZone` at instant `ms`, in ms (local = UTC + offset). */
function zoneOffset(ms, timeZone) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(ms));
  const f = Object.fromEntries(parts.map((p) => [p.type, Number(p.value)]));
  const local = daysFromCivil(f.year, f.month, f.day) * MS_PER_DAY + ((f.hour * 60 + f.minute) * 60 + f.second) * 1000;
  return local - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * An ISO date or date-time as the README reads it under `timeZone`: with an
 * offset (or Z) it is that instant; without one it is a local time in the
 * zone, a time in a DST gap shifted forward by the gap and one in an overlap
 * the earlier instant. Null when not an ISO date.
 */
export function zonedMs(s, timeZone) {
  const asUtc = parseIso(s);
  if (asUtc === null || !timeZone || timeZone === "UTC" || !LOCAL.test(s)) return asUtc;
  const before = zoneOffset(asUtc - MS_PER_DAY, timeZone);
  const after = zoneOffset(asUtc + MS_PER_DAY, timeZone);
  const fits = [asUtc - before, asUtc - after].filter((t) => zoneOffset(t, timeZone) === asUtc - t);
  // In a gap no instant has this local time: read it with the offset before
  // the change, which lands after the change by the gap's length.
  return fits.length ? Math.min(...fits) : asUtc - before;
}

/** A `from` / `to` bound in ms: an ISO date (local under timeZone), "now", or ±N<unit> from now. */
export function boundMs(bound, now, timeZone) {
  if (bound === "now") return now;
  const offset = /^([+-])([1-9][0-9]*[mhdw])$/.exec(bound);
  if (offset) return now + (offset[1] === "+" ? 1 : -1) * withinMs(offset[2]);
  const ms = zonedMs(bound, timeZone);
  if (ms === null) throw new Error(`bad window bound ${bound}`);
  return ms;
}

/**
 * The window of an event condition as whole ms [lo, hi): `within: D` is
 * now − D ≤ t ≤ now; `from` ≤ t < `to`, a missing `from` unbounded and a
 * missing `to` meaning t ≤ now; no window at all is every time.
 */
export function eventWindow(c, now) {
  if (c.within !== undefined) {
    if (c.timeZone !== undefined && /[dw]$/.test(c.within)) throw new Error("calendar-day `within` under a timeZone is not ported to the peers");
    return [now - withinMs(c.within), now + 1];
  }
  if (c.from === undefined && c.to === undefined) return [-Infinity, Infinity];
  const lo = c.from === undefined ? -Infinity : boundMs(c.from, now, c.timeZone);
  const hi = c.to === undefined ? now + 1 : boundMs(c.to, now, c.timeZone);
  return [lo, hi];
}
