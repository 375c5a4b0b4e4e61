//! The table mapping over EWS, through the EWS client's own writers and readers.

use chrono::{NaiveDate, TimeZone as _, Utc, Weekday};
use chrono_tz::Tz;
use exchange_ews::items::{
    CreateItems, FindItems, GetTypedItems, IndexedPage, Item, MessageDisposition, Restriction,
};
use exchange_ews::{DistinguishedFolder, ExchangeVersion, FolderTarget};
use mediagateway_api::tables::{
    Filter, MailboxValue, Pattern, Range, Record, SortKey, Table, Value, Write,
};
use mediagateway_api::ApiError;

use super::columns::{
    find_shape, get_shape, item_kind, new_stable_key, permanent_url_restriction, restriction,
    sort_order,
};
use super::read::record_of;
use super::write::{new_item, updates};

const BERLIN: Tz = chrono_tz::Europe::Berlin;

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn mailbox(address: &str) -> MailboxValue {
    MailboxValue {
        name: Some(address.split('@').next().unwrap().to_owned()),
        address: address.to_owned(),
    }
}

/// A record of `table` with every field the EWS items take.
fn full_record(table: Table) -> Record {
    let at = Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap();
    let record = Record::new(table)
        .with("Subject", text("Quarterly review"))
        .with("Description", text("Agenda: numbers"))
        .with(
            "Categories",
            Value::TextList(vec!["Blue".into(), "Work".into()]),
        )
        .with("Importance", text("High"))
        .with("Sensitivity", text("Private"));
    match table {
        Table::Appointment => record
            .with("Start", Value::DateTime(at))
            .with("End", Value::DateTime(at + chrono::Duration::hours(1)))
            .with("IsAllDayEvent", Value::Boolean(false))
            .with("Location", text("Room 1"))
            .with("BusyStatus", text("Tentative"))
            .with("TimeZone", text("W. Europe Standard Time"))
            .with(
                "RequiredAttendees",
                Value::MailboxList(vec![mailbox("a@contoso.test")]),
            )
            .with(
                "OptionalAttendees",
                Value::MailboxList(vec![mailbox("b@contoso.test")]),
            )
            .with(
                "Resources",
                Value::MailboxList(vec![mailbox("room@contoso.test")]),
            )
            .with(
                "Recurrence",
                Value::Recurrence(mediagateway_api::tables::Recurrence {
                    pattern: Pattern::Weekly {
                        interval: 1,
                        days: vec![Weekday::Fri],
                    },
                    range: Range::Times {
                        start: NaiveDate::from_ymd_opt(2026, 3, 20).unwrap(),
                        count: 4,
                    },
                }),
            )
            .with("ReminderSet", Value::Boolean(true))
            .with("ReminderMinutesBeforeStart", Value::Integer(15)),
        Table::Contact => {
            let mut r = record.with(
                "Birthday",
                Value::Date(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()),
            );
            for name in [
                "DisplayName",
                "FileAs",
                "GivenName",
                "MiddleName",
                "Surname",
                "Nickname",
                "CompanyName",
                "Department",
                "JobTitle",
                "Email1",
                "Email2",
                "Email3",
                "BusinessPhone",
                "HomePhone",
                "MobilePhone",
                "BusinessFax",
                "BusinessStreet",
                "BusinessCity",
                "BusinessState",
                "BusinessPostalCode",
                "BusinessCountry",
                "HomeStreet",
                "HomeCity",
                "HomePostalCode",
                "HomeCountry",
                "AssistantName",
                "Manager",
            ] {
                r = r.with(name, text(&format!("{name} value")));
            }
            r
        }
        Table::Task => record
            .with(
                "StartDate",
                Value::Date(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()),
            )
            .with(
                "DueDate",
                Value::Date(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap()),
            )
            .with("CompleteDate", Value::DateTime(at))
            .with("Status", text("InProgress"))
            .with("PercentComplete", Value::Decimal(50.0))
            .with(
                "Recurrence",
                Value::Recurrence(mediagateway_api::tables::Recurrence {
                    pattern: Pattern::MonthlyOnDay {
                        interval: 1,
                        day: 29,
                    },
                    range: Range::NoEnd {
                        start: NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(),
                    },
                }),
            )
            .with("TotalWork", Value::Integer(120))
            .with("ActualWork", Value::Integer(60))
            .with("Mileage", text("12 km"))
            .with("BillingInformation", text("Project X"))
            .with("Companies", Value::TextList(vec!["Contoso".into()]))
            .with("ReminderSet", Value::Boolean(true))
            .with("ReminderDueBy", Value::DateTime(at)),
        Table::Message => record
            .with("From", Value::Mailbox(mailbox("me@contoso.test")))
            .with(
                "To",
                Value::MailboxList(vec![mailbox("a@contoso.test"), mailbox("b@contoso.test")]),
            )
            .with("Cc", Value::MailboxList(vec![mailbox("c@contoso.test")]))
            .with("Bcc", Value::MailboxList(vec![mailbox("d@contoso.test")]))
            .with(
                "ReplyTo",
                Value::MailboxList(vec![mailbox("e@contoso.test")]),
            )
            .with("Read", Value::Boolean(true))
            .with("IsReadReceiptRequested", Value::Boolean(true))
            .with("IsDeliveryReceiptRequested", Value::Boolean(false)),
        _ => record,
    }
}

