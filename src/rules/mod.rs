//! The rule language: the tree a segment is defined by, already validated.
//!
//! `parse` turns caller JSON into a [`Rules`] (the typed tree plus its
//! canonical JSON), reporting every problem with a path into the input.
//! The engine compiles a `Rules` against its columns; nothing else reads
//! raw rule JSON.

mod op;
mod operand;
mod parse;
mod window;

pub use op::{Agg, Op};
pub use parse::{parse_rules, MAX_CONDITIONS, MAX_DEPTH, MAX_EVENT_NAME_CHARS, MAX_LIST_VALUES, MAX_PATTERN_CHARS, MAX_WITHIN_DAYS};
pub use window::{Bound, Window};

use serde_json::Value;

use crate::zone::Zone;

/// A validated rule tree and the canonical JSON it is stored and returned as.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    pub root: Node,
    pub canonical: Value,
    /// Every segment this tree references, with the path of the id in the
    /// input (`rules.conditions[0].value[1]`), in input order.
    pub refs: Vec<(u128, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Group { any: bool, children: Vec<Node> },
    /// `{ operator: "not", conditions: [node] }`
    Not(Box<Node>),
    Cond(Condition),
    /// `{ field: "segment", op: "in" | "not_in", value: [ids] }`: a member of
    /// any (`none: false`) or none of the listed segments.
    Segments { ids: Vec<u128>, none: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: Field,
    pub op: Op,
    pub operand: Operand,
    /// For event conditions: which events count by time.
    pub window: Window,
    /// `where`: a test of each event's own properties (event conditions).
    pub filter: Option<Box<Node>>,
    /// `having`: a test of an aggregate over the matching events.
    pub having: Option<Having>,
    /// `timeZone`: calendar days for `within`, local times for dates.
    pub zone: Option<Zone>,
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

/// `having: { fn, property?, op, value }`
#[derive(Debug, Clone, PartialEq)]
pub struct Having {
    pub agg: Agg,
    /// The event property aggregated (not for `count`).
    pub property: Option<String>,
    /// One of `eq neq gt gte lt lte`.
    pub op: Op,
    pub value: f64,
}

impl Having {
    /// Does an aggregate value pass the test? `None` (no numbers to take
    /// an `avg`, `min` or `max` of) never does.
    pub fn test(&self, v: Option<f64>) -> bool {
        let Some(v) = v else { return false };
        match self.op {
            Op::Eq => v == self.value,
            Op::Neq => v != self.value,
            Op::Gt => v > self.value,
            Op::Gte => v >= self.value,
            Op::Lt => v < self.value,
            Op::Lte => v <= self.value,
            _ => false,
        }
    }
}

/// A compiled regular expression (RE2 syntax, linear time), compared by
/// its pattern.
#[derive(Debug, Clone)]
pub struct Pattern(pub std::sync::Arc<regex_lite::Regex>);

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
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
    /// The same ops with `"now"`, `-N<unit>` or `+N<unit>`: now plus this
    /// many ms, fixed when the rules are evaluated.
    RelDate(i64),
    /// `in not_in`
    List(Vec<Scalar>),
    /// `contains not_contains starts_with ends_with`
    Text(String),
    /// `matches not_matches`
    Regex(Pattern),
}

impl Operand {
    /// The operand at instant `now` (relative dates become instants).
    pub fn at(&self, now: i64) -> std::borrow::Cow<'_, Operand> {
        match self {
            Operand::RelDate(off) => std::borrow::Cow::Owned(Operand::Date(now.saturating_add(*off))),
            o => std::borrow::Cow::Borrowed(o),
        }
    }
}
