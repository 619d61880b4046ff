//! A growable array kept in fixed pages of 8,192 elements. The event index
//! holds tens of millions of timestamps in wasm, whose linear memory never
//! shrinks: a `Vec` that grows by reallocation leaves its old buffer behind
//! as a hole each time, while pages are only ever appended.

use serde::{Deserialize, Serialize};

const PAGE_BITS: u32 = 13;
const PAGE: usize = 1 << PAGE_BITS; // 8,192 timestamps
const MASK: usize = PAGE - 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Paged<T> {
    pages: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Paged<T> {
    fn default() -> Self {
        Paged { pages: Vec::new(), len: 0 }
    }
}

impl<T: Copy + Default + PartialOrd> Paged<T> {
    /// Checks decoded pages: every page full-sized, enough pages for `len`.
    pub fn validate(&self, what: &str) -> Result<(), String> {
        if self.pages.iter().any(|p| p.len() != PAGE) || self.pages.len() != self.len.div_ceil(PAGE) {
            return Err(format!("{what}: {} elements do not fit its {} pages", self.len, self.pages.len()));
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Element `i`; `i` must be below `len()`.
    /// The elements, a page at a time (the last page cut at `len`).
    pub fn chunks(&self) -> impl Iterator<Item = &[T]> + '_ {
        let len = self.len;
        self.pages.iter().enumerate().map(move |(p, page)| &page[..(len - p * PAGE).min(PAGE)])
    }

    pub fn get(&self, i: usize) -> T {
        self.pages[i >> PAGE_BITS][i & MASK]
    }

    pub fn set(&mut self, i: usize, v: T) {
        self.pages[i >> PAGE_BITS][i & MASK] = v;
    }

    /// Grows to `len` elements (new ones are 0), a page at a time.
    pub fn grow(&mut self, len: usize) {
        while self.pages.len() * PAGE < len {
            self.pages.push(vec![T::default(); PAGE]);
        }
        self.len = self.len.max(len);
    }

    /// The first index in `a..b` whose value is `>= x` (values in `a..b` ascending).
    pub fn lower_bound(&self, mut a: usize, mut b: usize, x: T) -> usize {
        while a < b {
            let m = a + (b - a) / 2;
            if self.get(m) < x {
                a = m + 1;
            } else {
                b = m;
            }
        }
        a
    }

    pub fn heap_bytes(&self) -> usize {
        self.pages.len() * PAGE * std::mem::size_of::<T>() + self.pages.capacity() * 24
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_by_pages_and_searches() {
        let mut p: Paged<i64> = Paged::default();
        p.grow(20_000);
        for i in 0..20_000 {
            p.set(i, i as i64 * 2);
        }
        assert_eq!(p.len(), 20_000);
        assert_eq!(p.lower_bound(0, 20_000, 9_999), 5_000);
        assert_eq!(p.lower_bound(100, 200, 0), 100);
        p.grow(20_010);
        assert_eq!(p.len(), 20_010);
        assert_eq!(p.get(20_009), 0);
        assert_eq!(p.get(7_999), 15_998);
        assert!(p.heap_bytes() >= 20_010 * 8);
    }
}
