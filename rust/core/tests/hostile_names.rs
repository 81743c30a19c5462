//! A name can never break out of its quoting: whatever table, column or index names and values
//! a request holds, the SQL produced is one statement whose names are exactly the intended
//! ones, whose values are all bound (ORM) or written as literals that read back unchanged
//! (DDL defaults), and whose other words are the compiler's own keywords.

use dorm_core::lexer::{tokenize, TokenKind};
use dorm_core::{
    compile_count, compile_insert, compile_paginate, compile_remove, compile_select, compile_update, compile_upsert,
    json_schema_to_sql, plan_insert_many, ErrorCode,
};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Every bare word the compilers write.
const KEYWORDS: &[&str] = &[
    "SELECT", "FROM", "WHERE", "ORDER", "BY", "ASC", "DESC", "LIMIT", "OFFSET", "IS", "NOT", "NULL", "AND", "OR", "IN",
    "LIKE", "COUNT", "AS", "INSERT", "INTO", "VALUES", "RETURNING", "UPDATE", "SET", "DELETE", "ON", "CONFLICT", "DO",
    "NOTHING", "excluded", "value", "json_each", "CREATE", "TABLE", "INDEX", "IF", "EXISTS", "PRIMARY", "KEY",
    "AUTOINCREMENT", "UNIQUE", "DEFAULT", "CHECK", "FOREIGN", "REFERENCES", "CASCADE", "INTEGER", "REAL", "TEXT",
    "BOOLEAN", "TIMESTAMP", "STRICT", "length",
];

/// Names built from the characters that matter to SQL quoting, plus reserved prefixes.
fn name() -> impl Strategy<Value = String> {
    let body = "[\"'`;\\-/*\\[\\]() a-c_\n\té名😀.,=?$:@]{0,10}";
    prop_oneof![
        12 => body.prop_map(|s| s),
        1 => body.prop_map(|s| format!("{s}\0")),
        1 => body.prop_map(|s| format!("sqlite_{s}")),
        1 => body.prop_map(|s| format!("_Cf_{s}")),
        1 => Just("x".repeat(256)),
    ]
}

/// Scalar values, including strings that look like SQL.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "[\"';\\-a-c \0é]{0,12}".prop_map(Value::String),
        Just(json!({ "$x": "'; DROP TABLE t; --" })),
        Just(json!(["a\"b", 1])),
    ]
}

/// Checks `sql`: one statement, quoted names all in `names`, every name in `names` that must
/// appear does, no string literals unless `literals` allows them, one `?` per parameter.
fn check(sql: &str, names: &[&str], params: usize, literals: &[String]) -> Result<(), TestCaseError> {
    let tokens = tokenize(sql);
    let mut quoted = Vec::new();
    let mut marks = 0;
    let mut strings = Vec::new();
    for t in &tokens {
        let text = t.text(sql);
        match t.kind {
            TokenKind::Semicolon => prop_assert!(false, "a semicolon outside quotes: {sql}"),
            TokenKind::QuotedName => {
                prop_assert!(text.starts_with('"'), "a name not in double quotes: {text}");
                quoted.push(t.name(sql).unwrap_or_default());
            }
            TokenKind::Word => prop_assert!(KEYWORDS.contains(&text), "a bare word {text:?} in {sql}"),
            TokenKind::Parameter => {
                prop_assert_eq!(text, "?");
                marks += 1;
            }
            TokenKind::String => strings.push(text.get(1..text.len() - 1).unwrap_or_default().replace("''", "'")),
            TokenKind::Literal | TokenKind::Symbol | TokenKind::OpenParen | TokenKind::CloseParen => {}
        }
    }
    for q in &quoted {
        prop_assert!(names.contains(&q.as_str()) || q == "count" || q == "_dorm_rowid", "unexpected name {q:?} in {sql}");
    }
    prop_assert_eq!(marks, params, "placeholders vs parameters in {}", sql);
    for s in &strings {
        prop_assert!(literals.contains(s), "unexpected literal {s:?} in {sql}");
    }
    Ok(())
}

