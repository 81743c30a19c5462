//! The mirror side: tables in mirror form, and the statements that apply row images.
//!
//! A mirror is an ordinary database. Whichever comes first, an app opening it with a schema or
//! the first delivery, its tables end up in mirror form: [`normalize`] converts plain tables in
//! place (keeping their rows, tagged with the mirror's own name), widens unique indexes and
//! drops user triggers; [`ensure_table`] creates or extends a table for a source's shape;
//! [`apply_sql`] gives the statements that apply `U`, `D` and `C` changes.

use super::capture::SourceColumn;
use super::ddl::{mirror_create_table, rewrite_index};
use super::{check_source_column, rowid_alias, text_literal, Shape, ROWID_COLUMN};
use crate::error::{DormError, ErrorCode, Result};
use crate::ident::{quote_unchecked as q, same_name, shown};
use serde::{Deserialize, Serialize};

/// A table of the mirror database, as `sqlite_schema` and `PRAGMA table_xinfo` describe it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CurrentTable {
    pub name: String,
    pub sql: String,
    pub columns: Vec<SourceColumn>,
}

/// An index or trigger of the mirror database (from `sqlite_schema`; `table` is its `tbl_name`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SchemaObject {
    pub name: String,
    pub table: String,
    pub sql: String,
}

/// The user objects of a mirror database (no internal `_dorm_` or `sqlite_` objects needed;
/// they are ignored when present).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MirrorSchema {
    pub tables: Vec<CurrentTable>,
    #[serde(default)]
    pub indexes: Vec<SchemaObject>,
    #[serde(default)]
    pub triggers: Vec<SchemaObject>,
}

/// What [`normalize`] decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Normalized {
    /// Statements to run, in order, in one transaction (empty when nothing is to be done).
    pub statements: Vec<String>,
    /// `DELETE` of one source's rows (`?1`) for every mirror-form table: a mirror's reset.
    pub clear: Vec<String>,
    /// Tables left as they are, each with the reason (a delivery into one reports it).
    pub skipped: Vec<String>,
}

/// The statements that apply one shape's changes. Each binds `?1` to the source's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplySql {
    /// `U`: upserts the row images of `?2`, a JSON array of images, in order.
    pub upsert: String,
    /// `D`: deletes the row whose key image is `?2`.
    pub delete: String,
    /// `C`: deletes all of the source's rows.
    pub clear: String,
}

fn internal(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("_dorm_") || lower.starts_with("sqlite_") || lower.starts_with("_cf_")
}

/// Converts a database into a mirror: plain tables are rebuilt in mirror form with their rows
/// (tagged `own_name`) and their indexes recreated; unique indexes of mirror-form tables are
/// widened and user triggers dropped. Tables that cannot be converted are left alone and listed
/// in `skipped`.
///
/// ```
/// use dorm_core::mirror::{normalize, CurrentTable, MirrorSchema, SourceColumn};
/// let schema = MirrorSchema {
///     tables: vec![CurrentTable {
///         name: "notes".into(),
///         sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)".into(),
///         columns: vec![SourceColumn::new("id", 1, 0), SourceColumn::new("body", 0, 0)],
///     }],
///     indexes: vec![],
///     triggers: vec![],
/// };
/// let n = normalize(&schema, "_dorm_source", "aggregate").unwrap();
/// assert_eq!(n.statements[3], "INSERT INTO \"_dorm_rebuild_notes\" (\"_dorm_source\", \"id\", \"body\") SELECT 'aggregate', \"id\", \"body\" FROM \"notes\"");
/// assert_eq!(n.clear, ["DELETE FROM \"notes\" WHERE \"_dorm_source\" = ?1"]);
/// ```
pub fn normalize(schema: &MirrorSchema, source_column: &str, own_name: &str) -> Result<Normalized> {
    check_source_column(source_column)?;
    let src = q(source_column);
    let mut copy = Vec::new();
    let mut drop = Vec::new();
    let mut rename = Vec::new();
    let mut after = Vec::new();
    let mut clear = Vec::new();
    let mut skipped = Vec::new();
    let mut rebuilt: Vec<&str> = Vec::new();
    for table in schema.tables.iter().filter(|t| !internal(&t.name)) {
        if has_column(&table.columns, source_column) {
            clear.push(format!("DELETE FROM {} WHERE {src} = ?1", q(&table.name)));
            continue;
        }
        match rebuild(table, source_column, own_name) {
            Ok(steps) => {
                copy.extend(steps.copy);
                drop.push(format!("DROP TABLE {}", q(&table.name)));
                rename.push(steps.rename);
                clear.push(format!("DELETE FROM {} WHERE {src} = ?1", q(&table.name)));
                rebuilt.push(&table.name);
            }
            Err(e) => skipped.push(format!("{}: {}", table.name, e.message)),
        }
    }
    let is_rebuilt = |table: &str| rebuilt.iter().any(|t| same_name(t, table));
    for index in schema.indexes.iter().filter(|i| !internal(&i.name) && !internal(&i.table)) {
        let Some((sql, widened)) = rewrite_index(&index.sql, source_column) else { continue };
        if is_rebuilt(&index.table) {
            after.push(sql);
        } else if widened {
            after.push(format!("DROP INDEX {}", q(&index.name)));
            after.push(sql);
        }
    }
    // A mirror keeps no user triggers: their effects arrive as rows (see `ddl`). Those on
    // rebuilt tables went with the old table.
    for trigger in schema.triggers.iter().filter(|t| !internal(&t.name) && !is_rebuilt(&t.table)) {
        after.push(format!("DROP TRIGGER IF EXISTS {}", q(&trigger.name)));
    }
    let mut statements = Vec::new();
    if !rebuilt.is_empty() {
        // Rows are copied before any table is dropped (a drop may cascade into another table),
        // and renames must not check views that name tables dropped a moment ago.
        statements.push("PRAGMA defer_foreign_keys = ON".to_string());
        statements.push("PRAGMA legacy_alter_table = ON".to_string());
        statements.extend(copy);
        statements.extend(drop);
        statements.extend(rename);
        statements.push("PRAGMA legacy_alter_table = OFF".to_string());
    }
    statements.extend(after);
    Ok(Normalized { statements, clear, skipped })
}

