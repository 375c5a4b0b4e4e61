use chrono::{DateTime, Utc};
use mediagateway_api::tables::{
    CreateRecord, DeleteMode, DeleteRecord, FieldChange, FolderRef, GetRecord, MeetingNotice,
    MessageDisposition, RecordKey, TaskOccurrences, TransferRecord, UpdateRecord, WellKnownFolder,
    WriteOptions,
};
use mediagateway_api::TimeWindow;
use proptest::prelude::*;
use proptest::sample::select;

use super::*;
use crate::convert::through_wire;

pub(crate) fn text() -> impl Strategy<Value = String> {
    "\\PC{0,12}"
}

/// An instant of the years 1 to 9999, to the millisecond (the wire's precision).
pub(crate) fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (-62_135_596_800_000_i64..253_402_300_800_000)
        .prop_map(|ms| DateTime::from_timestamp_millis(ms).expect("in chrono's range"))
}

/// A date some 8,000 years either side of the common era's start.
pub(crate) fn day() -> impl Strategy<Value = NaiveDate> {
    (-3_000_000_i32..3_000_000)
        .prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).expect("in chrono's range"))
}

pub(crate) fn decimal() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite", |d| d.is_finite())
}

fn weekday() -> impl Strategy<Value = Weekday> {
    select(vec![
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ])
}

fn week() -> impl Strategy<Value = WeekOfMonth> {
    select(vec![
        WeekOfMonth::First,
        WeekOfMonth::Second,
        WeekOfMonth::Third,
        WeekOfMonth::Fourth,
        WeekOfMonth::Last,
    ])
}

/// Any recurrence, in bounds or not: the wire carries what the API checks later.
fn recurrence() -> impl Strategy<Value = Recurrence> {
    let n = any::<u32>;
    let pattern = prop_oneof![
        n().prop_map(|interval| Pattern::Daily { interval }),
        (n(), prop::collection::vec(weekday(), 0..8))
            .prop_map(|(interval, days)| Pattern::Weekly { interval, days }),
        (n(), n()).prop_map(|(interval, day)| Pattern::MonthlyOnDay { interval, day }),
        (n(), week(), weekday()).prop_map(|(interval, week, weekday)| {
            Pattern::MonthlyOnWeekday {
                interval,
                week,
                weekday,
            }
        }),
        (n(), n()).prop_map(|(month, day)| Pattern::YearlyOnDay { month, day }),
        (n(), week(), weekday()).prop_map(|(month, week, weekday)| Pattern::YearlyOnWeekday {
            month,
            week,
            weekday
        }),
    ];
    let range = prop_oneof![
        day().prop_map(|start| Range::NoEnd { start }),
        (day(), day()).prop_map(|(start, end)| Range::Until { start, end }),
        (day(), n()).prop_map(|(start, count)| Range::Times { start, count }),
    ];
    (pattern, range).prop_map(|(pattern, range)| Recurrence { pattern, range })
}

fn mailbox() -> impl Strategy<Value = MailboxValue> {
    (prop::option::of(text()), text()).prop_map(|(name, address)| MailboxValue { name, address })
}

/// One value of every variant.
fn every_value() -> impl Strategy<Value = Vec<Value>> {
    (
        (text(), any::<i64>(), decimal(), any::<bool>()),
        (instant(), day(), any::<u64>()),
        (
            prop::collection::vec(any::<u8>(), 0..32),
            prop::collection::vec(text(), 0..4),
        ),
        (
            mailbox(),
            prop::collection::vec(mailbox(), 0..4),
            recurrence(),
        ),
    )
        .prop_map(
            |(
                (text, integer, decimal, boolean),
                (instant, date, seconds),
                (bytes, texts),
                (mailbox, mailboxes, recurrence),
            )| {
                vec![
                    Value::Text(text),
                    Value::Integer(integer),
                    Value::Decimal(decimal),
                    Value::Boolean(boolean),
                    Value::DateTime(instant),
                    Value::Date(date),
                    Value::Duration(seconds),
                    Value::Binary(bytes),
                    Value::TextList(texts),
                    Value::Mailbox(mailbox),
                    Value::MailboxList(mailboxes),
                    Value::Recurrence(recurrence),
                ]
            },
        )
}

