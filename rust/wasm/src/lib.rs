//! The wasm bindings of `dorm-core`: one exported function per core entry point, nothing else.
//! Inputs arrive as strings (JSON where structured); outputs leave as plain JS objects; a core
//! error leaves as a thrown `{ code, status, message }` that the TypeScript shim turns into a
//! `DormError`. Rows never pass through here (see README, "Design decisions").

mod convert;

use convert::{from_json, to_js};
use wasm_bindgen::prelude::*;

/// Splits and classifies `sql`; see `dorm_core::analyze`.
#[wasm_bindgen]
pub fn analyze(sql: &str) -> Result<JsValue, JsValue> {
    to_js(dorm_core::analyze(sql))
}

/// Distinct object keys for a statement's column names; see `dorm_core::shape_columns`.
#[wasm_bindgen(js_name = shapeColumns)]
pub fn shape_columns(columns: Vec<String>) -> Result<JsValue, JsValue> {
    to_js(Ok(dorm_core::shape_columns(&columns)))
}

/// The wrapper that re-reads a statement's integers beyond ±2^53−1 as exact text, or `undefined`
/// when its column names repeat; see `dorm_core::exact_integers_sql`.
#[wasm_bindgen(js_name = exactIntegersSql)]
pub fn exact_integers_sql(statement: &str, columns: Vec<String>) -> Option<String> {
    dorm_core::exact_integers_sql(statement, &columns)
}

/// Traps on purpose (a wasm `unreachable`). Internal: the test suite uses it to prove that the
/// TypeScript shim re-instantiates the module after a trap. Never called by the package.
#[wasm_bindgen(js_name = __trapForTests)]
pub fn trap_for_tests() {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
}

/// The DDL and hash of a schema: `statements` plus JSON Schemas given as a JSON array text.
#[wasm_bindgen(js_name = prepareSchema)]
pub fn prepare_schema(statements: Vec<String>, schemas_json: &str) -> Result<JsValue, JsValue> {
    let schemas: Vec<serde_json::Value> = from_json(schemas_json)?;
    to_js(dorm_core::prepare_schema(&statements, &schemas))
}

/// One table's JSON Schema (as JSON text) to `{ createTableStatement, indexStatements }`.
#[wasm_bindgen(js_name = jsonSchemaToSql)]
pub fn json_schema_to_sql(schema_json: &str) -> Result<JsValue, JsValue> {
    let schema: serde_json::Value = from_json(schema_json)?;
    to_js(dorm_core::schema::json_schema_to_sql(&schema))
}

/// An entry point that takes its request object as JSON text, reads it as `$request` and
/// answers with the request's `$method` (the ORM's `compile`, the mirror's `answer`).
macro_rules! request_export {
    ($(#[$doc:meta])* $name:ident, $js:literal, $request:path, $method:ident) => {
        $(#[$doc])*
        #[wasm_bindgen(js_name = $js)]
        pub fn $name(request_json: &str) -> Result<JsValue, JsValue> {
            let request: $request = from_json(request_json)?;
            to_js(request.$method())
        }
    };
}

// The mirror entry points (`dorm_core::mirror`; request shapes in `dorm_core::mirror::requests`):
// table descriptions and statements cross here, rows never do.
macro_rules! mirror_export {
    ($(#[$doc:meta])* $name:ident, $js:literal, $request:ident) => {
        request_export!($(#[$doc])* $name, $js, dorm_core::mirror::requests::$request, answer);
    };
}

mirror_export!(
    /// `{ table: { name, sql, columns: [{ name, pk, hidden }], withoutRowid?, indexes? }, previous?: { id, spec },
    /// existing?: [{ name, sql }], nextId, snapshot? }` → `{ spec, shapeId, change, statements }`.
    mirror_capture, "mirrorCapture", CaptureRequest
);
mirror_export!(
    /// `{ spec, current?: { name, sql, columns }, sourceColumn?, ownName }` → statements.
    mirror_ensure, "mirrorEnsure", EnsureRequest
);
mirror_export!(
    /// `{ spec, sourceColumn? }` → `{ upsert, delete, clear }`.
    mirror_apply, "mirrorApply", ApplyRequest
);
mirror_export!(
    /// `{ schema: { tables, indexes?, triggers? }, sourceColumn?, ownName }` → `{ statements, clear, skipped }`.
    mirror_normalize, "mirrorNormalize", NormalizeRequest
);
mirror_export!(
    /// `{ sql, sourceColumn?, ownName }` → the statement as a mirror database runs it.
    mirror_statement, "mirrorStatement", StatementRequest
);

/// One table's JSON Schema (as JSON text) to `{ table, columns: [{ name, sqlType, kind, required,
/// nullable, enum?, minimum?, maximum?, exclusiveMinimum?, exclusiveMaximum?, minLength?,
/// maxLength?, autoIncrement, hasDefault, primaryKey }] }`; see `dorm_core::table_info`.
#[wasm_bindgen(js_name = tableInfo)]
pub fn table_info(schema_json: &str) -> Result<JsValue, JsValue> {
    let schema: serde_json::Value = from_json(schema_json)?;
    to_js(dorm_core::table_info(&schema))
}

// The ORM entry points (request shapes in `dorm_core::orm::requests`): each returns
// `{ sql, params }` (paginate adds `cursorColumns`; insertMany returns a plan).
macro_rules! orm_export {
    ($(#[$doc:meta])* $name:ident, $js:literal, $request:ident) => {
        request_export!($(#[$doc])* $name, $js, dorm_core::orm::requests::$request, compile);
    };
}

orm_export!(
    /// `{ table, where?, options?: { columns?, orderBy?, limit?, offset? } }` → `{ sql, params }`.
    compile_select, "compileSelect", SelectRequest
);
orm_export!(
    /// `{ table, where? }` → `{ sql, params }`; the row has one column, `count`.
    compile_count, "compileCount", CountRequest
);
orm_export!(
    /// `{ table, data, returnRecord? = true }` → `{ sql, params }`.
    compile_insert, "compileInsert", InsertRequest
);
orm_export!(
    /// `{ table, data, where?, returnRecord? = true }` → `{ sql, params }`.
    compile_update, "compileUpdate", UpdateRequest
);
orm_export!(
    /// `{ table, where?, options?: { all?, returnRecord? = true } }` → `{ sql, params }`.
    compile_remove, "compileRemove", RemoveRequest
);
orm_export!(
    /// `{ table, data, conflictColumns, returnRecord? = true }` → `{ sql, params }`.
    compile_upsert, "compileUpsert", UpsertRequest
);
orm_export!(
    /// `{ table, columns, rowCount, returnRecord? = true }` →
    /// `{ rowsPerStatement, fullStatements, fullSql, lastRows, lastSql }`.
    plan_insert_many, "planInsertMany", InsertManyRequest
);
orm_export!(
    /// `{ table, where?, options?: { orderBy?, key?, limit?, cursor?, columns? } }` →
    /// `{ sql, params, cursorColumns }`.
    compile_paginate, "compilePaginate", PaginateRequest
);
