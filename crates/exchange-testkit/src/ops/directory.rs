//! `ResolveNames` against the directory (the configured users) and the caller's contacts,
//! and `GetUserAvailability`'s free/busy views of the mailboxes' calendars.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::Context;
use crate::escape;
use crate::folder_tree;
use crate::kind::ItemKind;
use crate::recurrence::series;
use crate::request::{Availability, Bound, LegacyZone, ZoneChange, MESSAGES, TYPES};
use crate::response::MessageError;
use crate::store::{self, StoredItem};

/// The most resolutions one answer carries, as Exchange.
const MAX_RESOLUTIONS: usize = 100;

/// One name found.
struct Found {
    name: String,
    email: String,
    /// `Mailbox` for a directory user, `Contact` for a contact of the caller's.
    mailbox_type: &'static str,
    /// The contact's item id and change key.
    item: Option<(String, String)>,
}

/// The whole `m:ResolveNamesResponse` for `entry`: `ErrorNameResolutionNoResults` when nothing
/// matches, one resolution as a success, several as the warning
/// `ErrorNameResolutionMultipleResults`.
pub(super) fn resolve_names(ctx: &Context<'_>, entry: &str, full: bool, scope: &str) -> String {
    let (directory_first, directory, contacts) = match scope {
        "ActiveDirectory" => (true, true, false),
        "Contacts" => (false, false, true),
        "ContactsActiveDirectory" => (false, true, true),
        _ => (true, true, true),
    };
    let mut found = Vec::new();
    let mut from_directory = if directory {
        users(ctx, entry)
    } else {
        Vec::new()
    };
    let mut from_contacts = if contacts {
        contacts_of(ctx, entry)
    } else {
        Vec::new()
    };
    if directory_first {
        found.append(&mut from_directory);
        found.append(&mut from_contacts);
    } else {
        found.append(&mut from_contacts);
        found.append(&mut from_directory);
    }
    found.truncate(MAX_RESOLUTIONS);

    let mut out = format!(
        "<m:ResolveNamesResponse xmlns:m=\"{MESSAGES}\" xmlns:t=\"{TYPES}\"><m:ResponseMessages>"
    );
    let (class, code, text) = match found.len() {
        0 => (
            "Error",
            "ErrorNameResolutionNoResults",
            Some("No results were found."),
        ),
        1 => ("Success", "NoError", None),
        _ => (
            "Warning",
            "ErrorNameResolutionMultipleResults",
            Some("Multiple results were found."),
        ),
    };
    let _ = write!(
        out,
        "<m:ResolveNamesResponseMessage ResponseClass=\"{class}\">"
    );
    if let Some(text) = text {
        escape::push_text_element(&mut out, "m:MessageText", text);
    }
    escape::push_text_element(&mut out, "m:ResponseCode", code);
    if text.is_some() {
        out.push_str("<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>");
    }
    if !found.is_empty() {
        let _ = write!(
            out,
            "<m:ResolutionSet TotalItemsInView=\"{}\" IncludesLastItemInRange=\"true\">",
            found.len()
        );
        for one in &found {
            resolution(&mut out, one, full);
        }
        out.push_str("</m:ResolutionSet>");
    }
    out.push_str("</m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>");
    out
}

/// Writes one `t:Resolution`.
fn resolution(out: &mut String, found: &Found, full: bool) {
    out.push_str("<t:Resolution><t:Mailbox>");
    escape::push_text_element(out, "t:Name", &found.name);
    escape::push_text_element(out, "t:EmailAddress", &found.email);
    out.push_str("<t:RoutingType>SMTP</t:RoutingType>");
    let _ = write!(out, "<t:MailboxType>{}</t:MailboxType>", found.mailbox_type);
    if let Some((id, change_key)) = &found.item {
        let _ = write!(
            out,
            "<t:ItemId Id=\"{}\" ChangeKey=\"{}\"/>",
            escape::attr(id),
            escape::attr(change_key)
        );
    }
    out.push_str("</t:Mailbox>");
    if full {
        out.push_str("<t:Contact>");
        escape::push_text_element(out, "t:DisplayName", &found.name);
        out.push_str("<t:EmailAddresses>");
        let _ = write!(
            out,
            "<t:Entry Key=\"EmailAddress1\">SMTP:{}</t:Entry>",
            escape::text(&found.email)
        );
        out.push_str("</t:EmailAddresses>");
        let source = if found.item.is_some() {
            "Store"
        } else {
            "ActiveDirectory"
        };
        let _ = write!(out, "<t:ContactSource>{source}</t:ContactSource>");
        out.push_str("</t:Contact>");
    }
    out.push_str("</t:Resolution>");
}

