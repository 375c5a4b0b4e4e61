//! `ResolveNames`.

use super::{enum_attr, required, violation, Operation, MESSAGES};
use crate::dom::Element;
use crate::error::Error;

/// The `SearchScope` values, the default (`ActiveDirectoryContacts`) first.
pub(crate) const SEARCH_SCOPES: &[&str] = &[
    "ActiveDirectoryContacts",
    "ActiveDirectory",
    "Contacts",
    "ContactsActiveDirectory",
];

/// Decodes `m:ResolveNames`.
pub(crate) fn resolve_names(body: &Element) -> Result<Operation, Error> {
    let full = match body.attr("ReturnFullContactData") {
        Some("true" | "1") => true,
        Some("false" | "0") => false,
        Some(other) => {
            return Err(violation(
                body,
                format!("The value '{other}' of 'ReturnFullContactData' is not an xs:boolean."),
            ))
        }
        None => {
            return Err(violation(
                body,
                "The required attribute 'ReturnFullContactData' is missing.",
            ))
        }
    };
    let scope = enum_attr(body, "SearchScope", SEARCH_SCOPES)?.unwrap_or(SEARCH_SCOPES[0]);
    let entry = required(body, MESSAGES, "UnresolvedEntry")?.text().trim();
    if entry.is_empty() {
        return Err(violation(
            body,
            "The element 'UnresolvedEntry' is empty; a name is required.",
        ));
    }
    Ok(Operation::ResolveNames {
        entry: entry.to_owned(),
        full_contact_data: full,
        scope: scope.to_owned(),
    })
}

/// A yearly change of a legacy time zone (`t:StandardTime`, `t:DaylightTime`): the
/// `day_order`-th `weekday` (5 = the last) of `month`, at `time` local wall-clock time, after
/// which `bias` minutes are added to the zone's bias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ZoneChange {
    pub(crate) bias: i64,
    pub(crate) time: chrono::NaiveTime,
    pub(crate) day_order: u32,
    pub(crate) month: u32,
    pub(crate) weekday: chrono::Weekday,
}

/// The legacy time zone of a `GetUserAvailabilityRequest` (`t:SerializableTimeZone`): UTC is
/// local time plus `bias` minutes (plus the bias of the season).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LegacyZone {
    pub(crate) bias: i64,
    pub(crate) standard: ZoneChange,
    pub(crate) daylight: ZoneChange,
}

/// One mailbox of `MailboxDataArray`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AvailabilityOf {
    /// `Email/Address`, trimmed.
    pub(crate) address: String,
}

/// `GetUserAvailabilityRequest` with free/busy view options (suggestions are not served).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Availability {
    pub(crate) zone: LegacyZone,
    pub(crate) mailboxes: Vec<AvailabilityOf>,
    /// `TimeWindow/StartTime` and `EndTime`.
    pub(crate) start: Bound,
    pub(crate) end: Bound,
    /// `MergedFreeBusyIntervalInMinutes` (default 30).
    pub(crate) interval_minutes: i64,
    /// `RequestedView`.
    pub(crate) view: String,
}

/// A bound of the `TimeWindow`: an instant when written with an offset (or `Z`), else a
/// wall-clock time of the request's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    Instant(chrono::DateTime<chrono::Utc>),
    Local(chrono::NaiveDateTime),
}

/// The `RequestedView` values.
pub(crate) const VIEWS: &[&str] = &[
    "None",
    "MergedOnly",
    "FreeBusy",
    "FreeBusyMerged",
    "Detailed",
    "DetailedMerged",
];

const WEEKDAYS: [(&str, chrono::Weekday); 7] = [
    ("Sunday", chrono::Weekday::Sun),
    ("Monday", chrono::Weekday::Mon),
    ("Tuesday", chrono::Weekday::Tue),
    ("Wednesday", chrono::Weekday::Wed),
    ("Thursday", chrono::Weekday::Thu),
    ("Friday", chrono::Weekday::Fri),
    ("Saturday", chrono::Weekday::Sat),
];

fn number(parent: &Element, name: &str) -> Result<i64, Error> {
    let element = required(parent, super::TYPES, name)?;
    element.text().trim().parse().map_err(|_| {
        violation(
            element,
            format!(
                "The value '{}' of '{name}' is not an integer.",
                element.text()
            ),
        )
    })
}

