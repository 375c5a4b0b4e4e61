//! Paths to item properties: `t:FieldURI`, `t:IndexedFieldURI` and `t:ExtendedFieldURI`.

use std::borrow::Cow;
use std::fmt;

use super::field_versions::{field_since, indexed_since};
use crate::xml::XmlWriter;
use crate::{EwsError, ExchangeVersion};

/// Declares a closed list of schema names as an enum with `as_str` and `ALL`.
macro_rules! schema_names {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in schema order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The name as the schema spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }
    };
}

schema_names!(
    /// A well-known property set of extended properties (`DistinguishedPropertySetId`).
    DistinguishedPropertySet {
        /// `Meeting`.
        Meeting = "Meeting",
        /// `Appointment`.
        Appointment = "Appointment",
        /// `Common`.
        Common = "Common",
        /// `PublicStrings`.
        PublicStrings = "PublicStrings",
        /// `Address`.
        Address = "Address",
        /// `InternetHeaders`.
        InternetHeaders = "InternetHeaders",
        /// `CalendarAssistant`.
        CalendarAssistant = "CalendarAssistant",
        /// `UnifiedMessaging`.
        UnifiedMessaging = "UnifiedMessaging",
        /// `Task`.
        Task = "Task",
    }
);

schema_names!(
    /// The MAPI type of an extended property (`PropertyType`).
    MapiPropertyType {
        /// `ApplicationTime`.
        ApplicationTime = "ApplicationTime",
        /// `Binary`.
        Binary = "Binary",
        /// `BinaryArray`.
        BinaryArray = "BinaryArray",
        /// `Boolean`.
        Boolean = "Boolean",
        /// `CLSID`.
        Clsid = "CLSID",
        /// `Currency`.
        Currency = "Currency",
        /// `Double`.
        Double = "Double",
        /// `Float`.
        Float = "Float",
        /// `Integer`.
        Integer = "Integer",
        /// `IntegerArray`.
        IntegerArray = "IntegerArray",
        /// `Long`.
        Long = "Long",
        /// `Short`.
        Short = "Short",
        /// `SystemTime`.
        SystemTime = "SystemTime",
        /// `String`.
        String = "String",
        /// `StringArray`.
        StringArray = "StringArray",
    }
);

/// The longest name of a named extended property or header key the crate writes.
const MAX_NAME_CHARS: usize = 256;

/// A path to a property of an item, as restrictions, sort orders and shapes name them.
///
/// Which attributes an extended path may combine is fixed by the schema: a property tag
/// alone, or one property set (distinguished or by GUID) with one name or id.
/// [`check`](Self::check) enforces that and the version the property needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PropertyPath {
    /// A field URI such as `item:Subject` (`t:FieldURI`).
    Field(Cow<'static, str>),
    /// One entry of a dictionary property (`t:IndexedFieldURI`), such as
    /// `contacts:EmailAddress` / `EmailAddress1`.
    Indexed {
        /// The dictionary URI.
        field_uri: Cow<'static, str>,
        /// The key of the entry.
        field_index: Cow<'static, str>,
    },
    /// A MAPI property (`t:ExtendedFieldURI`).
    Extended {
        /// A well-known property set.
        distinguished_property_set_id: Option<DistinguishedPropertySet>,
        /// A property set by GUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).
        property_set_id: Option<String>,
        /// A property tag (without its type part), written as hex.
        property_tag: Option<u16>,
        /// The name of a named property.
        property_name: Option<String>,
        /// The id of a named property.
        property_id: Option<i32>,
        /// The MAPI type.
        property_type: MapiPropertyType,
    },
}

impl PropertyPath {
    /// A field URI such as `item:Subject`.
    pub fn field(uri: impl Into<Cow<'static, str>>) -> Self {
        Self::Field(uri.into())
    }

    /// An entry of a dictionary property such as `contacts:EmailAddress` / `EmailAddress1`.
    pub fn indexed(
        field_uri: impl Into<Cow<'static, str>>,
        field_index: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::Indexed {
            field_uri: field_uri.into(),
            field_index: field_index.into(),
        }
    }

    /// A MAPI property by tag (`0x0037` is `PR_SUBJECT`).
    pub fn tagged(property_tag: u16, property_type: MapiPropertyType) -> Self {
        Self::Extended {
            distinguished_property_set_id: None,
            property_set_id: None,
            property_tag: Some(property_tag),
            property_name: None,
            property_id: None,
            property_type,
        }
    }

    /// A named property of a well-known property set.
    pub fn named(
        set: DistinguishedPropertySet,
        name: impl Into<String>,
        property_type: MapiPropertyType,
    ) -> Self {
        Self::Extended {
            distinguished_property_set_id: Some(set),
            property_set_id: None,
            property_tag: None,
            property_name: Some(name.into()),
            property_id: None,
            property_type,
        }
    }

    /// A property with a numeric id of a property set given by GUID.
    pub fn with_id(set: impl Into<String>, id: i32, property_type: MapiPropertyType) -> Self {
        Self::Extended {
            distinguished_property_set_id: None,
            property_set_id: Some(set.into()),
            property_tag: None,
            property_name: None,
            property_id: Some(id),
            property_type,
        }
    }

