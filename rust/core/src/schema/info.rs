//! A table's columns as JavaScript needs them to validate rows and convert values (booleans
//! 1/0 → true/false, JSON text → parsed) without sending rows through wasm.

use super::column::Kind;
use super::table::Table;
use crate::error::Result;
use crate::orm::js_number;
use serde::Serialize;
use serde_json::{Number, Value};

/// The description of one table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableInfo {
    pub table: String,
    pub columns: Vec<ColumnInfo>,
}

/// The description of one column. Absent bounds are left out of the JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnInfo {
    pub name: String,
    /// The declared type in the `CREATE TABLE` statement.
    pub sql_type: &'static str,
    pub kind: Kind,
    /// Listed in the schema's `required`: an inserted row must have it.
    pub required: bool,
    /// May hold NULL (not NOT NULL).
    pub nullable: bool,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Number>,
    /// Always the bound itself (a draft-4 `exclusiveMinimum: true` is converted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_minimum: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_maximum: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    pub auto_increment: bool,
    /// The column has an `x-dorm-default`: a row may leave it out even when required.
    pub has_default: bool,
    pub primary_key: bool,
}

/// Describes the columns of one table's JSON Schema; fails where [`super::json_schema_to_sql`] fails.
///
/// ```
/// let info = dorm_core::table_info(&serde_json::json!({
///     "$id": "todos",
///     "properties": { "done": { "type": "boolean" }, "tags": { "type": "array" } },
///     "required": ["done"]
/// })).unwrap();
/// assert_eq!(info.columns[0].kind, dorm_core::schema::Kind::Boolean);
/// assert!(!info.columns[0].nullable);
/// assert_eq!(serde_json::to_value(&info.columns[1]).unwrap()["kind"], "json");
/// ```
pub fn table_info(schema: &Value) -> Result<TableInfo> {
    Ok(describe(&Table::parse(schema)?))
}

/// The description of a parsed table.
pub fn describe(table: &Table) -> TableInfo {
    let columns = table
        .columns
        .iter()
        .map(|c| ColumnInfo {
            name: c.name.clone(),
            sql_type: c.kind.sql_type(table.strict),
            kind: c.kind,
            required: c.required,
            nullable: c.nullable,
            enum_values: c.enum_values.as_ref().map(|values| values.iter().map(js_value).collect()),
            minimum: c.minimum.as_ref().map(js_number),
            maximum: c.maximum.as_ref().map(js_number),
            exclusive_minimum: c.exclusive_minimum.as_ref().map(js_number),
            exclusive_maximum: c.exclusive_maximum.as_ref().map(js_number),
            min_length: c.min_length,
            max_length: c.max_length,
            auto_increment: c.auto_increment,
            has_default: c.default.is_some(),
            primary_key: c.primary_key,
        })
        .collect();
    TableInfo { table: table.name.clone(), columns }
}

/// Enum values are scalars (objects are refused); numbers as JavaScript sees them.
fn js_value(value: &Value) -> Value {
    match value {
        Value::Number(n) => Value::Number(js_number(n)),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strict_tables_report_strict_types_and_draft4_bounds_are_converted() {
        let info = table_info(&json!({
            "$id": "t", "x-dorm-strict": true,
            "properties": { "n": { "type": "integer", "minimum": 1, "exclusiveMinimum": true }, "b": { "type": "boolean" } }
        }))
        .unwrap();
        assert_eq!(info.columns[1].sql_type, "INTEGER");
        assert_eq!(info.columns[0].minimum, None);
        assert_eq!(info.columns[0].exclusive_minimum, Some(1.into()));
    }
}
