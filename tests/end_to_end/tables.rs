//! The conformance suite of the tables area: every item table through query, get (by `ID` and
//! by `PermanentURL`), create, update (with and without a stale change key), move, copy and
//! delete; the folder tree; paging with page tokens; and bad input refused before Exchange is
//! asked. It runs over every transport: in-process, gRPC and gRPC with TLS.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use exchange_connector::tables::{
    ChangesRequest, CreateRecord, DeleteMode, DeleteRecord, FieldChange, Filter, FolderRef,
    GetRecord, MailboxValue, Query, Record, RecordChunk, RecordKey, SortKey, Table, TableQuery,
    TransferRecord, UpdateRecord, Value, WellKnownFolder, WriteOptions, MAX_DEPTH,
};
use exchange_connector::{ApiError, ClientTls, GatewayApi, PortalKey, TransportChoice};
use exchange_testkit::FakeExchange;
use futures_util::TryStreamExt as _;
use mediagateway::Gateway;
use mediagateway_api::{TimeWindow, UserCall};
use mediagateway_grpc::GrpcClient;
use secrecy::SecretString;
use uuid::Uuid;

use crate::support::{data_source, named_data_source, SERVICE};

pub(crate) const ALICE: (&str, &str) = ("alice@contoso.test", "alice-password");
pub(crate) const BOB: (&str, &str) = ("bob@contoso.test", "bob-password");

/// The transport a scenario runs over.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    InProcess,
    Grpc,
    GrpcTls,
}

/// A fake Exchange, a gateway served plain and with TLS, a data source, and two portal users
/// logged in (Alice and Bob), reached over one transport.
pub(crate) struct World {
    pub(crate) fake: FakeExchange,
    pub(crate) api: Arc<dyn GatewayApi>,
    pub(crate) alice: UserCall,
    pub(crate) bob: UserCall,
    key: PortalKey,
    gateway: Arc<Gateway>,
    grpc_port: u16,
    _dir: tempfile::TempDir,
}

impl World {
    pub(crate) async fn start(kind: Kind) -> Self {
        let fake = FakeExchange::builder()
            .user(SERVICE.0, SERVICE.1, SERVICE.0)
            .user(ALICE.0, ALICE.1, ALICE.0)
            .user(BOB.0, BOB.1, BOB.0)
            .start()
            .await
            .expect("the fake Exchange starts on loopback");
        let (gateway, grpc_port, dir) = crate::support::served_gateway().await;
        let (tls_port, fingerprint) =
            crate::support::also_over_tls(gateway.clone(), dir.path()).await;
        let exchange = data_source(TransportChoice::InProcess(gateway.clone()), 0, &fake.url())
            .build()
            .expect("a data source");
        let key = exchange
            .configure_gateway()
            .await
            .expect("the data source is configured")
            .portal_key
            .expect("a new data source's key");
        let exchange = data_source(TransportChoice::InProcess(gateway.clone()), 0, &fake.url())
            .portal_key(key.clone())
            .build()
            .expect("a data source");
        let (alice, bob) = (Uuid::new_v4(), Uuid::new_v4());
        for (user, (name, password)) in [(alice, ALICE), (bob, BOB)] {
            exchange
                .login(user, name, SecretString::from(password))
                .await
                .expect("the login works");
        }
        let api: Arc<dyn GatewayApi> = match kind {
            Kind::InProcess => gateway.clone(),
            Kind::Grpc => Arc::new(
                GrpcClient::builder("127.0.0.1", grpc_port)
                    .build()
                    .expect("a client"),
            ),
            Kind::GrpcTls => Arc::new(
                GrpcClient::builder("127.0.0.1", tls_port)
                    .tls(ClientTls::pinned_fingerprint(&fingerprint).expect("a fingerprint"))
                    .build()
                    .expect("a client"),
            ),
        };
        Self {
            api,
            alice: UserCall::new(key.clone(), "Exchange", alice),
            bob: UserCall::new(key.clone(), "Exchange", bob),
            key,
            fake,
            gateway,
            grpc_port,
            _dir: dir,
        }
    }

    async fn query(
        &self,
        call: &UserCall,
        query: &TableQuery,
    ) -> Result<Vec<RecordChunk>, ApiError> {
        self.api.query(call, query).await?.try_collect().await
    }

    /// Every record of a query, following its page tokens.
    async fn all(&self, call: &UserCall, mut query: TableQuery) -> Vec<Record> {
        let mut records = Vec::new();
        loop {
            let chunks = self.query(call, &query).await.expect("the query works");
            let next = chunks.iter().find_map(|c| c.next_page_token.clone());
            records.extend(chunks.into_iter().flat_map(|c| c.records));
            match next {
                Some(token) => query.query.page_token = Some(token),
                None => return records,
            }
        }
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn text_of<'a>(record: &'a Record, field: &str) -> &'a str {
    match record.get(field) {
        Some(Value::Text(t)) => t,
        other => panic!("{field} is {other:?} in {record:?}"),
    }
}

