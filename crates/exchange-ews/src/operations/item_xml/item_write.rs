//! Writing and checking the properties every new item kind shares: subject, sensitivity,
//! body, categories, importance; and the checks of values Exchange would refuse.

use std::collections::HashSet;

use base64::Engine as _;

use crate::items::{
    Body, ExtendedProperty, ExtendedValue, Importance, Mailbox, MapiPropertyType, PropertyPath,
    Sensitivity,
};
use crate::soap::cut;
use crate::xml::XmlWriter;
use crate::EwsError;

/// The `t:ItemType` properties of a new item, written in schema order.
#[derive(Debug, Default)]
pub(crate) struct SharedProperties<'a> {
    pub(crate) item_class: Option<&'a str>,
    pub(crate) subject: Option<&'a str>,
    pub(crate) sensitivity: Option<Sensitivity>,
    pub(crate) body: Option<&'a Body>,
    pub(crate) categories: &'a [String],
    pub(crate) importance: Option<Importance>,
}

impl SharedProperties<'_> {
    /// Writes the properties present, in the order of `t:ItemType`.
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        if let Some(class) = self.item_class {
            w.text_element("t:ItemClass", &[], class);
        }
        if let Some(subject) = self.subject {
            w.text_element("t:Subject", &[], subject);
        }
        if let Some(sensitivity) = self.sensitivity {
            w.text_element("t:Sensitivity", &[], sensitivity.as_str());
        }
        if let Some(body) = self.body {
            write_body(w, body);
        }
        write_categories(w, self.categories);
        if let Some(importance) = self.importance {
            w.text_element("t:Importance", &[], importance.as_str());
        }
    }
}

/// Writes `t:Body`.
pub(crate) fn write_body(w: &mut XmlWriter, body: &Body) {
    w.text_element("t:Body", &[("BodyType", body.kind.as_str())], &body.content);
}

/// Writes `t:Categories`; nothing when there are none.
pub(crate) fn write_categories(w: &mut XmlWriter, categories: &[String]) {
    if categories.is_empty() {
        return;
    }
    w.start("t:Categories", &[]);
    for category in categories {
        w.text_element("t:String", &[], category.trim());
    }
    w.end();
}

/// Refuses a blank value of a dictionary entry (a key without a value clears it, which a
/// new item has nothing to clear of).
pub(crate) fn check_text(argument: &'static str, key: &str, value: &str) -> Result<(), EwsError> {
    if value.trim().is_empty() {
        return Err(EwsError::InvalidArgument {
            argument,
            reason: format!("the value under {key} is blank"),
        });
    }
    Ok(())
}

/// Refuses blank categories and categories named twice: Outlook keys them by name.
pub(crate) fn check_categories(categories: &[String]) -> Result<(), EwsError> {
    let mut seen = HashSet::new();
    for (i, category) in categories.iter().enumerate() {
        let name = category.trim();
        if name.is_empty() {
            return Err(EwsError::InvalidArgument {
                argument: "categories",
                reason: format!("category {} is blank", i + 1),
            });
        }
        if !seen.insert(name) {
            return Err(EwsError::InvalidArgument {
                argument: "categories",
                reason: format!("the category {:?} is named twice", cut(name)),
            });
        }
    }
    Ok(())
}

/// Refuses recipients without an address: Exchange cannot resolve them.
pub(crate) fn check_recipients(argument: &'static str, list: &[Mailbox]) -> Result<(), EwsError> {
    match list
        .iter()
        .position(|m| m.email.as_deref().is_none_or(|e| e.trim().is_empty()))
    {
        Some(i) => Err(EwsError::InvalidArgument {
            argument,
            reason: format!("recipient {} has no e-mail address", i + 1),
        }),
        None => Ok(()),
    }
}

/// Writes `t:ExtendedProperty` elements, in the position `t:ItemType` gives them (after the
/// reminder, before the kind's own properties).
pub(crate) fn write_extended_properties(w: &mut XmlWriter, properties: &[ExtendedProperty]) {
    for property in properties {
        w.start("t:ExtendedProperty", &[]);
        property.path.write(w);
        match &property.value {
            ExtendedValue::Single(value) => {
                w.text_element("t:Value", &[], value);
            }
            ExtendedValue::Array(values) => {
                w.start("t:Values", &[]);
                for value in values {
                    w.text_element("t:Value", &[], value);
                }
                w.end();
            }
        }
        w.end();
    }
}

/// Refuses extended properties Exchange would refuse: a path that is not an extended one or
/// not a valid one, a single value for an array type (or the reverse), an empty array, a
/// binary value that is not base64, and a property given twice.
pub(crate) fn check_extended_properties(properties: &[ExtendedProperty]) -> Result<(), EwsError> {
    let refuse = |reason: String| {
        Err(EwsError::InvalidArgument {
            argument: "extended property",
            reason,
        })
    };
    let mut seen = HashSet::new();
    for property in properties {
        let PropertyPath::Extended { property_type, .. } = &property.path else {
            return refuse(format!("{} is not an extended property", property.path));
        };
        property.path.check_shape()?;
        if !seen.insert(&property.path) {
            return refuse(format!("{} is given twice", property.path));
        }
        let array = property_type.as_str().ends_with("Array");
        let values: Vec<&String> = match (&property.value, array) {
            (ExtendedValue::Single(value), false) => vec![value],
            (ExtendedValue::Array(values), true) if !values.is_empty() => values.iter().collect(),
            _ => {
                return refuse(format!(
                    "{} of type {} takes {}",
                    property.path,
                    property_type.as_str(),
                    if array { "values" } else { "one value" }
                ))
            }
        };
        let binary = matches!(
            property_type,
            MapiPropertyType::Binary | MapiPropertyType::BinaryArray
        );
        for value in values {
            if binary
                && base64::engine::general_purpose::STANDARD
                    .decode(value.trim())
                    .is_err()
            {
                return refuse(format!("{} takes base64", property.path));
            }
        }
    }
    Ok(())
}
