//! Totality: no input makes the core panic (a panic would kill the wasm instance). Arbitrary
//! strings go to `analyze` and `prepare_schema`; arbitrary JSON values, built from the words the
//! compilers look for so that deep paths are reached, go to every schema and ORM entry point.
//! Whatever succeeds must also be consistent: one `?` per parameter.

use dorm_core::lexer::{tokenize, TokenKind};
use dorm_core::orm::requests::*;
use dorm_core::*;
use proptest::prelude::*;
use serde_json::{Map, Value};

const WORDS: &[&str] = &[
    "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$like", "$isNull", "$and", "$or", "$not", "a", "b",
    "rowid", "", "table", "where", "options", "data", "columns", "orderBy", "limit", "offset", "cursor", "key", "all",
    "returnRecord", "column", "direction", "conflictColumns", "rowCount", "$id", "type", "properties", "required",
    "format", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
    "x-dorm-primary-key", "x-dorm-auto-increment", "x-dorm-unique", "x-dorm-index", "x-dorm-default",
    "x-dorm-references", "x-dorm-strict", "onDelete", "onUpdate", "integer", "number", "boolean", "object", "array",
    "string", "null", "date", "date-time", "ASC", "desc", "CASCADE", "SET NULL", "sqlite_x", "_cf_y", "a\"b", "a\0",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(WORDS).prop_map(String::from),
        1 => ".{0,8}".prop_map(|s| s),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..200).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((word(), inner), 0..6).prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Property schemas that are mostly plausible: a type, then some keywords and extensions with
/// plausible or arbitrary values.
fn property() -> impl Strategy<Value = Value> {
    const TYPES: &[&str] = &["integer", "number", "boolean", "object", "array", "string", "null", "text"];
    const KEYS: &[&str] = &[
        "format", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
        "x-dorm-primary-key", "x-dorm-auto-increment", "x-dorm-unique", "x-dorm-index", "x-dorm-default",
        "x-dorm-references", "x-dorm-bogus", "description",
    ];
    let ty = prop_oneof![
        4 => proptest::sample::select(TYPES).prop_map(Value::from),
        1 => proptest::sample::subsequence(TYPES, 1..3).prop_map(Value::from),
        1 => json_value(),
    ];
    let plausible = prop_oneof![
        3 => Just(Value::Bool(true)),
        1 => (-2i64..5).prop_map(Value::from),
        1 => Just(Value::from("date-time")),
        1 => Just(Value::from("it's")),
        1 => Just(serde_json::json!({ "table": "p", "column": "id", "onDelete": "cascade" })),
        1 => Just(serde_json::json!(["a", "b", null])),
        1 => json_value(),
    ];
    (ty, proptest::collection::vec((proptest::sample::select(KEYS), plausible), 0..3)).prop_map(|(ty, pairs)| {
        let mut map: Map<String, Value> = pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        map.insert("type".into(), ty);
        Value::Object(map)
    })
}

/// Where clauses that are mostly plausible: columns with values or operator objects, and
/// nested `$and` / `$or` groups.
fn where_clause() -> impl Strategy<Value = Value> {
    const OPS: &[&str] = &["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$like", "$isNull", "$bogus"];
    let scalar = prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::from), (-5i64..5).prop_map(Value::from), word().prop_map(Value::from)];
    let operand = prop_oneof![
        3 => scalar.clone(),
        2 => proptest::collection::vec(scalar.clone(), 0..40).prop_map(Value::Array),
        1 => json_value(),
    ];
    let ops = proptest::collection::vec((proptest::sample::select(OPS), operand), 1..3)
        .prop_map(|pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()));
    let term = prop_oneof![scalar, ops];
    let flat = proptest::collection::vec((proptest::sample::select(&["a", "b", "c", "rowid"][..]), term), 0..4)
        .prop_map(|pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()));
    flat.prop_recursive(5, 40, 4, |inner| {
        (proptest::sample::select(&["$and", "$or"][..]), proptest::collection::vec(inner.clone(), 0..4), inner).prop_map(
            |(group, parts, mut rest)| {
                if let Value::Object(map) = &mut rest {
                    map.insert(group.to_string(), Value::Array(parts));
                }
                rest
            },
        )
    })
}