struct Rebuild {
    copy: Vec<String>,
    rename: String,
}

fn rebuild(table: &CurrentTable, source_column: &str, own_name: &str) -> Result<Rebuild> {
    let temp = format!("_dorm_rebuild_{}", table.name);
    let ddl = mirror_create_table(&table.sql, &temp, source_column, own_name)?;
    let stored: Vec<&SourceColumn> = table.columns.iter().filter(|c| c.hidden == 0).collect();
    let mut into = vec![q(source_column)];
    let mut from = vec![text_literal(own_name)];
    if ddl.rowid {
        into.push(q(ROWID_COLUMN));
        from.push(rowid_alias(table.columns.iter().map(|c| c.name.as_str()))?.to_string());
    }
    into.extend(stored.iter().map(|c| q(&c.name)));
    from.extend(stored.iter().map(|c| q(&c.name)));
    Ok(Rebuild {
        copy: vec![
            ddl.create,
            format!("INSERT INTO {} ({}) SELECT {} FROM {}", q(&temp), into.join(", "), from.join(", "), q(&table.name)),
        ],
        rename: format!("ALTER TABLE {} RENAME TO {}", q(&temp), q(&table.name)),
    })
}

fn has_column(columns: &[SourceColumn], name: &str) -> bool {
    columns.iter().any(|c| same_name(&c.name, name))
}

/// The statements that make the mirror's table fit a source's shape: create it, or convert a
/// plain one, or add the columns it lacks; and the source's indexes (`IF NOT EXISTS`).
///
/// ```
/// use dorm_core::mirror::{ensure_table, Shape};
/// let shape = Shape {
///     table: "t".into(), columns: vec!["id".into(), "v".into()], key: vec!["id".into()], rowid: false,
///     sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v)".into(), indexes: vec!["CREATE INDEX t_v ON t (v)".into()],
/// };
/// let sql = ensure_table(&shape, None, "_dorm_source", "agg").unwrap();
/// assert_eq!(sql[1], "CREATE INDEX IF NOT EXISTS t_v ON t (v)");
/// ```
pub fn ensure_table(shape: &Shape, current: Option<&CurrentTable>, source_column: &str, own_name: &str) -> Result<Vec<String>> {
    check_source_column(source_column)?;
    let ddl = mirror_create_table(&shape.sql, &shape.table, source_column, own_name)?;
    let mut out = Vec::new();
    match current {
        None => out.push(ddl.create),
        Some(table) if !has_column(&table.columns, source_column) => {
            let schema = MirrorSchema { tables: vec![table.clone()], indexes: vec![], triggers: vec![] };
            let normalized = normalize(&schema, source_column, own_name)?;
            if let Some(reason) = normalized.skipped.first() {
                return Err(DormError::new(ErrorCode::InvalidSchema, format!("cannot convert table into a mirror table: {reason}")));
            }
            out.extend(normalized.statements);
            let after = CurrentTable { columns: with_source(&table.columns, source_column), ..table.clone() };
            out.extend(add_missing(&ddl, &after));
        }
        Some(table) => out.extend(add_missing(&ddl, table)),
    }
    for index in &shape.indexes {
        if let Some((sql, _)) = rewrite_index(index, source_column) {
            out.push(sql);
        }
    }
    Ok(out)
}

