//! The data engine: contacts and events resident in columns and indexes,
//! rule evaluation over them, segments with their members, and snapshots.
//! It knows nothing of JSON commands (that is `api`) or of JavaScript.

pub mod bitset;
pub mod bytes;
pub mod contacts;
pub mod eval;
pub mod events;
pub mod feed;
pub mod live;
pub mod lower_text;
pub mod matcher;
pub mod members;
pub mod paged;
pub mod segments;
pub mod snapshot;
pub mod value;
