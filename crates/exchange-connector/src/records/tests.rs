//! The structs against the tables' declarations: the same fields, round trips both ways,
//! strict reading, and changes.

use chrono::{TimeZone, Utc};
use mediagateway_api::tables::{
    FieldChange, FieldName, FieldType, MailboxValue, Record, Table, Value,
};
use proptest::prelude::*;

use super::strategies::record_of;
use super::*;
use crate::ConnectorError;

/// The declared names of `table`'s fields, as the metadata lists them.
fn declared(table: Table) -> Vec<String> {
    table
        .metadata()
        .fields
        .into_iter()
        .map(|f| f.name)
        .collect()
}

fn same_fields<T: TableRow>() {
    let fields: Vec<String> = T::FIELDS.iter().map(|&f| f.to_owned()).collect();
    assert_eq!(fields, declared(T::TABLE), "{}", T::TABLE);
}

#[test]
fn appointment_has_exactly_the_declared_fields() {
    same_fields::<Appointment>();
}

#[test]
fn contact_has_exactly_the_declared_fields() {
    same_fields::<Contact>();
}

#[test]
fn task_has_exactly_the_declared_fields() {
    same_fields::<Task>();
}

#[test]
fn message_has_exactly_the_declared_fields() {
    same_fields::<Message>();
}

#[test]
fn note_has_exactly_the_declared_fields() {
    same_fields::<Note>();
}

#[test]
fn folder_has_exactly_the_declared_fields() {
    same_fields::<Folder>();
}

#[test]
fn attachment_has_exactly_the_declared_fields() {
    same_fields::<Attachment>();
}

/// The declared names of the enumeration of `table.field`.
fn enumeration(table: Table, field: &str) -> Vec<&'static str> {
    match table.field(field).map(|f| f.field_type) {
        Some(FieldType::Enumeration(names)) => names.to_vec(),
        other => panic!("{table}.{field} is {other:?}"),
    }
}

#[test]
fn enums_have_exactly_the_declared_names() {
    fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|&v| name(v)).collect()
    }
    for table in [
        Table::Appointment,
        Table::Contact,
        Table::Task,
        Table::Message,
        Table::Note,
    ] {
        assert_eq!(
            names(Importance::ALL, Importance::name),
            enumeration(table, "Importance")
        );
        assert_eq!(
            names(Sensitivity::ALL, Sensitivity::name),
            enumeration(table, "Sensitivity")
        );
    }
    let appointment = Table::Appointment;
    assert_eq!(
        names(BusyStatus::ALL, BusyStatus::name),
        enumeration(appointment, "BusyStatus")
    );
    assert_eq!(
        names(CalendarItemType::ALL, CalendarItemType::name),
        enumeration(appointment, "CalendarItemType")
    );
    assert_eq!(
        names(ResponseType::ALL, ResponseType::name),
        enumeration(appointment, "MyResponseType")
    );
    assert_eq!(
        names(TaskStatus::ALL, TaskStatus::name),
        enumeration(Table::Task, "Status")
    );
    assert_eq!(BusyStatus::from_name("OOF"), Some(BusyStatus::OutOfOffice));
    assert_eq!(BusyStatus::OutOfOffice.to_string(), "OOF");
    assert_eq!(TaskStatus::from_name("inprogress"), None);
}

#[test]
fn a_record_of_another_table_is_refused() {
    let contact = Record::new(Table::Contact).with("Surname", Value::Text("Lovelace".into()));
    let err = Appointment::from_record(contact).unwrap_err();
    assert!(
        matches!(
            err,
            ConnectorError::WrongTable {
                expected: Table::Appointment,
                found: Table::Contact
            }
        ),
        "{err}"
    );
}

