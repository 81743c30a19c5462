//! SQL literals for `DEFAULT` and `CHECK (... IN (...))`: the only place where values are written
//! into SQL text rather than bound, so every value is checked against its column's type and
//! rendered in a form SQLite reads back as exactly that value.

use super::column::{Column, Kind};
use crate::error::{DormError, ErrorCode, Result};
use crate::orm::parse::short;
use serde_json::Value;

/// Date defaults that are SQL keywords rather than text.
const DATE_KEYWORDS: &[&str] = &["CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME"];

/// `value` as a SQL literal for `column`: strings quoted with `'` doubled, numbers as written,
/// booleans as 1/0, objects and arrays as JSON text in quotes, null as NULL. With `is_default`,
/// a date column also takes `"CURRENT_TIMESTAMP"`, `"CURRENT_DATE"` or `"CURRENT_TIME"`, which
/// become the SQL keywords (the time of the insert), and an object or array column also takes
/// its JSON text (`"[]"`).
///
/// ```
/// # use dorm_core::schema::{Table, render_literal};
/// let t = Table::parse(&serde_json::json!({ "$id": "t", "properties": { "s": { "type": "string" } } })).unwrap();
/// assert_eq!(render_literal(&t.columns[0], &serde_json::json!("it's"), true).unwrap(), "'it''s'");
/// ```
pub fn render(column: &Column, value: &Value, is_default: bool) -> Result<String> {
    let expected = column.json_type;
    let wrong = || {
        DormError::new(
            ErrorCode::InvalidSchema,
            format!("the value {} does not match the column's type {expected}", short(value)),
        )
    };
    match (column.kind, value) {
        (_, Value::Null) if column.nullable => Ok("NULL".to_string()),
        (_, Value::Null) => Err(DormError::new(
            ErrorCode::InvalidSchema,
            "null is not allowed: the column is required (NOT NULL); remove the default or allow \"null\" in its type",
        )),
        (Kind::Boolean, Value::Bool(b)) => Ok(if *b { "1" } else { "0" }.to_string()),
        (Kind::Integer, Value::Number(n)) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Ok(signed(i.to_string())),
            (_, Some(u), _) => Ok(u.to_string()),
            (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 9.3e18 => Ok(signed(format!("{f:.0}"))),
            _ => Err(wrong()),
        },
        (Kind::Number, Value::Number(n)) => Ok(number(n)),
        (Kind::Date, Value::String(s)) if is_default && DATE_KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(s)) => {
            Ok(s.to_ascii_uppercase())
        }
        (Kind::String | Kind::Date, Value::String(s)) => quote_text(s),
        (Kind::Json, Value::Object(_)) if expected == "object" => quote_text(&value.to_string()),
        (Kind::Json, Value::Array(_)) if expected == "array" => quote_text(&value.to_string()),
        // JSON text of the right shape, as the original package took it (`"[]"`).
        (Kind::Json, Value::String(s)) if is_default => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(_)) if expected == "object" => quote_text(s),
            Ok(Value::Array(_)) if expected == "array" => quote_text(s),
            _ => Err(wrong()),
        },
        _ => Err(wrong()),
    }
}

/// A string as a SQL text literal. NUL is refused: SQLite would cut the text there.
pub(crate) fn quote_text(s: &str) -> Result<String> {
    if s.contains('\0') {
        return Err(DormError::new(ErrorCode::InvalidSchema, "the text contains a NUL character, which SQL text cannot hold"));
    }
    Ok(format!("'{}'", s.replace('\'', "''")))
}

/// A number as written in JSON, negative ones in parentheses.
pub(crate) fn number(n: &serde_json::Number) -> String {
    signed(n.to_string())
}

/// Negative numbers in parentheses, so `DEFAULT (-1)` reads the same in every SQL parser.
fn signed(n: String) -> String {
    if n.starts_with('-') {
        format!("({n})")
    } else {
        n
    }
}
