//! Which properties an update may write, the element each is written as inside the item
//! element, and the shape of value each takes.

use crate::items::{MapiPropertyType, PropertyPath};
use crate::EwsError;

/// The shape of value a property takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Any text.
    Text,
    /// One of these words.
    Choice(&'static [&'static str]),
    /// A boolean.
    Bool,
    /// An integer in the range.
    Integer(i64, i64),
    /// A date-time.
    DateTime,
    /// A non-empty list of strings, each in `t:String`.
    Strings,
    /// A body.
    Body,
    /// One mailbox, in the element.
    Mailbox,
    /// A non-empty list of mailboxes.
    Mailboxes,
    /// A non-empty list of attendees.
    Attendees,
    /// A calendar recurrence (`task`: a task recurrence, which may regenerate).
    Recurrence { task: bool },
    /// An importance.
    Importance,
    /// A sensitivity.
    Sensitivity,
}

/// A property an update may write: its URI, the element it is written as, its shape and
/// whether Exchange can append to it. Exchange appends only to the body, the recipient lists
/// and the attendee lists; a list of strings (categories, companies) is replaced whole.
#[derive(Debug)]
pub(crate) struct Field {
    pub(crate) uri: &'static str,
    pub(crate) tag: &'static str,
    pub(crate) shape: Shape,
    pub(crate) appendable: bool,
}

const INT: Shape = Shape::Integer(i32::MIN as i64, i32::MAX as i64);

const fn f(uri: &'static str, tag: &'static str, shape: Shape) -> Field {
    Field {
        uri,
        tag,
        shape,
        appendable: false,
    }
}

const fn appendable(uri: &'static str, tag: &'static str, shape: Shape) -> Field {
    Field {
        uri,
        tag,
        shape,
        appendable: true,
    }
}

/// The writable field URIs. The family prefix (`item:`, `message:`, …) decides which item
/// kinds a field fits.
const FIELDS: &[Field] = &[
    f("item:ItemClass", "t:ItemClass", Shape::Text),
    f("item:Subject", "t:Subject", Shape::Text),
    f("item:Sensitivity", "t:Sensitivity", Shape::Sensitivity),
    appendable("item:Body", "t:Body", Shape::Body),
    f("item:Categories", "t:Categories", Shape::Strings),
    f("item:Importance", "t:Importance", Shape::Importance),
    f("item:InReplyTo", "t:InReplyTo", Shape::Text),
    f("item:ReminderDueBy", "t:ReminderDueBy", Shape::DateTime),
    f("item:ReminderIsSet", "t:ReminderIsSet", Shape::Bool),
    // Exchange accepts up to five years of minutes.
    f(
        "item:ReminderMinutesBeforeStart",
        "t:ReminderMinutesBeforeStart",
        Shape::Integer(0, 2_629_800),
    ),
    f("item:Culture", "t:Culture", Shape::Text),
    appendable("message:ToRecipients", "t:ToRecipients", Shape::Mailboxes),
    appendable("message:CcRecipients", "t:CcRecipients", Shape::Mailboxes),
    appendable("message:BccRecipients", "t:BccRecipients", Shape::Mailboxes),
    f(
        "message:IsReadReceiptRequested",
        "t:IsReadReceiptRequested",
        Shape::Bool,
    ),
    f(
        "message:IsDeliveryReceiptRequested",
        "t:IsDeliveryReceiptRequested",
        Shape::Bool,
    ),
    f("message:From", "t:From", Shape::Mailbox),
    f("message:Sender", "t:Sender", Shape::Mailbox),
    f("message:IsRead", "t:IsRead", Shape::Bool),
    f(
        "message:IsResponseRequested",
        "t:IsResponseRequested",
        Shape::Bool,
    ),
    f("message:References", "t:References", Shape::Text),
    appendable("message:ReplyTo", "t:ReplyTo", Shape::Mailboxes),
    f("calendar:UID", "t:UID", Shape::Text),
    f("calendar:Start", "t:Start", Shape::DateTime),
    f("calendar:End", "t:End", Shape::DateTime),
    f("calendar:IsAllDayEvent", "t:IsAllDayEvent", Shape::Bool),
    f(
        "calendar:LegacyFreeBusyStatus",
        "t:LegacyFreeBusyStatus",
        Shape::Choice(&[
            "Free",
            "Tentative",
            "Busy",
            "OOF",
            "WorkingElsewhere",
            "NoData",
        ]),
    ),
    f("calendar:Location", "t:Location", Shape::Text),
    f(
        "calendar:IsResponseRequested",
        "t:IsResponseRequested",
        Shape::Bool,
    ),
    appendable(
        "calendar:RequiredAttendees",
        "t:RequiredAttendees",
        Shape::Attendees,
    ),
    appendable(
        "calendar:OptionalAttendees",
        "t:OptionalAttendees",
        Shape::Attendees,
    ),
    appendable("calendar:Resources", "t:Resources", Shape::Attendees),
    f(
        "calendar:Recurrence",
        "t:Recurrence",
        Shape::Recurrence { task: false },
    ),
    f(
        "calendar:ConferenceType",
        "t:ConferenceType",
        Shape::Integer(0, 2),
    ),
    f(
        "calendar:AllowNewTimeProposal",
        "t:AllowNewTimeProposal",
        Shape::Bool,
    ),
    f("calendar:IsOnlineMeeting", "t:IsOnlineMeeting", Shape::Bool),
    f(
        "calendar:MeetingWorkspaceUrl",
        "t:MeetingWorkspaceUrl",
        Shape::Text,
    ),
    f("calendar:NetShowUrl", "t:NetShowUrl", Shape::Text),
    f("task:ActualWork", "t:ActualWork", INT),
    f(
        "task:BillingInformation",
        "t:BillingInformation",
        Shape::Text,
    ),
    f("task:Companies", "t:Companies", Shape::Strings),
    f("task:CompleteDate", "t:CompleteDate", Shape::DateTime),
    f("task:Contacts", "t:Contacts", Shape::Strings),
    f("task:DueDate", "t:DueDate", Shape::DateTime),
    f("task:Mileage", "t:Mileage", Shape::Text),
    f(
        "task:PercentComplete",
        "t:PercentComplete",
        Shape::Integer(0, 100),
    ),
    f(
        "task:Recurrence",
        "t:Recurrence",
        Shape::Recurrence { task: true },
    ),
    f("task:StartDate", "t:StartDate", Shape::DateTime),
    f(
        "task:Status",
        "t:Status",
        Shape::Choice(&[
            "NotStarted",
            "InProgress",
            "Completed",
            "WaitingOnOthers",
            "Deferred",
        ]),
    ),
    f("task:TotalWork", "t:TotalWork", INT),
    f("contacts:FileAs", "t:FileAs", Shape::Text),
    f("contacts:DisplayName", "t:DisplayName", Shape::Text),
    f("contacts:GivenName", "t:GivenName", Shape::Text),
    f("contacts:Initials", "t:Initials", Shape::Text),
    f("contacts:MiddleName", "t:MiddleName", Shape::Text),
    f("contacts:Nickname", "t:Nickname", Shape::Text),
    f("contacts:CompanyName", "t:CompanyName", Shape::Text),
    f("contacts:AssistantName", "t:AssistantName", Shape::Text),
    f("contacts:Birthday", "t:Birthday", Shape::DateTime),
    f(
        "contacts:BusinessHomePage",
        "t:BusinessHomePage",
        Shape::Text,
    ),
    f("contacts:Children", "t:Children", Shape::Strings),
    f("contacts:Companies", "t:Companies", Shape::Strings),
    f("contacts:Department", "t:Department", Shape::Text),
    f("contacts:Generation", "t:Generation", Shape::Text),
    f("contacts:JobTitle", "t:JobTitle", Shape::Text),
    f("contacts:Manager", "t:Manager", Shape::Text),
    f("contacts:Mileage", "t:Mileage", Shape::Text),
    f("contacts:OfficeLocation", "t:OfficeLocation", Shape::Text),
    f("contacts:Profession", "t:Profession", Shape::Text),
    f("contacts:SpouseName", "t:SpouseName", Shape::Text),
    f("contacts:Surname", "t:Surname", Shape::Text),
    f(
        "contacts:WeddingAnniversary",
        "t:WeddingAnniversary",
        Shape::DateTime,
    ),
    f("contacts:Notes", "t:Notes", Shape::Text),
];

