//! Decoding of hand-written requests, valid and broken.

use super::*;
use crate::dom;

fn wrap(header: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="{SOAP}" xmlns:t="{TYPES}" xmlns:m="{MESSAGES}">
<soap:Header>{header}</soap:Header>
<soap:Body>{body}</soap:Body>
</soap:Envelope>"#
    )
}

fn decode_str(xml: &str) -> Result<Request, Error> {
    let root = dom::parse(xml.as_bytes())?;
    let envelope = envelope(&root)?;
    decode(&envelope)
}

fn schema_violation(xml: &str) -> String {
    match decode_str(xml) {
        Err(e @ Error::SchemaViolation { .. }) => e.to_string(),
        other => panic!("expected a schema violation, got {other:?}"),
    }
}

const FIND: &str = r#"<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>
<t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:ItemShape>
<m:CalendarView MaxEntriesReturned="5" StartDate="2013-08-21T17:30:24.127Z" EndDate="2013-09-20T17:30:24+02:00"/>
<m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress> boss@contoso.test </t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>
<t:FolderId Id="AAMk"/></m:ParentFolderIds></m:FindItem>"#;

#[test]
fn decodes_find_item_with_calendar_view() {
    let request = decode_str(&wrap(
        r#"<t:RequestServerVersion Version="Exchange2013_SP1"/>"#,
        FIND,
    ))
    .unwrap();
    assert_eq!(request.server_version.as_deref(), Some("Exchange2013_SP1"));
    let Operation::FindItem(find) = request.operation else {
        panic!("not FindItem");
    };
    assert!(find.shallow && !find.grouped && find.restriction.is_none() && find.sort.is_empty());
    assert_eq!(find.shape.base, BaseShape::IdOnly);
    assert_eq!(find.shape.additional, vec!["item:Subject".to_owned()]);
    let View::Calendar { start, end, max } = find.view else {
        panic!("not a calendar view")
    };
    assert_eq!(crate::datetime::format(start), "2013-08-21T17:30:24Z");
    assert_eq!(crate::datetime::format(end), "2013-09-20T15:30:24Z");
    assert_eq!(max, Some(5));
    assert_eq!(
        find.folders,
        vec![
            FolderRef::Distinguished {
                name: "calendar".into(),
                mailbox: Some("boss@contoso.test".into())
            },
            FolderRef::Id("AAMk".into()),
        ]
    );
}

#[test]
fn matches_namespaces_not_prefixes() {
    let xml = format!(
        r#"<e:Envelope xmlns:e="{SOAP}"><e:Body><GetItem xmlns="{MESSAGES}"><ItemShape><BaseShape xmlns="{TYPES}">AllProperties</BaseShape></ItemShape>
<ItemIds><x:ItemId xmlns:x="{TYPES}" Id="A" ChangeKey="B"/><x:OccurrenceItemId xmlns:x="{TYPES}" RecurringMasterId="M" InstanceIndex="1"/></ItemIds></GetItem></e:Body></e:Envelope>"#
    );
    let request = decode_str(&xml).unwrap();
    assert_eq!(request.server_version, None);
    let Operation::GetItem { shape, ids } = request.operation else {
        panic!("not GetItem")
    };
    assert_eq!(shape.base, BaseShape::AllProperties);
    assert_eq!(
        ids,
        vec![
            ItemRef::Item {
                id: "A".into(),
                change_key: Some("B".into())
            },
            ItemRef::Occurrence {
                master: "M".into(),
                index: 1
            },
        ]
    );
    // The right local names in the wrong namespace are not EWS.
    let wrong = xml.replace(MESSAGES, "urn:not-ews");
    assert!(schema_violation(&wrong).contains("not an EWS operation"));
}

