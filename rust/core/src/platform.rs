//! What SQLite in a Durable Object refuses, checked before SQLite sees a statement so that the
//! caller gets a message saying what to do instead (workerd `src/workerd/util/sqlite.c++`).

use crate::error::{DormError, ErrorCode, Result};
use crate::lexer::{Token, TokenKind};

/// PRAGMAs that only read; always allowed.
const READ_PRAGMAS: &[&str] = &[
    "table_list",
    "table_info",
    "table_xinfo",
    "data_version",
    "foreign_key_check",
    "foreign_key_list",
    "index_info",
    "index_list",
    "index_xinfo",
    "quick_check",
];

/// PRAGMAs that read without an argument and change connection settings with one.
const SETTING_PRAGMAS: &[&str] = &[
    "page_size",
    "foreign_keys",
    "defer_foreign_keys",
    "case_sensitive_like",
    "ignore_check_constraints",
    "legacy_alter_table",
    "recursive_triggers",
    "reverse_unordered_selects",
    "optimize",
];

const TRANSACTION_WORDS: &[&str] = &["begin", "commit", "end", "rollback", "savepoint", "release"];

/// How an allowed PRAGMA behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PragmaUse {
    Read,
    Setting,
}

/// Checks the statement's tokens (`tokens[0]` is its first word) against the platform's rules.
pub fn check(sql: &str, tokens: &[Token]) -> Result<()> {
    for token in tokens {
        if let Some(name) = token.name(sql) {
            if name.as_bytes().get(..4).is_some_and(|p| p.eq_ignore_ascii_case(b"_cf_")) {
                return Err(DormError::new(
                    ErrorCode::ForbiddenStatement,
                    format!("the name \"{name}\" starts with _cf_, which Cloudflare reserves; choose another name"),
                ));
            }
        }
    }
    let Some(first) = tokens.first() else { return Ok(()) };
    let word = first.text(sql).to_ascii_lowercase();
    if first.kind == TokenKind::Word && TRANSACTION_WORDS.contains(&word.as_str()) {
        return Err(DormError::new(
            ErrorCode::TransactionControl,
            format!(
                "{} is not allowed: Durable Objects manage transactions themselves. To run statements \
                 atomically, send them in one query with {{ isTransaction: true }} or use batch()",
                word.to_ascii_uppercase()
            ),
        ));
    }
    if word == "attach" || word == "detach" {
        return Err(DormError::new(
            ErrorCode::ForbiddenStatement,
            format!(
                "{} is not available in Durable Objects: each database is its own object; open the other one with its own client",
                word.to_ascii_uppercase()
            ),
        ));
    }
    if word == "create"
        && tokens.get(1).is_some_and(|t| t.is_keyword(sql, "temp") || t.is_keyword(sql, "temporary"))
    {
        return Err(DormError::new(
            ErrorCode::ForbiddenStatement,
            "TEMP tables, views, triggers and indexes are not available in Durable Objects; create a regular one",
        ));
    }
    if word == "pragma" {
        pragma_use(sql, tokens)?;
    }
    Ok(())
}

/// The allowed use of a `PRAGMA` statement, or the error naming what is allowed.
pub fn pragma_use(sql: &str, tokens: &[Token]) -> Result<PragmaUse> {
    // PRAGMA [schema.]name [= value | (value)]
    let mut rest = &tokens[1.min(tokens.len())..];
    if rest.get(1).is_some_and(|t| t.text(sql) == ".") {
        rest = &rest[2.min(rest.len())..];
    }
    let name = rest.first().and_then(|t| t.name(sql)).unwrap_or_default().to_ascii_lowercase();
    let has_argument = rest.len() > 1;
    if READ_PRAGMAS.contains(&name.as_str()) {
        return Ok(PragmaUse::Read);
    }
    if SETTING_PRAGMAS.contains(&name.as_str()) {
        return Ok(if has_argument || name == "optimize" { PragmaUse::Setting } else { PragmaUse::Read });
    }
    let mut allowed: Vec<&str> = READ_PRAGMAS.iter().chain(SETTING_PRAGMAS).copied().collect();
    allowed.sort_unstable();
    Err(DormError::new(
        ErrorCode::ForbiddenStatement,
        format!("PRAGMA {name} is not allowed in Durable Objects; allowed are: {}", allowed.join(", ")),
    ))
}
