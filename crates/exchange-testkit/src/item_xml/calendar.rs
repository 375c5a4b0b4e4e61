//! The calendar properties of items: times, meeting flags, the organizer, and the
//! occurrences of recurring series.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::{text_entry, Context, Entry};
use crate::datetime;
use crate::escape;
use crate::item::StoredItem;
use crate::recurrence::series::{self, Instance};
use crate::store;

/// The calendar properties the server computes or interprets.
pub(super) fn entries(ctx: &Context<'_>, item: &StoredItem, out: &mut Vec<Entry>) {
    out.push(text_entry("UID", &item.uid));
    if let Some(occurrence) = item.occurrence {
        let original = datetime::format(occurrence.original_start);
        out.push(text_entry("RecurrenceId", &original));
        out.push(text_entry("OriginalStart", &original));
    }
    out.push(text_entry("Start", &datetime::format(item.start)));
    out.push(text_entry("End", &datetime::format(item.end)));
    out.push(text_entry(
        "IsAllDayEvent",
        if item.is_all_day { "true" } else { "false" },
    ));
    out.push(text_entry("LegacyFreeBusyStatus", &item.free_busy));
    if let Some(location) = &item.location {
        out.push(text_entry("Location", location));
    }
    let meeting = ["RequiredAttendees", "OptionalAttendees", "Resources"]
        .iter()
        .any(|n| item.prop(n).is_some());
    out.push(text_entry(
        "IsMeeting",
        if meeting { "true" } else { "false" },
    ));
    out.push(text_entry("IsCancelled", "false"));
    let master = series::recurrence_of(item).is_some();
    let recurring = master || item.occurrence.is_some();
    out.push(text_entry(
        "IsRecurring",
        if recurring { "true" } else { "false" },
    ));
    let item_type = match (item.occurrence, master) {
        (Some(o), _) if o.modified => "Exception",
        (Some(_), _) => "Occurrence",
        (None, true) => "RecurringMaster",
        (None, false) => "Single",
    };
    out.push(text_entry("CalendarItemType", item_type));
    if master {
        series_entries(ctx, item, out);
    }
    out.push(text_entry("MyResponseType", "Organizer"));
    let mut organizer = String::from("<t:Organizer><t:Mailbox>");
    escape::push_text_element(&mut organizer, "t:Name", ctx.owner);
    escape::push_text_element(&mut organizer, "t:EmailAddress", ctx.owner);
    organizer.push_str(
        "<t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType>\
         </t:Mailbox></t:Organizer>",
    );
    out.push(Entry {
        name: "Organizer".to_owned(),
        xml: organizer,
        sent: false,
    });
    out.push(text_entry(
        "Duration",
        &datetime::duration(item.start, item.end),
    ));
}

/// An `OccurrenceInfoType` element: the occurrence's id, times and original start.
fn occurrence_info(
    ctx: &Context<'_>,
    master: &StoredItem,
    name: &str,
    instance: &Instance,
    original_start: DateTime<Utc>,
) -> String {
    let mut xml = String::new();
    let _ = write!(
        xml,
        "<t:{name}><t:ItemId Id=\"{}\" ChangeKey=\"{}\"/>",
        escape::attr(&store::occurrence_id(
            ctx.mailbox,
            &master.key,
            instance.index
        )),
        escape::attr(&store::change_key(master.change)),
    );
    escape::push_text_element(&mut xml, "t:Start", &datetime::format(instance.start));
    escape::push_text_element(&mut xml, "t:End", &datetime::format(instance.end));
    escape::push_text_element(
        &mut xml,
        "t:OriginalStart",
        &datetime::format(original_start),
    );
    let _ = write!(xml, "</t:{name}>");
    xml
}

/// `FirstOccurrence`, `LastOccurrence`, `ModifiedOccurrences` and `DeletedOccurrences` of a
/// recurring master.
fn series_entries(ctx: &Context<'_>, item: &StoredItem, out: &mut Vec<Entry>) {
    let entry = |name: &str, xml: String| Entry {
        name: name.to_owned(),
        xml,
        sent: false,
    };
    let (first, last) = series::first_and_last(item);
    for (name, instance) in [("FirstOccurrence", first), ("LastOccurrence", last)] {
        if let Some(instance) = instance {
            let xml = occurrence_info(ctx, item, name, &instance, instance.start);
            out.push(entry(name, xml));
        }
    }
    if !item.modified_occurrences.is_empty() {
        let mut xml = String::from("<t:ModifiedOccurrences>");
        for exception in &item.modified_occurrences {
            let Some(occurrence) = exception.occurrence else {
                continue;
            };
            let instance = Instance {
                index: occurrence.index,
                start: exception.start,
                end: exception.end,
            };
            xml.push_str(&occurrence_info(
                ctx,
                item,
                "Occurrence",
                &instance,
                occurrence.original_start,
            ));
        }
        xml.push_str("</t:ModifiedOccurrences>");
        out.push(entry("ModifiedOccurrences", xml));
    }
    if !item.deleted_occurrences.is_empty() {
        let mut xml = String::from("<t:DeletedOccurrences>");
        for start in &item.deleted_occurrences {
            xml.push_str("<t:DeletedOccurrence>");
            escape::push_text_element(&mut xml, "t:Start", &datetime::format(*start));
            xml.push_str("</t:DeletedOccurrence>");
        }
        xml.push_str("</t:DeletedOccurrences>");
        out.push(entry("DeletedOccurrences", xml));
    }
}