fn with_source(columns: &[SourceColumn], source_column: &str) -> Vec<SourceColumn> {
    let mut all = vec![SourceColumn::new(source_column, 0, 0)];
    all.extend(columns.iter().cloned());
    all
}

fn add_missing(ddl: &super::MirrorDdl, table: &CurrentTable) -> Vec<String> {
    let mut out = Vec::new();
    for column in ddl.columns.iter().filter(|c| !has_column(&table.columns, &c.name)) {
        out.push(column.add.clone());
        out.extend(column.unique_index.clone());
    }
    out
}

/// The statements that apply a shape's `U`, `D` and `C` changes in a mirror.
///
/// ```
/// use dorm_core::mirror::{apply_sql, Shape};
/// let shape = Shape {
///     table: "t".into(), columns: vec!["id".into(), "v".into()], key: vec!["id".into()], rowid: false,
///     sql: String::new(), indexes: vec![],
/// };
/// let sql = apply_sql(&shape, "_dorm_source").unwrap();
/// assert!(sql.upsert.starts_with("INSERT OR REPLACE INTO \"t\" (\"_dorm_source\", \"id\", \"v\") SELECT ?1, CASE json_type(j.value, '$[0]')"));
/// assert!(sql.delete.starts_with("DELETE FROM \"t\" WHERE \"_dorm_source\" = ?1 AND \"id\" IS CASE json_type(?2, '$[0]')"));
/// assert_eq!(sql.clear, "DELETE FROM \"t\" WHERE \"_dorm_source\" = ?1");
/// ```
pub fn apply_sql(shape: &Shape, source_column: &str) -> Result<ApplySql> {
    check_source_column(source_column)?;
    if shape.table.is_empty() || shape.columns.is_empty() || (!shape.rowid && shape.key.is_empty()) {
        return Err(DormError::new(ErrorCode::InvalidArgument, format!("the shape of table {} is incomplete", shown(&shape.table))));
    }
    let table = q(&shape.table);
    let src = q(source_column);
    let mut columns = vec![src.clone()];
    if shape.rowid {
        columns.push(q(ROWID_COLUMN));
    }
    columns.extend(shape.columns.iter().map(|c| q(c)));
    let values: Vec<String> = (0..columns.len() - 1).map(|i| decode("j.value", i)).collect();
    let upsert = format!(
        "INSERT OR REPLACE INTO {table} ({}) SELECT ?1, {} FROM json_each(?2) AS j ORDER BY j.key",
        columns.join(", "),
        values.join(", ")
    );
    let key: Vec<String> = if shape.rowid { vec![q(ROWID_COLUMN)] } else { shape.key.iter().map(|k| q(k)).collect() };
    let matches: Vec<String> = key.iter().enumerate().map(|(i, k)| format!("{k} IS {}", decode("?2", i))).collect();
    let delete = format!("DELETE FROM {table} WHERE {src} = ?1 AND {}", matches.join(" AND "));
    let clear = format!("DELETE FROM {table} WHERE {src} = ?1");
    Ok(ApplySql { upsert, delete, clear })
}

