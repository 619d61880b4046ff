//! ISO 8601 instants as milliseconds since the Unix epoch.
//!
//! The rule language compares "strings that parse as ISO dates", and every
//! timestamp the API returns is `YYYY-MM-DDTHH:MM:SS.mmmZ`. A date library
//! would triple the wasm size for these two small functions, so they are
//! written out here (days-from-civil, Howard Hinnant's algorithm) and tested
//! against known instants.

/// Earliest and latest instants accepted: years 0000 to 9999.
pub const MIN_MS: i64 = -62_167_219_200_000;
pub const MAX_MS: i64 = 253_402_300_799_999;

pub const MS_PER_DAY: i64 = 86_400_000;

pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Formats an instant as `2025-09-15T10:00:00.000Z`.
pub fn format_iso(ms: i64) -> String {
    let ms = ms.clamp(MIN_MS, MAX_MS);
    let days = ms.div_euclid(MS_PER_DAY);
    let rem = ms.rem_euclid(MS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<i64> {
        let s = self.b.get(self.i..self.i + n)?;
        let mut v = 0i64;
        for &c in s {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        self.i += n;
        Some(v)
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
}

/// An ISO date or date-time as written: the civil day (days since
/// 1970-01-01), the time of day in ms, and the offset from UTC in ms if
/// one was given (`Z` is an offset of 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub day: i64,
    pub ms_of_day: i64,
    pub offset_ms: Option<i64>,
}

impl Parts {
    /// The instant, reading a missing offset as UTC.
    pub fn utc(self) -> i64 {
        self.day * MS_PER_DAY + self.ms_of_day - self.offset_ms.unwrap_or(0)
    }
}

/// Parses an ISO 8601 date or date-time: `2025-09-15`, `2025-09-15T10:00`,
/// `2025-09-15T10:00:00`, with optional fraction and `Z` or `±HH:MM`
/// offset; no offset means UTC. Anything else (including bare years or
/// numbers) is not a date.
pub fn parse_iso(s: &str) -> Option<i64> {
    parse_iso_parts(s).map(Parts::utc)
}

/// `parse_iso`, keeping apart what was written: a date or date-time
/// without an offset is a local time where a rule names a time zone.
pub fn parse_iso_parts(s: &str) -> Option<Parts> {
    let mut c = Cursor { b: s.as_bytes(), i: 0 };
    let y = c.digits(4)?;
    if !c.eat(b'-') {
        return None;
    }
    let mo = c.digits(2)?;
    if !c.eat(b'-') {
        return None;
    }
    let d = c.digits(2)?;
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return None;
    }
    let day = days_from_civil(y, mo, d);
    let done = |p: Parts| (MIN_MS..=MAX_MS).contains(&p.utc()).then_some(p);
    if c.peek().is_none() {
        return done(Parts { day, ms_of_day: 0, offset_ms: None });
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let h = c.digits(2)?;
    if !c.eat(b':') {
        return None;
    }
    let mi = c.digits(2)?;
    let mut sec = 0;
    let mut frac_ms = 0;
    if c.eat(b':') {
        sec = c.digits(2)?;
        if c.eat(b'.') || c.eat(b',') {
            let start = c.i;
            let mut scale = 100;
            while let Some(ch) = c.peek().filter(u8::is_ascii_digit) {
                frac_ms += i64::from(ch - b'0') * scale;
                scale /= 10;
                c.i += 1;
            }
            if c.i == start {
                return None;
            }
        }
    }
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let ms_of_day = ((h * 60 + mi) * 60 + sec) * 1000 + frac_ms;
    let offset_ms = match c.peek() {
        None => None,
        Some(b'Z') | Some(b'z') => {
            c.i += 1;
            Some(0)
        }
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let oh = c.digits(2)?;
            c.eat(b':');
            let om = c.digits(2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let off = (oh * 60 + om) * 60_000;
            Some(if sign == b'+' { off } else { -off })
        }
        Some(_) => return None,
    };
    if c.i != s.len() {
        return None;
    }
    done(Parts { day, ms_of_day, offset_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_iso(1_757_930_400_000), "2025-09-15T10:00:00.000Z");
        assert_eq!(format_iso(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(format_iso(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn parses_the_accepted_shapes() {
        assert_eq!(parse_iso("2025-09-15T10:00:00.000Z"), Some(1_757_930_400_000));
        assert_eq!(parse_iso("2025-09-15T10:00:00Z"), Some(1_757_930_400_000));
        assert_eq!(parse_iso("2025-09-15T10:00Z"), Some(1_757_930_400_000));
        assert_eq!(parse_iso("2025-09-15T12:00:00+02:00"), Some(1_757_930_400_000));
        assert_eq!(parse_iso("2025-09-15T05:30:00-0430"), Some(1_757_930_400_000));
        assert_eq!(parse_iso("2025-09-15"), Some(1_757_894_400_000));
        assert_eq!(parse_iso("2025-09-15T10:00:00.5Z"), Some(1_757_930_400_500));
        assert_eq!(parse_iso("2000-02-29"), Some(951_782_400_000));
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for s in [
            "", "2025", "20250915", "2025-13-01", "2025-02-29", "2025-09-31", "2025-09-15T24:00",
            "2025-09-15T10:00:00.Z", "2025-09-15X", "hello", "2025-09-15T10", "2025-9-15",
            "2025-09-15T10:00:00Zjunk", "１２３４-01-01",
        ] {
            assert_eq!(parse_iso(s), None, "{s}");
        }
    }

    #[test]
    fn round_trips() {
        for ms in [0, 1, 999, 1_757_930_400_123, -86_400_001, MIN_MS, MAX_MS] {
            assert_eq!(parse_iso(&format_iso(ms)), Some(ms));
        }
    }
}