/// Where an update of a path is written.
#[derive(Debug)]
pub(crate) enum Target<'a> {
    /// A plain property.
    Field(&'static Field),
    /// An entry of a contact's dictionary (`t:EmailAddresses/t:Entry[@Key]`), or one part
    /// of a postal address entry (`t:PhysicalAddresses/t:Entry[@Key]/t:Street`).
    Entry {
        dictionary: &'static str,
        key: &'a str,
        part: Option<&'static str>,
    },
    /// An extended property of this MAPI type.
    Extended(MapiPropertyType),
}

/// The contact dictionaries: URI, dictionary element, address part.
const ENTRIES: &[(&str, &str, Option<&str>)] = &[
    ("contacts:EmailAddress", "t:EmailAddresses", None),
    ("contacts:ImAddress", "t:ImAddresses", None),
    ("contacts:PhoneNumber", "t:PhoneNumbers", None),
    (
        "contacts:PhysicalAddress:Street",
        "t:PhysicalAddresses",
        Some("t:Street"),
    ),
    (
        "contacts:PhysicalAddress:City",
        "t:PhysicalAddresses",
        Some("t:City"),
    ),
    (
        "contacts:PhysicalAddress:State",
        "t:PhysicalAddresses",
        Some("t:State"),
    ),
    (
        "contacts:PhysicalAddress:CountryOrRegion",
        "t:PhysicalAddresses",
        Some("t:CountryOrRegion"),
    ),
    (
        "contacts:PhysicalAddress:PostalCode",
        "t:PhysicalAddresses",
        Some("t:PostalCode"),
    ),
];

pub(crate) fn invalid(reason: String) -> EwsError {
    EwsError::InvalidArgument {
        argument: "field update",
        reason,
    }
}

/// Where `path` is written; refuses a path that is malformed or that updates cannot write.
pub(crate) fn target(path: &PropertyPath) -> Result<Target<'_>, EwsError> {
    path.check_shape()?;
    match path {
        PropertyPath::Field(uri) => FIELDS
            .iter()
            .find(|field| field.uri == uri.as_ref())
            .map(Target::Field)
            .ok_or_else(|| invalid(format!("{path} cannot be written by an update"))),
        PropertyPath::Indexed {
            field_uri,
            field_index,
        } => ENTRIES
            .iter()
            .find(|(uri, _, _)| *uri == field_uri.as_ref())
            .map(|&(_, dictionary, part)| Target::Entry {
                dictionary,
                key: field_index,
                part,
            })
            .ok_or_else(|| invalid(format!("{path} cannot be written by an update"))),
        PropertyPath::Extended { property_type, .. } => Ok(Target::Extended(*property_type)),
    }
}