/// The SQL value at `index` of the image `json`: a BLOB from its `{"b": hex}` form, anything
/// else as JSON holds it.
fn decode(json: &str, index: usize) -> String {
    format!(
        "CASE json_type({json}, '$[{index}]') WHEN 'object' THEN unhex(json_extract({json}, '$[{index}].b')) ELSE json_extract({json}, '$[{index}]') END"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, sql: &str, columns: &[&str]) -> CurrentTable {
        CurrentTable { name: name.into(), sql: sql.into(), columns: columns.iter().map(|c| SourceColumn::new(c, 0, 0)).collect() }
    }

    #[test]
    fn normalize_rebuilds_plain_tables_copying_before_dropping() {
        let schema = MirrorSchema {
            tables: vec![
                table("p", "CREATE TABLE p (id INTEGER PRIMARY KEY, email TEXT)", &["id", "email"]),
                table("c", "CREATE TABLE c (p INT REFERENCES p(id) ON DELETE CASCADE, v)", &["p", "v"]),
                table("done", "CREATE TABLE done (\"_dorm_source\" TEXT, v)", &["_dorm_source", "v"]),
                table("_dorm_schema", "CREATE TABLE _dorm_schema (sql)", &["sql"]),
                table("wide", "CREATE TABLE wide (_dorm_source)", &["x"]),
            ],
            indexes: vec![
                SchemaObject { name: "u".into(), table: "p".into(), sql: "CREATE UNIQUE INDEX u ON p (email)".into() },
                SchemaObject { name: "u2".into(), table: "done".into(), sql: "CREATE UNIQUE INDEX u2 ON done (v)".into() },
                SchemaObject { name: "i3".into(), table: "done".into(), sql: "CREATE INDEX i3 ON done (v)".into() },
            ],
            triggers: vec![SchemaObject {
                name: "tr".into(),
                table: "done".into(),
                sql: "CREATE TRIGGER tr AFTER INSERT ON done BEGIN SELECT 1; END".into(),
            }],
        };
        let n = normalize(&schema, "_dorm_source", "agg").unwrap();
        let first_drop = n.statements.iter().position(|s| s.starts_with("DROP TABLE")).unwrap();
        let last_copy = n.statements.iter().rposition(|s| s.starts_with("INSERT INTO")).unwrap();
        assert!(last_copy < first_drop);
        assert!(n.statements.contains(&"INSERT INTO \"_dorm_rebuild_c\" (\"_dorm_source\", \"_dorm_rowid\", \"p\", \"v\") SELECT 'agg', rowid, \"p\", \"v\" FROM \"c\"".to_string()));
        assert!(n.statements.contains(&"CREATE UNIQUE INDEX IF NOT EXISTS u ON p (\"_dorm_source\", email)".to_string()));
        assert!(n.statements.contains(&"DROP INDEX \"u2\"".to_string()));
        assert!(!n.statements.iter().any(|s| s.contains("i3")));
        assert!(n.statements.contains(&"DROP TRIGGER IF EXISTS \"tr\"".to_string()));
        assert_eq!(n.clear.len(), 3);
        assert_eq!(n.skipped.len(), 1);
        assert!(n.skipped[0].starts_with("wide:"));
    }

    #[test]
    fn ensure_adds_missing_columns_to_mirror_tables() {
        let shape = Shape {
            table: "t".into(),
            columns: vec!["id".into(), "v".into(), "w".into()],
            key: vec!["id".into()],
            rowid: false,
            sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v, w TEXT NOT NULL DEFAULT 'x' UNIQUE)".into(),
            indexes: vec![],
        };
        let current = table("t", "", &["_dorm_source", "id", "v"]);
        assert_eq!(
            ensure_table(&shape, Some(&current), "_dorm_source", "a").unwrap(),
            [
                "ALTER TABLE \"t\" ADD COLUMN w TEXT NOT NULL DEFAULT 'x'",
                "CREATE UNIQUE INDEX IF NOT EXISTS \"_dorm_unique_t_w\" ON \"t\" (\"_dorm_source\", \"w\")"
            ]
        );
        let plain = table("t", "CREATE TABLE t (id INTEGER PRIMARY KEY, v)", &["id", "v"]);
        let sql = ensure_table(&shape, Some(&plain), "_dorm_source", "a").unwrap();
        assert!(sql.iter().any(|s| s.starts_with("ALTER TABLE \"_dorm_rebuild_t\" RENAME TO \"t\"")));
        assert!(sql.last().unwrap().starts_with("CREATE UNIQUE INDEX"));
    }

    #[test]
    fn rowid_shapes_key_by_the_rowid_column() {
        let shape = Shape { table: "log".into(), columns: vec!["m".into()], key: vec![], rowid: true, sql: String::new(), indexes: vec![] };
        let sql = apply_sql(&shape, "s").unwrap();
        assert!(sql.upsert.contains("(\"s\", \"_dorm_rowid\", \"m\") SELECT ?1, CASE json_type(j.value, '$[0]')"));
        assert!(sql.delete.contains("\"_dorm_rowid\" IS CASE json_type(?2, '$[0]')"));
        assert!(apply_sql(&shape, "_dorm_rowid").is_err());
    }
}
