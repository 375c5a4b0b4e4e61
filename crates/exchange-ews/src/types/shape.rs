//! Response shapes (`m:ItemShape`) and sort orders (`m:SortOrder`).

use super::PropertyPath;
use crate::xml::XmlWriter;
use crate::{EwsError, ExchangeVersion};

/// The most properties a shape or sort order may name; Exchange's own requests stay far
/// below, and the bound keeps a request from growing without limit.
pub const MAX_PATHS: usize = 256;

/// The base set of properties a shape returns (`BaseShape`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BaseShape {
    /// Only the item id.
    IdOnly,
    /// The default properties of each item kind.
    #[default]
    Default,
    /// All the properties of the item kind the server returns for `AllProperties`.
    AllProperties,
}

impl BaseShape {
    /// The element text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IdOnly => "IdOnly",
            Self::Default => "Default",
            Self::AllProperties => "AllProperties",
        }
    }
}

/// The format bodies come back in (`BodyType` of a shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyFormat {
    /// What the item holds, HTML or text.
    Best,
    /// Plain text.
    Text,
    /// HTML.
    Html,
}

impl BodyFormat {
    /// The element text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Best => "Best",
            Self::Text => "Text",
            Self::Html => "HTML",
        }
    }
}

/// Which properties of items an answer carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ItemShape {
    /// The base set.
    pub base: BaseShape,
    /// Properties beyond the base set.
    pub additional: Vec<PropertyPath>,
    /// The body format, when not the server's default.
    pub body_type: Option<BodyFormat>,
}

impl ItemShape {
    /// A shape of `base` with nothing added.
    pub fn new(base: BaseShape) -> Self {
        Self {
            base,
            additional: Vec::new(),
            body_type: None,
        }
    }

    /// The shape with `path` added.
    pub fn with(mut self, path: PropertyPath) -> Self {
        self.additional.push(path);
        self
    }

    /// The shape with bodies in `format`.
    pub fn with_body_type(mut self, format: BodyFormat) -> Self {
        self.body_type = Some(format);
        self
    }

    /// Checks every path and their number (at most [`MAX_PATHS`]).
    pub fn check_shape(&self) -> Result<(), EwsError> {
        check_count("item shape", self.additional.len())?;
        self.additional
            .iter()
            .try_for_each(PropertyPath::check_shape)
    }

    /// Checks the shape and that `version` knows every property it names.
    pub fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        check_count("item shape", self.additional.len())?;
        self.additional.iter().try_for_each(|p| p.check(version))
    }

    /// Writes `m:ItemShape`.
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.start("m:ItemShape", &[])
            .text_element("t:BaseShape", &[], self.base.as_str());
        if let Some(format) = self.body_type {
            w.text_element("t:BodyType", &[], format.as_str());
        }
        if !self.additional.is_empty() {
            w.start("t:AdditionalProperties", &[]);
            for path in &self.additional {
                path.write(w);
            }
            w.end();
        }
        w.end();
    }
}

/// The direction of one sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortDirection {
    /// Smallest first.
    Ascending,
    /// Largest first.
    Descending,
}

impl SortDirection {
    /// The `Order` attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ascending => "Ascending",
            Self::Descending => "Descending",
        }
    }
}

/// The order of `FindItem` results: sort keys, the first most significant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortOrder {
    keys: Vec<(PropertyPath, SortDirection)>,
}

impl SortOrder {
    /// A sort order by `keys`; at least one and at most [`MAX_PATHS`], each a valid path.
    pub fn new(keys: Vec<(PropertyPath, SortDirection)>) -> Result<Self, EwsError> {
        if keys.is_empty() {
            return Err(EwsError::InvalidArgument {
                argument: "sort order",
                reason: "it needs at least one key".into(),
            });
        }
        check_count("sort order", keys.len())?;
        keys.iter().try_for_each(|(p, _)| p.check_shape())?;
        Ok(Self { keys })
    }

    /// The keys, the first most significant.
    pub fn keys(&self) -> &[(PropertyPath, SortDirection)] {
        &self.keys
    }

    /// Checks that `version` knows every property.
    pub fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        self.keys.iter().try_for_each(|(p, _)| p.check(version))
    }

    /// Writes `m:SortOrder`.
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.start("m:SortOrder", &[]);
        for (path, direction) in &self.keys {
            w.start("t:FieldOrder", &[("Order", direction.as_str())]);
            path.write(w);
            w.end();
        }
        w.end();
    }
}

fn check_count(argument: &'static str, count: usize) -> Result<(), EwsError> {
    if count > MAX_PATHS {
        return Err(EwsError::InvalidArgument {
            argument,
            reason: format!("{count} properties are more than {MAX_PATHS}"),
        });
    }
    Ok(())
}
