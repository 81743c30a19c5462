//! Runs every case of the shared fixtures (`fixtures/*.json`, also run by the JavaScript tests
//! through the wasm exports) and checks that every statement they expect parses with
//! sqlparser's SQLite dialect, as exactly one statement.

use dorm_core::orm::requests::*;
use dorm_core::{json_schema_to_sql, prepare_schema, table_info, DormError};
use serde::Serialize;
use serde_json::Value;
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;

const FILES: &[&str] = &["orm.json", "schema.json"];

fn load(file: &str) -> Vec<Value> {
    let path = format!("{}/../../fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn out<T: Serialize>(result: dorm_core::Result<T>) -> Result<Value, DormError> {
    result.map(|v| serde_json::to_value(v).expect("results serialize"))
}

/// Calls the core the way the wasm export named `name` does with `input` as its JSON argument.
fn call(name: &str, input: &Value) -> Result<Value, DormError> {
    let input = input.clone();
    match name {
        "compileSelect" => out(from_value::<SelectRequest>(input)?.compile()),
        "compileCount" => out(from_value::<CountRequest>(input)?.compile()),
        "compileInsert" => out(from_value::<InsertRequest>(input)?.compile()),
        "compileUpdate" => out(from_value::<UpdateRequest>(input)?.compile()),
        "compileRemove" => out(from_value::<RemoveRequest>(input)?.compile()),
        "compileUpsert" => out(from_value::<UpsertRequest>(input)?.compile()),
        "planInsertMany" => out(from_value::<InsertManyRequest>(input)?.compile()),
        "compilePaginate" => out(from_value::<PaginateRequest>(input)?.compile()),
        "jsonSchemaToSql" => out(json_schema_to_sql(&input)),
        "tableInfo" => out(table_info(&input)),
        // The only export with two arguments: prepareSchema(statements, JSON.stringify(schemas)).
        "prepareSchema" => {
            let statements: Vec<String> = from_value(input.get("statements").cloned().unwrap_or(Value::Null))?;
            let schemas: Vec<Value> = from_value(input.get("schemas").cloned().unwrap_or(Value::Null))?;
            out(prepare_schema(&statements, &schemas))
        }
        other => panic!("unknown fixture fn {other}"),
    }
}

/// The SQL statements inside an expected output.
fn statements(output: &Value, found: &mut Vec<String>) {
    for key in ["sql", "createTableStatement", "fullSql", "lastSql"] {
        if let Some(Value::String(sql)) = output.get(key) {
            found.push(sql.clone());
        }
    }
    for key in ["indexStatements", "statements"] {
        if let Some(Value::Array(list)) = output.get(key) {
            found.extend(list.iter().filter_map(|s| s.as_str().map(String::from)));
        }
    }
}

#[test]
fn every_fixture_case_holds() {
    let mut failures = Vec::new();
    let mut count = 0;
    for file in FILES {
        for case in load(file) {
            count += 1;
            let name = case["name"].as_str().unwrap_or("?");
            let fun = case["fn"].as_str().unwrap_or_else(|| panic!("{file}: case {name} has no fn"));
            let got = call(fun, &case["input"]);
            match (case.get("error"), case.get("output"), got) {
                (Some(code), None, Err(e)) => {
                    if code != e.code.as_str() {
                        failures.push(format!("{file} / {name}: expected {code}, got {e}"));
                    }
                    if let Some(part) = case.get("message").and_then(Value::as_str) {
                        if !e.message.contains(part) {
                            failures.push(format!("{file} / {name}: message {:?} lacks {part:?}", e.message));
                        }
                    }
                }
                (None, Some(expected), Ok(actual)) => {
                    if *expected != actual {
                        failures.push(format!(
                            "{file} / {name}:\n  expected {}\n  actual   {}",
                            serde_json::to_string(expected).unwrap_or_default(),
                            serde_json::to_string(&actual).unwrap_or_default()
                        ));
                    }
                }
                (Some(code), None, Ok(actual)) => failures.push(format!("{file} / {name}: expected {code}, got {actual}")),
                (None, Some(_), Err(e)) => failures.push(format!("{file} / {name}: failed: {e}")),
                _ => failures.push(format!("{file} / {name}: a case has either \"output\" or \"error\"")),
            }
        }
    }
    assert!(count > 50, "the fixtures hold only {count} cases");
    assert!(failures.is_empty(), "{} of {count} fixture cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_expected_statement_parses_with_sqlparser() {
    let mut failures = Vec::new();
    for file in FILES {
        for case in load(file) {
            let mut sqls = Vec::new();
            statements(&case["output"], &mut sqls);
            for sql in sqls {
                match Parser::parse_sql(&SQLiteDialect {}, &sql) {
                    Ok(parsed) if parsed.len() == 1 => {}
                    Ok(parsed) => failures.push(format!("{}: {} statements: {sql}", case["name"], parsed.len())),
                    Err(e) => failures.push(format!("{}: {e}: {sql}", case["name"])),
                }
            }
        }
    }
    assert!(failures.is_empty(), "statements sqlparser does not parse:\n{}", failures.join("\n"));
}
