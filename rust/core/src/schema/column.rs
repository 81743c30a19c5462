//! One property of a table's JSON Schema, read into a typed [`Column`].

use super::literal;
use crate::error::{DormError, ErrorCode, Result};
use crate::ident::{self, shown};
use crate::orm::whole_number;
use serde::Serialize;
use serde_json::{Map, Number, Value};

/// Extensions allowed on a property.
const COLUMN_EXTENSIONS: &[&str] = &[
    "x-dorm-primary-key",
    "x-dorm-auto-increment",
    "x-dorm-unique",
    "x-dorm-index",
    "x-dorm-default",
    "x-dorm-references",
];

/// Foreign key actions SQLite knows.
const ACTIONS: &[&str] = &["CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"];

/// What a column holds, as JavaScript sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Integer,
    Number,
    /// Stored as 1/0.
    Boolean,
    /// An object or array, stored as JSON text.
    Json,
    /// A string with `format: date` or `date-time`.
    Date,
    String,
}

impl Kind {
    /// The declared SQL type; STRICT tables allow only INTEGER, REAL, TEXT, BLOB and ANY.
    pub fn sql_type(self, strict: bool) -> &'static str {
        match (self, strict) {
            (Kind::Integer, _) | (Kind::Boolean, true) => "INTEGER",
            (Kind::Number, _) => "REAL",
            (Kind::Boolean, false) => "BOOLEAN",
            (Kind::Date, false) => "TIMESTAMP",
            (Kind::Json | Kind::String, _) | (Kind::Date, true) => "TEXT",
        }
    }
}

/// `x-dorm-references`: a foreign key to another table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub table: String,
    /// None: the other table's primary key.
    pub column: Option<String>,
    pub on_delete: Option<&'static str>,
    pub on_update: Option<&'static str>,
}

/// A column read from its property schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    /// The JSON type (`"object"`, `"array"`, ...), to check defaults and enums against.
    pub json_type: &'static str,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// May hold NULL: not required, or its type includes `"null"`.
    pub nullable: bool,
    /// Part of the primary key (set by the table, which reconciles both ways to declare it).
    pub primary_key: bool,
    pub auto_increment: bool,
    pub unique: bool,
    /// The index this column belongs to (columns sharing a name form one index).
    pub index: Option<String>,
    pub default: Option<Value>,
    pub references: Option<Reference>,
    pub enum_values: Option<Vec<Value>>,
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    pub exclusive_minimum: Option<Number>,
    pub exclusive_maximum: Option<Number>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
}

fn invalid(message: impl Into<String>) -> DormError {
    DormError::new(ErrorCode::InvalidSchema, message)
}

/// Reads property `name` of table `table`.
pub(crate) fn parse_column(table: &str, name: &str, property: &Value, required: bool) -> Result<Column> {
    ident::validate(name, "column")?;
    let p = format!("property {} of table {}", shown(name), shown(table));
    let Value::Object(prop) = property else {
        return Err(invalid(format!("{p} must be a schema object like {{ \"type\": \"string\" }}")));
    };
    for key in prop.keys().filter(|k| k.starts_with("x-dorm-")) {
        if !COLUMN_EXTENSIONS.contains(&key.as_str()) {
            return Err(invalid(format!("{p} has the unknown extension {key}; known: {}", COLUMN_EXTENSIONS.join(", "))));
        }
    }
    let (json_type, allows_null) = json_type(prop, &p)?;
    let kind = match json_type {
        "integer" => Kind::Integer,
        "number" => Kind::Number,
        "boolean" => Kind::Boolean,
        "object" | "array" => Kind::Json,
        _ => match prop.get("format").and_then(Value::as_str) {
            Some("date" | "date-time") => Kind::Date,
            _ => Kind::String,
        },
    };
    let index = match prop.get("x-dorm-index") {
        None | Some(Value::Null | Value::Bool(false)) => None,
        Some(Value::Bool(true)) => Some(format!("idx_{table}_{name}")),
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(invalid(format!("x-dorm-index of {p} must be true or an index name"))),
    };
    if let Some(index) = &index {
        ident::validate(index, "index").map_err(|e| invalid(format!("x-dorm-index of {p}: {}", e.message)))?;
    }
    let mut column = Column {
        name: name.to_string(),
        kind,
        json_type,
        required,
        nullable: !required || allows_null,
        primary_key: flag(prop, "x-dorm-primary-key", &p)?,
        auto_increment: flag(prop, "x-dorm-auto-increment", &p)?,
        unique: flag(prop, "x-dorm-unique", &p)?,
        index,
        default: prop.get("x-dorm-default").cloned(),
        references: references(prop.get("x-dorm-references"), &p)?,
        enum_values: None,
        minimum: number(prop, "minimum", &p)?,
        maximum: number(prop, "maximum", &p)?,
        exclusive_minimum: None,
        exclusive_maximum: None,
        min_length: length(prop, "minLength", &p)?,
        max_length: length(prop, "maxLength", &p)?,
    };
    // Draft 4 writes `exclusiveMinimum: true` beside `minimum`; later drafts give the bound itself.
    match prop.get("exclusiveMinimum") {
        Some(Value::Bool(true)) => column.exclusive_minimum = column.minimum.take(),
        Some(Value::Bool(false)) | None => {}
        Some(_) => column.exclusive_minimum = number(prop, "exclusiveMinimum", &p)?,
    }
    match prop.get("exclusiveMaximum") {
        Some(Value::Bool(true)) => column.exclusive_maximum = column.maximum.take(),
        Some(Value::Bool(false)) | None => {}
        Some(_) => column.exclusive_maximum = number(prop, "exclusiveMaximum", &p)?,
    }
    if column.auto_increment && kind != Kind::Integer {
        return Err(invalid(format!(
            "{p} has x-dorm-auto-increment but type {json_type}; auto-increment needs an integer primary key"
        )));
    }
    let numeric = [&column.minimum, &column.maximum, &column.exclusive_minimum, &column.exclusive_maximum];
    if numeric.iter().any(|n| n.is_some()) && !matches!(kind, Kind::Integer | Kind::Number) {
        return Err(invalid(format!("{p} has a minimum or maximum, which applies to integer and number properties only")));
    }
    if (column.min_length.is_some() || column.max_length.is_some()) && !matches!(kind, Kind::String | Kind::Date) {
        return Err(invalid(format!("{p} has minLength or maxLength, which applies to string properties only")));
    }
    column.enum_values = enum_values(&column, prop.get("enum"), &p)?;
    if let Some(default) = &column.default {
        literal::render(&column, default, true).map_err(|e| invalid(format!("x-dorm-default of {p}: {}", e.message)))?;
    }
    Ok(column)
}

