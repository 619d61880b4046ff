//! IANA time zones for rules that name one (`timeZone`): which instant a
//! local date-time is, and which local day an instant falls on. The zone
//! rules are jiff's, over the database in `zone_db`, so the engine needs no
//! system zone files in a browser or a Worker.
//!
//! A local time in a DST gap is shifted forward by the gap's length
//! (02:30 → 03:30); a local time in an overlap takes the earlier instant.
//! That is jiff's "compatible" disambiguation.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::time::{civil_from_days, days_from_civil, MS_PER_DAY};

#[derive(Debug, Clone)]
pub struct Zone {
    name: Box<str>,
    tz: TimeZone,
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name == other.name
    }
}

impl Zone {
    /// The zone of this IANA name (`Europe/Berlin`, `UTC`).
    pub fn lookup(name: &str) -> Result<Zone, crate::zone_db::Missing> {
        if name.is_empty() || name.len() > 64 {
            return Err(crate::zone_db::Missing::Unknown);
        }
        crate::zone_db::get(name).map(|tz| Zone { name: name.into(), tz })
    }

    pub fn get(name: &str) -> Option<Zone> {
        Zone::lookup(name).ok()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The local civil day (days since 1970-01-01) of an instant.
    pub fn local_day(&self, ms: i64) -> i64 {
        let Ok(ts) = Timestamp::from_millisecond(ms) else { return ms.div_euclid(MS_PER_DAY) };
        let d = self.tz.to_datetime(ts).date();
        days_from_civil(i64::from(d.year()), i64::from(d.month()), i64::from(d.day()))
    }

    /// The instant of a local date-time, with the gap and overlap rules above.
    pub fn instant(&self, day: i64, ms_of_day: i64) -> i64 {
        let fallback = day * MS_PER_DAY + ms_of_day;
        let (y, m, d) = civil_from_days(day);
        let (h, rest) = (ms_of_day / 3_600_000, ms_of_day % 3_600_000);
        let dt = DateTime::new(
            y as i16,
            m as i8,
            d as i8,
            h as i8,
            (rest / 60_000) as i8,
            (rest / 1000 % 60) as i8,
            (rest % 1000) as i32 * 1_000_000,
        );
        match dt {
            Ok(dt) => self.tz.to_ambiguous_timestamp(dt).compatible().map_or(fallback, |t| t.as_millisecond()),
            Err(_) => fallback,
        }
    }

    /// The first instant of a local day (midnight, or the end of a gap that
    /// swallows it).
    pub fn start_of_day(&self, day: i64) -> i64 {
        self.instant(day, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_iso;

    fn day(s: &str) -> i64 {
        parse_iso(s).unwrap().div_euclid(MS_PER_DAY)
    }

    #[test]
    fn known_zones_exist_and_unknown_ones_do_not() {
        assert!(Zone::get("Europe/Berlin").is_some());
        assert!(Zone::get("UTC").is_some());
        assert!(Zone::get("America/New_York").is_some());
        assert!(Zone::get("Mars/Olympus").is_none());
        assert!(Zone::get("").is_none());
    }

    #[test]
    fn local_times_become_instants_across_dst() {
        let z = Zone::get("Europe/Berlin").unwrap();
        // Winter: UTC+1; summer: UTC+2.
        assert_eq!(z.instant(day("2026-01-15"), 12 * 3_600_000), parse_iso("2026-01-15T11:00:00Z").unwrap());
        assert_eq!(z.instant(day("2026-07-15"), 12 * 3_600_000), parse_iso("2026-07-15T10:00:00Z").unwrap());
        // 2026-03-29 02:30 does not exist in Berlin: shifted forward by the gap, to 03:30 CEST.
        assert_eq!(z.instant(day("2026-03-29"), 150 * 60_000), parse_iso("2026-03-29T01:30:00Z").unwrap());
        // 2026-10-25 02:30 happens twice: the earlier (CEST) instant.
        assert_eq!(z.instant(day("2026-10-25"), 150 * 60_000), parse_iso("2026-10-25T00:30:00Z").unwrap());
    }

    #[test]
    fn local_days_follow_the_zone() {
        let ny = Zone::get("America/New_York").unwrap();
        let t = parse_iso("2026-11-30T03:00:00Z").unwrap(); // 22:00 on the 29th in New York
        assert_eq!(ny.local_day(t), day("2026-11-29"));
        assert_eq!(ny.start_of_day(day("2026-11-29")), parse_iso("2026-11-29T05:00:00Z").unwrap());
        let utc = Zone::get("UTC").unwrap();
        assert_eq!(utc.local_day(t), day("2026-11-30"));
    }
}