/// A record of each item table with values of every kind the table has.
fn samples() -> Vec<Record> {
    let start = Utc.with_ymd_and_hms(2026, 12, 8, 9, 0, 0).unwrap();
    vec![
        Record::new(Table::Appointment)
            .with("Subject", text("Design review"))
            .with("Start", Value::DateTime(start))
            .with("End", Value::DateTime(start + chrono::Duration::hours(1)))
            .with("Location", text("Room 4 & <Annex>"))
            .with("Description", text("Agenda: ünïcödé"))
            .with(
                "Categories",
                Value::TextList(vec!["Blue".into(), "Team".into()]),
            )
            .with("Importance", text("High"))
            .with("BusyStatus", text("Tentative")),
        Record::new(Table::Contact)
            .with("Subject", text("Ada Lovelace"))
            .with("GivenName", text("Ada"))
            .with("Surname", text("Lovelace"))
            .with("CompanyName", text("Analytical Engines"))
            .with("Email1", text("ada@example.test"))
            .with("MobilePhone", text("+44 20 7946 0000"))
            .with("BusinessCity", text("London"))
            .with(
                "Birthday",
                Value::Date(NaiveDate::from_ymd_opt(1815, 12, 10).unwrap()),
            ),
        Record::new(Table::Task)
            .with("Subject", text("Write the report"))
            .with("Status", text("InProgress"))
            .with("PercentComplete", Value::Decimal(40.0))
            .with(
                "DueDate",
                Value::Date(NaiveDate::from_ymd_opt(2026, 12, 18).unwrap()),
            ),
        Record::new(Table::Message)
            .with("Subject", text("Minutes"))
            .with("Description", text("See attached."))
            .with(
                "To",
                Value::MailboxList(vec![MailboxValue {
                    name: Some("Bob".into()),
                    address: BOB.0.into(),
                }]),
            ),
        Record::new(Table::Note)
            .with("Subject", text("Call the printer people"))
            .with("Description", text("Call the printer people\nabout toner")),
    ]
}

/// The field each table's update changes, and its new value.
fn change_of(table: Table) -> (&'static str, Value) {
    match table {
        Table::Appointment => ("Location", text("Room 5")),
        Table::Contact => ("JobTitle", text("Countess")),
        Table::Task => ("Status", text("Completed")),
        Table::Message => ("Subject", text("Minutes (corrected)")),
        _ => ("Subject", text("Changed")),
    }
}

/// Where each table's move and copy go.
fn elsewhere(table: Table) -> FolderRef {
    FolderRef::WellKnown(match table {
        Table::Message => WellKnownFolder::Drafts,
        _ => WellKnownFolder::DeletedItems,
    })
}

