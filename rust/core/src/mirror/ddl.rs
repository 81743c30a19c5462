//! DDL for mirrors, rewritten at the token level so that everything the source wrote (types,
//! `CHECK`, `DEFAULT`, `COLLATE`, generated columns, `STRICT`, `WITHOUT ROWID`) stays as written:
//!
//! - `CREATE TABLE`: a source column comes first; the primary key becomes (source, key) — for a
//!   table without one, (source, rowid) through an added rowid column — and every UNIQUE
//!   constraint becomes (source, columns); foreign keys are dropped (the mirror receives the
//!   effects of cascades as rows of their own); `AUTOINCREMENT` goes with the key.
//! - `CREATE UNIQUE INDEX`: the source column is put first, so uniqueness holds per source.
//! - `CREATE TRIGGER`: a mirror keeps none of its users' triggers. Their effects arrive from the
//!   sources as rows; running them again would duplicate them, and a trigger written for the
//!   source's columns may not even compile against a mirror table's.

use super::{text_literal, ROWID_COLUMN};
use crate::error::{DormError, ErrorCode, Result};
use crate::ident::{quote_unchecked as q, same_name, shown};
use crate::lexer::{tokenize, Token, TokenKind};
use serde::Serialize;

/// A source table's `CREATE TABLE` as a mirror's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MirrorDdl {
    /// `CREATE TABLE IF NOT EXISTS` for the mirror.
    pub create: String,
    /// Every column, and how to add it to an existing mirror table.
    pub columns: Vec<AddColumn>,
    /// The primary key columns as declared; empty when the rowid identifies rows.
    pub key: Vec<String>,
    /// True when the mirror table holds the source's rowid in [`ROWID_COLUMN`].
    pub rowid: bool,
}

/// One column and the statements that add it to an existing mirror table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AddColumn {
    pub name: String,
    /// `ALTER TABLE ... ADD COLUMN ...`, relaxed where `ADD COLUMN` is stricter than `CREATE
    /// TABLE` (a non-constant default or a NOT NULL without default is left out; STORED
    /// generated columns become VIRTUAL).
    pub add: String,
    /// For a column declared UNIQUE: the index that keeps it unique per source.
    pub unique_index: Option<String>,
}

/// Rewrites the source's `CREATE TABLE` text for a mirror table named `table`, with
/// `source_column` first (default value `own_name`: rows written in the mirror itself).
///
/// ```
/// use dorm_core::mirror::mirror_create_table;
/// let ddl = mirror_create_table(
///     "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, org INTEGER REFERENCES orgs(id) ON DELETE CASCADE)",
///     "users", "_dorm_source", "aggregate",
/// ).unwrap();
/// assert_eq!(ddl.create, "CREATE TABLE IF NOT EXISTS \"users\" (\"_dorm_source\" TEXT NOT NULL DEFAULT 'aggregate', \
///     id INTEGER, email TEXT NOT NULL, org INTEGER, PRIMARY KEY (\"_dorm_source\", \"id\"), UNIQUE (\"_dorm_source\", \"email\"))");
/// assert_eq!(ddl.key, ["id"]);
/// ```
pub fn mirror_create_table(sql: &str, table: &str, source_column: &str, own_name: &str) -> Result<MirrorDdl> {
    let parsed = parse_create_table(sql)?;
    for column in &parsed.columns {
        let clash = same_name(&column.name, source_column) || (parsed.key.is_empty() && same_name(&column.name, ROWID_COLUMN));
        if clash {
            return Err(DormError::new(
                ErrorCode::InvalidSchema,
                format!(
                    "table {} has a column named {}, which its mirror needs for itself; rename the column, or configure another sourceColumn",
                    shown(table),
                    shown(&column.name)
                ),
            ));
        }
    }
    let rowid = parsed.key.is_empty();
    if rowid && parsed.without_rowid {
        return Err(invalid(format!("the WITHOUT ROWID table {} declares no primary key", shown(table))));
    }
    let extra = if rowid { 2 } else { 1 };
    if parsed.columns.len() + extra > super::MAX_COLUMNS {
        return Err(invalid(format!(
            "table {} has {} columns; its mirror needs {extra} more, and Durable Objects allow {} per table",
            shown(table),
            parsed.columns.len(),
            super::MAX_COLUMNS
        )));
    }
    let src = q(source_column);
    let mut parts = vec![format!("{src} TEXT NOT NULL DEFAULT {}", text_literal(own_name))];
    if rowid {
        parts.push(format!("{} INTEGER", q(ROWID_COLUMN)));
    }
    parts.extend(parsed.columns.iter().map(|c| c.text()));
    for constraint in &parsed.constraints {
        match constraint {
            TableConstraint::Keep(text) => parts.push(text.clone()),
            TableConstraint::Widen { head, rest } => parts.push(format!("{head}{src}, {rest}")),
        }
    }
    if !parsed.table_key {
        let key: Vec<String> = if rowid { vec![q(ROWID_COLUMN)] } else { parsed.key.iter().map(|k| q(k)).collect() };
        parts.push(format!("PRIMARY KEY ({src}, {})", key.join(", ")));
    }
    for column in parsed.columns.iter().filter(|c| c.unique) {
        parts.push(format!("UNIQUE ({src}, {})", q(&column.name)));
    }
    let options = if parsed.options.is_empty() { String::new() } else { format!(" {}", parsed.options) };
    let create = format!("CREATE TABLE IF NOT EXISTS {} ({}){options}", q(table), parts.join(", "));
    let columns = parsed
        .columns
        .iter()
        .map(|c| AddColumn {
            name: c.name.clone(),
            add: format!("ALTER TABLE {} ADD COLUMN {}", q(table), c.add_text()),
            unique_index: c.unique.then(|| {
                format!(
                    "CREATE UNIQUE INDEX IF NOT EXISTS {} ON {} ({src}, {})",
                    q(&format!("_dorm_unique_{table}_{}", c.name)),
                    q(table),
                    q(&c.name)
                )
            }),
        })
        .collect();
    Ok(MirrorDdl { create, columns, key: parsed.key, rowid })
}

