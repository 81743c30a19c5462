//! Properties of mirror rewriting: every entry point is total (no input makes it panic), and
//! rewritten DDL keeps every column, widens every key and reads back as DDL.

use super::apply::{apply_sql, ensure_table, normalize, CurrentTable, MirrorSchema, SchemaObject};
use super::capture::{capture, ExistingTrigger, SourceColumn, SourceTable};
use super::ddl::{mirror_create_table, mirror_index, mirror_statement, parse_create_table};
use super::Shape;
use proptest::prelude::*;

/// Fragments that steer random text into the parser's paths.
const FRAGMENTS: &[&str] = &[
    "CREATE", "TABLE", "INDEX", "UNIQUE", "TRIGGER", "IF", "NOT", "EXISTS", "t", "\"a\"\"b\"", "[c d]", "'s'", "(", ")", ",",
    "PRIMARY", "KEY", "REFERENCES", "ON", "DELETE", "SET", "NULL", "DEFAULT", "-", "1", "CHECK", "COLLATE", "NOCASE",
    "GENERATED", "ALWAYS", "AS", "STORED", "CONSTRAINT", "FOREIGN", "WITHOUT", "ROWID", "STRICT", "WHEN", "BEGIN", "END", ";",
    "SELECT", "AUTOINCREMENT", "CONFLICT", "REPLACE", "é", ".", "x'00'", "--c\n", "/*", "DEFERRABLE", "INITIALLY", "MATCH",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|parts| parts.join(" "))
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z][a-z0-9_]{0,6}", "[a-zA-Z \"'é]{1,6}"]
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A column definition with random constraints, and whether it is the (column) primary key.
fn column_def(name: String, pk: bool) -> impl Strategy<Value = String> {
    let constraints = prop::collection::vec(
        prop::sample::select(vec![
            "NOT NULL",
            "UNIQUE",
            "CHECK (length(x) > 0 OR x IS NULL)",
            "DEFAULT 0",
            "DEFAULT -1.5",
            "DEFAULT NULL",
            "DEFAULT 'a,b'",
            "DEFAULT (random())",
            "DEFAULT CURRENT_TIMESTAMP",
            "COLLATE NOCASE",
            "REFERENCES other (id) ON DELETE CASCADE ON UPDATE SET NULL",
            "CONSTRAINT named NOT NULL",
        ]),
        0..4,
    );
    let kind = prop::sample::select(vec!["", "INTEGER", "TEXT", "REAL", "BLOB", "VARCHAR(10)", "NUMERIC(5, 2)"]);
    (kind, constraints).prop_map(move |(kind, constraints)| {
        let mut def = format!("{} {kind}", quoted(&name));
        if pk {
            def.push_str(" PRIMARY KEY");
        }
        for c in constraints {
            def.push(' ');
            def.push_str(&c.replace("length(x)", &format!("length({})", quoted(&name))));
        }
        def
    })
}

