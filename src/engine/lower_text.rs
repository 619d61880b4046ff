//! Lower-cased texts kept back to back in one buffer, one entry per
//! contact slot (emails) or per dictionary value (string columns). A string
//! condition (`contains`, `starts_with`, `ends_with`) then reads them in
//! order instead of following one heap pointer per entry: at 1M emails that
//! pointer chase, a cache miss per contact, was most of `email ends_with`.
//! An entry rewritten in place (a changed email) is appended and its old
//! bytes counted as garbage, compacted away once they are half the buffer.

#[derive(Debug, Default, Clone)]
pub struct LowerText {
    text: String,
    /// Byte range of each entry in `text`.
    spans: Vec<(usize, usize)>,
    garbage: usize,
}

/// Appends the lower-cased `s` (Unicode lower-casing, as the README says).
fn push_lower(out: &mut String, s: &str) {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        out.push_str(s);
    } else {
        out.push_str(&s.to_lowercase());
    }
}

impl LowerText {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Entry `i`, lower-cased (`None` past the end).
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        let &(a, b) = self.spans.get(i)?;
        self.text.get(a..b)
    }

    /// Adds an entry for `s`; `None` (a value that is not a string) adds an empty one.
    pub fn push(&mut self, s: Option<&str>) {
        let a = self.text.len();
        if let Some(s) = s {
            push_lower(&mut self.text, s);
        }
        self.spans.push((a, self.text.len()));
    }

    /// Rewrites entry `i` (nothing when there is none yet: it is added when needed).
    pub fn set(&mut self, i: usize, s: &str) {
        let Some(&(a, b)) = self.spans.get(i) else { return };
        self.garbage += b - a;
        let start = self.text.len();
        push_lower(&mut self.text, s);
        self.spans[i] = (start, self.text.len());
        if self.garbage > self.text.len() / 2 {
            self.compact();
        }
    }

    fn compact(&mut self) {
        let mut text = String::with_capacity(self.text.len() - self.garbage);
        for span in &mut self.spans {
            let a = text.len();
            text.push_str(&self.text[span.0..span.1]);
            *span = (a, text.len());
        }
        self.text = text;
        self.garbage = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::LowerText;

    #[test]
    fn entries_lower_case_in_order_and_survive_rewrites() {
        let mut t = LowerText::default();
        for s in [Some("A@X.io"), None, Some("zoë@ex.com"), Some("ΣΊΣΥΦΟΣ")] {
            t.push(s);
        }
        assert_eq!((t.get(0), t.get(1), t.get(2), t.get(3), t.get(4)), (Some("a@x.io"), Some(""), Some("zoë@ex.com"), Some("σίσυφος"), None));
        for n in 0..50 {
            t.set(0, &format!("NEW{n}@X.IO"));
        }
        t.set(9, "ignored");
        assert_eq!((t.get(0), t.get(2), t.len()), (Some("new49@x.io"), Some("zoë@ex.com"), 4));
        assert!(t.text.len() < 200, "rewrites are compacted away");
    }
}
