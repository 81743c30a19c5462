//! The source side: per table, a [`Shape`] and three `AFTER` triggers that write the effect of
//! every row change into the outbox, in the transaction of the write:
//!
//! - insert → `U` with the new row image;
//! - update → `D` with the old key when the key changed, then `U` with the new row image;
//! - delete → `D` with the old key.
//!
//! Triggers fire for rows changed by cascades and by other triggers too, so the outbox holds
//! every effect. A schema change re-captures: a table's triggers are regenerated for its new
//! shape, and the outbox gets `S` (the shape, so mirrors add tables and columns), and for a new
//! or rebuilt table also `C` (clear this source's rows) followed by a snapshot of its rows.

use super::{quiet_guard, rowid_alias, Shape, OUTBOX, TRIGGER_PREFIX};
use crate::error::{DormError, ErrorCode, Result};
use crate::ident::{quote_unchecked as q, shown};
use serde::{Deserialize, Serialize};

/// A table of the source database as `sqlite_schema` and `PRAGMA table_xinfo` describe it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceTable {
    pub name: String,
    /// Its `CREATE TABLE` statement from `sqlite_schema`.
    pub sql: String,
    pub columns: Vec<SourceColumn>,
    #[serde(default)]
    pub without_rowid: bool,
    /// Its `CREATE INDEX` statements from `sqlite_schema` (automatic indexes have none).
    #[serde(default)]
    pub indexes: Vec<String>,
}

/// A column as `PRAGMA table_xinfo` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SourceColumn {
    pub name: String,
    /// The column's position in the primary key (1-based), 0 when not in it.
    #[serde(default)]
    pub pk: u32,
    /// 0 for an ordinary column; 2 or 3 for a generated one.
    #[serde(default)]
    pub hidden: u32,
}

impl SourceColumn {
    pub fn new(name: &str, pk: u32, hidden: u32) -> Self {
        SourceColumn { name: name.to_string(), pk, hidden }
    }
}

/// A trigger found on the table whose name starts with [`TRIGGER_PREFIX`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ExistingTrigger {
    pub name: String,
    pub sql: String,
}

/// How a table changed since it was last captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Nothing to do.
    Same,
    /// Columns were appended (or indexes changed): new triggers and an `S` change.
    Additive,
    /// New, rebuilt, renamed, or columns removed: new triggers, `S`, `C` and a snapshot.
    Reset,
}

/// What to do for one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Capture {
    /// The shape as JSON text: stored by the source, delivered with the changes that use it.
    pub spec: String,
    /// The shape id the table's changes carry from now on (the previous one when `Same`).
    pub shape_id: i64,
    pub change: ChangeKind,
    /// The statements to run, in order, in the transaction of the schema change.
    pub statements: Vec<String>,
}

/// The shape of a source table: its image columns (generated ones left out) and its key.
pub fn shape_of(table: &SourceTable) -> Result<Shape> {
    if table.name.is_empty() || table.name.contains('\0') {
        return Err(DormError::new(ErrorCode::InvalidIdentifier, format!("cannot capture table {}", shown(&table.name))));
    }
    let columns: Vec<String> = table.columns.iter().filter(|c| c.hidden == 0).map(|c| c.name.clone()).collect();
    if columns.is_empty() {
        return Err(DormError::new(ErrorCode::InvalidSchema, format!("table {} has no stored columns", shown(&table.name))));
    }
    let mut keyed: Vec<&SourceColumn> = table.columns.iter().filter(|c| c.pk > 0).collect();
    keyed.sort_by_key(|c| c.pk);
    let key: Vec<String> = keyed.iter().map(|c| c.name.clone()).collect();
    if key.is_empty() && table.without_rowid {
        return Err(DormError::new(ErrorCode::InvalidSchema, format!("WITHOUT ROWID table {} has no key", shown(&table.name))));
    }
    Ok(Shape {
        table: table.name.clone(),
        columns,
        rowid: key.is_empty(),
        key,
        sql: table.sql.clone(),
        indexes: table.indexes.clone(),
    })
}

