//! The sans-IO layer: one request type per EWS operation, in a module per area (the public
//! modules of the same names re-export them), with the readers and writers of items by kind
//! in `item_xml`.
//!
//! Each request checks its arguments when it is made, writes its SOAP envelope with
//! `to_envelope` and reads the server's answer with `parse_response`; neither touches the
//! network. [`EwsClient`](crate::EwsClient) only adds HTTP and authentication around them.

mod attachments;
mod calendar;
mod directory;
mod folders;
mod item_xml;
mod items;
pub(crate) mod reading;
mod sync;
mod time_zones;

pub use attachments::{
    CreateAttachment, DeleteAttachment, GetAttachment, MAX_ATTACHMENTS_PER_REQUEST,
};

pub use calendar::{CreateCalendarItem, FindCalendarItems, GetCalendarItem};
pub use directory::{ConvertId, GetUserAvailability, ResolveNames};
pub use folders::{CreateFolder, DeleteFolder, FindFolder, GetFolder, MoveFolder, RenameFolder};
pub(crate) use item_xml::{
    check_calendar_item, check_new_contact, check_new_message, check_new_note, check_new_task,
    item_from_node, write_calendar_item, write_new_contact, write_new_message, write_new_note,
    write_new_task,
};
pub(crate) use items::check_field_update;
pub use items::{
    CopyItems, CreateItems, DeleteItem, DeleteItems, FindItems, FindTypedItems, GenericItem,
    GetItems, GetTypedItems, MoveItems, UpdateItems, UpdatedItem, MAX_ITEMS_PER_REQUEST,
    MAX_ITEM_IDS,
};
pub use sync::{SyncFolderHierarchy, SyncFolderItems, MAX_SYNC_CHANGES};
pub use time_zones::GetServerTimeZones;

use chrono::{DateTime, Datelike, Utc};

use crate::xml::XmlWriter;
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, ItemId};

/// An EWS operation: how its request is written and its answer read.
///
/// Every request type implements it ([`FindCalendarItems`](crate::calendar::FindCalendarItems),
/// [`GetItems`](crate::items::GetItems), …); [`EwsClient::execute`](crate::EwsClient::execute)
/// sends any of them.
pub trait Operation {
    /// What a successful answer yields.
    type Output;

    /// The operation's name (`FindItem`); its answer is `{NAME}Response`.
    const NAME: &'static str;

    /// The request envelope for a server that speaks `version`.
    fn envelope(&self, version: ExchangeVersion) -> String;

    /// The result of a parsed answer: the output, or the error the response message reports.
    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError>;

    /// Parses an answer into the envelope [`output`](Self::output) reads. Operations that
    /// read only part of each item override it with a parse that keeps only that part.
    fn parse_envelope(bytes: &[u8]) -> Result<Envelope, EwsError> {
        Envelope::parse(bytes)
    }

    /// Refuses a request `version` cannot serve (a property it does not know) before
    /// anything is sent; most operations fit every version.
    fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        let _ = version;
        Ok(())
    }
}

/// Gives a request type the inherent `to_envelope` and `parse_response` of the module docs.
macro_rules! sans_io_methods {
    ($request:ty) => {
        impl $request {
            /// The SOAP request envelope, with `RequestServerVersion` set to `version`.
            pub fn to_envelope(&self, version: $crate::ExchangeVersion) -> String {
                $crate::Operation::envelope(self, version)
            }

            /// Parses the server's answer (the HTTP body).
            pub fn parse_response(
                bytes: &[u8],
            ) -> Result<<Self as $crate::Operation>::Output, $crate::EwsError> {
                let envelope = <Self as $crate::Operation>::parse_envelope(bytes)?;
                <Self as $crate::Operation>::output(&envelope)
            }

            /// The request envelope for `version`, once the request is checked against it
            /// (the check [`EwsClient::execute`](crate::EwsClient::execute) makes).
            pub fn checked_envelope(
                &self,
                version: $crate::ExchangeVersion,
            ) -> Result<String, $crate::EwsError> {
                $crate::Operation::check(self, version)?;
                Ok($crate::Operation::envelope(self, version))
            }
        }
    };
}
pub(crate) use sans_io_methods;

