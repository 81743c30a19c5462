//! The pure core of dormroom. It knows nothing of JavaScript: every function takes and returns
//! plain Rust values, is total (errors, never panics), and depends only on its input, so the
//! JavaScript side can cache answers by input text.
//!
//! - [`analyze`]: split and classify SQL, enforce the Durable Object rules.
//! - [`shape_columns`]: the keys of row objects for a statement's columns.
//! - [`prepare_schema`]: a database's schema (statements and JSON Schemas) as DDL plus a hash;
//!   [`json_schema_to_sql`] and [`table_info`] for one table.
//! - [`orm`]: select/insert/update/remove/upsert/paginate requests compiled to SQL + parameters.
//! - [`ident`]: validation and quoting of table and column names.

pub mod analyze;
pub mod error;
pub mod ident;
pub mod lexer;
pub mod mirror;
pub mod orm;
pub mod platform;
pub mod schema;
pub mod shape;

pub use analyze::{analyze, Analysis, StatementInfo, StatementKind};
pub use error::{DormError, ErrorCode, Result};
pub use orm::{
    compile_count, compile_insert, compile_paginate, compile_remove, compile_select, compile_update, compile_upsert,
    plan_insert_many, Compiled, InsertManyPlan, Page,
};
pub use schema::{json_schema_to_sql, prepare_schema, table_info, PreparedSchema, TableInfo, TableSql};
pub use shape::{exact_integers_sql, shape_columns, ResultShape};
