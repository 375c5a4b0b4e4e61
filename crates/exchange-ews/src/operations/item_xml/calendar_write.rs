//! Writing and checking new calendar items (`t:CalendarItemType`), for `CreateItem` of one
//! calendar item or of items of any kind.

use super::item_write::{
    check_categories, check_extended_properties, write_extended_properties, SharedProperties,
};
use super::mailbox::write_attendees;
use super::recurrence::{check_recurrence, write_recurrence};
use crate::calendar::{FreeBusyStatus, NewCalendarItem};
use crate::operations::check_range;
use crate::xml::{format_date_time, XmlWriter};
use crate::{EwsError, ExchangeVersion};

/// The Windows time zone id of UTC, which all-day items are created in.
const UTC_TIME_ZONE: &str = "UTC";

/// Refuses a calendar item Exchange would refuse, or one `version` cannot store.
pub(crate) fn check_calendar_item(
    item: &NewCalendarItem,
    version: ExchangeVersion,
) -> Result<(), EwsError> {
    check_range("item times", item.start, item.end)?;
    if let Some(recurrence) = &item.recurrence {
        check_recurrence(recurrence)?;
        if recurrence.pattern.is_regeneration() {
            return Err(EwsError::InvalidArgument {
                argument: "recurrence",
                reason: format!(
                    "{} is for tasks only, not calendar items",
                    recurrence.pattern.element_name()
                ),
            });
        }
    }
    if let Some(minutes) = item.reminder_minutes_before_start {
        // The schema's `ReminderMinutesBeforeStartType` bound: five years.
        if minutes > MAX_REMINDER_MINUTES {
            return Err(EwsError::InvalidArgument {
                argument: "reminder_minutes_before_start",
                reason: format!("{minutes} is more than {MAX_REMINDER_MINUTES} minutes"),
            });
        }
    }
    if item.free_busy_status == Some(FreeBusyStatus::WorkingElsewhere)
        && version < ExchangeVersion::Exchange2013
    {
        return Err(EwsError::InvalidArgument {
            argument: "free_busy_status",
            reason: format!("{} does not know WorkingElsewhere", version.as_str()),
        });
    }
    if item.end_time_zone.is_some() && item.time_zone.is_none() {
        return Err(EwsError::InvalidArgument {
            argument: "end_time_zone",
            reason: "an end time zone needs a time zone for the start".into(),
        });
    }
    if item.end_time_zone.is_some() && !version.has_time_zone_definitions() {
        return Err(EwsError::InvalidArgument {
            argument: "end_time_zone",
            reason: format!(
                "{} has one time zone per item; leave the end's unset",
                version.as_str()
            ),
        });
    }
    check_extended_properties(&item.extended_properties)?;
    check_categories(&item.categories)
}

/// The largest reminder the schema allows (`ReminderMinutesBeforeStartType`).
const MAX_REMINDER_MINUTES: u32 = 2_629_800;

/// Writes a `t:CalendarItem` to create, its properties in schema order (item properties
/// first, then the calendar ones), each only where `version` knows it.
pub(crate) fn write_calendar_item(
    w: &mut XmlWriter,
    version: ExchangeVersion,
    item: &NewCalendarItem,
) {
    w.start("t:CalendarItem", &[]);
    SharedProperties {
        item_class: None,
        subject: Some(&item.subject),
        sensitivity: item.sensitivity,
        body: item.body.as_ref(),
        categories: &item.categories,
        importance: item.importance,
    }
    .write(w);
    if let Some(set) = item.reminder_is_set {
        w.text_element("t:ReminderIsSet", &[], if set { "true" } else { "false" });
    }
    if let Some(minutes) = item.reminder_minutes_before_start {
        w.text_element("t:ReminderMinutesBeforeStart", &[], &minutes.to_string());
    }
    write_extended_properties(w, &item.extended_properties);
    w.text_element("t:Start", &[], &format_date_time(item.start))
        .text_element("t:End", &[], &format_date_time(item.end))
        .text_element(
            "t:IsAllDayEvent",
            &[],
            if item.is_all_day { "true" } else { "false" },
        );
    if let Some(status) = item.free_busy_status {
        w.text_element("t:LegacyFreeBusyStatus", &[], status.as_str());
    }
    if let Some(location) = &item.location {
        w.text_element("t:Location", &[], location);
    }
    write_attendees(w, "t:RequiredAttendees", &item.required_attendees);
    write_attendees(w, "t:OptionalAttendees", &item.optional_attendees);
    write_attendees(w, "t:Resources", &item.resources);
    if let Some(recurrence) = &item.recurrence {
        write_recurrence(w, recurrence, version);
    }
    write_time_zones(w, version, item);
    w.end();
}

/// Writes the item's time zone: `StartTimeZone`/`EndTimeZone` for Exchange 2010 and later,
/// `MeetingTimeZone` for Exchange 2007 (the only one it knows).
fn write_time_zones(w: &mut XmlWriter, version: ExchangeVersion, item: &NewCalendarItem) {
    // Exchange moves an all-day item's bounds to midnight of the item's time zone; without
    // a zone, naming UTC keeps the UTC bounds the caller gave.
    let start = match &item.time_zone {
        Some(zone) => zone.as_str(),
        None if item.is_all_day => UTC_TIME_ZONE,
        None => return,
    };
    if version.has_time_zone_definitions() {
        let end = item.end_time_zone.as_ref().map_or(start, |z| z.as_str());
        w.empty("t:StartTimeZone", &[("Id", start)])
            .empty("t:EndTimeZone", &[("Id", end)]);
    } else if item.time_zone.is_some() {
        // Exchange 2007 takes the zone's rules from its own registry by name.
        w.empty("t:MeetingTimeZone", &[("TimeZoneName", start)]);
    } else {
        w.start("t:MeetingTimeZone", &[("TimeZoneName", UTC_TIME_ZONE)])
            .text_element("t:BaseOffset", &[], "PT0H")
            .end();
    }
}