fn options() -> impl Strategy<Value = WriteOptions> {
    (
        select(vec![
            MeetingNotice::None,
            MeetingNotice::All,
            MeetingNotice::AllAndSaveCopy,
            MeetingNotice::ChangedOnly,
        ]),
        select(vec![
            MessageDisposition::Save,
            MessageDisposition::Send,
            MessageDisposition::SendAndSaveCopy,
        ]),
        select(vec![TaskOccurrences::All, TaskOccurrences::CurrentOnly]),
    )
        .prop_map(|(meeting_notice, message, task_occurrences)| WriteOptions {
            meeting_notice,
            message,
            task_occurrences,
        })
}

pub(crate) fn folder() -> impl Strategy<Value = FolderRef> {
    prop_oneof![
        select(WellKnownFolder::ALL.to_vec()).prop_map(FolderRef::WellKnown),
        text().prop_map(FolderRef::Id),
    ]
}

fn record_of(table: Table, values: Vec<Value>) -> Record {
    values
        .into_iter()
        .enumerate()
        .fold(Record::new(table), |record, (i, value)| {
            record.with(format!("Field{i}"), value)
        })
}

proptest! {
    #[test]
    fn a_record_of_every_value_survives_the_wire(
        table in select(Table::ALL.to_vec()),
        values in every_value(),
    ) {
        let record = record_of(table, values);
        prop_assert_eq!(through_wire::<_, proto::Record>(&record).unwrap(), record.clone());
        // Records with some fields, every field and none, in columns.
        let mut some = Record::new(table);
        for (i, (field, value)) in record.values.iter().enumerate() {
            if i % 2 == 1 {
                some.values.insert(field.clone(), value.clone());
            }
        }
        let chunk = RecordChunk {
            records: vec![some, record.clone(), Record::new(table)],
            next_page_token: Some("page-2".into()),
        };
        prop_assert_eq!(through_wire::<_, proto::RecordChunk>(&chunk).unwrap(), chunk);
    }

    #[test]
    fn writes_survive_the_wire(
        table in select(Table::ALL.to_vec()),
        values in every_value(),
        folder in prop::option::of(folder()),
        options in options(),
        change_key in prop::option::of(text()),
        copy in any::<bool>(),
    ) {
        let create = CreateRecord {
            record: record_of(table, values.clone()),
            folder: folder.clone(),
            options,
        };
        prop_assert_eq!(through_wire::<_, proto::CreateRecord>(&create).unwrap(), create);
        let changes = values
            .into_iter()
            .enumerate()
            .map(|(i, value)| match i % 3 {
                0 => FieldChange::Set(format!("Field{i}"), value),
                1 => FieldChange::Append(format!("Field{i}"), value),
                _ => FieldChange::Clear(format!("Field{i}")),
            })
            .collect();
        let update = UpdateRecord {
            table,
            id: "AAMkAD=".into(),
            change_key,
            changes,
            options,
        };
        prop_assert_eq!(through_wire::<_, proto::UpdateRecord>(&update).unwrap(), update);
        for mode in [DeleteMode::Hard, DeleteMode::Soft, DeleteMode::MoveToDeletedItems] {
            let delete = DeleteRecord { table, id: "AAMk".into(), mode, options };
            prop_assert_eq!(through_wire::<_, proto::DeleteRecord>(&delete).unwrap(), delete);
        }
        let transfer = TransferRecord {
            table,
            id: "AAMk".into(),
            folder: folder.unwrap_or(FolderRef::Id("AQMk".into())),
            copy,
        };
        prop_assert_eq!(through_wire::<_, proto::TransferRecord>(&transfer).unwrap(), transfer);
    }
}

