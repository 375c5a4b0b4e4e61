//! Reading calendar items (`t:CalendarItem`).

use super::calendar_values::{
    attendees, deleted_occurrences, item_time_zone, legacy_time_zone, mailbox, occurrence,
    occurrences,
};
use super::item::{body, item_id};
use super::item_values::{attachments, extended_property};
use super::recurrence::read_recurrence;
use crate::calendar::CalendarItem;
use crate::decoded::Node;
use crate::items::{Importance, Sensitivity};
use crate::operations::folders::folder_xml::folder_id;
use crate::operations::reading::value::{boolean, choice, count, date_time, number, text};
use crate::xml::{Element, Prune, Pruning};
use crate::{Envelope, EwsError};

/// What [`calendar_item`] never reads: the children of an item's `StartTimeZone` and
/// `EndTimeZone` (it reads their attributes only). Exchange 2016 sends each zone's whole
/// definition, some twenty elements, with every item. Items nested in other properties
/// (`ConflictingMeetings`) are not below the paths: they are kept whole.
const CALENDAR_PRUNING: Pruning = Pruning {
    rules: &[
        Prune {
            path: &["Items", "CalendarItem", "StartTimeZone"],
            keep: &[],
        },
        Prune {
            path: &["Items", "CalendarItem", "EndTimeZone"],
            keep: &[],
        },
    ],
};

/// Parses an answer whose items are read by [`calendar_item`] alone, leaving out of the tree
/// what it never reads.
pub(crate) fn envelope_for_calendar_items(bytes: &[u8]) -> Result<Envelope, EwsError> {
    // The pruned parse fails exactly when the full one does; the full one then runs to
    // report its error in every detail.
    Envelope::parse_pruned(bytes, CALENDAR_PRUNING).or_else(|_| Envelope::parse(bytes))
}

/// Reads a `t:CalendarItem`. The id, start and end are required; every other field is
/// optional because Exchange leaves out empty properties (even an empty subject). Children
/// it does not model are kept in `unmodelled`, in document order.
pub(crate) fn calendar_item(e: &Element) -> Result<CalendarItem, EwsError> {
    let mut item = CalendarItem::default();
    let (mut id, mut start, mut end) = (None, None, None);
    let (mut start_zone_id, mut end_zone_id) = (None, None);
    for child in e.children() {
        match child.name() {
            "ItemId" => id = id.or(Some(child)),
            "Start" => start = start.or(Some(child)),
            "End" => end = end.or(Some(child)),
            "StartTimeZoneId" => start_zone_id = text(child),
            "EndTimeZoneId" => end_zone_id = text(child),
            name => {
                if !read_property(&mut item, name, child)? {
                    item.unmodelled.push(Node::from(child));
                }
            }
        }
    }
    item.id = item_id(id.ok_or_else(|| missing("ItemId", e))?)?;
    item.start = date_time(start.ok_or_else(|| missing("Start", e))?)?;
    item.end = date_time(end.ok_or_else(|| missing("End", e))?)?;
    // `StartTimeZoneId` (2013) names the zone `StartTimeZone` may have left out.
    for (zone, id) in [
        (&mut item.start_time_zone, start_zone_id),
        (&mut item.end_time_zone, end_zone_id),
    ] {
        if let Some(id) = id {
            let zone = zone.get_or_insert_with(Default::default);
            zone.id.get_or_insert(id);
        }
    }
    Ok(item)
}

fn missing(element: &str, parent: &Element) -> EwsError {
    EwsError::MissingElement {
        element: element.to_owned(),
        parent: parent.name().to_owned(),
    }
}

