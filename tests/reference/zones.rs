//! Time zones as the README defines them, on chrono-tz (the engine uses
//! jiff, so the two share neither code nor the copy of the tz database):
//! the zones the generator names, a local date-time's instant (a time in a
//! DST gap moves forward by the gap, one in an overlap takes the earlier
//! instant), local midnight, and an instant's local date.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

use super::dates;

/// Zones the generator uses: fixed, ordinary DST, half-hour DST (Lord
/// Howe), midnight transitions (Santiago: its clocks skip 00:00–01:00 on
/// 2025-09-07, a week before the tests' NOW) and +14 hours.
pub const VALID: [&str; 7] =
    ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/Santiago", "Pacific/Kiritimati"];

pub fn get(name: &str) -> Option<Tz> {
    VALID.contains(&name).then(|| name.parse().ok()).flatten()
}

fn utc(ms: i64) -> NaiveDateTime {
    DateTime::from_timestamp_millis(ms).unwrap().naive_utc()
}

/// The instant of a local date-time in `tz`.
pub fn instant_of(local: NaiveDateTime, tz: Tz) -> i64 {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.timestamp_millis(),
        LocalResult::Ambiguous(earlier, _) => earlier.timestamp_millis(),
        LocalResult::None => {
            // In a gap: read the wall time with the offset in force before it.
            let before = tz.offset_from_utc_datetime(&(local - Duration::days(1))).fix();
            (local - Duration::seconds(i64::from(before.local_minus_utc()))).and_utc().timestamp_millis()
        }
    }
}

pub fn local_date(ms: i64, tz: Tz) -> NaiveDate {
    tz.from_utc_datetime(&utc(ms)).date_naive()
}

pub fn start_of_day(d: NaiveDate, tz: Tz) -> i64 {
    instant_of(d.and_hms_opt(0, 0, 0).unwrap(), tz)
}

/// Does an accepted ISO string name its own offset (`Z`, `±HH:MM`)?
pub fn has_offset(s: &str) -> bool {
    let rest = &s[10..];
    rest.ends_with(['Z', 'z']) || rest.contains(['+', '-'])
}

/// An ISO date value of a rule: one without an offset is local to `tz`.
pub fn absolute(s: &str, tz: Option<Tz>) -> Option<i64> {
    let t = dates::parse(s)?;
    match tz {
        Some(tz) if !has_offset(s) => Some(instant_of(utc(t), tz)),
        _ => Some(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_move_forward_and_overlaps_take_the_earlier_instant() {
        let berlin = get("Europe/Berlin").unwrap();
        assert_eq!(absolute("2025-03-30T02:30:00", Some(berlin)), dates::parse("2025-03-30T01:30:00Z"));
        assert_eq!(absolute("2025-10-26T02:30:00", Some(berlin)), dates::parse("2025-10-26T00:30:00Z"));
        let santiago = get("America/Santiago").unwrap();
        assert_eq!(start_of_day(NaiveDate::from_ymd_opt(2025, 9, 7).unwrap(), santiago), dates::parse("2025-09-07T04:00:00Z").unwrap());
    }
}