#[test]
fn gets_and_keys_survive_the_wire() {
    for key in [
        RecordKey::Id("AAMkAD=".into()),
        RecordKey::PermanentUrl("https://mail/owa/?ItemID=x".into()),
    ] {
        assert_eq!(through_wire::<_, proto::RecordKey>(&key).unwrap(), key);
        let get = GetRecord {
            table: Table::Contact,
            key,
            fields: vec!["DisplayName".into(), "Email1".into()],
        };
        assert_eq!(through_wire::<_, proto::GetRecord>(&get).unwrap(), get);
    }
    for known in WellKnownFolder::ALL {
        let folder = FolderRef::WellKnown(known);
        assert_eq!(
            through_wire::<_, proto::FolderRef>(&folder).unwrap(),
            folder
        );
    }
    let window = TimeWindow::new(
        DateTime::from_timestamp_millis(0).unwrap(),
        DateTime::from_timestamp_millis(86_400_000).unwrap(),
    )
    .unwrap();
    assert_eq!(
        through_wire::<_, proto::TimeWindow>(&window).unwrap(),
        window
    );
}

/// The error of decoding `wire` as a `T`, which must be a typed invalid argument saying `says`.
#[track_caller]
pub(crate) fn refused<T, P>(wire: P, says: &str)
where
    T: TryFrom<P, Error = ApiError> + std::fmt::Debug,
{
    match T::try_from(wire) {
        Err(ApiError::InvalidArgument { what }) => {
            assert!(what.contains(says), "{what:?} does not say {says:?}");
        }
        other => panic!("expected an invalid argument saying {says:?}, got {other:?}"),
    }
}

fn wire_record() -> proto::Record {
    let record = Record::new(Table::Appointment)
        .with("Subject", Value::Text("Review".into()))
        .with(
            "Start",
            Value::Date(NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()),
        );
    proto::Record::from(&record)
}

fn wire_value(kind: proto::value::Kind) -> Option<proto::Value> {
    Some(proto::Value { kind: Some(kind) })
}

#[test]
fn unknown_tables_and_enum_values_are_refused() {
    let mut bad = wire_record();
    bad.table = "Spreadsheet".into();
    refused::<Record, _>(bad, "table: \"Spreadsheet\"");
    let get = proto::GetRecord::from(&GetRecord {
        table: Table::Task,
        key: RecordKey::Id("AAMk".into()),
        fields: vec![],
    });
    refused::<GetRecord, _>(
        proto::GetRecord {
            table: "task".into(),
            ..get
        },
        "not a table",
    );
    let folder = |value| proto::FolderRef {
        folder: Some(proto::folder_ref::Folder::WellKnown(value)),
    };
    refused::<FolderRef, _>(folder(99), "well-known folder: 99");
    refused::<FolderRef, _>(folder(0), "well-known folder is unspecified");
    let delete = proto::DeleteRecord::from(&DeleteRecord {
        table: Table::Message,
        id: "AAMk".into(),
        mode: DeleteMode::Soft,
        options: WriteOptions::default(),
    });
    refused::<DeleteRecord, _>(
        proto::DeleteRecord {
            mode: 4,
            ..delete.clone()
        },
        "mode: 4",
    );
    for (options, says) in [
        (
            proto::WriteOptions {
                meeting_notice: 5,
                ..Default::default()
            },
            "meeting_notice: 5",
        ),
        (
            proto::WriteOptions {
                message: -1,
                ..Default::default()
            },
            "message: -1",
        ),
        (
            proto::WriteOptions {
                task_occurrences: 3,
                ..Default::default()
            },
            "task_occurrences: 3",
        ),
    ] {
        refused::<WriteOptions, _>(options, says);
        refused::<DeleteRecord, _>(
            proto::DeleteRecord {
                options: Some(options),
                ..delete.clone()
            },
            says,
        );
    }
    let daily = Recurrence {
        pattern: Pattern::MonthlyOnWeekday {
            interval: 1,
            week: WeekOfMonth::Last,
            weekday: Weekday::Fri,
        },
        range: Range::NoEnd {
            start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        },
    };
    let wire = proto::Recurrence::from(&daily);
    let with_pattern = |pattern: proto::recurrence_pattern::MonthlyOnWeekday| proto::Recurrence {
        pattern: Some(proto::RecurrencePattern {
            kind: Some(proto::recurrence_pattern::Kind::MonthlyOnWeekday(pattern)),
        }),
        ..wire.clone()
    };
    let good = proto::recurrence_pattern::MonthlyOnWeekday {
        interval: 1,
        week: 5,
        weekday: 5,
    };
    assert_eq!(Recurrence::try_from(with_pattern(good)).unwrap(), daily);
    refused::<Recurrence, _>(
        with_pattern(proto::recurrence_pattern::MonthlyOnWeekday { weekday: 8, ..good }),
        "weekday: 8",
    );
    refused::<Recurrence, _>(
        with_pattern(proto::recurrence_pattern::MonthlyOnWeekday { weekday: 0, ..good }),
        "weekday is unspecified",
    );
    refused::<Recurrence, _>(
        with_pattern(proto::recurrence_pattern::MonthlyOnWeekday { week: 0, ..good }),
        "week is unspecified",
    );
}

