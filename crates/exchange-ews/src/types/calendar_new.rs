//! A calendar item to create, with builder methods.

use chrono::{DateTime, Utc};

use super::calendar_parts::FreeBusyStatus;
use crate::calendar::{Attendee, Recurrence};
use crate::items::{Body, ExtendedProperty, Importance, Sensitivity};
use crate::timezone::WindowsZoneId;

/// A calendar item to create.
///
/// Start with [`NewCalendarItem::new`] and add what is needed with the `with_*` methods;
/// every optional property left unset is left out of the request. Each property is written
/// only for the versions that know it: the time zone becomes `StartTimeZone`/`EndTimeZone`
/// for Exchange 2010 and later and `MeetingTimeZone` for Exchange 2007.
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use exchange_ews::calendar::{
///     Attendee, CreateCalendarItem, DayOfWeek, NewCalendarItem, Recurrence, RecurrencePattern,
///     RecurrenceRange, SendMeetingInvitations,
/// };
/// use exchange_ews::timezone::WindowsZoneId;
/// use exchange_ews::{DistinguishedFolder, ExchangeVersion, FolderTarget};
///
/// let start = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
/// let weekly = Recurrence {
///     pattern: RecurrencePattern::Weekly {
///         interval: 1,
///         days: vec![DayOfWeek::Monday],
///         first_day_of_week: None,
///     },
///     range: RecurrenceRange::Numbered {
///         start: NaiveDate::from_ymd_opt(2026, 3, 16).unwrap(),
///         count: 10,
///     },
/// };
/// let item = NewCalendarItem::new("Stand-up", start, start + chrono::Duration::minutes(15))
///     .with_required_attendee(Attendee::smtp("bob@contoso.test"))
///     .with_recurrence(weekly)
///     .with_reminder(5)
///     .with_time_zone(WindowsZoneId::new("W. Europe Standard Time")?);
/// let request = CreateCalendarItem::new(
///     FolderTarget::Distinguished(DistinguishedFolder::Calendar),
///     item,
///     SendMeetingInvitations::SendToAllAndSaveCopy,
/// )?;
/// let xml = request.to_envelope(ExchangeVersion::Exchange2016);
/// assert!(xml.contains(r#"<t:StartTimeZone Id="W. Europe Standard Time"/>"#));
/// let old = request.to_envelope(ExchangeVersion::Exchange2007Sp1);
/// assert!(old.contains(r#"<t:MeetingTimeZone TimeZoneName="W. Europe Standard Time"/>"#));
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewCalendarItem {
    /// The subject.
    pub subject: String,
    /// The start.
    pub start: DateTime<Utc>,
    /// The end (not before the start).
    pub end: DateTime<Utc>,
    /// Whether the item is an all-day event. Exchange moves the start and end of an all-day
    /// event to midnight of the item's time zone: [`time_zone`](Self::time_zone) when set,
    /// otherwise UTC (the request then names UTC).
    pub is_all_day: bool,
    /// The location as free text.
    pub location: Option<String>,
    /// The body.
    pub body: Option<Body>,
    /// The required attendees.
    pub required_attendees: Vec<Attendee>,
    /// The optional attendees.
    pub optional_attendees: Vec<Attendee>,
    /// The resources (rooms, equipment).
    pub resources: Vec<Attendee>,
    /// How the series repeats; `None` for a single item.
    pub recurrence: Option<Recurrence>,
    /// How private the item is.
    pub sensitivity: Option<Sensitivity>,
    /// How important the item is.
    pub importance: Option<Importance>,
    /// The categories.
    pub categories: Vec<String>,
    /// Whether a reminder is set; `None` leaves the server's default.
    pub reminder_is_set: Option<bool>,
    /// Minutes before the start the reminder goes off.
    pub reminder_minutes_before_start: Option<u32>,
    /// The free/busy status shown to others.
    pub free_busy_status: Option<FreeBusyStatus>,
    /// The time zone the item is in: its recurrence repeats at the same local time, and an
    /// all-day item covers whole days of it. Written as `StartTimeZone`/`EndTimeZone` for
    /// Exchange 2010 and later and as `MeetingTimeZone` for Exchange 2007.
    pub time_zone: Option<WindowsZoneId>,
    /// The time zone of the end, when it differs from [`time_zone`](Self::time_zone)
    /// (Exchange 2010 and later; Exchange 2007 has one zone per item).
    pub end_time_zone: Option<WindowsZoneId>,
    /// Extended (MAPI) properties to set, each a [`PropertyPath::Extended`](crate::items::PropertyPath::Extended) with its value.
    pub extended_properties: Vec<ExtendedProperty>,
}

impl NewCalendarItem {
    /// An item with a subject, a start and an end, every other property unset.
    pub fn new(subject: impl Into<String>, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Self {
            subject: subject.into(),
            start,
            end,
            ..Self::default()
        }
    }

    /// Makes the item an all-day event.
    pub fn with_all_day(mut self, is_all_day: bool) -> Self {
        self.is_all_day = is_all_day;
        self
    }

    /// Sets the location.
    pub fn with_location(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    /// Sets the body.
    pub fn with_body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }

    /// Adds a required attendee.
    pub fn with_required_attendee(mut self, attendee: Attendee) -> Self {
        self.required_attendees.push(attendee);
        self
    }

    /// Adds an optional attendee.
    pub fn with_optional_attendee(mut self, attendee: Attendee) -> Self {
        self.optional_attendees.push(attendee);
        self
    }

    /// Adds a resource (a room or equipment).
    pub fn with_resource(mut self, resource: Attendee) -> Self {
        self.resources.push(resource);
        self
    }

    /// Makes the item a recurring series.
    pub fn with_recurrence(mut self, recurrence: Recurrence) -> Self {
        self.recurrence = Some(recurrence);
        self
    }

    /// Sets how private the item is.
    pub fn with_sensitivity(mut self, sensitivity: Sensitivity) -> Self {
        self.sensitivity = Some(sensitivity);
        self
    }

    /// Sets how important the item is.
    pub fn with_importance(mut self, importance: Importance) -> Self {
        self.importance = Some(importance);
        self
    }

    /// Adds a category.
    pub fn with_category(mut self, category: impl Into<String>) -> Self {
        self.categories.push(category.into());
        self
    }

    /// Sets a reminder `minutes` before the start.
    pub fn with_reminder(mut self, minutes: u32) -> Self {
        self.reminder_is_set = Some(true);
        self.reminder_minutes_before_start = Some(minutes);
        self
    }

    /// Turns the reminder off.
    pub fn without_reminder(mut self) -> Self {
        self.reminder_is_set = Some(false);
        self.reminder_minutes_before_start = None;
        self
    }

    /// Sets the free/busy status shown to others.
    pub fn with_free_busy_status(mut self, status: FreeBusyStatus) -> Self {
        self.free_busy_status = Some(status);
        self
    }

    /// Sets the time zone of the item (and of its end, unless set apart).
    pub fn with_time_zone(mut self, zone: WindowsZoneId) -> Self {
        self.time_zone = Some(zone);
        self
    }

    /// Sets a time zone for the end different from the start's (Exchange 2010 and later).
    pub fn with_end_time_zone(mut self, zone: WindowsZoneId) -> Self {
        self.end_time_zone = Some(zone);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{DayOfWeek, RecurrencePattern, RecurrenceRange};
    use chrono::{NaiveDate, TimeZone};

    #[test]
    fn builds_items_step_by_step() {
        let start = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
        let end = start + chrono::Duration::hours(1);
        let zone = WindowsZoneId::new("W. Europe Standard Time").unwrap();
        let recurrence = Recurrence {
            pattern: RecurrencePattern::Weekly {
                interval: 1,
                days: vec![DayOfWeek::Wednesday],
                first_day_of_week: None,
            },
            range: RecurrenceRange::NoEnd {
                start: NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
            },
        };
        let item = NewCalendarItem::new("Sync", start, end)
            .with_location("Room 1")
            .with_body(Body::text("Agenda"))
            .with_required_attendee(Attendee::smtp("a@contoso.test"))
            .with_optional_attendee(Attendee::smtp("b@contoso.test"))
            .with_resource(Attendee::smtp("room@contoso.test"))
            .with_recurrence(recurrence.clone())
            .with_sensitivity(Sensitivity::Private)
            .with_importance(Importance::High)
            .with_category("Blue")
            .with_reminder(10)
            .with_free_busy_status(FreeBusyStatus::Tentative)
            .with_time_zone(zone.clone())
            .with_end_time_zone(zone.clone())
            .with_all_day(false);
        assert_eq!(item.subject, "Sync");
        assert_eq!((item.start, item.end), (start, end));
        assert_eq!(item.location.as_deref(), Some("Room 1"));
        assert_eq!(item.required_attendees.len(), 1);
        assert_eq!(item.optional_attendees.len(), 1);
        assert_eq!(item.resources.len(), 1);
        assert_eq!(item.recurrence, Some(recurrence));
        assert_eq!(item.categories, vec!["Blue".to_owned()]);
        assert_eq!(
            (item.reminder_is_set, item.reminder_minutes_before_start),
            (Some(true), Some(10))
        );
        assert_eq!(item.time_zone.as_ref(), Some(&zone));
        let off = item.without_reminder();
        assert_eq!(
            (off.reminder_is_set, off.reminder_minutes_before_start),
            (Some(false), None)
        );
        assert_eq!(
            FreeBusyStatus::parse("OOF"),
            Some(FreeBusyStatus::OutOfOffice)
        );
    }
}
