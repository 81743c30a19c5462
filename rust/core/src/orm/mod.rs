//! The ORM compiler: requests (a table, a where clause, data, options as JSON values) become one
//! SQL statement and its parameters. Values are always bound as `?` parameters, never written
//! into the SQL; names are always quoted by [`crate::ident`]. Rows never pass through here:
//! for many rows, [`plan_insert_many`] plans the statements and JavaScript binds the values.
//!
//! - [`parse`], [`filter`]: JSON values → typed parts (options, values; where clauses as
//!   [`cond`] trees); [`render`]: typed parts → SQL text.
//! - [`statements`]: select, count, insert, update, remove, upsert.
//! - [`insert_many`], [`paginate`]: multi-row inserts and keyset pagination.
//! - [`requests`]: the request objects the wasm bindings take as JSON text.

pub mod cond;
pub mod filter;
pub mod insert_many;
pub mod paginate;
pub mod parse;
pub mod render;
pub mod requests;
pub mod statements;

pub use insert_many::{plan_insert_many, InsertManyPlan};
pub use paginate::{compile_paginate, Page};
pub use filter::parse_where;
pub use parse::{bind, js_number, whole_number};
pub use statements::{compile_count, compile_insert, compile_remove, compile_select, compile_update, compile_upsert};

use crate::error::{DormError, ErrorCode, Result};
use serde::Serialize;
use serde_json::Value;

/// Durable Objects bind at most this many parameters per statement.
pub const MAX_PARAMS: usize = 100;

/// Durable Objects accept at most this many bytes of SQL per statement.
pub const MAX_SQL_BYTES: usize = 100_000;

/// One statement and the values to bind to its `?` placeholders, in order. Parameters are
/// JSON values of SQLite's kinds only: null, numbers, strings (booleans are already 1/0,
/// objects and arrays already JSON text).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compiled {
    pub sql: String,
    pub params: Vec<Value>,
}

impl Compiled {
    /// Checks the statement against the Durable Object limits.
    pub(crate) fn new(sql: String, params: Vec<Value>) -> Result<Compiled> {
        check_limits(&sql, params.len())?;
        Ok(Compiled { sql, params })
    }
}

pub(crate) fn check_limits(sql: &str, params: usize) -> Result<()> {
    if params > MAX_PARAMS {
        return Err(DormError::new(
            ErrorCode::InvalidArgument,
            format!(
                "the statement would bind {params} values; Durable Objects allow at most {MAX_PARAMS} per statement. \
                 Split the data or the where clause (an $in list is bound as one value)"
            ),
        ));
    }
    if sql.len() > MAX_SQL_BYTES {
        return Err(DormError::new(
            ErrorCode::InvalidArgument,
            format!(
                "the statement would be {} bytes of SQL; Durable Objects allow at most {MAX_SQL_BYTES}. Use fewer or shorter names",
                sql.len()
            ),
        ));
    }
    Ok(())
}
