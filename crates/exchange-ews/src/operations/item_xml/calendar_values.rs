//! Reading the values inside calendar items: times, numbers, mailboxes, attendees,
//! occurrences and time zones.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::item::item_id;
use super::recurrence::{day_index, day_of_week, month};
use crate::calendar::{
    Attendee, ItemTimeZone, LegacyTimeZone, Occurrence, ResponseType, TimeChange, TimeChangeRule,
};
use crate::items::Mailbox;
use crate::operations::reading::free_text;
use crate::operations::reading::value::{choice, date_time, invalid};
use crate::timezone::parse_duration;
use crate::xml::Element;
use crate::EwsError;

/// Reads a `t:Mailbox` (`t:EmailAddressType`); every part is optional.
pub(crate) fn mailbox(e: &Element) -> Mailbox {
    Mailbox {
        name: free_text(e, "Name"),
        email: free_text(e, "EmailAddress"),
        routing_type: free_text(e, "RoutingType"),
        mailbox_type: free_text(e, "MailboxType"),
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
            day_of_week: day_of_week(r.required_child("DaysOfWeek")?)?,
            index: day_index(r.required_child("DayOfWeekIndex")?)?,
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
