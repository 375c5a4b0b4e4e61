//! Every request envelope the crate writes validates against Microsoft's EWS schema.

use chrono::{Duration, TimeZone, Utc};
use exchange_ews::calendar::{
    CreateCalendarItem, FindCalendarItems, GetCalendarItem, NewCalendarItem,
    SendMeetingCancellations, SendMeetingInvitations,
};
use exchange_ews::client::Impersonation;
use exchange_ews::folders::{
    CreateFolder, DeleteFolder, FindFolder, FolderId, GetFolder, MoveFolder, RenameFolder,
    Traversal,
};
use exchange_ews::items::{Body, DeleteItem, DeleteType, FindItems, IndexedPage};
use exchange_ews::timezone::{GetServerTimeZones, TimeZoneContext, WindowsZoneId};
use exchange_ews::{DistinguishedFolder, ExchangeVersion, FolderTarget, ItemId};
use exchange_testkit::schema::SchemaValidator;

use crate::schema_queries;

const HOSTILE: &str =
    "Q3 <review> & \"budget\" 'draft' ]]> \u{e9}t\u{e9} \u{5317}\u{4eac} \u{1F4C5}\r\n\tend";

fn folders() -> Vec<FolderTarget> {
    vec![
        FolderTarget::Distinguished(DistinguishedFolder::Calendar),
        FolderTarget::DistinguishedOf(DistinguishedFolder::Calendar, "bob@contoso.test".into()),
        FolderTarget::Id("AQMkADRiZGNh&<>\"'==".into()),
    ]
}

fn new_items() -> Vec<NewCalendarItem> {
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
    let full = NewCalendarItem {
        subject: HOSTILE.into(),
        start,
        end: start + Duration::minutes(90) + Duration::milliseconds(250),
        is_all_day: false,
        location: Some(HOSTILE.into()),
        body: Some(Body::html(format!("<p>{HOSTILE}</p>"))),
        ..Default::default()
    };
    let minimal = NewCalendarItem {
        subject: String::new(),
        location: None,
        body: None,
        end: start,
        ..full.clone()
    };
    let all_day = NewCalendarItem {
        is_all_day: true,
        start: Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2024, 5, 3, 0, 0, 0).unwrap(),
        body: Some(Body::text(HOSTILE)),
        ..full.clone()
    };
    vec![full, minimal, all_day]
}

fn envelopes() -> Vec<(String, String)> {
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap();
    let end = start + Duration::days(31);
    let ids = [
        ItemId::new("AAMkAGI2=").with_change_key("DwAAABYA"),
        ItemId::new("AAMk<&>\"'\u{e9}"),
    ];
    let mut docs = Vec::new();
    for version in ExchangeVersion::ALL {
        let mut add = |name: String, xml: String| docs.push((format!("{version}/{name}"), xml));
        for (i, folder) in folders().into_iter().enumerate() {
            for max in [None, Some(1), Some(500)] {
                let request = FindCalendarItems::new(folder.clone(), start, end, max).unwrap();
                add(
                    format!("FindItem folder#{i} max {max:?}"),
                    request.to_envelope(version),
                );
            }
        }
        for id in &ids {
            let request = GetCalendarItem::new(id.clone()).unwrap();
            add(format!("GetItem {id}"), request.to_envelope(version));
        }
        let invitations = [
            SendMeetingInvitations::SendToNone,
            SendMeetingInvitations::SendOnlyToAll,
            SendMeetingInvitations::SendToAllAndSaveCopy,
        ];
        for (i, item) in new_items().into_iter().enumerate() {
            for (f, folder) in folders().into_iter().enumerate() {
                let invite = invitations[(i + f) % invitations.len()];
                let request = CreateCalendarItem::new(folder, item.clone(), invite).unwrap();
                add(
                    format!("CreateItem item#{i} folder#{f}"),
                    request.to_envelope(version),
                );
            }
        }
        for delete_type in [
            DeleteType::HardDelete,
            DeleteType::SoftDelete,
            DeleteType::MoveToDeletedItems,
        ] {
            for cancellations in [
                SendMeetingCancellations::SendToNone,
                SendMeetingCancellations::SendOnlyToAll,
                SendMeetingCancellations::SendToAllAndSaveCopy,
            ] {
                for id in &ids {
                    let request = DeleteItem::new(id.clone(), delete_type, cancellations).unwrap();
                    add(
                        format!("DeleteItem {delete_type:?} {cancellations:?}"),
                        request.to_envelope(version),
                    );
                }
            }
        }
        for (name, xml) in folder_envelopes(version) {
            add(name, xml);
        }
        for (name, xml) in directory_envelopes(version) {
            add(name, xml);
        }
        for (name, xml) in schema_queries::query_envelopes(version) {
            add(name, xml);
        }
    }
    docs
}

