//! Reading messages and meeting messages (`t:Message`, `t:MeetingRequest`,
//! `t:MeetingResponse`, `t:MeetingCancellation`), and writing messages and notes.

use super::calendar_values::attendees;
use super::item::{item_properties, mailboxes, optional_id, single_mailbox, unread};
use super::item_write::{
    check_categories, check_extended_properties, check_recipients, write_extended_properties,
    SharedProperties,
};
use super::mailbox::{write_mailbox, write_mailboxes};
use super::recurrence::read_recurrence;
use crate::calendar::{
    FreeBusyStatus, MeetingCancellation, MeetingRequest, MeetingRequestType, MeetingResponse,
    ResponseType,
};
use crate::items::{Message, NewMessage, NewNote};
use crate::operations::reading::{self, choice, date_time, free_text, text};
use crate::types::NOTE_ITEM_CLASS;
use crate::xml::{Element, XmlWriter};
use crate::EwsError;

/// The children of `t:Message` that [`message`] reads beyond the shared ones.
const MESSAGE_CHILDREN: &[&str] = &[
    "InReplyTo",
    "IsSubmitted",
    "IsDraft",
    "ConversationId",
    "Sender",
    "ToRecipients",
    "CcRecipients",
    "BccRecipients",
    "IsReadReceiptRequested",
    "IsDeliveryReceiptRequested",
    "ConversationIndex",
    "ConversationTopic",
    "From",
    "InternetMessageId",
    "IsRead",
    "IsResponseRequested",
    "References",
    "ReplyTo",
    "ReceivedBy",
    "ReceivedRepresenting",
];

/// The children every meeting message reads beyond the message ones.
const MEETING_CHILDREN: &[&str] = &[
    "AssociatedCalendarItemId",
    "IsDelegated",
    "IsOutOfDate",
    "HasBeenProcessed",
    "ResponseType",
    "UID",
    "RecurrenceId",
    "DateTimeStamp",
    "IsOrganizer",
    "Start",
    "End",
    "Location",
    "CalendarItemType",
    "Recurrence",
];

/// The children a meeting request reads beyond the meeting ones.
const REQUEST_CHILDREN: &[&str] = &[
    "MeetingRequestType",
    "IntendedFreeBusyStatus",
    "IsAllDayEvent",
    "IsCancelled",
    "IsRecurring",
    "MyResponseType",
    "Organizer",
    "RequiredAttendees",
    "OptionalAttendees",
    "Resources",
];

/// The children a meeting response reads beyond the meeting ones.
const RESPONSE_CHILDREN: &[&str] = &["ProposedStart", "ProposedEnd"];

/// Reads a `t:Message` (a sticky note too).
pub(crate) fn message(e: &Element) -> Result<Message, EwsError> {
    let mut m = message_properties(e)?;
    m.unmodelled = unread(e, &[MESSAGE_CHILDREN]);
    Ok(m)
}

/// Reads the properties of a `t:Message`, leaving its unmodelled children to the caller
/// (a meeting message has more children of its own).
fn message_properties(e: &Element) -> Result<Message, EwsError> {
    let mut m = Message::from_properties(item_properties(e)?);
    m.in_reply_to = text(e, "InReplyTo");
    m.is_submitted = reading::boolean(e, "IsSubmitted")?;
    m.is_draft = reading::boolean(e, "IsDraft")?;
    m.conversation_id = optional_id(e, "ConversationId")?;
    m.sender = single_mailbox(e, "Sender");
    m.to_recipients = mailboxes(e, "ToRecipients");
    m.cc_recipients = mailboxes(e, "CcRecipients");
    m.bcc_recipients = mailboxes(e, "BccRecipients");
    m.is_read_receipt_requested = reading::boolean(e, "IsReadReceiptRequested")?;
    m.is_delivery_receipt_requested = reading::boolean(e, "IsDeliveryReceiptRequested")?;
    m.conversation_index = text(e, "ConversationIndex");
    m.conversation_topic = free_text(e, "ConversationTopic");
    m.from = single_mailbox(e, "From");
    m.internet_message_id = text(e, "InternetMessageId");
    m.is_read = reading::boolean(e, "IsRead")?;
    m.is_response_requested = reading::boolean(e, "IsResponseRequested")?;
    m.references = text(e, "References");
    m.reply_to = mailboxes(e, "ReplyTo");
    m.received_by = single_mailbox(e, "ReceivedBy");
    m.received_representing = single_mailbox(e, "ReceivedRepresenting");
    Ok(m)
}

/// Reads a meeting message of kind `$struct`: the message, then the properties every
/// meeting message has; `$own` lists the children the caller reads beyond them.
macro_rules! read_meeting {
    ($struct:ident, $e:expr, $own:expr) => {{
        let e: &Element = $e;
        let mut r = $struct {
            message: message_properties(e)?,
            ..$struct::default()
        };
        r.associated_calendar_item_id = optional_id(e, "AssociatedCalendarItemId")?;
        r.is_delegated = reading::boolean(e, "IsDelegated")?;
        r.is_out_of_date = reading::boolean(e, "IsOutOfDate")?;
        r.has_been_processed = reading::boolean(e, "HasBeenProcessed")?;
        r.response_type = choice(e, "ResponseType", ResponseType::parse, "a response type")?;
        r.uid = text(e, "UID");
        r.recurrence_id = date_time(e, "RecurrenceId")?;
        r.date_time_stamp = date_time(e, "DateTimeStamp")?;
        r.is_organizer = reading::boolean(e, "IsOrganizer")?;
        r.start = date_time(e, "Start")?;
        r.end = date_time(e, "End")?;
        r.location = free_text(e, "Location");
        r.calendar_item_type = text(e, "CalendarItemType");
        r.recurrence = e.child("Recurrence").map(read_recurrence).transpose()?;
        r.unmodelled = unread(e, &[MESSAGE_CHILDREN, MEETING_CHILDREN, $own]);
        r
    }};
}

