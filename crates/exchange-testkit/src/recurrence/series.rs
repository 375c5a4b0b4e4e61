//! The occurrences of a stored recurring calendar item: expansion in its time zone, the
//! occurrence with a given index, and the first and last ones.

use chrono::{DateTime, NaiveDate, Utc};

use super::zones::{self, Zone};
use super::{parse, Recurrence, MAX_OCCURRENCES};
use crate::item::{Occurrence, StoredItem};
use crate::kind::ItemKind;
use crate::request::TYPES;

/// One occurrence of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Instance {
    /// The 1-based index in the series.
    pub(crate) index: usize,
    /// Its start.
    pub(crate) start: DateTime<Utc>,
    /// Its end.
    pub(crate) end: DateTime<Utc>,
}

/// The recurrence of a calendar item, if it has one.
pub(crate) fn recurrence_of(item: &StoredItem) -> Option<Recurrence> {
    if item.kind != ItemKind::Calendar || item.occurrence.is_some() {
        return None;
    }
    parse(item.prop("Recurrence")?).ok()
}

/// The Windows time zone id an item names, if any.
pub(crate) fn zone_id(item: &StoredItem) -> Option<String> {
    if let Some(zone) = item.prop("StartTimeZone") {
        return zone.attr("Id").map(str::to_owned);
    }
    if let Some(zone) = item.prop("StartTimeZoneId") {
        return Some(zone.text().trim().to_owned());
    }
    item.prop("MeetingTimeZone")
        .and_then(|z| z.attr("TimeZoneName"))
        .map(str::to_owned)
}

/// The item's time zone: UTC when it names none, `None` when it names one the fake does not
/// know.
pub(crate) fn zone_of(item: &StoredItem) -> Option<Zone> {
    match zone_id(item) {
        None => Some(zones::utc()),
        Some(id) => zones::find(&id),
    }
}

/// The occurrences of `item` starting before `until`, at most `max`, deleted ones included.
pub(crate) fn instances(item: &StoredItem, until: DateTime<Utc>, max: usize) -> Vec<Instance> {
    recurrence_of(item).map_or_else(Vec::new, |recurrence| {
        instances_of(item, &recurrence, until, max)
    })
}

/// [`instances`] for an item whose recurrence is already known.
fn instances_of(
    item: &StoredItem,
    recurrence: &Recurrence,
    until: DateTime<Utc>,
    max: usize,
) -> Vec<Instance> {
    let Some(zone) = zone_of(item) else {
        return Vec::new();
    };
    let Some(local_start) = zone.to_local(item.start) else {
        return Vec::new();
    };
    let duration = item.end - item.start;
    let last_day = zone
        .to_local(until)
        .map_or(NaiveDate::MAX, |d| d.date())
        .succ_opt()
        .unwrap_or(NaiveDate::MAX);
    recurrence
        .dates(last_day, max.min(MAX_OCCURRENCES))
        .into_iter()
        .filter_map(|(index, date)| {
            let start = zone.to_utc(date.and_time(local_start.time()))?;
            let end = start.checked_add_signed(duration)?;
            Some(Instance { index, start, end })
        })
        .filter(|i| i.start < until)
        .collect()
}

/// Whether an occurrence was deleted from its series.
pub(crate) fn is_deleted(master: &StoredItem, instance: &Instance) -> bool {
    master.deleted_occurrences.contains(&instance.start)
}

/// The occurrence with 1-based `index`, if the series has it.
pub(crate) fn instance(master: &StoredItem, index: usize) -> Option<Instance> {
    if index == 0 || index > MAX_OCCURRENCES {
        return None;
    }
    instances(master, DateTime::<Utc>::MAX_UTC, index)
        .into_iter()
        .find(|i| i.index == index)
}

/// The first and (for a series that ends) the last occurrence.
pub(crate) fn first_and_last(master: &StoredItem) -> (Option<Instance>, Option<Instance>) {
    let Some(recurrence) = recurrence_of(master) else {
        return (None, None);
    };
    if recurrence.ends() {
        let all = instances(master, DateTime::<Utc>::MAX_UTC, MAX_OCCURRENCES);
        (all.first().copied(), all.last().copied())
    } else {
        (
            instances(master, DateTime::<Utc>::MAX_UTC, 1)
                .first()
                .copied(),
            None,
        )
    }
}

/// The occurrence as an item of its own.
pub(crate) fn occurrence_item(master: &StoredItem, instance: &Instance) -> StoredItem {
    let mut item = master.clone();
    item.start = instance.start;
    item.end = instance.end;
    item.occurrence = Some(Occurrence {
        index: instance.index,
        original_start: instance.start,
        modified: false,
    });
    item.props.retain(|p| {
        !matches!(
            p.name.as_str(),
            "Recurrence" | "FirstOccurrence" | "LastOccurrence" | "ModifiedOccurrences"
        ) && p.ns == TYPES
    });
    item.deleted_occurrences.clear();
    item.modified_occurrences.clear();
    item
}

/// The exception kept for an occurrence, if it was changed on its own.
pub(crate) fn exception<'a>(master: &'a StoredItem, instance: &Instance) -> Option<&'a StoredItem> {
    master
        .modified_occurrences
        .iter()
        .find(|e| e.occurrence.map(|o| o.index) == Some(instance.index))
}

/// The occurrence as an item: its exception when it has one, else as the series gives it.
pub(crate) fn occurrence_at(master: &StoredItem, instance: &Instance) -> StoredItem {
    exception(master, instance).map_or_else(|| occurrence_item(master, instance), Clone::clone)
}

/// Whether an item overlaps `[start, end)`; an item without duration counts at its start.
pub(crate) fn overlaps(item: &StoredItem, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    item.start < end && (item.end > start || (item.start == item.end && item.start >= start))
}

/// The occurrences of `master`, whose recurrence is `recurrence`, that overlap
/// `[start, end)`, deleted ones left out.
pub(crate) fn in_window(
    master: &StoredItem,
    recurrence: &Recurrence,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<StoredItem> {
    instances_of(master, recurrence, end, MAX_OCCURRENCES)
        .into_iter()
        .filter(|i| !is_deleted(master, i))
        .map(|i| occurrence_at(master, &i))
        .filter(|i| overlaps(i, start, end))
        .collect()
}
