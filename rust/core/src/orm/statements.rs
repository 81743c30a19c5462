//! Select, count, insert, update, remove and upsert, each compiled to one statement.

use super::cond::Cond;
use super::filter::parse_where;
use super::parse::{bad, bind, count, names, options, order_by};
use super::render::{render_names, render_order, render_where};
use super::Compiled;
use crate::error::Result;
use crate::ident::{self, quote_unchecked as q, same_name, shown};
use serde_json::Value;

/// `SELECT` rows matching `where_`, with options `{ columns?, orderBy?, limit?, offset? }`.
///
/// ```
/// use serde_json::json;
/// let c = dorm_core::compile_select("users", &json!({ "age": { "$gte": 18 }, "deleted": null }),
///     &json!({ "orderBy": [{ "column": "name", "direction": "desc" }], "limit": 10 })).unwrap();
/// assert_eq!(c.sql, "SELECT * FROM \"users\" WHERE \"age\" >= ? AND \"deleted\" IS NULL ORDER BY \"name\" DESC LIMIT ?");
/// assert_eq!(c.params, [json!(18), json!(10)]);
/// ```
pub fn compile_select(table: &str, where_: &Value, options_: &Value) -> Result<Compiled> {
    let opts = options(options_, "select", &["columns", "orderBy", "limit", "offset"])?;
    let t = ident::quote(table, "table")?;
    let columns = match opts.and_then(|o| o.get("columns")) {
        None | Some(Value::Null) => "*".to_string(),
        Some(list) => render_names(&names(list, "columns")?),
    };
    let order = order_by(opts.and_then(|o| o.get("orderBy")))?;
    let cond = parse_where(where_)?;
    let (mut sql, mut params) = (format!("SELECT {columns} FROM {t}"), Vec::new());
    render_where(&cond, &mut sql, &mut params);
    render_order(&order, &mut sql);
    match (count(opts, "limit")?, count(opts, "offset")?) {
        (None, None) => {}
        (Some(limit), None) => {
            sql.push_str(" LIMIT ?");
            params.push(limit.into());
        }
        (limit, Some(offset)) => {
            match limit {
                Some(limit) => {
                    sql.push_str(" LIMIT ?");
                    params.push(limit.into());
                }
                None => sql.push_str(" LIMIT -1"),
            }
            sql.push_str(" OFFSET ?");
            params.push(offset.into());
        }
    }
    Compiled::new(sql, params)
}

/// `SELECT COUNT(*) AS "count"` of the rows matching `where_`.
///
/// ```
/// let c = dorm_core::compile_count("users", &serde_json::json!({ "role": { "$in": ["a", "b"] } })).unwrap();
/// assert_eq!(c.sql, "SELECT COUNT(*) AS \"count\" FROM \"users\" WHERE \"role\" IN (?, ?)");
/// ```
pub fn compile_count(table: &str, where_: &Value) -> Result<Compiled> {
    let t = ident::quote(table, "table")?;
    let cond = parse_where(where_)?;
    let (mut sql, mut params) = (format!("SELECT COUNT(*) AS \"count\" FROM {t}"), Vec::new());
    render_where(&cond, &mut sql, &mut params);
    Compiled::new(sql, params)
}

/// `INSERT` one row; `RETURNING *` when `return_record`.
///
/// ```
/// let c = dorm_core::compile_insert("t", &serde_json::json!({ "a": true, "b": [1] }), true).unwrap();
/// assert_eq!(c.sql, "INSERT INTO \"t\" (\"a\", \"b\") VALUES (?, ?) RETURNING *");
/// assert_eq!(c.params, [serde_json::json!(1), serde_json::json!("[1]")]);
/// ```
pub fn compile_insert(table: &str, data: &Value, return_record: bool) -> Result<Compiled> {
    let t = ident::quote(table, "table")?;
    let (columns, params) = row(data, "insert")?;
    let marks = vec!["?"; columns.len()].join(", ");
    let mut sql = format!("INSERT INTO {t} ({}) VALUES ({marks})", render_names(&columns));
    returning(&mut sql, return_record);
    Compiled::new(sql, params)
}

/// `UPDATE` the rows matching `where_` (every row when it is empty) with `data`.
///
/// ```
/// let c = dorm_core::compile_update("t", &serde_json::json!({ "n": 2 }), &serde_json::json!({ "id": 7 }), false).unwrap();
/// assert_eq!(c.sql, "UPDATE \"t\" SET \"n\" = ? WHERE \"id\" = ?");
/// ```
pub fn compile_update(table: &str, data: &Value, where_: &Value, return_record: bool) -> Result<Compiled> {
    let t = ident::quote(table, "table")?;
    let (columns, mut params) = row(data, "update")?;
    let cond = parse_where(where_)?;
    let set: Vec<String> = columns.iter().map(|c| format!("{} = ?", q(c))).collect();
    let mut sql = format!("UPDATE {t} SET {}", set.join(", "));
    render_where(&cond, &mut sql, &mut params);
    returning(&mut sql, return_record);
    Compiled::new(sql, params)
}

