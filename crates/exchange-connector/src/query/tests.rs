//! Querysets against a tables area in memory that serves fixed pages and keeps every request.

use std::sync::Mutex;

use chrono::TimeZone;
use mediagateway_api::tables::{
    Comparison, Literal, MailboxValue, Value, WellKnownFolder, MAX_PAGE_SIZE,
};
use mediagateway_api::{PortalCall, PortalKey};
use uuid::Uuid;

use super::*;
use crate::records::{Contact, Message, TableRow};

/// Serves `pages[0]` to a query without a token and `pages[i]` to one with token `page-i`;
/// each page's last chunk carries the next page's token. Keeps what it was asked.
#[derive(Default)]
struct Fake {
    pages: Vec<Vec<Vec<Record>>>,
    queries: Mutex<Vec<TableQuery>>,
    updates: Mutex<Vec<UpdateRecord>>,
    stored: Option<Record>,
    /// Every page but the last ends with the token of the second page.
    stuck: bool,
}

fn token(page: usize) -> String {
    format!("page-{page}")
}

#[async_trait::async_trait]
impl TablesApi for Fake {
    async fn metadata(
        &self,
        _: &PortalCall,
    ) -> Result<Vec<mediagateway_api::tables::TableInfo>, ApiError> {
        Ok(Table::ALL.iter().map(|t| t.metadata()).collect())
    }

    async fn get_record(&self, _: &UserCall, get: &GetRecord) -> Result<Record, ApiError> {
        self.stored.clone().ok_or_else(|| ApiError::ItemNotFound {
            id: get.key.as_str().to_owned(),
        })
    }

    async fn create_record(&self, _: &UserCall, create: &CreateRecord) -> Result<Record, ApiError> {
        Ok(create
            .record
            .clone()
            .with("ID", Value::Text("AAMk-new".into())))
    }

    async fn update_record(&self, _: &UserCall, update: &UpdateRecord) -> Result<Record, ApiError> {
        self.updates.lock().unwrap().push(update.clone());
        self.stored.clone().ok_or(ApiError::Conflict {
            id: update.id.clone(),
        })
    }

    async fn delete_record(&self, _: &UserCall, _: &DeleteRecord) -> Result<(), ApiError> {
        Ok(())
    }

    async fn transfer_record(
        &self,
        _: &UserCall,
        transfer: &TransferRecord,
    ) -> Result<Record, ApiError> {
        Err(ApiError::ItemNotFound {
            id: transfer.id.clone(),
        })
    }

    async fn changes(
        &self,
        _: &UserCall,
        request: &ChangesRequest,
    ) -> Result<mediagateway_api::tables::Changes, ApiError> {
        Ok(mediagateway_api::tables::Changes {
            created: self.stored.clone().into_iter().collect(),
            sync_state: format!("after-{}", request.sync_state.as_deref().unwrap_or("start")),
            ..Default::default()
        })
    }

    async fn query(
        &self,
        _: &UserCall,
        query: &TableQuery,
    ) -> Result<ApiStream<RecordChunk>, ApiError> {
        self.queries.lock().unwrap().push(query.clone());
        let page = match query.query.page_token.as_deref() {
            None => 0,
            Some(token) => token
                .strip_prefix("page-")
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| ApiError::invalid("not a page token"))?,
        };
        let chunks = self.pages.get(page).cloned().unwrap_or_default();
        let last = chunks.len().saturating_sub(1);
        let more = page + 1 < self.pages.len();
        let chunks: Vec<Result<RecordChunk, ApiError>> = chunks
            .into_iter()
            .enumerate()
            .map(|(i, records)| {
                Ok(RecordChunk {
                    records,
                    next_page_token: (i == last && more)
                        .then(|| token(if self.stuck { 1 } else { page + 1 })),
                })
            })
            .collect();
        Ok(Box::pin(stream::iter(chunks)))
    }
}

fn contact(n: usize) -> Record {
    Record::new(Table::Contact)
        .with("ID", Value::Text(format!("AAMk{n}")))
        .with("Surname", Value::Text(format!("Surname {n}")))
}

