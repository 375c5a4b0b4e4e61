//! Search restrictions of `FindItem` (`m:Restriction`).

use super::search_terms::{Comparison, ContainmentComparison, ContainmentMode, Operand};
use super::PropertyPath;
use crate::xml::XmlWriter;
use crate::{EwsError, ExchangeVersion};

/// The deepest nesting of `and`, `or` and `not` a restriction may have. Exchange itself
/// refuses deep restrictions; the bound also keeps the recursive writer's stack small.
pub const MAX_RESTRICTION_DEPTH: usize = 32;
/// The most characters a constant may have.
pub const MAX_CONSTANT_CHARS: usize = 32 * 1024;

/// A search restriction: which items `FindItem` returns.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use exchange_ews::items::{ContainmentComparison, ContainmentMode, PropertyPath, Restriction};
///
/// let reviews = Restriction::and(vec![
///     Restriction::contains(
///         PropertyPath::field("item:Subject"),
///         "Review",
///         ContainmentMode::Substring,
///         ContainmentComparison::IgnoreCase,
///     ),
///     Restriction::is_greater_than_or_equal_to(
///         PropertyPath::field("calendar:Start"),
///         Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
///     ),
/// ]);
/// assert!(reviews.check_shape().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Restriction {
    /// A property compared with a constant or another property.
    Compare {
        /// The comparison.
        comparison: Comparison,
        /// The property.
        path: PropertyPath,
        /// What it is compared with.
        operand: Operand,
    },
    /// A string property containing a constant.
    Contains {
        /// The property.
        path: PropertyPath,
        /// The text looked for.
        value: String,
        /// Which part of the property matches.
        mode: ContainmentMode,
        /// How characters compare.
        comparison: ContainmentComparison,
    },
    /// Items that have the property at all.
    Exists(PropertyPath),
    /// Items matching every restriction.
    And(Vec<Restriction>),
    /// Items matching any restriction.
    Or(Vec<Restriction>),
    /// Items not matching the restriction.
    Not(Box<Restriction>),
}

impl Restriction {
    fn compare(comparison: Comparison, path: PropertyPath, operand: impl Into<Operand>) -> Self {
        Self::Compare {
            comparison,
            path,
            operand: operand.into(),
        }
    }

    /// `path` equals `operand`.
    pub fn is_equal_to(path: PropertyPath, operand: impl Into<Operand>) -> Self {
        Self::compare(Comparison::Equal, path, operand)
    }

    /// `path` differs from `operand`.
    pub fn is_not_equal_to(path: PropertyPath, operand: impl Into<Operand>) -> Self {
        Self::compare(Comparison::NotEqual, path, operand)
    }

    /// `path` is greater than `operand`.
    pub fn is_greater_than(path: PropertyPath, operand: impl Into<Operand>) -> Self {
        Self::compare(Comparison::Greater, path, operand)
    }

    /// `path` is greater than or equal to `operand`.
    pub fn is_greater_than_or_equal_to(path: PropertyPath, operand: impl Into<Operand>) -> Self {
        Self::compare(Comparison::GreaterOrEqual, path, operand)
    }

    /// `path` is less than `operand`.
    pub fn is_less_than(path: PropertyPath, operand: impl Into<Operand>) -> Self {
        Self::compare(Comparison::Less, path, operand)
    }

    /// `path` is less than or equal to `operand`.
    pub fn is_less_than_or_equal_to(path: PropertyPath, operand: impl Into<Operand>) -> Self {
        Self::compare(Comparison::LessOrEqual, path, operand)
    }

    /// The string property `path` contains `value` as `mode` and `comparison` say.
    pub fn contains(
        path: PropertyPath,
        value: impl Into<String>,
        mode: ContainmentMode,
        comparison: ContainmentComparison,
    ) -> Self {
        Self::Contains {
            path,
            value: value.into(),
            mode,
            comparison,
        }
    }

    /// The item has the property `path`.
    pub fn exists(path: PropertyPath) -> Self {
        Self::Exists(path)
    }

    /// Every one of `restrictions` holds (at least one is needed).
    pub fn and(restrictions: Vec<Restriction>) -> Self {
        Self::And(restrictions)
    }

    /// Any one of `restrictions` holds (at least one is needed).
    pub fn or(restrictions: Vec<Restriction>) -> Self {
        Self::Or(restrictions)
    }

