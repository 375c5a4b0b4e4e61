//! The directory area over EWS: `GetUserAvailability` for free/busy times and `ResolveNames`
//! for names.
//!
//! `GetUserAvailability` reports busy times as wall-clock times of the legacy time zone the
//! request names. The request names the data source's zone (so that a merged string and
//! working hours follow its days), as the yearly rule the zone has in the window's year, and
//! the times that come back are read in that same zone.

use async_trait::async_trait;
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use exchange_ews::directory::{
    AvailabilityMailbox, FreeBusyOptions, FreeBusyView, FreeBusyViewKind, Resolution, ResolveNames,
    SearchScope, SerializableTimeZone, TimeZoneTransition,
};
use exchange_ews::{EwsError, ResponseCode};
use mediagateway_api::{
    ApiError, BusyPeriod, BusyStatus, ContactDetails, FreeBusy, FreeBusyRequest,
    MailboxAvailability, MailboxType, NameQuery, PhoneNumber, ResolvedName,
};

use super::errors::map_error;
use super::EwsBackend;
use crate::backend::{DirectoryBackend, MailboxAccess};

#[async_trait]
impl DirectoryBackend for EwsBackend {
    async fn free_busy(
        &self,
        access: &MailboxAccess,
        request: &FreeBusyRequest,
    ) -> Result<Vec<MailboxAvailability>, ApiError> {
        let zone = RequestZone::of(&access.time_zone, request.window.start());
        let mailboxes: Vec<AvailabilityMailbox> = request
            .mailboxes
            .iter()
            .map(AvailabilityMailbox::required)
            .collect();
        let options = FreeBusyOptions {
            merged_interval_minutes: None,
            requested_view: FreeBusyViewKind::DetailedMerged,
        };
        let views = self
            .client(access)?
            .user_availability(
                &mailboxes,
                &zone.legacy,
                request.window.start(),
                request.window.end(),
                options,
            )
            .await
            .map_err(map_error)?;
        if views.len() != request.mailboxes.len() {
            return Err(ApiError::Protocol {
                detail: format!(
                    "Exchange answered the availability of {} mailboxes for the {} asked about",
                    views.len(),
                    request.mailboxes.len()
                ),
            });
        }
        Ok(request
            .mailboxes
            .iter()
            .zip(views)
            .map(|(mailbox, view)| MailboxAvailability {
                mailbox: mailbox.clone(),
                result: view
                    .map(|view| free_busy(view, &zone))
                    .map_err(mailbox_error),
            })
            .collect())
    }

    async fn resolve_names(
        &self,
        access: &MailboxAccess,
        query: &NameQuery,
    ) -> Result<Vec<ResolvedName>, ApiError> {
        let scope = if query.include_contacts {
            SearchScope::ActiveDirectoryContacts
        } else {
            SearchScope::ActiveDirectory
        };
        let request = ResolveNames::new(&query.text, true)
            .map_err(map_error)?
            .with_search_scope(scope);
        let found = self
            .client(access)?
            .execute(&request)
            .await
            .map_err(map_error)?;
        let max = usize::try_from(query.max_results).unwrap_or(usize::MAX);
        Ok(found.into_iter().take(max).map(resolved).collect())
    }
}

/// The error of one mailbox of an availability answer.
fn mailbox_error(error: EwsError) -> ApiError {
    match error.response_code().map(ResponseCode::as_str) {
        Some("ErrorMailRecipientNotFound") => ApiError::MailboxNotFound {
            detail: error.to_string(),
        },
        _ => map_error(error),
    }
}

/// A free/busy view in the API's terms.
fn free_busy(view: FreeBusyView, zone: &RequestZone) -> FreeBusy {
    let mut periods: Vec<BusyPeriod> = view
        .events
        .into_iter()
        .map(|event| {
            let (subject, location) = event
                .details
                .map(|d| (d.subject, d.location))
                .unwrap_or_default();
            BusyPeriod {
                start: zone.instant(event.start),
                end: zone.instant(event.end),
                // A status this gateway does not know says nothing it can show.
                status: BusyStatus::from_name(&event.busy_type).unwrap_or(BusyStatus::NoData),
                subject,
                location,
            }
        })
        .collect();
    periods.sort_by_key(|p| (p.start, p.end));
    FreeBusy {
        periods,
        merged: view.merged,
    }
}

