//! JSON Schema → `CREATE TABLE` and `CREATE INDEX` statements.

use crate::error::{DormError, ErrorCode, Result};
use serde::Serialize;
use serde_json::Value;

/// The DDL for one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TableSql {
    pub create_table_statement: String,
    pub index_statements: Vec<String>,
}

/// Turns one table's JSON Schema into DDL.
pub fn json_schema_to_sql(schema: &Value) -> Result<TableSql> {
    let _ = schema;
    Err(DormError::new(ErrorCode::InvalidSchema, "JSON Schema tables are being implemented"))
}
