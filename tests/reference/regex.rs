//! A small backtracking matcher for the subset of RE2 syntax the
//! differential generator writes: literals, `.`, `\d` `\w` `\s` (ASCII, as
//! the README says), classes `[...]` / `[^...]` with ranges, groups with
//! `|`, the quantifiers `*` `+` `?`, the anchors `^` `$`, and a leading
//! `(?i)` that folds ASCII letters only. It is exponential in the worst case
//! and knows nothing else; that is the point: it shares nothing with the
//! engine's regex-lite, and a pattern it cannot read is one of the
//! generator's deliberately invalid ones.

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Class { items: Vec<(char, char)>, negated: bool },
    Start,
    End,
    /// Alternatives, each a sequence.
    Alt(Vec<Vec<Rep>>),
}

#[derive(Debug, Clone)]
struct Rep {
    node: Node,
    min: usize,
    max: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    alts: Vec<Vec<Rep>>,
    fold: bool,
}

const DIGIT: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')];
const SPACE: &[(char, char)] = &[('\t', '\r'), (' ', ' ')];

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    fn alternation(&mut self) -> Option<Vec<Vec<Rep>>> {
        let mut alts = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.at += 1;
            alts.push(self.sequence()?);
        }
        Some(alts)
    }

    fn sequence(&mut self) -> Option<Vec<Rep>> {
        let mut seq = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let node = self.atom()?;
            let (min, max) = match self.peek() {
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('?') => (0, Some(1)),
                _ => (1, Some(1)),
            };
            if (min, max) != (1, Some(1)) {
                if matches!(node, Node::Start | Node::End) {
                    return None;
                }
                self.at += 1;
                if matches!(self.peek(), Some('*' | '+' | '?' | '{')) {
                    return None; // lazy and nested repetition are outside the subset
                }
            }
            seq.push(Rep { node, min, max });
        }
        Some(seq)
    }

    fn escape(&mut self) -> Option<Node> {
        let c = self.next()?;
        Some(match c {
            'd' => Node::Class { items: DIGIT.to_vec(), negated: false },
            'w' => Node::Class { items: WORD.to_vec(), negated: false },
            's' => Node::Class { items: SPACE.to_vec(), negated: false },
            '.' | '\\' | '(' | ')' | '[' | ']' | '|' | '*' | '+' | '?' | '^' | '$' | '-' | '@' => Node::Char(c),
            _ => return None,
        })
    }

    fn atom(&mut self) -> Option<Node> {
        match self.next()? {
            '.' => Some(Node::Any),
            '^' => Some(Node::Start),
            '$' => Some(Node::End),
            '\\' => self.escape(),
            '(' => {
                if self.peek() == Some('?') {
                    return None; // flags or look-around inside: outside the subset
                }
                let alts = self.alternation()?;
                (self.next()? == ')').then_some(Node::Alt(alts))
            }
            '[' => self.class(),
            '*' | '+' | '?' | ')' | ']' | '{' | '}' => None,
            c => Some(Node::Char(c)),
        }
    }

    fn class(&mut self) -> Option<Node> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut items = Vec::new();
        loop {
            let c = self.next()?;
            if c == ']' && !items.is_empty() {
                break;
            }
            let lo = match c {
                '\\' => match self.escape()? {
                    Node::Char(c) => c,
                    Node::Class { items: more, .. } => {
                        items.extend(more);
                        continue;
                    }
                    _ => return None,
                },
                '[' | ']' => return None,
                c => c,
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&n| n != ']') {
                self.at += 1;
                let hi = self.next()?;
                if hi == '\\' || hi < lo {
                    return None;
                }
                items.push((lo, hi));
            } else {
                items.push((lo, lo));
            }
        }
        Some(Node::Class { items, negated })
    }
}

/// The pattern, or None if it is outside the subset (the generator's invalid ones).
pub fn parse(s: &str) -> Option<Pattern> {
    let (fold, body) = match s.strip_prefix("(?i)") {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if s.is_empty() || s.chars().count() > 1000 {
        return None;
    }
    let mut p = Parser { chars: body.chars().collect(), at: 0 };
    let alts = p.alternation()?;
    (p.at == p.chars.len()).then_some(Pattern { alts, fold })
}

impl Pattern {
    /// Unanchored search, as the README says.
    pub fn is_match(&self, text: &str) -> bool {
        let t: Vec<char> = text.chars().collect();
        (0..=t.len()).any(|start| self.alts_at(&self.alts, &t, start, &mut |_| true))
    }

    fn same(&self, a: char, b: char) -> bool {
        a == b || (self.fold && a.is_ascii_alphabetic() && a.eq_ignore_ascii_case(&b))
    }

    fn in_class(&self, items: &[(char, char)], c: char) -> bool {
        let hit = |c: char| items.iter().any(|&(lo, hi)| lo <= c && c <= hi);
        hit(c) || (self.fold && c.is_ascii_alphabetic() && (hit(c.to_ascii_lowercase()) || hit(c.to_ascii_uppercase())))
    }

    fn alts_at(&self, alts: &[Vec<Rep>], t: &[char], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        alts.iter().any(|seq| self.seq_at(seq, t, i, k))
    }

    fn seq_at(&self, seq: &[Rep], t: &[char], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        match seq.split_first() {
            None => k(i),
            Some((rep, rest)) => self.rep_at(rep, 0, t, i, &mut |j| self.seq_at(rest, t, j, k)),
        }
    }

    /// `rep` matched `n` times so far, ending at `i`: greedy, then fewer.
    fn rep_at(&self, rep: &Rep, n: usize, t: &[char], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        if rep.max.is_none_or(|m| n < m) && self.one_at(&rep.node, t, i, &mut |j| (j != i || n < rep.min) && self.rep_at(rep, n + 1, t, j, k)) {
            return true;
        }
        n >= rep.min && k(i)
    }

    fn one_at(&self, node: &Node, t: &[char], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        match node {
            Node::Start => i == 0 && k(i),
            Node::End => i == t.len() && k(i),
            Node::Any => i < t.len() && t[i] != '\n' && k(i + 1),
            Node::Char(c) => i < t.len() && self.same(*c, t[i]) && k(i + 1),
            Node::Class { items, negated } => i < t.len() && self.in_class(items, t[i]) != *negated && k(i + 1),
            Node::Alt(alts) => self.alts_at(alts, t, i, k),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn the_subset_reads_as_re2_does() {
        let m = |p: &str, t: &str| parse(p).unwrap().is_match(t);
        assert!(m("^pro$", "pro") && !m("^pro$", "Pro") && m("(?i)^pro$", "PRO"));
        assert!(!m("(?i)ö", "Ö"), "(?i) folds ASCII only");
        assert!(m("^(a|b)+$", "abba") && !m("^(a|b)+$", "abc"));
        assert!(m("^.$", "Σ") && m("\\d", "x1") && !m("\\w", "ö"));
        assert!(m("^[^a-c]*$", "xyz") && !m("^[^a-c]*$", "xbz"));
        assert!(m("(a*)*b", "aab"), "empty iterations do not loop");
        for bad in ["(", "[a", "a{2,1}", "\\p{L}", "(?<=a)b", "(a)\\1", "*a", "a)", ""] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }
}
