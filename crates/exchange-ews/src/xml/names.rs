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

/// Element and attribute names of SOAP, of the EWS response messages and of items of every kind,
/// indexed by their length in bytes.
#[rustfmt::skip]
const BY_LENGTH: [&[&str]; 29] = [
    &[],
    &[],
    &["Id", "To"],
    &["End", "Key", "UID"],
    &["Bias", "Body", "City", "Code", "From", "Kind", "Name", "Read", "Size", "Task", "Text", "When"],
    &["Entry", "Fault", "Items", "Month", "Owner", "Start", "State", "Value"],
    &["Create", "Delete", "Detail", "FileAs", "Header", "IsRead", "ItemId", "Modify", "Period", "Reason", "Sender", "Status", "Street", "String", "Update", "detail"],
    &["Changes", "Contact", "Content", "Culture", "DueDate", "EndDate", "IsDraft", "Mailbox", "Manager", "Message", "Periods", "ReplyTo", "Subcode", "Subject", "Surname", "Version"],
    &["Attendee", "Birthday", "BodyType", "Duration", "Envelope", "Interval", "IsFromMe", "IsInline", "IsResend", "JobTitle", "Location", "Nickname", "TimeZone"],
    &["ChangeKey", "Companies", "ContentId", "DayOfWeek", "DisplayCc", "DisplayTo", "GivenName", "InReplyTo", "IsMeeting", "ItemClass", "Organizer", "Resources", "StartDate", "SyncState", "Violation", "faultcode"],
    &["AcceptItem", "Categories", "DayOfMonth", "DaysOfWeek", "Department", "Importance", "IsComplete", "LineNumber", "MessageXml", "MiddleName", "NetShowUrl", "Occurrence", "PostalCode", "ReceivedBy", "Recurrence", "References", "RemoveItem", "RootFolder", "RootItemId", "TimeOffset", "Transition", "faultactor"],
    &["Attachments", "CompanyName", "ContentType", "DeclineItem", "DisplayName", "EndTimeZone", "ForwardItem", "ImAddresses", "IsCancelled", "IsOrganizer", "IsRecurring", "IsSubmitted", "IsTruncated", "MailboxType", "MessageText", "ReplyToItem", "RoutingType", "Sensitivity", "Transitions", "faultstring"],
    &["AttachmentId", "CalendarItem", "CcRecipients", "CompleteDate", "DateTimeSent", "EmailAddress", "IsAssociated", "IsUnmodified", "LinePosition", "MajorVersion", "MinorVersion", "PhoneNumbers", "ResponseCode", "ResponseType", "ToRecipients"],
    &["AssistantName", "BccRecipients", "DateTimeStamp", "EndTimeZoneId", "IsAllDayEvent", "OriginalStart", "ReminderDueBy", "ReminderIsSet", "ResponseClass", "StartTimeZone"],
    &["ConferenceType", "ConversationId", "CreateContents", "DayOfWeekIndex", "EmailAddresses", "FileAttachment", "FirstDayOfWeek", "HasAttachments", "ItemAttachment", "LastOccurrence", "MyResponseType", "OfficeLocation", "ParentFolderId", "ReplyAllToItem"],
    &["CountryOrRegion", "CreateHierarchy", "DailyRecurrence", "DateTimeCreated", "EffectiveRights", "FirstOccurrence", "GetItemResponse", "IsOnlineMeeting", "MeetingTimeZone", "NoEndRecurrence", "PercentComplete", "ResponseObjects", "StartTimeZoneId"],
    &["AdjacentMeetings", "AppointmentState", "CalendarItemType", "CreateAssociated", "DateTimeReceived", "ExtendedFieldURI", "ExtendedProperty", "FindItemResponse", "LastModifiedName", "LastModifiedTime", "LastResponseTime", "MajorBuildNumber", "MinorBuildNumber", "ResponseMessages", "TotalItemsInView", "TransitionsGroup", "ViewPrivateItems", "WeeklyRecurrence"],
    &["ConversationIndex", "ConversationTopic", "DeletedOccurrence", "EndDateRecurrence", "InternetMessageId", "OptionalAttendees", "PhysicalAddresses", "RequiredAttendees", "RootItemChangeKey", "ServerVersionInfo", "TransitionsGroups"],
    &["CancelCalendarItem", "CreateItemResponse", "DeleteItemResponse", "DeletedOccurrences", "DescriptiveLinkKey", "NumberedRecurrence", "UpdateItemResponse"],
    &["ConflictingMeetings", "IndexedPagingOffset", "IsResponseRequested", "MeetingWorkspaceUrl", "ModifiedOccurrences", "NumberOfOccurrences"],
    &["AdjacentMeetingCount", "AllowNewTimeProposal", "AppointmentReplyTime", "LegacyFreeBusyStatus", "ReceivedRepresenting", "RequestServerVersion"],
    &["MeetingRequestWasSent", "TentativelyAcceptItem"],
    &["AbsoluteDateTransition", "GetItemResponseMessage", "IntendedFreeBusyStatus", "IsReadReceiptRequested", "RecurringDayTransition"],
    &["ConflictingMeetingCount", "FindItemResponseMessage", "IncludesLastItemInRange"],
    &["AbsoluteYearlyRecurrence", "RelativeYearlyRecurrence"],
    &["AbsoluteMonthlyRecurrence", "AppointmentSequenceNumber", "CreateItemResponseMessage", "DeleteItemResponseMessage", "RelativeMonthlyRecurrence", "UpdateItemResponseMessage"],
    &["IsDeliveryReceiptRequested", "ReminderMinutesBeforeStart"],
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
