//! Filters and queries of the tables area.
//!
//! A filter from the wire is a tree a hostile caller shapes: it is read with a count of its
//! nodes and its depth, and refused as soon as either passes the API's bounds
//! ([`MAX_NODES`], [`MAX_DEPTH`]), before any deeper part is read, so the reading recurses at
//! most `MAX_DEPTH + 1` levels. (prost refuses messages nested more than 100 levels before
//! that.) What is read is then checked as every filter from a wire is
//! ([`Filter::check_shape`]); whether its fields fit a table is the gateway's to check.

use mediagateway_api::tables::{
    Comparison, Filter, Literal, Query, SortKey, TableQuery, MAX_DEPTH, MAX_NODES,
};
use mediagateway_api::ApiError;

use super::millis;
use super::records::{
    date, finite, optional, required, table, unspecified, wire_date, wire_enum, within,
};
use crate::proto;
use crate::proto::filter::Test;

impl From<Comparison> for proto::Comparison {
    fn from(op: Comparison) -> Self {
        match op {
            Comparison::Equal => Self::Equal,
            Comparison::NotEqual => Self::NotEqual,
            Comparison::Less => Self::Less,
            Comparison::LessOrEqual => Self::LessOrEqual,
            Comparison::Greater => Self::Greater,
            Comparison::GreaterOrEqual => Self::GreaterOrEqual,
        }
    }
}

impl TryFrom<proto::Comparison> for Comparison {
    type Error = ApiError;

    fn try_from(op: proto::Comparison) -> Result<Self, ApiError> {
        use proto::Comparison as Wire;
        Ok(match op {
            Wire::Equal => Self::Equal,
            Wire::NotEqual => Self::NotEqual,
            Wire::Less => Self::Less,
            Wire::LessOrEqual => Self::LessOrEqual,
            Wire::Greater => Self::Greater,
            Wire::GreaterOrEqual => Self::GreaterOrEqual,
            Wire::Unspecified => return unspecified("the comparison"),
        })
    }
}

impl From<&Literal> for proto::Literal {
    fn from(literal: &Literal) -> Self {
        use proto::literal::Kind;
        let kind = match literal {
            Literal::Text(text) => Kind::Text(text.clone()),
            Literal::Integer(n) => Kind::Integer(*n),
            Literal::Decimal(d) => Kind::Decimal(*d),
            Literal::Boolean(b) => Kind::Boolean(*b),
            Literal::DateTime(t) => Kind::DateTimeMs(millis(*t)),
            Literal::Date(d) => Kind::Date(wire_date(*d)),
        };
        Self { kind: Some(kind) }
    }
}

impl TryFrom<proto::Literal> for Literal {
    type Error = ApiError;

    fn try_from(literal: proto::Literal) -> Result<Self, ApiError> {
        use proto::literal::Kind;
        let kind = literal
            .kind
            .ok_or_else(|| ApiError::invalid("a value of no type"))?;
        Ok(match kind {
            Kind::Text(text) => Self::Text(text),
            Kind::Integer(n) => Self::Integer(n),
            Kind::Decimal(d) => Self::Decimal(finite(d, "a decimal")?),
            Kind::Boolean(b) => Self::Boolean(b),
            Kind::DateTimeMs(ms) => Self::DateTime(super::time(ms, "an instant")?),
            Kind::Date(d) => Self::Date(date(Some(d), "a date")?),
        })
    }
}

fn text_test(field: &str, value: &str, case_sensitive: bool) -> proto::filter::TextTest {
    proto::filter::TextTest {
        field: field.to_owned(),
        value: value.to_owned(),
        case_sensitive,
    }
}

impl From<&Filter> for proto::Filter {
    fn from(filter: &Filter) -> Self {
        let parts = |parts: &[Filter]| proto::filter::Parts {
            parts: parts.iter().map(Into::into).collect(),
        };
        let test = match filter {
            Filter::Compare { field, op, value } => Test::Compare(proto::filter::Compare {
                field: field.clone(),
                op: proto::Comparison::from(*op).into(),
                value: Some(value.into()),
            }),
            Filter::Contains {
                field,
                value,
                case_sensitive,
            } => Test::Contains(text_test(field, value, *case_sensitive)),
            Filter::StartsWith {
                field,
                value,
                case_sensitive,
            } => Test::StartsWith(text_test(field, value, *case_sensitive)),
            Filter::Exists { field } => Test::Exists(proto::filter::Exists {
                field: field.clone(),
            }),
            Filter::And(all) => Test::And(parts(all)),
            Filter::Or(any) => Test::Or(parts(any)),
            Filter::Not(part) => Test::Not(Box::new((&**part).into())),
        };
        Self { test: Some(test) }
    }
}

