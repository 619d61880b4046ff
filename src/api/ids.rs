//! Ids: a prefix and a 26-character ULID. ULIDs come from the `ulid` crate;
//! the randomness comes from a per-command seed that the log entry carries,
//! so replaying a log hands out the same ids. Ids are kept strictly
//! increasing, which makes slot order, creation order and id order one.

use ulid::Ulid;

pub const CONTACT: &str = "cnt_";
pub const SEGMENT: &str = "seg_";
pub const EVENT: &str = "evt_";

/// Hands out monotonic ULIDs for one command.
#[derive(Debug, Clone)]
pub struct IdGen {
    pub last: u128,
    now: u64,
    state: u64,
}

impl IdGen {
    pub fn new(last: u128, now_ms: i64, seed: [u32; 4]) -> Self {
        let state = (u64::from(seed[0]) << 32 | u64::from(seed[1])) ^ (u64::from(seed[2]) << 32 | u64::from(seed[3])).rotate_left(17);
        IdGen { last, now: now_ms.max(0) as u64, state }
    }

    /// splitmix64: small, well-mixed, and deterministic for a given seed.
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn next(&mut self) -> u128 {
        let random = (u128::from(self.next_u64()) << 64 | u128::from(self.next_u64())) & ((1u128 << 80) - 1);
        let id = Ulid::from_parts(self.now, random).0;
        self.last = if id > self.last { id } else { self.last.wrapping_add(1) };
        self.last
    }
}

pub fn format(prefix: &str, id: u128) -> String {
    format!("{prefix}{}", Ulid(id))
}

/// Reads `prefix` + ULID; anything else is `None`.
pub fn parse(prefix: &str, s: &str) -> Option<u128> {
    let rest = s.strip_prefix(prefix)?;
    if rest.len() != 26 {
        return None;
    }
    Ulid::from_string(rest).ok().map(|u| u.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_monotonic_deterministic_and_round_trip() {
        let mut a = IdGen::new(0, 1_757_930_400_000, [1, 2, 3, 4]);
        let mut b = IdGen::new(0, 1_757_930_400_000, [1, 2, 3, 4]);
        let xs: Vec<u128> = (0..100).map(|_| a.next()).collect();
        let ys: Vec<u128> = (0..100).map(|_| b.next()).collect();
        assert_eq!(xs, ys);
        assert!(xs.windows(2).all(|w| w[0] < w[1]));
        let s = format(CONTACT, xs[0]);
        assert_eq!(s.len(), 30);
        assert!(s.starts_with("cnt_01K5"));
        assert_eq!(parse(CONTACT, &s), Some(xs[0]));
        assert_eq!(parse(SEGMENT, &s), None);
        assert_eq!(parse(CONTACT, "cnt_nope"), None);
        // A clock that goes backwards still yields increasing ids.
        let mut c = IdGen::new(xs[99], 0, [9, 9, 9, 9]);
        assert!(c.next() > xs[99]);
    }
}