fn zone_change(element: &Element) -> Result<ZoneChange, Error> {
    let time_element = required(element, super::TYPES, "Time")?;
    let time = chrono::NaiveTime::parse_from_str(time_element.text().trim(), "%H:%M:%S").map_err(
        |_| {
            violation(
                time_element,
                "The value of 'Time' is not a time (hh:mm:ss).",
            )
        },
    )?;
    let day = required(element, super::TYPES, "DayOfWeek")?;
    let weekday = WEEKDAYS
        .iter()
        .find(|(name, _)| *name == day.text().trim())
        .map(|(_, d)| *d)
        .ok_or_else(|| violation(day, "The value of 'DayOfWeek' is not in its enumeration."))?;
    let in_range = |name: &str, value: i64, range: std::ops::RangeInclusive<i64>| {
        if range.contains(&value) {
            Ok(u32::try_from(value).unwrap_or_default())
        } else {
            Err(violation(
                element,
                format!("The value {value} of '{name}' is out of range."),
            ))
        }
    };
    Ok(ZoneChange {
        bias: number(element, "Bias")?,
        time,
        day_order: in_range("DayOrder", number(element, "DayOrder")?, 0..=5)?,
        month: in_range("Month", number(element, "Month")?, 0..=12)?,
        weekday,
    })
}

/// A `TimeWindow` bound.
fn window_bound(parent: &Element, name: &str) -> Result<Bound, Error> {
    let element = required(parent, super::TYPES, name)?;
    let text = element.text().trim();
    if let Ok(instant) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(Bound::Instant(instant.with_timezone(&chrono::Utc)));
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .map(Bound::Local)
        .map_err(|_| {
            violation(
                element,
                format!("The value of '{name}' is not an xs:dateTime."),
            )
        })
}

/// Decodes `m:GetUserAvailabilityRequest`.
pub(crate) fn get_user_availability(body: &Element) -> Result<Operation, Error> {
    let types = super::TYPES;
    let zone_element = required(body, types, "TimeZone")?;
    let zone = LegacyZone {
        bias: number(zone_element, "Bias")?,
        standard: zone_change(required(zone_element, types, "StandardTime")?)?,
        daylight: zone_change(required(zone_element, types, "DaylightTime")?)?,
    };
    let list = required(body, MESSAGES, "MailboxDataArray")?;
    let mut mailboxes = Vec::new();
    for data in list.children.iter().filter(|c| c.is(types, "MailboxData")) {
        let email = required(data, types, "Email")?;
        let address = required(email, types, "Address")?.text().trim().to_owned();
        mailboxes.push(AvailabilityOf { address });
    }
    if mailboxes.is_empty() || mailboxes.len() > 100 {
        return Err(violation(
            list,
            format!("{} mailboxes; 1 to 100 are allowed.", mailboxes.len()),
        ));
    }
    let options = body.child(types, "FreeBusyViewOptions").ok_or_else(|| {
        violation(
            body,
            "Only free/busy requests are served: 'FreeBusyViewOptions' is required.",
        )
    })?;
    let window = required(options, types, "TimeWindow")?;
    let start = window_bound(window, "StartTime")?;
    let end = window_bound(window, "EndTime")?;
    let interval_minutes = match options.child(types, "MergedFreeBusyIntervalInMinutes") {
        Some(_) => number(options, "MergedFreeBusyIntervalInMinutes")?,
        None => 30,
    };
    if !(5..=1440).contains(&interval_minutes) {
        return Err(violation(
            options,
            format!("The merged free/busy interval {interval_minutes} is outside 5 to 1440."),
        ));
    }
    let view = match options.child(types, "RequestedView") {
        Some(view) => {
            let value = view.text().trim();
            if !VIEWS.contains(&value) {
                return Err(violation(
                    view,
                    "The value of 'RequestedView' is not in its enumeration.",
                ));
            }
            value.to_owned()
        }
        None => "Detailed".to_owned(),
    };
    Ok(Operation::GetUserAvailability(Box::new(Availability {
        zone,
        mailboxes,
        start,
        end,
        interval_minutes,
        view,
    })))
}
