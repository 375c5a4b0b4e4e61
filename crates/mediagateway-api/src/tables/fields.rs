//! The fields of every table: the one declaration of each (see the module above).

use super::EwsColumn::{Derived, Field as Uri, Indexed};
use super::FieldType::{
    Binary, Boolean, Date, DateTime, Decimal, Duration, Enumeration, Integer, Mailbox, MailboxList,
    Recurrence, Text, TextList,
};
use super::{EwsColumn, Field, FieldType};

const IMPORTANCE: FieldType = Enumeration(&["Low", "Normal", "High"]);
const SENSITIVITY: FieldType = Enumeration(&["Normal", "Personal", "Private", "Confidential"]);
const BUSY_STATUS: FieldType = Enumeration(&[
    "Free",
    "Tentative",
    "Busy",
    "OOF",
    "WorkingElsewhere",
    "NoData",
]);
const CALENDAR_ITEM_TYPE: FieldType =
    Enumeration(&["Single", "Occurrence", "Exception", "RecurringMaster"]);
const RESPONSE_TYPE: FieldType = Enumeration(&[
    "Unknown",
    "Organizer",
    "Tentative",
    "Accept",
    "Decline",
    "NoResponseReceived",
]);
const TASK_STATUS: FieldType = Enumeration(&[
    "NotStarted",
    "InProgress",
    "Completed",
    "WaitingOnOthers",
    "Deferred",
]);

const fn field(name: &'static str, field_type: FieldType, ews: EwsColumn) -> Field {
    Field::new(name, field_type, ews)
}

/// `ID`: Exchange's item id; a move, and on some servers a change, gives a new one.
const ID: Field = field("ID", Text, Derived).required().read_only().opaque();
/// `PermanentURL`: the key that stays across edits and moves (filterable: records are
/// found by it; the connector documents it as not sortable).
const PERMANENT_URL: Field = field("PermanentURL", Text, Derived)
    .required()
    .read_only()
    .unsorted();
/// `ETag`: the change key, for optimistic concurrency.
const ETAG: Field = field("ETag", Text, Derived).required().read_only().opaque();
/// `FKID`: the folder holding the item.
const FKID: Field = field("FKID", Text, Uri("item:ParentFolderId"))
    .read_only()
    .opaque();

/// The fields every item table shares, before its own.
macro_rules! item_fields {
    ($($own:expr),* $(,)?) => {
        &[
            ID,
            PERMANENT_URL,
            ETAG,
            FKID,
            field("Subject", Text, Uri("item:Subject")),
            field("Description", Text, Uri("item:Body")).unsorted(),
            field("HtmlDescription", Text, Uri("item:Body")).opaque(),
            field("Categories", TextList, Uri("item:Categories")).unsorted(),
            field("Importance", IMPORTANCE, Uri("item:Importance")),
            field("Sensitivity", SENSITIVITY, Uri("item:Sensitivity")),
            field("Created", DateTime, Uri("item:DateTimeCreated")).read_only(),
            field("LastModified", DateTime, Uri("item:LastModifiedTime")).read_only(),
            field("HasAttachments", Boolean, Uri("item:HasAttachments")).read_only(),
            field("Size", Integer, Uri("item:Size")).read_only(),
            $($own,)*
        ]
    };
}