/// Reads a `t:MeetingRequest`.
pub(crate) fn meeting_request(e: &Element) -> Result<MeetingRequest, EwsError> {
    let mut r = read_meeting!(MeetingRequest, e, REQUEST_CHILDREN);
    r.meeting_request_type = choice(
        e,
        "MeetingRequestType",
        MeetingRequestType::parse,
        "a meeting request type",
    )?;
    r.intended_free_busy_status = choice(
        e,
        "IntendedFreeBusyStatus",
        FreeBusyStatus::parse,
        "a free/busy status",
    )?;
    r.is_all_day = reading::boolean(e, "IsAllDayEvent")?;
    r.is_cancelled = reading::boolean(e, "IsCancelled")?;
    r.is_recurring = reading::boolean(e, "IsRecurring")?;
    r.my_response_type = choice(e, "MyResponseType", ResponseType::parse, "a response type")?;
    r.organizer = single_mailbox(e, "Organizer");
    let list = |name| e.child(name).map(attendees).transpose();
    r.required_attendees = list("RequiredAttendees")?.unwrap_or_default();
    r.optional_attendees = list("OptionalAttendees")?.unwrap_or_default();
    r.resources = list("Resources")?.unwrap_or_default();
    Ok(r)
}

/// Reads a `t:MeetingResponse`.
pub(crate) fn meeting_response(e: &Element) -> Result<MeetingResponse, EwsError> {
    let mut r = read_meeting!(MeetingResponse, e, RESPONSE_CHILDREN);
    r.proposed_start = date_time(e, "ProposedStart")?;
    r.proposed_end = date_time(e, "ProposedEnd")?;
    Ok(r)
}

/// Reads a `t:MeetingCancellation`.
pub(crate) fn meeting_cancellation(e: &Element) -> Result<MeetingCancellation, EwsError> {
    Ok(read_meeting!(MeetingCancellation, e, &[]))
}

/// Refuses a message Exchange would refuse: recipients without an address, a `From`
/// without one, and blank or repeated categories.
pub(crate) fn check_new_message(m: &NewMessage) -> Result<(), EwsError> {
    check_recipients("to recipients", &m.to_recipients)?;
    check_recipients("cc recipients", &m.cc_recipients)?;
    check_recipients("bcc recipients", &m.bcc_recipients)?;
    check_recipients("reply to", &m.reply_to)?;
    if let Some(from) = &m.from {
        check_recipients("from", std::slice::from_ref(from))?;
    }
    check_extended_properties(&m.extended_properties)?;
    check_categories(&m.categories)
}

/// Writes a `t:Message`, its properties in schema order (all known to Exchange 2007 SP1).
pub(crate) fn write_new_message(w: &mut XmlWriter, m: &NewMessage) {
    w.start("t:Message", &[]);
    SharedProperties {
        subject: Some(&m.subject),
        sensitivity: m.sensitivity,
        body: m.body.as_ref(),
        categories: &m.categories,
        importance: m.importance,
        ..SharedProperties::default()
    }
    .write(w);
    write_extended_properties(w, &m.extended_properties);
    write_mailboxes(w, "t:ToRecipients", &m.to_recipients);
    write_mailboxes(w, "t:CcRecipients", &m.cc_recipients);
    write_mailboxes(w, "t:BccRecipients", &m.bcc_recipients);
    if let Some(requested) = m.is_read_receipt_requested {
        w.text_element("t:IsReadReceiptRequested", &[], bool_text(requested));
    }
    if let Some(requested) = m.is_delivery_receipt_requested {
        w.text_element("t:IsDeliveryReceiptRequested", &[], bool_text(requested));
    }
    if let Some(from) = &m.from {
        w.start("t:From", &[]);
        write_mailbox(w, from);
        w.end();
    }
    if let Some(read) = m.is_read {
        w.text_element("t:IsRead", &[], bool_text(read));
    }
    write_mailboxes(w, "t:ReplyTo", &m.reply_to);
    w.end();
}

/// Refuses a note Exchange would refuse: blank or repeated categories.
pub(crate) fn check_new_note(n: &NewNote) -> Result<(), EwsError> {
    check_extended_properties(&n.extended_properties)?;
    check_categories(&n.categories)
}

/// Writes a sticky note: a `t:Message` of item class `IPM.StickyNote`.
pub(crate) fn write_new_note(w: &mut XmlWriter, n: &NewNote) {
    w.start("t:Message", &[]);
    SharedProperties {
        item_class: Some(NOTE_ITEM_CLASS),
        subject: Some(&n.subject),
        sensitivity: n.sensitivity,
        body: Some(&n.body),
        categories: &n.categories,
        importance: n.importance,
    }
    .write(w);
    write_extended_properties(w, &n.extended_properties);
    w.end();
}

fn bool_text(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}
