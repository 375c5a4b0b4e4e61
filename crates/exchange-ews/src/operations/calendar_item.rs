//! Reading calendar items (`t:CalendarItem`) and the values inside them.

use chrono::{DateTime, Utc};

use crate::soap::cut;
use crate::xml::{parse_bool, parse_date_time, Element, Pruning};
use crate::{Body, BodyType, CalendarItem, Envelope, EwsError, ItemId, Mailbox};

/// The children of a `t:CalendarItem` that [`calendar_item`] reads: the tree of an answer
/// read only by it needs no other (a full item holds some sixty). A name read
/// there must be listed here.
const READ_CHILDREN: &[&str] = &[
    "ItemId",
    "Subject",
    "Start",
    "End",
    "IsAllDayEvent",
    "Location",
    "Body",
    "Organizer",
    "UID",
    "ItemClass",
    "CalendarItemType",
    "IsMeeting",
    "IsCancelled",
    "IsRecurring",
    "LegacyFreeBusyStatus",
    "MyResponseType",
    "LastModifiedTime",
];

/// Parses an answer whose items are read by [`calendar_item`] alone, building of each
/// calendar item only the children it reads.
pub(crate) fn envelope_for_calendar_items(bytes: &[u8]) -> Result<Envelope, EwsError> {
    let pruning = Pruning {
        parent: "CalendarItem",
        keep: READ_CHILDREN,
    };
    // The pruned parse fails exactly when the full one does; the full one then runs to
    // report its error in every detail.
    Envelope::parse_pruned(bytes, pruning).or_else(|_| Envelope::parse(bytes))
}

/// Reads a `t:CalendarItem`. The id, start and end are required; every other field is
/// optional because Exchange leaves out empty properties (even an empty subject).
pub(crate) fn calendar_item(e: &Element) -> Result<CalendarItem, EwsError> {
    Ok(CalendarItem {
        id: item_id(e.required_child("ItemId")?)?,
        subject: e.child_text("Subject").unwrap_or_default().to_owned(),
        start: date_time(e.required_child("Start")?)?,
        end: date_time(e.required_child("End")?)?,
        is_all_day: optional_bool(e, "IsAllDayEvent")?.unwrap_or(false),
        location: optional_text(e, "Location"),
        body: e.child("Body").map(body).transpose()?,
        organizer: e
            .child("Organizer")
            .and_then(|o| o.child("Mailbox"))
            .map(mailbox),
        uid: optional_text(e, "UID"),
        item_class: optional_text(e, "ItemClass"),
        calendar_item_type: optional_text(e, "CalendarItemType"),
        is_meeting: optional_bool(e, "IsMeeting")?.unwrap_or(false),
        is_cancelled: optional_bool(e, "IsCancelled")?.unwrap_or(false),
        is_recurring: optional_bool(e, "IsRecurring")?.unwrap_or(false),
        free_busy_status: optional_text(e, "LegacyFreeBusyStatus"),
        my_response_type: optional_text(e, "MyResponseType"),
        last_modified: e.child("LastModifiedTime").map(date_time).transpose()?,
    })
}

/// Reads a `t:ItemId` (its `Id` attribute is required, the `ChangeKey` optional).
pub(crate) fn item_id(e: &Element) -> Result<ItemId, EwsError> {
    let id = e
        .attribute("Id")
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| EwsError::MissingElement {
            element: "@Id".into(),
            parent: e.name().to_owned(),
        })?;
    Ok(ItemId {
        id: id.to_owned(),
        change_key: e
            .attribute("ChangeKey")
            .filter(|k| !k.is_empty())
            .map(str::to_owned),
    })
}

fn date_time(e: &Element) -> Result<DateTime<Utc>, EwsError> {
    parse_date_time(e.text()).ok_or_else(|| EwsError::InvalidValue {
        element: e.name().to_owned(),
        value: cut(e.text()),
        expected: "an xs:dateTime",
    })
}

fn optional_bool(parent: &Element, name: &str) -> Result<Option<bool>, EwsError> {
    parent
        .child(name)
        .map(|e| {
            parse_bool(e.text()).ok_or_else(|| EwsError::InvalidValue {
                element: name.to_owned(),
                value: cut(e.text()),
                expected: "an xs:boolean",
            })
        })
        .transpose()
}

/// The text of a child, `None` when the child is absent or empty.
fn optional_text(parent: &Element, name: &str) -> Option<String> {
    parent
        .child_text(name)
        .filter(|t| !t.trim().is_empty())
        .map(str::to_owned)
}

fn body(e: &Element) -> Result<Body, EwsError> {
    let kind = match e.attribute("BodyType").map(str::trim) {
        None | Some("Text") => BodyType::Text,
        Some("HTML") => BodyType::Html,
        Some(other) => {
            return Err(EwsError::InvalidValue {
                element: "Body@BodyType".into(),
                value: cut(other),
                expected: "Text or HTML",
            })
        }
    };
    Ok(Body {
        kind,
        content: e.text().to_owned(),
    })
}