#[test]
fn decodes_create_item_with_calendar_fields() {
    let body = r#"<m:CreateItem SendMeetingInvitations="SendToNone" MessageDisposition="SaveOnly">
<m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId>
<m:Items><t:CalendarItem><t:Subject>Tea &amp; &lt;cake&gt; ☕</t:Subject><t:Body BodyType="HTML">&lt;b&gt;hi&lt;/b&gt;</t:Body>
<t:ReminderIsSet>true</t:ReminderIsSet><t:UID>uid-1</t:UID><t:Start>2024-05-01T10:00:00+02:00</t:Start><t:End>2024-05-01T08:00:00Z</t:End>
<t:IsAllDayEvent>1</t:IsAllDayEvent><t:LegacyFreeBusyStatus>OOF</t:LegacyFreeBusyStatus><t:Location>Room 1</t:Location>
<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>x@y.z</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees>
</t:CalendarItem><t:Message><t:Subject>not a calendar item</t:Subject></t:Message></m:Items></m:CreateItem>"#;
    let Operation::CreateItem {
        disposition,
        send_invitations,
        folder,
        items,
    } = decode_str(&wrap("", body)).unwrap().operation
    else {
        panic!("not CreateItem");
    };
    assert_eq!(send_invitations.as_deref(), Some("SendToNone"));
    assert_eq!(
        folder,
        Some(FolderRef::Distinguished {
            name: "calendar".into(),
            mailbox: None
        })
    );
    assert_eq!(disposition.as_deref(), Some("SaveOnly"));
    assert_eq!(items[0].kind, crate::kind::ItemKind::Calendar);
    let fields = &items[0].fields;
    assert_eq!(fields.subject.as_deref(), Some("Tea & <cake> ☕"));
    assert_eq!(
        fields.body,
        Some(Body {
            kind: BodyKind::Html,
            content: "<b>hi</b>".into()
        })
    );
    assert_eq!(fields.start, fields.end);
    assert_eq!(fields.is_all_day, Some(true));
    assert_eq!(fields.free_busy.as_deref(), Some("OOF"));
    assert_eq!(items[0].element.children.len(), 10);
    assert_eq!(items[1].kind, crate::kind::ItemKind::Message);
    assert_eq!(
        items[1].fields.subject.as_deref(),
        Some("not a calendar item")
    );
}

#[test]
fn decodes_delete_and_update_item() {
    let delete = r#"<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="A"/></m:ItemIds></m:DeleteItem>"#;
    let Operation::DeleteItem {
        delete_type,
        send_cancellations,
        task_occurrences,
        ids,
    } = decode_str(&wrap("", delete)).unwrap().operation
    else {
        panic!("not DeleteItem");
    };
    assert_eq!(send_cancellations, None);
    assert_eq!(task_occurrences, None);
    assert_eq!(delete_type, "HardDelete");
    assert_eq!(ids.len(), 1);
    let update = r#"<m:UpdateItem ConflictResolution="AutoResolve" SendMeetingInvitationsOrCancellations="SendToNone">
<m:ItemChanges><t:ItemChange><t:ItemId Id="A" ChangeKey="B"/><t:Updates>
<t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>New</t:Subject></t:CalendarItem></t:SetItemField>
<t:AppendToItemField><t:FieldURI FieldURI="item:Body"/><t:CalendarItem><t:Body BodyType="Text">more</t:Body></t:CalendarItem></t:AppendToItemField>
<t:DeleteItemField><t:FieldURI FieldURI="calendar:Location"/></t:DeleteItemField>
<t:SetItemField><t:ExtendedFieldURI PropertyTag="0x1234" PropertyType="Integer"/><t:CalendarItem><t:ExtendedProperty/></t:CalendarItem></t:SetItemField>
</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>"#;
    let Operation::UpdateItem { options, changes } =
        decode_str(&wrap("", update)).unwrap().operation
    else {
        panic!("not UpdateItem");
    };
    assert_eq!(options.conflict_resolution, "AutoResolve");
    assert_eq!(options.send_updates.as_deref(), Some("SendToNone"));
    assert_eq!(options.disposition, None);
    let (id, descriptions) = &changes[0];
    assert_eq!(
        id,
        &ItemRef::Item {
            id: "A".into(),
            change_key: Some("B".into())
        }
    );
    let field = |uri: &str| PropertyPath::Field(uri.to_owned());
    assert!(
        matches!(&descriptions[0], FieldChange::Set { path, item, .. } if *path == field("item:Subject") && item.children.len() == 1)
    );
    assert!(
        matches!(&descriptions[1], FieldChange::Append { path, .. } if *path == field("item:Body"))
    );
    assert_eq!(
        descriptions[2],
        FieldChange::Delete {
            path: field("calendar:Location")
        }
    );
    assert!(matches!(
        &descriptions[3],
        FieldChange::Set {
            path: PropertyPath::Extended(_),
            ..
        }
    ));
}

