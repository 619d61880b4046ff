//! ISO 8601 as the README defines it: `YYYY-MM-DD` (midnight UTC) or
//! `YYYY-MM-DDTHH:MM[:SS[.f+]]` followed by `Z`, `±HH:MM`, `±HHMM` or nothing
//! (UTC); the instant must fall in years 0000-9999. The engine also takes the
//! RFC 3339 spellings `t` or a space for `T`, `z` for `Z` and `,` for `.`
//! (found by the `rules` fuzz target; not yet in the README), and so does
//! this reference. Calendar arithmetic is chrono's, not the engine's.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

pub const MIN_MS: i64 = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
pub const MAX_MS: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

fn num(s: &str) -> Option<u32> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Epoch milliseconds of an accepted ISO string, or None.
pub fn parse(s: &str) -> Option<i64> {
    if !s.is_ascii() || s.len() < 10 {
        return None;
    }
    let (date, rest) = s.split_at(10);
    let d = date.as_bytes();
    if d[4] != b'-' || d[7] != b'-' {
        return None;
    }
    let (y, m, day) = (num(&date[0..4])?, num(&date[5..7])?, num(&date[8..10])?);
    let date = NaiveDate::from_ymd_opt(y as i32, m, day)?;
    if rest.is_empty() {
        return in_range(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    // Split the zone off the end.
    let (clock, offset_min) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0i64)
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let (c, z) = rest.split_at(i);
        let sign = if z.starts_with('-') { -1 } else { 1 };
        let z = &z[1..];
        let (h, mi) = match z.len() {
            5 if z.as_bytes()[2] == b':' => (num(&z[0..2])?, num(&z[3..5])?),
            4 => (num(&z[0..2])?, num(&z[2..4])?),
            _ => return None,
        };
        if h > 23 || mi > 59 {
            return None;
        }
        (c, sign * i64::from(h * 60 + mi))
    } else {
        (rest, 0)
    };
    // HH:MM[:SS[.f+]]
    let (hm, sec_part) = if clock.len() > 5 { clock.split_at(5) } else { (clock, "") };
    if hm.len() != 5 || hm.as_bytes()[2] != b':' {
        return None;
    }
    let (h, mi) = (num(&hm[0..2])?, num(&hm[3..5])?);
    let (sec, frac_ms) = if sec_part.is_empty() {
        (0, 0)
    } else {
        let sp = sec_part.strip_prefix(':')?;
        let (ss, frac) = match sp.split_once(['.', ',']) {
            Some((ss, f)) => (ss, Some(f)),
            None => (sp, None),
        };
        if ss.len() != 2 {
            return None;
        }
        let ms = match frac {
            None => 0,
            Some(f) => {
                num(f)?; // one or more digits
                let three: String = f.chars().chain("000".chars()).take(3).collect();
                num(&three)?
            }
        };
        (num(ss)?, ms)
    };
    let time = NaiveTime::from_hms_milli_opt(h, mi, sec, frac_ms)?;
    if sec > 59 {
        return None;
    }
    let local = date.and_time(time).and_utc().timestamp_millis();
    in_range(local - offset_min * 60_000)
}

fn in_range(ms: i64) -> Option<i64> {
    (MIN_MS..=MAX_MS).contains(&ms).then_some(ms)
}

/// `2025-09-15T10:00:00.000Z`
pub fn format(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms).unwrap().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The same instant written with a fixed offset, `+HH:MM` or `+HHMM`.
pub fn format_with_offset(ms: i64, offset_min: i32, colon: bool) -> String {
    let tz = FixedOffset::east_opt(offset_min * 60).unwrap();
    let t: DateTime<FixedOffset> = tz.timestamp_millis_opt(ms).unwrap();
    t.format(if colon { "%Y-%m-%dT%H:%M:%S%.3f%:z" } else { "%Y-%m-%dT%H:%M:%S%.3f%z" }).to_string()
}
