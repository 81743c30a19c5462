//! Mirror rewriting: what lets every write to a database also land, exactly, in other databases
//! (its mirrors), e.g. all `tenant:*` databases in one `aggregate`.
//!
//! A mirror never re-runs the source's statements. The source records the *effect* of each write
//! (row images, in the same transaction as the write) and the mirror applies those effects, so
//! generated keys, `random()`, defaults, triggers and cascades arrive exactly as they happened.
//! This module decides everything per table or per statement; rows never pass through it.
//!
//! - [`capture`] (source side): a table's [`Shape`] and the `AFTER INSERT/UPDATE/DELETE`
//!   triggers that write row images into the outbox, plus snapshot statements.
//! - [`ddl`]: a source's `CREATE TABLE` rewritten for a mirror: a source column first, keys and
//!   UNIQUE constraints widened to include it, foreign keys dropped; index widening; no user
//!   triggers in mirrors (their effects arrive as rows).
//! - [`apply`] (mirror side): statements that create or extend a mirror table, convert a plain
//!   database into a mirror in place, and apply row images.
//! - [`requests`]: the request objects the wasm bindings take as JSON text.
//!
//! Row images are JSON arrays, one value per column in [`Shape::columns`] order (preceded by the
//! rowid for tables without a primary key). SQLite's JSON keeps integers (all 64 bits), reals
//! (17 digits) and text exactly; a BLOB becomes `{"b": "<hex>"}`.

pub mod apply;
pub mod capture;
pub mod ddl;
pub mod requests;
#[cfg(test)]
mod tests;

pub use apply::{apply_sql, ensure_table, normalize, ApplySql, CurrentTable, MirrorSchema, Normalized, SchemaObject};
pub use capture::{capture, shape_of, Capture, ChangeKind, ExistingTrigger, SourceColumn, SourceTable};
pub use ddl::{mirror_create_table, mirror_index, mirror_statement, MirrorDdl};

use crate::error::{DormError, ErrorCode, Result};
use crate::ident::{quote_unchecked, shown, validate};
use serde::{Deserialize, Serialize};

/// The outbox: one row per change, `(seq, shape, op, row)`, written by the capture triggers.
pub const OUTBOX: &str = "_dorm_outbox";
/// The one-row control table: `skip = 1` while a write must not be captured (`skipMirror`).
pub const CONTROL: &str = "_dorm_mirror_ctl";
/// Names of the capture triggers start with this.
pub const TRIGGER_PREFIX: &str = "_dorm_mirror_";
/// The column that holds the source database's name in a mirror, unless configured otherwise.
pub const DEFAULT_SOURCE_COLUMN: &str = "_dorm_source";
/// The column that holds the source's rowid for tables without a primary key.
pub const ROWID_COLUMN: &str = "_dorm_rowid";
/// Durable Objects allow this many columns per table; a mirror table needs one or two more.
pub const MAX_COLUMNS: usize = 100;

/// The guard of the capture triggers: true unless the control row says skip.
/// A missing control row counts as "capture" (fails safe towards mirroring).
pub(crate) fn quiet_guard() -> String {
    format!("(SELECT skip FROM {}) IS NOT 1", quote_unchecked(CONTROL))
}

/// What a source records per table, and what a mirror needs to apply its row images.
///
/// ```
/// use dorm_core::mirror::{shape_of, SourceColumn, SourceTable};
/// let shape = shape_of(&SourceTable {
///     name: "notes".into(),
///     sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)".into(),
///     columns: vec![SourceColumn::new("id", 1, 0), SourceColumn::new("body", 0, 0)],
///     without_rowid: false,
///     indexes: vec![],
/// }).unwrap();
/// assert_eq!(shape.key, ["id"]);
/// assert!(!shape.rowid);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    pub table: String,
    /// The columns of a row image, in order (generated columns are left out: mirrors compute them).
    pub columns: Vec<String>,
    /// The primary key columns, in key order; empty when the rowid identifies rows.
    pub key: Vec<String>,
    /// True when the table has no primary key: images start with the rowid.
    pub rowid: bool,
    /// The source's `CREATE TABLE` statement (from `sqlite_schema`), from which mirrors derive theirs.
    pub sql: String,
    /// The source's `CREATE INDEX` statements for the table.
    #[serde(default)]
    pub indexes: Vec<String>,
}

/// A SQL string literal: `'` doubled. NUL characters cannot appear in SQL text and are dropped.
pub(crate) fn text_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Checks a configured source column name: a valid, unreserved column name.
pub fn check_source_column(name: &str) -> Result<()> {
    validate(name, "column")?;
    if name.eq_ignore_ascii_case(ROWID_COLUMN) {
        return Err(DormError::new(
            ErrorCode::InvalidArgument,
            format!("the source column cannot be named {}, which mirrors use for rowids", shown(name)),
        ));
    }
    Ok(())
}

/// The name a rowid can be read by in a table with these columns: `rowid`, `_rowid_` or `oid`,
/// whichever no column shadows.
pub(crate) fn rowid_alias<'a>(columns: impl Iterator<Item = &'a str> + Clone) -> Result<&'static str> {
    ["rowid", "_rowid_", "oid"]
        .into_iter()
        .find(|alias| !columns.clone().any(|c| c.eq_ignore_ascii_case(alias)))
        .ok_or_else(|| {
            DormError::new(
                ErrorCode::InvalidSchema,
                "the table has no primary key and columns named rowid, _rowid_ and oid, so its rows cannot be identified; add a primary key",
            )
        })
}