fn mailbox(e: &Element) -> Mailbox {
    Mailbox {
        name: optional_text(e, "Name"),
        email: optional_text(e, "EmailAddress"),
        routing_type: optional_text(e, "RoutingType"),
        mailbox_type: optional_text(e, "MailboxType"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;
    use chrono::TimeZone;

    fn item(inner: &str) -> Result<CalendarItem, EwsError> {
        let xml = format!(r#"<t:CalendarItem xmlns:t="urn:t">{inner}</t:CalendarItem>"#);
        calendar_item(&parse(xml.as_bytes()).unwrap())
    }

    const MINIMAL: &str = r#"<t:ItemId Id="AAMk" ChangeKey="DwAA"/><t:Start>2024-05-01T08:00:00Z</t:Start><t:End>2024-05-01T09:00:00Z</t:End>"#;

    #[test]
    fn reads_a_minimal_item() {
        let item = item(MINIMAL).unwrap();
        assert_eq!(item.id, ItemId::new("AAMk").with_change_key("DwAA"));
        assert_eq!(item.subject, "");
        assert_eq!(
            item.start,
            Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap()
        );
        assert!(!item.is_all_day);
        assert_eq!(item.body, None);
        assert_eq!(item.location, None);
    }

    #[test]
    fn reads_every_field() {
        let item = item(&format!(
            r#"{MINIMAL}<t:ItemClass>IPM.Appointment</t:ItemClass><t:Subject> Plan &amp; act </t:Subject>
            <t:Body BodyType="HTML">&lt;p&gt;Hi&lt;/p&gt;</t:Body><t:UID>040000</t:UID>
            <t:IsAllDayEvent>true</t:IsAllDayEvent><t:LegacyFreeBusyStatus>Busy</t:LegacyFreeBusyStatus>
            <t:Location>Room 1</t:Location><t:IsMeeting>1</t:IsMeeting><t:IsCancelled>false</t:IsCancelled>
            <t:IsRecurring>true</t:IsRecurring><t:CalendarItemType>Occurrence</t:CalendarItemType>
            <t:MyResponseType>Accept</t:MyResponseType><t:Organizer><t:Mailbox><t:Name>Bob</t:Name>
            <t:EmailAddress>bob@contoso.test</t:EmailAddress></t:Mailbox></t:Organizer>
            <t:LastModifiedTime>2024-04-01T10:00:00Z</t:LastModifiedTime>"#
        ))
        .unwrap();
        assert_eq!(item.subject, " Plan & act ");
        assert_eq!(item.body, Some(Body::html("<p>Hi</p>")));
        assert!(item.is_all_day && item.is_meeting && item.is_recurring && !item.is_cancelled);
        assert_eq!(item.location.as_deref(), Some("Room 1"));
        assert_eq!(item.uid.as_deref(), Some("040000"));
        assert_eq!(item.item_class.as_deref(), Some("IPM.Appointment"));
        assert_eq!(item.calendar_item_type.as_deref(), Some("Occurrence"));
        assert_eq!(item.free_busy_status.as_deref(), Some("Busy"));
        assert_eq!(item.my_response_type.as_deref(), Some("Accept"));
        let organizer = item.organizer.unwrap();
        assert_eq!(organizer.name.as_deref(), Some("Bob"));
        assert_eq!(organizer.email.as_deref(), Some("bob@contoso.test"));
        assert!(item.last_modified.is_some());
    }

    #[test]
    fn refuses_items_without_id_or_times() {
        let missing = |inner: &str| match item(inner) {
            Err(EwsError::MissingElement { element, .. }) => element,
            other => panic!("{other:?}"),
        };
        assert_eq!(missing("<t:Start>2024-05-01T08:00:00Z</t:Start>"), "ItemId");
        assert_eq!(missing(r#"<t:ItemId Id=""/>"#), "@Id");
        assert_eq!(
            missing(r#"<t:ItemId Id="A"/><t:End>2024-05-01T08:00:00Z</t:End>"#),
            "Start"
        );
        assert_eq!(
            missing(r#"<t:ItemId Id="A"/><t:Start>2024-05-01T08:00:00Z</t:Start>"#),
            "End"
        );
    }

    #[test]
    fn refuses_values_of_the_wrong_kind() {
        let invalid = |inner: &str| match item(inner) {
            Err(EwsError::InvalidValue { element, .. }) => element,
            other => panic!("{other:?}"),
        };
        let bad_start = MINIMAL.replace("2024-05-01T08:00:00Z", "tomorrow");
        assert_eq!(invalid(&bad_start), "Start");
        assert_eq!(
            invalid(&format!("{MINIMAL}<t:IsAllDayEvent>yes</t:IsAllDayEvent>")),
            "IsAllDayEvent"
        );
        assert_eq!(
            invalid(&format!(r#"{MINIMAL}<t:Body BodyType="RTF">x</t:Body>"#)),
            "Body@BodyType"
        );
        let long = "x".repeat(10_000);
        match item(&MINIMAL.replace("2024-05-01T09:00:00Z", &long)) {
            Err(EwsError::InvalidValue { value, .. }) => assert_eq!(value.len(), 100),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn treats_empty_elements_as_absent() {
        let item = item(&format!(
            r#"{MINIMAL}<t:Location/><t:UID></t:UID><t:Body BodyType="Text"/><t:Organizer><t:Mailbox/></t:Organizer>"#
        ))
        .unwrap();
        assert_eq!(item.location, None);
        assert_eq!(item.uid, None);
        assert_eq!(item.body, Some(Body::text("")));
        assert_eq!(item.organizer, Some(Mailbox::default()));
    }

    /// What the full tree and the pruned one yield for a calendar answer, errors included.
    fn both_ways<T: std::fmt::Debug>(
        bytes: &[u8],
        output: fn(&Envelope) -> Result<T, EwsError>,
    ) -> (String, String) {
        let full = Envelope::parse(bytes).and_then(|e| output(&e));
        let pruned = envelope_for_calendar_items(bytes).and_then(|e| output(&e));
        (format!("{full:?}"), format!("{pruned:?}"))
    }

    #[test]
    fn pruned_and_full_trees_read_the_same_from_every_sample() {
        use crate::operations::{FindCalendarItems, GetCalendarItem, Operation};
        let Some(dir) = exchange_testkit::schema::ews_dir() else {
            exchange_testkit::schema::skip_or_fail::<()>("the EWS samples");
            return;
        };
        let mut compared = 0;
        for entry in std::fs::read_dir(dir.join("samples")).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let (full, pruned) = both_ways(&bytes, FindCalendarItems::output);
            assert_eq!(full, pruned);
            let (full, pruned) = both_ways(&bytes, GetCalendarItem::output);
            assert_eq!(full, pruned);
            compared += 1;
        }
        assert!(compared > 10, "only {compared} samples");
    }

    #[test]
    fn reads_no_child_outside_its_list() {
        // Properties an item carries that `calendar_item` must not read: a value it read
        // from one of them would be lost in a pruned tree.
        let others = [
            "ParentFolderId",
            "Sensitivity",
            "DateTimeReceived",
            "Size",
            "Importance",
            "IsDraft",
            "DateTimeSent",
            "DateTimeCreated",
            "ResponseObjects",
            "ReminderDueBy",
            "ReminderIsSet",
            "DisplayTo",
            "HasAttachments",
            "Culture",
            "MeetingRequestWasSent",
            "IsResponseRequested",
            "RequiredAttendees",
            "ConflictingMeetings",
            "Duration",
            "TimeZone",
            "AppointmentState",
            "IsOnlineMeeting",
            "Recurrence",
            "Mailbox",
            "Name",
            "EmailAddress",
            "Id",
            "Value",
            "Unknown",
        ];
        let full = format!(
            r#"{MINIMAL}<t:Subject>S</t:Subject><t:Location>L</t:Location><t:UID>U</t:UID>
            <t:Organizer><t:Mailbox><t:Name>N</t:Name></t:Mailbox></t:Organizer>"#
        );
        let expected = item(&full).unwrap();
        for name in others {
            assert!(!READ_CHILDREN.contains(&name));
            let decoy = format!(
                r#"<t:{name} Id="X" ChangeKey="Y">2020-01-01T00:00:00Z<t:Mailbox><t:Name>D</t:Name></t:Mailbox></t:{name}>"#
            );
            assert_eq!(item(&format!("{decoy}{full}")).unwrap(), expected, "{name}");
        }
    }

    #[test]
    fn the_fast_path_reports_the_full_error() {
        use crate::operations::{FindCalendarItems, Operation};
        for doc in [
            &b"<s:Envelope xmlns:s=\"urn:s\"><s:Body><CalendarItem><x>&nbsp;</x>"[..],
            b"<a/>",
            b"",
            b"<Envelope><Body><Fault><faultstring>busy</faultstring></Fault></Body></Envelope>",
            b"<Envelope><Body><FindItemResponse><ResponseMessages><M ResponseClass=\"Success\"><RootFolder><Items><CalendarItem><Size>1</Size></CalendarItem></Items></RootFolder></M></ResponseMessages></FindItemResponse></Body></Envelope>",
        ] {
            let (full, pruned) = both_ways(doc, FindCalendarItems::output);
            assert!(full.starts_with("Err("), "{full}");
            assert_eq!(full, pruned);
        }
    }
}
