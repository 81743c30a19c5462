//! One table's JSON Schema, read into a typed [`Table`]: every name validated, every extension
//! checked, so rendering DDL ([`super::ddl`]) and describing columns ([`super::info`]) cannot fail
//! on a shape they did not expect.

use super::column::{parse_column, Column};
use crate::error::{DormError, ErrorCode, Result};
use crate::ident::{self, shown};
use serde_json::{Map, Value};

/// Durable Objects allow at most this many columns per table.
pub const MAX_COLUMNS: usize = 100;

/// Extensions allowed on the schema object itself.
const TABLE_EXTENSIONS: &[&str] = &["x-dorm-primary-key", "x-dorm-strict"];

/// A table read from its JSON Schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The table name (`$id`).
    pub name: String,
    /// The columns, in property order.
    pub columns: Vec<Column>,
    /// The primary key's columns, in key order; empty when the table has none.
    pub primary_key: Vec<String>,
    /// `x-dorm-strict: true`: a STRICT table.
    pub strict: bool,
}

impl Table {
    /// Reads a table from its JSON Schema.
    ///
    /// ```
    /// use dorm_core::schema::Table;
    /// let t = Table::parse(&serde_json::json!({
    ///     "$id": "users", "properties": { "id": { "type": "integer", "x-dorm-primary-key": true } }
    /// })).unwrap();
    /// assert_eq!(t.primary_key, ["id"]);
    /// ```
    pub fn parse(schema: &Value) -> Result<Table> {
        let Value::Object(schema) = schema else {
            return Err(invalid("a table schema must be a JSON object like { \"$id\": \"users\", \"properties\": { ... } }"));
        };
        let name = table_name(schema)?;
        let t = shown(&name);
        if let Some(kind) = schema.get("type") {
            if kind != "object" {
                return Err(invalid(format!("the schema of table {t} has type {kind}; a table schema has type \"object\"")));
            }
        }
        for key in schema.keys().filter(|k| k.starts_with("x-dorm-")) {
            if !TABLE_EXTENSIONS.contains(&key.as_str()) {
                return Err(invalid(format!(
                    "the schema of table {t} has the unknown extension {key}; known on a table: {}",
                    TABLE_EXTENSIONS.join(", ")
                )));
            }
        }
        let required = required_names(schema, &t)?;
        let properties = match schema.get("properties") {
            Some(Value::Object(p)) if !p.is_empty() => p,
            Some(Value::Object(_)) | None => {
                return Err(invalid(format!("the schema of table {t} has no properties; a table needs at least one column")))
            }
            Some(_) => return Err(invalid(format!("\"properties\" of table {t} must be an object of column name → schema"))),
        };
        if properties.len() > MAX_COLUMNS {
            return Err(invalid(format!(
                "table {t} has {} properties; Durable Objects allow at most {MAX_COLUMNS} columns per table",
                properties.len()
            )));
        }
        let mut columns: Vec<Column> = Vec::with_capacity(properties.len());
        for (column, property) in properties {
            if let Some(other) = columns.iter().find(|c| ident::same_name(&c.name, column)) {
                return Err(invalid(format!(
                    "table {t} has properties {} and {}, which SQLite sees as one column name; rename one",
                    shown(&other.name),
                    shown(column)
                )));
            }
            let is_required = required.iter().any(|r| r == column);
            columns.push(parse_column(&name, column, property, is_required)?);
        }
        if let Some(missing) = required.iter().find(|r| !properties.contains_key(r.as_str())) {
            return Err(invalid(format!("\"required\" of table {t} names {}, which is not among its properties", shown(missing))));
        }
        let primary_key = primary_key(schema, &columns, &t)?;
        for column in &mut columns {
            column.primary_key = primary_key.iter().any(|k| k == &column.name);
            if column.auto_increment && !(column.primary_key && primary_key.len() == 1) {
                return Err(invalid(format!(
                    "property {} of table {t} has x-dorm-auto-increment but is not the table's only primary key column; \
                     auto-increment needs a single integer primary key",
                    shown(&column.name)
                )));
            }
        }
        let strict = match schema.get("x-dorm-strict") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(invalid(format!("x-dorm-strict of table {t} must be true or false"))),
        };
        Ok(Table { name, columns, primary_key, strict })
    }

    /// The column called `name` (ASCII case-insensitive, as SQLite compares names).
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| ident::same_name(&c.name, name))
    }
}

fn invalid(message: impl Into<String>) -> DormError {
    DormError::new(ErrorCode::InvalidSchema, message)
}

fn table_name(schema: &Map<String, Value>) -> Result<String> {
    match schema.get("$id") {
        Some(Value::String(id)) if !id.is_empty() => {
            ident::validate(id, "table")?;
            Ok(id.clone())
        }
        Some(Value::String(_)) | None => Err(invalid("the schema has no \"$id\"; set \"$id\" to the table name, e.g. \"$id\": \"users\"")),
        Some(other) => Err(invalid(format!("\"$id\" must be the table name as a string, not {other}"))),
    }
}

fn required_names(schema: &Map<String, Value>, t: &str) -> Result<Vec<String>> {
    match schema.get("required") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(names)) => names
            .iter()
            .map(|n| match n {
                Value::String(s) => Ok(s.clone()),
                other => Err(invalid(format!("\"required\" of table {t} must list property names; found {other}"))),
            })
            .collect(),
        Some(_) => Err(invalid(format!("\"required\" of table {t} must be an array of property names"))),
    }
}

/// The primary key from the table-level list and the flagged properties, which must agree.
fn primary_key(schema: &Map<String, Value>, columns: &[Column], t: &str) -> Result<Vec<String>> {
    let flagged: Vec<&Column> = columns.iter().filter(|c| c.primary_key).collect();
    let listed: Vec<&Value> = match schema.get("x-dorm-primary-key") {
        None | Some(Value::Null) => return Ok(flagged.iter().map(|c| c.name.clone()).collect()),
        Some(Value::Array(names)) if !names.is_empty() => names.iter().collect(),
        Some(name @ Value::String(_)) => vec![name],
        Some(_) => {
            return Err(invalid(format!(
                "x-dorm-primary-key of table {t} must list the key's columns, e.g. [\"tenant\", \"id\"]"
            )))
        }
    };
    let mut key: Vec<String> = Vec::with_capacity(listed.len());
    for name in listed {
        let Value::String(name) = name else {
            return Err(invalid(format!("x-dorm-primary-key of table {t} must list property names; found {name}")));
        };
        let Some(column) = columns.iter().find(|c| ident::same_name(&c.name, name)) else {
            return Err(invalid(format!(
                "x-dorm-primary-key of table {t} names {}, which is not among its properties",
                shown(name)
            )));
        };
        if key.iter().any(|k| k == &column.name) {
            return Err(invalid(format!("x-dorm-primary-key of table {t} lists {} twice", shown(name))));
        }
        key.push(column.name.clone());
    }
    if let Some(stray) = flagged.iter().find(|c| !key.contains(&c.name)) {
        return Err(invalid(format!(
            "property {} of table {t} has x-dorm-primary-key, but the table's x-dorm-primary-key [{}] does not list it; \
             declare the key in one place",
            shown(&stray.name),
            key.iter().map(|k| shown(k)).collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(key)
}
