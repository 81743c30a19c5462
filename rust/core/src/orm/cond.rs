//! A condition tree: what a where clause means, before it is SQL ([`super::render`] writes it).
//! Constant parts fold away (`$in: []` is false, `$and: []` is true), so an empty where is
//! recognisable however it was written.

use serde_json::Value;

/// A comparison operator. `In`/`NotIn` bind one value per list item; `InJson`/`NotInJson`
/// bind the whole list as one JSON array text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    Like,
    IsNull,
    IsNotNull,
    In,
    NotIn,
    InJson,
    NotInJson,
}

/// One test of one column against its bound values (already in stored form: see
/// [`super::bind`]). The column name is validated; the renderer quotes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    pub column: String,
    pub op: Op,
    pub values: Vec<Value>,
}

/// A boolean condition over a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    True,
    False,
    Test(Test),
    /// All of these, at least two, none of them an `And`, `True` or `False`.
    And(Vec<Cond>),
    /// One of these, at least two, none of them an `Or`, `True` or `False`.
    Or(Vec<Cond>),
}

impl Cond {
    /// A test without values (`IS NULL`, `IS NOT NULL`).
    ///
    /// ```
    /// use dorm_core::orm::cond::{Cond, Op};
    /// assert!(matches!(Cond::test("a", Op::IsNull, vec![]), Cond::Test(_)));
    /// ```
    pub fn test(column: &str, op: Op, values: Vec<Value>) -> Cond {
        Cond::Test(Test { column: column.to_string(), op, values })
    }

    /// A test against one value.
    pub fn compare(column: &str, op: Op, value: Value) -> Cond {
        Cond::test(column, op, vec![value])
    }

    /// All of `terms`, folded.
    ///
    /// ```
    /// use dorm_core::orm::cond::Cond;
    /// assert_eq!(Cond::all(vec![Cond::True, Cond::True]), Cond::True);
    /// assert_eq!(Cond::all(vec![Cond::True, Cond::False]), Cond::False);
    /// ```
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
    ///
    /// ```
    /// use dorm_core::orm::cond::Cond;
    /// assert_eq!(Cond::any(vec![]), Cond::False);
    /// ```
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_constants_and_flattens() {
        let a = || Cond::test("a", Op::IsNull, vec![]);
        assert_eq!(Cond::all(vec![Cond::True, a()]), a());
        assert_eq!(Cond::all(vec![a(), Cond::False]), Cond::False);
        assert_eq!(Cond::any(vec![a(), Cond::True]), Cond::True);
        let nested = Cond::all(vec![a(), Cond::all(vec![a(), a()])]);
        assert_eq!(nested, Cond::And(vec![a(), a(), a()]));
        let nested = Cond::any(vec![Cond::any(vec![a(), a()]), Cond::False, a()]);
        assert_eq!(nested, Cond::Or(vec![a(), a(), a()]));
    }
}
