//! Splits a SQL string into statements and classifies each: what it does, which tables it
//! touches, how many parameters it binds. The answer depends only on the SQL text, so callers
//! cache it by that text.

use crate::error::{DormError, ErrorCode, Result};
use crate::lexer::{tokenize, Token, TokenKind};
use crate::platform::{self, PragmaUse};
use serde::Serialize;
use sqlparser::ast::{ObjectName, ObjectNamePart, Query, Statement as Ast, Visit, Visitor};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;
use std::collections::HashMap;
use std::ops::ControlFlow;

/// What a statement does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StatementKind {
    /// Reads only: `SELECT`, `VALUES`, `EXPLAIN`, reading PRAGMAs.
    Read,
    /// Changes rows: `INSERT`, `UPDATE`, `DELETE`, `REPLACE` (also inside `WITH`).
    Write,
    /// Changes the schema: `CREATE`, `DROP`, `ALTER`.
    Schema,
    /// Anything else (`VACUUM`, setting PRAGMAs, SQL not recognised): treated as a write.
    Other,
}

/// One statement of a SQL string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementInfo {
    /// The statement's text, without the separating semicolon.
    pub sql: String,
    pub kind: StatementKind,
    /// How many values the statement binds (`?`, `?NNN`, `:name`, ...).
    pub params: usize,
    /// Tables the statement reads or writes, when sqlparser understood it.
    pub tables: Vec<String>,
    /// False when sqlparser could not parse the statement; it still runs, and SQLite decides.
    pub parsed: bool,
}

/// A whole SQL string, analysed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    pub statements: Vec<StatementInfo>,
    /// The sum of the statements' parameter counts.
    pub params: usize,
    /// True when every statement only reads.
    pub read_only: bool,
}

/// Analyses `sql`. Fails for empty SQL and for statements Durable Objects forbid.
///
/// ```
/// let a = dorm_core::analyze("INSERT INTO t VALUES (?); SELECT * FROM t WHERE id = ?").unwrap();
/// assert_eq!(a.statements.len(), 2);
/// assert_eq!(a.params, 2);
/// assert!(!a.read_only);
/// ```
pub fn analyze(sql: &str) -> Result<Analysis> {
    let tokens = tokenize(sql);
    let mut statements = Vec::new();
    for range in split(sql, &tokens) {
        let toks = &tokens[range];
        platform::check(sql, toks)?;
        let text = &sql[toks[0].start..toks[toks.len() - 1].end];
        let (tables, parsed) = tables_of(text);
        statements.push(StatementInfo {
            sql: text.to_string(),
            kind: kind_of(sql, toks)?,
            params: count_params(sql, toks),
            tables,
            parsed,
        });
    }
    if statements.is_empty() {
        return Err(DormError::new(ErrorCode::EmptySql, "the SQL string holds no statement"));
    }
    Ok(Analysis {
        params: statements.iter().map(|s| s.params).sum(),
        read_only: statements.iter().all(|s| s.kind == StatementKind::Read),
        statements,
    })
}

/// Token ranges of the statements, split at semicolons the way `sqlite3_complete` does:
/// inside `CREATE TRIGGER` only `; END ;` ends the statement.
fn split(sql: &str, tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut in_trigger = false;
    for (i, token) in tokens.iter().enumerate() {
        if i == start {
            in_trigger = starts_trigger(sql, &tokens[i..]);
        }
        if token.kind != TokenKind::Semicolon {
            continue;
        }
        let ends = !in_trigger
            || (i >= 2
                && tokens[i - 1].is_keyword(sql, "end")
                && tokens[i - 2].kind == TokenKind::Semicolon);
        if ends {
            if i > start {
                ranges.push(start..i);
            }
            start = i + 1;
        }
    }
    if start < tokens.len() {
        ranges.push(start..tokens.len());
    }
    ranges
}

fn starts_trigger(sql: &str, tokens: &[Token]) -> bool {
    let words: Vec<&Token> = tokens.iter().take(3).collect();
    match words.as_slice() {
        [c, t, ..] if c.is_keyword(sql, "create") && t.is_keyword(sql, "trigger") => true,
        [c, tmp, t] => {
            c.is_keyword(sql, "create")
                && (tmp.is_keyword(sql, "temp") || tmp.is_keyword(sql, "temporary"))
                && t.is_keyword(sql, "trigger")
        }
        _ => false,
    }
}

