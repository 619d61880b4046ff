//! A pre-scan of command text, before serde sees it: how deep it nests and
//! whether a string holds a lone UTF-16 surrogate escape (`"\ud800"`).
//!
//! Both would otherwise surface as a bare parser message at path `""`
//! ("recursion limit exceeded", "lone leading surrogate"), or, past the
//! parser's limit, as a failure somewhere up the stack. The first pass only
//! counts brackets and checks `\u` escapes, so it costs a byte loop; only
//! when it finds a problem does a second pass walk keys and indexes to
//! name the path.

/// Levels a whole command may nest (below serde_json's own limit of 128).
pub const MAX_INPUT_DEPTH: usize = 100;
/// Levels a property value (contact or event) may nest: `[[1]]` is 2.
pub const MAX_VALUE_DEPTH: usize = 32;

#[derive(Debug, PartialEq)]
pub struct Problem {
    /// Path in the caller's terms (`properties.a[0]`); `""` for the root.
    pub path: String,
    pub lone_surrogate: bool,
}

/// The first problem in `text` (JSON), or `None`: containers opened deeper
/// than `max_depth`, or a lone surrogate escape in a string.
pub fn check(text: &str, max_depth: usize) -> Option<Problem> {
    if quick_ok(text.as_bytes(), max_depth) {
        None
    } else {
        locate(text.as_bytes(), max_depth)
    }
}

fn hex4(b: &[u8]) -> Option<u16> {
    let s = std::str::from_utf8(b.get(..4)?).ok()?;
    u16::from_str_radix(s, 16).ok()
}

/// After a backslash at `b[i]` inside a string: the index past the escape,
/// and whether it was a lone surrogate.
fn escape(b: &[u8], i: usize) -> (usize, bool) {
    if b.get(i + 1) != Some(&b'u') {
        return (i + 2, false);
    }
    match hex4(&b[(i + 2).min(b.len())..]) {
        Some(hi @ 0xD800..=0xDBFF) => {
            let _ = hi;
            let pair = b.get(i + 6) == Some(&b'\\') && b.get(i + 7) == Some(&b'u');
            match pair.then(|| hex4(&b[(i + 8).min(b.len())..])).flatten() {
                Some(0xDC00..=0xDFFF) => (i + 12, false),
                _ => (i + 6, true),
            }
        }
        Some(0xDC00..=0xDFFF) => (i + 6, true),
        _ => (i + 6, false),
    }
}

fn quick_ok(b: &[u8], max_depth: usize) -> bool {
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                loop {
                    match memchr::memchr2(b'"', b'\\', &b[i.min(b.len())..]) {
                        None => return true, // unterminated: the parser reports it
                        Some(k) if b[i + k] == b'"' => {
                            i += k + 1;
                            break;
                        }
                        Some(k) => {
                            let (next, lone) = escape(b, i + k);
                            if lone {
                                return false;
                            }
                            i = next;
                        }
                    }
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    true
}

enum Frame {
    Array(usize),
    Object { key: String, expect_key: bool },
}

fn render(frames: &[Frame]) -> String {
    let mut p = String::new();
    for f in frames {
        match f {
            Frame::Array(i) => p.push_str(&format!("[{i}]")),
            Frame::Object { key, .. } => p = crate::error::join_path(&p, key),
        }
    }
    p
}

/// The second, slower pass: the same scan, keeping the path.
fn locate(b: &[u8], max_depth: usize) -> Option<Problem> {
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                let mut lone = false;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        let (next, l) = escape(b, i);
                        lone |= l;
                        i = next;
                    } else {
                        i += 1;
                    }
                }
                let raw = &b[start.min(b.len())..i.min(b.len())];
                let is_key = matches!(frames.last(), Some(Frame::Object { expect_key: true, .. }));
                if is_key {
                    let text = String::from_utf8_lossy(raw);
                    let key = serde_json::from_str::<String>(&format!("\"{text}\"")).unwrap_or_else(|_| text.into_owned());
                    if let Some(Frame::Object { key: k, expect_key }) = frames.last_mut() {
                        *k = key;
                        *expect_key = false;
                    }
                }
                if lone {
                    return Some(Problem { path: render(&frames), lone_surrogate: true });
                }
            }
            c @ (b'[' | b'{') => {
                if frames.len() >= max_depth {
                    return Some(Problem { path: render(&frames), lone_surrogate: false });
                }
                frames.push(if c == b'[' { Frame::Array(0) } else { Frame::Object { key: String::new(), expect_key: true } });
            }
            b']' | b'}' => {
                frames.pop();
            }
            b',' => match frames.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_valid_text_passes() {
        assert_eq!(check(r#"{"a":[1,{"b":"x\"[["}],"c":"\ud83d\ude00"}"#, 3), None);
    }

    #[test]
    fn depth_is_reported_at_the_container_that_exceeds_it() {
        let p = check(r#"{"properties":{"a":[[[1]]]}}"#, 4).unwrap();
        assert_eq!(p, Problem { path: "properties.a[0][0]".into(), lone_surrogate: false });
        let deep = "[".repeat(5000) + &"]".repeat(5000);
        assert_eq!(check(&deep, 100).unwrap().path.matches("[0]").count(), 100);
    }

    #[test]
    fn lone_surrogates_are_found_at_their_path() {
        let p = check(r#"{"rules":[{"field":"email","op":"eq","value":"\ud800"}]}"#, 10).unwrap();
        assert_eq!(p, Problem { path: "rules[0].value".into(), lone_surrogate: true });
        assert!(check(r#"["ok","\udc00x"]"#, 10).unwrap().lone_surrogate);
        assert_eq!(check(r#"["\ud800\u0041"]"#, 10).unwrap().path, "[0]");
        assert_eq!(check(r#"{"k":1,"b":["x","y","\uDBFF"]}"#, 10).unwrap().path, "b[2]");
    }

    #[test]
    fn keys_with_escapes_and_commas_in_strings_keep_the_path_right() {
        let p = check(r#"{"a,b":1,"c\"d":{"e":["1,2",[[2]]]}}"#, 4).unwrap();
        assert_eq!(p.path, "c\"d.e[1][0]");
    }
}
