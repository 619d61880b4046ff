//! Which live segments a batch of events can change: only those whose
//! rules (or the rules of segments they reference) name one of its event
//! names. Events change no contact field, so a batch that only adds events
//! for existing contacts leaves every other segment as it was.

use crate::engine::eval::MAX_REF_DEPTH;
use crate::engine::segments::Segments;
use crate::rules::{Field, Node};

/// Does `n` name one of `names` (`events.<name>`), through references too?
pub fn names_event(n: &Node, segments: &Segments, names: &[&str]) -> bool {
    walk(n, segments, names, 0)
}

fn walk(n: &Node, segments: &Segments, names: &[&str], depth: usize) -> bool {
    match n {
        Node::Group { children, .. } => children.iter().any(|c| walk(c, segments, names, depth)),
        Node::Not(inner) => walk(inner, segments, names, depth),
        Node::Cond(c) => matches!(&c.field, Field::Event(name) if names.contains(&name.as_str())),
        Node::Segments { ids, .. } => {
            depth < MAX_REF_DEPTH
                && ids.iter().any(|&id| segments.rules_of(id).is_some_and(|r| walk(&r.root, segments, names, depth + 1)))
        }
    }
}
