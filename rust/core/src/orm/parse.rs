//! Options and values of requests, JSON → typed: orders, limits, column lists, bound values.
//! Every malformed shape is an INVALID_ARGUMENT that says what was expected. Where clauses are
//! read in [`super::filter`].

use crate::error::{DormError, ErrorCode, Result};
use crate::ident::{self, shown};
use serde_json::{Map, Number, Value};

/// The largest integer JavaScript represents exactly (`Number.MAX_SAFE_INTEGER`, 2^53 − 1).
pub const MAX_SAFE: u64 = (1 << 53) - 1;

pub(crate) fn bad(message: impl Into<String>) -> DormError {
    DormError::new(ErrorCode::InvalidArgument, message)
}

/// A non-negative whole JSON number up to 2^53 − 1 (`10` or `10.0`), else None.
///
/// ```
/// use dorm_core::orm::whole_number;
/// assert_eq!(whole_number(&serde_json::json!(10.0)), Some(10));
/// assert_eq!(whole_number(&serde_json::json!(-1)), None);
/// assert_eq!(whole_number(&serde_json::json!("10")), None);
/// ```
pub fn whole_number(value: &Value) -> Option<u64> {
    let n = value.as_number()?;
    if let Some(u) = n.as_u64() {
        return (u <= MAX_SAFE).then_some(u);
    }
    let f = n.as_f64()?;
    // The range test first: it also refuses NaN, and makes the cast exact.
    ((0.0..=MAX_SAFE as f64).contains(&f) && f.fract() == 0.0).then_some(f as u64)
}

/// A value as a parameter: booleans become 1/0 and objects/arrays JSON text, as they are stored;
/// integers beyond ±(2^53 − 1) become the JavaScript number they already were on the JavaScript side.
///
/// ```
/// use serde_json::json;
/// assert_eq!(dorm_core::orm::bind(&json!(true)), json!(1));
/// assert_eq!(dorm_core::orm::bind(&json!({ "a": [1] })), json!("{\"a\":[1]}"));
/// ```
pub fn bind(value: &Value) -> Value {
    match value {
        Value::Bool(b) => Value::from(u8::from(*b)),
        Value::Array(_) | Value::Object(_) => Value::String(value.to_string()),
        Value::Number(n) => Value::Number(js_number(n)),
        other => other.clone(),
    }
}

/// `n` as JavaScript sees it: integers beyond ±(2^53 − 1) as the nearest double, since JavaScript
/// numbers are doubles (and the wasm boundary refuses larger integers).
pub fn js_number(n: &Number) -> Number {
    let safe = |i: i128| i.unsigned_abs() <= u128::from(MAX_SAFE);
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) if safe(i128::from(i)) => n.clone(),
        (_, Some(u), _) if safe(i128::from(u)) => n.clone(),
        (_, _, Some(f)) => Number::from_f64(f).unwrap_or_else(|| n.clone()),
        _ => n.clone(),
    }
}

/// The options object of a request: absent or null is empty; unknown keys are refused.
pub(crate) fn options<'a>(value: &'a Value, what: &str, known: &[&str]) -> Result<Option<&'a Map<String, Value>>> {
    match value {
        Value::Null => Ok(None),
        Value::Object(map) => match map.keys().find(|k| !known.contains(&k.as_str())) {
            Some(key) => Err(bad(format!("unknown option {} for {what}; known: {}", shown(key), known.join(", ")))),
            None => Ok(Some(map)),
        },
        _ => Err(bad(format!("the options of {what} must be an object like {{ {} }}", known.join(", ")))),
    }
}

/// An option that must be a non-negative whole number.
pub(crate) fn count(options: Option<&Map<String, Value>>, key: &str) -> Result<Option<u64>> {
    match options.and_then(|o| o.get(key)) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => whole_number(v)
            .map(Some)
            .ok_or_else(|| bad(format!("{key} must be a whole number from 0 to 2^53 − 1, not {}", short(v)))),
    }
}

/// One term of an ORDER BY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub column: String,
    pub descending: bool,
}

/// `orderBy`: a column name, `{ column, direction }`, or an array of those.
pub(crate) fn order_by(value: Option<&Value>) -> Result<Vec<Order>> {
    let items: Vec<&Value> = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single) => vec![single],
    };
    items.into_iter().map(order_term).collect()
}

fn order_term(value: &Value) -> Result<Order> {
    const SHAPE: &str = "each orderBy term is a column name or { \"column\": \"name\", \"direction\": \"ASC\" | \"DESC\" }";
    let (column, direction) = match value {
        Value::String(column) => (column, None),
        Value::Object(term) => {
            if let Some(key) = term.keys().find(|k| *k != "column" && *k != "direction") {
                return Err(bad(format!("unknown key {} in an orderBy term; {SHAPE}", shown(key))));
            }
            match (term.get("column"), term.get("direction")) {
                (Some(Value::String(c)), None | Some(Value::Null)) => (c, None),
                (Some(Value::String(c)), Some(Value::String(d))) => (c, Some(d.as_str())),
                (Some(Value::String(_)), Some(d)) => return Err(bad(format!("orderBy direction must be \"ASC\" or \"DESC\", not {}", short(d)))),
                _ => return Err(bad(SHAPE)),
            }
        }
        _ => return Err(bad(SHAPE)),
    };
    ident::validate(column, "column")?;
    let descending = match direction {
        None => false,
        Some(d) if d.eq_ignore_ascii_case("asc") => false,
        Some(d) if d.eq_ignore_ascii_case("desc") => true,
        Some(d) => return Err(bad(format!("orderBy direction of column {} must be \"ASC\" or \"DESC\", not {d:?}", shown(column)))),
    };
    Ok(Order { column: column.clone(), descending })
}

/// A list of column names (`columns`, `key`): validated, non-empty. A single string is a list of one.
pub(crate) fn names(value: &Value, what: &str) -> Result<Vec<String>> {
    let items: Vec<&Value> = match value {
        Value::Array(items) if !items.is_empty() => items.iter().collect(),
        Value::String(_) => vec![value],
        _ => return Err(bad(format!("{what} must be a non-empty array of column names"))),
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::String(name) => ident::validate(name, "column").map(|()| name.clone()),
            other => Err(bad(format!("{what} must list column names as strings, not {}", short(other)))),
        })
        .collect()
}

/// A value as shown in messages, cut after 40 characters.
pub(crate) fn short(value: &Value) -> String {
    let text = value.to_string();
    let cut: String = text.chars().take(40).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}
