//! Typed parts → SQL text. Names are quoted here and only here; every value becomes a `?`
//! and is pushed to the parameters in the order the placeholders appear.

use super::cond::{Cond, Op, Test};
use super::parse::Order;
use crate::ident::quote_unchecked as q;
use serde_json::Value;

/// Appends a condition's SQL to `sql` and its values to `params`.
///
/// ```
/// use dorm_core::orm::cond::{Cond, Op};
/// use dorm_core::orm::render::render_cond;
/// let c = Cond::all(vec![
///     Cond::compare("x", Op::Eq, 1.into()),
///     Cond::any(vec![Cond::test("y", Op::IsNull, vec![]), Cond::test("z", Op::In, vec![2.into(), 3.into()])]),
/// ]);
/// let (mut sql, mut params) = (String::new(), Vec::new());
/// render_cond(&c, &mut sql, &mut params);
/// assert_eq!(sql, "\"x\" = ? AND (\"y\" IS NULL OR \"z\" IN (?, ?))");
/// assert_eq!(params.len(), 3);
/// ```
pub fn render_cond(cond: &Cond, sql: &mut String, params: &mut Vec<Value>) {
    match cond {
        Cond::True => sql.push_str("1 = 1"),
        Cond::False => sql.push_str("0 = 1"),
        Cond::Test(test) => render_test(test, sql, params),
        Cond::And(terms) | Cond::Or(terms) => {
            let joiner = if matches!(cond, Cond::And(_)) { " AND " } else { " OR " };
            for (i, term) in terms.iter().enumerate() {
                if i > 0 {
                    sql.push_str(joiner);
                }
                let nested = matches!(term, Cond::And(_) | Cond::Or(_));
                if nested {
                    sql.push('(');
                }
                render_cond(term, sql, params);
                if nested {
                    sql.push(')');
                }
            }
        }
    }
}

/// ` WHERE ...`, or nothing for a condition that is always true.
pub fn render_where(cond: &Cond, sql: &mut String, params: &mut Vec<Value>) {
    if *cond != Cond::True {
        sql.push_str(" WHERE ");
        render_cond(cond, sql, params);
    }
}

fn render_test(test: &Test, sql: &mut String, params: &mut Vec<Value>) {
    sql.push_str(&q(&test.column));
    let binary = match test.op {
        Op::Eq => " = ?",
        Op::Ne => " <> ?",
        Op::Gt => " > ?",
        Op::Gte => " >= ?",
        Op::Lt => " < ?",
        Op::Lte => " <= ?",
        Op::Like => " LIKE ?",
        Op::InJson => " IN (SELECT value FROM json_each(?))",
        Op::NotInJson => " NOT IN (SELECT value FROM json_each(?))",
        Op::IsNull => return sql.push_str(" IS NULL"),
        Op::IsNotNull => return sql.push_str(" IS NOT NULL"),
        Op::In | Op::NotIn => {
            sql.push_str(if test.op == Op::In { " IN (" } else { " NOT IN (" });
            sql.push_str(&vec!["?"; test.values.len()].join(", "));
            sql.push(')');
            params.extend(test.values.iter().cloned());
            return;
        }
    };
    sql.push_str(binary);
    // A binary test binds exactly one value (`Cond::compare` builds it so).
    params.push(test.values.first().cloned().unwrap_or(Value::Null));
}

/// ` ORDER BY "a" ASC, "b" DESC`, or nothing.
pub fn render_order(order: &[Order], sql: &mut String) {
    if order.is_empty() {
        return;
    }
    let terms: Vec<String> =
        order.iter().map(|o| format!("{} {}", q(&o.column), if o.descending { "DESC" } else { "ASC" })).collect();
    sql.push_str(" ORDER BY ");
    sql.push_str(&terms.join(", "));
}

/// `"a", "b"`.
pub fn render_names(names: &[String]) -> String {
    names.iter().map(|n| q(n)).collect::<Vec<_>>().join(", ")
}