#[test]
fn an_unknown_field_is_refused_not_dropped() {
    let record = Record::new(Table::Note).with("Start", Value::Text("x".into()));
    let err = Note::from_record(record).unwrap_err();
    assert!(
        matches!(&err, ConnectorError::UnknownField { table: Table::Note, field } if field == "Start"),
        "{err}"
    );
    assert_eq!(err.to_string(), r#"Note has no field "Start""#);
}

#[test]
fn a_value_of_the_wrong_type_names_its_field() {
    let cases = [
        ("Start", Value::Text("tomorrow".into()), "a Text value"),
        ("Size", Value::Decimal(1.5), "a Decimal value"),
        ("BusyStatus", Value::Text("Sleeping".into()), "\"Sleeping\""),
        ("BusyStatus", Value::Integer(2), "an Integer value"),
        ("Duration", Value::Integer(60), "an Integer value"),
        (
            "Organizer",
            Value::MailboxList(vec![]),
            "a MailboxList value",
        ),
    ];
    for (field, value, found_text) in cases {
        let record = Record::new(Table::Appointment).with(field, value);
        let err = Appointment::from_record(record).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("Appointment.{field} takes ")),
            "{err}"
        );
        match &err {
            ConnectorError::WrongValue {
                table: Table::Appointment,
                field: named,
                found,
                ..
            } => {
                assert_eq!(named, field);
                assert_eq!(found, found_text);
            }
            other => panic!("{field}: {other}"),
        }
        assert!(err.to_string().contains(field), "{err}");
    }
}

#[test]
fn a_wrong_value_says_what_the_field_takes() {
    let record = Record::new(Table::Task).with("Status", Value::Text("Done".into()));
    assert_eq!(
        Task::from_record(record).unwrap_err().to_string(),
        r#"Task.Status takes one of the TaskStatus names; the record has "Done""#
    );
    let record = Record::new(Table::Task).with("DueDate", Value::Integer(7));
    assert_eq!(
        Task::from_record(record).unwrap_err().to_string(),
        "Task.DueDate takes a Date value; the record has an Integer value"
    );
}

#[test]
fn a_decimal_field_reads_an_integer_as_its_value() {
    let record = Record::new(Table::Task).with("PercentComplete", Value::Integer(40));
    let task = Task::from_record(record).unwrap();
    assert_eq!(task.percent_complete, Some(40.0));
    assert_eq!(
        task.to_record().get("PercentComplete"),
        Some(&Value::Decimal(40.0))
    );
}

#[test]
fn none_fields_are_left_out_of_the_record() {
    assert_eq!(
        Appointment::default().to_record(),
        Record::new(Table::Appointment)
    );
    let start = Utc.with_ymd_and_hms(2026, 12, 8, 9, 0, 0).unwrap();
    let meeting = Appointment {
        subject: Some("Review".into()),
        start: Some(start),
        busy_status: Some(BusyStatus::OutOfOffice),
        duration: Some(std::time::Duration::from_secs(3600)),
        ..Appointment::default()
    };
    let record = meeting.to_record();
    assert_eq!(
        record.values.keys().collect::<Vec<_>>(),
        ["BusyStatus", "Duration", "Start", "Subject"]
    );
    assert_eq!(record.get("BusyStatus"), Some(&Value::Text("OOF".into())));
    assert_eq!(record.get("Duration"), Some(&Value::Duration(3600)));
}