/// A resolution in the API's terms.
fn resolved(resolution: Resolution) -> ResolvedName {
    let Resolution { mailbox, contact } = resolution;
    // An `EX` address is a legacy DN; the contact's addresses hold the SMTP one.
    let smtp_of_contact = || {
        contact.as_ref().and_then(|c| {
            c.email_addresses.iter().find_map(|(_, address)| {
                address
                    .strip_prefix("SMTP:")
                    .or_else(|| address.strip_prefix("smtp:"))
                    .map(str::to_owned)
            })
        })
    };
    let address = match (&mailbox.email, mailbox.routing_type.as_deref()) {
        (Some(email), None | Some("SMTP")) => Some(email.clone()),
        _ => smtp_of_contact(),
    }
    .unwrap_or_default();
    let display_name = mailbox
        .name
        .clone()
        .or_else(|| contact.as_ref().and_then(|c| c.display_name.clone()))
        .unwrap_or_else(|| address.clone());
    let details = contact.map(|c| ContactDetails {
        given_name: c.given_name,
        surname: c.surname,
        company: c.company_name,
        job_title: c.job_title,
        department: c.department,
        phone_numbers: c
            .phone_numbers
            .into_iter()
            .map(|(kind, number)| PhoneNumber { kind, number })
            .collect(),
    });
    ResolvedName {
        display_name,
        address,
        mailbox_type: mailbox
            .mailbox_type
            .as_deref()
            .map_or(MailboxType::Unknown, MailboxType::from_name),
        // Details that say nothing are left out.
        contact: details.filter(|d| *d != ContactDetails::default()),
    }
}

/// The zone a `GetUserAvailability` request names, and how to read the times it answers.
#[derive(Debug, Clone)]
struct RequestZone {
    legacy: SerializableTimeZone,
    /// The IANA zone the legacy one stands for; `None` when the request names UTC.
    zone: Option<Tz>,
}

impl RequestZone {
    /// The data source's zone `iana` as its rule in the year of `at`; UTC when the name is not
    /// an IANA zone or its year has no rule of two yearly changes at most.
    fn of(iana: &str, at: DateTime<Utc>) -> Self {
        let utc = Self {
            legacy: SerializableTimeZone::utc(),
            zone: None,
        };
        let Ok(zone) = iana.parse::<Tz>() else {
            return utc;
        };
        match legacy_zone(zone, at) {
            Some(legacy) => Self {
                legacy,
                zone: Some(zone),
            },
            None => utc,
        }
    }

    /// The instant of a wall-clock time of the answer (read as if it were UTC).
    fn instant(&self, wall_clock: DateTime<Utc>) -> DateTime<Utc> {
        let Some(zone) = self.zone else {
            return wall_clock;
        };
        let local = wall_clock.naive_utc();
        match zone.from_local_datetime(&local) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
                t.with_timezone(&Utc)
            }
            // A time in the gap of a change to summer time: read with the offset before it.
            chrono::LocalResult::None => {
                let before = zone
                    .offset_from_utc_datetime(&(local - Duration::hours(3)))
                    .fix();
                wall_clock - Duration::seconds(i64::from(before.local_minus_utc()))
            }
        }
    }
}

/// The offset of `zone` at `at`, in minutes east of UTC.
fn offset_minutes(zone: Tz, at: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
        / 60
}

/// The instants in `[from, to)` at which `zone`'s offset changes, to the minute.
fn changes(zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut found = Vec::new();
    let mut day = from;
    while day < to {
        let next = day + Duration::days(1);
        if offset_minutes(zone, day) != offset_minutes(zone, next) {
            // The first whole minute of the day with the new offset.
            let before = offset_minutes(zone, day);
            let (mut low, mut high) = (0_i64, 24 * 60);
            while high - low > 1 {
                let middle = (low + high) / 2;
                if offset_minutes(zone, day + Duration::minutes(middle)) == before {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            found.push(day + Duration::minutes(high));
        }
        day = next;
    }
    found
}

/// `zone`'s rule in the year of `at` as a legacy zone: its standard bias and its two yearly
/// changes; `None` when the year has other than zero or two changes.
fn legacy_zone(zone: Tz, at: DateTime<Utc>) -> Option<SerializableTimeZone> {
    let year = at.with_timezone(&zone).year();
    let start = Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).single()?;
    let end = Utc.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0).single()?;
    let found = changes(zone, start, end);
    match found.as_slice() {
        [] => Some(SerializableTimeZone {
            bias_minutes: -offset_minutes(zone, at),
            standard: TimeZoneTransition::none(),
            daylight: TimeZoneTransition::none(),
        }),
        [first, second] => {
            let after = |t: DateTime<Utc>| offset_minutes(zone, t);
            let (first_after, second_after) = (after(*first), after(*second));
            let standard = first_after.min(second_after);
            let daylight = first_after.max(second_after);
            if standard == daylight {
                return None;
            }
            let (to_standard, to_daylight) = if first_after == standard {
                (*first, *second)
            } else {
                (*second, *first)
            };
            // A change's wall-clock time is that of the time before it.
            let standard_change = transition(to_standard, daylight, 0)?;
            let daylight_change = transition(to_daylight, standard, -(daylight - standard))?;
            Some(SerializableTimeZone {
                bias_minutes: -standard,
                standard: standard_change,
                daylight: daylight_change,
            })
        }
        _ => None,
    }
}

