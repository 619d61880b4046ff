//! Event windows: `within`, `from` / `to` and how `timeZone` changes them.
//! A window is fixed at parse time up to `now`; `resolve` turns it into an
//! inclusive range of instants when the rules are evaluated.

use serde_json::Value;

use crate::time::{parse_iso_parts, MS_PER_DAY};
use crate::zone::Zone;

pub const MAX_WITHIN_DAYS: i64 = 3650;

/// Which events count by time.
#[derive(Debug, Clone, PartialEq)]
pub enum Window {
    /// No window: every event of the name, future ones included.
    All,
    /// `within: D`: `now − D ≤ t ≤ now`. With a time zone and a unit of
    /// days or weeks, `days` is set: the window starts at local midnight
    /// `days − 1` days before today's local date.
    Within { ms: i64, days: Option<i64> },
    /// `from ≤ t < to`; no `from` is unbounded; no `to` means `t ≤ now`.
    Range { from: Option<Bound>, to: Option<Bound> },
}

/// One end of a `from`/`to` window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// An absolute instant.
    At(i64),
    /// `now` plus this many ms (`"now"` is 0, `"-30d"` is −30 days).
    Rel(i64),
}

impl Bound {
    fn at(self, now: i64) -> i64 {
        match self {
            Bound::At(t) => t,
            Bound::Rel(off) => now.saturating_add(off),
        }
    }
}

impl Window {
    /// The instants `lo..=hi` the window covers at `now`, or `None` for
    /// "every event" (no window).
    pub fn resolve(&self, now: i64, zone: Option<&Zone>) -> Option<(i64, i64)> {
        match self {
            Window::All => None,
            Window::Within { ms, days } => {
                let lo = match (days, zone) {
                    (Some(d), Some(z)) => z.start_of_day(z.local_day(now) - (d - 1)),
                    _ => now.saturating_sub(*ms),
                };
                Some((lo, now))
            }
            Window::Range { from, to } => {
                let lo = from.map_or(i64::MIN, |b| b.at(now));
                let hi = to.map_or(now, |b| b.at(now).saturating_sub(1));
                Some((lo, hi))
            }
        }
    }
}

/// `N<unit>` with N a whole number ≥ 1 and unit m, h, d or w, at most 3650
/// days: the length in ms, the unit, and the canonical spelling (no
/// leading zeros).
pub fn duration(s: &str) -> Result<(i64, u8, String), String> {
    const BAD: &str = "must be a positive integer and a unit m, h, d or w, like \"7d\"";
    let unit_ms: i64 = match s.as_bytes().last() {
        Some(b'm') => 60_000,
        Some(b'h') => 3_600_000,
        Some(b'd') => MS_PER_DAY,
        Some(b'w') => 7 * MS_PER_DAY,
        _ => return Err(BAD.into()),
    };
    let digits = &s[..s.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BAD.into());
    }
    // Leading zeros do not make an integer larger ("0000000007d" is 7 days).
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Err(BAD.into());
    }
    if digits.len() > 9 {
        return Err(format!("is at most {MAX_WITHIN_DAYS} days"));
    }
    let n: i64 = digits.parse().map_err(|_| BAD.to_string())?;
    let ms = n * unit_ms;
    if ms > MAX_WITHIN_DAYS * MS_PER_DAY {
        return Err(format!("is at most {MAX_WITHIN_DAYS} days"));
    }
    let unit = s.as_bytes()[s.len() - 1];
    Ok((ms, unit, format!("{n}{}", unit as char)))
}

/// `within`: the window and its canonical spelling. With a zone, days and
/// weeks count calendar days.
pub fn within(v: &Value, zone: Option<&Zone>) -> Result<(Window, String), String> {
    let Value::String(s) = v else { return Err("within must be a positive integer and a unit m, h, d or w, like \"7d\"".into()) };
    let (ms, unit, canonical) = duration(s).map_err(|m| format!("within {m}"))?;
    let days = (zone.is_some() && matches!(unit, b'd' | b'w')).then_some(ms / MS_PER_DAY);
    Ok((Window::Within { ms, days }, canonical))
}

/// A relative value: `"now"`, `-N<unit>` or `+N<unit>`, as ms from now,
/// with its canonical spelling. `None` if `s` is not relative.
pub fn relative(s: &str) -> Option<Result<(i64, String), String>> {
    if s == "now" {
        return Some(Ok((0, "now".into())));
    }
    let sign = match s.as_bytes().first() {
        Some(b'-') => -1,
        Some(b'+') => 1,
        _ => return None,
    };
    Some(duration(&s[1..]).map(|(ms, _, c)| (sign * ms, format!("{}{c}", &s[..1]))))
}