#[test]
fn missing_messages_are_refused() {
    refused::<Value, _>(proto::Value { kind: None }, "no type");
    let mut bad = wire_record();
    bad.values[0].value = None;
    refused::<Record, _>(bad, "Start has no value");
    let mut bad = wire_record();
    bad.values[1].value = Some(proto::Value { kind: None });
    refused::<Record, _>(bad, "Subject: a value of no type");
    refused::<RecordKey, _>(proto::RecordKey { key: None }, "names no key");
    refused::<FolderRef, _>(proto::FolderRef { folder: None }, "names no folder");
    refused::<GetRecord, _>(
        proto::GetRecord {
            table: "Contact".into(),
            key: None,
            fields: vec![],
        },
        "key is missing",
    );
    refused::<CreateRecord, _>(proto::CreateRecord::default(), "record is missing");
    refused::<TransferRecord, _>(
        proto::TransferRecord {
            table: "Task".into(),
            id: "AAMk".into(),
            folder: None,
            copy: true,
        },
        "folder is missing",
    );
    refused::<FieldChange, _>(
        proto::FieldChange {
            field: "Subject".into(),
            change: None,
        },
        "change of Subject is missing",
    );
    let recurrence = proto::Recurrence::from(&Recurrence {
        pattern: Pattern::Daily { interval: 2 },
        range: Range::Times {
            start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            count: 3,
        },
    });
    refused::<Recurrence, _>(
        proto::Recurrence {
            pattern: None,
            ..recurrence.clone()
        },
        "pattern is missing",
    );
    refused::<Recurrence, _>(
        proto::Recurrence {
            range: None,
            ..recurrence.clone()
        },
        "range is missing",
    );
    let mut no_end = recurrence.clone();
    no_end.range.as_mut().unwrap().end = None;
    refused::<Recurrence, _>(no_end, "end is missing");
    let mut no_start = recurrence;
    no_start.range.as_mut().unwrap().start = None;
    refused::<Recurrence, _>(no_start, "start is missing");
}

#[test]
fn out_of_range_values_and_repeated_fields_are_refused() {
    use proto::value::Kind;
    let date = |year, month, day| Kind::Date(proto::Date { year, month, day });
    for (kind, says) in [
        (date(2026, 2, 30), "2026-2-30 is not a date"),
        (date(2026, 13, 1), "not a date"),
        (date(2026, 0, 1), "not a date"),
        (date(i32::MAX, 1, 1), "not a date"),
        (Kind::DateTimeMs(i64::MAX), "instant is out of range"),
        (Kind::DateTimeMs(i64::MIN), "out of range"),
        (Kind::Decimal(f64::NAN), "not a finite number"),
        (Kind::Decimal(f64::NEG_INFINITY), "not a finite number"),
    ] {
        let mut bad = wire_record();
        bad.values[0].value = wire_value(kind);
        refused::<Record, _>(bad, says);
    }
    let mut twice = wire_record();
    let subject = twice.values[1].clone();
    twice.values.push(subject);
    refused::<Record, _>(twice, "Subject has two values");
}