    /// Checks the path on its own: a known URI, an accepted key, an attribute combination
    /// the schema allows. Errors are [`EwsError::InvalidArgument`].
    pub fn check_shape(&self) -> Result<(), EwsError> {
        self.since().map(|_| ())
    }

    /// Checks the path and that `version` knows the property ("never request a property
    /// the chosen version does not know").
    pub fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        let since = self.since()?;
        if version < since {
            return Err(invalid(format!(
                "{self} needs {since} or later, the request is for {version}"
            )));
        }
        Ok(())
    }

    /// The first version that knows the property, once the path is checked.
    fn since(&self) -> Result<ExchangeVersion, EwsError> {
        match self {
            Self::Field(uri) => {
                field_since(uri).ok_or_else(|| invalid(format!("{uri:?} is not a known field URI")))
            }
            Self::Indexed {
                field_uri,
                field_index,
            } => {
                let (since, keys) = indexed_since(field_uri).ok_or_else(|| {
                    invalid(format!("{field_uri:?} is not a known dictionary URI"))
                })?;
                let accepted = if keys.is_empty() {
                    is_header_name(field_index)
                } else {
                    keys.contains(&field_index.as_ref())
                };
                if !accepted {
                    return Err(invalid(format!(
                        "{:?} is not a key of {field_uri}",
                        cut(field_index)
                    )));
                }
                Ok(since)
            }
            Self::Extended {
                distinguished_property_set_id,
                property_set_id,
                property_tag,
                property_name,
                property_id,
                ..
            } => {
                let sets = usize::from(distinguished_property_set_id.is_some())
                    + usize::from(property_set_id.is_some());
                let names =
                    usize::from(property_name.is_some()) + usize::from(property_id.is_some());
                let combination_ok = match property_tag {
                    Some(_) => sets == 0 && names == 0,
                    None => sets == 1 && names == 1,
                };
                if !combination_ok {
                    return Err(invalid(
                        "an extended property needs a property tag alone, or one property set \
                         (distinguished or by GUID) with one name or id"
                            .into(),
                    ));
                }
                if let Some(guid) = property_set_id {
                    if !is_guid(guid) {
                        return Err(invalid(format!("{:?} is not a GUID", cut(guid))));
                    }
                }
                if let Some(name) = property_name {
                    let length = name.chars().count();
                    if length == 0 || length > MAX_NAME_CHARS || name.chars().any(char::is_control)
                    {
                        return Err(invalid(format!(
                            "a property name must have 1 to {MAX_NAME_CHARS} characters and no \
                             control characters, not {:?}",
                            cut(name)
                        )));
                    }
                }
                Ok(ExchangeVersion::Exchange2007Sp1)
            }
        }
    }

    /// Writes the path element.
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        match self {
            Self::Field(uri) => {
                w.empty("t:FieldURI", &[("FieldURI", uri)]);
            }
            Self::Indexed {
                field_uri,
                field_index,
            } => {
                w.empty(
                    "t:IndexedFieldURI",
                    &[("FieldURI", field_uri), ("FieldIndex", field_index)],
                );
            }
            Self::Extended {
                distinguished_property_set_id,
                property_set_id,
                property_tag,
                property_name,
                property_id,
                property_type,
            } => {
                let tag = property_tag.map(|t| format!("0x{t:04x}"));
                let id = property_id.map(|i| i.to_string());
                let mut attributes: Vec<(&str, &str)> = Vec::new();
                if let Some(set) = distinguished_property_set_id {
                    attributes.push(("DistinguishedPropertySetId", set.as_str()));
                }
                if let Some(set) = property_set_id {
                    attributes.push(("PropertySetId", set));
                }
                if let Some(tag) = &tag {
                    attributes.push(("PropertyTag", tag));
                }
                if let Some(name) = property_name {
                    attributes.push(("PropertyName", name));
                }
                if let Some(id) = &id {
                    attributes.push(("PropertyId", id));
                }
                attributes.push(("PropertyType", property_type.as_str()));
                w.empty("t:ExtendedFieldURI", &attributes);
            }
        }
    }
}

impl From<&'static str> for PropertyPath {
    fn from(uri: &'static str) -> Self {
        Self::field(uri)
    }
}

impl fmt::Display for PropertyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Field(uri) => f.write_str(uri),
            Self::Indexed {
                field_uri,
                field_index,
            } => write!(f, "{field_uri}[{}]", cut(field_index)),
            Self::Extended {
                property_tag: Some(tag),
                ..
            } => write!(f, "extended property 0x{tag:04x}"),
            Self::Extended {
                property_name: Some(name),
                ..
            } => write!(f, "extended property {:?}", cut(name)),
            Self::Extended { property_id, .. } => {
                write!(f, "extended property #{}", property_id.unwrap_or_default())
            }
        }
    }
}

fn invalid(reason: String) -> EwsError {
    EwsError::InvalidArgument {
        argument: "property path",
        reason,
    }
}

/// The start of a value for an error message.
fn cut(value: &str) -> String {
    value.chars().take(60).collect()
}

/// A header name as RFC 5322 allows it: printable ASCII without a colon.
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_CHARS
        && name.bytes().all(|b| (33..=126).contains(&b) && b != b':')
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits.
fn is_guid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}