/// The item the CreateItem request writes for `record`, read back as Exchange would send it
/// (with an id, a change key and a folder).
fn written_and_read(table: Table, record: &Record, key: &str) -> Item {
    let item = new_item(table, record, key, BERLIN).unwrap();
    let mut request = CreateItems::new(vec![item]).unwrap();
    if matches!(table, Table::Message | Table::Note) {
        request = request.message_disposition(MessageDisposition::SaveOnly);
    }
    let xml = request
        .checked_envelope(ExchangeVersion::Exchange2010)
        .unwrap();
    let start = xml.find("<m:Items>").unwrap() + "<m:Items>".len();
    let end = xml.find("</m:Items>").unwrap();
    let written = &xml[start..end];
    let open = written.find('>').unwrap() + 1;
    let ids = r#"<t:ItemId Id="AAMkID" ChangeKey="CK1"/><t:ParentFolderId Id="FOLDER"/>"#;
    let item_xml = format!("{}{ids}{}", &written[..open], &written[open..]);
    let response = format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
        <m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
         xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages>
        <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
        <m:Items>{item_xml}</m:Items></m:GetItemResponseMessage>
        </m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>"#
    );
    GetTypedItems::parse_response(response.as_bytes())
        .unwrap()
        .pop()
        .unwrap()
        .unwrap()
}

#[test]
fn every_writable_field_goes_through_exchange_and_back() {
    for table in [
        Table::Appointment,
        Table::Contact,
        Table::Task,
        Table::Message,
        Table::Note,
    ] {
        let record = full_record(table);
        record
            .check_write(&table.metadata(), Write::Create)
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        let key = new_stable_key();
        let item = written_and_read(table, &record, &key);
        let mut fields: Vec<String> = record.values.keys().map(ToString::to_string).collect();
        fields.extend(["ID", "ETag", "PermanentURL", "FKID"].map(String::from));
        let read =
            record_of(table, &item, &fields, BERLIN).unwrap_or_else(|e| panic!("{table}: {e}"));
        let expected = record
            .clone()
            .with("ID", text("AAMkID"))
            .with("ETag", text("CK1"))
            .with("PermanentURL", text(&key))
            .with("FKID", text("FOLDER"));
        assert_eq!(read, expected, "{table}");
        let other = if table == Table::Contact {
            Table::Task
        } else {
            Table::Contact
        };
        let wrong = record_of(other, &item, &[], BERLIN).unwrap_err();
        assert!(matches!(wrong, ApiError::Protocol { .. }), "{wrong:?}");
    }
}