/// Reads the property `name` into `item`; `false` when the reader does not model it.
fn read_property(item: &mut CalendarItem, name: &str, e: &Element) -> Result<bool, EwsError> {
    match name {
        "ParentFolderId" => item.parent_folder_id = Some(folder_id(e)?),
        "ItemClass" => item.item_class = text(e),
        "Subject" => item.subject = e.text().to_owned(),
        "Sensitivity" => {
            item.sensitivity = Some(choice(e, Sensitivity::parse, "a sensitivity")?);
        }
        "Body" => item.body = Some(body(e)?),
        "DateTimeReceived" => item.date_time_received = Some(date_time(e)?),
        "Size" => item.size = Some(u64::from(count(e)?)),
        "Categories" => {
            item.categories = e
                .children()
                .iter()
                .filter(|c| c.name() == "String")
                .map(|c| c.text().to_owned())
                .collect();
        }
        "Importance" => item.importance = Some(choice(e, Importance::parse, "an importance")?),
        "DateTimeCreated" => item.date_time_created = Some(date_time(e)?),
        "ResponseObjects" => {
            item.response_objects = e.children().iter().map(|c| c.name().to_owned()).collect();
        }
        "ReminderDueBy" => item.reminder.due_by = Some(date_time(e)?),
        "ReminderIsSet" => item.reminder.is_set = boolean(e)?,
        "ReminderMinutesBeforeStart" => item.reminder.minutes_before_start = Some(count(e)?),
        "DisplayCc" => item.display_cc = text(e),
        "DisplayTo" => item.display_to = text(e),
        "HasAttachments" => item.has_attachments = boolean(e)?,
        "ExtendedProperty" => item.extended_properties.push(extended_property(e)?),
        "Attachments" => item.attachments = attachments(e)?,
        "Culture" => item.culture = text(e),
        "LastModifiedName" => item.last_modified_name = text(e),
        "LastModifiedTime" => item.last_modified = Some(date_time(e)?),
        "UID" => item.uid = text(e),
        "OriginalStart" => item.original_start = Some(date_time(e)?),
        "IsAllDayEvent" => item.is_all_day = boolean(e)?,
        "LegacyFreeBusyStatus" => item.free_busy_status = text(e),
        "Location" => item.location = text(e),
        "IsMeeting" => item.is_meeting = boolean(e)?,
        "IsCancelled" => item.is_cancelled = boolean(e)?,
        "IsRecurring" => item.is_recurring = boolean(e)?,
        "MeetingRequestWasSent" => item.meeting_request_was_sent = boolean(e)?,
        "IsResponseRequested" => item.is_response_requested = Some(boolean(e)?),
        "CalendarItemType" => item.calendar_item_type = text(e),
        "MyResponseType" => item.my_response_type = text(e),
        "Organizer" => item.organizer = e.child("Mailbox").map(mailbox),
        "RequiredAttendees" => item.required_attendees = attendees(e)?,
        "OptionalAttendees" => item.optional_attendees = attendees(e)?,
        "Resources" => item.resources = attendees(e)?,
        "ConflictingMeetingCount" => {
            item.conflicting_meeting_count = Some(number(e, "a number in range")?);
        }
        "AdjacentMeetingCount" => {
            item.adjacent_meeting_count = Some(number(e, "a number in range")?);
        }
        "Duration" => item.duration = text(e),
        "TimeZone" => item.time_zone = text(e),
        "AppointmentReplyTime" => item.appointment_reply_time = Some(date_time(e)?),
        "AppointmentSequenceNumber" => {
            item.appointment_sequence_number = Some(number(e, "a number in range")?);
        }
        "AppointmentState" => item.appointment_state = Some(number(e, "a number in range")?),
        "Recurrence" => item.recurrence = Some(read_recurrence(e)?),
        "FirstOccurrence" => item.first_occurrence = Some(occurrence(e)?),
        "LastOccurrence" => item.last_occurrence = Some(occurrence(e)?),
        "ModifiedOccurrences" => item.modified_occurrences = occurrences(e)?,
        "DeletedOccurrences" => item.deleted_occurrences = deleted_occurrences(e)?,
        "MeetingTimeZone" => item.meeting_time_zone = Some(legacy_time_zone(e)?),
        "StartTimeZone" => item.start_time_zone = Some(item_time_zone(e)),
        "EndTimeZone" => item.end_time_zone = Some(item_time_zone(e)),
        "ConferenceType" => item.conference_type = Some(number(e, "a number in range")?),
        "AllowNewTimeProposal" => item.allow_new_time_proposal = Some(boolean(e)?),
        "IsOnlineMeeting" => item.is_online_meeting = boolean(e)?,
        "JoinOnlineMeetingUrl" => item.join_online_meeting_url = text(e),
        "IsOrganizer" => item.is_organizer = Some(boolean(e)?),
        _ => return Ok(false),
    }
    Ok(true)
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
