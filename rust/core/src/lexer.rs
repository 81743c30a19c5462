//! A tokenizer that follows SQLite's own lexical rules (`tokenize.c`) closely enough to split
//! statements, count parameters and find names. It accepts any input and never fails: text
//! SQLite would reject (an unterminated quote, say) still becomes tokens, and SQLite reports it.

/// What a token is. Whitespace and comments are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A bare word: a keyword or an unquoted name.
    Word,
    /// A name in `"double quotes"`, `[brackets]` or `` `backticks` ``.
    QuotedName,
    /// A `'string literal'`.
    String,
    /// A number or a blob literal (`x'00ff'`).
    Literal,
    /// `?`, `?NNN`, `:name`, `@name` or `$name`.
    Parameter,
    Semicolon,
    OpenParen,
    CloseParen,
    /// Any other operator or punctuation.
    Symbol,
}

/// One token: its kind and its byte range in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text in `sql`.
    pub fn text<'a>(&self, sql: &'a str) -> &'a str {
        &sql[self.start..self.end]
    }

    /// True when the token is the bare word `keyword` (ASCII case-insensitive).
    pub fn is_keyword(&self, sql: &str, keyword: &str) -> bool {
        self.kind == TokenKind::Word && self.text(sql).eq_ignore_ascii_case(keyword)
    }

    /// The name a word or quoted name denotes, with quotes removed and doubled quotes undone.
    pub fn name(&self, sql: &str) -> Option<String> {
        let text = self.text(sql);
        match self.kind {
            TokenKind::Word => Some(text.to_string()),
            TokenKind::QuotedName => Some(unquote(text)),
            _ => None,
        }
    }
}

fn unquote(text: &str) -> String {
    let mut chars = text.chars();
    let open = chars.next().unwrap_or('"');
    let close = match open {
        '[' => ']',
        c => c,
    };
    let inner: String = chars.collect();
    let inner = inner.strip_suffix(close).unwrap_or(&inner);
    if open == '[' {
        inner.to_string()
    } else {
        let doubled: String = [close, close].iter().collect();
        inner.replace(&doubled, &close.to_string())
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

/// Splits `sql` into tokens. Total: every input gives a result.
pub fn tokenize(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = sql[i..].chars().next().unwrap_or(' ');
        let start = i;
        let (kind, end) = match c {
            c if c.is_whitespace() => {
                i += c.len_utf8();
                continue;
            }
            '-' if bytes.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
                continue;
            }
            '/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2);
                continue;
            }
            '\'' => (TokenKind::String, quoted_end(sql, i, '\'')),
            '"' | '`' => (TokenKind::QuotedName, quoted_end(sql, i, c)),
            '[' => (TokenKind::QuotedName, sql[i..].find(']').map_or(bytes.len(), |n| i + n + 1)),
            ';' => (TokenKind::Semicolon, i + 1),
            '(' => (TokenKind::OpenParen, i + 1),
            ')' => (TokenKind::CloseParen, i + 1),
            '?' => (TokenKind::Parameter, scan(sql, i + 1, |c| c.is_ascii_digit())),
            ':' | '@' | '$' if sql[i + 1..].chars().next().is_some_and(is_word_char) => {
                (TokenKind::Parameter, scan(sql, i + 1, is_word_char))
            }
            'x' | 'X' if bytes.get(i + 1) == Some(&b'\'') => {
                (TokenKind::Literal, quoted_end(sql, i + 1, '\''))
            }
            c if c.is_ascii_digit() || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) => {
                (TokenKind::Literal, number_end(sql, i))
            }
            c if is_word_char(c) => (TokenKind::Word, scan(sql, i, is_word_char)),
            c => (TokenKind::Symbol, i + c.len_utf8()),
        };
        tokens.push(Token { kind, start, end });
        i = end;
    }
    tokens
}

/// End of a quoted run starting at `start` (the opening quote); a doubled quote is an escape.
fn quoted_end(sql: &str, start: usize, quote: char) -> usize {
    let bytes = sql.as_bytes();
    let q = quote as u8;
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == q {
            if bytes.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

fn scan(sql: &str, from: usize, accept: impl Fn(char) -> bool) -> usize {
    sql[from..].char_indices().find(|&(_, c)| !accept(c)).map_or(sql.len(), |(n, _)| from + n)
}

fn number_end(sql: &str, start: usize) -> usize {
    let bytes = sql.as_bytes();
    let mut i = start;
    if bytes[i] == b'0' && matches!(bytes.get(i + 1), Some(b'x' | b'X')) {
        return scan(sql, i + 2, |c| c.is_ascii_hexdigit());
    }
    i = scan(sql, i, |c| c.is_ascii_digit() || c == '_' || c == '.');
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if bytes.get(j).is_some_and(u8::is_ascii_digit) {
            i = scan(sql, j, |c| c.is_ascii_digit());
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<(TokenKind, &str)> {
        tokenize(sql).iter().map(|t| (t.kind, t.text(sql))).collect()
    }

    #[test]
    fn skips_comments_and_keeps_quotes_whole() {
        assert_eq!(
            kinds("SELECT 'a;b' -- c;\n, \"x\"\"y\" /* ; */ FROM [t 1];"),
            vec![
                (TokenKind::Word, "SELECT"),
                (TokenKind::String, "'a;b'"),
                (TokenKind::Symbol, ","),
                (TokenKind::QuotedName, "\"x\"\"y\""),
                (TokenKind::Word, "FROM"),
                (TokenKind::QuotedName, "[t 1]"),
                (TokenKind::Semicolon, ";"),
            ]
        );
    }

    #[test]
    fn parameters_of_every_style() {
        let sql = "? ?12 :a @b $c x'0a' 1.5e3";
        let k: Vec<_> = kinds(sql).into_iter().map(|(k, _)| k).collect();
        assert_eq!(k[..5], [TokenKind::Parameter; 5]);
        assert_eq!(k[5..], [TokenKind::Literal, TokenKind::Literal]);
    }

    #[test]
    fn unquotes_names() {
        let sql = r#""a""b" [c d] `e``f`"#;
        let names: Vec<_> = tokenize(sql).iter().filter_map(|t| t.name(sql)).collect();
        assert_eq!(names, vec!["a\"b", "c d", "e`f"]);
    }

    #[test]
    fn unterminated_input_still_tokenizes() {
        assert_eq!(tokenize("SELECT 'abc").len(), 2);
        assert_eq!(tokenize("/* open").len(), 0);
        assert_eq!(tokenize("\"é").len(), 1);
    }
}