#[test]
fn changes_set_new_values_clear_removed_ones_and_skip_read_only_fields() {
    let original = Message {
        id: Some("AAMk1".into()),
        e_tag: Some("CQAA1".into()),
        subject: Some("Draft".into()),
        categories: Some(vec!["Blue".into()]),
        read: Some(false),
        size: Some(1200),
        to: Some(vec![MailboxValue {
            name: None,
            address: "ada@contoso.com".into(),
        }]),
        ..Message::default()
    };
    assert_eq!(Message::changes(&original, &original), vec![]);

    let mut changed = original.clone();
    changed.subject = Some("Final".into());
    changed.categories = None;
    changed.importance = Some(Importance::High);
    // Read-only fields: never changed by an update, whatever the struct holds.
    changed.id = Some("AAMk2".into());
    changed.e_tag = None;
    changed.size = Some(1);
    changed.received = Some(Utc::now());
    assert_eq!(
        Message::changes(&original, &changed),
        vec![
            FieldChange::Set("Subject".into(), Value::Text("Final".into())),
            FieldChange::Clear("Categories".into()),
            FieldChange::Set("Importance".into(), Value::Text("High".into())),
        ]
    );
    // The other way round: the value comes back, the new one goes.
    assert_eq!(
        Message::changes(&changed, &original),
        vec![
            FieldChange::Set("Subject".into(), Value::Text("Draft".into())),
            FieldChange::Set("Categories".into(), Value::TextList(vec!["Blue".into()])),
            FieldChange::Clear("Importance".into()),
        ]
    );
}

#[test]
fn changes_of_plain_records_follow_the_table() {
    let original = Record::new(Table::Contact)
        .with("ID", Value::Text("AAMk1".into()))
        .with("Surname", Value::Text("Byron".into()));
    let changed = Record::new(Table::Contact)
        .with("ID", Value::Text("AAMk9".into()))
        .with("GivenName", Value::Text("Ada".into()));
    assert_eq!(
        Record::row_changes(Table::Contact, &original, &changed),
        vec![
            FieldChange::Set("GivenName".into(), Value::Text("Ada".into())),
            FieldChange::Clear("Surname".into()),
        ]
    );
    assert_eq!(original.row_id(), Some("AAMk1"));
    assert!(Record::from_table_record(Table::Task, original).is_err());
}

/// Property tests of one table's struct: record → struct → record gives the record back,
/// struct → record → struct the struct, and `changes` from a struct to another, applied to
/// the first, gives the second's writable values.
macro_rules! round_trips {
    ($module:ident, $row:ty) => {
        mod $module {
            use super::*;

            proptest! {
                #[test]
                fn record_to_struct_to_record(record in record_of(<$row>::TABLE)) {
                    let row = <$row>::from_record(record.clone()).unwrap();
                    prop_assert_eq!(row.to_record(), record);
                }

                #[test]
                fn struct_to_record_to_struct(record in record_of(<$row>::TABLE)) {
                    let row = <$row>::from_record(record).unwrap();
                    let back = <$row>::from_record(row.to_record()).unwrap();
                    prop_assert_eq!(back, row.clone());
                    let table = <$row>::TABLE;
                    for (name, value) in &row.to_record().values {
                        let field = table.field(name).unwrap();
                        prop_assert!(value.fits(field.field_type), "{}: {:?}", name, value);
                    }
                }

                #[test]
                fn changes_lead_from_one_to_the_other(
                    a in record_of(<$row>::TABLE),
                    b in record_of(<$row>::TABLE),
                ) {
                    let (a, b) = (<$row>::from_record(a).unwrap(), <$row>::from_record(b).unwrap());
                    let mut applied = a.to_record();
                    for change in <$row>::changes(&a, &b) {
                        match change {
                            FieldChange::Set(name, value) => {
                                applied.set(&name, value);
                            }
                            FieldChange::Clear(name) => {
                                applied.values.remove(name.as_str());
                            }
                            FieldChange::Append(..) => prop_assert!(false, "no appends"),
                        }
                    }
                    let writable = |record: Record| -> Vec<(FieldName, Value)> {
                        record
                            .values
                            .into_iter()
                            .filter(|(name, _)| !<$row>::TABLE.field(name).unwrap().read_only)
                            .collect()
                    };
                    prop_assert_eq!(writable(applied), writable(b.to_record()));
                }
            }
        }
    };
}

round_trips!(appointment, Appointment);
round_trips!(contact, Contact);
round_trips!(task, Task);
round_trips!(message, Message);
round_trips!(note, Note);
round_trips!(folder, Folder);
round_trips!(attachment, Attachment);
