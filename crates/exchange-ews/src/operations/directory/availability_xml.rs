//! Writing and reading the legacy time zones and free/busy views of `GetUserAvailability`.

use chrono::{NaiveTime, Weekday};

use crate::directory::{
    CalendarEvent, CalendarEventDetails, FreeBusyView, SerializableTimeZone, TimeZoneTransition,
    WorkingHours, WorkingPeriod,
};
use crate::operations::reading::{
    boolean, number, required_date_time, required_number, text, unmodelled,
};
use crate::soap::cut;
use crate::xml::{Element, XmlWriter};
use crate::EwsError;

const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Sun, "Sunday"),
    (Weekday::Mon, "Monday"),
    (Weekday::Tue, "Tuesday"),
    (Weekday::Wed, "Wednesday"),
    (Weekday::Thu, "Thursday"),
    (Weekday::Fri, "Friday"),
    (Weekday::Sat, "Saturday"),
];

/// The `DayOfWeekType` name of a weekday.
fn weekday_name(day: Weekday) -> &'static str {
    WEEKDAYS
        .iter()
        .find(|(d, _)| *d == day)
        .map_or("Sunday", |(_, name)| name)
}

/// Writes `t:TimeZone`.
pub(crate) fn write_time_zone(w: &mut XmlWriter, zone: &SerializableTimeZone) {
    w.start("t:TimeZone", &[])
        .text_element("t:Bias", &[], &zone.bias_minutes.to_string());
    write_transition(w, "t:StandardTime", &zone.standard);
    write_transition(w, "t:DaylightTime", &zone.daylight);
    w.end();
}

fn write_transition(w: &mut XmlWriter, name: &'static str, t: &TimeZoneTransition) {
    w.start(name, &[])
        .text_element("t:Bias", &[], &t.bias_minutes.to_string())
        .text_element("t:Time", &[], &t.time.format("%H:%M:%S").to_string())
        .text_element("t:DayOrder", &[], &t.day_order.to_string())
        .text_element("t:Month", &[], &t.month.to_string())
        .text_element("t:DayOfWeek", &[], weekday_name(t.day_of_week));
    if let Some(year) = &t.year {
        w.text_element("t:Year", &[], year);
    }
    w.end();
}

/// Reads a `SerializableTimeZone` (`TimeZone` of `WorkingHours`).
pub(crate) fn time_zone(e: &Element) -> Result<SerializableTimeZone, EwsError> {
    Ok(SerializableTimeZone {
        bias_minutes: required_number(e, "Bias", "an xs:int")?,
        standard: transition(e.required_child("StandardTime")?)?,
        daylight: transition(e.required_child("DaylightTime")?)?,
    })
}

fn transition(e: &Element) -> Result<TimeZoneTransition, EwsError> {
    let time = e.required_child("Time")?.text().trim();
    let day = e.required_child("DayOfWeek")?.text().trim();
    Ok(TimeZoneTransition {
        bias_minutes: required_number(e, "Bias", "an xs:int")?,
        time: NaiveTime::parse_from_str(time, "%H:%M:%S").map_err(|_| EwsError::InvalidValue {
            element: "Time".into(),
            value: cut(time),
            expected: "a time of day (hh:mm:ss)",
        })?,
        day_order: required_number(e, "DayOrder", "an xs:short")?,
        month: required_number(e, "Month", "an xs:short")?,
        day_of_week: WEEKDAYS
            .iter()
            .find(|(_, name)| *name == day)
            .map(|(d, _)| *d)
            .ok_or_else(|| EwsError::InvalidValue {
                element: "DayOfWeek".into(),
                value: cut(day),
                expected: "a weekday (Sunday to Saturday)",
            })?,
        year: text(e, "Year"),
    })
}

/// The children of `FreeBusyView` read into [`FreeBusyView`]; the others are kept as nodes.
const VIEW_FIELDS: &[&str] = &[
    "FreeBusyViewType",
    "MergedFreeBusy",
    "CalendarEventArray",
    "WorkingHours",
];

/// The children of `CalendarEventDetails` read into [`CalendarEventDetails`].
const DETAIL_FIELDS: &[&str] = &[
    "ID",
    "Subject",
    "Location",
    "IsMeeting",
    "IsRecurring",
    "IsException",
    "IsReminderSet",
    "IsPrivate",
];

/// Reads a `FreeBusyView`.
pub(crate) fn free_busy_view(e: &Element) -> Result<FreeBusyView, EwsError> {
    let events = match e.child("CalendarEventArray") {
        Some(list) => list
            .children()
            .iter()
            .map(calendar_event)
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    Ok(FreeBusyView {
        view_type: text(e, "FreeBusyViewType").unwrap_or_default(),
        merged: text(e, "MergedFreeBusy"),
        events,
        working_hours: e.child("WorkingHours").map(working_hours).transpose()?,
        other: unmodelled(e, VIEW_FIELDS),
    })
}

fn calendar_event(e: &Element) -> Result<CalendarEvent, EwsError> {
    Ok(CalendarEvent {
        start: required_date_time(e, "StartTime")?,
        end: required_date_time(e, "EndTime")?,
        busy_type: text(e, "BusyType").unwrap_or_default(),
        details: e.child("CalendarEventDetails").map(details).transpose()?,
    })
}

fn details(e: &Element) -> Result<CalendarEventDetails, EwsError> {
    let flag = |name| Ok::<_, EwsError>(boolean(e, name)?.unwrap_or(false));
    Ok(CalendarEventDetails {
        id: text(e, "ID"),
        subject: text(e, "Subject"),
        location: text(e, "Location"),
        is_meeting: flag("IsMeeting")?,
        is_recurring: flag("IsRecurring")?,
        is_exception: flag("IsException")?,
        is_reminder_set: flag("IsReminderSet")?,
        is_private: flag("IsPrivate")?,
        other: unmodelled(e, DETAIL_FIELDS),
    })
}

fn working_hours(e: &Element) -> Result<WorkingHours, EwsError> {
    let periods = match e.child("WorkingPeriodArray") {
        Some(list) => list
            .children()
            .iter()
            .map(working_period)
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    Ok(WorkingHours {
        time_zone: time_zone(e.required_child("TimeZone")?)?,
        periods,
    })
}

fn working_period(e: &Element) -> Result<WorkingPeriod, EwsError> {
    let minutes = |name| {
        number::<u32>(e, name, "minutes after midnight (0 to 1440)")?
            .filter(|m| *m <= 1440)
            .ok_or_else(|| EwsError::InvalidValue {
                element: name.to_owned(),
                value: cut(e.child_text(name).unwrap_or_default()),
                expected: "minutes after midnight (0 to 1440)",
            })
    };
    Ok(WorkingPeriod {
        days: e
            .child_text("DayOfWeek")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        start_minutes: minutes("StartTimeInMinutes")?,
        end_minutes: minutes("EndTimeInMinutes")?,
    })
}