fn name_error(code: ErrorCode) -> Result<(), TestCaseError> {
    prop_assert!(matches!(code, ErrorCode::InvalidIdentifier | ErrorCode::InvalidArgument), "{code:?}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn orm_names_stay_quoted(table in name(), a in name(), b in name(), v in scalar(), w in scalar()) {
        let names = [table.as_str(), a.as_str(), b.as_str()];
        let data = json!({ a.clone(): v.clone(), b.clone(): w.clone() });
        let filter = json!({ a.clone(): { "$in": [v.clone(), w.clone()] }, "$or": [{ b.clone(): w.clone() }, { a.clone(): { "$ne": v.clone() } }] });
        let options = json!({ "orderBy": [a.clone(), { "column": b.clone(), "direction": "DESC" }], "limit": 5, "offset": 1, "columns": [a.clone()] });
        let results = [
            compile_select(&table, &filter, &options),
            compile_count(&table, &filter),
            compile_insert(&table, &data, true),
            compile_update(&table, &data, &filter, true),
            compile_remove(&table, &filter, &Value::Null),
            compile_upsert(&table, &data, std::slice::from_ref(&a), true),
        ];
        for result in results {
            match result {
                Ok(c) => check(&c.sql, &names, c.params.len(), &[])?,
                Err(e) => name_error(e.code)?,
            }
        }
        match compile_paginate(&table, &filter, &json!({ "orderBy": a.clone(), "key": [b.clone()], "cursor": [v, w] })) {
            Ok(p) => check(&p.sql, &names, p.params.len(), &[])?,
            Err(e) => name_error(e.code)?,
        }
        match plan_insert_many(&table, &[a.clone(), b.clone()], 7, true) {
            Ok(plan) => {
                for sql in plan.full_sql.iter().chain(&plan.last_sql) {
                    let rows = if Some(sql) == plan.full_sql.as_ref() { plan.rows_per_statement } else { plan.last_rows };
                    check(sql, &names, 2 * rows as usize, &[])?;
                }
            }
            Err(e) => name_error(e.code)?,
        }
    }

    #[test]
    fn ddl_names_stay_quoted_and_defaults_read_back(table in name(), column in name(), index in name(),
                                                     parent in name(), key in name(), default in "[\"';\\-a-c \né😀]{0,12}") {
        let schema = json!({
            "$id": table.clone(),
            "properties": {
                column.clone(): {
                    "type": "string", "x-dorm-index": index.clone(), "x-dorm-default": default.clone(),
                    "enum": [default.clone(), "x'y"], "maxLength": 50,
                    "x-dorm-references": { "table": parent.clone(), "column": key.clone(), "onDelete": "cascade" }
                }
            },
            "required": [column.clone()]
        });
        match json_schema_to_sql(&schema) {
            Ok(sql) => {
                let names = [table.as_str(), column.as_str(), index.as_str(), parent.as_str(), key.as_str()];
                let literals = [default.clone(), "x'y".to_string()];
                check(&sql.create_table_statement, &names, 0, &literals)?;
                for statement in &sql.index_statements {
                    check(statement, &names, 0, &[])?;
                }
            }
            Err(e) => prop_assert!(matches!(e.code, ErrorCode::InvalidIdentifier | ErrorCode::InvalidSchema), "{e}"),
        }
    }
}

#[test]
fn the_names_that_must_fail_do() {
    for bad in ["", "a\0b", "sqlite_x", "SQLite_x", "_cf_x", "_CF_x"] {
        assert_eq!(compile_select(bad, &Value::Null, &Value::Null).unwrap_err().code, ErrorCode::InvalidIdentifier, "{bad:?}");
    }
    assert!(compile_select(&"é".repeat(128), &Value::Null, &Value::Null).is_err());
    assert!(compile_select(&"é".repeat(127), &Value::Null, &Value::Null).is_ok());
}