/// Three pages of contacts 0 to 5: the first in two chunks.
fn three_pages() -> Fake {
    Fake {
        pages: vec![
            vec![vec![contact(0)], vec![contact(1)]],
            vec![vec![contact(2), contact(3)]],
            vec![vec![contact(4), contact(5)]],
        ],
        ..Fake::default()
    }
}

fn records<T: Row>(fake: &Arc<Fake>, table: Table) -> Records<T> {
    let call = UserCall::new(PortalKey::from("mgk1.test"), "Exchange", Uuid::nil());
    let api: Arc<dyn TablesApi> = fake.clone();
    Records::new(Tables::new(api, move || call.clone()), table)
}

fn surnames(rows: &[Contact]) -> Vec<&str> {
    rows.iter().filter_map(|c| c.surname.as_deref()).collect()
}

#[tokio::test]
async fn a_stream_follows_the_page_tokens_to_the_end() {
    let fake = Arc::new(three_pages());
    let rows: Vec<Contact> = records(&fake, Table::Contact)
        .filter(r#"Surname starts with "Surname""#)
        .order_by("Surname")
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        surnames(&rows),
        (0..6).map(|n| format!("Surname {n}")).collect::<Vec<_>>()
    );
    let queries = fake.queries.lock().unwrap();
    let tokens: Vec<_> = queries.iter().map(|q| q.query.page_token.clone()).collect();
    assert_eq!(tokens, [None, Some(token(1)), Some(token(2))]);
}