/// `CREATE [UNIQUE] INDEX` for a mirror: `IF NOT EXISTS`, and a unique index widened with the
/// source column. `None` when `sql` is not a `CREATE INDEX` this can rewrite.
///
/// ```
/// use dorm_core::mirror::mirror_index;
/// assert_eq!(
///     mirror_index("CREATE UNIQUE INDEX by_email ON users (lower(email)) WHERE email IS NOT NULL", "_dorm_source").unwrap(),
///     "CREATE UNIQUE INDEX IF NOT EXISTS by_email ON users (\"_dorm_source\", lower(email)) WHERE email IS NOT NULL"
/// );
/// ```
pub fn mirror_index(sql: &str, source_column: &str) -> Option<String> {
    rewrite_index(sql, source_column).map(|(sql, _)| sql)
}

/// [`mirror_index`], and whether the rewrite widened the index (changed its columns).
pub(crate) fn rewrite_index(sql: &str, source_column: &str) -> Option<(String, bool)> {
    let tokens = tokenize(sql);
    let mut c = Cursor::new(sql, &tokens);
    if !c.eat("create") {
        return None;
    }
    let unique = c.eat("unique");
    if !c.eat("index") {
        return None;
    }
    let after_index = c.byte_end_of_previous();
    let has_if = c.at("if");
    let on = (c.pos..tokens.len()).find(|&i| tokens[i].is_keyword(sql, "on"))?;
    let open = (on..tokens.len()).find(|&i| tokens[i].kind == TokenKind::OpenParen)?;
    let first = tokens.get(open + 1)?;
    let widened = !unique || first.name(sql).is_some_and(|n| same_name(&n, source_column));
    let mut out = String::with_capacity(sql.len() + source_column.len() + 20);
    out.push_str(&sql[..after_index]);
    if !has_if {
        out.push_str(" IF NOT EXISTS");
    }
    out.push_str(&sql[after_index..tokens[open].end]);
    if !widened {
        out.push_str(&q(source_column));
        out.push_str(", ");
    }
    out.push_str(&sql[first.start..]);
    Some((out, !widened))
}

