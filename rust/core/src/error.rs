//! The one error type of the core. Every failure has a stable machine-readable code and the
//! HTTP status it maps to; the JavaScript side turns it into a `DormError`.

use serde::Serialize;
use std::fmt;

/// Stable error codes. The string form (`as_str`) is part of the public API: JavaScript code
/// and HTTP clients match on it, so a code is never renamed once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// `BEGIN`, `COMMIT`, `ROLLBACK`, `SAVEPOINT`, `RELEASE`, `END`: Durable Objects manage transactions.
    TransactionControl,
    /// SQL that Durable Objects refuse: `ATTACH`, `DETACH`, PRAGMAs outside the allowed list,
    /// `_cf_` names, TEMP objects.
    ForbiddenStatement,
    /// An empty SQL string, or one holding only comments.
    EmptySql,
    /// The number of parameters does not match the placeholders of a multi-statement batch.
    ParameterCount,
    /// A table or column name that cannot be used.
    InvalidIdentifier,
    /// A JSON Schema that cannot become a table.
    InvalidSchema,
    /// An argument of the wrong shape (a where clause, a limit, a row).
    InvalidArgument,
    /// Rows that fail validation against their table's schema.
    ValidationFailed,
    /// A statement that would write was sent with read-only access.
    ReadOnly,
}

impl ErrorCode {
    /// The code as the string JavaScript sees (`"TRANSACTION_CONTROL"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::TransactionControl => "TRANSACTION_CONTROL",
            ErrorCode::ForbiddenStatement => "FORBIDDEN_STATEMENT",
            ErrorCode::EmptySql => "EMPTY_SQL",
            ErrorCode::ParameterCount => "PARAMETER_COUNT",
            ErrorCode::InvalidIdentifier => "INVALID_IDENTIFIER",
            ErrorCode::InvalidSchema => "INVALID_SCHEMA",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::ValidationFailed => "VALIDATION_FAILED",
            ErrorCode::ReadOnly => "READ_ONLY",
        }
    }

    /// The HTTP status for this code. Every core error is the caller's mistake: a 4xx.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::ReadOnly => 403,
            _ => 400,
        }
    }
}

/// An error of the core: a code and a message that says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DormError {
    pub code: ErrorCode,
    pub status: u16,
    pub message: String,
}

impl DormError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        DormError { code, status: code.status(), message: message.into() }
    }
}

impl fmt::Display for DormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for DormError {}

pub type Result<T> = std::result::Result<T, DormError>;
