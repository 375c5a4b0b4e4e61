//! The terms of search expressions: comparisons, operands and containment options.

use chrono::{DateTime, Utc};

use super::PropertyPath;
use crate::xml::format_date_time;

/// How a comparison relates a property to its operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
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

impl Comparison {
    /// The element name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equal => "IsEqualTo",
            Self::NotEqual => "IsNotEqualTo",
            Self::Greater => "IsGreaterThan",
            Self::GreaterOrEqual => "IsGreaterThanOrEqualTo",
            Self::Less => "IsLessThan",
            Self::LessOrEqual => "IsLessThanOrEqualTo",
        }
    }

    pub(super) fn element(self) -> &'static str {
        match self {
            Self::Equal => "t:IsEqualTo",
            Self::NotEqual => "t:IsNotEqualTo",
            Self::Greater => "t:IsGreaterThan",
            Self::GreaterOrEqual => "t:IsGreaterThanOrEqualTo",
            Self::Less => "t:IsLessThan",
            Self::LessOrEqual => "t:IsLessThanOrEqualTo",
        }
    }
}

/// What a property is compared with: a constant or another property.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Operand {
    /// A constant, as the schema's string form of the property's type.
    Constant(String),
    /// Another property of the same item.
    Path(PropertyPath),
}

impl From<&str> for Operand {
    fn from(value: &str) -> Self {
        Self::Constant(value.to_owned())
    }
}

impl From<String> for Operand {
    fn from(value: String) -> Self {
        Self::Constant(value)
    }
}

impl From<DateTime<Utc>> for Operand {
    fn from(value: DateTime<Utc>) -> Self {
        Self::Constant(format_date_time(value))
    }
}

impl From<bool> for Operand {
    fn from(value: bool) -> Self {
        Self::Constant(value.to_string())
    }
}

impl From<i64> for Operand {
    fn from(value: i64) -> Self {
        Self::Constant(value.to_string())
    }
}

impl From<PropertyPath> for Operand {
    fn from(path: PropertyPath) -> Self {
        Self::Path(path)
    }
}

/// Which part of a string `Contains` matches (`ContainmentMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainmentMode {
    /// The whole string.
    FullString,
    /// The start of the string.
    Prefixed,
    /// Anywhere in the string.
    Substring,
    /// The start of any word.
    PrefixOnWords,
    /// An exact phrase.
    ExactPhrase,
}

impl ContainmentMode {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FullString => "FullString",
            Self::Prefixed => "Prefixed",
            Self::Substring => "Substring",
            Self::PrefixOnWords => "PrefixOnWords",
            Self::ExactPhrase => "ExactPhrase",
        }
    }
}

/// How strictly `Contains` compares characters (`ContainmentComparison`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainmentComparison {
    /// Character by character.
    Exact,
    /// Ignoring case.
    IgnoreCase,
    /// Ignoring non-spacing characters (diacritics).
    IgnoreNonSpacingCharacters,
    /// Ignoring case and non-spacing characters.
    IgnoreCaseAndNonSpacingCharacters,
}

impl ContainmentComparison {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "Exact",
            Self::IgnoreCase => "IgnoreCase",
            Self::IgnoreNonSpacingCharacters => "IgnoreNonSpacingCharacters",
            Self::IgnoreCaseAndNonSpacingCharacters => "IgnoreCaseAndNonSpacingCharacters",
        }
    }
}