/// The `RequestServerVersion` element of an envelope's header as a document of its own (the
/// validator checks only bodies, and the header element is declared in the types schema).
fn header_document(envelope: &str) -> String {
    let start = envelope
        .find("<t:RequestServerVersion")
        .expect("a version header");
    let end = start + envelope[start..].find("/>").expect("an empty element") + 2;
    envelope[start..end].replacen(
        "<t:RequestServerVersion",
        r#"<t:RequestServerVersion xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types""#,
        1,
    )
}

/// Envelopes of every version with each kind of impersonation header.
fn impersonated_envelopes() -> Vec<(String, String)> {
    let kinds = [
        Impersonation::PrimarySmtpAddress("bob+<&>@contoso.test".into()),
        Impersonation::PrincipalName("bob@corp.contoso.test".into()),
        Impersonation::Sid("S-1-5-21-1004336348-1177238915-682003330-1104".into()),
    ];
    let folder = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    let item = new_items().remove(0);
    let mut docs = Vec::new();
    for version in ExchangeVersion::ALL {
        for (k, kind) in kinds.iter().enumerate() {
            let get = GetCalendarItem::new(ItemId::new("AAMkAGI2=")).unwrap();
            let create = CreateCalendarItem::new(
                folder.clone(),
                item.clone(),
                SendMeetingInvitations::SendToNone,
            )
            .unwrap();
            for (name, envelope) in [
                ("GetItem", get.to_envelope(version)),
                ("CreateItem", create.to_envelope(version)),
            ] {
                docs.push((
                    format!("{version}/{name} impersonation#{k}"),
                    kind.add_to_envelope(&envelope).unwrap(),
                ));
            }
        }
    }
    docs
}

/// The `ExchangeImpersonation` element of an envelope's header as a document of its own,
/// once it is checked to come last in the header, after `RequestServerVersion`.
fn impersonation_document(envelope: &str) -> String {
    const END: &str = "</t:ExchangeImpersonation>";
    let start = envelope
        .find("<t:ExchangeImpersonation>")
        .expect("an impersonation header");
    let version = envelope
        .find("<t:RequestServerVersion")
        .expect("a version header");
    assert!(version < start, "{envelope}");
    let end = start + envelope[start..].find(END).expect("a closed element") + END.len();
    assert!(envelope[end..].starts_with("</soap:Header>"), "{envelope}");
    envelope[start..end].replacen(
        "<t:ExchangeImpersonation>",
        r#"<t:ExchangeImpersonation xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">"#,
        1,
    )
}