/// Whether `entry` names `address` exactly (`SMTP:` form) or starts one of `names` (any case),
/// as Exchange's ambiguous name resolution matches.
fn matches(entry: &str, address: &str, names: &[&str]) -> bool {
    let entry = entry.to_lowercase();
    if let Some(exact) = entry.strip_prefix("smtp:") {
        return address.eq_ignore_ascii_case(exact);
    }
    std::iter::once(address)
        .chain(names.iter().copied())
        .flat_map(|name| {
            let words = name.split_whitespace();
            std::iter::once(name).chain(words)
        })
        .any(|name| name.to_lowercase().starts_with(&entry))
}

/// The directory users that `entry` matches, by SMTP address, login or display name.
fn users(ctx: &Context<'_>, entry: &str) -> Vec<Found> {
    ctx.directory
        .users
        .iter()
        .filter(|user| {
            let display = store::display_name(user);
            matches(entry, &user.smtp, &[&user.login, &display])
        })
        .map(|user| Found {
            name: store::display_name(user),
            email: user.smtp.clone(),
            mailbox_type: "Mailbox",
            item: None,
        })
        .collect()
}

/// The contacts of the caller's Contacts folder that `entry` matches, by display name or
/// e-mail address; one resolution per address.
fn contacts_of(ctx: &Context<'_>, entry: &str) -> Vec<Found> {
    let Some(folder) = folder_tree::by_name("contacts") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for item in ctx
        .store
        .items_in(ctx.user, folder)
        .filter(|item| item.kind == ItemKind::Contact)
    {
        let display = item
            .prop("DisplayName")
            .map(|e| e.text().trim().to_owned())
            .or_else(|| item.subject.clone())
            .unwrap_or_default();
        let addresses: Vec<String> = item
            .prop("EmailAddresses")
            .map(|list| {
                list.children
                    .iter()
                    .map(|e| e.text().trim())
                    .map(|a| a.strip_prefix("SMTP:").unwrap_or(a).to_owned())
                    .filter(|a| !a.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        for address in addresses {
            if matches(entry, &address, &[&display]) {
                found.push(Found {
                    name: display.clone(),
                    email: address,
                    mailbox_type: "Contact",
                    item: Some((
                        store::item_id(ctx.user, &item.key),
                        store::change_key(item.change),
                    )),
                });
            }
        }
    }
    found
}

/// The longest free/busy window served, in days (Exchange's limit is 62).
const MAX_AVAILABILITY_DAYS: i64 = 62;

/// The whole `m:GetUserAvailabilityResponse`: one `FreeBusyResponse` per mailbox asked about,
/// in order, each a view or the error of that mailbox alone.
pub(super) fn availability(ctx: &Context<'_>, request: &Availability) -> String {
    let zone = &request.zone;
    let start = utc_of(zone, request.start);
    let end = utc_of(zone, request.end);
    let mut out = format!(
        "<m:GetUserAvailabilityResponse xmlns:m=\"{MESSAGES}\" xmlns:t=\"{TYPES}\">\
         <m:FreeBusyResponseArray>"
    );
    for mailbox in &request.mailboxes {
        out.push_str("<m:FreeBusyResponse>");
        match view_of(ctx, &mailbox.address, start, end, request) {
            Ok(view) => {
                out.push_str(
                    "<m:ResponseMessage ResponseClass=\"Success\">\
                     <m:ResponseCode>NoError</m:ResponseCode></m:ResponseMessage>",
                );
                out.push_str(&view);
            }
            Err(error) => error_message(&mut out, &error),
        }
        out.push_str("</m:FreeBusyResponse>");
    }
    out.push_str("</m:FreeBusyResponseArray></m:GetUserAvailabilityResponse>");
    out
}

/// A `GetUserAvailabilityResponse` whose `count` mailboxes all failed with `error`.
pub(super) fn availability_errors(count: usize, error: &MessageError) -> String {
    let mut out = format!(
        "<m:GetUserAvailabilityResponse xmlns:m=\"{MESSAGES}\" xmlns:t=\"{TYPES}\">\
         <m:FreeBusyResponseArray>"
    );
    for _ in 0..count.max(1) {
        out.push_str("<m:FreeBusyResponse>");
        error_message(&mut out, error);
        out.push_str("</m:FreeBusyResponse>");
    }
    out.push_str("</m:FreeBusyResponseArray></m:GetUserAvailabilityResponse>");
    out
}

/// Writes the `m:ResponseMessage` of a failed mailbox.
fn error_message(out: &mut String, error: &MessageError) {
    out.push_str("<m:ResponseMessage ResponseClass=\"Error\">");
    escape::push_text_element(out, "m:MessageText", &error.text);
    escape::push_text_element(out, "m:ResponseCode", &error.code);
    out.push_str("<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>");
    if let Some(ms) = error.back_off_ms {
        let _ = write!(
            out,
            "<m:MessageXml>{}</m:MessageXml>",
            crate::response::back_off_value(ms)
        );
    }
    out.push_str("</m:ResponseMessage>");
}

/// The `t:FreeBusyView` of the mailbox at `address` over `[start, end)`. Details (subject,
/// location, flags) only for a caller who may open the mailbox; others get times and busy
/// types, and a detailed view asked for comes down to its free/busy form.
fn view_of(
    ctx: &Context<'_>,
    address: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    request: &Availability,
) -> Result<String, MessageError> {
    let mailbox = ctx.directory.mailbox(address).ok_or_else(|| {
        MessageError::new(
            "ErrorMailRecipientNotFound",
            "No mailbox with this address was found.",
        )
    })?;
    if end <= start {
        return Err(MessageError::new(
            "ErrorInvalidTimeInterval",
            "The end of the time window is not after its start.",
        ));
    }
    if end - start > Duration::days(MAX_AVAILABILITY_DAYS) {
        return Err(MessageError::new(
            "ErrorTimeIntervalTooBig",
            "The time window is longer than 62 days.",
        ));
    }
    let detailed = ctx.directory.may_open(ctx.user, mailbox);
    let view = match request.view.as_str() {
        "Detailed" if !detailed => "FreeBusy",
        "DetailedMerged" if !detailed => "FreeBusyMerged",
        other => other,
    };
    let mut out = String::from("<m:FreeBusyView>");
    let _ = write!(out, "<t:FreeBusyViewType>{view}</t:FreeBusyViewType>");
    if view == "None" {
        out.push_str("</m:FreeBusyView>");
        return Ok(out);
    }
    let events = busy_items(ctx, mailbox, start, end);
    if view.ends_with("Merged") || view == "MergedOnly" {
        let merged = merged(&events, start, end, request.interval_minutes);
        escape::push_text_element(&mut out, "t:MergedFreeBusy", &merged);
    }
    if view != "MergedOnly" {
        let with_details = view.starts_with("Detailed");
        out.push_str("<t:CalendarEventArray>");
        for item in &events {
            out.push_str("<t:CalendarEvent>");
            let _ = write!(
                out,
                "<t:StartTime>{}</t:StartTime><t:EndTime>{}</t:EndTime>",
                local_text(&request.zone, item.start),
                local_text(&request.zone, item.end)
            );
            escape::push_text_element(&mut out, "t:BusyType", &item.free_busy);
            if with_details {
                details(&mut out, mailbox, item);
            }
            out.push_str("</t:CalendarEvent>");
        }
        out.push_str("</t:CalendarEventArray>");
    }
    out.push_str("</m:FreeBusyView>");
    Ok(out)
}

/// Writes `t:CalendarEventDetails` of `item`.
fn details(out: &mut String, mailbox: usize, item: &StoredItem) {
    let flag = |on: bool| if on { "true" } else { "false" };
    out.push_str("<t:CalendarEventDetails>");
    escape::push_text_element(out, "t:ID", &store::item_id(mailbox, &item.key));
    if let Some(subject) = &item.subject {
        escape::push_text_element(out, "t:Subject", subject);
    }
    if let Some(location) = &item.location {
        escape::push_text_element(out, "t:Location", location);
    }
    let meeting = ["RequiredAttendees", "OptionalAttendees", "Resources"]
        .iter()
        .any(|n| item.prop(n).is_some());
    let recurring = item.occurrence.is_some() || series::recurrence_of(item).is_some();
    let exception = item.occurrence.is_some_and(|o| o.modified);
    let reminder = item
        .prop("ReminderIsSet")
        .is_some_and(|e| matches!(e.text().trim(), "true" | "1"));
    let private = item
        .prop("Sensitivity")
        .is_some_and(|e| matches!(e.text().trim(), "Private" | "Confidential"));
    let _ = write!(
        out,
        "<t:IsMeeting>{}</t:IsMeeting><t:IsRecurring>{}</t:IsRecurring>\
         <t:IsException>{}</t:IsException><t:IsReminderSet>{}</t:IsReminderSet>\
         <t:IsPrivate>{}</t:IsPrivate></t:CalendarEventDetails>",
        flag(meeting),
        flag(recurring),
        flag(exception),
        flag(reminder),
        flag(private)
    );
}

/// The calendar items and occurrences of `mailbox` overlapping `[start, end)` that are not
/// free, by start.
fn busy_items(
    ctx: &Context<'_>,
    mailbox: usize,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<StoredItem> {
    let mut found: Vec<StoredItem> = Vec::new();
    for item in ctx
        .store
        .items_in(mailbox, folder_tree::CALENDAR)
        .filter(|item| item.kind == ItemKind::Calendar)
    {
        match series::recurrence_of(item) {
            Some(recurrence) => found.extend(series::in_window(item, &recurrence, start, end)),
            None if series::overlaps(item, start, end) => found.push(item.clone()),
            None => {}
        }
    }
    found.retain(|item| item.free_busy != "Free");
    found.sort_by_key(|item| (item.start, item.end, item.created));
    found
}

/// The merged free/busy string: one digit per interval from `start`, the busiest status of
/// the items in it (0 free, 1 tentative, 2 busy, 3 out of office, 4 no data).
fn merged(items: &[StoredItem], start: DateTime<Utc>, end: DateTime<Utc>, minutes: i64) -> String {
    let step = Duration::minutes(minutes);
    let mut out = String::new();
    let mut from = start;
    while from < end {
        let to = from + step;
        let level = items
            .iter()
            .filter(|item| item.start < to && item.end > from)
            .map(|item| match item.free_busy.as_str() {
                "Tentative" | "WorkingElsewhere" => '1',
                "OOF" => '3',
                "NoData" => '4',
                _ => '2',
            })
            .max()
            .unwrap_or('0');
        out.push(level);
        from = to;
    }
    out
}

/// The instant of a window bound.
fn utc_of(zone: &LegacyZone, bound: Bound) -> DateTime<Utc> {
    match bound {
        Bound::Instant(instant) => instant,
        Bound::Local(local) => {
            // The offset at the wall-clock time read as UTC is right but within the hour of
            // a change, which is as close as the legacy zone lets one get.
            let guess = local.and_utc();
            guess + Duration::minutes(bias_at(zone, guess))
        }
    }
}

/// `instant` as wall-clock time of `zone`, without offset, as Exchange writes free/busy
/// times.
fn local_text(zone: &LegacyZone, instant: DateTime<Utc>) -> String {
    let local = instant - Duration::minutes(bias_at(zone, instant));
    local.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// The minutes UTC is ahead of `zone`'s wall clock at `instant`: the zone's bias plus that
/// of the season.
fn bias_at(zone: &LegacyZone, instant: DateTime<Utc>) -> i64 {
    let (standard, daylight) = (&zone.standard, &zone.daylight);
    if standard.month == 0 || daylight.month == 0 {
        return zone.bias + standard.bias;
    }
    let year = (instant - Duration::minutes(zone.bias + standard.bias)).year();
    // Daylight time starts at its wall-clock time in standard time, and ends at the standard
    // change's wall-clock time in daylight time.
    let starts = change_at(year, daylight) + Duration::minutes(zone.bias + standard.bias);
    let ends = change_at(year, standard) + Duration::minutes(zone.bias + daylight.bias);
    let in_daylight = if starts < ends {
        instant >= starts && instant < ends
    } else {
        // The southern hemisphere: daylight time spans the turn of the year.
        instant >= starts || instant < ends
    };
    zone.bias
        + if in_daylight {
            daylight.bias
        } else {
            standard.bias
        }
}

/// The wall-clock moment of `change` in `year`, as if it were UTC.
fn change_at(year: i32, change: &ZoneChange) -> DateTime<Utc> {
    let first = NaiveDate::from_ymd_opt(year, change.month, 1).unwrap_or_default();
    let shift =
        (7 + change.weekday.num_days_from_sunday() - first.weekday().num_days_from_sunday()) % 7;
    let mut day = first + Duration::days(i64::from(shift));
    for _ in 1..change.day_order.clamp(1, 5) {
        let next = day + Duration::days(7);
        if next.month() != change.month {
            break;
        }
        day = next;
    }
    day.and_time(change.time).and_utc()
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveTime, TimeZone, Weekday};

    use super::*;

    fn berlin() -> LegacyZone {
        let change = |month, hour, bias| ZoneChange {
            bias,
            time: NaiveTime::from_hms_opt(hour, 0, 0).unwrap(),
            day_order: 5,
            month,
            weekday: Weekday::Sun,
        };
        LegacyZone {
            bias: -60,
            standard: change(10, 3, 0),
            daylight: change(3, 2, -60),
        }
    }

    #[test]
    fn a_legacy_zone_changes_on_its_last_sundays() {
        let zone = berlin();
        let utc = |m, d, h, min| Utc.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap();
        // 2026: daylight time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(bias_at(&zone, utc(3, 29, 0, 59)), -60);
        assert_eq!(bias_at(&zone, utc(3, 29, 1, 0)), -120);
        assert_eq!(bias_at(&zone, utc(10, 25, 0, 59)), -120);
        assert_eq!(bias_at(&zone, utc(10, 25, 1, 0)), -60);
        assert_eq!(local_text(&zone, utc(7, 1, 12, 0)), "2026-07-01T14:00:00");
        let local = NaiveDate::from_ymd_opt(2026, 12, 8)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        assert_eq!(utc_of(&zone, Bound::Local(local)), utc(12, 8, 9, 0));
        // A zone without changes keeps its bias all year.
        let mut fixed = zone;
        fixed.daylight.month = 0;
        assert_eq!(bias_at(&fixed, utc(7, 1, 12, 0)), -60);
    }

    #[test]
    fn the_merged_string_has_the_busiest_status_of_each_interval() {
        let at = |h, m| Utc.with_ymd_and_hms(2026, 12, 8, h, m, 0).unwrap();
        let item = |start, end, status: &str| {
            let mut item = StoredItem::new(ItemKind::Calendar, folder_tree::CALENDAR, 1, at(0, 0));
            item.start = start;
            item.end = end;
            item.free_busy = status.to_owned();
            item
        };
        let items = [
            item(at(8, 30), at(9, 0), "Tentative"),
            item(at(8, 45), at(9, 15), "Busy"),
            item(at(10, 0), at(11, 0), "OOF"),
        ];
        assert_eq!(merged(&items, at(8, 0), at(11, 0), 60), "223");
        assert_eq!(merged(&items, at(8, 0), at(9, 0), 30), "02");
    }
}