async fn every_item_table(kind: Kind) {
    let world = World::start(kind).await;
    let call = &world.alice;
    for sample in samples() {
        let table = sample.table;
        let created = world
            .api
            .create_record(call, &CreateRecord::new(sample.clone()))
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        let id = text_of(&created, "ID").to_owned();
        let permanent = text_of(&created, "PermanentURL").to_owned();
        let etag = text_of(&created, "ETag").to_owned();
        for (field, value) in &sample.values {
            // Exchange may add to a body (line ends, HTML); the rest comes back as written.
            if field != "Description" {
                assert_eq!(created.get(field), Some(value), "{table}.{field}");
            }
        }

        // Read by ID, by PermanentURL, with a field selection.
        let get = |key: RecordKey, fields: Vec<String>| GetRecord { table, key, fields };
        let by_id = world
            .api
            .get_record(call, &get(RecordKey::Id(id.clone()), vec![]))
            .await
            .unwrap();
        assert_eq!(text_of(&by_id, "PermanentURL"), permanent, "{table}");
        let by_key = world
            .api
            .get_record(
                call,
                &get(
                    RecordKey::PermanentUrl(permanent.clone()),
                    vec!["Subject".into()],
                ),
            )
            .await
            .unwrap();
        assert_eq!(text_of(&by_key, "ID"), id, "{table}");
        assert_eq!(by_key.get("Subject"), sample.get("Subject"), "{table}");
        assert!(by_key.get("Importance").is_none(), "{table}: not selected");

        // Found by a filter on its subject.
        let mut query = Query::new(10);
        query.filter = Some(Filter::Compare {
            field: "Subject".into(),
            op: exchange_connector::tables::Comparison::Equal,
            value: exchange_connector::tables::Literal::Text(
                text_of(&sample, "Subject").to_owned(),
            ),
        });
        let found = world.all(call, TableQuery::new(table, query)).await;
        assert_eq!(found.len(), 1, "{table}: {found:?}");
        assert_eq!(text_of(&found[0], "ID"), id);

        // Updated with its change key; the old key is then stale.
        let (field, value) = change_of(table);
        let update = UpdateRecord {
            table,
            id: id.clone(),
            change_key: Some(etag.clone()),
            changes: vec![FieldChange::Set(field.into(), value.clone())],
            options: WriteOptions::default(),
        };
        let updated = world.api.update_record(call, &update).await.unwrap();
        assert_eq!(updated.get(field), Some(&value), "{table}");
        assert_ne!(text_of(&updated, "ETag"), etag, "{table}: a new change key");
        let before = world.fake.request_count("UpdateItem");
        let err = world.api.update_record(call, &update).await.unwrap_err();
        assert!(matches!(err, ApiError::Conflict { .. }), "{table}: {err}");
        assert_eq!(world.fake.request_count("UpdateItem"), before + 1);
        let reread = world
            .api
            .get_record(call, &get(RecordKey::Id(id.clone()), vec![]))
            .await
            .unwrap();
        assert_eq!(
            reread.get(field),
            Some(&value),
            "{table}: the conflict changed nothing"
        );

        // Moved: a new ID, the same PermanentURL, found by it in its new folder.
        let moved = world
            .api
            .transfer_record(
                call,
                &TransferRecord {
                    table,
                    id: id.clone(),
                    folder: elsewhere(table),
                    copy: false,
                },
            )
            .await
            .unwrap();
        let moved_id = text_of(&moved, "ID").to_owned();
        assert_ne!(moved_id, id, "{table}");
        assert_eq!(text_of(&moved, "PermanentURL"), permanent, "{table}");
        let found = world
            .api
            .get_record(
                call,
                &get(RecordKey::PermanentUrl(permanent.clone()), vec![]),
            )
            .await
            .unwrap();
        assert_eq!(text_of(&found, "ID"), moved_id, "{table}");
        let err = world
            .api
            .get_record(call, &get(RecordKey::Id(id.clone()), vec![]))
            .await
            .unwrap_err();
        assert!(err.is_not_found(), "{table}: {err}");

        // Copied: a record of its own, with a PermanentURL of its own.
        let copy = world
            .api
            .transfer_record(
                call,
                &TransferRecord {
                    table,
                    id: moved_id.clone(),
                    folder: FolderRef::WellKnown(WellKnownFolder::default_for(table)),
                    copy: true,
                },
            )
            .await
            .unwrap();
        assert_ne!(text_of(&copy, "PermanentURL"), permanent, "{table}");
        assert_eq!(copy.get("Subject"), updated.get("Subject"), "{table}");

        // Deleted for good, both.
        for (gone, mode) in [
            (moved_id, DeleteMode::Hard),
            (
                text_of(&copy, "ID").to_owned(),
                DeleteMode::MoveToDeletedItems,
            ),
        ] {
            world
                .api
                .delete_record(
                    call,
                    &DeleteRecord {
                        table,
                        id: gone.clone(),
                        mode,
                        options: WriteOptions::default(),
                    },
                )
                .await
                .unwrap();
            if mode == DeleteMode::Hard {
                let err = world
                    .api
                    .get_record(call, &get(RecordKey::Id(gone), vec![]))
                    .await
                    .unwrap_err();
                assert!(err.is_not_found(), "{table}: {err}");
            }
        }
    }
}

async fn pages_and_their_tokens(kind: Kind) {
    let world = World::start(kind).await;
    let call = &world.alice;
    for n in 0..7 {
        let record = Record::new(Table::Contact)
            .with("Surname", text(&format!("Person {n}")))
            .with("Subject", text(&format!("Person {n}")));
        world
            .api
            .create_record(call, &CreateRecord::new(record))
            .await
            .unwrap();
    }
    let mut query = Query::new(3);
    query.sort = vec![SortKey {
        field: "Surname".into(),
        descending: true,
    }];
    query.fields = vec!["Surname".into()];
    let query = TableQuery::new(Table::Contact, query);
    let first = world.query(call, &query).await.unwrap();
    let token = first
        .iter()
        .find_map(|c| c.next_page_token.clone())
        .expect("a second page");
    assert_eq!(first.iter().map(|c| c.records.len()).sum::<usize>(), 3);
    let all = world.all(call, query.clone()).await;
    let names: Vec<&str> = all.iter().map(|r| text_of(r, "Surname")).collect();
    assert_eq!(
        names,
        ["Person 6", "Person 5", "Person 4", "Person 3", "Person 2", "Person 1", "Person 0"]
    );
    assert!(
        all[0].get("CompanyName").is_none(),
        "only the selected fields"
    );

    // The token works for its user, data source and query only; a forged one not at all.
    let finds = world.fake.request_count("FindItem");
    let mut continued = query.clone();
    continued.query.page_token = Some(token.clone());
    let mut other_query = continued.clone();
    other_query.query.filter = Some(Filter::parse("Surname exists").unwrap());
    let mut forged = continued.clone();
    let mut bytes = token.clone().into_bytes();
    bytes[5] = if bytes[5] == b'A' { b'B' } else { b'A' };
    forged.query.page_token = Some(String::from_utf8(bytes).unwrap());
    let other_source = UserCall::new(world.key.clone(), "Exchange2", world.alice.portal_user);
    for (what, call, query) in [
        ("another user", &world.bob, &continued),
        ("another query", &world.alice, &other_query),
        ("a forged token", &world.alice, &forged),
    ] {
        let err = world.query(call, query).await.unwrap_err();
        assert!(
            matches!(err, ApiError::InvalidArgument { .. }),
            "{what}: {err}"
        );
    }
    let err = world.query(&other_source, &continued).await.unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::PortalKeyIncorrect | ApiError::UnknownDataSource { .. }
        ),
        "another data source: {err}"
    );
    assert_eq!(world.fake.request_count("FindItem"), finds, "nothing sent");
}