fn wire_chunk() -> proto::RecordChunk {
    let start = DateTime::from_timestamp_millis(1_796_000_000_000).unwrap();
    proto::RecordChunk::from(RecordChunk {
        records: vec![
            Record::new(Table::Appointment).with("Subject", Value::Text("Review".into())),
            Record::new(Table::Appointment).with("Start", Value::DateTime(start)),
        ],
        next_page_token: None,
    })
}

#[test]
fn chunks_name_each_field_once_and_have_rows_as_wide_as_their_fields() {
    let chunk = wire_chunk();
    assert_eq!(chunk.table, "Appointment");
    assert_eq!(chunk.fields, ["Start", "Subject"]);
    assert!(chunk.rows.iter().all(|r| r.values.len() == 2));
    // The first record has no start: a value of no type stands for it.
    assert_eq!(chunk.rows[0].values[0].kind, None);
    let decoded = RecordChunk::try_from(chunk).unwrap();
    assert_eq!(decoded.records[0].values.len(), 1);
    // The declared name is shared, not copied.
    let (name, _) = decoded.records[1].values.first_key_value().unwrap();
    assert!(matches!(name, std::borrow::Cow::Borrowed("Start")));

    let mut twice = wire_chunk();
    twice.fields[1] = "Start".into();
    refused::<RecordChunk, _>(twice, "Start is named twice in one chunk");
    for width in [0, 1, 3] {
        let mut ragged = wire_chunk();
        ragged.rows[1].values.resize(width, proto::Value::default());
        refused::<RecordChunk, _>(ragged, &format!("a row of {width} values in a chunk of 2"));
    }
    let mut no_table = wire_chunk();
    no_table.table.clear();
    refused::<RecordChunk, _>(no_table, "table: \"\"");
    let mut bad_value = wire_chunk();
    bad_value.rows[1].values[0] = proto::Value {
        kind: Some(proto::value::Kind::Decimal(f64::NAN)),
    };
    refused::<RecordChunk, _>(bad_value, "Start: a decimal: NaN is not a finite number");
    // A field the table does not declare decodes (the caller checks it against metadata),
    // under an owned name.
    let mut unknown = wire_chunk();
    unknown.fields[1] = "Spreadsheet".into();
    let decoded = RecordChunk::try_from(unknown).unwrap();
    assert!(decoded.records[0].get("Spreadsheet").is_some());
    // No rows: no table is needed, and the page token still arrives.
    let empty = proto::RecordChunk {
        next_page_token: Some("t".into()),
        ..proto::RecordChunk::default()
    };
    let decoded = RecordChunk::try_from(empty).unwrap();
    assert!(decoded.records.is_empty());
    assert_eq!(decoded.next_page_token.as_deref(), Some("t"));
}

#[test]
fn unspecified_options_and_modes_are_the_defaults() {
    assert_eq!(
        WriteOptions::try_from(proto::WriteOptions::default()).unwrap(),
        WriteOptions::default()
    );
    let delete = proto::DeleteRecord {
        table: "Appointment".into(),
        id: "AAMk".into(),
        mode: 0,
        options: None,
    };
    let delete = DeleteRecord::try_from(delete).unwrap();
    assert_eq!(delete.mode, DeleteMode::MoveToDeletedItems);
    assert_eq!(delete.options, WriteOptions::default());
    let create = proto::CreateRecord {
        record: Some(wire_record()),
        folder: None,
        options: None,
    };
    let create = CreateRecord::try_from(create).unwrap();
    assert_eq!(create.options, WriteOptions::default());
    assert_eq!(create.folder, None);
    // Defaults are sent by name, not as UNSPECIFIED.
    let sent = proto::WriteOptions::from(&WriteOptions::default());
    assert_eq!(sent.meeting_notice(), proto::MeetingNotice::None);
    assert_eq!(sent.message(), proto::MessageDisposition::Save);
    assert_eq!(sent.task_occurrences(), proto::TaskOccurrences::All);
    let sent = proto::DeleteRecord::from(&delete);
    assert_eq!(sent.mode(), proto::DeleteMode::MoveToDeletedItems);
}
