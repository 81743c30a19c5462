//! A condition tree: what a where clause means, before it is SQL. Constant parts fold away
//! (`$in: []` is false, `$and: []` is true), so an empty where is recognisable however it
//! was written.

use serde_json::Value;

/// A boolean condition over a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    True,
    False,
    /// One comparison: SQL text with a `?` per parameter, and the parameters in order.
    Leaf(String, Vec<Value>),
    /// All of these, at least two, none of them an `And`, `True` or `False`.
    And(Vec<Cond>),
    /// One of these, at least two, none of them an `Or`, `True` or `False`.
    Or(Vec<Cond>),
}

impl Cond {
    /// A comparison without parameters.
    pub fn sql(text: impl Into<String>) -> Cond {
        Cond::Leaf(text.into(), Vec::new())
    }

    /// A comparison with one parameter.
    pub fn bound(text: impl Into<String>, value: Value) -> Cond {
        Cond::Leaf(text.into(), vec![value])
    }

    /// All of `terms`, folded.
    pub fn all(terms: Vec<Cond>) -> Cond {
        let mut kept = Vec::with_capacity(terms.len());
        for term in terms {
            match term {
                Cond::True => {}
                Cond::False => return Cond::False,
                Cond::And(inner) => kept.extend(inner),
                other => kept.push(other),
            }
        }
        match kept.len() {
            0 => Cond::True,
            1 => kept.pop().unwrap_or(Cond::True),
            _ => Cond::And(kept),
        }
    }

    /// Any of `terms`, folded.
    pub fn any(terms: Vec<Cond>) -> Cond {
        let mut kept = Vec::with_capacity(terms.len());
        for term in terms {
            match term {
                Cond::False => {}
                Cond::True => return Cond::True,
                Cond::Or(inner) => kept.extend(inner),
                other => kept.push(other),
            }
        }
        match kept.len() {
            0 => Cond::False,
            1 => kept.pop().unwrap_or(Cond::False),
            _ => Cond::Or(kept),
        }
    }

    /// Appends the condition's SQL to `sql` and its parameters to `params`.
    pub fn render(&self, sql: &mut String, params: &mut Vec<Value>) {
        match self {
            Cond::True => sql.push_str("1 = 1"),
            Cond::False => sql.push_str("0 = 1"),
            Cond::Leaf(text, values) => {
                sql.push_str(text);
                params.extend(values.iter().cloned());
            }
            Cond::And(terms) | Cond::Or(terms) => {
                let joiner = if matches!(self, Cond::And(_)) { " AND " } else { " OR " };
                for (i, term) in terms.iter().enumerate() {
                    if i > 0 {
                        sql.push_str(joiner);
                    }
                    let nested = matches!(term, Cond::And(_) | Cond::Or(_));
                    if nested {
                        sql.push('(');
                    }
                    term.render(sql, params);
                    if nested {
                        sql.push(')');
                    }
                }
            }
        }
    }

    /// ` WHERE ...`, or nothing for a condition that is always true.
    pub fn render_where(&self, sql: &mut String, params: &mut Vec<Value>) {
        if *self != Cond::True {
            sql.push_str(" WHERE ");
            self.render(sql, params);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_constants_and_flattens() {
        let a = || Cond::sql("a");
        assert_eq!(Cond::all(vec![Cond::True, a()]), a());
        assert_eq!(Cond::all(vec![a(), Cond::False]), Cond::False);
        assert_eq!(Cond::any(vec![]), Cond::False);
        assert_eq!(Cond::any(vec![a(), Cond::True]), Cond::True);
        let nested = Cond::all(vec![a(), Cond::all(vec![a(), a()])]);
        assert_eq!(nested, Cond::And(vec![a(), a(), a()]));
    }

    #[test]
    fn renders_groups_in_parentheses() {
        let c = Cond::all(vec![Cond::bound("x = ?", 1.into()), Cond::any(vec![Cond::sql("y"), Cond::sql("z")])]);
        let (mut sql, mut params) = (String::new(), Vec::new());
        c.render(&mut sql, &mut params);
        assert_eq!(sql, "x = ? AND (y OR z)");
        assert_eq!(params, [Value::from(1)]);
    }
}