#[test]
fn dates_are_local_days_of_the_zone() {
    let birthday = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
    let record = Record::new(Table::Contact).with("Birthday", Value::Date(birthday));
    let exchange_ews::items::NewItem::Contact(contact) =
        new_item(Table::Contact, &record, "k", BERLIN).unwrap()
    else {
        panic!("a contact");
    };
    // Berlin's midnight of the day daylight saving time starts is still UTC+1.
    assert_eq!(
        contact.birthday,
        Some(Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap())
    );
    let item = written_and_read(Table::Contact, &record, "k");
    let read = record_of(Table::Contact, &item, &["Birthday".into()], BERLIN).unwrap();
    assert_eq!(read.get("Birthday"), Some(&Value::Date(birthday)));
    let in_utc = record_of(Table::Contact, &item, &["Birthday".into()], chrono_tz::UTC).unwrap();
    assert_eq!(
        in_utc.get("Birthday"),
        Some(&Value::Date(NaiveDate::from_ymd_opt(2026, 3, 28).unwrap()))
    );
}

/// The restriction's XML as the FindItem request writes it.
fn restriction_xml(restriction: Restriction) -> String {
    let find = FindItems::new(
        FolderTarget::Distinguished(DistinguishedFolder::Contacts),
        IndexedPage::new(10, 0).unwrap(),
    )
    .unwrap()
    .with_restriction(restriction)
    .unwrap();
    let xml = find.to_envelope(ExchangeVersion::Exchange2010);
    let start = xml.find("<m:Restriction>").unwrap() + "<m:Restriction>".len();
    xml[start..xml.find("</m:Restriction>").unwrap()].to_owned()
}

fn filtered(table: Table, filter: &str) -> Result<String, ApiError> {
    let filter = Filter::parse(filter).unwrap();
    filter.check(&table.metadata()).unwrap();
    restriction(table, &filter, BERLIN).map(restriction_xml)
}

