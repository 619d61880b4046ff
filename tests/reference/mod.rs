//! The reference model the differential tests and fuzz targets compare the
//! engine against: a deliberately simple, slow, obviously-correct reading of
//! the README rule language's decisions. It shares no code with the
//! engine (its dates come from chrono, its rules are read straight from
//! JSON, its zones from chrono-tz, its patterns from a small backtracking
//! matcher), so an agreement between the two is evidence, not a tautology.
//! Used by tests/differential.rs and by fuzz/fuzz_targets/*.rs (via #[path]).

#![allow(dead_code)]

pub mod dates;
pub mod regex;
pub mod zones;
pub mod rules;
pub mod world;
pub mod harness;
pub mod live;