pub(super) const APPOINTMENT: &[Field] = item_fields![
    field("Start", DateTime, Uri("calendar:Start")).required(),
    field("End", DateTime, Uri("calendar:End")).required(),
    field("IsAllDayEvent", Boolean, Uri("calendar:IsAllDayEvent")),
    field("Location", Text, Uri("calendar:Location")),
    field(
        "BusyStatus",
        BUSY_STATUS,
        Uri("calendar:LegacyFreeBusyStatus")
    ),
    field("TimeZone", Text, Uri("calendar:StartTimeZone")).unsorted(),
    field("Organizer", Mailbox, Uri("calendar:Organizer"))
        .read_only()
        .unsorted(),
    field(
        "RequiredAttendees",
        MailboxList,
        Uri("calendar:RequiredAttendees")
    )
    .opaque(),
    field(
        "OptionalAttendees",
        MailboxList,
        Uri("calendar:OptionalAttendees")
    )
    .opaque(),
    field("Resources", MailboxList, Uri("calendar:Resources")).opaque(),
    field("IsMeeting", Boolean, Uri("calendar:IsMeeting")).read_only(),
    field("IsCancelled", Boolean, Uri("calendar:IsCancelled")).read_only(),
    field("IsRecurring", Boolean, Uri("calendar:IsRecurring")).read_only(),
    field(
        "CalendarItemType",
        CALENDAR_ITEM_TYPE,
        Uri("calendar:CalendarItemType")
    )
    .read_only(),
    field("Recurrence", Recurrence, Uri("calendar:Recurrence")).opaque(),
    field(
        "MyResponseType",
        RESPONSE_TYPE,
        Uri("calendar:MyResponseType")
    )
    .read_only(),
    field("Duration", Duration, Uri("calendar:Duration")).read_only(),
    field("UID", Text, Uri("calendar:UID"))
        .read_only()
        .unsorted(),
    field("ReminderSet", Boolean, Uri("item:ReminderIsSet")),
    field(
        "ReminderMinutesBeforeStart",
        Integer,
        Uri("item:ReminderMinutesBeforeStart")
    ),
];

pub(super) const CONTACT: &[Field] = item_fields![
    field("DisplayName", Text, Uri("contacts:DisplayName")),
    field("FileAs", Text, Uri("contacts:FileAs")),
    field("GivenName", Text, Uri("contacts:GivenName")),
    field("MiddleName", Text, Uri("contacts:MiddleName")),
    field("Surname", Text, Uri("contacts:Surname")),
    field("Nickname", Text, Uri("contacts:Nickname")),
    field("CompanyName", Text, Uri("contacts:CompanyName")),
    field("Department", Text, Uri("contacts:Department")),
    field("JobTitle", Text, Uri("contacts:JobTitle")),
    field(
        "Email1",
        Text,
        Indexed("contacts:EmailAddress", "EmailAddress1")
    ),
    field(
        "Email2",
        Text,
        Indexed("contacts:EmailAddress", "EmailAddress2")
    ),
    field(
        "Email3",
        Text,
        Indexed("contacts:EmailAddress", "EmailAddress3")
    ),
    field(
        "BusinessPhone",
        Text,
        Indexed("contacts:PhoneNumber", "BusinessPhone")
    ),
    field(
        "HomePhone",
        Text,
        Indexed("contacts:PhoneNumber", "HomePhone")
    ),
    field(
        "MobilePhone",
        Text,
        Indexed("contacts:PhoneNumber", "MobilePhone")
    ),
    field(
        "BusinessFax",
        Text,
        Indexed("contacts:PhoneNumber", "BusinessFax")
    ),
    field(
        "BusinessStreet",
        Text,
        Indexed("contacts:PhysicalAddress:Street", "Business")
    ),
    field(
        "BusinessCity",
        Text,
        Indexed("contacts:PhysicalAddress:City", "Business")
    ),
    field(
        "BusinessState",
        Text,
        Indexed("contacts:PhysicalAddress:State", "Business")
    ),
    field(
        "BusinessPostalCode",
        Text,
        Indexed("contacts:PhysicalAddress:PostalCode", "Business"),
    ),
    field(
        "BusinessCountry",
        Text,
        Indexed("contacts:PhysicalAddress:CountryOrRegion", "Business"),
    ),
    field(
        "HomeStreet",
        Text,
        Indexed("contacts:PhysicalAddress:Street", "Home")
    ),
    field(
        "HomeCity",
        Text,
        Indexed("contacts:PhysicalAddress:City", "Home")
    ),
    field(
        "HomePostalCode",
        Text,
        Indexed("contacts:PhysicalAddress:PostalCode", "Home")
    ),
    field(
        "HomeCountry",
        Text,
        Indexed("contacts:PhysicalAddress:CountryOrRegion", "Home"),
    ),
    field("Birthday", Date, Uri("contacts:Birthday")),
    field("AssistantName", Text, Uri("contacts:AssistantName")),
    field("Manager", Text, Uri("contacts:Manager")),
];

