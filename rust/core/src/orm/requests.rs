//! The request objects of the ORM entry points, as the wasm bindings receive them (JSON text)
//! and as the shared fixtures (`fixtures/orm.json`) write them. Field names are camelCase;
//! unknown fields are refused; `where` and `options` may be left out.

use super::parse::{bad, whole_number};
use super::{
    compile_count, compile_insert, compile_paginate, compile_remove, compile_select, compile_update, compile_upsert,
    plan_insert_many, Compiled, InsertManyPlan, Page,
};
use crate::error::{DormError, ErrorCode, Result};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

/// Reads a request from a JSON value; a wrong shape is an INVALID_ARGUMENT.
///
/// ```
/// use dorm_core::orm::requests::{from_value, SelectRequest};
/// let r: SelectRequest = from_value(serde_json::json!({ "table": "t", "where": { "a": 1 } })).unwrap();
/// assert_eq!(r.compile().unwrap().sql, "SELECT * FROM \"t\" WHERE \"a\" = ?");
/// assert!(from_value::<SelectRequest>(serde_json::json!({ "tabel": "t" })).is_err());
/// ```
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| DormError::new(ErrorCode::InvalidArgument, format!("malformed request: {e}")))
}

fn yes() -> bool {
    true
}

/// `{ table, where?, options?: { columns?, orderBy?, limit?, offset? } }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectRequest {
    pub table: String,
    #[serde(rename = "where", default)]
    pub where_: Value,
    #[serde(default)]
    pub options: Value,
}

impl SelectRequest {
    pub fn compile(&self) -> Result<Compiled> {
        compile_select(&self.table, &self.where_, &self.options)
    }
}

/// `{ table, where? }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountRequest {
    pub table: String,
    #[serde(rename = "where", default)]
    pub where_: Value,
}

impl CountRequest {
    pub fn compile(&self) -> Result<Compiled> {
        compile_count(&self.table, &self.where_)
    }
}

/// `{ table, data, returnRecord? = true }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InsertRequest {
    pub table: String,
    #[serde(default)]
    pub data: Value,
    #[serde(default = "yes")]
    pub return_record: bool,
}

impl InsertRequest {
    pub fn compile(&self) -> Result<Compiled> {
        compile_insert(&self.table, &self.data, self.return_record)
    }
}

/// `{ table, data, where?, returnRecord? = true }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateRequest {
    pub table: String,
    #[serde(default)]
    pub data: Value,
    #[serde(rename = "where", default)]
    pub where_: Value,
    #[serde(default = "yes")]
    pub return_record: bool,
}

impl UpdateRequest {
    pub fn compile(&self) -> Result<Compiled> {
        compile_update(&self.table, &self.data, &self.where_, self.return_record)
    }
}

/// `{ table, where?, options?: { all?, returnRecord? = true } }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveRequest {
    pub table: String,
    #[serde(rename = "where", default)]
    pub where_: Value,
    #[serde(default)]
    pub options: Value,
}

impl RemoveRequest {
    pub fn compile(&self) -> Result<Compiled> {
        compile_remove(&self.table, &self.where_, &self.options)
    }
}

/// `{ table, data, conflictColumns, returnRecord? = true }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpsertRequest {
    pub table: String,
    #[serde(default)]
    pub data: Value,
    pub conflict_columns: Vec<String>,
    #[serde(default = "yes")]
    pub return_record: bool,
}

impl UpsertRequest {
    pub fn compile(&self) -> Result<Compiled> {
        compile_upsert(&self.table, &self.data, &self.conflict_columns, self.return_record)
    }
}

/// `{ table, columns, rowCount, returnRecord? = true }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InsertManyRequest {
    pub table: String,
    pub columns: Vec<String>,
    pub row_count: Value,
    #[serde(default = "yes")]
    pub return_record: bool,
}

impl InsertManyRequest {
    pub fn compile(&self) -> Result<InsertManyPlan> {
        let rows = whole_number(&self.row_count).ok_or_else(|| bad("rowCount must be a whole number from 0 to 2^53 − 1"))?;
        plan_insert_many(&self.table, &self.columns, rows, self.return_record)
    }
}

/// `{ table, where?, options?: { orderBy?, key?, limit?, cursor?, columns? } }`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginateRequest {
    pub table: String,
    #[serde(rename = "where", default)]
    pub where_: Value,
    #[serde(default)]
    pub options: Value,
}

impl PaginateRequest {
    pub fn compile(&self) -> Result<Page> {
        compile_paginate(&self.table, &self.where_, &self.options)
    }
}