/// One schema statement as a mirror database runs it (its schema ledger, or a query): tables
/// are created in mirror form, unique indexes widened, and everything `IF NOT EXISTS`, since
/// deliveries may have created it first. `CREATE TRIGGER` becomes the empty string: not run
/// (see the module documentation). Other statements, and what cannot be rewritten, come back
/// unchanged (the mirror converts what is left afterwards).
///
/// ```
/// use dorm_core::mirror::mirror_statement;
/// let sql = mirror_statement("CREATE TABLE t (id INTEGER PRIMARY KEY, v)", "_dorm_source", "agg");
/// assert!(sql.starts_with("CREATE TABLE IF NOT EXISTS \"t\" (\"_dorm_source\""));
/// assert_eq!(mirror_statement("ALTER TABLE t ADD COLUMN w", "_dorm_source", "agg"), "ALTER TABLE t ADD COLUMN w");
/// assert_eq!(mirror_statement("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END", "_dorm_source", "agg"), "");
/// ```
pub fn mirror_statement(sql: &str, source_column: &str, own_name: &str) -> String {
    let tokens = tokenize(sql);
    let word = |i: usize| tokens.get(i).filter(|t| t.kind == TokenKind::Word).map(|t| t.text(sql).to_ascii_lowercase());
    if word(0).as_deref() != Some("create") {
        return sql.to_string();
    }
    let rewritten = match word(1).as_deref() {
        Some("table") => parse_create_table(sql)
            .ok()
            .and_then(|p| mirror_create_table(sql, &p.name, source_column, own_name).ok())
            .map(|ddl| ddl.create),
        Some("index") | Some("unique") => mirror_index(sql, source_column),
        Some("trigger") => Some(String::new()),
        _ => None,
    };
    rewritten.unwrap_or_else(|| sql.to_string())
}

/// A `CREATE TABLE` statement, parsed as far as mirrors need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedTable {
    pub name: String,
    pub columns: Vec<ColumnDef>,
    pub constraints: Vec<TableConstraint>,
    /// The declared primary key (column or table constraint); empty for none.
    pub key: Vec<String>,
    /// The key was declared as a table constraint (which the rewrite widens in place).
    pub table_key: bool,
    /// Text after the column list (`WITHOUT ROWID`, `STRICT`).
    pub options: String,
    pub without_rowid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnDef {
    pub name: String,
    /// The name and type, as written.
    head: String,
    /// The constraints a mirror keeps, as written.
    kept: Vec<(Kept, String)>,
    pub unique: bool,
    pub generated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    NotNull,
    Null,
    Check,
    Default { constant: bool },
    Collate,
    Generated { stored: bool },
}

impl ColumnDef {
    fn text(&self) -> String {
        let mut out = self.head.clone();
        for (_, text) in &self.kept {
            out.push(' ');
            out.push_str(text);
        }
        out
    }

    /// The definition as `ALTER TABLE ADD COLUMN` accepts it.
    fn add_text(&self) -> String {
        let default = self.kept.iter().find_map(|(k, _)| match k {
            Kept::Default { constant } => Some(*constant),
            _ => None,
        });
        let mut out = self.head.clone();
        for (kind, text) in &self.kept {
            let piece = match kind {
                Kept::Default { constant: false } => continue,
                Kept::NotNull if default != Some(true) => continue,
                Kept::Generated { stored: true } => replace_last_word(text, "stored", "VIRTUAL"),
                _ => text.clone(),
            };
            out.push(' ');
            out.push_str(&piece);
        }
        out
    }
}

