//! The structs of the tables, declared field by field in each table's declaration order.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use mediagateway_api::tables::{MailboxValue, Recurrence};

use super::{BusyStatus, CalendarItemType, ResponseType, TaskStatus};

item_row! {
    /// A calendar item (table `Appointment`).
    Appointment = Appointment {
        /// When it starts (required for a new appointment).
        start: DateTime<Utc> = "Start",
        /// When it ends (required for a new appointment).
        end: DateTime<Utc> = "End",
        /// Whether it lasts whole days.
        is_all_day_event: bool = "IsAllDayEvent",
        /// Where.
        location: String = "Location",
        /// How it shows in free/busy.
        busy_status: BusyStatus = "BusyStatus",
        /// Its time zone.
        time_zone: String = "TimeZone",
        /// Who organizes it.
        organizer: MailboxValue = "Organizer",
        /// The required attendees.
        required_attendees: Vec<MailboxValue> = "RequiredAttendees",
        /// The optional attendees.
        optional_attendees: Vec<MailboxValue> = "OptionalAttendees",
        /// The resources (rooms, equipment).
        resources: Vec<MailboxValue> = "Resources",
        /// Whether it is a meeting (has attendees).
        is_meeting: bool = "IsMeeting",
        /// Whether it was cancelled.
        is_cancelled: bool = "IsCancelled",
        /// Whether it belongs to a series.
        is_recurring: bool = "IsRecurring",
        /// Single, occurrence, exception or series.
        calendar_item_type: CalendarItemType = "CalendarItemType",
        /// How the series repeats.
        recurrence: Recurrence = "Recurrence",
        /// The user's response.
        my_response_type: ResponseType = "MyResponseType",
        /// How long it lasts.
        duration: Duration = "Duration",
        /// The iCalendar UID.
        uid: String = "UID",
        /// Whether a reminder is set.
        reminder_set: bool = "ReminderSet",
        /// How many minutes before the start the reminder comes.
        reminder_minutes_before_start: i64 = "ReminderMinutesBeforeStart",
    }
}

item_row! {
    /// A contact (table `Contact`).
    Contact = Contact {
        /// The name as shown.
        display_name: String = "DisplayName",
        /// The name it is filed under.
        file_as: String = "FileAs",
        /// The given name.
        given_name: String = "GivenName",
        /// The middle name.
        middle_name: String = "MiddleName",
        /// The surname.
        surname: String = "Surname",
        /// The nickname.
        nickname: String = "Nickname",
        /// The company.
        company_name: String = "CompanyName",
        /// The department.
        department: String = "Department",
        /// The job title.
        job_title: String = "JobTitle",
        /// The first e-mail address.
        email1: String = "Email1",
        /// The second e-mail address.
        email2: String = "Email2",
        /// The third e-mail address.
        email3: String = "Email3",
        /// The business phone.
        business_phone: String = "BusinessPhone",
        /// The home phone.
        home_phone: String = "HomePhone",
        /// The mobile phone.
        mobile_phone: String = "MobilePhone",
        /// The business fax.
        business_fax: String = "BusinessFax",
        /// The business address's street.
        business_street: String = "BusinessStreet",
        /// The business address's city.
        business_city: String = "BusinessCity",
        /// The business address's state.
        business_state: String = "BusinessState",
        /// The business address's postal code.
        business_postal_code: String = "BusinessPostalCode",
        /// The business address's country or region.
        business_country: String = "BusinessCountry",
        /// The home address's street.
        home_street: String = "HomeStreet",
        /// The home address's city.
        home_city: String = "HomeCity",
        /// The home address's postal code.
        home_postal_code: String = "HomePostalCode",
        /// The home address's country or region.
        home_country: String = "HomeCountry",
        /// The birthday.
        birthday: NaiveDate = "Birthday",
        /// The assistant's name.
        assistant_name: String = "AssistantName",
        /// The manager's name.
        manager: String = "Manager",
    }
}