fn kind_of(sql: &str, tokens: &[Token]) -> Result<StatementKind> {
    let word = |t: &Token| t.text(sql).to_ascii_lowercase();
    let first = word(&tokens[0]);
    Ok(match first.as_str() {
        "select" | "values" | "explain" => StatementKind::Read,
        "insert" | "update" | "delete" | "replace" => StatementKind::Write,
        "create" | "drop" | "alter" => StatementKind::Schema,
        "pragma" => match platform::pragma_use(sql, tokens)? {
            PragmaUse::Read => StatementKind::Read,
            PragmaUse::Setting => StatementKind::Other,
        },
        "with" => {
            // The main verb is the first of these at parenthesis depth 0 after the CTEs.
            let mut depth = 0i32;
            let mut kind = StatementKind::Other;
            for t in &tokens[1..] {
                match t.kind {
                    TokenKind::OpenParen => depth += 1,
                    TokenKind::CloseParen => depth -= 1,
                    TokenKind::Word if depth == 0 => match word(t).as_str() {
                        "select" | "values" => {
                            kind = StatementKind::Read;
                            break;
                        }
                        "insert" | "update" | "delete" | "replace" => {
                            kind = StatementKind::Write;
                            break;
                        }
                        _ => {}
                    },
                    _ => {}
                }
            }
            kind
        }
        _ => StatementKind::Other,
    })
}

/// The number of values a statement binds, by SQLite's rules: `?` takes the next index,
/// `?NNN` index NNN, a named parameter its first index.
fn count_params(sql: &str, tokens: &[Token]) -> usize {
    let mut max = 0usize;
    let mut named: HashMap<&str, usize> = HashMap::new();
    for t in tokens.iter().filter(|t| t.kind == TokenKind::Parameter) {
        let text = t.text(sql);
        let index = if text == "?" {
            max + 1
        } else if let Some(digits) = text.strip_prefix('?') {
            digits.parse::<usize>().unwrap_or(usize::MAX).min(250_000)
        } else {
            *named.entry(text).or_insert(max + 1)
        };
        max = max.max(index);
    }
    max
}

/// Tables a statement touches, according to sqlparser. `(vec![], false)` when it cannot parse.
fn tables_of(statement: &str) -> (Vec<String>, bool) {
    let parsed = Parser::new(&SQLiteDialect {})
        .with_recursion_limit(40)
        .try_with_sql(statement)
        .and_then(|mut p| p.parse_statements());
    let Ok(asts) = parsed else { return (Vec::new(), false) };
    let mut found = TableNames::default();
    let _ = asts.visit(&mut found);
    let mut tables: Vec<String> = Vec::new();
    for name in found.names {
        let is_cte = found.ctes.iter().any(|c| c.eq_ignore_ascii_case(&name));
        let is_function = name.starts_with("pragma_") || name == "json_each" || name == "json_tree";
        if !is_cte && !is_function && !tables.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
            tables.push(name);
        }
    }
    (tables, true)
}

#[derive(Default)]
struct TableNames {
    names: Vec<String>,
    ctes: Vec<String>,
}

fn last_part(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(ident) => Some(ident.value.clone()),
        _ => None,
    }
}