pub(super) const TASK: &[Field] = item_fields![
    field("StartDate", Date, Uri("task:StartDate")),
    field("DueDate", Date, Uri("task:DueDate")),
    field("CompleteDate", DateTime, Uri("task:CompleteDate")),
    field("Status", TASK_STATUS, Uri("task:Status")),
    field("PercentComplete", Decimal, Uri("task:PercentComplete")),
    field("IsComplete", Boolean, Uri("task:IsComplete")).read_only(),
    field("Owner", Text, Uri("task:Owner")).read_only(),
    field("Recurrence", Recurrence, Uri("task:Recurrence")).opaque(),
    field("TotalWork", Integer, Uri("task:TotalWork")),
    field("ActualWork", Integer, Uri("task:ActualWork")),
    field("Mileage", Text, Uri("task:Mileage")),
    field("BillingInformation", Text, Uri("task:BillingInformation")),
    field("Companies", TextList, Uri("task:Companies")).unsorted(),
    field("ReminderSet", Boolean, Uri("item:ReminderIsSet")),
    field("ReminderDueBy", DateTime, Uri("item:ReminderDueBy")),
];

pub(super) const MESSAGE: &[Field] = item_fields![
    field("From", Mailbox, Uri("message:From")),
    field("Sender", Mailbox, Uri("message:Sender")).read_only(),
    // Exchange neither restricts nor sorts on recipient lists.
    field("To", MailboxList, Uri("message:ToRecipients")).opaque(),
    field("Cc", MailboxList, Uri("message:CcRecipients")).opaque(),
    field("Bcc", MailboxList, Uri("message:BccRecipients")).opaque(),
    field("ReplyTo", MailboxList, Uri("message:ReplyTo")).opaque(),
    field("Read", Boolean, Uri("message:IsRead")).unsorted(),
    field("Received", DateTime, Uri("item:DateTimeReceived")).read_only(),
    field("Sent", DateTime, Uri("item:DateTimeSent")).read_only(),
    field("IsDraft", Boolean, Uri("item:IsDraft")).read_only(),
    field("InternetMessageId", Text, Uri("message:InternetMessageId"))
        .read_only()
        .unsorted(),
    field("ConversationTopic", Text, Uri("message:ConversationTopic")).read_only(),
    field(
        "IsReadReceiptRequested",
        Boolean,
        Uri("message:IsReadReceiptRequested")
    ),
    field(
        "IsDeliveryReceiptRequested",
        Boolean,
        Uri("message:IsDeliveryReceiptRequested")
    ),
];

pub(super) const NOTE: &[Field] = item_fields![];

pub(super) const FOLDER: &[Field] = &[
    ID,
    PERMANENT_URL,
    ETAG,
    FKID,
    field("DisplayName", Text, Uri("folder:DisplayName")).required(),
    field("FolderClass", Text, Uri("folder:FolderClass")),
    field("ParentName", Text, Derived).read_only().opaque(),
    field("TotalCount", Integer, Uri("folder:TotalCount"))
        .required()
        .read_only(),
    field("UnreadCount", Integer, Uri("folder:UnreadCount"))
        .read_only()
        .unsorted(),
    field("ChildFolderCount", Integer, Uri("folder:ChildFolderCount"))
        .required()
        .read_only(),
    field("HasSubfolders", Boolean, Derived)
        .required()
        .read_only()
        .opaque(),
];

pub(super) const ATTACHMENT: &[Field] = &[
    ID,
    // Written once, when the attachment is added; an update changes nothing here.
    field("FKItemID", Text, Derived).required().unsorted(),
    field("Name", Text, Derived).required(),
    field("ContentType", Text, Derived),
    field("ContentId", Text, Derived).opaque(),
    field("Size", Integer, Derived).read_only(),
    field("IsInline", Boolean, Derived),
    field("IsFile", Boolean, Derived).required().read_only(),
    field("LastModified", DateTime, Derived).read_only(),
    field("Value", Binary, Derived).opaque(),
    // On a new attachment instead of `Value`: the `ID` of an item of the mailbox, attached
    // as a copy (an item attachment). Never read back.
    field("ItemID", Text, Derived).opaque(),
];
