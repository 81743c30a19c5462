//! A database's schema: plain statements plus tables from JSON Schema, turned into the DDL that
//! is applied once per database, and a hash that tells whether it changed.

mod ddl;

pub use ddl::{json_schema_to_sql, TableSql};

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
/// `schemas`. Every statement is checked against the Durable Object rules up front.
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
    for schema in schemas {
        let table = json_schema_to_sql(schema)?;
        out.push(table.create_table_statement);
        out.extend(table.index_statements);
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
