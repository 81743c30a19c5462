//! JSON Schema → `CREATE TABLE IF NOT EXISTS` and `CREATE INDEX IF NOT EXISTS` statements. The
//! statements are idempotent because the schema is applied to existing databases too.

use super::column::Column;
use super::literal;
use super::table::Table;
use crate::error::{DormError, ErrorCode, Result};
use crate::ident::{quote_unchecked as q, same_name, shown};
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
///
/// ```
/// let sql = dorm_core::json_schema_to_sql(&serde_json::json!({
///     "$id": "users",
///     "properties": {
///         "id": { "type": "integer", "x-dorm-primary-key": true, "x-dorm-auto-increment": true },
///         "email": { "type": "string", "x-dorm-unique": true, "x-dorm-index": true },
///         "active": { "type": "boolean", "x-dorm-default": true }
///     },
///     "required": ["email"]
/// })).unwrap();
/// assert_eq!(sql.create_table_statement, "CREATE TABLE IF NOT EXISTS \"users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \
///     \"email\" TEXT NOT NULL UNIQUE, \"active\" BOOLEAN DEFAULT 1)");
/// assert_eq!(sql.index_statements, ["CREATE INDEX IF NOT EXISTS \"idx_users_email\" ON \"users\" (\"email\")"]);
/// ```
pub fn json_schema_to_sql(schema: &Value) -> Result<TableSql> {
    render(&Table::parse(schema)?)
}

/// The DDL of a parsed table.
pub fn render(table: &Table) -> Result<TableSql> {
    let single_key = match table.primary_key.as_slice() {
        [only] => Some(only.as_str()),
        _ => None,
    };
    let mut parts: Vec<String> = Vec::with_capacity(table.columns.len() + 2);
    for column in &table.columns {
        parts.push(column_definition(column, single_key == Some(column.name.as_str()), table.strict)?);
    }
    if table.primary_key.len() > 1 {
        let key: Vec<String> = table.primary_key.iter().map(|k| q(k)).collect();
        parts.push(format!("PRIMARY KEY ({})", key.join(", ")));
    }
    for column in &table.columns {
        if let Some(r) = &column.references {
            let mut fk = format!("FOREIGN KEY ({}) REFERENCES {}", q(&column.name), q(&r.table));
            if let Some(c) = &r.column {
                fk.push_str(&format!(" ({})", q(c)));
            }
            if let Some(action) = r.on_delete {
                fk.push_str(&format!(" ON DELETE {action}"));
            }
            if let Some(action) = r.on_update {
                fk.push_str(&format!(" ON UPDATE {action}"));
            }
            parts.push(fk);
        }
    }
    let strict = if table.strict { " STRICT" } else { "" };
    let create_table_statement = format!("CREATE TABLE IF NOT EXISTS {} ({}){strict}", q(&table.name), parts.join(", "));

    // Columns that share an index name form one index, in property order.
    let mut indexes: Vec<(&str, Vec<&str>)> = Vec::new();
    for column in &table.columns {
        if let Some(name) = &column.index {
            match indexes.iter_mut().find(|(n, _)| same_name(n, name)) {
                Some((_, columns)) => columns.push(&column.name),
                None => indexes.push((name, vec![&column.name])),
            }
        }
    }
    let index_statements = indexes
        .iter()
        .map(|(name, columns)| {
            let columns: Vec<String> = columns.iter().map(|c| q(c)).collect();
            format!("CREATE INDEX IF NOT EXISTS {} ON {} ({})", q(name), q(&table.name), columns.join(", "))
        })
        .collect();
    Ok(TableSql { create_table_statement, index_statements })
}

