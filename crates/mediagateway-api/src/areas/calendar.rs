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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