item_row! {
    /// A task (table `Task`).
    Task = Task {
        /// When it starts.
        start_date: NaiveDate = "StartDate",
        /// When it is due.
        due_date: NaiveDate = "DueDate",
        /// When it was completed.
        complete_date: DateTime<Utc> = "CompleteDate",
        /// Its status.
        status: TaskStatus = "Status",
        /// How much of it is done, in percent.
        percent_complete: f64 = "PercentComplete",
        /// Whether it is complete.
        is_complete: bool = "IsComplete",
        /// Who owns it.
        owner: String = "Owner",
        /// How the series repeats.
        recurrence: Recurrence = "Recurrence",
        /// The work it takes, in minutes.
        total_work: i64 = "TotalWork",
        /// The work done, in minutes.
        actual_work: i64 = "ActualWork",
        /// The mileage.
        mileage: String = "Mileage",
        /// The billing information.
        billing_information: String = "BillingInformation",
        /// The companies it is for.
        companies: Vec<String> = "Companies",
        /// Whether a reminder is set.
        reminder_set: bool = "ReminderSet",
        /// When the reminder comes.
        reminder_due_by: DateTime<Utc> = "ReminderDueBy",
    }
}

item_row! {
    /// An e-mail message (table `Message`).
    Message = Message {
        /// Whom it is from.
        from: MailboxValue = "From",
        /// Who sent it (for someone else, when it differs from `from`).
        sender: MailboxValue = "Sender",
        /// The recipients.
        to: Vec<MailboxValue> = "To",
        /// The copy recipients.
        cc: Vec<MailboxValue> = "Cc",
        /// The blind copy recipients.
        bcc: Vec<MailboxValue> = "Bcc",
        /// Where replies go.
        reply_to: Vec<MailboxValue> = "ReplyTo",
        /// Whether it was read.
        read: bool = "Read",
        /// When it was received.
        received: DateTime<Utc> = "Received",
        /// When it was sent.
        sent: DateTime<Utc> = "Sent",
        /// Whether it is a draft.
        is_draft: bool = "IsDraft",
        /// The Internet message id.
        internet_message_id: String = "InternetMessageId",
        /// The conversation's topic.
        conversation_topic: String = "ConversationTopic",
        /// Whether a read receipt is asked for.
        is_read_receipt_requested: bool = "IsReadReceiptRequested",
        /// Whether a delivery receipt is asked for.
        is_delivery_receipt_requested: bool = "IsDeliveryReceiptRequested",
    }
}

item_row! {
    /// A sticky note (table `Note`): the fields every item has.
    Note = Note {}
}

table_row! {
    /// A folder, with its item counts (table `Folder`).
    Folder = Folder {
        /// The folder's id.
        id: String = "ID",
        /// The key that stays across moves.
        permanent_url: String = "PermanentURL",
        /// The change key.
        e_tag: String = "ETag",
        /// The id of the parent folder.
        fk_id: String = "FKID",
        /// The name (required for a new folder).
        display_name: String = "DisplayName",
        /// The kind of items it holds (`IPF.Appointment`, …).
        folder_class: String = "FolderClass",
        /// The parent folder's name.
        parent_name: String = "ParentName",
        /// How many items it holds.
        total_count: i64 = "TotalCount",
        /// How many of them are unread.
        unread_count: i64 = "UnreadCount",
        /// How many folders it holds.
        child_folder_count: i64 = "ChildFolderCount",
        /// Whether it holds folders.
        has_subfolders: bool = "HasSubfolders",
    }
}

table_row! {
    /// An attachment of an item of any table (table `Attachment`). A new one needs
    /// `fk_item_id`, `name` and either `value` (a file) or `item_id` (an item of the mailbox,
    /// attached as a copy).
    Attachment = Attachment without change keys {
        /// The attachment's id.
        id: String = "ID",
        /// The id of the item it belongs to.
        fk_item_id: String = "FKItemID",
        /// The file name, or the attached item's name.
        name: String = "Name",
        /// The MIME type.
        content_type: String = "ContentType",
        /// How an HTML body refers to it (`cid:…`).
        content_id: String = "ContentId",
        /// The size in bytes.
        size: i64 = "Size",
        /// Whether it is shown inside the body.
        is_inline: bool = "IsInline",
        /// Whether it is a file (not an attached item).
        is_file: bool = "IsFile",
        /// When it last changed.
        last_modified: DateTime<Utc> = "LastModified",
        /// The content of a file (read one attachment by `ID` to get it).
        value: Vec<u8> = "Value",
        /// On a new attachment: the item to attach as a copy.
        item_id: String = "ItemID",
    }
}