/// Reads a filter within the API's bounds, then checks its shape.
impl TryFrom<proto::Filter> for Filter {
    type Error = ApiError;

    fn try_from(filter: proto::Filter) -> Result<Self, ApiError> {
        let mut nodes = 0;
        let filter = read(filter, 0, &mut nodes)?;
        filter.check_shape()?;
        Ok(filter)
    }
}

/// One node of a filter at `depth`, after `nodes` others: counted and bounded before its parts
/// are read.
fn read(filter: proto::Filter, depth: usize, nodes: &mut usize) -> Result<Filter, ApiError> {
    *nodes += 1;
    if *nodes > MAX_NODES {
        return Err(ApiError::invalid(format!(
            "a filter of more than {MAX_NODES} parts"
        )));
    }
    if depth > MAX_DEPTH {
        return Err(ApiError::invalid(format!(
            "a filter nested deeper than {MAX_DEPTH}"
        )));
    }
    let test = filter
        .test
        .ok_or_else(|| ApiError::invalid("a part of a filter that tests nothing"))?;
    Ok(match test {
        Test::Compare(compare) => {
            let op = wire_enum::<proto::Comparison>(compare.op, "the comparison")?;
            Filter::Compare {
                op: op.try_into().map_err(within(&compare.field))?,
                value: compare
                    .value
                    .ok_or_else(|| {
                        ApiError::invalid(format!(
                            "{}: the value compared with is missing",
                            compare.field
                        ))
                    })
                    .and_then(|value| Literal::try_from(value).map_err(within(&compare.field)))?,
                field: compare.field,
            }
        }
        Test::Contains(test) => Filter::Contains {
            field: test.field,
            value: test.value,
            case_sensitive: test.case_sensitive,
        },
        Test::StartsWith(test) => Filter::StartsWith {
            field: test.field,
            value: test.value,
            case_sensitive: test.case_sensitive,
        },
        Test::Exists(exists) => Filter::Exists {
            field: exists.field,
        },
        Test::And(all) => Filter::And(read_parts(all, depth, nodes)?),
        Test::Or(any) => Filter::Or(read_parts(any, depth, nodes)?),
        Test::Not(part) => Filter::Not(Box::new(read(*part, depth + 1, nodes)?)),
    })
}

/// The parts of an and/or at `depth`; more parts than nodes are left is refused before any is
/// read.
fn read_parts(
    parts: proto::filter::Parts,
    depth: usize,
    nodes: &mut usize,
) -> Result<Vec<Filter>, ApiError> {
    if parts.parts.len() > MAX_NODES.saturating_sub(*nodes) {
        return Err(ApiError::invalid(format!(
            "a filter of more than {MAX_NODES} parts"
        )));
    }
    parts
        .parts
        .into_iter()
        .map(|part| read(part, depth + 1, nodes))
        .collect()
}

impl From<&SortKey> for proto::SortKey {
    fn from(key: &SortKey) -> Self {
        Self {
            field: key.field.clone(),
            descending: key.descending,
        }
    }
}

impl TryFrom<proto::SortKey> for SortKey {
    type Error = ApiError;

    fn try_from(key: proto::SortKey) -> Result<Self, ApiError> {
        Ok(Self {
            field: key.field,
            descending: key.descending,
        })
    }
}

impl From<&Query> for proto::Query {
    fn from(query: &Query) -> Self {
        Self {
            filter: query.filter.as_ref().map(Into::into),
            sort: query.sort.iter().map(Into::into).collect(),
            fields: query.fields.clone(),
            page_size: query.page_size,
            page_token: query.page_token.clone(),
        }
    }
}

impl TryFrom<proto::Query> for Query {
    type Error = ApiError;

    fn try_from(query: proto::Query) -> Result<Self, ApiError> {
        Ok(Self {
            filter: optional(query.filter, "filter")?,
            sort: query
                .sort
                .into_iter()
                .map(SortKey::try_from)
                .collect::<Result<_, _>>()?,
            fields: query.fields,
            page_size: query.page_size,
            page_token: query.page_token,
        })
    }
}

impl From<&TableQuery> for proto::TableQuery {
    fn from(query: &TableQuery) -> Self {
        Self {
            table: query.table.name().to_owned(),
            query: Some((&query.query).into()),
            folder: query.folder.as_ref().map(Into::into),
            window: query.window.as_ref().map(Into::into),
        }
    }
}

impl TryFrom<proto::TableQuery> for TableQuery {
    type Error = ApiError;

    fn try_from(query: proto::TableQuery) -> Result<Self, ApiError> {
        Ok(Self {
            table: table(&query.table)?,
            query: required(query.query, "query")?,
            folder: optional(query.folder, "folder")?,
            window: optional(query.window, "window")?,
        })
    }
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
