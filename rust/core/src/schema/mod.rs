//! A database's schema: plain statements plus tables from JSON Schema, turned into the DDL that
//! is applied once per database, and a hash that tells whether it changed.

mod column;
mod ddl;
mod info;
mod literal;
mod table;

pub use column::{Column, Kind, Reference};
pub use ddl::{check_references, json_schema_to_sql, render as render_table, TableSql};
pub use info::{describe, table_info, ColumnInfo, TableInfo};
pub use literal::render as render_literal;
pub use table::{Table, MAX_COLUMNS};

use crate::analyze::{analyze, StatementKind};
use crate::error::{DormError, ErrorCode, Result};
use serde::Serialize;
use serde_json::Value;

/// The statements to apply to a database, in order, and their hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreparedSchema {
    pub statements: Vec<String>,
    /// FNV-1a 64 of the statements, hex: equal hashes mean the same schema.
    pub hash: String,
}

/// Prepares `statements` (each may hold several statements) followed by the tables of
/// `schemas`. Every statement is checked against the Durable Object rules up front, and the
/// foreign keys between the schemas are checked ([`check_references`]).
///
/// ```
/// let p = dorm_core::prepare_schema(&["CREATE TABLE a (x); CREATE TABLE b (y)".into()], &[]).unwrap();
/// assert_eq!(p.statements.len(), 2);
/// assert_eq!(p.hash.len(), 16);
/// ```
pub fn prepare_schema(statements: &[String], schemas: &[Value]) -> Result<PreparedSchema> {
    let mut out = Vec::new();
    for text in statements {
        if text.trim().is_empty() {
            continue;
        }
        for statement in analyze(text)?.statements {
            if statement.kind == StatementKind::Read {
                return Err(DormError::new(
                    ErrorCode::InvalidSchema,
                    format!("schema statements create or change tables; this one only reads: {}", statement.sql),
                ));
            }
            out.push(statement.sql);
        }
    }
    let tables: Vec<Table> = schemas.iter().map(Table::parse).collect::<Result<_>>()?;
    check_references(&tables)?;
    for table in &tables {
        let sql = render_table(table)?;
        out.push(sql.create_table_statement);
        out.extend(sql.index_statements);
    }
    Ok(PreparedSchema { hash: fnv1a(&out), statements: out })
}

fn fnv1a(statements: &[String]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in statements.iter().flat_map(|s| s.bytes().chain([0])) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}
