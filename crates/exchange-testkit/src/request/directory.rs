//! `ResolveNames`.

use super::{enum_attr, required, violation, Operation, MESSAGES};
use crate::dom::Element;
use crate::error::Error;

/// The `SearchScope` values, the default (`ActiveDirectoryContacts`) first.
pub(crate) const SEARCH_SCOPES: &[&str] = &[
    "ActiveDirectoryContacts",
    "ActiveDirectory",
    "Contacts",
    "ContactsActiveDirectory",
];

/// Decodes `m:ResolveNames`.
pub(crate) fn resolve_names(body: &Element) -> Result<Operation, Error> {
    let full = match body.attr("ReturnFullContactData") {
        Some("true" | "1") => true,
        Some("false" | "0") => false,
        Some(other) => {
            return Err(violation(
                body,
                format!("The value '{other}' of 'ReturnFullContactData' is not an xs:boolean."),
            ))
        }
        None => {
            return Err(violation(
                body,
                "The required attribute 'ReturnFullContactData' is missing.",
            ))
        }
    };
    let scope = enum_attr(body, "SearchScope", SEARCH_SCOPES)?.unwrap_or(SEARCH_SCOPES[0]);
    let entry = required(body, MESSAGES, "UnresolvedEntry")?.text().trim();
    if entry.is_empty() {
        return Err(violation(
            body,
            "The element 'UnresolvedEntry' is empty; a name is required.",
        ));
    }
    Ok(Operation::ResolveNames {
        entry: entry.to_owned(),
        full_contact_data: full,
        scope: scope.to_owned(),
    })
}
