//! The sans-IO layer: one request type per EWS operation.
//!
//! Each request checks its arguments when it is made, writes its SOAP envelope with
//! `to_envelope` and reads the server's answer with `parse_response`; neither touches the
//! network. [`EwsClient`](crate::EwsClient) only adds HTTP and authentication around them.

mod attachments;
mod attachments_get;
#[cfg(test)]
mod attachments_tests;
mod availability_xml;
mod calendar_item;
mod calendar_values;
mod contact_xml;
mod convert_id;
mod create_item;
mod create_items;
#[cfg(test)]
mod create_items_tests;
mod delete_item;
mod delete_items;
mod find_folder;
mod find_item;
mod find_items;
mod folder_xml;
mod get_folder;
mod get_item;
mod get_items;
#[cfg(test)]
mod get_items_tests;
mod get_server_time_zones;
mod get_user_availability;
mod item_values;
mod item_write;
mod item_xml;
mod mailbox_xml;
mod message_xml;
pub(crate) mod reading;
mod recurrence_xml;
mod resolve_names;
mod sync_folder_items;
mod sync_xml;
mod task_xml;
mod typed_items;
mod update_checks;
mod update_fields;
mod update_items;
#[cfg(test)]
mod update_items_tests;
mod update_xml;

pub use attachments::{CreateAttachment, DeleteAttachment, MAX_ATTACHMENTS_PER_REQUEST};
pub use attachments_get::GetAttachment;
pub(crate) use contact_xml::{check_new_contact, write_new_contact};
pub use convert_id::ConvertId;
pub use create_item::CreateCalendarItem;
pub(crate) use create_item::{check_calendar_item, write_calendar_item};
pub use create_items::{CreateItems, MAX_ITEMS_PER_REQUEST};
pub use delete_item::DeleteItem;
pub use delete_items::DeleteItems;
pub use find_folder::FindFolder;
pub use find_item::FindCalendarItems;
pub use find_items::FindItems;
pub use get_folder::GetFolder;
pub use get_item::GetCalendarItem;
pub use get_items::{GenericItem, GetItems, MAX_ITEM_IDS};
pub use get_server_time_zones::GetServerTimeZones;
pub use get_user_availability::GetUserAvailability;
pub(crate) use item_values::item_from_node;
pub(crate) use mailbox_xml::write_attendees;
pub(crate) use message_xml::{
    check_new_message, check_new_note, write_new_message, write_new_note,
};
pub use resolve_names::ResolveNames;
pub use sync_folder_items::{SyncFolderHierarchy, SyncFolderItems, MAX_SYNC_CHANGES};
pub(crate) use task_xml::{check_new_task, write_new_task};
pub use typed_items::{FindTypedItems, GetTypedItems};
pub(crate) use update_checks::check_field_update;
pub use update_items::{UpdateItems, UpdatedItem};

use chrono::{DateTime, Datelike, Utc};

use crate::xml::XmlWriter;
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, ItemId};

/// An EWS operation: how its request is written and its answer read.
///
/// The request types of this module implement it; the client sends any of them.
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
                $crate::operations::Operation::envelope(self, version)
            }

            /// Parses the server's answer (the HTTP body).
            pub fn parse_response(
                bytes: &[u8],
            ) -> Result<<Self as $crate::operations::Operation>::Output, $crate::EwsError> {
                let envelope = <Self as $crate::operations::Operation>::parse_envelope(bytes)?;
                <Self as $crate::operations::Operation>::output(&envelope)
            }

            /// The request envelope for `version`, once the request is checked against it
            /// (the check [`EwsClient::execute`](crate::EwsClient::execute) makes).
            pub fn checked_envelope(
                &self,
                version: $crate::ExchangeVersion,
            ) -> Result<String, $crate::EwsError> {
                $crate::operations::Operation::check(self, version)?;
                Ok($crate::operations::Operation::envelope(self, version))
            }
        }
    };
}
pub(crate) use sans_io_methods;

/// The properties every calendar request asks for, beyond the default shape: those
/// `FindItem` can return, each only where `version` knows it (a property it does not know
/// would fail the whole request).
fn calendar_properties(version: ExchangeVersion) -> Vec<&'static str> {
    known_to(version, CALENDAR_PROPERTIES)
}

/// The properties only `GetItem` can return (`FindItem` refuses them), each only where
/// `version` knows it.
fn calendar_detail_properties(version: ExchangeVersion) -> Vec<&'static str> {
    let mut fields = known_to(version, CALENDAR_DETAIL_PROPERTIES);
    // Exchange 2010 and later describe zones with `StartTimeZone`/`EndTimeZone` instead.
    if version.has_time_zone_definitions() {
        fields.retain(|f| *f != "calendar:MeetingTimeZone");
    }
    fields
}