async fn a_token_of_another_data_source_is_refused(kind: Kind) {
    let world = World::start(kind).await;
    // A second data source on the same gateway and Exchange, with a key of its own.
    let second = named_data_source(
        "Exchange2",
        TransportChoice::InProcess(world.gateway.clone()),
        0,
        &world.fake.url(),
    )
    .build()
    .unwrap();
    let key = second
        .configure_gateway()
        .await
        .unwrap()
        .portal_key
        .unwrap();
    let second = named_data_source(
        "Exchange2",
        TransportChoice::InProcess(world.gateway.clone()),
        0,
        &world.fake.url(),
    )
    .portal_key(key.clone())
    .build()
    .unwrap();
    let user = world.alice.portal_user;
    second
        .login(user, ALICE.0, SecretString::from(ALICE.1))
        .await
        .unwrap();
    for n in 0..3 {
        let record = Record::new(Table::Contact).with("Surname", text(&format!("P{n}")));
        world
            .api
            .create_record(&world.alice, &CreateRecord::new(record))
            .await
            .unwrap();
    }
    let query = TableQuery::new(Table::Contact, Query::new(1));
    let first = world.query(&world.alice, &query).await.unwrap();
    let token = first
        .iter()
        .find_map(|c| c.next_page_token.clone())
        .unwrap();
    let mut continued = query;
    continued.query.page_token = Some(token);
    let other = UserCall::new(key, "Exchange2", user);
    let err = world.query(&other, &continued).await.unwrap_err();
    assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err}");
    let _ = world.grpc_port;
}

async fn bad_input_never_reaches_exchange(kind: Kind) {
    let world = World::start(kind).await;
    let call = &world.alice;
    let sent = world.fake.logged_requests().len();
    let mut deep = Filter::parse("Subject exists").unwrap();
    for _ in 0..MAX_DEPTH + 1 {
        deep = Filter::Not(Box::new(deep));
    }
    let queries: Vec<(&str, TableQuery)> = vec![
        ("an unknown field", {
            let mut q = Query::new(10);
            q.filter = Some(Filter::parse(r#"Nope = "x""#).unwrap());
            TableQuery::new(Table::Contact, q)
        }),
        ("a wrong value type", {
            let mut q = Query::new(10);
            q.filter = Some(Filter::parse("Surname = 3").unwrap());
            TableQuery::new(Table::Contact, q)
        }),
        ("a sort on a field that does not allow it", {
            let mut q = Query::new(10);
            q.sort = vec![SortKey {
                field: "PermanentURL".into(),
                descending: false,
            }];
            TableQuery::new(Table::Contact, q)
        }),
        ("a filter on a field that does not allow it", {
            let mut q = Query::new(10);
            q.filter = Some(Filter::parse("Recurrence exists").unwrap());
            TableQuery::new(Table::Appointment, q)
        }),
        ("a filter nested too deep", {
            let mut q = Query::new(10);
            q.filter = Some(deep);
            TableQuery::new(Table::Contact, q)
        }),
        ("a window over the maximum", {
            let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
            let mut q = TableQuery::new(Table::Appointment, Query::new(10));
            q.window = Some(TimeWindow::new(start, start + chrono::Duration::days(5000)).unwrap());
            q
        }),
        (
            "a page too large",
            TableQuery::new(Table::Contact, Query::new(5000)),
        ),
    ];
    for (what, query) in queries {
        let err = world.query(call, &query).await.unwrap_err();
        assert!(
            matches!(
                err,
                ApiError::InvalidArgument { .. } | ApiError::LimitExceeded { .. }
            ),
            "{what}: {err}"
        );
    }
    let writes: Vec<(&str, Record)> = vec![
        (
            "a wrong value type",
            Record::new(Table::Contact).with("Surname", Value::Integer(3)),
        ),
        (
            "a read-only field",
            Record::new(Table::Contact).with("ETag", text("x")),
        ),
        (
            "an unknown field",
            Record::new(Table::Contact).with("Nope", text("x")),
        ),
        (
            "a subject past the limit",
            Record::new(Table::Contact).with("Surname", text(&"x".repeat(1 << 20))),
        ),
    ];
    for (what, record) in writes {
        let err = world
            .api
            .create_record(call, &CreateRecord::new(record))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                ApiError::InvalidArgument { .. } | ApiError::LimitExceeded { .. }
            ),
            "{what}: {err}"
        );
    }
    assert_eq!(
        world.fake.logged_requests().len(),
        sent,
        "nothing was sent to Exchange"
    );
}

