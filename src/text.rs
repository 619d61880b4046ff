//! Small text helpers shared by every layer, so there is one copy of each.

/// A user string cut to at most 80 characters for an error message, so an
/// error never echoes megabytes of input back.
pub fn clip(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        s.chars().take(77).collect::<String>() + "..."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_strings_are_cut_short_ones_kept() {
        assert_eq!(clip("abc"), "abc");
        let long = "é".repeat(200);
        let c = clip(&long);
        assert_eq!(c.chars().count(), 80);
        assert!(c.ends_with("..."));
    }
}