fn known_to(version: ExchangeVersion, fields: &[&'static str]) -> Vec<&'static str> {
    fields
        .iter()
        .copied()
        .filter(|f| crate::types::field_since(f).is_some_and(|since| since <= version))
        .collect()
}

const CALENDAR_PROPERTIES: &[&str] = &[
    "item:ParentFolderId",
    "item:ItemClass",
    "item:Subject",
    "item:Sensitivity",
    "item:DateTimeReceived",
    "item:Size",
    "item:Categories",
    "item:Importance",
    "item:DateTimeCreated",
    "item:ReminderDueBy",
    "item:ReminderIsSet",
    "item:ReminderMinutesBeforeStart",
    "item:DisplayCc",
    "item:DisplayTo",
    "item:HasAttachments",
    "item:Culture",
    "item:LastModifiedName",
    "item:LastModifiedTime",
    "calendar:UID",
    "calendar:Start",
    "calendar:End",
    "calendar:OriginalStart",
    "calendar:IsAllDayEvent",
    "calendar:LegacyFreeBusyStatus",
    "calendar:Location",
    "calendar:IsMeeting",
    "calendar:IsCancelled",
    "calendar:IsRecurring",
    "calendar:MeetingRequestWasSent",
    "calendar:IsResponseRequested",
    "calendar:CalendarItemType",
    "calendar:MyResponseType",
    "calendar:Organizer",
    "calendar:ConflictingMeetingCount",
    "calendar:AdjacentMeetingCount",
    "calendar:Duration",
    "calendar:TimeZone",
    "calendar:AppointmentReplyTime",
    "calendar:AppointmentSequenceNumber",
    "calendar:AppointmentState",
    "calendar:ConferenceType",
    "calendar:AllowNewTimeProposal",
    "calendar:IsOnlineMeeting",
    "calendar:StartTimeZoneId",
    "calendar:EndTimeZoneId",
    "calendar:JoinOnlineMeetingUrl",
    "calendar:IsOrganizer",
];

const CALENDAR_DETAIL_PROPERTIES: &[&str] = &[
    "item:ResponseObjects",
    "calendar:RequiredAttendees",
    "calendar:OptionalAttendees",
    "calendar:Resources",
    "calendar:Recurrence",
    "calendar:FirstOccurrence",
    "calendar:LastOccurrence",
    "calendar:ModifiedOccurrences",
    "calendar:DeletedOccurrences",
    "calendar:MeetingTimeZone",
    "calendar:StartTimeZone",
    "calendar:EndTimeZone",
];

/// Writes `m:ItemShape`: the default shape plus the calendar properties (and the body).
fn write_item_shape(w: &mut XmlWriter, version: ExchangeVersion, with_body: bool) {
    w.start("m:ItemShape", &[])
        .text_element("t:BaseShape", &[], "Default")
        .start("t:AdditionalProperties", &[]);
    for field in calendar_properties(version) {
        w.empty("t:FieldURI", &[("FieldURI", field)]);
    }
    if with_body {
        for field in calendar_detail_properties(version) {
            w.empty("t:FieldURI", &[("FieldURI", field)]);
        }
        w.empty("t:FieldURI", &[("FieldURI", "item:Body")]);
    }
    w.end().end();
}

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
    fn asks_exchange_2007_only_for_what_it_knows() {
        assert!(!calendar_properties(ExchangeVersion::Exchange2007Sp1)
            .contains(&"item:LastModifiedTime"));
        assert!(
            calendar_properties(ExchangeVersion::Exchange2010).contains(&"item:LastModifiedTime")
        );
        let old = calendar_detail_properties(ExchangeVersion::Exchange2007Sp1);
        assert!(old.contains(&"calendar:MeetingTimeZone"));
        assert!(!old.contains(&"calendar:StartTimeZone"));
        let new = calendar_detail_properties(ExchangeVersion::Exchange2010);
        assert!(new.contains(&"calendar:StartTimeZone") && new.contains(&"calendar:Recurrence"));
        assert!(!new.contains(&"calendar:MeetingTimeZone"));
        assert!(!calendar_properties(ExchangeVersion::Exchange2010Sp2)
            .contains(&"calendar:StartTimeZoneId"));
        assert!(
            calendar_properties(ExchangeVersion::Exchange2013).contains(&"calendar:IsOrganizer")
        );
        // Every listed property is in the table of versions, so none is dropped unseen.
        for f in CALENDAR_PROPERTIES.iter().chain(CALENDAR_DETAIL_PROPERTIES) {
            assert!(crate::types::field_since(f).is_some(), "{f}");
        }
    }

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