/// The non-null JSON type of a property and whether `"null"` is allowed too.
fn json_type(prop: &Map<String, Value>, p: &str) -> Result<(&'static str, bool)> {
    const TYPES: &[&str] = &["integer", "number", "boolean", "object", "array", "string"];
    let (names, allows_null): (Vec<&Value>, bool) = match prop.get("type") {
        Some(Value::Array(types)) => (types.iter().filter(|t| *t != "null").collect(), types.iter().any(|t| t == "null")),
        Some(single) => (vec![single], false),
        None => return Err(invalid(format!("{p} has no type; give it one of {}", TYPES.join(", ")))),
    };
    match names.as_slice() {
        [Value::String(name)] => match TYPES.iter().find(|t| **t == name) {
            Some(t) => Ok((t, allows_null)),
            None => Err(invalid(format!("{p} has the unknown type {name:?}; use one of {}", TYPES.join(", ")))),
        },
        [] => Err(invalid(format!("{p} has no type besides null; give it one of {}", TYPES.join(", ")))),
        [_] => Err(invalid(format!("{p} has a type that is not a type name; use one of {}", TYPES.join(", ")))),
        _ => Err(invalid(format!(
            "{p} has several types; a column has one type, optionally with \"null\", e.g. [\"string\", \"null\"]"
        ))),
    }
}

fn flag(prop: &Map<String, Value>, key: &str, p: &str) -> Result<bool> {
    match prop.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(invalid(format!("{key} of {p} must be true or false"))),
    }
}

fn number(prop: &Map<String, Value>, key: &str, p: &str) -> Result<Option<Number>> {
    match prop.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(Some(n.clone())),
        Some(_) => Err(invalid(format!("{key} of {p} must be a number"))),
    }
}

fn length(prop: &Map<String, Value>, key: &str, p: &str) -> Result<Option<u64>> {
    match prop.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => whole_number(v)
            .map(Some)
            .ok_or_else(|| invalid(format!("{key} of {p} must be a non-negative whole number"))),
    }
}

fn enum_values(column: &Column, values: Option<&Value>, p: &str) -> Result<Option<Vec<Value>>> {
    let values = match values {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(v)) if !v.is_empty() => v,
        Some(_) => return Err(invalid(format!("enum of {p} must be a non-empty array of the allowed values"))),
    };
    if column.kind == Kind::Json {
        return Err(invalid(format!("{p} has an enum, which is supported on integer, number, boolean and string properties only")));
    }
    for value in values.iter().filter(|v| !v.is_null()) {
        literal::render(column, value, false).map_err(|e| invalid(format!("enum of {p}: {}", e.message)))?;
    }
    Ok(Some(values.clone()))
}

fn references(value: Option<&Value>, p: &str) -> Result<Option<Reference>> {
    let r = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(r)) => r,
        Some(_) => return Err(invalid(format!("x-dorm-references of {p} must be {{ table, column, onDelete?, onUpdate? }}"))),
    };
    let text = |key: &str| -> Result<Option<String>> {
        match r.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(format!("x-dorm-references.{key} of {p} must be a string"))),
        }
    };
    if let Some(key) = r.keys().find(|k| !["table", "column", "onDelete", "onUpdate"].contains(&k.as_str())) {
        return Err(invalid(format!("x-dorm-references of {p} has the unknown key {key:?}; known: table, column, onDelete, onUpdate")));
    }
    let Some(table) = text("table")? else {
        return Err(invalid(format!("x-dorm-references of {p} needs the referenced table: {{ \"table\": \"...\", \"column\": \"...\" }}")));
    };
    ident::validate(&table, "table")?;
    let column = text("column")?;
    if let Some(column) = &column {
        ident::validate(column, "column")?;
    }
    let action = |key: &str| -> Result<Option<&'static str>> {
        let Some(given) = text(key)? else { return Ok(None) };
        let normal = given.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_uppercase();
        match ACTIONS.iter().find(|a| **a == normal) {
            Some(action) => Ok(Some(action)),
            None => Err(invalid(format!(
                "x-dorm-references.{key} of {p} is {given:?}; use one of {}",
                ACTIONS.join(", ")
            ))),
        }
    };
    Ok(Some(Reference { table, column, on_delete: action("onDelete")?, on_update: action("onUpdate")? }))
}
