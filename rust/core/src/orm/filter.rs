//! Where clauses, JSON → [`Cond`]: `{ column: value | { $op: value, ... }, $and: [...],
//! $or: [...] }`. Values are bound in stored form; names are validated here and quoted when
//! rendered.

use super::cond::{Cond, Op};
use super::parse::{bad, bind, short};
use crate::error::Result;
use crate::ident::{self, shown};
use serde_json::Value;

/// How deeply `$and` / `$or` groups may nest.
pub const MAX_DEPTH: usize = 32;

/// `$in` lists longer than this are bound as one JSON array (`IN (SELECT value FROM
/// json_each(?))`), so they do not use up the 100 parameters a statement may bind.
pub const MAX_IN_LIST: usize = 32;

const OPERATORS: &str = "$eq, $ne, $gt, $gte, $lt, $lte, $in, $nin, $like, $isNull";

/// Reads a where clause; null is the empty clause (every row).
///
/// ```
/// use dorm_core::orm::{cond::Cond, parse_where};
/// assert_eq!(parse_where(&serde_json::json!({ "$or": [] })).unwrap(), Cond::False);
/// assert_eq!(parse_where(&serde_json::json!({ "a": { "$nin": [] } })).unwrap(), Cond::True);
/// assert!(parse_where(&serde_json::json!({ "a": { "$regex": "x" } })).is_err());
/// ```
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
    ident::validate(column, "column")?;
    match value {
        Value::Null => Ok(Cond::test(column, Op::IsNull, vec![])),
        Value::Object(ops) if !ops.is_empty() && ops.keys().all(|k| k.starts_with('$')) => {
            let mut terms = Vec::with_capacity(ops.len());
            for (op, arg) in ops {
                terms.push(operator(column, op, arg)?);
            }
            Ok(Cond::all(terms))
        }
        Value::Object(ops) if ops.keys().any(|k| k.starts_with('$')) => Err(bad(format!(
            "the value of column {} mixes operators ($...) and plain keys; to match a JSON object, use {{ \"$eq\": {{ ... }} }}",
            shown(column)
        ))),
        other => Ok(Cond::compare(column, Op::Eq, bind(other))),
    }
}

fn operator(column: &str, op: &str, arg: &Value) -> Result<Cond> {
    let compare = |test: Op| -> Result<Cond> {
        if arg.is_null() {
            return Err(bad(format!(
                "{op}: null on column {} matches no row; use {{ \"$isNull\": true }} to test for NULL",
                shown(column)
            )));
        }
        Ok(Cond::compare(column, test, bind(arg)))
    };
    match op {
        "$eq" if arg.is_null() => Ok(Cond::test(column, Op::IsNull, vec![])),
        "$ne" if arg.is_null() => Ok(Cond::test(column, Op::IsNotNull, vec![])),
        "$eq" => compare(Op::Eq),
        "$ne" => compare(Op::Ne),
        "$gt" => compare(Op::Gt),
        "$gte" => compare(Op::Gte),
        "$lt" => compare(Op::Lt),
        "$lte" => compare(Op::Lte),
        "$like" => match arg {
            Value::String(_) => compare(Op::Like),
            _ => Err(bad(format!("$like on column {} needs a pattern string like \"%abc%\", not {}", shown(column), short(arg)))),
        },
        "$isNull" => match arg {
            Value::Bool(true) => Ok(Cond::test(column, Op::IsNull, vec![])),
            Value::Bool(false) => Ok(Cond::test(column, Op::IsNotNull, vec![])),
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
                let text = Value::String(Value::Array(values).to_string());
                Some(Cond::compare(column, if negate { Op::NotInJson } else { Op::InJson }, text))
            } else {
                Some(Cond::test(column, if negate { Op::NotIn } else { Op::In }, values))
            };
            let null_test = |op| Cond::test(column, op, vec![]);
            Ok(match (negate, list) {
                // x IN (..) never matches NULL; a listed null adds `OR x IS NULL`.
                (false, list) => Cond::any(list.into_iter().chain(has_null.then(|| null_test(Op::IsNull))).collect()),
                // x NOT IN (..) already leaves NULL rows out.
                (true, Some(list)) => list,
                (true, None) if has_null => null_test(Op::IsNotNull),
                (true, None) => Cond::True,
            })
        }
        other => Err(bad(format!("unknown operator {} on column {}; use one of {OPERATORS}", shown(other), shown(column)))),
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