impl Visitor for TableNames {
    type Break = ();

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        self.names.extend(last_part(relation));
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            self.ctes.extend(with.cte_tables.iter().map(|c| c.alias.name.value.clone()));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_statement(&mut self, statement: &Ast) -> ControlFlow<()> {
        if let Ast::Drop { names, .. } = statement {
            self.names.extend(names.iter().filter_map(last_part));
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<StatementKind> {
        analyze(sql).unwrap().statements.iter().map(|s| s.kind).collect()
    }

    fn code(sql: &str) -> ErrorCode {
        analyze(sql).unwrap_err().code
    }

    #[test]
    fn classifies_each_statement() {
        use StatementKind::*;
        assert_eq!(kinds("SELECT 1; insert into t values (1); CREATE TABLE x (a); VACUUM"), [Read, Write, Schema, Other]);
        assert_eq!(kinds("WITH a AS (SELECT 1) DELETE FROM t WHERE id IN a"), [Write]);
        assert_eq!(kinds("WITH RECURSIVE c(x) AS (VALUES(1) UNION ALL SELECT x+1 FROM c) SELECT x FROM c"), [Read]);
        assert_eq!(kinds("PRAGMA table_info(users); PRAGMA foreign_keys; PRAGMA foreign_keys = ON"), [Read, Read, Other]);
        assert_eq!(kinds("SELECT * FROM \"main\".pragma_table_info('t');"), [Read]);
    }

    #[test]
    fn trigger_bodies_stay_whole() {
        let a = analyze(
            "CREATE TRIGGER IF NOT EXISTS tr AFTER INSERT ON t BEGIN UPDATE t SET n = CASE WHEN 1 THEN 2 END; DELETE FROM u; END; SELECT 1",
        )
        .unwrap();
        assert_eq!(a.statements.len(), 2);
        assert!(a.statements[0].sql.ends_with("END"));
        assert_eq!(a.statements[0].kind, StatementKind::Schema);
    }

    #[test]
    fn refuses_what_durable_objects_forbid() {
        assert_eq!(code("BEGIN; SELECT 1; COMMIT"), ErrorCode::TransactionControl);
        assert_eq!(code("savepoint a"), ErrorCode::TransactionControl);
        assert_eq!(code("ATTACH 'x.db' AS x"), ErrorCode::ForbiddenStatement);
        assert_eq!(code("PRAGMA journal_mode = WAL"), ErrorCode::ForbiddenStatement);
        assert_eq!(code("PRAGMA main.user_version"), ErrorCode::ForbiddenStatement);
        assert_eq!(code("SELECT * FROM _cf_KV"), ErrorCode::ForbiddenStatement);
        assert_eq!(code("SELECT * FROM \"_CF_kv\""), ErrorCode::ForbiddenStatement);
        assert_eq!(code("CREATE TEMP TABLE t (a)"), ErrorCode::ForbiddenStatement);
        assert_eq!(code("  -- nothing\n ; ;"), ErrorCode::EmptySql);
        // A string that merely mentions a reserved name is data, not a name.
        assert!(analyze("SELECT '_cf_KV', 'BEGIN'").is_ok());
    }

    #[test]
    fn counts_parameters_like_sqlite() {
        let params = |sql: &str| analyze(sql).unwrap().params;
        assert_eq!(params("SELECT ?, ?, '?'"), 2);
        assert_eq!(params("SELECT ?3, ?"), 4);
        assert_eq!(params("SELECT :a, :b, :a"), 2);
        assert_eq!(params("SELECT 1; SELECT ?; SELECT ?, ?"), 3);
    }

    #[test]
    fn finds_tables_and_falls_back_when_sqlparser_cannot_parse() {
        let a = analyze("WITH x AS (SELECT * FROM a) SELECT * FROM x JOIN b ON 1; DROP TABLE c").unwrap();
        assert_eq!(a.statements[0].tables, ["a", "b"]);
        assert_eq!(a.statements[1].tables, ["c"]);
        // Valid SQLite that sqlparser 0.64 does not parse still runs.
        let a = analyze("PRAGMA table_info(users)").unwrap();
        assert!(!a.statements[0].parsed);
        assert_eq!(a.statements[0].kind, StatementKind::Read);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// SQL-shaped soup: keywords, names, every quoting and comment form, parameters, trigger
    /// bodies, deep parentheses and non-ASCII text, in any order.
    fn soup() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("SELECT"), Just("INSERT INTO t VALUES"), Just("CREATE TRIGGER x AFTER INSERT ON t BEGIN"),
            Just("CREATE TEMP"), Just("END"), Just("BEGIN"), Just("WITH a AS"), Just("PRAGMA"), Just("table_info"),
            Just(";"), Just("("), Just(")"), Just("'"), Just("''"), Just("\""), Just("["), Just("]"), Just("`"),
            Just("--"), Just("\n"), Just("/*"), Just("*/"), Just("?"), Just("?7"), Just("?99999999999999999999"),
            Just(":a"), Just("@b"), Just("$c"), Just("x'"), Just("_cf_"), Just("é"), Just("𝄞"), Just("1.5e"),
            Just("."), Just("*"), Just(","), Just("="), Just(" "),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn analysis_is_total_and_consistent(sql in soup()) {
            match analyze(&sql) {
                Ok(a) => {
                    prop_assert!(!a.statements.is_empty());
                    prop_assert_eq!(a.params, a.statements.iter().map(|s| s.params).sum::<usize>());
                    prop_assert_eq!(a.read_only, a.statements.iter().all(|s| s.kind == StatementKind::Read));
                    for s in &a.statements {
                        prop_assert!(sql.contains(&s.sql), "statement text is a slice of the input");
                        prop_assert!(!s.sql.is_empty());
                    }
                }
                Err(e) => prop_assert!(!e.message.is_empty() && e.status == 400),
            }
        }

        #[test]
        fn deep_nesting_never_overflows(depth in 0usize..3000) {
            let sql = format!("SELECT {}1{}", "(".repeat(depth), ")".repeat(depth));
            let a = analyze(&sql).unwrap();
            prop_assert_eq!(a.statements[0].kind, StatementKind::Read);
        }
    }
}
