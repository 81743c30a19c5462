//! Keyset pagination: each page starts after the last row of the previous one, found by the
//! values of the order columns plus a unique key. Unlike OFFSET, a page neither repeats nor
//! skips rows when rows are inserted or deleted meanwhile, and costs the same at any depth.

use super::cond::{Cond, Op};
use super::filter::parse_where;
use super::parse::{bad, bind, names, options, order_by, whole_number, Order};
use super::render::{render_order, render_where};
use super::Compiled;
use crate::error::Result;
use crate::ident::{self, quote_unchecked as q, same_name};
use serde::Serialize;
use serde_json::Value;

/// The result key that carries the rowid when the key is `rowid` (or `oid`, `_rowid_`).
pub const ROWID_KEY: &str = "_dorm_rowid";

/// Rows per page when no limit is given.
pub const DEFAULT_LIMIT: u64 = 100;

/// One page's statement, and the result keys whose values in the page's last row, in this
/// order, are the cursor of the next page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub sql: String,
    pub params: Vec<Value>,
    pub cursor_columns: Vec<String>,
}

/// A page of `table`'s rows matching `where_`. Options:
/// - `orderBy`: as for select; ties and the final order are settled by `key`;
/// - `key`: the columns that identify a row, default `["rowid"]`; rowid is selected as
///   `"_dorm_rowid"` (tables `WITHOUT ROWID` must name their key);
/// - `limit`: rows per page, from 1, default 100;
/// - `cursor`: the previous page's last row's values of `cursorColumns`; absent for page one;
/// - `columns`: the columns to select (the cursor columns are added when missing).
///
/// Order and key columns must be written as declared: the cursor is read from the rows by
/// those names. NULLs sort first ascending and last descending, as SQLite sorts them.
///
/// ```
/// use serde_json::json;
/// let p = dorm_core::compile_paginate("posts", &json!({ "draft": false }),
///     &json!({ "orderBy": { "column": "at", "direction": "DESC" }, "limit": 20, "cursor": [1700, 42] })).unwrap();
/// assert_eq!(p.sql, "SELECT *, \"rowid\" AS \"_dorm_rowid\" FROM \"posts\" WHERE \"draft\" = ? AND \
///     (\"at\" < ? OR \"at\" IS NULL OR (\"at\" = ? AND \"rowid\" > ?)) ORDER BY \"at\" DESC, \"rowid\" ASC LIMIT ?");
/// assert_eq!(p.params, [json!(0), json!(1700), json!(1700), json!(42), json!(20)]);
/// assert_eq!(p.cursor_columns, ["at", "_dorm_rowid"]);
/// ```
pub fn compile_paginate(table: &str, where_: &Value, options_: &Value) -> Result<Page> {
    let opts = options(options_, "paginate", &["orderBy", "key", "limit", "cursor", "columns"])?;
    let get = |key: &str| opts.and_then(|o| o.get(key)).filter(|v| !v.is_null());
    let t = ident::quote(table, "table")?;
    let mut order = order_by(get("orderBy"))?;
    let key = match get("key") {
        None => vec!["rowid".to_string()],
        Some(list) => names(list, "key")?,
    };
    for column in key {
        if !order.iter().any(|o| same_name(&o.column, &column)) {
            order.push(Order { column, descending: false });
        }
    }
    let limit = match get("limit") {
        None => DEFAULT_LIMIT,
        Some(v) => whole_number(v).filter(|n| *n > 0).ok_or_else(|| bad("limit must be a whole number from 1 to 2^53 − 1"))?,
    };
    let seek = match get("cursor") {
        None => Cond::True,
        Some(Value::Array(values)) if values.len() == order.len() => after(&order, values),
        Some(Value::Array(values)) => {
            return Err(bad(format!(
                "the cursor has {} values; this page needs {} (its cursorColumns: the orderBy columns, then the key)",
                values.len(),
                order.len()
            )))
        }
        Some(_) => return Err(bad("the cursor must be the array of cursorColumns values of the previous page's last row")),
    };

    let mut select: Vec<String> = match get("columns") {
        None => vec!["*".to_string()],
        Some(list) => names(list, "columns")?.iter().map(|c| q(c)).collect(),
    };
    let listed = |column: &str| match get("columns") {
        None => true,
        Some(_) => select.iter().any(|s| same_name(s, &q(column))),
    };
    let mut cursor_columns = Vec::with_capacity(order.len());
    let mut extra = Vec::new();
    for o in &order {
        if is_rowid(&o.column) {
            extra.push(format!("{} AS {}", q(&o.column), q(ROWID_KEY)));
            cursor_columns.push(ROWID_KEY.to_string());
        } else {
            if !listed(&o.column) {
                extra.push(q(&o.column));
            }
            cursor_columns.push(o.column.clone());
        }
    }
    select.extend(extra);

    let cond = Cond::all(vec![parse_where(where_)?, seek]);
    let (mut sql, mut params) = (format!("SELECT {} FROM {t}", select.join(", ")), Vec::new());
    render_where(&cond, &mut sql, &mut params);
    render_order(&order, &mut sql);
    sql.push_str(" LIMIT ?");
    params.push(limit.into());
    let Compiled { sql, params } = Compiled::new(sql, params)?;
    Ok(Page { sql, params, cursor_columns })
}

fn is_rowid(column: &str) -> bool {
    ["rowid", "oid", "_rowid_"].iter().any(|r| r.eq_ignore_ascii_case(column))
}

/// Rows after the cursor in `order`: for some i, equal on the first i columns and after on
/// column i. NULL cursor values use IS NULL tests, so nullable order columns page correctly.
fn after(order: &[Order], cursor: &[Value]) -> Cond {
    let mut options = Vec::with_capacity(order.len());
    for (i, (o, value)) in order.iter().zip(cursor).enumerate() {
        let mut terms: Vec<Cond> = order.iter().zip(cursor).take(i).map(|(o, v)| equal(&o.column, v)).collect();
        let c = o.column.as_str();
        let past = match (o.descending, value.is_null()) {
            // Ascending: NULLs first, so every non-NULL value is after a NULL one.
            (false, false) => Cond::compare(c, Op::Gt, bind(value)),
            (false, true) => Cond::test(c, Op::IsNotNull, vec![]),
            // Descending: NULLs last, so they are after every non-NULL value, and nothing is after NULL.
            (true, false) => Cond::any(vec![Cond::compare(c, Op::Lt, bind(value)), Cond::test(c, Op::IsNull, vec![])]),
            (true, true) => Cond::False,
        };
        terms.push(past);
        options.push(Cond::all(terms));
    }
    Cond::any(options)
}

fn equal(column: &str, value: &Value) -> Cond {
    if value.is_null() {
        Cond::test(column, Op::IsNull, vec![])
    } else {
        Cond::compare(column, Op::Eq, bind(value))
    }
}