fn replace_last_word(text: &str, word: &str, with: &str) -> String {
    let tokens = tokenize(text);
    match tokens.last() {
        Some(t) if t.is_keyword(text, word) => format!("{}{with}", &text[..t.start]),
        _ => text.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TableConstraint {
    /// Kept as written (CHECK).
    Keep(String),
    /// PRIMARY KEY or UNIQUE: `head` ends with the opening parenthesis, the source column goes
    /// between `head` and `rest`.
    Widen { head: String, rest: String },
}

const COLUMN_CONSTRAINT_WORDS: &[&str] =
    &["constraint", "primary", "not", "null", "unique", "check", "default", "collate", "references", "generated", "as"];
const TABLE_CONSTRAINT_WORDS: &[&str] = &["constraint", "primary", "unique", "check", "foreign"];

/// Parses a `CREATE TABLE name (...)` statement (not `AS SELECT`).
pub(crate) fn parse_create_table(sql: &str) -> Result<ParsedTable> {
    let tokens = tokenize(sql);
    let mut c = Cursor::new(sql, &tokens);
    c.expect("create")?;
    if c.at("temp") || c.at("temporary") {
        return Err(invalid("TEMP tables cannot be mirrored"));
    }
    c.expect("table")?;
    if c.eat("if") {
        c.expect("not")?;
        c.expect("exists")?;
    }
    let mut name = c.name()?;
    if c.peek().is_some_and(|t| t.kind == TokenKind::Symbol && t.text(sql) == ".") {
        c.pos += 1;
        name = c.name()?;
    }
    if c.at("as") {
        return Err(invalid(format!("CREATE TABLE {} AS SELECT has no column definitions to rewrite", shown(&name))));
    }
    let open = c.pos;
    if c.peek().map(|t| t.kind) != Some(TokenKind::OpenParen) {
        return Err(invalid("expected ( after the table name"));
    }
    let close = c.matching(open)?;
    let options = if close + 1 < tokens.len() { sql[tokens[close + 1].start..].trim().to_string() } else { String::new() };
    let option_tokens = &tokens[close + 1..];
    let without_rowid = option_tokens.windows(2).any(|w| w[0].is_keyword(sql, "without") && w[1].is_keyword(sql, "rowid"));

    let mut table = ParsedTable {
        name,
        columns: Vec::new(),
        constraints: Vec::new(),
        key: Vec::new(),
        table_key: false,
        options,
        without_rowid,
    };
    for (start, end) in split_items(sql, &tokens, open + 1, close) {
        let item = Cursor { sql, tokens: &tokens[..end], pos: start };
        let first = &tokens[start];
        let is_constraint = first.kind == TokenKind::Word && TABLE_CONSTRAINT_WORDS.iter().any(|w| first.is_keyword(sql, w));
        if is_constraint {
            parse_table_constraint(item, &mut table)?;
        } else {
            if !table.constraints.is_empty() {
                return Err(invalid("a column definition follows a table constraint"));
            }
            let (column, pk) = parse_column(item)?;
            if pk {
                table.key.push(column.name.clone());
            }
            table.columns.push(column);
        }
    }
    if table.columns.is_empty() {
        return Err(invalid("the table has no columns"));
    }
    Ok(table)
}

/// Token ranges of the comma-separated items between `from` and `to` (exclusive), at depth 0.
fn split_items(sql: &str, tokens: &[Token], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut items = Vec::new();
    let mut depth = 0i32;
    let mut start = from;
    for (i, token) in tokens.iter().enumerate().take(to).skip(from) {
        match token.kind {
            TokenKind::OpenParen => depth += 1,
            TokenKind::CloseParen => depth -= 1,
            TokenKind::Symbol if depth == 0 && token.text(sql) == "," => {
                if i > start {
                    items.push((start, i));
                }
                start = i + 1;
                continue;
            }
            _ => {}
        }
    }
    if to > start {
        items.push((start, to));
    }
    items
}

/// Parses one column definition; answers it and whether it declares the primary key.
fn parse_column(mut c: Cursor) -> Result<(ColumnDef, bool)> {
    let sql = c.sql;
    let start = c.pos;
    let name = c.name()?;
    while let Some(t) = c.peek() {
        if t.kind == TokenKind::Word && COLUMN_CONSTRAINT_WORDS.iter().any(|w| t.is_keyword(sql, w)) {
            break;
        }
        if t.kind == TokenKind::OpenParen {
            c.pos = c.matching(c.pos)? + 1;
        } else {
            c.pos += 1;
        }
    }
    let head = c.text(start, c.pos);
    let mut column = ColumnDef { name, head, kept: Vec::new(), unique: false, generated: false };
    let mut pk = false;
    while c.peek().is_some() {
        let from = c.pos;
        if c.eat("constraint") {
            c.name()?;
        }
        let kept = if c.eat("primary") {
            c.expect("key")?;
            let _ = c.eat("asc") || c.eat("desc");
            c.conflict_clause()?;
            c.eat("autoincrement");
            pk = true;
            None
        } else if c.eat("not") {
            c.expect("null")?;
            c.conflict_clause()?;
            Some(Kept::NotNull)
        } else if c.eat("null") {
            c.conflict_clause()?;
            Some(Kept::Null)
        } else if c.eat("unique") {
            c.conflict_clause()?;
            column.unique = true;
            None
        } else if c.eat("check") {
            c.parens()?;
            Some(Kept::Check)
        } else if c.eat("default") {
            Some(Kept::Default { constant: c.default_value()? })
        } else if c.eat("collate") {
            c.name()?;
            Some(Kept::Collate)
        } else if c.eat("references") {
            c.foreign_key_clause()?;
            None
        } else if c.at("generated") || c.at("as") {
            if c.eat("generated") {
                c.expect("always")?;
            }
            c.expect("as")?;
            c.parens()?;
            let stored = c.eat("stored");
            if !stored {
                c.eat("virtual");
            }
            column.generated = true;
            Some(Kept::Generated { stored })
        } else {
            let near = c.peek().map(|t| t.text(sql)).unwrap_or_default();
            return Err(invalid(format!("cannot read the definition of column {} near {near:?}", shown(&column.name))));
        };
        if let Some(kind) = kept {
            column.kept.push((kind, c.text(from, c.pos)));
        }
    }
    Ok((column, pk))
}

fn parse_table_constraint(mut c: Cursor, table: &mut ParsedTable) -> Result<()> {
    let sql = c.sql;
    let from = c.pos;
    if c.eat("constraint") {
        c.name()?;
    }
    let key = c.at("primary");
    if c.eat("primary") || c.eat("unique") {
        if key {
            c.expect("key")?;
        }
        let open = c.pos;
        if c.peek().map(|t| t.kind) != Some(TokenKind::OpenParen) {
            return Err(invalid("expected ( after PRIMARY KEY or UNIQUE"));
        }
        let close = c.matching(open)?;
        if key {
            table.table_key = true;
            for (s, _) in split_items(sql, c.tokens, open + 1, close) {
                table.key.push(c.tokens[s].name(sql).unwrap_or_default());
            }
        }
        let end = c.tokens.len();
        let head = sql[c.tokens[from].start..c.tokens[open].end].to_string();
        let rest = sql[c.tokens[open + 1].start..c.tokens[end - 1].end].to_string();
        table.constraints.push(TableConstraint::Widen { head, rest });
    } else if c.eat("check") {
        c.parens()?;
        table.constraints.push(TableConstraint::Keep(c.text(from, c.tokens.len())));
    } else if c.eat("foreign") {
        // Dropped: the mirror receives the effects of the source's foreign keys as rows.
    } else {
        return Err(invalid("cannot read a table constraint"));
    }
    Ok(())
}

/// A cursor over the tokens of one statement (or of one item: `tokens` ends where it ends).
struct Cursor<'a> {
    sql: &'a str,
    tokens: &'a [Token],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(sql: &'a str, tokens: &'a [Token]) -> Self {
        Cursor { sql, tokens, pos: 0 }
    }

    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    fn at(&self, keyword: &str) -> bool {
        self.peek().is_some_and(|t| t.is_keyword(self.sql, keyword))
    }

    fn at_offset(&self, offset: usize, keyword: &str) -> bool {
        self.tokens.get(self.pos + offset).is_some_and(|t| t.is_keyword(self.sql, keyword))
    }

    fn eat(&mut self, keyword: &str) -> bool {
        let found = self.at(keyword);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect(&mut self, keyword: &str) -> Result<()> {
        if self.eat(keyword) {
            Ok(())
        } else {
            let near = self.peek().map(|t| t.text(self.sql)).unwrap_or("the end");
            Err(invalid(format!("expected {} near {near:?}", keyword.to_ascii_uppercase())))
        }
    }

    /// A name: a word, a quoted name, or (as SQLite also accepts) a string.
    fn name(&mut self) -> Result<String> {
        let token = self.peek().ok_or_else(|| invalid("expected a name at the end"))?;
        let name = match token.kind {
            TokenKind::String => {
                let text = token.text(self.sql);
                Some(text.get(1..text.len().saturating_sub(1).max(1)).unwrap_or_default().replace("''", "'"))
            }
            _ => token.name(self.sql),
        };
        let name = name.ok_or_else(|| invalid(format!("expected a name near {:?}", token.text(self.sql))))?;
        self.pos += 1;
        Ok(name)
    }

    /// The index of the parenthesis closing the one at `open`.
    fn matching(&self, open: usize) -> Result<usize> {
        let mut depth = 0i32;
        for (i, t) in self.tokens.iter().enumerate().skip(open) {
            match t.kind {
                TokenKind::OpenParen => depth += 1,
                TokenKind::CloseParen => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(i);
                    }
                }
                _ => {}
            }
        }
        Err(invalid("unbalanced parentheses"))
    }

    fn parens(&mut self) -> Result<()> {
        if self.peek().map(|t| t.kind) != Some(TokenKind::OpenParen) {
            return Err(invalid("expected ("));
        }
        self.pos = self.matching(self.pos)? + 1;
        Ok(())
    }

    fn conflict_clause(&mut self) -> Result<()> {
        if self.at("on") && self.at_offset(1, "conflict") {
            self.pos += 2;
            self.name()?;
        }
        Ok(())
    }

    /// After `DEFAULT`: answers whether the value is constant (what `ADD COLUMN` accepts).
    fn default_value(&mut self) -> Result<bool> {
        let token = self.peek().ok_or_else(|| invalid("DEFAULT without a value"))?;
        match token.kind {
            TokenKind::OpenParen => {
                self.parens()?;
                Ok(false)
            }
            TokenKind::Symbol if matches!(token.text(self.sql), "+" | "-") => {
                self.pos += 1;
                self.pos += usize::from(self.peek().is_some());
                Ok(true)
            }
            _ => {
                let text = token.text(self.sql);
                let dynamic = ["current_time", "current_date", "current_timestamp"].iter().any(|k| text.eq_ignore_ascii_case(k));
                self.pos += 1;
                Ok(!dynamic)
            }
        }
    }

    /// After `REFERENCES`: the rest of a foreign key clause.
    fn foreign_key_clause(&mut self) -> Result<()> {
        self.name()?;
        if self.peek().map(|t| t.kind) == Some(TokenKind::OpenParen) {
            self.parens()?;
        }
        loop {
            if self.eat("on") {
                if !(self.eat("delete") || self.eat("update")) {
                    return Err(invalid("expected DELETE or UPDATE after ON in a foreign key"));
                }
                if self.eat("set") {
                    if !(self.eat("null") || self.eat("default")) {
                        return Err(invalid("expected NULL or DEFAULT after SET in a foreign key"));
                    }
                } else if self.eat("no") {
                    self.expect("action")?;
                } else if !(self.eat("cascade") || self.eat("restrict")) {
                    return Err(invalid("expected a foreign key action"));
                }
            } else if self.eat("match") {
                self.name()?;
            } else if self.at("deferrable") || (self.at("not") && self.at_offset(1, "deferrable")) {
                self.eat("not");
                self.pos += 1;
                if self.eat("initially") && !(self.eat("deferred") || self.eat("immediate")) {
                    return Err(invalid("expected DEFERRED or IMMEDIATE"));
                }
            } else {
                return Ok(());
            }
        }
    }

    /// The text of tokens `from..to`, as written.
    fn text(&self, from: usize, to: usize) -> String {
        if to <= from || to > self.tokens.len() {
            return String::new();
        }
        self.sql[self.tokens[from].start..self.tokens[to - 1].end].to_string()
    }

    fn byte_end_of_previous(&self) -> usize {
        self.pos.checked_sub(1).and_then(|i| self.tokens.get(i)).map_or(0, |t| t.end)
    }
}

