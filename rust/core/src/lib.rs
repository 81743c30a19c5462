//! The pure core of dormroom. It knows nothing of JavaScript: every function takes and returns
//! plain Rust values, is total (errors, never panics), and depends only on its input, so the
//! JavaScript side can cache answers by input text.
//!
//! - [`analyze`]: split and classify SQL, enforce the Durable Object rules.
//! - [`shape_columns`]: the keys of row objects for a statement's columns.
//! - [`prepare_schema`]: a database's schema (statements and JSON Schemas) as DDL plus a hash.

pub mod analyze;
pub mod error;
pub mod lexer;
pub mod mirror;
pub mod platform;
pub mod schema;
pub mod shape;

pub use analyze::{analyze, Analysis, StatementInfo, StatementKind};
pub use error::{DormError, ErrorCode, Result};
pub use schema::{prepare_schema, PreparedSchema};
pub use shape::{shape_columns, ResultShape};
