//! Meeting messages: requests, responses and cancellations (`t:MeetingMessageType` and the
//! types derived from it).

use chrono::{DateTime, Utc};

use super::common::schema_enum;
use crate::calendar::{Attendee, FreeBusyStatus, Recurrence, ResponseType};
use crate::decoded::Node;
use crate::items::{Mailbox, Message};
use crate::ItemId;

schema_enum! {
    /// What kind of meeting request a message is (`t:MeetingRequestTypeType`).
    MeetingRequestType {
        /// Not set.
        None => "None",
        /// An update that changes the time or place.
        FullUpdate => "FullUpdate",
        /// An update that changes nothing the attendee must answer to.
        InformationalUpdate => "InformationalUpdate",
        /// A new meeting.
        NewMeetingRequest => "NewMeetingRequest",
        /// Superseded by a later request.
        Outdated => "Outdated",
        /// An update sent without asking for answers.
        SilentUpdate => "SilentUpdate",
        /// A copy for the principal of a delegate.
        PrincipalWantsCopy => "PrincipalWantsCopy",
    }
}

/// Declares a meeting message struct: the message, the properties every meeting message
/// shares (`t:MeetingMessageType`), the fields given, then `unmodelled`.
macro_rules! meeting_struct {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            /// The message properties. Its `unmodelled` stays empty: children read neither
            /// as message nor as meeting properties are in this struct's `unmodelled`.
            pub message: Message,
            /// `AssociatedCalendarItemId`: the calendar item the message is about.
            pub associated_calendar_item_id: Option<ItemId>,
            /// `IsDelegated`: whether a delegate handles it for the mailbox owner.
            pub is_delegated: Option<bool>,
            /// `IsOutOfDate`: whether a later message superseded it.
            pub is_out_of_date: Option<bool>,
            /// `HasBeenProcessed`: whether the calendar was updated from it.
            pub has_been_processed: Option<bool>,
            /// `ResponseType`: the answer the message carries or the mailbox gave.
            pub response_type: Option<ResponseType>,
            /// `UID`: the iCalendar UID of the meeting.
            pub uid: Option<String>,
            /// `RecurrenceId`: the occurrence meant, for a message about one occurrence.
            pub recurrence_id: Option<DateTime<Utc>>,
            /// `DateTimeStamp`: when the message was created (iCalendar `DTSTAMP`).
            pub date_time_stamp: Option<DateTime<Utc>>,
            /// `IsOrganizer` (Exchange 2013 and later).
            pub is_organizer: Option<bool>,
            /// `Start` of the meeting.
            pub start: Option<DateTime<Utc>>,
            /// `End` of the meeting.
            pub end: Option<DateTime<Utc>>,
            /// `Location` of the meeting.
            pub location: Option<String>,
            /// `CalendarItemType`: `Single`, `Occurrence`, `Exception` or `RecurringMaster`.
            pub calendar_item_type: Option<String>,
            /// `Recurrence`: how the meeting repeats, for a message about a series.
            pub recurrence: Option<Recurrence>,
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Every child element this crate does not read, in document order.
            pub unmodelled: Vec<Node>,
        }
    };
}

meeting_struct! {
    /// A meeting request (`t:MeetingRequest`).
    MeetingRequest {
        /// `MeetingRequestType`.
        meeting_request_type: Option<MeetingRequestType>,
        /// `IntendedFreeBusyStatus`: the status the organizer meant the meeting to have.
        intended_free_busy_status: Option<FreeBusyStatus>,
        /// `IsAllDayEvent`.
        is_all_day: Option<bool>,
        /// `IsCancelled`.
        is_cancelled: Option<bool>,
        /// `IsRecurring`.
        is_recurring: Option<bool>,
        /// `MyResponseType`: the mailbox owner's answer so far.
        my_response_type: Option<ResponseType>,
        /// `Organizer`.
        organizer: Option<Mailbox>,
        /// `RequiredAttendees`.
        required_attendees: Vec<Attendee>,
        /// `OptionalAttendees`.
        optional_attendees: Vec<Attendee>,
        /// `Resources`: rooms and equipment.
        resources: Vec<Attendee>,
    }
}

meeting_struct! {
    /// An attendee's answer to a meeting request (`t:MeetingResponse`); the answer is the
    /// [`response_type`](Self::response_type) (`Tentative`, `Accept`, `Decline`).
    MeetingResponse {
        /// `ProposedStart`: the start the attendee proposes instead (Exchange 2013 and later).
        proposed_start: Option<DateTime<Utc>>,
        /// `ProposedEnd`: the end the attendee proposes instead (Exchange 2013 and later).
        proposed_end: Option<DateTime<Utc>>,
    }
}

meeting_struct! {
    /// A meeting cancellation (`t:MeetingCancellation`).
    MeetingCancellation {}
}
