//! Which property paths each Exchange version knows.
//!
//! Exchange refuses a whole request that names a property its schema version lacks, so the
//! crate checks every path against this table before it writes a request. Where the version
//! that introduced a property is uncertain, the table names the later candidate.

use crate::ExchangeVersion;
use ExchangeVersion::{Exchange2007Sp1 as E2007, Exchange2010 as E2010, Exchange2013 as E2013};
use ExchangeVersion::{Exchange2010Sp2 as E2010Sp2, Exchange2016 as E2016};

/// Field URIs (`t:FieldURI`) and the first version that knows each.
const FIELDS: &[(&str, ExchangeVersion)] = &[
    ("item:ItemId", E2007),
    ("item:ParentFolderId", E2007),
    ("item:ItemClass", E2007),
    ("item:MimeContent", E2007),
    ("item:Attachments", E2007),
    ("item:Subject", E2007),
    ("item:DateTimeReceived", E2007),
    ("item:Size", E2007),
    ("item:Categories", E2007),
    ("item:HasAttachments", E2007),
    ("item:Importance", E2007),
    ("item:InReplyTo", E2007),
    ("item:InternetMessageHeaders", E2007),
    ("item:IsAssociated", E2007),
    ("item:IsDraft", E2007),
    ("item:IsFromMe", E2007),
    ("item:IsResend", E2007),
    ("item:IsSubmitted", E2007),
    ("item:IsUnmodified", E2007),
    ("item:DateTimeSent", E2007),
    ("item:DateTimeCreated", E2007),
    ("item:Body", E2007),
    ("item:ResponseObjects", E2007),
    ("item:Sensitivity", E2007),
    ("item:ReminderDueBy", E2007),
    ("item:ReminderIsSet", E2007),
    ("item:ReminderMinutesBeforeStart", E2007),
    ("item:DisplayTo", E2007),
    ("item:DisplayCc", E2007),
    ("item:Culture", E2007),
    ("item:EffectiveRights", E2007),
    ("item:LastModifiedName", E2010),
    ("item:LastModifiedTime", E2010),
    ("item:ConversationId", E2010),
    ("item:UniqueBody", E2010),
    ("item:WebClientReadFormQueryString", E2010),
    ("item:WebClientEditFormQueryString", E2010),
    ("item:StoreEntryId", E2010Sp2),
    ("item:Flag", E2013),
    ("item:InstanceKey", E2013),
    ("item:NormalizedBody", E2013),
    ("item:Preview", E2013),
    ("item:TextBody", E2016),
    ("message:ConversationIndex", E2007),
    ("message:ConversationTopic", E2007),
    ("message:InternetMessageId", E2007),
    ("message:IsRead", E2007),
    ("message:IsResponseRequested", E2007),
    ("message:IsReadReceiptRequested", E2007),
    ("message:IsDeliveryReceiptRequested", E2007),
    ("message:ReceivedBy", E2007),
    ("message:ReceivedRepresenting", E2007),
    ("message:References", E2007),
    ("message:ReplyTo", E2007),
    ("message:From", E2007),
    ("message:Sender", E2007),
    ("message:ToRecipients", E2007),
    ("message:CcRecipients", E2007),
    ("message:BccRecipients", E2007),
    ("calendar:Start", E2007),
    ("calendar:End", E2007),
    ("calendar:OriginalStart", E2007),
    ("calendar:IsAllDayEvent", E2007),
    ("calendar:LegacyFreeBusyStatus", E2007),
    ("calendar:Location", E2007),
    ("calendar:When", E2007),
    ("calendar:IsMeeting", E2007),
    ("calendar:IsCancelled", E2007),
    ("calendar:IsRecurring", E2007),
    ("calendar:MeetingRequestWasSent", E2007),
    ("calendar:IsResponseRequested", E2007),
    ("calendar:CalendarItemType", E2007),
    ("calendar:MyResponseType", E2007),
    ("calendar:Organizer", E2007),
    ("calendar:RequiredAttendees", E2007),
    ("calendar:OptionalAttendees", E2007),
    ("calendar:Resources", E2007),
    ("calendar:ConflictingMeetingCount", E2007),
    ("calendar:AdjacentMeetingCount", E2007),
    ("calendar:ConflictingMeetings", E2007),
    ("calendar:AdjacentMeetings", E2007),
    ("calendar:Duration", E2007),
    ("calendar:TimeZone", E2007),
    ("calendar:AppointmentReplyTime", E2007),
    ("calendar:AppointmentSequenceNumber", E2007),
    ("calendar:AppointmentState", E2007),
    ("calendar:Recurrence", E2007),
    ("calendar:FirstOccurrence", E2007),
    ("calendar:LastOccurrence", E2007),
    ("calendar:ModifiedOccurrences", E2007),
    ("calendar:DeletedOccurrences", E2007),
    ("calendar:MeetingTimeZone", E2007),
    ("calendar:ConferenceType", E2007),
    ("calendar:AllowNewTimeProposal", E2007),
    ("calendar:IsOnlineMeeting", E2007),
    ("calendar:MeetingWorkspaceUrl", E2007),
    ("calendar:NetShowUrl", E2007),
    ("calendar:UID", E2007),
    ("calendar:RecurrenceId", E2007),
    ("calendar:DateTimeStamp", E2007),
    ("calendar:StartTimeZone", E2010),
    ("calendar:EndTimeZone", E2010),
    ("calendar:StartTimeZoneId", E2013),
    ("calendar:EndTimeZoneId", E2013),
    ("calendar:JoinOnlineMeetingUrl", E2013),
    ("calendar:OnlineMeetingSettings", E2013),
    ("calendar:IsOrganizer", E2013),
    ("calendar:EnhancedLocation", E2016),
    ("task:ActualWork", E2007),
    ("task:AssignedTime", E2007),
    ("task:BillingInformation", E2007),
    ("task:ChangeCount", E2007),
    ("task:Companies", E2007),
    ("task:CompleteDate", E2007),
    ("task:Contacts", E2007),
    ("task:DelegationState", E2007),
    ("task:Delegator", E2007),
    ("task:DueDate", E2007),
    ("task:IsAssignmentEditable", E2007),
    ("task:IsComplete", E2007),
    ("task:IsRecurring", E2007),
    ("task:IsTeamTask", E2007),
    ("task:Mileage", E2007),
    ("task:Owner", E2007),
    ("task:PercentComplete", E2007),
    ("task:Recurrence", E2007),
    ("task:StartDate", E2007),
    ("task:Status", E2007),
    ("task:StatusDescription", E2007),
    ("task:TotalWork", E2007),
    ("contacts:AssistantName", E2007),
    ("contacts:Birthday", E2007),
    ("contacts:BusinessHomePage", E2007),
    ("contacts:Children", E2007),
    ("contacts:Companies", E2007),
    ("contacts:CompanyName", E2007),
    ("contacts:CompleteName", E2007),
    ("contacts:ContactSource", E2007),
    ("contacts:Culture", E2007),
    ("contacts:Department", E2007),
    ("contacts:DisplayName", E2007),
    ("contacts:EmailAddresses", E2007),
    ("contacts:FileAs", E2007),
    ("contacts:FileAsMapping", E2007),
    ("contacts:Generation", E2007),
    ("contacts:GivenName", E2007),
    ("contacts:ImAddresses", E2007),
    ("contacts:Initials", E2007),
    ("contacts:JobTitle", E2007),
    ("contacts:Manager", E2007),
    ("contacts:MiddleName", E2007),
    ("contacts:Mileage", E2007),
    ("contacts:Nickname", E2007),
    ("contacts:OfficeLocation", E2007),
    ("contacts:PhoneNumbers", E2007),
    ("contacts:PhysicalAddresses", E2007),
    ("contacts:PostalAddressIndex", E2007),
    ("contacts:Profession", E2007),
    ("contacts:SpouseName", E2007),
    ("contacts:Surname", E2007),
    ("contacts:WeddingAnniversary", E2007),
    ("contacts:HasPicture", E2010),
    ("contacts:Alias", E2010Sp2),
    ("contacts:DirectoryId", E2010Sp2),
    ("contacts:DirectReports", E2010Sp2),
    ("contacts:ManagerMailbox", E2010Sp2),
    ("contacts:MSExchangeCertificate", E2010Sp2),
    ("contacts:Notes", E2010Sp2),
    ("contacts:PhoneticFullName", E2010Sp2),
    ("contacts:PhoneticFirstName", E2010Sp2),
    ("contacts:PhoneticLastName", E2010Sp2),
    ("contacts:Photo", E2010Sp2),
    ("contacts:UserSMIMECertificate", E2010Sp2),
];