/// A valid CREATE TABLE: distinct column names, a key of one of three kinds.
fn create_table() -> impl Strategy<Value = (String, Vec<String>, Vec<String>)> {
    (prop::collection::hash_set("[a-z][a-z0-9]{0,5}", 1..8), 0..3u8).prop_flat_map(|(names, key_kind)| {
        let names: Vec<String> = names.into_iter().filter(|n| n != "src").collect::<Vec<_>>();
        let names = if names.is_empty() { vec!["only".to_string()] } else { names };
        let defs: Vec<_> = names.iter().enumerate().map(|(i, n)| column_def(n.clone(), key_kind == 1 && i == 0)).collect();
        (Just(names), defs, Just(key_kind))
    })
    .prop_map(|(names, defs, key_kind)| {
        let mut items = defs;
        let key = match key_kind {
            1 => vec![names[0].clone()],
            2 => {
                let key: Vec<String> = names.iter().take(2).cloned().collect();
                items.push(format!("PRIMARY KEY ({})", key.iter().map(|k| quoted(k)).collect::<Vec<_>>().join(", ")));
                key
            }
            _ => vec![],
        };
        items.push("CHECK (1)".to_string());
        (format!("CREATE TABLE t ({})", items.join(", ")), names, key)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn rewriting_is_total(sql in prop_oneof![soup(), any::<String>()], src in name(), own in any::<String>()) {
        let _ = mirror_statement(&sql, &src, &own);
        let _ = mirror_create_table(&sql, "t", &src, &own);
        let _ = mirror_index(&sql, &src);
        let _ = parse_create_table(&sql);
    }

    #[test]
    fn capture_and_apply_are_total(
        table in name(),
        columns in prop::collection::vec((name(), 0..3u32, prop::sample::select(vec![0u32, 2, 3])), 0..6),
        sql in prop_oneof![soup(), any::<String>()],
        previous in prop::option::of(any::<String>()),
        snapshot in any::<bool>(),
    ) {
        let source = SourceTable {
            name: table.clone(),
            sql: sql.clone(),
            columns: columns.iter().map(|(n, pk, h)| SourceColumn::new(n, *pk, *h)).collect(),
            without_rowid: false,
            indexes: vec![sql.clone()],
        };
        let existing = [ExistingTrigger { name: "_dorm_mirror_i_x".into(), sql: sql.clone() }];
        if let Ok(c) = capture(&source, previous.as_deref().map(|p| (1, p)), &existing, 2, snapshot) {
            let shape: Shape = serde_json::from_str(&c.spec).unwrap();
            for column in &shape.columns {
                prop_assert!(c.statements.iter().all(|s| !s.starts_with("CREATE TRIGGER \"_dorm_mirror_i") || s.contains(&quoted(column))));
            }
            let sql = apply_sql(&shape, "src").unwrap();
            prop_assert!(sql.upsert.contains(&quoted(&table)));
            let _ = ensure_table(&shape, None, "src", "own");
        }
        let current = CurrentTable { name: table.clone(), sql: sql.clone(), columns: source.columns.clone() };
        let schema = MirrorSchema {
            tables: vec![current.clone()],
            indexes: vec![SchemaObject { name: "i".into(), table: table.clone(), sql: sql.clone() }],
            triggers: vec![SchemaObject { name: "tr".into(), table: table.clone(), sql }],
        };
        let _ = normalize(&schema, "src", "own");
    }

    #[test]
    fn rewritten_tables_keep_columns_and_widen_keys((sql, names, key) in create_table()) {
        let ddl = mirror_create_table(&sql, "t", "src", "agg").unwrap();
        let parsed = parse_create_table(&ddl.create).unwrap();
        let columns: Vec<&str> = parsed.columns.iter().map(|c| c.name.as_str()).collect();
        prop_assert_eq!(columns[0], "src");
        let offset = if key.is_empty() { 2 } else { 1 };
        let expected: Vec<&str> = names.iter().map(String::as_str).collect();
        prop_assert_eq!(&columns[offset..], expected.as_slice());
        let mut expected_key = vec!["src".to_string()];
        expected_key.extend(if key.is_empty() { vec!["_dorm_rowid".to_string()] } else { key.clone() });
        prop_assert_eq!(&parsed.key, &expected_key);
        prop_assert_eq!(&ddl.key, &key);
        prop_assert!(!ddl.create.contains("REFERENCES"));
        prop_assert!(!ddl.create.contains("AUTOINCREMENT"));
        let unique = parse_create_table(&sql).unwrap().columns.iter().filter(|c| c.unique).count();
        prop_assert_eq!(ddl.create.matches("UNIQUE (\"src\", ").count(), unique);
        for column in &ddl.columns {
            prop_assert!(column.add.starts_with("ALTER TABLE \"t\" ADD COLUMN"));
            prop_assert!(!column.add.contains("CURRENT_TIMESTAMP") && !column.add.contains("(random())"));
        }
    }
}