/// Decides what to do for `table`: compares its shape with the one it was captured with
/// (`previous`: id and spec) and its capture triggers (`existing`) with those expected. A table
/// whose triggers are missing or changed was rebuilt or renamed behind our back: reset. With
/// `snapshot`, the table's rows are sent again (a new mirror, or one that lost its state).
///
/// ```
/// use dorm_core::mirror::{capture, ChangeKind, SourceColumn, SourceTable};
/// let table = SourceTable {
///     name: "t".into(), sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v)".into(),
///     columns: vec![SourceColumn::new("id", 1, 0), SourceColumn::new("v", 0, 0)],
///     without_rowid: false, indexes: vec![],
/// };
/// let first = capture(&table, None, &[], 1, false).unwrap();
/// assert_eq!(first.change, ChangeKind::Reset);
/// assert_eq!(first.statements.len(), 6); // 3 triggers, S, C, snapshot
/// ```
pub fn capture(
    table: &SourceTable,
    previous: Option<(i64, &str)>,
    existing: &[ExistingTrigger],
    next_id: i64,
    snapshot: bool,
) -> Result<Capture> {
    let shape = shape_of(table)?;
    let all_names = table.columns.iter().map(|c| c.name.as_str());
    let alias = if shape.rowid { rowid_alias(all_names)? } else { "rowid" };
    let spec = serde_json::to_string(&shape)
        .map_err(|e| DormError::new(ErrorCode::InvalidSchema, format!("cannot describe table {}: {e}", shown(&table.name))))?;
    let previous = previous.and_then(|(id, spec)| serde_json::from_str::<Shape>(spec).ok().map(|s| (id, s)));
    let intact = |shape: &Shape, id: i64| {
        let mut expected: Vec<String> = triggers(shape, id, alias).into_iter().map(|(_, sql)| sql).collect();
        let mut found: Vec<String> = existing.iter().map(|t| t.sql.clone()).collect();
        expected.sort();
        found.sort();
        expected == found
    };
    let change = match &previous {
        Some((id, prev)) if *prev == shape && intact(prev, *id) => ChangeKind::Same,
        Some((id, prev)) if intact(prev, *id) && is_additive(prev, &shape) => ChangeKind::Additive,
        _ => ChangeKind::Reset,
    };
    let shape_id = match (&previous, change) {
        (Some((id, _)), ChangeKind::Same) => *id,
        _ => next_id,
    };
    let outbox = q(OUTBOX);
    let mut statements = Vec::new();
    if change != ChangeKind::Same {
        statements.extend(existing.iter().map(|t| format!("DROP TRIGGER IF EXISTS {}", q(&t.name))));
        statements.extend(triggers(&shape, shape_id, alias).into_iter().map(|(_, sql)| sql));
        statements.push(format!("INSERT INTO {outbox} (shape, op, row) VALUES ({shape_id}, 'S', NULL)"));
    }
    if change == ChangeKind::Reset || snapshot {
        statements.push(format!("INSERT INTO {outbox} (shape, op, row) VALUES ({shape_id}, 'C', NULL)"));
        statements.push(format!(
            "INSERT INTO {outbox} (shape, op, row) SELECT {shape_id}, 'U', {} FROM {}",
            image(&shape, "", alias),
            q(&shape.table)
        ));
    }
    Ok(Capture { spec, shape_id, change, statements })
}

/// True when `next` only appends columns to `prev` (same key): mirrors add the columns and rows
/// they already hold keep their values.
fn is_additive(prev: &Shape, next: &Shape) -> bool {
    prev.key == next.key && prev.rowid == next.rowid && next.columns.starts_with(&prev.columns)
}

/// The three capture triggers of a table: `(name, CREATE TRIGGER statement)`.
pub fn triggers(shape: &Shape, id: i64, alias: &str) -> Vec<(String, String)> {
    let table = q(&shape.table);
    let outbox = q(OUTBOX);
    let guard = quiet_guard();
    let name = |kind: &str| format!("{TRIGGER_PREFIX}{kind}_{}", shape.table);
    let old_key = key_image(shape, "OLD.", alias);
    let changed: Vec<String> = if shape.rowid {
        vec![format!("OLD.{alias} IS NOT NEW.{alias}")]
    } else {
        shape.key.iter().map(|k| format!("OLD.{0} IS NOT NEW.{0}", q(k))).collect()
    };
    let new_row = image(shape, "NEW.", alias);
    let trigger = |kind: &str, event: &str, body: String| {
        let n = name(kind);
        let sql = format!("CREATE TRIGGER {} AFTER {event} ON {table} FOR EACH ROW WHEN {guard} BEGIN {body} END", q(&n));
        (n, sql)
    };
    vec![
        trigger("i", "INSERT", format!("INSERT INTO {outbox} (shape, op, row) VALUES ({id}, 'U', {new_row});")),
        trigger(
            "u",
            "UPDATE",
            format!(
                "INSERT INTO {outbox} (shape, op, row) SELECT {id}, 'D', {old_key} WHERE {}; \
                 INSERT INTO {outbox} (shape, op, row) VALUES ({id}, 'U', {new_row});",
                changed.join(" OR ")
            ),
        ),
        trigger("d", "DELETE", format!("INSERT INTO {outbox} (shape, op, row) VALUES ({id}, 'D', {old_key});")),
    ]
}

/// `json_array(...)` of a row's image; `prefix` is `NEW.`, `OLD.` or empty (a snapshot).
fn image(shape: &Shape, prefix: &str, alias: &str) -> String {
    let mut values: Vec<String> = Vec::with_capacity(shape.columns.len() + 1);
    if shape.rowid {
        values.push(format!("{prefix}{alias}"));
    }
    values.extend(shape.columns.iter().map(|c| encode(&format!("{prefix}{}", q(c)))));
    format!("json_array({})", values.join(", "))
}