    /// `restriction` does not hold.
    #[allow(clippy::should_implement_trait)] // A search operator, not boolean negation.
    pub fn not(restriction: Restriction) -> Self {
        Self::Not(Box::new(restriction))
    }

    /// Checks what does not depend on the version: the nesting depth (at most
    /// [`MAX_RESTRICTION_DEPTH`]), empty `and`/`or`, constants (at most
    /// [`MAX_CONSTANT_CHARS`], no control characters but tab, line feed and carriage return)
    /// and every path.
    pub fn check_shape(&self) -> Result<(), EwsError> {
        self.visit(PropertyPath::check_shape)
    }

    /// Checks the restriction and that `version` knows every property it names.
    pub fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        self.visit(|path| path.check(version))
    }

    /// Walks the tree without recursion (it may be deeper than allowed), checking nodes and
    /// handing every path to `check_path`.
    fn visit(
        &self,
        mut check_path: impl FnMut(&PropertyPath) -> Result<(), EwsError>,
    ) -> Result<(), EwsError> {
        let mut stack = vec![(self, 1usize)];
        while let Some((node, depth)) = stack.pop() {
            if depth > MAX_RESTRICTION_DEPTH {
                return Err(invalid(format!(
                    "it is nested deeper than {MAX_RESTRICTION_DEPTH} levels"
                )));
            }
            match node {
                Self::Compare { path, operand, .. } => {
                    check_path(path)?;
                    match operand {
                        Operand::Constant(value) => check_constant(value)?,
                        Operand::Path(other) => check_path(other)?,
                    }
                }
                Self::Contains { path, value, .. } => {
                    check_path(path)?;
                    check_constant(value)?;
                }
                Self::Exists(path) => check_path(path)?,
                Self::And(all) | Self::Or(all) => {
                    if all.is_empty() {
                        return Err(invalid("an and or or needs at least one operand".into()));
                    }
                    stack.extend(all.iter().map(|r| (r, depth + 1)));
                }
                Self::Not(inner) => stack.push((inner, depth + 1)),
            }
        }
        Ok(())
    }

    /// Writes the search expression (inside `m:Restriction`, `t:And`, …); the depth is
    /// checked before, so the recursion is bounded.
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        match self {
            Self::Compare {
                comparison,
                path,
                operand,
            } => {
                w.start(comparison.element(), &[]);
                path.write(w);
                w.start("t:FieldURIOrConstant", &[]);
                match operand {
                    Operand::Constant(value) => {
                        w.empty("t:Constant", &[("Value", value)]);
                    }
                    Operand::Path(other) => other.write(w),
                }
                w.end().end();
            }
            Self::Contains {
                path,
                value,
                mode,
                comparison,
            } => {
                w.start(
                    "t:Contains",
                    &[
                        ("ContainmentMode", mode.as_str()),
                        ("ContainmentComparison", comparison.as_str()),
                    ],
                );
                path.write(w);
                w.empty("t:Constant", &[("Value", value)]).end();
            }
            Self::Exists(path) => {
                w.start("t:Exists", &[]);
                path.write(w);
                w.end();
            }
            Self::And(all) | Self::Or(all) => {
                w.start(
                    if matches!(self, Self::And(_)) {
                        "t:And"
                    } else {
                        "t:Or"
                    },
                    &[],
                );
                for r in all {
                    r.write(w);
                }
                w.end();
            }
            Self::Not(inner) => {
                w.start("t:Not", &[]);
                inner.write(w);
                w.end();
            }
        }
    }
}

fn check_constant(value: &str) -> Result<(), EwsError> {
    if value.chars().count() > MAX_CONSTANT_CHARS {
        return Err(invalid(format!(
            "a constant has more than {MAX_CONSTANT_CHARS} characters"
        )));
    }
    // The writer would replace these; a search for a changed value would find other items.
    if let Some(c) = value
        .chars()
        .find(|c| matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}'))
    {
        return Err(invalid(format!(
            "a constant holds the character U+{:04X}, which XML cannot carry",
            u32::from(c)
        )));
    }
    Ok(())
}

fn invalid(reason: String) -> EwsError {
    EwsError::InvalidArgument {
        argument: "restriction",
        reason,
    }
}
