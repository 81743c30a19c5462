//! Inserting many rows: a plan of multi-row `INSERT` statements, each binding at most 100
//! values. The plan holds SQL only; JavaScript binds the rows' values in order.

use super::parse::bad;
use super::{check_limits, MAX_PARAMS};
use crate::error::Result;
use crate::ident::{self, quote_unchecked as q, same_name, shown};
use serde::Serialize;

/// How to insert `row_count` rows: `full_statements` statements of `rows_per_statement` rows
/// (all with `full_sql`), then one of `last_rows` rows (with `last_sql`) when rows remain.
/// Each statement binds its rows' values row by row, in column order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InsertManyPlan {
    pub rows_per_statement: u64,
    pub full_statements: u64,
    /// None when there is no full statement (fewer rows than `rows_per_statement`).
    pub full_sql: Option<String>,
    pub last_rows: u64,
    /// None when the rows divide evenly.
    pub last_sql: Option<String>,
}

/// Plans inserting `row_count` rows of `columns` into `table`.
///
/// ```
/// let plan = dorm_core::plan_insert_many("t", &["a".into(), "b".into()], 120, false).unwrap();
/// assert_eq!((plan.rows_per_statement, plan.full_statements, plan.last_rows), (50, 2, 20));
/// assert!(plan.last_sql.unwrap().starts_with("INSERT INTO \"t\" (\"a\", \"b\") VALUES (?, ?), (?, ?)"));
/// ```
pub fn plan_insert_many(table: &str, columns: &[String], row_count: u64, return_record: bool) -> Result<InsertManyPlan> {
    let t = ident::quote(table, "table")?;
    if columns.is_empty() {
        return Err(bad("nothing to insert: give the columns the rows have"));
    }
    if columns.len() > MAX_PARAMS {
        return Err(bad(format!(
            "a row of {} columns needs more than the {MAX_PARAMS} values Durable Objects bind per statement",
            columns.len()
        )));
    }
    for (i, column) in columns.iter().enumerate() {
        ident::validate(column, "column")?;
        if columns.iter().take(i).any(|c| same_name(c, column)) {
            return Err(bad(format!("column {} is listed twice", shown(column))));
        }
    }
    let head = format!("INSERT INTO {t} ({}) VALUES ", columns.iter().map(|c| q(c)).collect::<Vec<_>>().join(", "));
    let tuple = format!("({})", vec!["?"; columns.len()].join(", "));
    let statement = |rows: u64| -> Result<String> {
        let mut sql = head.clone();
        sql.push_str(&vec![tuple.as_str(); usize::try_from(rows).unwrap_or(0)].join(", "));
        if return_record {
            sql.push_str(" RETURNING *");
        }
        check_limits(&sql, columns.len().saturating_mul(usize::try_from(rows).unwrap_or(usize::MAX)))?;
        Ok(sql)
    };
    // At most 100 columns of at most 255 bytes and 100 tuples: far below 100,000 bytes.
    let rows_per_statement = (MAX_PARAMS / columns.len()) as u64;
    let full_statements = row_count / rows_per_statement;
    let last_rows = row_count % rows_per_statement;
    Ok(InsertManyPlan {
        rows_per_statement,
        full_statements,
        full_sql: if full_statements > 0 { Some(statement(rows_per_statement)?) } else { None },
        last_rows,
        last_sql: if last_rows > 0 { Some(statement(last_rows)?) } else { None },
    })
}
