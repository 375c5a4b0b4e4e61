//! `ResolveNames`: the mailboxes and contacts an ambiguous name stands for.

use crate::directory::{ContactDataShape, Resolution, ResolvedContact, SearchScope};
use crate::items::Mailbox;
use crate::operations::reading::{response_messages, text, unmodelled};
use crate::operations::sans_io_methods;
use crate::soap::{check_message, request_envelope};
use crate::xml::Element;
use crate::{Envelope, EwsError, ExchangeVersion, Operation};

/// The contact properties read into [`ResolvedContact`]; the others are kept as nodes.
const CONTACT_FIELDS: &[&str] = &[
    "DisplayName",
    "GivenName",
    "Surname",
    "CompanyName",
    "JobTitle",
    "Department",
    "EmailAddresses",
    "PhoneNumbers",
    "ContactSource",
];

/// Resolves a name (a display name, an alias, part of an address) to mailboxes and contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveNames {
    entry: String,
    return_full_contact_data: bool,
    search_scope: Option<SearchScope>,
    contact_data_shape: Option<ContactDataShape>,
}

impl ResolveNames {
    /// The request for `entry`; with `return_full_contact_data` the server adds the contact
    /// data of each match.
    pub fn new(entry: &str, return_full_contact_data: bool) -> Result<Self, EwsError> {
        if entry.trim().is_empty() {
            return Err(EwsError::InvalidArgument {
                argument: "unresolved entry",
                reason: "the name is empty".into(),
            });
        }
        Ok(Self {
            entry: entry.to_owned(),
            return_full_contact_data,
            search_scope: None,
            contact_data_shape: None,
        })
    }

    /// The same request limited to `scope`.
    pub fn with_search_scope(mut self, scope: SearchScope) -> Self {
        self.search_scope = Some(scope);
        self
    }

    /// The same request asking for `shape` of contact data; sent to Exchange 2010 SP2 and
    /// later only, which know the attribute.
    pub fn with_contact_data_shape(mut self, shape: ContactDataShape) -> Self {
        self.contact_data_shape = Some(shape);
        self
    }

    /// The name to resolve.
    pub fn entry(&self) -> &str {
        &self.entry
    }
}

sans_io_methods!(ResolveNames);

impl Operation for ResolveNames {
    type Output = Vec<Resolution>;
    const NAME: &'static str = "ResolveNames";

    fn envelope(&self, version: ExchangeVersion) -> String {
        let full = if self.return_full_contact_data {
            "true"
        } else {
            "false"
        };
        let mut attributes = vec![("ReturnFullContactData", full)];
        if let Some(scope) = self.search_scope {
            attributes.push(("SearchScope", scope.as_str()));
        }
        if let Some(shape) = self.contact_data_shape {
            if version >= ExchangeVersion::Exchange2010Sp2 {
                attributes.push(("ContactDataShape", shape.as_str()));
            }
        }
        request_envelope(version, |w| {
            w.start("m:ResolveNames", &attributes)
                .text_element("m:UnresolvedEntry", &[], &self.entry)
                .end();
        })
    }

    fn output(envelope: &Envelope) -> Result<Vec<Resolution>, EwsError> {
        let message = &response_messages(envelope, Self::NAME)?[0];
        // Compared by name so that the codes need no variant of their own.
        match message.child_text("ResponseCode").map(str::trim) {
            // Not finding the name is an answer, not a failure.
            Some("ErrorNameResolutionNoResults") => return Ok(Vec::new()),
            // A warning that still carries every match.
            Some("ErrorNameResolutionMultipleResults") => {}
            _ => check_message(message)?,
        }
        let Some(set) = message.child("ResolutionSet") else {
            return Ok(Vec::new());
        };
        set.children()
            .iter()
            .filter(|c| c.name() == "Resolution")
            .map(resolution)
            .collect()
    }
}

fn resolution(e: &Element) -> Result<Resolution, EwsError> {
    let mailbox = e.required_child("Mailbox")?;
    Ok(Resolution {
        mailbox: Mailbox {
            name: text(mailbox, "Name"),
            email: text(mailbox, "EmailAddress"),
            routing_type: text(mailbox, "RoutingType"),
            mailbox_type: text(mailbox, "MailboxType"),
        },
        contact: e.child("Contact").map(contact),
    })
}

fn contact(e: &Element) -> ResolvedContact {
    ResolvedContact {
        display_name: text(e, "DisplayName"),
        given_name: text(e, "GivenName"),
        surname: text(e, "Surname"),
        company_name: text(e, "CompanyName"),
        job_title: text(e, "JobTitle"),
        department: text(e, "Department"),
        email_addresses: entries(e, "EmailAddresses"),
        phone_numbers: entries(e, "PhoneNumbers"),
        contact_source: text(e, "ContactSource"),
        other: unmodelled(e, CONTACT_FIELDS),
    }
}

/// The `Entry Key="…"` pairs of a dictionary element.
fn entries(parent: &Element, name: &str) -> Vec<(String, String)> {
    parent
        .child(name)
        .map(|list| {
            list.children()
                .iter()
                .filter(|c| c.name() == "Entry")
                .map(|c| {
                    let key = c.attribute("Key").unwrap_or_default().to_owned();
                    (key, c.text().trim().to_owned())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
#[path = "resolve_names_tests.rs"]
mod tests;
