//! How rows of a statement become JSON objects. Decided once per statement from its column
//! names; JavaScript applies the decision to the rows.

use serde::Serialize;
use std::collections::HashSet;

/// The object keys for a statement's columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultShape {
    /// One key per column, in column order, all distinct.
    pub keys: Vec<String>,
    /// True when some column names repeat (`SELECT a.id, b.id ...`): the keys then differ from
    /// the column names, and rows must be built from `raw()` values, not `toArray()` objects.
    pub renamed: bool,
}

/// Distinct keys for `columns`: a repeated name gets `_2`, `_3`, ... (skipping names in use).
///
/// ```
/// let shape = dorm_core::shape_columns(&["id".into(), "id".into(), "id_2".into()]);
/// assert_eq!(shape.keys, ["id", "id_3", "id_2"]);
/// assert!(shape.renamed);
/// ```
pub fn shape_columns(columns: &[String]) -> ResultShape {
    let taken: HashSet<&str> = columns.iter().map(String::as_str).collect();
    let mut used: HashSet<String> = HashSet::new();
    let mut keys = Vec::with_capacity(columns.len());
    let mut renamed = false;
    for column in columns {
        let mut key = column.clone();
        if used.contains(&key) {
            renamed = true;
            let mut n = 2usize;
            while used.contains(&key) || taken.contains(key.as_str()) {
                key = format!("{column}_{n}");
                n += 1;
            }
        }
        used.insert(key.clone());
        keys.push(key);
    }
    ResultShape { keys, renamed }
}

/// Integers beyond ±(2^53 − 1) cannot be JavaScript numbers. When a read statement returned
/// some, it is run again through this wrapper, which turns exactly those values into their
/// decimal text and leaves every other value as it was. `None` when the column names repeat
/// (a subquery could not name them apart); the caller then reports the problem instead.
///
/// ```
/// let sql = dorm_core::exact_integers_sql("SELECT n FROM t", &["n".into()]).unwrap();
/// assert!(sql.starts_with("SELECT CASE WHEN typeof(\"n\") = 'integer'"));
/// assert!(dorm_core::exact_integers_sql("SELECT 1 AS a, 2 AS a", &["a".into(), "a".into()]).is_none());
/// ```
pub fn exact_integers_sql(statement: &str, columns: &[String]) -> Option<String> {
    let shape = shape_columns(columns);
    if shape.renamed || columns.is_empty() {
        return None;
    }
    let select: Vec<String> = columns
        .iter()
        .map(|c| {
            let q = format!("\"{}\"", c.replace('"', "\"\""));
            format!(
                "CASE WHEN typeof({q}) = 'integer' AND {q} NOT BETWEEN -9007199254740991 AND 9007199254740991 \
                 THEN CAST({q} AS TEXT) ELSE {q} END AS {q}"
            )
        })
        .collect();
    Some(format!("SELECT {} FROM ({statement})", select.join(", ")))
}