/// An absolute date value: an ISO date or date-time; one without an offset
/// is a local time in `zone` when there is one.
pub fn absolute(s: &str, zone: Option<&Zone>) -> Option<i64> {
    let p = parse_iso_parts(s)?;
    Some(match (p.offset_ms, zone) {
        (None, Some(z)) => z.instant(p.day, p.ms_of_day),
        _ => p.utc(),
    })
}

/// One `from` / `to` value: the bound and its canonical spelling.
pub fn bound(v: &Value, zone: Option<&Zone>) -> Result<(Bound, String), String> {
    const WHAT: &str = "must be an ISO date, \"now\", or a relative offset like \"-30d\" or \"+2h\"";
    let Value::String(s) = v else { return Err(WHAT.into()) };
    match relative(s) {
        Some(Ok((off, c))) => Ok((Bound::Rel(off), c)),
        Some(Err(m)) => Err(format!("a relative offset {m}")),
        None => absolute(s, zone).map(|t| (Bound::At(t), s.clone())).ok_or_else(|| WHAT.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_iso;
    use serde_json::json;

    const NOW: i64 = 1_764_583_200_000; // 2025-12-01T10:00:00Z, a Monday

    #[test]
    fn within_is_rolling_and_inclusive() {
        let (w, c) = within(&json!("07d"), None).unwrap();
        assert_eq!(c, "7d");
        assert_eq!(w.resolve(NOW, None), Some((NOW - 7 * MS_PER_DAY, NOW)));
    }

    #[test]
    fn within_days_in_a_zone_are_calendar_days() {
        let z = Zone::get("Europe/Berlin").unwrap();
        let (w, _) = within(&json!("7d"), Some(&z)).unwrap();
        // Today in Berlin is 2025-12-01; six days before is 2025-11-25, from its local midnight.
        assert_eq!(w.resolve(NOW, Some(&z)), Some((parse_iso("2025-11-24T23:00:00Z").unwrap(), NOW)));
        let (w, _) = within(&json!("1d"), Some(&z)).unwrap();
        assert_eq!(w.resolve(NOW, Some(&z)).unwrap().0, parse_iso("2025-11-30T23:00:00Z").unwrap());
        let (w, _) = within(&json!("2h"), Some(&z)).unwrap();
        assert_eq!(w.resolve(NOW, Some(&z)), Some((NOW - 2 * 3_600_000, NOW)), "hours stay exact");
    }

    #[test]
    fn ranges_are_half_open() {
        let w = Window::Range { from: Some(Bound::Rel(-90 * MS_PER_DAY)), to: Some(Bound::Rel(-30 * MS_PER_DAY)) };
        assert_eq!(w.resolve(NOW, None), Some((NOW - 90 * MS_PER_DAY, NOW - 30 * MS_PER_DAY - 1)));
        let w = Window::Range { from: Some(Bound::At(5)), to: None };
        assert_eq!(w.resolve(NOW, None), Some((5, NOW)));
    }

    #[test]
    fn bounds_read_relative_absolute_and_local() {
        assert_eq!(bound(&json!("now"), None).unwrap(), (Bound::Rel(0), "now".into()));
        assert_eq!(bound(&json!("-030d"), None).unwrap(), (Bound::Rel(-30 * MS_PER_DAY), "-30d".into()));
        assert_eq!(bound(&json!("+2h"), None).unwrap().0, Bound::Rel(7_200_000));
        assert!(bound(&json!("-0d"), None).is_err());
        assert!(bound(&json!("-1.5d"), None).is_err());
        assert!(bound(&json!("yesterday"), None).is_err());
        let z = Zone::get("Europe/Berlin").unwrap();
        assert_eq!(bound(&json!("2026-11-01"), Some(&z)).unwrap().0, Bound::At(parse_iso("2026-10-31T23:00:00Z").unwrap()));
        assert_eq!(bound(&json!("2026-11-01T00:00:00Z"), Some(&z)).unwrap().0, Bound::At(parse_iso("2026-11-01T00:00:00Z").unwrap()));
        assert_eq!(bound(&json!("2026-11-01"), None).unwrap().0, Bound::At(parse_iso("2026-11-01").unwrap()));
    }
}
