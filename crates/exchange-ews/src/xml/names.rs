//! The local names EWS answers use most, so that reading one needs no allocation.
//!
//! A response of a thousand calendar items holds some sixty thousand elements but only a
//! few dozen distinct names; keeping each as a `&'static str` spares an allocation and a
//! free per element.

use std::borrow::Cow;

/// The name as a static string when it is a known one, else an owned copy.
pub(super) fn intern(local: &str) -> Cow<'static, str> {
    match known(local) {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(local.to_owned()),
    }
}

/// The known name equal to `local`. Grouping by length leaves a handful of candidates, and
/// comparing their last byte first rejects most of them without a full comparison.
fn known(local: &str) -> Option<&'static str> {
    let last = *local.as_bytes().last()?;
    BY_LENGTH
        .get(local.len())?
        .iter()
        .copied()
        .find(|name| name.as_bytes().last() == Some(&last) && *name == local)
}

/// Element and attribute names of SOAP, of the EWS response messages and of calendar items,
/// indexed by their length in bytes.
#[rustfmt::skip]
const BY_LENGTH: [&[&str]; 29] = [
    &[],
    &[],
    &["Id"],
    &["End", "UID"],
    &["Body", "Code", "Name", "Size", "Text", "When"],
    &["Fault", "Items", "Start", "Value"],
    &["Detail", "Header", "ItemId", "Reason", "String", "detail"],
    &["Culture", "IsDraft", "Mailbox", "Message", "Subcode", "Subject", "Version"],
    &["Attendee", "BodyType", "Duration", "Envelope", "IsFromMe", "IsResend", "Location", "TimeZone"],
    &["ChangeKey", "DisplayCc", "DisplayTo", "InReplyTo", "IsMeeting", "ItemClass", "Organizer", "Resources", "Violation", "faultcode"],
    &["AcceptItem", "Categories", "Importance", "LineNumber", "MessageXml", "NetShowUrl", "Occurrence", "Recurrence", "RemoveItem", "RootFolder", "RootItemId", "faultactor"],
    &["Attachments", "DeclineItem", "EndTimeZone", "ForwardItem", "IsCancelled", "IsRecurring", "IsSubmitted", "IsTruncated", "MailboxType", "MessageText", "ReplyToItem", "RoutingType", "Sensitivity", "faultstring"],
    &["CalendarItem", "DateTimeSent", "EmailAddress", "IsAssociated", "IsUnmodified", "LinePosition", "MajorVersion", "MinorVersion", "ResponseCode", "ResponseType"],
    &["IsAllDayEvent", "OriginalStart", "ReminderDueBy", "ReminderIsSet", "ResponseClass", "StartTimeZone"],
    &["ConferenceType", "ConversationId", "HasAttachments", "LastOccurrence", "MyResponseType", "ParentFolderId", "ReplyAllToItem"],
    &["DateTimeCreated", "EffectiveRights", "FirstOccurrence", "GetItemResponse", "IsOnlineMeeting", "MeetingTimeZone", "ResponseObjects"],
    &["AdjacentMeetings", "AppointmentState", "CalendarItemType", "DateTimeReceived", "ExtendedFieldURI", "ExtendedProperty", "FindItemResponse", "LastModifiedName", "LastModifiedTime", "LastResponseTime", "MajorBuildNumber", "MinorBuildNumber", "ResponseMessages", "TotalItemsInView"],
    &["InternetMessageId", "OptionalAttendees", "RequiredAttendees", "RootItemChangeKey", "ServerVersionInfo"],
    &["CancelCalendarItem", "CreateItemResponse", "DeleteItemResponse", "DeletedOccurrences", "DescriptiveLinkKey", "UpdateItemResponse"],
    &["ConflictingMeetings", "IndexedPagingOffset", "IsResponseRequested", "MeetingWorkspaceUrl", "ModifiedOccurrences"],
    &["AdjacentMeetingCount", "AllowNewTimeProposal", "AppointmentReplyTime", "LegacyFreeBusyStatus", "RequestServerVersion"],
    &["MeetingRequestWasSent", "TentativelyAcceptItem"],
    &["GetItemResponseMessage"],
    &["ConflictingMeetingCount", "FindItemResponseMessage", "IncludesLastItemInRange"],
    &[],
    &["AppointmentSequenceNumber", "CreateItemResponseMessage", "DeleteItemResponseMessage", "UpdateItemResponseMessage"],
    &["ReminderMinutesBeforeStart"],
    &[],
    &["WebClientEditFormQueryString", "WebClientReadFormQueryString"],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_name_sits_at_its_length() {
        for (length, names) in BY_LENGTH.iter().enumerate() {
            for name in *names {
                assert_eq!(name.len(), length, "{name}");
                assert!(matches!(intern(name), Cow::Borrowed(n) if n == *name));
            }
        }
    }

    #[test]
    fn unknown_names_are_copied() {
        for name in [
            "",
            "X",
            "calendaritem",
            "CalendarItems",
            "Itemid",
            "日本語",
            &"a".repeat(500),
        ] {
            let interned = intern(name);
            assert!(matches!(interned, Cow::Owned(_)), "{name}");
            assert_eq!(interned, name);
        }
        assert_eq!(intern("Subject"), "Subject");
    }
}