fn key_image(shape: &Shape, prefix: &str, alias: &str) -> String {
    if shape.rowid {
        return format!("json_array({prefix}{alias})");
    }
    let values: Vec<String> = shape.key.iter().map(|k| encode(&format!("{prefix}{}", q(k)))).collect();
    format!("json_array({})", values.join(", "))
}

/// A value as JSON: as itself, except a BLOB, which JSON cannot hold: `{"b": hex}`.
fn encode(expr: &str) -> String {
    format!("CASE typeof({expr}) WHEN 'blob' THEN json_object('b', hex({expr})) ELSE {expr} END")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(sql: &str, columns: &[(&str, u32, u32)]) -> SourceTable {
        SourceTable {
            name: "t".into(),
            sql: sql.into(),
            columns: columns.iter().map(|(n, pk, h)| SourceColumn::new(n, *pk, *h)).collect(),
            without_rowid: false,
            indexes: vec![],
        }
    }

    #[test]
    fn triggers_record_images_and_keys() {
        let t = table("CREATE TABLE t (a, b, c AS (a + 1), PRIMARY KEY (b, a))", &[("a", 2, 0), ("b", 1, 0), ("c", 0, 2)]);
        let shape = shape_of(&t).unwrap();
        assert_eq!(shape.columns, ["a", "b"]);
        assert_eq!(shape.key, ["b", "a"]);
        let t = triggers(&shape, 7, "rowid");
        assert_eq!(t[0].0, "_dorm_mirror_i_t");
        assert!(t[1].1.contains("SELECT 7, 'D', json_array(CASE typeof(OLD.\"b\")"));
        assert!(t[1].1.contains("WHERE OLD.\"b\" IS NOT NEW.\"b\" OR OLD.\"a\" IS NOT NEW.\"a\";"));
        assert!(t[2].1.starts_with("CREATE TRIGGER \"_dorm_mirror_d_t\" AFTER DELETE ON \"t\" FOR EACH ROW WHEN (SELECT skip FROM \"_dorm_mirror_ctl\") IS NOT 1 BEGIN"));
    }

    #[test]
    fn rowid_tables_use_an_unshadowed_alias() {
        let t = table("CREATE TABLE t (rowid, v)", &[("rowid", 0, 0), ("v", 0, 0)]);
        let c = capture(&t, None, &[], 3, false).unwrap();
        assert!(c.statements.last().unwrap().contains("SELECT 3, 'U', json_array(_rowid_, CASE"));
        let t = table("CREATE TABLE t (rowid, _rowid_, oid)", &[("rowid", 0, 0), ("_rowid_", 0, 0), ("oid", 0, 0)]);
        assert!(capture(&t, None, &[], 3, false).is_err());
    }

    #[test]
    fn classifies_changes() {
        let t1 = table("CREATE TABLE t (id INTEGER PRIMARY KEY, v)", &[("id", 1, 0), ("v", 0, 0)]);
        let first = capture(&t1, None, &[], 1, false).unwrap();
        let installed: Vec<ExistingTrigger> = triggers(&shape_of(&t1).unwrap(), 1, "rowid")
            .into_iter()
            .map(|(name, sql)| ExistingTrigger { name, sql })
            .collect();
        let prev = Some((1, first.spec.as_str()));
        let same = capture(&t1, prev, &installed, 2, false).unwrap();
        assert_eq!((same.change, same.shape_id, same.statements.len()), (ChangeKind::Same, 1, 0));
        let again = capture(&t1, prev, &installed, 2, true).unwrap();
        assert_eq!((again.change, again.statements.len()), (ChangeKind::Same, 2));
        let t2 = table("CREATE TABLE t (id INTEGER PRIMARY KEY, v, w)", &[("id", 1, 0), ("v", 0, 0), ("w", 0, 0)]);
        let added = capture(&t2, prev, &installed, 2, false).unwrap();
        assert_eq!((added.change, added.shape_id, added.statements.len()), (ChangeKind::Additive, 2, 7));
        assert!(added.statements[0].starts_with("DROP TRIGGER IF EXISTS \"_dorm_mirror_i_t\""));
        let t3 = table("CREATE TABLE t (id INTEGER PRIMARY KEY, w)", &[("id", 1, 0), ("w", 0, 0)]);
        assert_eq!(capture(&t3, prev, &installed, 2, false).unwrap().change, ChangeKind::Reset);
        // Triggers gone (the table was rebuilt): reset even though the shape is the same.
        assert_eq!(capture(&t1, prev, &[], 2, false).unwrap().change, ChangeKind::Reset);
        // An unreadable previous spec is no previous spec.
        assert_eq!(capture(&t1, Some((1, "{")), &installed, 2, false).unwrap().change, ChangeKind::Reset);
    }
}