/// One `?` per parameter, and every parameter is a value JavaScript binds as is: null, a string,
/// or a number that converts to a JavaScript number exactly (the wasm boundary refuses others).
fn consistent(sql: &str, params: &[Value]) -> std::result::Result<(), TestCaseError> {
    let marks = tokenize(sql).iter().filter(|t| t.kind == TokenKind::Parameter).count();
    prop_assert_eq!(marks, params.len(), "{}", sql);
    for p in params {
        let safe = match p {
            Value::Null | Value::String(_) => true,
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => i.unsigned_abs() <= dorm_core::orm::parse::MAX_SAFE,
                (_, Some(u)) => u <= dorm_core::orm::parse::MAX_SAFE,
                _ => true,
            },
            _ => false,
        };
        prop_assert!(safe, "parameter {p} of {sql}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sql_text_never_panics(sql in ".{0,80}", more in "[a-zA-Z ;'\"()?,*=_-]{0,80}") {
        let _ = analyze(&sql);
        let _ = analyze(&more);
        let _ = prepare_schema(&[sql, more], &[]);
    }

    #[test]
    fn schemas_never_panic(schema in json_value(), table in word(), props in proptest::collection::vec((word(), property()), 1..5),
                           required in proptest::collection::vec(any::<proptest::sample::Index>(), 0..3),
                           key in prop_oneof![3 => Just(Value::Null), 1 => json_value()]) {
        // Mostly well-formed schemas, so the checks past the first ones are reached too.
        let props: Map<String, Value> = props.into_iter().collect();
        let names: Vec<&String> = props.keys().collect();
        let required: Vec<&String> = required.iter().map(|i| names[i.index(names.len())]).collect();
        let shaped = serde_json::json!({ "$id": table, "properties": props, "required": required, "x-dorm-primary-key": key });
        for s in [&schema, &shaped] {
            if let Ok(sql) = json_schema_to_sql(s) {
                prop_assert!(tokenize(&sql.create_table_statement).iter().all(|t| t.kind != TokenKind::Semicolon));
            }
            let _ = table_info(s);
        }
        let _ = prepare_schema(&[], &[schema, shaped]);
    }

    #[test]
    fn orm_requests_never_panic(table in word(), where_ in json_value(), options in json_value(), data in json_value(),
                                names in proptest::collection::vec(word(), 0..4), n in any::<u64>(), request in json_value()) {
        let compiled = [
            compile_select(&table, &where_, &options),
            compile_count(&table, &where_),
            compile_insert(&table, &data, true),
            compile_update(&table, &data, &where_, false),
            compile_remove(&table, &where_, &options),
            compile_upsert(&table, &data, &names, true),
        ];
        for c in compiled.into_iter().flatten() {
            consistent(&c.sql, &c.params)?;
        }
        if let Ok(p) = compile_paginate(&table, &where_, &options) {
            consistent(&p.sql, &p.params)?;
        }
        let _ = plan_insert_many(&table, &names, n, true);
        // The request objects as the wasm exports read them.
        let _ = from_value::<SelectRequest>(request.clone()).and_then(|r| r.compile());
        let _ = from_value::<RemoveRequest>(request.clone()).and_then(|r| r.compile());
        let _ = from_value::<InsertManyRequest>(request.clone()).and_then(|r| r.compile());
        let _ = from_value::<PaginateRequest>(request).and_then(|r| r.compile());
    }

    #[test]
    fn where_clauses_never_panic(where_ in where_clause(), cursor in proptest::collection::vec(json_value(), 0..4)) {
        if let Ok(c) = compile_select("t", &where_, &Value::Null) {
            consistent(&c.sql, &c.params)?;
        }
        if let Ok(c) = compile_remove("t", &where_, &Value::Null) {
            consistent(&c.sql, &c.params)?;
        }
        let options = serde_json::json!({ "orderBy": ["a", { "column": "b", "direction": "desc" }], "key": "c", "cursor": cursor });
        if let Ok(p) = compile_paginate("t", &where_, &options) {
            consistent(&p.sql, &p.params)?;
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut deep = serde_json::json!({ "a": 1 });
    for _ in 0..10_000 {
        let mut group = Map::new();
        group.insert("$or".into(), Value::Array(vec![deep]));
        deep = Value::Object(group);
    }
    assert_eq!(compile_select("t", &deep, &Value::Null).unwrap_err().code, ErrorCode::InvalidArgument);
    // serde_json values drop recursively; leak this one rather than test serde_json's stack.
    std::mem::forget(deep);
}
