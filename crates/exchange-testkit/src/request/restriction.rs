//! `Restriction` and `SortOrder` of `FindItem`, decoded into trees the fake evaluates.

use super::{enum_attr, required_enum_attr, violation, TYPES};
use crate::dom::Element;
use crate::error::Error;

/// A property named in a restriction or sort order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathRef {
    /// `FieldURI` with its URI.
    Field(String),
    /// `ExtendedFieldURI`, the element itself (its attributes name the property; boxed, as
    /// an element is large).
    Extended(Box<Element>),
    /// `IndexedFieldURI`: the dictionary's `FieldURI` and the entry's `FieldIndex`.
    Indexed {
        /// `FieldURI`, such as `contacts:EmailAddress`.
        uri: String,
        /// `FieldIndex`, such as `EmailAddress1`.
        index: String,
    },
}

/// The comparisons of two-operand expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
    /// `IsEqualTo`.
    Equal,
    /// `IsNotEqualTo`.
    NotEqual,
    /// `IsGreaterThan`.
    Greater,
    /// `IsGreaterThanOrEqualTo`.
    GreaterOrEqual,
    /// `IsLessThan`.
    Less,
    /// `IsLessThanOrEqualTo`.
    LessOrEqual,
}

/// The right side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Operand {
    /// `Constant/@Value`.
    Constant(String),
    /// Another property.
    Path(PathRef),
}

/// A decoded search expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Filter {
    /// A two-operand comparison.
    Compare(Comparison, PathRef, Operand),
    /// `Contains`.
    Contains {
        /// The property.
        path: PathRef,
        /// The text looked for.
        value: String,
        /// `ContainmentMode` (default `FullString`).
        mode: String,
        /// Whether `ContainmentComparison` ignores case.
        ignore_case: bool,
    },
    /// `Exists`.
    Exists(PathRef),
    /// `And`.
    And(Vec<Filter>),
    /// `Or`.
    Or(Vec<Filter>),
    /// `Not`.
    Not(Box<Filter>),
    /// An expression the fake does not evaluate (`Excludes`, `Near`), by name.
    Unsupported(String),
}

const MODES: &[&str] = &[
    "FullString",
    "Prefixed",
    "Substring",
    "PrefixOnWords",
    "ExactPhrase",
];
const COMPARISONS: &[&str] = &[
    "Exact",
    "IgnoreCase",
    "IgnoreNonSpacingCharacters",
    "Loose",
    "IgnoreCaseAndNonSpacingCharacters",
    "LooseAndIgnoreCase",
    "LooseAndIgnoreNonSpace",
    "LooseAndIgnoreCaseAndIgnoreNonSpace",
];

/// Decodes the one expression of `m:Restriction` (several are a schema violation for
/// Exchange too, which takes only the first; the fake refuses them).
pub(crate) fn restriction(element: &Element) -> Result<Filter, Error> {
    match element.children.as_slice() {
        [only] => expression(only),
        _ => Err(violation(
            element,
            "The element 'Restriction' must hold exactly one search expression.",
        )),
    }
}

/// Decodes `m:SortOrder`: the keys with whether each is descending.
pub(crate) fn sort_order(element: &Element) -> Result<Vec<(PathRef, bool)>, Error> {
    let mut keys = Vec::new();
    for order in &element.children {
        if !order.is(TYPES, "FieldOrder") {
            return Err(violation(
                order,
                "SortOrder holds only FieldOrder elements.",
            ));
        }
        let direction = required_enum_attr(order, "Order", &["Ascending", "Descending"])?;
        let [path] = order.children.as_slice() else {
            return Err(violation(order, "FieldOrder holds exactly one path."));
        };
        keys.push((path_ref(path)?, direction == "Descending"));
    }
    if keys.is_empty() {
        return Err(violation(
            element,
            "SortOrder needs at least one FieldOrder.",
        ));
    }
    Ok(keys)
}