#[tokio::test]
async fn the_next_page_is_the_same_query_with_the_token_the_page_ended_with() {
    let fake = Arc::new(three_pages());
    let contacts = records::<Contact>(&fake, Table::Contact)
        .filter(r#"Surname starts with "S""#)
        .filter("Size > 10")
        .order_by("-Surname")
        .only(&["Surname", "GivenName"])
        .page_size(2)
        .in_folder(FolderRef::WellKnown(WellKnownFolder::Contacts));
    let first = contacts.to_query().unwrap();
    let all = contacts.all(10).await.unwrap();
    assert_eq!(all.len(), 6);
    let queries = fake.queries.lock().unwrap();
    assert_eq!(queries[0], first);
    assert_eq!(queries[1].query.page_token, Some(token(1)));
    let mut second = queries[1].clone();
    second.query.page_token = None;
    assert_eq!(second, first, "everything but the token stays");
    assert_eq!(first.query.page_size, 2);
    assert_eq!(first.query.fields, ["Surname", "GivenName"]);
    assert_eq!(
        first.folder,
        Some(FolderRef::WellKnown(WellKnownFolder::Contacts))
    );
    // Two filters are one, joined with `and`.
    let Some(Filter::And(parts)) = &first.query.filter else {
        panic!("{:?}", first.query.filter);
    };
    assert_eq!(parts.len(), 2);
    assert_eq!(
        parts[1],
        Filter::Compare {
            field: "Size".into(),
            op: Comparison::Greater,
            value: Literal::Integer(10),
        }
    );
}

#[tokio::test]
async fn the_next_page_is_asked_for_only_when_the_page_is_used_up() {
    let fake = Arc::new(three_pages());
    let mut stream = std::pin::pin!(records::<Record>(&fake, Table::Contact).stream());
    assert_eq!(stream.try_next().await.unwrap(), Some(contact(0)));
    assert_eq!(stream.try_next().await.unwrap(), Some(contact(1)));
    assert_eq!(fake.queries.lock().unwrap().len(), 1);
    assert_eq!(stream.try_next().await.unwrap(), Some(contact(2)));
    assert_eq!(fake.queries.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_page_that_names_itself_as_the_next_ends_the_stream() {
    let fake = Arc::new(Fake {
        stuck: true,
        ..three_pages()
    });
    let err = records::<Record>(&fake, Table::Contact)
        .all(100)
        .await
        .unwrap_err();
    assert!(
        matches!(err.gateway_error(), Some(ApiError::Protocol { .. })),
        "{err}"
    );
    assert_eq!(fake.queries.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_filter_that_does_not_parse_is_the_error_of_the_run() {
    let fake = Arc::new(three_pages());
    let broken = records::<Contact>(&fake, Table::Contact)
        .filter(r#"Surname contains "Byron""#)
        .filter("Surname contains")
        .order_by("Surname");
    let check = |err: ConnectorError| {
        assert!(
            matches!(&err, ConnectorError::Invalid { what: "filter", .. }),
            "{err}"
        );
    };
    let items: Vec<_> = broken.clone().stream().collect().await;
    assert_eq!(items.len(), 1);
    check(items.into_iter().next().unwrap().unwrap_err());
    check(broken.clone().page().await.unwrap_err());
    check(broken.all(10).await.unwrap_err());
    assert!(fake.queries.lock().unwrap().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn mistakes_in_the_query_are_found_before_it_is_sent() {
    let fake = Arc::new(three_pages());
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let week = start + chrono::Duration::days(7);
    let cases: [(Records<Record>, &str); 5] = [
        (
            records(&fake, Table::Contact).window(start, week),
            "window is for Appointment",
        ),
        (
            records(&fake, Table::Appointment).window(week, start),
            "before it starts",
        ),
        (records(&fake, Table::Contact).order_by("Nope"), "no field"),
        (
            records(&fake, Table::Contact).order_by("-"),
            "names a field",
        ),
        (
            records(&fake, Table::Contact).page_size(MAX_PAGE_SIZE + 1),
            "page of 1001",
        ),
    ];
    for (query, says) in cases {
        let err = query.all(100).await.unwrap_err();
        assert!(
            matches!(err, ConnectorError::Invalid { .. }) && err.to_string().contains(says),
            "{says}: {err}"
        );
    }
    assert!(fake.queries.lock().unwrap().is_empty());
    let appointments = records::<Record>(&fake, Table::Appointment).window(start, week);
    assert!(appointments.to_query().unwrap().window.is_some());
}

#[test]
fn order_by_with_a_minus_is_descending() {
    let fake = Arc::new(Fake::default());
    let query = records::<Record>(&fake, Table::Appointment)
        .order_by("-Start")
        .order_by("Subject")
        .to_query()
        .unwrap();
    assert_eq!(
        query.query.sort,
        [
            SortKey {
                field: "Start".into(),
                descending: true
            },
            SortKey {
                field: "Subject".into(),
                descending: false
            },
        ]
    );
    assert_eq!(query.query.page_size, DEFAULT_PAGE_SIZE);
}

#[tokio::test]
async fn all_refuses_more_than_max_and_asks_for_no_page_past_it() {
    let fake = Arc::new(three_pages());
    let all = records::<Contact>(&fake, Table::Contact);
    assert_eq!(all.clone().all(6).await.unwrap().len(), 6);
    assert_eq!(fake.queries.lock().unwrap().len(), 3);
    fake.queries.lock().unwrap().clear();
    let err = all.clone().all(3).await.unwrap_err();
    assert!(
        matches!(err, ConnectorError::TooManyRecords { max: 3 }),
        "{err}"
    );
    assert_eq!(
        fake.queries.lock().unwrap().len(),
        2,
        "the third page is not asked for"
    );
    assert!(matches!(
        all.all(0).await,
        Err(ConnectorError::TooManyRecords { max: 0 })
    ));
}

#[tokio::test]
async fn a_page_is_one_request_with_its_next_token() {
    let fake = Arc::new(three_pages());
    let first = records::<Contact>(&fake, Table::Contact)
        .page()
        .await
        .unwrap();
    assert_eq!(surnames(&first.records), ["Surname 0", "Surname 1"]);
    assert_eq!(first.next_page_token, Some(token(1)));
    let last = records::<Contact>(&fake, Table::Contact)
        .page_token(token(2))
        .page()
        .await
        .unwrap();
    assert_eq!(surnames(&last.records), ["Surname 4", "Surname 5"]);
    assert_eq!(last.next_page_token, None);
    assert_eq!(fake.queries.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_record_that_does_not_fit_ends_a_typed_stream() {
    let fake = Arc::new(Fake {
        pages: vec![
            vec![vec![
                contact(0),
                contact(1).with("Start", Value::Integer(1)),
            ]],
            vec![vec![contact(2)]],
        ],
        ..Fake::default()
    });
    let items: Vec<_> = records::<Contact>(&fake, Table::Contact)
        .stream()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(matches!(
        &items[0],
        Err(ConnectorError::UnknownField { field, .. }) if field == "Start"
    ));
    assert_eq!(
        fake.queries.lock().unwrap().len(),
        1,
        "no page after the error"
    );
    // The same records as plain records are read as they are.
    let plain = records::<Record>(&fake, Table::Contact)
        .all(10)
        .await
        .unwrap();
    assert_eq!(plain.len(), 3);
}

#[tokio::test]
async fn an_update_sends_the_changes_with_the_original_change_key() {
    let stored = Record::new(Table::Message)
        .with("ID", Value::Text("AAMk1".into()))
        .with("ETag", Value::Text("CQAA2".into()))
        .with("Subject", Value::Text("Final".into()));
    let fake = Arc::new(Fake {
        stored: Some(stored),
        ..Fake::default()
    });
    let messages = records::<Message>(&fake, Table::Message);
    let original = Message {
        id: Some("AAMk1".into()),
        e_tag: Some("CQAA1".into()),
        subject: Some("Draft".into()),
        to: Some(vec![MailboxValue {
            name: None,
            address: "ada@contoso.com".into(),
        }]),
        ..Message::default()
    };
    let mut changed = original.clone();
    changed.subject = Some("Final".into());
    changed.to = None;
    let updated = messages.update(&original, &changed).await.unwrap();
    assert_eq!(updated.e_tag.as_deref(), Some("CQAA2"));
    let updates = fake.updates.lock().unwrap().clone();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].id, "AAMk1");
    assert_eq!(updates[0].change_key.as_deref(), Some("CQAA1"));
    assert_eq!(updates[0].changes, Message::changes(&original, &changed));
    assert_eq!(updates[0].changes.len(), 2);

    // Nothing to change: no call.
    let same = messages.update(&original, &original).await.unwrap();
    assert_eq!(same, original);
    assert_eq!(fake.updates.lock().unwrap().len(), 1);
    // No ID: nothing to update.
    let err = messages
        .update(&Message::default(), &changed)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConnectorError::Invalid { what: "record", .. }),
        "{err}"
    );
}

#[tokio::test]
async fn item_calls_check_before_they_send_and_read_what_comes_back() {
    let fake = Arc::new(Fake::default());
    let contacts = records::<Contact>(&fake, Table::Contact);
    let new = Contact {
        surname: Some("Lovelace".into()),
        ..Contact::default()
    };
    let created = contacts.create(&new).await.unwrap();
    assert_eq!(created.id.as_deref(), Some("AAMk-new"));
    assert_eq!(created.surname.as_deref(), Some("Lovelace"));
    // A read-only field is refused before anything is sent.
    let err = contacts.create(&created).await.unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    let err = contacts
        .get(RecordKey::Id("AAMk9".into()))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    contacts.delete("AAMk9", DeleteMode::Soft).await.unwrap();
    let err = contacts.delete("", DeleteMode::Hard).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Invalid { .. }), "{err}");
    let err = contacts
        .move_to("AAMk9", FolderRef::WellKnown(WellKnownFolder::DeletedItems))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    // A plain record of another table is refused.
    let plain = records::<Record>(&fake, Table::Contact);
    let err = plain.create(&Record::new(Table::Task)).await.unwrap_err();
    assert!(matches!(err, ConnectorError::WrongTable { .. }), "{err}");
}

#[tokio::test]
async fn changes_are_asked_for_with_the_querysets_folder_and_fields() {
    let fake = Arc::new(Fake {
        stored: Some(contact(1)),
        ..Fake::default()
    });
    let records: Records<Record> = records(&fake, Table::Contact);
    let first = records.clone().page_size(5000).changes(None).await.unwrap();
    assert_eq!(first.created.len(), 1);
    assert_eq!(first.sync_state, "after-start");
    let next = records.changes(Some(&first.sync_state)).await.unwrap();
    assert_eq!(next.sync_state, "after-after-start");
}
