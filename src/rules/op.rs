//! Condition operators: their canonical names, the long spellings the
//! Kraiter SDK also accepts, and which kind of field each applies to.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Neq,
    Gt,
    Gte,
    Lt,
    Lte,
    In,
    NotIn,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    Exists,
    NotExists,
    Before,
    After,
    Occurred,
    NotOccurred,
    Matches,
    NotMatches,
}

/// The aggregate of a `having` test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agg {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    Distinct,
}

impl Agg {
    pub fn from_name(s: &str) -> Option<Agg> {
        Some(match s {
            "count" => Agg::Count,
            "sum" => Agg::Sum,
            "avg" => Agg::Avg,
            "min" => Agg::Min,
            "max" => Agg::Max,
            "distinct" => Agg::Distinct,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Agg::Count => "count",
            Agg::Sum => "sum",
            Agg::Avg => "avg",
            Agg::Min => "min",
            Agg::Max => "max",
            Agg::Distinct => "distinct",
        }
    }
}

impl Op {
    /// Reads a canonical or long spelling.
    pub fn from_name(s: &str) -> Option<Op> {
        Some(match s {
            "eq" | "equals" => Op::Eq,
            "neq" | "not_equals" | "notEquals" => Op::Neq,
            "gt" | "greaterThan" => Op::Gt,
            "gte" | "greaterThanOrEquals" => Op::Gte,
            "lt" | "lessThan" => Op::Lt,
            "lte" | "lessThanOrEquals" => Op::Lte,
            "in" => Op::In,
            "not_in" => Op::NotIn,
            "contains" => Op::Contains,
            "not_contains" | "notContains" => Op::NotContains,
            "starts_with" | "startsWith" => Op::StartsWith,
            "ends_with" | "endsWith" => Op::EndsWith,
            "exists" => Op::Exists,
            "not_exists" | "notExists" => Op::NotExists,
            "before" => Op::Before,
            "after" => Op::After,
            "occurred" => Op::Occurred,
            "not_occurred" => Op::NotOccurred,
            "matches" => Op::Matches,
            "not_matches" => Op::NotMatches,
            _ => return None,
        })
    }

    /// The canonical spelling, as rules are stored and returned.
    pub fn name(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Neq => "neq",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::In => "in",
            Op::NotIn => "not_in",
            Op::Contains => "contains",
            Op::NotContains => "not_contains",
            Op::StartsWith => "starts_with",
            Op::EndsWith => "ends_with",
            Op::Exists => "exists",
            Op::NotExists => "not_exists",
            Op::Before => "before",
            Op::After => "after",
            Op::Occurred => "occurred",
            Op::NotOccurred => "not_occurred",
            Op::Matches => "matches",
            Op::NotMatches => "not_matches",
        }
    }

    pub fn is_event_op(self) -> bool {
        matches!(self, Op::Occurred | Op::NotOccurred)
    }

    /// The ops a `having` test may use.
    pub fn is_comparison(self) -> bool {
        matches!(self, Op::Eq | Op::Neq | Op::Gt | Op::Gte | Op::Lt | Op::Lte)
    }

    /// Every canonical name, in the order the README lists them (the app's
    /// op lists are checked against this).
    pub const ALL: [Op; 20] = [
        Op::Eq, Op::Neq, Op::Gt, Op::Gte, Op::Lt, Op::Lte, Op::In, Op::NotIn, Op::Contains, Op::NotContains,
        Op::StartsWith, Op::EndsWith, Op::Exists, Op::NotExists, Op::Before, Op::After, Op::Matches, Op::NotMatches,
        Op::Occurred, Op::NotOccurred,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_spellings_map_to_the_short_form() {
        for (long, short) in [
            ("equals", "eq"),
            ("not_equals", "neq"),
            ("notEquals", "neq"),
            ("greaterThan", "gt"),
            ("greaterThanOrEquals", "gte"),
            ("lessThan", "lt"),
            ("lessThanOrEquals", "lte"),
            ("notContains", "not_contains"),
            ("startsWith", "starts_with"),
            ("endsWith", "ends_with"),
            ("notExists", "not_exists"),
        ] {
            assert_eq!(Op::from_name(long).map(Op::name), Some(short));
        }
    }

    #[test]
    fn every_short_name_reads_back() {
        for name in [
            "eq", "neq", "gt", "gte", "lt", "lte", "in", "not_in", "contains", "not_contains",
            "starts_with", "ends_with", "exists", "not_exists", "before", "after", "occurred",
            "not_occurred", "matches", "not_matches",
        ] {
            assert_eq!(Op::from_name(name).map(Op::name), Some(name));
        }
        assert_eq!(Op::from_name("EQ"), None);
        assert_eq!(Op::from_name("between"), None);
    }
}