/// `DELETE` the rows matching `where_`, with options `{ all?, returnRecord? = true }`. A where
/// clause that matches every row (`{}`, `{ "$and": [] }`, ...) is refused unless `all` is true.
///
/// ```
/// use serde_json::json;
/// assert!(dorm_core::compile_remove("t", &json!({}), &json!(null)).is_err());
/// let c = dorm_core::compile_remove("t", &json!({}), &json!({ "all": true, "returnRecord": false })).unwrap();
/// assert_eq!(c.sql, "DELETE FROM \"t\"");
/// ```
pub fn compile_remove(table: &str, where_: &Value, options_: &Value) -> Result<Compiled> {
    let opts = options(options_, "remove", &["all", "returnRecord"])?;
    let t = ident::quote(table, "table")?;
    let flag = |key: &str, default: bool| match opts.and_then(|o| o.get(key)) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(bad(format!("the remove option {key} must be true or false"))),
    };
    let (all, return_record) = (flag("all", false)?, flag("returnRecord", true)?);
    let cond = parse_where(where_)?;
    if cond == Cond::True && !all {
        return Err(bad(format!(
            "remove() with an empty where clause would delete every row of {}; to do that, pass {{ all: true }} as options: \
             remove(table, {{}}, {{ all: true }})",
            shown(table)
        )));
    }
    let (mut sql, mut params) = (format!("DELETE FROM {t}"), Vec::new());
    render_where(&cond, &mut sql, &mut params);
    returning(&mut sql, return_record);
    Compiled::new(sql, params)
}

/// `INSERT` one row, or update the row it conflicts with on `conflict_columns` (which need a
/// PRIMARY KEY or UNIQUE constraint on exactly those columns). The other columns of `data`
/// are updated; when there are none, the conflicting row is kept (`DO NOTHING`).
///
/// ```
/// let c = dorm_core::compile_upsert("kv", &serde_json::json!({ "k": "a", "v": 1 }), &["k".into()], true).unwrap();
/// assert_eq!(c.sql, "INSERT INTO \"kv\" (\"k\", \"v\") VALUES (?, ?) ON CONFLICT (\"k\") DO UPDATE SET \"v\" = excluded.\"v\" RETURNING *");
/// ```
pub fn compile_upsert(table: &str, data: &Value, conflict_columns: &[String], return_record: bool) -> Result<Compiled> {
    let t = ident::quote(table, "table")?;
    let (columns, params) = row(data, "upsert")?;
    if conflict_columns.is_empty() {
        return Err(bad("upsert needs conflict columns: the PRIMARY KEY or UNIQUE columns that identify the row"));
    }
    for (i, name) in conflict_columns.iter().enumerate() {
        ident::validate(name, "column")?;
        if !columns.iter().any(|c| same_name(c, name)) {
            return Err(bad(format!(
                "conflict column {} is not in the data; an upsert finds the existing row by the values it inserts",
                shown(name)
            )));
        }
        if conflict_columns.iter().take(i).any(|c| same_name(c, name)) {
            return Err(bad(format!("conflict column {} is listed twice", shown(name))));
        }
    }
    let marks = vec!["?"; columns.len()].join(", ");
    let updates: Vec<String> = columns
        .iter()
        .filter(|c| !conflict_columns.iter().any(|k| same_name(k, c)))
        .map(|c| format!("{} = excluded.{}", q(c), q(c)))
        .collect();
    let action = if updates.is_empty() { "DO NOTHING".to_string() } else { format!("DO UPDATE SET {}", updates.join(", ")) };
    let mut sql = format!(
        "INSERT INTO {t} ({}) VALUES ({marks}) ON CONFLICT ({}) {action}",
        render_names(&columns),
        render_names(conflict_columns)
    );
    returning(&mut sql, return_record);
    Compiled::new(sql, params)
}

/// The columns (validated, distinct) and bound values of a data object.
fn row(data: &Value, what: &str) -> Result<(Vec<String>, Vec<Value>)> {
    let map = match data {
        Value::Object(map) if !map.is_empty() => map,
        Value::Object(_) | Value::Null => {
            return Err(bad(format!("nothing to {what}: the data object is empty; give at least one column and its value")))
        }
        _ => return Err(bad(format!("the data to {what} must be an object of column → value"))),
    };
    let mut columns: Vec<String> = Vec::with_capacity(map.len());
    let mut params = Vec::with_capacity(map.len());
    for (column, value) in map {
        ident::validate(column, "column")?;
        if let Some(twin) = columns.iter().find(|c| same_name(c, column)) {
            return Err(bad(format!(
                "the data has {} and {}, which SQLite sees as the same column; keep one",
                shown(twin),
                shown(column)
            )));
        }
        columns.push(column.clone());
        params.push(bind(value));
    }
    Ok((columns, params))
}

fn returning(sql: &mut String, return_record: bool) {
    if return_record {
        sql.push_str(" RETURNING *");
    }
}