/// Writes a folder id element (inside `ParentFolderIds`, `SavedItemFolderId`).
fn write_folder(w: &mut XmlWriter, folder: &FolderTarget) {
    match folder {
        FolderTarget::Distinguished(f) => {
            w.empty("t:DistinguishedFolderId", &[("Id", f.as_str())]);
        }
        FolderTarget::DistinguishedOf(f, smtp) => {
            w.start("t:DistinguishedFolderId", &[("Id", f.as_str())])
                .start("t:Mailbox", &[])
                .text_element("t:EmailAddress", &[], smtp.trim())
                .end()
                .end();
        }
        FolderTarget::Id(id) => {
            w.empty("t:FolderId", &[("Id", id)]);
        }
    }
}

/// Writes an item id (`t:ItemIdType`) as `element` (`t:ItemId`, `m:ParentItemId`).
fn write_item_id(w: &mut XmlWriter, element: &'static str, id: &ItemId) {
    match &id.change_key {
        Some(key) => w.empty(element, &[("Id", &id.id), ("ChangeKey", key)]),
        None => w.empty(element, &[("Id", &id.id)]),
    };
}

/// Refuses a time range that ends before it starts, or times `xs:dateTime` cannot carry as
/// Exchange reads it (years outside 1–9999).
fn check_range(
    argument: &'static str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(), EwsError> {
    for t in [start, end] {
        if !(1..=9999).contains(&t.year()) {
            return Err(EwsError::InvalidArgument {
                argument,
                reason: format!("{t} is outside the years 1 to 9999"),
            });
        }
    }
    if end < start {
        return Err(EwsError::InvalidArgument {
            argument,
            reason: format!("the end {end} is before the start {start}"),
        });
    }
    Ok(())
}

/// Refuses a count outside 1..=`max`.
pub(crate) fn check_count(
    argument: &'static str,
    count: usize,
    max: usize,
) -> Result<(), EwsError> {
    if count == 0 || count > max {
        return Err(EwsError::InvalidArgument {
            argument,
            reason: format!("{count} {argument} are not between 1 and {max}"),
        });
    }
    Ok(())
}

/// The answer of a request with one response message per entry, in order.
///
/// Shared by `GetItem` and the write operations: a single message's error is the error of the call
/// (so that a throttled single-entry request is retried); with several, each failed message
/// is its entry's error, while a message that cannot be read (its class included) fails
/// the answer.
pub(super) fn per_message<T>(
    envelope: &Envelope,
    operation: &str,
    read: impl Fn(&crate::xml::Element) -> Result<T, EwsError>,
) -> Result<Vec<Result<T, EwsError>>, EwsError> {
    let expected = format!("{operation}Response");
    let messages = envelope.body().child("ResponseMessages");
    match messages {
        Some(m) if m.children().len() > 1 && envelope.response_name() == expected => m
            .children()
            .iter()
            .map(|message| match crate::soap::check_message(message) {
                Err(error @ EwsError::Response { .. }) => Ok(Err(error)),
                // A message whose class cannot be read is a malformed answer.
                Err(malformed) => Err(malformed),
                Ok(()) => read(message).map(Ok),
            })
            .collect(),
        _ => {
            let message = envelope.single_message(operation)?;
            Ok(vec![Ok(read(message)?)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn checks_ranges() {
        let t = |y| Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).unwrap();
        assert!(check_range("r", t(2024), t(2025)).is_ok());
        assert!(check_range("r", t(2024), t(2024)).is_ok());
        assert!(check_range("r", t(2025), t(2024)).is_err());
        assert!(check_range("r", t(0), t(2024)).is_err());
        assert!(check_range("r", t(2024), t(10000)).is_err());
        assert!(check_range("r", DateTime::<Utc>::MIN_UTC, t(2024)).is_err());
    }
}
