//! The request objects the wasm bindings take as JSON text, one per entry point, each with the
//! function that answers it. Field names are camelCase, as JavaScript writes them.

use super::apply::{apply_sql, ensure_table, normalize, ApplySql, CurrentTable, MirrorSchema, Normalized};
use super::capture::{capture, Capture, ExistingTrigger, SourceTable};
use super::ddl::mirror_statement;
use super::{Shape, DEFAULT_SOURCE_COLUMN};
use crate::error::{DormError, ErrorCode, Result};
use serde::Deserialize;

fn source_column(configured: &Option<String>) -> &str {
    configured.as_deref().unwrap_or(DEFAULT_SOURCE_COLUMN)
}

fn parse_spec(spec: &str) -> Result<Shape> {
    serde_json::from_str(spec).map_err(|e| DormError::new(ErrorCode::InvalidArgument, format!("malformed table shape: {e}")))
}

/// The shape a table was last captured with.
#[derive(Debug, Clone, Deserialize)]
pub struct PreviousShape {
    pub id: i64,
    pub spec: String,
}

/// `{ table, previous?, existing?, nextId, snapshot? }` → [`Capture`]; see [`capture`].
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaptureRequest {
    pub table: SourceTable,
    #[serde(default)]
    pub previous: Option<PreviousShape>,
    #[serde(default)]
    pub existing: Vec<ExistingTrigger>,
    pub next_id: i64,
    #[serde(default)]
    pub snapshot: bool,
}

impl CaptureRequest {
    pub fn answer(&self) -> Result<Capture> {
        let previous = self.previous.as_ref().map(|p| (p.id, p.spec.as_str()));
        capture(&self.table, previous, &self.existing, self.next_id, self.snapshot)
    }
}

/// `{ spec, current?, sourceColumn?, ownName }` → statements; see [`ensure_table`].
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnsureRequest {
    pub spec: String,
    #[serde(default)]
    pub current: Option<CurrentTable>,
    #[serde(default)]
    pub source_column: Option<String>,
    #[serde(default)]
    pub own_name: String,
}

impl EnsureRequest {
    pub fn answer(&self) -> Result<Vec<String>> {
        ensure_table(&parse_spec(&self.spec)?, self.current.as_ref(), source_column(&self.source_column), &self.own_name)
    }
}

/// `{ spec, sourceColumn? }` → [`ApplySql`]; see [`apply_sql`].
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyRequest {
    pub spec: String,
    #[serde(default)]
    pub source_column: Option<String>,
}

impl ApplyRequest {
    pub fn answer(&self) -> Result<ApplySql> {
        apply_sql(&parse_spec(&self.spec)?, source_column(&self.source_column))
    }
}

/// `{ schema: { tables, indexes?, triggers? }, sourceColumn?, ownName }` → [`Normalized`]; see [`normalize`].
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NormalizeRequest {
    pub schema: MirrorSchema,
    #[serde(default)]
    pub source_column: Option<String>,
    #[serde(default)]
    pub own_name: String,
}

impl NormalizeRequest {
    pub fn answer(&self) -> Result<Normalized> {
        normalize(&self.schema, source_column(&self.source_column), &self.own_name)
    }
}

/// `{ sql, sourceColumn?, ownName }` → the statement as a mirror runs it; see [`mirror_statement`].
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementRequest {
    pub sql: String,
    #[serde(default)]
    pub source_column: Option<String>,
    #[serde(default)]
    pub own_name: String,
}

impl StatementRequest {
    pub fn answer(&self) -> Result<String> {
        Ok(mirror_statement(&self.sql, source_column(&self.source_column), &self.own_name))
    }
}
