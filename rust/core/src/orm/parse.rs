//! Requests as JSON values → typed parts: where clauses become [`Cond`] trees (values bound,
//! names quoted), options become orders, limits and column lists. Every malformed shape is an
//! INVALID_ARGUMENT that says what was expected.

use super::cond::Cond;
use crate::error::{DormError, ErrorCode, Result};
use crate::ident::{self, shown};
use serde_json::{Map, Number, Value};

/// How deeply `$and` / `$or` groups may nest.
pub const MAX_DEPTH: usize = 32;

/// `$in` lists longer than this are bound as one JSON array (`IN (SELECT value FROM
/// json_each(?))`), so they do not use up the 100 parameters a statement may bind.
pub const MAX_IN_LIST: usize = 32;

/// The largest integer JavaScript represents exactly.
const MAX_SAFE: u64 = 1 << 53;

const OPERATORS: &str = "$eq, $ne, $gt, $gte, $lt, $lte, $in, $nin, $like, $isNull";

pub(crate) fn bad(message: impl Into<String>) -> DormError {
    DormError::new(ErrorCode::InvalidArgument, message)
}

/// A non-negative whole JSON number up to 2^53 (`10` or `10.0`), else None.
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
/// integers beyond ±2^53 become the JavaScript number they already were on the JavaScript side.
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

/// `n` as JavaScript sees it: integers beyond ±2^53 as the nearest double, since JavaScript
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
            .ok_or_else(|| bad(format!("{key} must be a whole number from 0 to 2^53, not {}", short(v)))),
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

/// A where clause: `{ column: value | { $op: value, ... }, $and: [...], $or: [...] }`.
pub fn parse_where(value: &Value) -> Result<Cond> {
    where_at(value, 0)
}

fn where_at(value: &Value, depth: usize) -> Result<Cond> {
    if depth > MAX_DEPTH {
        return Err(bad(format!("$and/$or groups nest deeper than {MAX_DEPTH} levels; flatten the where clause")));
    }
    let map = match value {
        Value::Null => return Ok(Cond::True),
        Value::Object(map) => map,
        other => return Err(bad(format!("a where clause must be an object like {{ \"id\": 1 }}, not {}", kind(other)))),
    };
    let mut terms = Vec::with_capacity(map.len());
    for (key, value) in map {
        match key.as_str() {
            "$and" | "$or" => {
                let Value::Array(groups) = value else {
                    return Err(bad(format!("{key} must be an array of where objects, like {key}: [{{ \"a\": 1 }}, {{ \"b\": 2 }}]")));
                };
                let mut parts = Vec::with_capacity(groups.len());
                for group in groups {
                    if !group.is_object() {
                        return Err(bad(format!("{key} must hold where objects, not {}", kind(group))));
                    }
                    parts.push(where_at(group, depth + 1)?);
                }
                terms.push(if key == "$and" { Cond::all(parts) } else { Cond::any(parts) });
            }
            op if op.starts_with('$') => {
                return Err(bad(format!(
                    "unknown operator {} at the top of a where clause; use $and or $or there, and {OPERATORS} inside a column's object",
                    shown(op)
                )))
            }
            column => terms.push(column_cond(column, value)?),
        }
    }
    Ok(Cond::all(terms))
}

fn column_cond(column: &str, value: &Value) -> Result<Cond> {
    let q = ident::quote(column, "column")?;
    match value {
        Value::Null => Ok(Cond::sql(format!("{q} IS NULL"))),
        Value::Object(ops) if !ops.is_empty() && ops.keys().all(|k| k.starts_with('$')) => {
            let mut terms = Vec::with_capacity(ops.len());
            for (op, arg) in ops {
                terms.push(operator(column, &q, op, arg)?);
            }
            Ok(Cond::all(terms))
        }
        Value::Object(ops) if ops.keys().any(|k| k.starts_with('$')) => Err(bad(format!(
            "the value of column {} mixes operators ($...) and plain keys; to match a JSON object, use {{ \"$eq\": {{ ... }} }}",
            shown(column)
        ))),
        other => Ok(Cond::bound(format!("{q} = ?"), bind(other))),
    }
}

fn operator(column: &str, q: &str, op: &str, arg: &Value) -> Result<Cond> {
    let compare = |sql_op: &str| -> Result<Cond> {
        if arg.is_null() {
            return Err(bad(format!(
                "{op}: null on column {} matches no row; use {{ \"$isNull\": true }} to test for NULL",
                shown(column)
            )));
        }
        Ok(Cond::bound(format!("{q} {sql_op} ?"), bind(arg)))
    };
    match op {
        "$eq" if arg.is_null() => Ok(Cond::sql(format!("{q} IS NULL"))),
        "$ne" if arg.is_null() => Ok(Cond::sql(format!("{q} IS NOT NULL"))),
        "$eq" => compare("="),
        "$ne" => compare("<>"),
        "$gt" => compare(">"),
        "$gte" => compare(">="),
        "$lt" => compare("<"),
        "$lte" => compare("<="),
        "$like" => match arg {
            Value::String(_) => compare("LIKE"),
            _ => Err(bad(format!("$like on column {} needs a pattern string like \"%abc%\"", shown(column)))),
        },
        "$isNull" => match arg {
            Value::Bool(true) => Ok(Cond::sql(format!("{q} IS NULL"))),
            Value::Bool(false) => Ok(Cond::sql(format!("{q} IS NOT NULL"))),
            _ => Err(bad(format!("$isNull on column {} must be true or false", shown(column)))),
        },
        "$in" | "$nin" => {
            let Value::Array(items) = arg else {
                return Err(bad(format!("{op} on column {} needs an array of values", shown(column))));
            };
            let values: Vec<Value> = items.iter().filter(|v| !v.is_null()).map(bind).collect();
            let has_null = values.len() < items.len();
            let negate = op == "$nin";
            let list = if values.is_empty() {
                None
            } else if values.len() > MAX_IN_LIST {
                let not = if negate { "NOT " } else { "" };
                Some(Cond::bound(format!("{q} {not}IN (SELECT value FROM json_each(?))"), Value::String(Value::Array(values).to_string())))
            } else {
                let marks = vec!["?"; values.len()].join(", ");
                let not = if negate { "NOT " } else { "" };
                Some(Cond::Leaf(format!("{q} {not}IN ({marks})"), values))
            };
            Ok(match (negate, list) {
                // x IN (..) never matches NULL; a listed null adds `OR x IS NULL`.
                (false, list) => Cond::any(list.into_iter().chain(has_null.then(|| Cond::sql(format!("{q} IS NULL")))).collect()),
                // x NOT IN (..) already leaves NULL rows out.
                (true, Some(list)) => list,
                (true, None) if has_null => Cond::sql(format!("{q} IS NOT NULL")),
                (true, None) => Cond::True,
            })
        }
        other => Err(bad(format!("unknown operator {} on column {}; use one of {OPERATORS}", shown(other), shown(column)))),
    }
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

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
