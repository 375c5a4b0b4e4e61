//! The calendar's operations: the items of a time range, one item in full, and the creation of
//! one item.

mod create_calendar_item;
mod find_calendar_items;
mod get_calendar_item;

pub use create_calendar_item::CreateCalendarItem;
pub use find_calendar_items::FindCalendarItems;
pub use get_calendar_item::GetCalendarItem;

use crate::xml::XmlWriter;
use crate::ExchangeVersion;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