#[test]
fn reports_schema_violations_with_their_place() {
    let cases = [
        (FIND.replace("IdOnly", "Everything"), "BaseShape"),
        (FIND.replace(r#" Traversal="Shallow""#, ""), "Traversal"),
        (FIND.replace("2013-08-21T17:30:24.127Z", "yesterday"), "StartDate"),
        (FIND.replace(r#"MaxEntriesReturned="5""#, r#"MaxEntriesReturned="five""#), "MaxEntriesReturned"),
        (FIND.replace(r#"Id="calendar""#, r#"Id="invalidparentid""#), "Id"),
        (FIND.replace(r#"<t:FolderId Id="AAMk"/>"#, "<t:FolderId/>"), "Id"),
        (r#"<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape></m:GetItem>"#.to_owned(), "ItemIds"),
        (r#"<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds/></m:GetItem>"#.to_owned(), "incomplete"),
        (r#"<m:DeleteItem DeleteType="Shred"><m:ItemIds><t:ItemId Id="A"/></m:ItemIds></m:DeleteItem>"#.to_owned(), "DeleteType"),
        (r#"<m:CreateItem><m:Items><t:CalendarItem><t:Start>soon</t:Start></t:CalendarItem></m:Items></m:CreateItem>"#.to_owned(), "Start"),
        (r#"<m:CreateItem><m:Items><t:CalendarItem><t:Body>x</t:Body></t:CalendarItem></m:Items></m:CreateItem>"#.to_owned(), "BodyType"),
        (r#"<m:CreateItem><m:Items><t:CalendarItem><t:IsAllDayEvent>yes</t:IsAllDayEvent></t:CalendarItem></m:Items></m:CreateItem>"#.to_owned(), "xs:boolean"),
        (r#"<m:CreateItem SendMeetingInvitations="Always"><m:Items><t:CalendarItem/></m:Items></m:CreateItem>"#.to_owned(), "SendMeetingInvitations"),
        (r#"<m:UpdateItem><m:ItemChanges/></m:UpdateItem>"#.to_owned(), "ConflictResolution"),
    ];
    for (body, needle) in cases {
        let message = schema_violation(&wrap("", &body));
        assert!(message.contains(needle), "{needle}: {message}");
        assert!(message.contains("(line "), "{message}");
    }
}

#[test]
fn refuses_bad_envelopes_and_headers() {
    let not_soap = decode_str(&format!(r#"<m:FindItem xmlns:m="{MESSAGES}"/>"#));
    assert!(matches!(not_soap, Err(Error::NotSoapEnvelope(_))));
    let typo = wrap("", FIND).replace(SOAP, "https://schemas.xmlsoap.org/soap/envelope/");
    assert!(matches!(decode_str(&typo), Err(Error::NotSoapEnvelope(_))));
    let no_body = format!(r#"<soap:Envelope xmlns:soap="{SOAP}"><soap:Header/></soap:Envelope>"#);
    assert!(matches!(
        decode_str(&no_body),
        Err(Error::NotSoapEnvelope(_))
    ));
    assert!(schema_violation(&wrap("", "")).contains("no operation"));
    assert!(schema_violation(&wrap("", &format!("{FIND}{FIND}"))).contains("more than one"));
    let version = wrap(r#"<t:RequestServerVersion Version="Exchange1999"/>"#, FIND);
    assert_eq!(
        decode_str(&version),
        Err(Error::InvalidServerVersion("Exchange1999".into()))
    );
    let dated = wrap(r#"<t:RequestServerVersion Version="V2018_01_08"/>"#, FIND);
    assert!(decode_str(&dated).is_ok());
    let unknown = wrap(
        "",
        r#"<m:GetServerTimeZones ReturnFullTimeZoneData="false"/>"#,
    );
    assert_eq!(
        decode_str(&unknown),
        Err(Error::UnknownOperation("GetServerTimeZones".into()))
    );
}

#[test]
fn reads_the_impersonated_mailbox_and_refuses_malformed_headers() {
    let impersonating = |sid: &str| {
        wrap(
            &format!("<t:ExchangeImpersonation>{sid}</t:ExchangeImpersonation>"),
            FIND,
        )
    };
    let named = |inner: &str| {
        decode_str(&impersonating(&format!(
            "<t:ConnectingSID>{inner}</t:ConnectingSID>"
        )))
        .map(|r| r.impersonation)
    };
    assert_eq!(
        named("<t:SmtpAddress> a@b.c </t:SmtpAddress>"),
        Ok(Some(Impersonation::Smtp("a@b.c".into())))
    );
    assert_eq!(
        named("<t:PrimarySmtpAddress>a@b.c</t:PrimarySmtpAddress>"),
        Ok(Some(Impersonation::Smtp("a@b.c".into())))
    );
    assert_eq!(
        named("<t:PrincipalName>a@corp.b.c</t:PrincipalName>"),
        Ok(Some(Impersonation::PrincipalName("a@corp.b.c".into())))
    );
    assert_eq!(
        named("<t:SID>S-1-5-21-1</t:SID>"),
        Ok(Some(Impersonation::Sid("S-1-5-21-1".into())))
    );
    assert_eq!(
        decode_str(&wrap("", FIND)).map(|r| r.impersonation),
        Ok(None)
    );
    for bad in [
        "",
        "<t:SmtpAddress>  </t:SmtpAddress>",
        "<t:EmailAddress>a@b.c</t:EmailAddress>",
        "<t:SmtpAddress>a@b.c</t:SmtpAddress><t:SID>S-1</t:SID>",
    ] {
        assert!(
            matches!(named(bad), Err(Error::SchemaViolation { .. })),
            "{bad}"
        );
    }
    assert!(schema_violation(&impersonating("")).contains("ConnectingSID"));
}

const SHAPE: &str = "<m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>";

#[test]
fn decodes_get_folder_and_find_folder() {
    let get = wrap(
        "",
        &format!(
            r#"<m:GetFolder>{SHAPE}<m:FolderIds><t:DistinguishedFolderId Id="inbox"/><t:FolderId Id="AQMk"/></m:FolderIds></m:GetFolder>"#
        ),
    );
    let request = decode_str(&get).unwrap();
    assert_eq!(request.operation.name(), "GetFolder");
    assert_eq!(request.operation.message_count(), 2);
    let find = wrap(
        "",
        &format!(
            r#"<m:FindFolder Traversal="Deep">{SHAPE}<m:IndexedPageFolderView MaxEntriesReturned="3" Offset="6" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:ParentFolderIds></m:FindFolder>"#
        ),
    );
    let Operation::FindFolder {
        traversal, view, ..
    } = decode_str(&find).unwrap().operation
    else {
        panic!("not FindFolder");
    };
    assert_eq!(traversal, FolderTraversal::Deep);
    assert_eq!(
        view,
        View::Indexed {
            max: Some(3),
            offset: 6,
            from_end: false
        }
    );
}

#[test]
fn refuses_broken_folder_requests() {
    for body in [
        format!("<m:GetFolder>{SHAPE}</m:GetFolder>"),
        format!("<m:GetFolder>{SHAPE}<m:FolderIds/></m:GetFolder>"),
        format!(r#"<m:GetFolder>{SHAPE}<m:FolderIds><t:ItemId Id="A"/></m:FolderIds></m:GetFolder>"#),
        format!(r#"<m:GetFolder>{SHAPE}<m:FolderIds><t:DistinguishedFolderId Id="attic"/></m:FolderIds></m:GetFolder>"#),
        r#"<m:GetFolder><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>"#.to_owned(),
        format!(r#"<m:FindFolder Traversal="Sideways">{SHAPE}<m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindFolder>"#),
        format!(r#"<m:FindFolder Traversal="Deep">{SHAPE}<m:IndexedPageFolderView Offset="x" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindFolder>"#),
        format!(r#"<m:FindFolder>{SHAPE}<m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindFolder>"#),
    ] {
        schema_violation(&wrap("", &body));
    }
}

#[test]
fn operations_know_their_names_and_message_counts() {
    let request = decode_str(&wrap("", FIND)).unwrap();
    assert_eq!(request.operation.name(), "FindItem");
    assert_eq!(request.operation.message_count(), 2);
}

#[test]
fn decodes_resolve_names_and_refuses_broken_ones() {
    let request = decode_str(&wrap(
        "",
        r#"<m:ResolveNames ReturnFullContactData="true" SearchScope="Contacts"><m:UnresolvedEntry> anne </m:UnresolvedEntry></m:ResolveNames>"#,
    ))
    .unwrap();
    assert_eq!(
        request.operation,
        Operation::ResolveNames {
            entry: "anne".into(),
            full_contact_data: true,
            scope: "Contacts".into(),
        }
    );
    let defaulted = decode_str(&wrap(
        "",
        r#"<m:ResolveNames ReturnFullContactData="0"><m:UnresolvedEntry>a</m:UnresolvedEntry></m:ResolveNames>"#,
    ))
    .unwrap();
    assert!(matches!(
        defaulted.operation,
        Operation::ResolveNames { ref scope, full_contact_data: false, .. } if scope == "ActiveDirectoryContacts"
    ));
    for (broken, says) in [
        (
            r#"<m:ResolveNames><m:UnresolvedEntry>a</m:UnresolvedEntry></m:ResolveNames>"#,
            "ReturnFullContactData",
        ),
        (
            r#"<m:ResolveNames ReturnFullContactData="maybe"><m:UnresolvedEntry>a</m:UnresolvedEntry></m:ResolveNames>"#,
            "xs:boolean",
        ),
        (
            r#"<m:ResolveNames ReturnFullContactData="true" SearchScope="Everywhere"><m:UnresolvedEntry>a</m:UnresolvedEntry></m:ResolveNames>"#,
            "enumeration",
        ),
        (
            r#"<m:ResolveNames ReturnFullContactData="true"/>"#,
            "UnresolvedEntry",
        ),
        (
            r#"<m:ResolveNames ReturnFullContactData="true"><m:UnresolvedEntry>  </m:UnresolvedEntry></m:ResolveNames>"#,
            "empty",
        ),
    ] {
        let message = schema_violation(&wrap("", broken));
        assert!(message.contains(says), "{broken}: {message}");
    }
}

const AVAILABILITY_ZONE: &str = "<t:TimeZone><t:Bias>-60</t:Bias><t:StandardTime><t:Bias>0</t:Bias><t:Time>03:00:00</t:Time><t:DayOrder>5</t:DayOrder><t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:StandardTime><t:DaylightTime><t:Bias>-60</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>5</t:DayOrder><t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:DaylightTime></t:TimeZone>";

fn availability(mailboxes: &str, options: &str) -> String {
    wrap(
        "",
        &format!(
            "<m:GetUserAvailabilityRequest>{AVAILABILITY_ZONE}<m:MailboxDataArray>{mailboxes}</m:MailboxDataArray>{options}</m:GetUserAvailabilityRequest>"
        ),
    )
}

const ONE_MAILBOX: &str = "<t:MailboxData><t:Email><t:Address> anne@contoso.test </t:Address></t:Email><t:AttendeeType>Required</t:AttendeeType></t:MailboxData>";

#[test]
fn decodes_get_user_availability_and_refuses_broken_ones() {
    let request = decode_str(&availability(
        ONE_MAILBOX,
        "<t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>2026-12-08T08:00:00</t:StartTime><t:EndTime>2026-12-08T16:00:00Z</t:EndTime></t:TimeWindow><t:MergedFreeBusyIntervalInMinutes>60</t:MergedFreeBusyIntervalInMinutes><t:RequestedView>FreeBusy</t:RequestedView></t:FreeBusyViewOptions>",
    ))
    .unwrap();
    let Operation::GetUserAvailability(found) = request.operation else {
        panic!("not GetUserAvailability");
    };
    assert_eq!(found.mailboxes[0].address, "anne@contoso.test");
    assert_eq!(found.zone.bias, -60);
    assert_eq!(found.zone.daylight.month, 3);
    assert!(matches!(found.start, Bound::Local(_)));
    assert!(matches!(found.end, Bound::Instant(_)));
    assert_eq!(
        (found.interval_minutes, found.view.as_str()),
        (60, "FreeBusy")
    );

    let window = "<t:TimeWindow><t:StartTime>2026-12-08T08:00:00Z</t:StartTime><t:EndTime>2026-12-08T16:00:00Z</t:EndTime></t:TimeWindow>";
    for (mailboxes, options, says) in [
        (ONE_MAILBOX, String::new(), "FreeBusyViewOptions"),
        ("", format!("<t:FreeBusyViewOptions>{window}</t:FreeBusyViewOptions>"), "0 mailboxes"),
        (
            ONE_MAILBOX,
            format!("<t:FreeBusyViewOptions>{window}<t:RequestedView>Everything</t:RequestedView></t:FreeBusyViewOptions>"),
            "RequestedView",
        ),
        (
            ONE_MAILBOX,
            format!("<t:FreeBusyViewOptions>{window}<t:MergedFreeBusyIntervalInMinutes>2</t:MergedFreeBusyIntervalInMinutes></t:FreeBusyViewOptions>"),
            "outside 5 to 1440",
        ),
        (
            ONE_MAILBOX,
            "<t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>soon</t:StartTime><t:EndTime>later</t:EndTime></t:TimeWindow></t:FreeBusyViewOptions>".to_owned(),
            "xs:dateTime",
        ),
    ] {
        let message = schema_violation(&availability(mailboxes, &options));
        assert!(message.contains(says), "{says}: {message}");
    }
}