/// The yearly change at `instant`, read in the offset before it (`offset_before` minutes east),
/// adding `bias_minutes` to the zone's bias after it.
fn transition(
    instant: DateTime<Utc>,
    offset_before: i32,
    bias_minutes: i32,
) -> Option<TimeZoneTransition> {
    let local: NaiveDateTime = instant.naive_utc() + Duration::minutes(i64::from(offset_before));
    let date = local.date();
    let day = date.day();
    let month_days = days_in_month(date.year(), date.month())?;
    // The last such weekday of the month is the 5th, as the legacy rules count.
    let day_order = if day + 7 > month_days {
        5
    } else {
        i16::try_from((day - 1) / 7 + 1).ok()?
    };
    Some(TimeZoneTransition {
        bias_minutes,
        time: local.time(),
        day_order,
        month: i16::try_from(date.month()).ok()?,
        day_of_week: date.weekday(),
        year: None,
    })
}

fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = chrono::NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        chrono::NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    u32::try_from((next - first).num_days()).ok()
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveTime, Weekday};
    use exchange_ews::directory::ResolvedContact;
    use exchange_ews::items::Mailbox;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn berlin_is_utc_plus_one_with_summer_time_on_the_last_sundays() {
        let zone = RequestZone::of("Europe/Berlin", at(2026, 12, 8, 9));
        let legacy = &zone.legacy;
        assert_eq!(legacy.bias_minutes, -60);
        assert_eq!(
            (
                legacy.daylight.month,
                legacy.daylight.day_order,
                legacy.daylight.day_of_week,
                legacy.daylight.time,
                legacy.daylight.bias_minutes
            ),
            (
                3,
                5,
                Weekday::Sun,
                NaiveTime::from_hms_opt(2, 0, 0).unwrap(),
                -60
            )
        );
        assert_eq!(
            (
                legacy.standard.month,
                legacy.standard.day_order,
                legacy.standard.day_of_week,
                legacy.standard.time,
                legacy.standard.bias_minutes
            ),
            (
                10,
                5,
                Weekday::Sun,
                NaiveTime::from_hms_opt(3, 0, 0).unwrap(),
                0
            )
        );
        // Wall-clock times of the answer are read back in the zone: 10:00 in December is
        // 09:00 UTC, 11:00 in June 09:00 UTC.
        assert_eq!(zone.instant(at(2026, 12, 8, 10)), at(2026, 12, 8, 9));
        assert_eq!(zone.instant(at(2026, 6, 8, 11)), at(2026, 6, 8, 9));
    }

    #[test]
    fn new_york_changes_on_the_second_and_first_sundays() {
        let legacy = RequestZone::of("America/New_York", at(2026, 1, 5, 0)).legacy;
        assert_eq!(legacy.bias_minutes, 300);
        assert_eq!((legacy.daylight.month, legacy.daylight.day_order), (3, 2));
        assert_eq!((legacy.standard.month, legacy.standard.day_order), (11, 1));
        assert_eq!(legacy.daylight.bias_minutes, -60);
    }

    #[test]
    fn zones_without_changes_or_unknown_ones() {
        let tokyo = RequestZone::of("Asia/Tokyo", at(2026, 1, 5, 0));
        assert_eq!(tokyo.legacy.bias_minutes, -540);
        assert_eq!(tokyo.legacy.standard.month, 0);
        assert_eq!(tokyo.instant(at(2026, 1, 5, 9)), at(2026, 1, 5, 0));
        let unknown = RequestZone::of("Mars/Olympus", at(2026, 1, 5, 0));
        assert_eq!(unknown.legacy, SerializableTimeZone::utc());
        assert_eq!(unknown.instant(at(2026, 1, 5, 9)), at(2026, 1, 5, 9));
    }

    #[test]
    fn a_resolution_becomes_a_name() {
        let mailbox = |routing: &str, email: &str| Mailbox {
            name: Some("Bob Jones".into()),
            email: Some(email.into()),
            routing_type: Some(routing.into()),
            mailbox_type: Some("Mailbox".into()),
        };
        let plain = resolved(Resolution {
            mailbox: mailbox("SMTP", "bob@contoso.test"),
            contact: Some(ResolvedContact {
                display_name: Some("Bob Jones".into()),
                ..ResolvedContact::default()
            }),
        });
        assert_eq!(plain.address, "bob@contoso.test");
        assert_eq!(plain.mailbox_type, MailboxType::Mailbox);
        assert_eq!(plain.contact, None, "nothing to say");
        let legacy_dn = resolved(Resolution {
            mailbox: mailbox("EX", "/O=Contoso/CN=bob"),
            contact: Some(ResolvedContact {
                company_name: Some("Contoso".into()),
                email_addresses: vec![("EmailAddress1".into(), "SMTP:bob@contoso.test".into())],
                phone_numbers: vec![("BusinessPhone".into(), "+1 555 0100".into())],
                ..ResolvedContact::default()
            }),
        });
        assert_eq!(legacy_dn.address, "bob@contoso.test");
        let details = legacy_dn.contact.unwrap();
        assert_eq!(details.company.as_deref(), Some("Contoso"));
        assert_eq!(details.phone_numbers[0].kind, "BusinessPhone");
    }
}