fn invalid(message: impl Into<String>) -> DormError {
    DormError::new(ErrorCode::InvalidSchema, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(sql: &str) -> String {
        mirror_create_table(sql, "t", "src", "agg").unwrap().create
    }

    #[test]
    fn widens_keys_and_unique_constraints_keeping_everything_else() {
        assert_eq!(
            create("CREATE TABLE t (a TEXT COLLATE NOCASE, b INT CHECK (b > 0) DEFAULT -1, CONSTRAINT pk PRIMARY KEY (a, b) ON CONFLICT REPLACE, UNIQUE (b), CHECK (a <> 'x, y')) WITHOUT ROWID, STRICT"),
            "CREATE TABLE IF NOT EXISTS \"t\" (\"src\" TEXT NOT NULL DEFAULT 'agg', a TEXT COLLATE NOCASE, b INT CHECK (b > 0) DEFAULT -1, \
             CONSTRAINT pk PRIMARY KEY (\"src\", a, b) ON CONFLICT REPLACE, UNIQUE (\"src\", b), CHECK (a <> 'x, y')) WITHOUT ROWID, STRICT"
        );
    }

    #[test]
    fn tables_without_a_key_get_the_rowid_column() {
        let ddl = mirror_create_table("CREATE TABLE 'log'(at, msg TEXT DEFAULT CURRENT_TIMESTAMP NOT NULL)", "log", "src", "o'k").unwrap();
        assert_eq!(
            ddl.create,
            "CREATE TABLE IF NOT EXISTS \"log\" (\"src\" TEXT NOT NULL DEFAULT 'o''k', \"_dorm_rowid\" INTEGER, at, \
             msg TEXT DEFAULT CURRENT_TIMESTAMP NOT NULL, PRIMARY KEY (\"src\", \"_dorm_rowid\"))"
        );
        assert!(ddl.rowid);
        // ADD COLUMN refuses non-constant defaults, and NOT NULL without a default.
        assert_eq!(ddl.columns[1].add, "ALTER TABLE \"log\" ADD COLUMN msg TEXT");
    }

    #[test]
    fn drops_foreign_keys_of_every_form() {
        assert_eq!(
            create("CREATE TABLE t (id INTEGER PRIMARY KEY, p INT NOT NULL REFERENCES p (id) ON DELETE SET NULL ON UPDATE NO ACTION NOT DEFERRABLE INITIALLY DEFERRED NOT NULL, \
                    q REFERENCES q MATCH FULL DEFAULT NULL, FOREIGN KEY (q) REFERENCES q (id) ON DELETE CASCADE)"),
            "CREATE TABLE IF NOT EXISTS \"t\" (\"src\" TEXT NOT NULL DEFAULT 'agg', id INTEGER, p INT NOT NULL NOT NULL, q DEFAULT NULL, PRIMARY KEY (\"src\", \"id\"))"
        );
    }

    #[test]
    fn generated_columns_stay_and_become_virtual_when_added() {
        let ddl = mirror_create_table("CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED, c AS (a + 1))", "t", "src", "").unwrap();
        assert!(ddl.create.contains("b INT GENERATED ALWAYS AS (a * 2) STORED, c AS (a + 1)"));
        assert_eq!(ddl.columns[1].add, "ALTER TABLE \"t\" ADD COLUMN b INT GENERATED ALWAYS AS (a * 2) VIRTUAL");
    }

    #[test]
    fn refuses_what_it_cannot_rewrite() {
        let err = |sql: &str| mirror_create_table(sql, "t", "src", "").unwrap_err().message;
        assert!(err("CREATE TABLE t AS SELECT 1").contains("AS SELECT"));
        assert!(err("CREATE TABLE t (src TEXT)").contains("needs for itself"));
        assert!(err("CREATE TABLE t (a, _dorm_rowid)").contains("needs for itself"));
        assert!(mirror_create_table("CREATE TABLE t (a PRIMARY KEY, _dorm_rowid)", "t", "src", "").is_ok());
        let wide: Vec<String> = (0..99).map(|i| format!("c{i}")).collect();
        assert!(err(&format!("CREATE TABLE t ({})", wide.join(", "))).contains("Durable Objects allow 100"));
    }

    #[test]
    fn indexes() {
        assert_eq!(mirror_index("CREATE INDEX IF NOT EXISTS i ON t(a)", "src").unwrap(), "CREATE INDEX IF NOT EXISTS i ON t(a)");
        assert_eq!(mirror_index("create unique index i on t(\"src\", a)", "src").unwrap(), "create unique index IF NOT EXISTS i on t(\"src\", a)");
        assert_eq!(mirror_index("CREATE TABLE x (a)", "src"), None);
    }

    #[test]
    fn statements_pass_through_unless_rewritable() {
        assert_eq!(mirror_statement("DROP TABLE t", "src", ""), "DROP TABLE t");
        assert_eq!(mirror_statement("CREATE TABLE t AS SELECT 1 AS a", "src", ""), "CREATE TABLE t AS SELECT 1 AS a");
        assert_eq!(mirror_statement("CREATE VIEW v AS SELECT 1", "src", ""), "CREATE VIEW v AS SELECT 1");
        assert!(mirror_statement("CREATE UNIQUE INDEX u ON t (a)", "src", "").contains("(\"src\", a)"));
    }
}