/// Dictionary field URIs (`t:IndexedFieldURI`), the first version that knows each, and
/// the keys (`FieldIndex`) each accepts; an empty key list means any header name.
const INDEXED: &[(&str, ExchangeVersion, &[&str])] = &[
    ("item:InternetMessageHeader", E2007, &[]),
    (
        "contacts:EmailAddress",
        E2007,
        &["EmailAddress1", "EmailAddress2", "EmailAddress3"],
    ),
    (
        "contacts:ImAddress",
        E2007,
        &["ImAddress1", "ImAddress2", "ImAddress3"],
    ),
    ("contacts:PhoneNumber", E2007, PHONE_KEYS),
    ("contacts:PhysicalAddress:Street", E2007, ADDRESS_KEYS),
    ("contacts:PhysicalAddress:City", E2007, ADDRESS_KEYS),
    ("contacts:PhysicalAddress:State", E2007, ADDRESS_KEYS),
    (
        "contacts:PhysicalAddress:CountryOrRegion",
        E2007,
        ADDRESS_KEYS,
    ),
    ("contacts:PhysicalAddress:PostalCode", E2007, ADDRESS_KEYS),
];

const ADDRESS_KEYS: &[&str] = &["Home", "Business", "Other"];

const PHONE_KEYS: &[&str] = &[
    "AssistantPhone",
    "BusinessFax",
    "BusinessPhone",
    "BusinessPhone2",
    "Callback",
    "CarPhone",
    "CompanyMainPhone",
    "HomeFax",
    "HomePhone",
    "HomePhone2",
    "Isdn",
    "MobilePhone",
    "OtherFax",
    "OtherTelephone",
    "Pager",
    "PrimaryPhone",
    "RadioPhone",
    "Telex",
    "TtyTddPhone",
];

