//! Table, column and index names: validated once, then always written between double quotes
//! with embedded `"` doubled, so a name can never end its quoting and become SQL.

use crate::error::{DormError, ErrorCode, Result};

/// The longest name accepted, in bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// Prefixes SQLite (`sqlite_`) and Cloudflare (`_cf_`) reserve, matched ASCII case-insensitively.
const RESERVED_PREFIXES: &[&str] = &["sqlite_", "_cf_"];

/// What a name names, for error messages (`"table"`, `"column"`, `"index"`).
pub type NameKind = &'static str;

/// Checks that `name` can be used as a `what` name: not empty, no NUL character, no reserved
/// prefix, at most [`MAX_NAME_BYTES`] bytes.
///
/// ```
/// use dorm_core::ident::validate;
/// assert!(validate("user \"quoted\" name", "column").is_ok());
/// assert_eq!(validate("_CF_kv", "table").unwrap_err().code, dorm_core::ErrorCode::InvalidIdentifier);
/// assert!(validate("", "column").is_err());
/// ```
pub fn validate(name: &str, what: NameKind) -> Result<()> {
    let problem = if name.is_empty() {
        Some("is empty".to_string())
    } else if name.contains('\0') {
        Some("contains a NUL character".to_string())
    } else if name.len() > MAX_NAME_BYTES {
        Some(format!("is {} bytes long; the limit is {MAX_NAME_BYTES}", name.len()))
    } else {
        RESERVED_PREFIXES
            .iter()
            .find(|p| name.as_bytes().get(..p.len()).is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes())))
            .map(|p| format!("starts with {p}, which is reserved"))
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(DormError::new(
            ErrorCode::InvalidIdentifier,
            format!("the {what} name {} {problem}; choose another {what} name", shown(name)),
        )),
    }
}

/// Validates `name` and returns it quoted: `a"b` becomes `"a""b"`.
///
/// ```
/// assert_eq!(dorm_core::ident::quote("a\"b", "column").unwrap(), "\"a\"\"b\"");
/// ```
pub fn quote(name: &str, what: NameKind) -> Result<String> {
    validate(name, what)?;
    Ok(quote_unchecked(name))
}

/// Quotes a name already validated (or a name the core itself chose).
pub(crate) fn quote_unchecked(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A name as shown in messages: in quotes with escapes, cut after 64 characters.
pub(crate) fn shown(name: &str) -> String {
    let cut: String = name.chars().take(64).collect();
    if cut.len() < name.len() {
        format!("{cut:?}…")
    } else {
        format!("{cut:?}")
    }
}

/// True when two names denote the same SQLite name (SQLite folds ASCII case only).
pub fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_names_with_the_reason() {
        let message = |name: &str| validate(name, "column").unwrap_err().message;
        assert!(message("").contains("empty"));
        assert!(message("a\0b").contains("NUL"));
        assert!(message("SQLITE_master").contains("sqlite_"));
        assert!(message(&"x".repeat(256)).contains("256 bytes"));
        assert!(validate(&"é".repeat(127), "table").is_ok());
    }

    #[test]
    fn quoting_doubles_quotes_only() {
        assert_eq!(quote_unchecked(r#"a"";--b"#), r#""a"""";--b""#);
        assert_eq!(quote_unchecked("ü'x"), "\"ü'x\"");
    }
}
