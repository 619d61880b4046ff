//! The rule language: the tree a segment is defined by, already validated.
//!
//! `parse` turns caller JSON into a [`Rules`] (the typed tree plus its
//! canonical JSON), reporting every problem with a path into the input.
//! The engine compiles a `Rules` against its columns; nothing else reads
//! raw rule JSON.

mod op;
mod parse;

pub use op::Op;
pub use parse::{parse_rules, MAX_CONDITIONS, MAX_DEPTH, MAX_EVENT_NAME_CHARS, MAX_LIST_VALUES, MAX_WITHIN_DAYS};

use serde_json::Value;

/// A validated rule tree and the canonical JSON it is stored and returned as.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    pub root: Node,
    pub canonical: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Group { any: bool, children: Vec<Node> },
    Cond(Condition),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: Field,
    pub op: Op,
    pub operand: Operand,
    /// For event conditions: the window length in milliseconds.
    pub within_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// `properties.<key>`: the key is everything after the first dot.
    Property(String),
    Email,
    CreatedAt,
    UpdatedAt,
    Suppressed,
    /// `events.<name>`: case-sensitive.
    Event(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Str(String),
    Num(f64),
    Bool(bool),
}

/// The condition's `value`, already checked against what its op takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    None,
    /// `eq neq`
    Scalar(Scalar),
    /// `gt gte lt lte` with a number
    Number(f64),
    /// `gt gte lt lte` with an ISO date, and `before after`: epoch ms
    Date(i64),
    /// `in not_in`
    List(Vec<Scalar>),
    /// `contains not_contains starts_with ends_with`
    Text(String),
}