fn column_definition(column: &Column, is_single_key: bool, strict: bool) -> Result<String> {
    let name = q(&column.name);
    let mut sql = format!("{name} {}", column.kind.sql_type(strict));
    if is_single_key {
        sql.push_str(" PRIMARY KEY");
        if column.auto_increment {
            sql.push_str(" AUTOINCREMENT");
        }
    }
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    if column.unique {
        sql.push_str(" UNIQUE");
    }
    if let Some(default) = &column.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&literal::render(column, default, true)?);
    }
    // A CHECK fails only when its expression is false; on NULL every test below is NULL, so a
    // nullable column still accepts NULL without an explicit `IS NULL` branch.
    let mut checks: Vec<String> = Vec::new();
    if let Some(values) = &column.enum_values {
        let listed: Vec<String> =
            values.iter().filter(|v| !v.is_null()).map(|v| literal::render(column, v, false)).collect::<Result<_>>()?;
        checks.push(if listed.is_empty() { format!("{name} IS NULL") } else { format!("{name} IN ({})", listed.join(", ")) });
    }
    let bounds = [
        (&column.minimum, ">="),
        (&column.exclusive_minimum, ">"),
        (&column.maximum, "<="),
        (&column.exclusive_maximum, "<"),
    ];
    for (bound, op) in bounds {
        if let Some(n) = bound {
            checks.push(format!("{name} {op} {}", literal::number(n)));
        }
    }
    if let Some(n) = column.min_length {
        checks.push(format!("length({name}) >= {n}"));
    }
    if let Some(n) = column.max_length {
        checks.push(format!("length({name}) <= {n}"));
    }
    if !checks.is_empty() {
        sql.push_str(&format!(" CHECK ({})", checks.join(" AND ")));
    }
    Ok(sql)
}

/// Checks the foreign keys between `tables`: a reference to a table among them must name a
/// column that exists there and is its primary key or unique (SQLite's rule for a parent key).
/// References to tables not among them are allowed (they may come from plain statements).
/// Table names must be distinct.
///
/// ```
/// use dorm_core::schema::{check_references, Table};
/// let orgs = Table::parse(&serde_json::json!({ "$id": "orgs", "properties": { "id": { "type": "integer", "x-dorm-primary-key": true } } })).unwrap();
/// let users = Table::parse(&serde_json::json!({ "$id": "users", "properties": {
///     "org": { "type": "integer", "x-dorm-references": { "table": "orgs", "column": "uuid" } } } })).unwrap();
/// assert!(check_references(&[orgs, users]).unwrap_err().message.contains("uuid"));
/// ```
pub fn check_references(tables: &[Table]) -> Result<()> {
    for (i, table) in tables.iter().enumerate() {
        if let Some(twin) = tables.iter().take(i).find(|t| same_name(&t.name, &table.name)) {
            return Err(invalid(format!("two schemas define table {}; give each table one schema", shown(&twin.name))));
        }
    }
    for table in tables {
        for column in &table.columns {
            let Some(r) = &column.references else { continue };
            let Some(parent) = tables.iter().find(|t| same_name(&t.name, &r.table)) else { continue };
            let at = format!("x-dorm-references of property {} of table {}", shown(&column.name), shown(&table.name));
            match &r.column {
                None if parent.primary_key.len() != 1 => {
                    return Err(invalid(format!(
                        "{at} names no column, and table {} has no single-column primary key; name the referenced column",
                        shown(&parent.name)
                    )))
                }
                None => {}
                Some(name) => match parent.column(name) {
                    None => {
                        return Err(invalid(format!(
                            "{at} names column {} of table {}, which has no such column; columns: {}",
                            shown(name),
                            shown(&parent.name),
                            parent.columns.iter().map(|c| shown(&c.name)).collect::<Vec<_>>().join(", ")
                        )))
                    }
                    Some(target) if !(target.unique || (target.primary_key && parent.primary_key.len() == 1)) => {
                        return Err(invalid(format!(
                            "{at} names column {} of table {}, which is neither its primary key nor unique; \
                             SQLite needs a unique parent key: add \"x-dorm-unique\": true to it",
                            shown(name),
                            shown(&parent.name)
                        )))
                    }
                    Some(_) => {}
                },
            }
        }
    }
    Ok(())
}

fn invalid(message: impl Into<String>) -> DormError {
    DormError::new(ErrorCode::InvalidSchema, message)
}
