//! Reading the values inside calendar items: times, numbers, mailboxes, attendees,
//! occurrences and time zones.

use std::str::FromStr;

use chrono::{DateTime, Month, NaiveDate, NaiveTime, Utc};

use super::calendar_item::item_id;
use crate::soap::cut;
use crate::timezone::parse_duration;
use crate::xml::{parse_bool, parse_date_time, Element};
use crate::{
    Attendee, DayOfWeek, DayOfWeekIndex, EwsError, ItemTimeZone, LegacyTimeZone, Mailbox,
    Occurrence, ResponseType, TimeChange, TimeChangeRule,
};

/// The error for a value of the wrong kind in `e`.
pub(crate) fn invalid(e: &Element, expected: &'static str) -> EwsError {
    EwsError::InvalidValue {
        element: e.name().to_owned(),
        value: cut(e.text()),
        expected,
    }
}

/// Reads an `xs:dateTime`.
pub(crate) fn date_time(e: &Element) -> Result<DateTime<Utc>, EwsError> {
    parse_date_time(e.text()).ok_or_else(|| invalid(e, "an xs:dateTime"))
}

/// Reads an `xs:boolean`.
pub(crate) fn boolean(e: &Element) -> Result<bool, EwsError> {
    parse_bool(e.text()).ok_or_else(|| invalid(e, "an xs:boolean"))
}

/// Reads a number of the kind `T` (`u32`, `i32`, `u64`).
pub(crate) fn number<T: FromStr>(e: &Element) -> Result<T, EwsError> {
    e.text()
        .trim()
        .parse()
        .map_err(|_| invalid(e, "a number in range"))
}

/// Reads one value of a schema enumeration with `parse`.
pub(crate) fn choice<T>(
    e: &Element,
    parse: fn(&str) -> Option<T>,
    expected: &'static str,
) -> Result<T, EwsError> {
    parse(e.text()).ok_or_else(|| invalid(e, expected))
}

/// The text of an element, `None` when it is empty or white space.
pub(crate) fn text(e: &Element) -> Option<String> {
    let t = e.text();
    (!t.trim().is_empty()).then(|| t.to_owned())
}

/// The text of a child, `None` when the child is absent or empty.
pub(crate) fn optional_text(parent: &Element, name: &str) -> Option<String> {
    parent.child(name).and_then(text)
}

/// Reads a `t:Mailbox` (`t:EmailAddressType`); every part is optional.
pub(crate) fn mailbox(e: &Element) -> Mailbox {
    Mailbox {
        name: optional_text(e, "Name"),
        email: optional_text(e, "EmailAddress"),
        routing_type: optional_text(e, "RoutingType"),
        mailbox_type: optional_text(e, "MailboxType"),
    }
}

/// Reads a `t:Attendee`: its mailbox (required), response and response time.
pub(crate) fn attendee(e: &Element) -> Result<Attendee, EwsError> {
    Ok(Attendee {
        mailbox: mailbox(e.required_child("Mailbox")?),
        response: e
            .child("ResponseType")
            .map(|r| choice(r, ResponseType::parse, "a response type"))
            .transpose()?,
        last_response_time: e.child("LastResponseTime").map(date_time).transpose()?,
    })
}

/// Reads a list of attendees (`t:RequiredAttendees`, …); children other than `Attendee`
/// are ignored.
pub(crate) fn attendees(e: &Element) -> Result<Vec<Attendee>, EwsError> {
    e.children()
        .iter()
        .filter(|c| c.name() == "Attendee")
        .map(attendee)
        .collect()
}

/// Reads a `t:OccurrenceInfoType`: all four parts are required.
pub(crate) fn occurrence(e: &Element) -> Result<Occurrence, EwsError> {
    Ok(Occurrence {
        id: item_id(e.required_child("ItemId")?)?,
        start: date_time(e.required_child("Start")?)?,
        end: date_time(e.required_child("End")?)?,
        original_start: date_time(e.required_child("OriginalStart")?)?,
    })
}

/// Reads `t:ModifiedOccurrences`.
pub(crate) fn occurrences(e: &Element) -> Result<Vec<Occurrence>, EwsError> {
    e.children()
        .iter()
        .filter(|c| c.name() == "Occurrence")
        .map(occurrence)
        .collect()
}

/// Reads `t:DeletedOccurrences`: the start of each.
pub(crate) fn deleted_occurrences(e: &Element) -> Result<Vec<DateTime<Utc>>, EwsError> {
    e.children()
        .iter()
        .filter(|c| c.name() == "DeletedOccurrence")
        .map(|c| date_time(c.required_child("Start")?))
        .collect()
}

/// Reads `t:StartTimeZone` or `t:EndTimeZone`: the id and name the server sent.
pub(crate) fn item_time_zone(e: &Element) -> ItemTimeZone {
    let attribute = |name| {
        e.attribute(name)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned)
    };
    ItemTimeZone {
        id: attribute("Id"),
        name: attribute("Name"),
    }
}

fn duration(e: &Element) -> Result<chrono::TimeDelta, EwsError> {
    parse_duration(e.text()).ok_or_else(|| invalid(e, "an xs:duration of at most a week"))
}

/// Reads a `t:MeetingTimeZone` (`t:TimeZoneType`) of Exchange 2007.
pub(crate) fn legacy_time_zone(e: &Element) -> Result<LegacyTimeZone, EwsError> {
    Ok(LegacyTimeZone {
        name: e
            .attribute("TimeZoneName")
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned),
        base_offset: e.child("BaseOffset").map(duration).transpose()?,
        standard: e.child("Standard").map(time_change).transpose()?,
        daylight: e.child("Daylight").map(time_change).transpose()?,
    })
}

fn time_change(e: &Element) -> Result<TimeChange, EwsError> {
    let rule = if let Some(r) = e.child("RelativeYearlyRecurrence") {
        Some(TimeChangeRule::Relative {
            day_of_week: choice(r.required_child("DaysOfWeek")?, DayOfWeek::parse, "a day")?,
            index: choice(
                r.required_child("DayOfWeekIndex")?,
                DayOfWeekIndex::parse,
                "First, Second, Third, Fourth or Last",
            )?,
            month: month(r.required_child("Month")?)?,
        })
    } else if let Some(d) = e.child("AbsoluteDate") {
        let date = NaiveDate::parse_from_str(d.text().trim(), "%Y-%m-%d")
            .map_err(|_| invalid(d, "an xs:date"))?;
        Some(TimeChangeRule::Absolute(date))
    } else {
        None
    };
    let time = e.required_child("Time")?;
    Ok(TimeChange {
        name: e
            .attribute("TimeZoneName")
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned),
        offset: duration(e.required_child("Offset")?)?,
        rule,
        time: NaiveTime::parse_from_str(time.text().trim(), "%H:%M:%S%.f")
            .map_err(|_| invalid(time, "an xs:time"))?,
    })
}

fn month(e: &Element) -> Result<Month, EwsError> {
    e.text()
        .trim()
        .parse::<Month>()
        .ok()
        .filter(|m| m.name() == e.text().trim())
        .ok_or_else(|| invalid(e, "an English month name"))
}