async fn the_folder_tree(kind: Kind) {
    let world = World::start(kind).await;
    let call = &world.alice;
    let record = samples().remove(0);
    world
        .api
        .create_record(call, &CreateRecord::new(record))
        .await
        .unwrap();
    let mut query = Query::new(100);
    query.filter = Some(Filter::parse(r#"FolderClass starts with "IPF.Appointment""#).unwrap());
    let folders = world.all(call, TableQuery::new(Table::Folder, query)).await;
    let calendar = folders
        .iter()
        .find(|f| f.get("DisplayName") == Some(&text("Calendar")))
        .unwrap_or_else(|| panic!("{folders:?}"));
    assert_eq!(calendar.get("TotalCount"), Some(&Value::Integer(1)));
    let id = text_of(calendar, "ID").to_owned();
    let read = world
        .api
        .get_record(
            call,
            &GetRecord {
                table: Table::Folder,
                key: RecordKey::Id(id),
                fields: vec![],
            },
        )
        .await
        .unwrap();
    assert_eq!(read.get("DisplayName"), Some(&text("Calendar")));
}

/// Files attached to a contact and to a task through the Attachment table: added, listed by
/// their item, read with their content, one too large refused before Exchange is asked, an
/// item attached as a copy, and deleted.
async fn attachments_of_contacts_and_tasks(kind: Kind) {
    let world = World::start(kind).await;
    let call = &world.alice;
    let parents: Vec<Record> = samples()
        .into_iter()
        .filter(|r| matches!(r.table, Table::Contact | Table::Task))
        .collect();
    let note = world
        .api
        .create_record(call, &CreateRecord::new(samples().remove(4)))
        .await
        .unwrap();
    for parent in parents {
        let table = parent.table;
        let parent = world
            .api
            .create_record(call, &CreateRecord::new(parent))
            .await
            .unwrap();
        let item = text_of(&parent, "ID").to_owned();
        let content = format!("the {table}'s file: \u{fc}\0\u{7f}").into_bytes();
        let file = Record::new(Table::Attachment)
            .with("FKItemID", text(&item))
            .with("Name", text("notes.txt"))
            .with("ContentType", text("text/plain"))
            .with("Value", Value::Binary(content.clone()));
        let added = world
            .api
            .create_record(call, &CreateRecord::new(file.clone()))
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        assert_eq!(added.get("Name"), Some(&text("notes.txt")), "{table}");
        assert_eq!(added.get("IsFile"), Some(&Value::Boolean(true)));
        assert_eq!(text_of(&added, "FKItemID"), item);
        assert!(
            added.get("Value").is_none(),
            "{table}: no content in a listing"
        );
        let id = text_of(&added, "ID").to_owned();

        // The item's id changes with its attachments (a new change key, the same id).
        let by_item = |extra: &str| {
            let mut query = Query::new(10);
            query.filter = Some(Filter::parse(&format!(r#"FKItemID = "{item}"{extra}"#)).unwrap());
            TableQuery::new(Table::Attachment, query)
        };
        let listed = world.all(call, by_item("")).await;
        assert_eq!(listed.len(), 1, "{table}: {listed:?}");
        assert_eq!(text_of(&listed[0], "ID"), id);
        assert!(listed[0].get("Value").is_none());
        assert!(world
            .all(call, by_item(r#" and Name = "other.txt""#))
            .await
            .is_empty());

        let get = |fields: Vec<String>| GetRecord {
            table: Table::Attachment,
            key: RecordKey::Id(id.clone()),
            fields,
        };
        let read = world.api.get_record(call, &get(vec![])).await.unwrap();
        assert_eq!(read.get("Value"), Some(&Value::Binary(content.clone())));
        assert_eq!(read.get("ContentType"), Some(&text("text/plain")));
        assert_eq!(
            read.get("FKItemID"),
            Some(&text(&item)),
            "its item, read by ID"
        );
        let without = world
            .api
            .get_record(call, &get(vec!["Name".into()]))
            .await
            .unwrap();
        assert!(without.get("Value").is_none() && without.get("Name").is_some());

        // Too large: refused by the gateway, nothing sent.
        let sent = world.fake.logged_requests().len();
        let huge = file
            .clone()
            .with("Value", Value::Binary(vec![7; 3 * 1024 * 1024 + 1]));
        let err = world
            .api
            .create_record(call, &CreateRecord::new(huge))
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::LimitExceeded { .. }), "{err}");
        assert_eq!(world.fake.logged_requests().len(), sent, "nothing was sent");

        // An item of the mailbox attached as a copy.
        let mut copy = file.clone().with("ItemID", text(text_of(&note, "ID")));
        copy.values.remove("Value");
        copy.values.remove("ContentType");
        let attached = world
            .api
            .create_record(call, &CreateRecord::new(copy))
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        assert_eq!(attached.get("IsFile"), Some(&Value::Boolean(false)));
        assert_eq!(world.all(call, by_item("")).await.len(), 2);

        // Changes and moves of attachments are not supported; deletes are.
        let update = UpdateRecord {
            table: Table::Attachment,
            id: id.clone(),
            change_key: None,
            changes: vec![FieldChange::Set("Name".into(), text("x.txt"))],
            options: WriteOptions::default(),
        };
        let err = world.api.update_record(call, &update).await.unwrap_err();
        assert!(matches!(err, ApiError::NotSupported { .. }), "{err}");
        for attachment in [id.clone(), text_of(&attached, "ID").to_owned()] {
            world
                .api
                .delete_record(
                    call,
                    &DeleteRecord {
                        table: Table::Attachment,
                        id: attachment,
                        mode: DeleteMode::Hard,
                        options: WriteOptions::default(),
                    },
                )
                .await
                .unwrap();
        }
        assert!(world.all(call, by_item("")).await.is_empty(), "{table}");
        let err = world.api.get_record(call, &get(vec![])).await.unwrap_err();
        assert!(matches!(err, ApiError::ItemNotFound { .. }), "{err}");
    }
    // A query of attachments without its item is refused before Exchange is asked.
    let sent = world.fake.logged_requests().len();
    let err = world
        .query(call, &TableQuery::new(Table::Attachment, Query::new(10)))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err}");
    assert_eq!(world.fake.logged_requests().len(), sent);
}

/// Folders written through the Folder table: a subfolder of Contacts created, renamed,
/// moved, given a contact and queried, then deleted with what it holds.
async fn folders_written(kind: Kind) {
    let world = World::start(kind).await;
    let call = &world.alice;
    let mut create = CreateRecord::new(
        Record::new(Table::Folder)
            .with("DisplayName", text("Clients"))
            .with("FolderClass", text("IPF.Contact")),
    );
    create.folder = Some(FolderRef::WellKnown(WellKnownFolder::Contacts));
    let folder = world.api.create_record(call, &create).await.unwrap();
    assert_eq!(folder.get("DisplayName"), Some(&text("Clients")));
    assert_eq!(folder.get("ParentName"), Some(&text("Contacts")));
    assert_eq!(folder.get("FolderClass"), Some(&text("IPF.Contact")));
    let id = text_of(&folder, "ID").to_owned();

    let rename = UpdateRecord {
        table: Table::Folder,
        id: id.clone(),
        change_key: Some(text_of(&folder, "ETag").to_owned()),
        changes: vec![FieldChange::Set("DisplayName".into(), text("Key clients"))],
        options: WriteOptions::default(),
    };
    let renamed = world.api.update_record(call, &rename).await.unwrap();
    assert_eq!(renamed.get("DisplayName"), Some(&text("Key clients")));
    assert_ne!(renamed.get("ETag"), folder.get("ETag"), "a new change key");
    let mut reclass = rename.clone();
    reclass.changes = vec![FieldChange::Set("FolderClass".into(), text("IPF.Task"))];
    let err = world.api.update_record(call, &reclass).await.unwrap_err();
    assert!(matches!(err, ApiError::NotSupported { .. }), "{err}");

    let transfer = |copy| TransferRecord {
        table: Table::Folder,
        id: id.clone(),
        folder: FolderRef::WellKnown(WellKnownFolder::Top),
        copy,
    };
    let moved = world
        .api
        .transfer_record(call, &transfer(false))
        .await
        .unwrap();
    assert_eq!(
        text_of(&moved, "ID"),
        id,
        "a folder keeps its id when moved"
    );
    assert_eq!(
        moved.get("ParentName"),
        Some(&text("Top of Information Store"))
    );
    let err = world
        .api
        .transfer_record(call, &transfer(true))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::NotSupported { .. }), "{err}");

    let mut contact = CreateRecord::new(samples().remove(1));
    contact.folder = Some(FolderRef::Id(id.clone()));
    let stored = world.api.create_record(call, &contact).await.unwrap();
    let mut query = TableQuery::new(Table::Contact, Query::new(10));
    query.folder = Some(FolderRef::Id(id.clone()));
    let found = world.all(call, query.clone()).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(text_of(&found[0], "ID"), text_of(&stored, "ID"));
    let default = world
        .all(call, TableQuery::new(Table::Contact, Query::new(10)))
        .await;
    assert!(default.is_empty(), "not in Contacts: {default:?}");
    let mut listed = Query::new(100);
    listed.filter = Some(Filter::parse(r#"DisplayName = "Key clients""#).unwrap());
    let folders = world
        .all(call, TableQuery::new(Table::Folder, listed))
        .await;
    assert_eq!(folders.len(), 1, "{folders:?}");
    assert_eq!(folders[0].get("TotalCount"), Some(&Value::Integer(1)));

    world
        .api
        .delete_record(
            call,
            &DeleteRecord {
                table: Table::Folder,
                id: id.clone(),
                mode: DeleteMode::Hard,
                options: WriteOptions::default(),
            },
        )
        .await
        .unwrap();
    let get = GetRecord {
        table: Table::Folder,
        key: RecordKey::Id(id.clone()),
        fields: vec![],
    };
    let err = world.api.get_record(call, &get).await.unwrap_err();
    assert!(matches!(err, ApiError::ItemNotFound { .. }), "{err}");
    let err = world
        .api
        .get_record(
            call,
            &GetRecord {
                table: Table::Contact,
                key: RecordKey::Id(text_of(&stored, "ID").to_owned()),
                fields: vec![],
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::ItemNotFound { .. }), "{err}");
    // Bob cannot see or change Alice's folders.
    let err = world.api.get_record(&world.bob, &get).await.unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::ItemNotFound { .. } | ApiError::Exchange { .. }
        ),
        "{err}"
    );
}

/// Changes of the contacts folder since a state: each creation, change and deletion seen
/// once in its list; a forged state, and another user's, refused before Exchange is asked.
async fn changes_since_a_state(kind: Kind) {
    let world = World::start(kind).await;
    let call = &world.alice;
    let first = world
        .api
        .changes(call, &ChangesRequest::new(Table::Contact, 100))
        .await
        .unwrap();
    assert!(
        first.created.is_empty() && first.deleted.is_empty(),
        "{first:?}"
    );
    assert!(!first.more);
    let create = |name: &str| {
        CreateRecord::new(
            Record::new(Table::Contact)
                .with("Subject", text(name))
                .with("Surname", text(name)),
        )
    };
    let kept = world
        .api
        .create_record(call, &create("Kept"))
        .await
        .unwrap();
    let changed = world
        .api
        .create_record(call, &create("Changed"))
        .await
        .unwrap();
    let gone = world
        .api
        .create_record(call, &create("Gone"))
        .await
        .unwrap();
    let second = world
        .api
        .changes(call, &{
            let mut request = ChangesRequest::new(Table::Contact, 100);
            request.sync_state = Some(first.sync_state.clone());
            request
        })
        .await
        .unwrap();
    let ids = |records: &[Record]| -> Vec<String> {
        let mut ids: Vec<String> = records
            .iter()
            .map(|r| text_of(r, "ID").to_owned())
            .collect();
        ids.sort();
        ids
    };
    let mut made = vec![
        text_of(&kept, "ID").to_owned(),
        text_of(&changed, "ID").to_owned(),
        text_of(&gone, "ID").to_owned(),
    ];
    made.sort();
    assert_eq!(ids(&second.created), made);
    assert!(second.updated.is_empty() && second.deleted.is_empty());
    assert_eq!(second.created[0].table, Table::Contact);

    let update = UpdateRecord {
        table: Table::Contact,
        id: text_of(&changed, "ID").to_owned(),
        change_key: None,
        changes: vec![FieldChange::Set("JobTitle".into(), text("Engineer"))],
        options: WriteOptions::default(),
    };
    world.api.update_record(call, &update).await.unwrap();
    world
        .api
        .delete_record(
            call,
            &DeleteRecord {
                table: Table::Contact,
                id: text_of(&gone, "ID").to_owned(),
                mode: DeleteMode::Hard,
                options: WriteOptions::default(),
            },
        )
        .await
        .unwrap();
    let mut request = ChangesRequest::new(Table::Contact, 100);
    request.sync_state = Some(second.sync_state.clone());
    request.fields = vec!["JobTitle".into()];
    let third = world.api.changes(call, &request).await.unwrap();
    assert!(third.created.is_empty(), "{third:?}");
    assert_eq!(ids(&third.updated), [text_of(&changed, "ID").to_owned()]);
    assert_eq!(third.updated[0].get("JobTitle"), Some(&text("Engineer")));
    assert!(third.updated[0].get("Surname").is_none(), "not selected");
    assert_eq!(third.deleted, [text_of(&gone, "ID").to_owned()]);
    request.sync_state = Some(third.sync_state.clone());
    let quiet = world.api.changes(call, &request).await.unwrap();
    assert!(quiet.created.is_empty() && quiet.updated.is_empty() && quiet.deleted.is_empty());

    // A forged state, another user's, another table's: refused, nothing sent.
    let sent = world.fake.logged_requests().len();
    let mut forged = third.sync_state.clone().into_bytes();
    let at = forged.len() / 2;
    forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    for (who, state, table) in [
        (call, forged.as_str(), Table::Contact),
        (&world.bob, third.sync_state.as_str(), Table::Contact),
        (call, third.sync_state.as_str(), Table::Task),
        (call, "not a state", Table::Contact),
    ] {
        let mut request = ChangesRequest::new(table, 10);
        request.sync_state = Some(state.to_owned());
        let err = world.api.changes(who, &request).await.unwrap_err();
        assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err}");
    }
    let mut in_folder = ChangesRequest::new(Table::Contact, 10);
    in_folder.sync_state = Some(third.sync_state.clone());
    in_folder.folder = Some(FolderRef::WellKnown(WellKnownFolder::DeletedItems));
    assert!(world.api.changes(call, &in_folder).await.is_err());
    assert_eq!(world.fake.logged_requests().len(), sent, "nothing was sent");
}

/// A weekly series in the data source's zone (Europe/Berlin) across the end of summer time:
/// every occurrence read through the gateway starts at 09:00 local time, so 07:00 UTC before
/// 25 October 2026 and 08:00 UTC after.
async fn a_series_across_the_change_to_winter_time(kind: Kind) {
    use chrono::{Timelike as _, Weekday};
    use exchange_connector::tables::{Pattern, Range, Recurrence};

    let world = World::start(kind).await;
    let call = &world.alice;
    let first = Utc.with_ymd_and_hms(2026, 10, 19, 7, 0, 0).unwrap();
    let series = Record::new(Table::Appointment)
        .with("Subject", text("Jour fixe"))
        .with("Start", Value::DateTime(first))
        .with("End", Value::DateTime(first + chrono::Duration::hours(1)))
        .with(
            "Recurrence",
            Value::Recurrence(Recurrence {
                pattern: Pattern::Weekly {
                    interval: 1,
                    days: vec![Weekday::Mon],
                },
                range: Range::Times {
                    start: NaiveDate::from_ymd_opt(2026, 10, 19).unwrap(),
                    count: 4,
                },
            }),
        );
    world
        .api
        .create_record(call, &CreateRecord::new(series))
        .await
        .unwrap();
    let mut query = TableQuery::new(Table::Appointment, {
        let mut q = Query::new(50);
        q.sort = vec![SortKey {
            field: "Start".into(),
            descending: false,
        }];
        q.fields = vec!["Start".into(), "End".into(), "CalendarItemType".into()];
        q
    });
    let window_start = Utc.with_ymd_and_hms(2026, 10, 18, 0, 0, 0).unwrap();
    query.window =
        Some(TimeWindow::new(window_start, window_start + chrono::Duration::days(28)).unwrap());
    let occurrences = world.all(call, query).await;
    let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    let starts: Vec<chrono::DateTime<Utc>> = occurrences
        .iter()
        .map(|r| match r.get("Start") {
            Some(Value::DateTime(start)) => *start,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(starts.len(), 4, "{occurrences:?}");
    for start in &starts {
        let local = start.with_timezone(&berlin);
        assert_eq!(
            (local.hour(), local.minute()),
            (9, 0),
            "{start} is {local} in Berlin"
        );
    }
    assert_eq!(starts[0].hour(), 7, "summer time");
    assert_eq!(starts[3].hour(), 8, "winter time");
    assert!(occurrences
        .iter()
        .all(|r| r.get("CalendarItemType") == Some(&text("Occurrence"))));
}

macro_rules! over_every_transport {
    ($($scenario:ident),+ $(,)?) => {
        mod in_process {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $scenario() {
                super::$scenario(super::Kind::InProcess).await;
            })+
        }
        mod grpc {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $scenario() {
                super::$scenario(super::Kind::Grpc).await;
            })+
        }
        mod grpc_tls {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $scenario() {
                super::$scenario(super::Kind::GrpcTls).await;
            })+
        }
    };
}

over_every_transport!(
    every_item_table,
    pages_and_their_tokens,
    a_token_of_another_data_source_is_refused,
    bad_input_never_reaches_exchange,
    the_folder_tree,
    attachments_of_contacts_and_tasks,
    folders_written,
    changes_since_a_state,
    a_series_across_the_change_to_winter_time,
);