#[test]
fn every_filter_node_becomes_its_restriction() {
    let subject = r#"<t:FieldURI FieldURI="item:Subject"/>"#;
    for (table, filter, expected) in [
        (
            Table::Contact,
            r#"Subject = "A""#,
            format!(r#"<t:IsEqualTo>{subject}<t:FieldURIOrConstant><t:Constant Value="A"/></t:FieldURIOrConstant></t:IsEqualTo>"#),
        ),
        (
            Table::Appointment,
            "Size > 1000",
            r#"<t:IsGreaterThan><t:FieldURI FieldURI="item:Size"/><t:FieldURIOrConstant><t:Constant Value="1000"/></t:FieldURIOrConstant></t:IsGreaterThan>"#.to_owned(),
        ),
        (
            Table::Appointment,
            "Start <= 2026-12-01T08:00:00Z",
            r#"<t:IsLessThanOrEqualTo><t:FieldURI FieldURI="calendar:Start"/><t:FieldURIOrConstant><t:Constant Value="2026-12-01T08:00:00Z"/></t:FieldURIOrConstant></t:IsLessThanOrEqualTo>"#.to_owned(),
        ),
        (
            Table::Message,
            "IsDraft != true",
            r#"<t:IsNotEqualTo><t:FieldURI FieldURI="item:IsDraft"/><t:FieldURIOrConstant><t:Constant Value="true"/></t:FieldURIOrConstant></t:IsNotEqualTo>"#.to_owned(),
        ),
        (
            Table::Task,
            "PercentComplete >= 50",
            r#"<t:IsGreaterThanOrEqualTo><t:FieldURI FieldURI="task:PercentComplete"/><t:FieldURIOrConstant><t:Constant Value="50"/></t:FieldURIOrConstant></t:IsGreaterThanOrEqualTo>"#.to_owned(),
        ),
        (
            Table::Contact,
            r#"Subject contains "rev""#,
            format!(r#"<t:Contains ContainmentMode="Substring" ContainmentComparison="IgnoreCase">{subject}<t:Constant Value="rev"/></t:Contains>"#),
        ),
        (
            Table::Contact,
            r#"Email1 starts with case-sensitive "ada""#,
            r#"<t:Contains ContainmentMode="Prefixed" ContainmentComparison="Exact"><t:IndexedFieldURI FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress1"/><t:Constant Value="ada"/></t:Contains>"#.to_owned(),
        ),
        (
            Table::Contact,
            "Subject exists",
            format!("<t:Exists>{subject}</t:Exists>"),
        ),
        (
            Table::Contact,
            r#"not (Subject exists or Subject = "A") and Subject exists"#,
            format!(r#"<t:And><t:Not><t:Or><t:Exists>{subject}</t:Exists><t:IsEqualTo>{subject}<t:FieldURIOrConstant><t:Constant Value="A"/></t:FieldURIOrConstant></t:IsEqualTo></t:Or></t:Not><t:Exists>{subject}</t:Exists></t:And>"#),
        ),
        (
            Table::Contact,
            r#"PermanentURL = "0123456789abcdef0123456789abcdef""#,
            r#"<t:IsEqualTo><t:ExtendedFieldURI DistinguishedPropertySetId="PublicStrings" PropertyName="ExchangeConnectorPermanentURL" PropertyType="String"/><t:FieldURIOrConstant><t:Constant Value="0123456789abcdef0123456789abcdef"/></t:FieldURIOrConstant></t:IsEqualTo>"#.to_owned(),
        ),
    ] {
        assert_eq!(filtered(table, filter).unwrap(), expected, "{filter}");
    }
}

#[test]
fn a_date_is_its_local_day() {
    let at = |d: &str| {
        format!(
            r#"<t:FieldURI FieldURI="contacts:Birthday"/><t:FieldURIOrConstant><t:Constant Value="{d}"/></t:FieldURIOrConstant>"#
        )
    };
    let (start, next) = ("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z");
    for (filter, expected) in [
        (
            "Birthday = 2026-03-29",
            format!(
                "<t:And><t:IsGreaterThanOrEqualTo>{}</t:IsGreaterThanOrEqualTo><t:IsLessThan>{}</t:IsLessThan></t:And>",
                at(start),
                at(next)
            ),
        ),
        ("Birthday < 2026-03-29", format!("<t:IsLessThan>{}</t:IsLessThan>", at(start))),
        ("Birthday <= 2026-03-29", format!("<t:IsLessThan>{}</t:IsLessThan>", at(next))),
        (
            "Birthday > 2026-03-29",
            format!("<t:IsGreaterThanOrEqualTo>{}</t:IsGreaterThanOrEqualTo>", at(next)),
        ),
    ] {
        assert_eq!(filtered(Table::Contact, filter).unwrap(), expected, "{filter}");
    }
}

#[test]
fn what_exchange_cannot_do_is_not_supported() {
    for (table, filter) in [
        (Table::Message, r#"To contains "ada""#),
        (Table::Contact, r#"PermanentURL starts with "ab""#),
        (Table::Contact, r#"PermanentURL > "ab""#),
    ] {
        let filter = Filter::parse(filter).unwrap();
        let err = restriction(table, &filter, BERLIN).unwrap_err();
        assert!(matches!(err, ApiError::NotSupported { .. }), "{err:?}");
    }
    let key = |field: &str| SortKey {
        field: field.into(),
        descending: false,
    };
    let err = sort_order(Table::Contact, &[key("ID")]).unwrap_err();
    assert!(matches!(err, ApiError::NotSupported { .. }), "{err:?}");
    let tz = Record::new(Table::Appointment).with("TimeZone", text("UTC"));
    let err = updates(Table::Appointment, &tz, &[], BERLIN).unwrap_err();
    assert!(matches!(err, ApiError::NotSupported { .. }), "{err:?}");
    let half = Record::new(Table::Task).with("PercentComplete", Value::Decimal(12.5));
    let err = new_item(Table::Task, &half, "k", BERLIN).unwrap_err();
    assert!(matches!(err, ApiError::NotSupported { .. }), "{err:?}");
}

#[test]
fn sorting_by_an_indexed_field() {
    let order = sort_order(
        Table::Contact,
        &[SortKey {
            field: "Email1".into(),
            descending: true,
        }],
    )
    .unwrap()
    .unwrap();
    let find = FindItems::new(
        FolderTarget::Distinguished(DistinguishedFolder::Contacts),
        IndexedPage::new(10, 0).unwrap(),
    )
    .unwrap()
    .with_sort_order(order);
    let xml = find.to_envelope(ExchangeVersion::Exchange2010);
    assert!(
        xml.contains(r#"<m:SortOrder><t:FieldOrder Order="Descending"><t:IndexedFieldURI FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress1"/></t:FieldOrder></m:SortOrder>"#),
        "{xml}"
    );
    assert_eq!(sort_order(Table::Contact, &[]).unwrap(), None);
}

#[test]
fn permanent_urls_of_both_forms_and_hostile_ones() {
    let stamped = restriction_xml(permanent_url_restriction("abc").unwrap());
    assert!(
        stamped.contains("ExchangeConnectorPermanentURL") && stamped.contains(r#"Value="abc""#)
    );
    let searched = restriction_xml(permanent_url_restriction("sk-00ff10").unwrap());
    assert!(
        searched.contains(r#"PropertyTag="0x300b" PropertyType="Binary""#)
            && searched.contains(r#"Value="AP8Q""#),
        "{searched}"
    );
    for hostile in ["sk-", "sk-0g", "sk-ABCD", "sk-abc", "", "a\u{0}b"] {
        let err = permanent_url_restriction(hostile).unwrap_err();
        assert!(
            matches!(err, ApiError::InvalidArgument { .. }),
            "{hostile:?}: {err:?}"
        );
    }
    let long = "a".repeat(300);
    assert!(permanent_url_restriction(&long).is_err());
    let key = new_stable_key();
    assert!(
        key.len() == 32
            && key
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_ne!(key, new_stable_key());
}

#[test]
fn shapes_read_bodies_by_get_item_only() {
    let (find, needs_get) = find_shape(Table::Message, &["Subject".into()]);
    assert!(!needs_get);
    // The permanent key, the search key, the class (which tells notes from messages) and
    // the subject.
    assert_eq!(find.additional.len(), 4, "{find:?}");
    assert!(find
        .additional
        .iter()
        .any(|p| p.to_string() == "item:ItemClass"));
    let (find, needs_get) = find_shape(Table::Message, &[]);
    assert!(needs_get);
    let uris: Vec<String> = find.additional.iter().map(ToString::to_string).collect();
    assert!(!uris
        .iter()
        .any(|u| u == "item:Body" || u == "message:ToRecipients"));
    let get = get_shape(Table::Message, &["HtmlDescription".into()]);
    assert_eq!(get.body_type, Some(exchange_ews::items::BodyFormat::Html));
    assert!(get.additional.iter().any(|p| p.to_string() == "item:Body"));
    let (appointment, _) = find_shape(Table::Appointment, &["Subject".into()]);
    assert!(appointment
        .additional
        .iter()
        .any(|p| p.to_string() == "calendar:Start"));
    assert_eq!(
        item_kind(Table::Note),
        exchange_ews::items::ItemKind::Message
    );
}

#[test]
fn updates_set_and_clear() {
    let set = Record::new(Table::Task)
        .with(
            "StartDate",
            Value::Date(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()),
        )
        .with("Categories", Value::TextList(vec![]));
    let out = updates(Table::Task, &set, &["Mileage".into()], BERLIN).unwrap();
    assert_eq!(out.len(), 3);
    assert!(matches!(
        &out[1],
        exchange_ews::items::FieldUpdate::Set(_, exchange_ews::items::PropertyValue::DateTime(t))
            if *t == Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap()
    ));
    for (set, clear) in [
        (Record::new(Table::Task).with("Owner", text("x")), vec![]),
        (Record::new(Table::Task), vec!["ID".to_owned()]),
        (Record::new(Table::Appointment), vec!["Start".to_owned()]),
    ] {
        let err = updates(set.table, &set, &clear, BERLIN).unwrap_err();
        assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err:?}");
    }
}