/// The first version that knows the field URI, or `None` for a URI the crate does not know.
pub(crate) fn field_since(uri: &str) -> Option<ExchangeVersion> {
    FIELDS.iter().find(|(u, _)| *u == uri).map(|(_, v)| *v)
}

/// The first version that knows the dictionary URI and the keys it accepts (empty: any
/// header name), or `None` for a URI the crate does not know.
pub(crate) fn indexed_since(uri: &str) -> Option<(ExchangeVersion, &'static [&'static str])> {
    INDEXED
        .iter()
        .find(|(u, _, _)| *u == uri)
        .map(|(_, v, keys)| (*v, *keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_the_properties() {
        assert_eq!(field_since("item:Subject"), Some(E2007));
        assert_eq!(field_since("item:LastModifiedTime"), Some(E2010));
        assert_eq!(field_since("calendar:StartTimeZoneId"), Some(E2013));
        assert_eq!(field_since("calendar:EnhancedLocation"), Some(E2016));
        assert_eq!(field_since("item:subject"), None, "URIs are case-sensitive");
        assert_eq!(field_since(""), None);
        assert_eq!(
            indexed_since("contacts:EmailAddress").map(|(_, k)| k.len()),
            Some(3)
        );
        assert!(indexed_since("contacts:EmailAddresses").is_none());
    }

    #[test]
    fn lists_each_uri_once() {
        for (i, (uri, _)) in FIELDS.iter().enumerate() {
            assert!(!FIELDS[i + 1..].iter().any(|(u, _)| u == uri), "{uri}");
        }
    }
}
