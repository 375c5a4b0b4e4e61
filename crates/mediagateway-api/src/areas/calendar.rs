//! The calendar area: appointments of the acting portal user.

use chrono::{DateTime, Utc};

use crate::ApiError;

/// The calendar area's operations, as data (see the [`declare`](crate::declare) module).
#[macro_export]
macro_rules! calendar_operations {
    ($callback:ident! { $($prefix:tt)* }) => {
        $callback! {
            $($prefix)*
            /// Calendar calls made on behalf of a portal user.
            trait CalendarApi;
            /// Appointments of the user's calendar that overlap `window`, by start.
            fn find_appointments(call: $crate::UserCall, window: $crate::TimeWindow)
                -> ::std::vec::Vec<$crate::Appointment>
                = FindAppointmentsRequest => FindAppointmentsReply;
            /// One appointment by id.
            fn get_appointment(call: $crate::UserCall, id: str) -> $crate::Appointment
                = GetAppointmentRequest => Appointment;
            /// Creates an appointment (no invitations are sent) and returns it as stored.
            fn create_appointment(call: $crate::UserCall, appointment: $crate::NewAppointment)
                -> $crate::Appointment
                = CreateAppointmentRequest => Appointment;
            /// Deletes an appointment for good (no cancellations are sent).
            fn delete_appointment(call: $crate::UserCall, id: str) -> ()
                = DeleteAppointmentRequest => Empty;
            /// The attachments of an appointment, without their content.
            fn list_attachments(call: $crate::UserCall, item_id: str)
                -> ::std::vec::Vec<$crate::AttachmentInfo>
                = ListAttachmentsRequest => AttachmentList;
            /// One file attachment with its content; a larger one than the gateway's
            /// attachment limit is refused with `LimitExceeded`.
            fn get_attachment(call: $crate::UserCall, attachment_id: str) -> $crate::FileAttachment
                = GetAttachmentRequest => FileAttachment;
            /// Adds a file to an appointment; a larger one than the gateway's attachment limit
            /// is refused with `LimitExceeded` before Exchange is asked.
            fn add_attachment(call: $crate::UserCall, attachment: $crate::NewFileAttachment)
                -> $crate::AttachmentInfo
                = AddAttachmentRequest => AttachmentInfo;
            /// Deletes an attachment.
            fn delete_attachment(call: $crate::UserCall, attachment_id: str) -> ()
                = DeleteAttachmentRequest => Empty;
        }
    };
}

use crate::declare_area;

crate::calendar_operations!(declare_area! {});

/// A half-open window of time, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl TimeWindow {
    /// The window from `start` to `end`; `end` must not be before `start`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, ApiError> {
        if end < start {
            return Err(ApiError::invalid(format!(
                "the window ends ({end}) before it starts ({start})"
            )));
        }
        Ok(Self { start, end })
    }

    /// Its start.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// Its end.
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }
}

/// A calendar item as the portal sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    /// Exchange's item id.
    pub id: String,
    /// Exchange's change key (empty when unknown).
    pub change_key: String,
    /// Subject.
    pub subject: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Whether it is an all-day event.
    pub is_all_day: bool,
    /// Location.
    pub location: Option<String>,
    /// Body text.
    pub body: Option<String>,
    /// The organizer's e-mail address.
    pub organizer: Option<String>,
}

/// An appointment to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppointment {
    /// Subject.
    pub subject: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Whether it is an all-day event.
    pub is_all_day: bool,
    /// Location.
    pub location: Option<String>,
    /// Body text.
    pub body: Option<String>,
}

impl NewAppointment {
    /// The window the appointment covers; an error when it ends before it starts.
    pub fn window(&self) -> Result<TimeWindow, ApiError> {
        TimeWindow::new(self.start, self.end)
    }

    /// The appointment as a mailbox stored it, under `id` and `change_key`, organized by
    /// `organizer`.
    pub fn stored_as(&self, id: String, change_key: String, organizer: &str) -> Appointment {
        Appointment {
            id,
            change_key,
            subject: self.subject.clone(),
            start: self.start,
            end: self.end,
            is_all_day: self.is_all_day,
            location: self.location.clone(),
            body: self.body.clone(),
            organizer: Some(organizer.to_owned()),
        }
    }
}