#[test]
fn every_request_envelope_validates() {
    let Some(validator) = SchemaValidator::find() else {
        return;
    };
    let docs = envelopes();
    assert!(docs.len() > 200, "{}", docs.len());
    let headers: Vec<(String, String)> = ExchangeVersion::ALL
        .iter()
        .map(|v| {
            let (_, envelope) = docs
                .iter()
                .find(|(name, _)| name.starts_with(&format!("{v}/")))
                .unwrap();
            (format!("{v}/header"), header_document(envelope))
        })
        .collect();
    // One broken document guards against a validator that accepts anything.
    let broken = docs[0]
        .1
        .replace(r#"Traversal="Shallow""#, r#"Traversal="Sideways""#);
    let impersonated = impersonated_envelopes();
    let impersonation_headers: Vec<(String, String)> = impersonated
        .iter()
        .map(|(n, x)| (format!("{n}/header"), impersonation_document(x)))
        .collect();
    let broken_impersonation = impersonation_headers[0]
        .1
        .replace("t:PrimarySmtpAddress", "t:SmtpAddres");
    let all = docs
        .iter()
        .chain(&headers)
        .chain(&impersonated)
        .chain(&impersonation_headers)
        .map(|(n, x)| (n.as_str(), x.as_str()))
        .chain([
            ("broken impersonation", broken_impersonation.as_str()),
            ("broken", broken.as_str()),
        ]);
    // xmllint takes seconds to load the schema: everything goes in one run.
    let mut verdicts = validator.validate_envelopes(all);
    assert_eq!(
        verdicts.len(),
        docs.len() + headers.len() + impersonated.len() + impersonation_headers.len() + 2
    );
    let broken = verdicts.pop().unwrap();
    assert!(
        !broken.is_valid(),
        "the validator accepted a broken envelope"
    );
    let broken = verdicts.pop().unwrap();
    assert!(
        !broken.is_valid(),
        "the validator accepted a broken impersonation header"
    );
    let failures: Vec<_> = verdicts.iter().filter(|v| !v.is_valid()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// `GetServerTimeZones` requests, and requests carrying a `TimeZoneContext` header (some
/// impersonated too), for every version; the header is checked to be left out for Exchange
/// 2007 SP1 and to follow `RequestServerVersion` otherwise.
/// Named documents: (name, XML).
type Documents = Vec<(String, String)>;

fn time_zone_envelopes() -> (Documents, Documents) {
    let zones = [
        "W. Europe Standard Time",
        "Tokyo Standard Time",
        "Zone <&>\"'",
    ];
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let calendar = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    let find = FindCalendarItems::new(calendar, start, start + Duration::days(31), None).unwrap();
    let get = GetCalendarItem::new(ItemId::new("AAMkAGI2=")).unwrap();
    let bob = Impersonation::PrimarySmtpAddress("bob@contoso.test".into());
    let mut docs = Vec::new();
    let mut headers = Vec::new();
    for version in ExchangeVersion::ALL {
        for (ids, full) in [(&[][..], false), (&zones[..1], true), (&zones[..], false)] {
            let request = GetServerTimeZones::new(ids, full).unwrap();
            docs.push((
                format!("{version}/GetServerTimeZones {} ids", ids.len()),
                request.to_envelope(version),
            ));
        }
        for (z, zone) in zones.iter().enumerate() {
            let context = TimeZoneContext::new(WindowsZoneId::new(zone).unwrap());
            for (name, envelope) in [
                ("FindItem", find.to_envelope(version)),
                ("GetItem", get.to_envelope(version)),
            ] {
                let with_zone = context.add_to_envelope(&envelope, version).unwrap();
                // Added before or after the impersonation header, it lands in the same place.
                let impersonated = bob.add_to_envelope(&with_zone).unwrap();
                let other_order = context
                    .add_to_envelope(&bob.add_to_envelope(&envelope).unwrap(), version)
                    .unwrap();
                assert_eq!(impersonated, other_order);
                if version == ExchangeVersion::Exchange2007Sp1 {
                    assert_eq!(with_zone, envelope);
                    assert!(!impersonated.contains("TimeZoneContext"), "{impersonated}");
                } else {
                    headers.push((
                        format!("{version}/{name} zone#{z}/header"),
                        time_zone_document(&impersonated),
                    ));
                }
                docs.push((format!("{version}/{name} zone#{z}"), with_zone));
                docs.push((
                    format!("{version}/{name} zone#{z} impersonated"),
                    impersonated,
                ));
            }
        }
    }
    (docs, headers)
}

/// The `TimeZoneContext` element of an envelope's header as a document of its own, once it
/// is checked to follow `RequestServerVersion` directly.
fn time_zone_document(envelope: &str) -> String {
    const END: &str = "</t:TimeZoneContext>";
    let start = envelope
        .find("<t:TimeZoneContext>")
        .expect("a time zone header");
    let version = envelope
        .find("<t:RequestServerVersion")
        .expect("a version header");
    assert!(
        envelope[version..start].ends_with("/>") && !envelope[version..start].contains("><"),
        "{envelope}"
    );
    let end = start + envelope[start..].find(END).expect("a closed element") + END.len();
    envelope[start..end].replacen(
        "<t:TimeZoneContext>",
        r#"<t:TimeZoneContext xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">"#,
        1,
    )
}

#[test]
fn time_zone_requests_and_headers_validate() {
    let Some(validator) = SchemaValidator::find() else {
        return;
    };
    let (docs, headers) = time_zone_envelopes();
    assert_eq!(headers.len(), 6 * 3 * 2);
    let broken = headers[0]
        .1
        .replace("t:TimeZoneDefinition", "t:TimeZoneDefinitions");
    let broken_request = docs[0].1.replace(
        "ReturnFullTimeZoneData=\"false\"",
        "ReturnFullTimeZoneData=\"maybe\"",
    );
    let all = docs
        .iter()
        .chain(&headers)
        .map(|(n, x)| (n.as_str(), x.as_str()))
        .chain([
            ("broken request", broken_request.as_str()),
            ("broken header", broken.as_str()),
        ]);
    let mut verdicts = validator.validate_envelopes(all);
    assert_eq!(verdicts.len(), docs.len() + headers.len() + 2);
    for what in ["header", "request"] {
        let broken = verdicts.pop().unwrap();
        assert!(!broken.is_valid(), "the validator accepted a broken {what}");
    }
    let failures: Vec<_> = verdicts.iter().filter(|v| !v.is_valid()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// `GetFolder`, `FindFolder` and paged `FindItem` requests of one version (validated with the
/// others in the one run of `every_request_envelope_validates`).
fn folder_envelopes(version: ExchangeVersion) -> Vec<(String, String)> {
    let mut targets = folders();
    targets.extend([
        FolderTarget::Distinguished(DistinguishedFolder::MsgFolderRoot),
        FolderTarget::Distinguished(DistinguishedFolder::Root),
        FolderTarget::Distinguished(DistinguishedFolder::DeletedItems),
        FolderTarget::DistinguishedOf(DistinguishedFolder::Inbox, "bob+<&>@contoso.test".into()),
    ]);
    let pages = [
        None,
        Some(IndexedPage::new(1, 0).unwrap()),
        Some(IndexedPage::new(i32::MAX as u32, i32::MAX as u32).unwrap()),
    ];
    let mut docs = vec![(
        "GetFolder all".to_owned(),
        GetFolder::new(targets.clone())
            .unwrap()
            .to_envelope(version),
    )];
    for (t, target) in targets.iter().enumerate() {
        docs.push((
            format!("GetFolder folder#{t}"),
            GetFolder::new(vec![target.clone()])
                .unwrap()
                .to_envelope(version),
        ));
        for traversal in [Traversal::Shallow, Traversal::Deep] {
            for page in pages {
                let request = FindFolder::new(target.clone(), traversal, page).unwrap();
                docs.push((
                    format!("FindFolder folder#{t} {traversal:?} {page:?}"),
                    request.to_envelope(version),
                ));
            }
        }
        for class in [None, Some("IPF.Contact".to_owned())] {
            let request = CreateFolder::new(target.clone(), "Clients & <Partners>", class).unwrap();
            docs.push((
                format!("CreateFolder folder#{t}"),
                request.to_envelope(version),
            ));
        }
        let moved = MoveFolder::new(FolderId::new("F<&>1"), target.clone()).unwrap();
        docs.push((format!("MoveFolder folder#{t}"), moved.to_envelope(version)));
        for page in pages.into_iter().flatten() {
            let request = FindItems::new(target.clone(), page).unwrap();
            docs.push((
                format!("FindItem paged folder#{t} {page:?}"),
                request.to_envelope(version),
            ));
        }
    }
    for id in [
        FolderId::new("F1"),
        FolderId::new("F1").with_change_key("K&1"),
    ] {
        docs.push((
            "UpdateFolder".to_owned(),
            RenameFolder::new(id.clone(), "Renamed")
                .unwrap()
                .to_envelope(version),
        ));
        for delete_type in [
            DeleteType::HardDelete,
            DeleteType::SoftDelete,
            DeleteType::MoveToDeletedItems,
        ] {
            docs.push((
                format!("DeleteFolder {delete_type:?}"),
                DeleteFolder::new(id.clone(), delete_type)
                    .unwrap()
                    .to_envelope(version),
            ));
        }
    }
    docs
}

/// `ResolveNames`, `GetUserAvailability`, `SyncFolderItems`, `SyncFolderHierarchy` and
/// `ConvertId` requests of one version (validated in the one run of
/// `every_request_envelope_validates`).
fn directory_envelopes(version: ExchangeVersion) -> Vec<(String, String)> {
    use exchange_ews::directory::{
        AlternateId, AttendeeType, AvailabilityMailbox, ContactDataShape, ConvertId,
        FreeBusyOptions, FreeBusyViewKind, GetUserAvailability, IdFormat, ResolveNames,
        SearchScope, SerializableTimeZone, TimeZoneTransition,
    };
    use exchange_ews::sync::{SyncFolderHierarchy, SyncFolderItems, SyncItemShape};

    let mut docs = Vec::new();
    let scopes = [
        None,
        Some(SearchScope::ActiveDirectory),
        Some(SearchScope::ActiveDirectoryContacts),
        Some(SearchScope::Contacts),
        Some(SearchScope::ContactsActiveDirectory),
    ];
    let shapes = [
        None,
        Some(ContactDataShape::IdOnly),
        Some(ContactDataShape::Default),
        Some(ContactDataShape::AllProperties),
    ];
    for (i, (scope, shape)) in scopes.iter().zip(shapes.iter().cycle()).enumerate() {
        let mut request = ResolveNames::new(HOSTILE, i % 2 == 0).unwrap();
        if let Some(scope) = scope {
            request = request.with_search_scope(*scope);
        }
        if let Some(shape) = shape {
            request = request.with_contact_data_shape(*shape);
        }
        docs.push((format!("ResolveNames #{i}"), request.to_envelope(version)));
    }

    let start = Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap();
    let berlin = SerializableTimeZone {
        bias_minutes: -60,
        standard: TimeZoneTransition {
            bias_minutes: 0,
            time: chrono::NaiveTime::from_hms_opt(3, 0, 0).unwrap(),
            day_order: 5,
            month: 10,
            day_of_week: chrono::Weekday::Sun,
            year: None,
        },
        daylight: TimeZoneTransition {
            bias_minutes: -60,
            time: chrono::NaiveTime::from_hms_opt(2, 0, 0).unwrap(),
            day_order: 5,
            month: 3,
            day_of_week: chrono::Weekday::Sun,
            year: Some("2024".into()),
        },
    };
    let attendees = [
        AttendeeType::Organizer,
        AttendeeType::Required,
        AttendeeType::Optional,
        AttendeeType::Room,
        AttendeeType::Resource,
    ];
    let mailboxes: Vec<_> = attendees
        .iter()
        .enumerate()
        .map(|(i, kind)| AvailabilityMailbox {
            address: format!("user{i}+<&>@contoso.test"),
            attendee_type: *kind,
            exclude_conflicts: i % 2 == 1,
        })
        .collect();
    let views = [
        FreeBusyViewKind::None,
        FreeBusyViewKind::MergedOnly,
        FreeBusyViewKind::FreeBusy,
        FreeBusyViewKind::FreeBusyMerged,
        FreeBusyViewKind::Detailed,
        FreeBusyViewKind::DetailedMerged,
    ];
    for (v, view) in views.into_iter().enumerate() {
        let zone = if v % 2 == 0 {
            SerializableTimeZone::utc()
        } else {
            berlin.clone()
        };
        let options = FreeBusyOptions {
            merged_interval_minutes: [None, Some(5), Some(1440)][v % 3],
            requested_view: view,
        };
        let request = GetUserAvailability::new(
            mailboxes.clone(),
            zone,
            start,
            start + Duration::days(7),
            options,
        )
        .unwrap();
        docs.push((
            format!("GetUserAvailability {view:?}"),
            request.to_envelope(version),
        ));
    }

    for (f, folder) in folders().into_iter().enumerate() {
        for shape in [SyncItemShape::IdOnly, SyncItemShape::Default] {
            for (state, max) in [(None, 1), (Some(HOSTILE.to_owned()), 512)] {
                let mut request = SyncFolderItems::new(folder.clone(), shape, state, max).unwrap();
                if max > 1 {
                    request = request
                        .ignoring(vec![
                            ItemId::new("AAMk=").with_change_key("CQAA"),
                            ItemId::new("AAMl<&>"),
                        ])
                        .unwrap();
                }
                docs.push((
                    format!("SyncFolderItems folder#{f} {shape:?} max {max}"),
                    request.to_envelope(version),
                ));
            }
        }
    }
    for state in [
        None,
        Some("H4sIAAAAA=".to_owned()),
        Some(HOSTILE.to_owned()),
    ] {
        docs.push((
            format!("SyncFolderHierarchy {state:?}"),
            SyncFolderHierarchy::new(state).to_envelope(version),
        ));
    }

    let ids: Vec<_> = IdFormat::ALL
        .iter()
        .enumerate()
        .map(|(i, format)| AlternateId {
            is_archive: [None, Some(true), Some(false)][i % 3],
            ..AlternateId::new(*format, format!("id{i}<&>"), "alice@contoso.test")
        })
        .collect();
    for destination in IdFormat::ALL {
        let request = ConvertId::new(ids.clone(), destination).unwrap();
        docs.push((
            format!("ConvertId to {destination:?}"),
            request.to_envelope(version),
        ));
    }
    docs
}