fn expression(e: &Element) -> Result<Filter, Error> {
    if e.ns != TYPES {
        return Err(violation(
            e,
            format!("'{}' is not a search expression.", e.name),
        ));
    }
    let comparison = match e.name.as_str() {
        "IsEqualTo" => Some(Comparison::Equal),
        "IsNotEqualTo" => Some(Comparison::NotEqual),
        "IsGreaterThan" => Some(Comparison::Greater),
        "IsGreaterThanOrEqualTo" => Some(Comparison::GreaterOrEqual),
        "IsLessThan" => Some(Comparison::Less),
        "IsLessThanOrEqualTo" => Some(Comparison::LessOrEqual),
        _ => None,
    };
    if let Some(comparison) = comparison {
        let [left, right] = e.children.as_slice() else {
            return Err(violation(
                e,
                "A comparison holds a path and FieldURIOrConstant.",
            ));
        };
        if !right.is(TYPES, "FieldURIOrConstant") {
            return Err(violation(
                right,
                "The second operand must be FieldURIOrConstant.",
            ));
        }
        let [inner] = right.children.as_slice() else {
            return Err(violation(
                right,
                "FieldURIOrConstant holds exactly one element.",
            ));
        };
        let operand = if inner.is(TYPES, "Constant") {
            Operand::Constant(constant(inner)?)
        } else {
            Operand::Path(path_ref(inner)?)
        };
        return Ok(Filter::Compare(comparison, path_ref(left)?, operand));
    }
    match e.name.as_str() {
        "Contains" => {
            let mode = enum_attr(e, "ContainmentMode", MODES)?.unwrap_or("FullString");
            let compare = enum_attr(e, "ContainmentComparison", COMPARISONS)?.unwrap_or("Exact");
            let [path, value] = e.children.as_slice() else {
                return Err(violation(e, "Contains holds a path and a Constant."));
            };
            if !value.is(TYPES, "Constant") {
                return Err(violation(value, "Contains needs a Constant."));
            }
            Ok(Filter::Contains {
                path: path_ref(path)?,
                value: constant(value)?,
                mode: mode.to_owned(),
                ignore_case: compare.contains("IgnoreCase"),
            })
        }
        "Exists" => match e.children.as_slice() {
            [path] => Ok(Filter::Exists(path_ref(path)?)),
            _ => Err(violation(e, "Exists holds exactly one path.")),
        },
        "And" | "Or" => {
            if e.children.is_empty() {
                return Err(violation(e, format!("'{}' needs an operand.", e.name)));
            }
            let all = e
                .children
                .iter()
                .map(expression)
                .collect::<Result<_, _>>()?;
            Ok(if e.name == "And" {
                Filter::And(all)
            } else {
                Filter::Or(all)
            })
        }
        "Not" => match e.children.as_slice() {
            [inner] => Ok(Filter::Not(Box::new(expression(inner)?))),
            _ => Err(violation(e, "Not holds exactly one expression.")),
        },
        "Excludes" | "Near" => Ok(Filter::Unsupported(e.name.clone())),
        other => Err(violation(
            e,
            format!("'{other}' is not a search expression."),
        )),
    }
}

fn constant(e: &Element) -> Result<String, Error> {
    e.attr("Value")
        .map(str::to_owned)
        .ok_or_else(|| violation(e, "The required attribute 'Value' is missing."))
}

fn path_ref(e: &Element) -> Result<PathRef, Error> {
    let uri = || {
        e.attr("FieldURI")
            .ok_or_else(|| violation(e, "The required attribute 'FieldURI' is missing."))
    };
    if e.is(TYPES, "FieldURI") {
        Ok(PathRef::Field(uri()?.to_owned()))
    } else if e.is(TYPES, "IndexedFieldURI") {
        let index = e
            .attr("FieldIndex")
            .ok_or_else(|| violation(e, "The required attribute 'FieldIndex' is missing."))?;
        Ok(PathRef::Indexed {
            uri: uri()?.to_owned(),
            index: index.to_owned(),
        })
    } else if e.is(TYPES, "ExtendedFieldURI") {
        Ok(PathRef::Extended(Box::new(e.clone())))
    } else {
        Err(violation(
            e,
            format!("'{}' is not a property path.", e.name),
        ))
    }
}
