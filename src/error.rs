//! The one error type of the core: a code, a message and, for validation,
//! the paths into the caller's input that were wrong. The wasm boundary turns
//! it into a `KraiterError` in one place.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    ValidationError,
    NotFound,
    Conflict,
    Unauthorised,
    StorageError,
}

impl Code {
    pub fn status(self) -> u16 {
        match self {
            Code::ValidationError => 400,
            Code::NotFound => 404,
            Code::Conflict => 409,
            Code::Unauthorised => 401,
            Code::StorageError => 500,
        }
    }
}

/// The most places one validation error lists (an import's bad records,
/// a rule's problems).
pub const MAX_DETAILS: usize = 100;

/// One wrong place in the input: `path` uses the caller's names
/// (`rules.conditions[1].op`, `[3].email`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detail {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Error {
    pub code: Code,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Detail>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), details: Vec::new() }
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        Error::new(Code::NotFound, format!("No {what} with ID {id} exists."))
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Error::new(Code::Conflict, message)
    }

    /// A validation error about one place in the input.
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::validation(vec![Detail { path: path.into(), message: message.into() }])
    }

    /// A validation error listing every wrong place found; the message
    /// repeats the first so that a bare `error.message` is useful.
    pub fn validation(mut details: Vec<Detail>) -> Self {
        // At most MAX_DETAILS places are listed; the message counts the rest.
        let total = details.len();
        details.truncate(MAX_DETAILS);
        // A path thousands of levels deep is cut in the message; `details`
        // keeps it whole.
        let message = match details.first() {
            Some(d) if d.path.is_empty() => d.message.clone(),
            Some(d) if details.len() == 1 => format!("{}: {}", crate::text::clip(&d.path), d.message),
            Some(d) => format!("{}: {} (and {} more)", crate::text::clip(&d.path), d.message, total - 1),
            None => "Invalid input.".to_string(),
        };
        Error { code: Code::ValidationError, message, details }
    }

    /// The same error with every detail path prefixed, for input nested in a
    /// larger document (`[3]` + `.email`).
    pub fn under(mut self, prefix: &str) -> Self {
        for d in &mut self.details {
            d.path = join_path(prefix, &d.path);
        }
        if self.code == Code::ValidationError {
            let details = std::mem::take(&mut self.details);
            return Error::validation(details);
        }
        self
    }
}

/// Both results, or one validation error listing the details of both
/// (so a form can mark every wrong field at once).
pub fn both<A, B>(a: Result<A>, b: Result<B>) -> Result<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(x), Err(y)) if x.code == Code::ValidationError && y.code == Code::ValidationError => {
            let mut d = x.details;
            d.extend(y.details);
            Err(Error::validation(d))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// Joins two path pieces: `rules` + `conditions[0]` → `rules.conditions[0]`,
/// `[3]` + `email` → `[3].email`, `rules` + `[0]` → `rules[0]`.
pub fn join_path(prefix: &str, rest: &str) -> String {
    if prefix.is_empty() {
        rest.to_string()
    } else if rest.is_empty() {
        prefix.to_string()
    } else if rest.starts_with('[') {
        format!("{prefix}{rest}")
    } else {
        format!("{prefix}.{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_like_js_accessors() {
        assert_eq!(join_path("rules", "conditions[1].op"), "rules.conditions[1].op");
        assert_eq!(join_path("[3]", "email"), "[3].email");
        assert_eq!(join_path("rules", "[0]"), "rules[0]");
        assert_eq!(join_path("", "name"), "name");
    }

    #[test]
    fn statuses_follow_the_spec() {
        assert_eq!(Code::ValidationError.status(), 400);
        assert_eq!(Code::NotFound.status(), 404);
        assert_eq!(Code::Conflict.status(), 409);
        assert_eq!(Code::Unauthorised.status(), 401);
        assert_eq!(Code::StorageError.status(), 500);
    }

    #[test]
    fn under_prefixes_every_detail() {
        let e = Error::invalid("email", "must be a string").under("[3]");
        assert_eq!(e.details[0].path, "[3].email");
        assert!(e.message.starts_with("[3].email"));
    }
}
