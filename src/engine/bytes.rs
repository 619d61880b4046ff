//! Byte-string comparisons for the hot loops. In wasm, `==` on slices calls
//! the generic `memcmp` from compiler-builtins, a byte-at-a-time function
//! call that dominated string conditions over a million emails; these
//! compare eight bytes at a time, inlined.

#[inline]
fn word(s: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[..8]);
    u64::from_le_bytes(w)
}

/// `a == b`
#[inline]
pub fn eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut ca, mut cb) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in ca.by_ref().zip(cb.by_ref()) {
        if word(x) != word(y) {
            return false;
        }
    }
    ca.remainder().iter().zip(cb.remainder()).all(|(x, y)| x == y)
}

#[inline]
pub fn starts_with(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && eq(&hay[..prefix.len()], prefix)
}

#[inline]
pub fn ends_with(hay: &[u8], suffix: &[u8]) -> bool {
    hay.len() >= suffix.len() && eq(&hay[hay.len() - suffix.len()..], suffix)
}

/// Substring test for short haystacks: a first-byte scan, then a compare.
pub fn contains_short(hay: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else { return true };
    if hay.len() < needle.len() {
        return false;
    }
    (0..=hay.len() - needle.len()).any(|i| hay[i] == first && eq(&hay[i..i + needle.len()], needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_the_standard_library() {
        let words: [&[u8]; 9] = [b"", b"a", b"ab", b"abcdefgh", b"abcdefghi", b"xabcdefghi", b"abcdefghij@x.io", b"@x.io", b"ABCDEFGHIJ@x.io"];
        for a in words {
            for b in words {
                assert_eq!(eq(a, b), a == b);
                assert_eq!(starts_with(a, b), a.starts_with(b));
                assert_eq!(ends_with(a, b), a.ends_with(b));
                assert_eq!(contains_short(a, b), a.windows(b.len().max(1)).any(|w| w == b) || b.is_empty());
            }
        }
    }
}