/// An attachment as listed on its item: what it is, never its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    /// Exchange's attachment id.
    pub id: String,
    /// The file name (or an attached item's subject).
    pub name: String,
    /// The MIME type, when known.
    pub content_type: Option<String>,
    /// The size in bytes, when the server says.
    pub size: Option<u64>,
    /// Whether it is shown inside the body rather than as a file.
    pub is_inline: bool,
    /// When it last changed, when the server says.
    pub last_modified: Option<DateTime<Utc>>,
    /// Whether it is a file (`false`: an attached item, whose content is not read here).
    pub is_file: bool,
}

/// A file attachment with its content.
#[derive(Clone, PartialEq, Eq)]
pub struct FileAttachment {
    /// What it is.
    pub info: AttachmentInfo,
    /// The bytes.
    pub content: Vec<u8>,
}

impl std::fmt::Debug for FileAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The content may be large; its length says enough.
        f.debug_struct("FileAttachment")
            .field("info", &self.info)
            .field("content_len", &self.content.len())
            .finish()
    }
}

/// A file to attach to an appointment.
#[derive(Clone, PartialEq, Eq)]
pub struct NewFileAttachment {
    /// The appointment's id.
    pub item_id: String,
    /// The file name shown to users: 1 to [`Self::MAX_NAME_CHARS`] characters.
    pub name: String,
    /// The MIME type (`application/pdf`), when known.
    pub content_type: Option<String>,
    /// The bytes.
    pub content: Vec<u8>,
}

impl NewFileAttachment {
    /// The longest file name, in characters (Exchange's own limit).
    pub const MAX_NAME_CHARS: usize = 255;

    /// `content` as `name`, to attach to the item `item_id`.
    pub fn new(item_id: impl Into<String>, name: impl Into<String>, content: Vec<u8>) -> Self {
        Self {
            item_id: item_id.into(),
            name: name.into(),
            content_type: None,
            content,
        }
    }

    /// Checks the name (present, not too long, no control characters) and the MIME type's
    /// length.
    pub fn check(&self) -> Result<(), ApiError> {
        let chars = self.name.chars().count();
        if self.name.trim().is_empty()
            || chars > Self::MAX_NAME_CHARS
            || self.name.chars().any(char::is_control)
        {
            return Err(ApiError::invalid(format!(
                "an attachment name takes 1 to {} characters and no control characters",
                Self::MAX_NAME_CHARS
            )));
        }
        if self
            .content_type
            .as_ref()
            .is_some_and(|t| t.len() > Self::MAX_NAME_CHARS || t.chars().any(char::is_control))
        {
            return Err(ApiError::invalid(
                "the attachment's MIME type is too long or holds control characters",
            ));
        }
        Ok(())
    }
}

impl std::fmt::Debug for NewFileAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewFileAttachment")
            .field("item_id", &self.item_id)
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("content_len", &self.content.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn attachment_names_are_bounded_and_printable() {
        let ok = NewFileAttachment::new("AAMk1", "Agenda.pdf", vec![1, 2, 3]);
        assert!(ok.check().is_ok());
        assert!(format!("{ok:?}").contains("content_len: 3"));
        let long = "n".repeat(NewFileAttachment::MAX_NAME_CHARS);
        assert!(NewFileAttachment::new("AAMk1", long.as_str(), vec![])
            .check()
            .is_ok());
        for bad in [
            String::new(),
            "  ".to_owned(),
            format!("{long}n"),
            "a\u{0}b".to_owned(),
        ] {
            let err = NewFileAttachment::new("AAMk1", bad.as_str(), vec![])
                .check()
                .unwrap_err();
            assert!(matches!(err, ApiError::InvalidArgument { .. }), "{bad:?}");
        }
        let mut typed = ok;
        typed.content_type = Some("x".repeat(1000));
        assert!(typed.check().is_err());
    }

    #[test]
    fn a_window_that_ends_before_it_starts_is_refused() {
        let start = Utc.with_ymd_and_hms(2026, 3, 30, 9, 0, 0).unwrap();
        let end = start + chrono::Duration::hours(1);
        assert_eq!(TimeWindow::new(start, end).unwrap().end(), end);
        assert!(
            TimeWindow::new(start, start).is_ok(),
            "an empty window is valid"
        );
        let err = TimeWindow::new(end, start).unwrap_err();
        assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err:?}");
    }
}
