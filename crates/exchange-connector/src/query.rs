//! Querysets: the records of one table of a portal user's mailbox, as a builder that runs
//! when asked (`stream`, `page`, `all`), and the item calls on the same table.
//!
//! A builder never fails half-way: a filter that does not parse, a window that ends before it
//! starts or an empty sort key is kept and returned when the query runs, so the calls chain
//! without `?`. Before anything is sent, the query is checked against the table's declared
//! fields ([`TableQuery::check`]), so a misspelt field is an error without a round trip.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_core::Stream;
use futures_util::{stream, StreamExt, TryStreamExt};
use mediagateway_api::tables::{
    ChangesRequest, CreateRecord, DeleteMode, DeleteRecord, Filter, FolderRef, GetRecord, Query,
    ReadFlagChange, Record, RecordChunk, RecordKey, SortKey, Table, TableQuery, TransferRecord,
    UpdateRecord, WriteOptions, MAX_SYNC_CHANGES,
};
use mediagateway_api::{ApiError, ApiStream, TablesApi, TimeWindow, UserCall};

use crate::records::Row;
use crate::ConnectorError;

/// The page size of a queryset unless [`Records::page_size`] says otherwise.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// Where a queryset's calls go: a tables API, and the user call to make them with (built at
/// each call, so that a portal key the data source learns later is used).
#[derive(Clone)]
pub(crate) struct Tables {
    api: Arc<dyn TablesApi>,
    call: Arc<dyn Fn() -> UserCall + Send + Sync>,
}

impl Tables {
    pub(crate) fn new(
        api: Arc<dyn TablesApi>,
        call: impl Fn() -> UserCall + Send + Sync + 'static,
    ) -> Self {
        Self {
            api,
            call: Arc::new(call),
        }
    }
}

/// One page of a query: its records, and the token of the next page when more follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The records, in the query's order.
    pub records: Vec<T>,
    /// The token that continues the query ([`Records::page_token`]); `None` on the last page.
    pub next_page_token: Option<String>,
}

/// The changes of a folder since a state, typed ([`Records::changes`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordChanges<T> {
    /// Records created since (every record, on a first call).
    pub created: Vec<T>,
    /// Records changed since.
    pub updated: Vec<T>,
    /// The `ID`s of records deleted or moved out of the folder since.
    pub deleted: Vec<String>,
    /// Records whose read flag alone changed.
    pub read_flag_changed: Vec<ReadFlagChange>,
    /// The state for the next call: keep it and pass it back.
    pub sync_state: String,
    /// Whether more changes wait: call again with `sync_state` at once.
    pub more: bool,
}

/// A query of one table, built step by step, and the item calls on that table.
///
/// `T` is a typed struct ([`Contact`](crate::records::Contact), …) or a plain [`Record`]. Made
/// by [`UserSession::table`](crate::UserSession::table) and the typed
/// [`appointments`](crate::UserSession::appointments), [`contacts`](crate::UserSession::contacts),
/// …; cheap to clone.
pub struct Records<T> {
    tables: Tables,
    table: Table,
    filter: Option<Filter>,
    sort: Vec<SortKey>,
    fields: Vec<String>,
    page_size: u32,
    folder: Option<FolderRef>,
    window: Option<TimeWindow>,
    page_token: Option<String>,
    options: WriteOptions,
    /// The first mistake made while building, returned when the query runs.
    error: Option<(&'static str, String)>,
    row: PhantomData<fn() -> T>,
}

impl<T> Clone for Records<T> {
    fn clone(&self) -> Self {
        Self {
            tables: self.tables.clone(),
            table: self.table,
            filter: self.filter.clone(),
            sort: self.sort.clone(),
            fields: self.fields.clone(),
            page_size: self.page_size,
            folder: self.folder.clone(),
            window: self.window,
            page_token: self.page_token.clone(),
            options: self.options,
            error: self.error.clone(),
            row: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Records<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Records")
            .field("table", &self.table)
            .field("filter", &self.filter.as_ref().map(ToString::to_string))
            .field("sort", &self.sort)
            .field("fields", &self.fields)
            .field("page_size", &self.page_size)
            .field("folder", &self.folder)
            .field("window", &self.window)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<T: Row> Records<T> {
    pub(crate) fn new(tables: Tables, table: Table) -> Self {
        Self {
            tables,
            table,
            filter: None,
            sort: Vec::new(),
            fields: Vec::new(),
            page_size: DEFAULT_PAGE_SIZE,
            folder: None,
            window: None,
            page_token: None,
            options: WriteOptions::default(),
            error: None,
            row: PhantomData,
        }
    }

    /// The table.
    pub fn table(&self) -> Table {
        self.table
    }

    /// Keeps the records that match `filter`, in the text form of [`Filter::parse`]
    /// (`Subject contains "review" and Start >= 2026-12-01T00:00:00Z`). A second filter is
    /// joined to the first with `and`. A filter that does not parse is returned as
    /// [`ConnectorError::Invalid`] when the query runs.
    #[must_use]
    pub fn filter(self, filter: &str) -> Self {
        match Filter::parse(filter) {
            Ok(filter) => self.filter_tree(filter),
            Err(error) => self.mistake("filter", error.to_string()),
        }
    }

    /// Keeps the records that match `filter`, given as a tree; joined with `and` to a filter
    /// given before.
    #[must_use]
    pub fn filter_tree(mut self, filter: Filter) -> Self {
        self.filter = Some(match self.filter.take() {
            None => filter,
            Some(Filter::And(mut parts)) => {
                parts.push(filter);
                Filter::And(parts)
            }
            Some(before) => Filter::And(vec![before, filter]),
        });
        self
    }

    /// Orders by `field`, smallest first, or largest first when the name starts with `-`
    /// (`"-Start"`). A second call orders records the first key leaves equal.
    #[must_use]
    pub fn order_by(mut self, field: &str) -> Self {
        let (field, descending) = match field.strip_prefix('-') {
            Some(field) => (field, true),
            None => (field, false),
        };
        if field.is_empty() {
            return self.mistake("sort key", "a sort key names a field".to_owned());
        }
        self.sort.push(SortKey {
            field: field.to_owned(),
            descending,
        });
        self
    }

    /// Returns only these fields (and the keys); every field by default. The other fields of a
    /// typed struct are `None`.
    #[must_use]
    pub fn only(mut self, fields: &[&str]) -> Self {
        self.fields = fields.iter().map(|&field| field.to_owned()).collect();
        self
    }

    /// How many records a page holds: 1 to
    /// [`MAX_PAGE_SIZE`](mediagateway_api::tables::MAX_PAGE_SIZE), [`DEFAULT_PAGE_SIZE`]
    /// unless set.
    #[must_use]
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size;
        self
    }

    /// Searches `folder` instead of the table's default folder; writes go there too.
    #[must_use]
    pub fn in_folder(mut self, folder: FolderRef) -> Self {
        self.folder = Some(folder);
        self
    }

    /// For appointments: those overlapping `[start, end)`, every series expanded into its
    /// occurrences. Refused for other tables when the query runs.
    #[must_use]
    pub fn window(mut self, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        match TimeWindow::new(start, end) {
            Ok(window) => self.window = Some(window),
            Err(error) => return self.mistake("window", error.to_string()),
        }
        self
    }

    /// Starts at the page this token (a [`Page::next_page_token`] of the same query) names.
    #[must_use]
    pub fn page_token(mut self, token: impl Into<String>) -> Self {
        self.page_token = Some(token.into());
        self
    }

    /// Exchange's options for the writes made through this queryset (meeting notices, sending
    /// messages, task occurrences); none by default.
    #[must_use]
    pub fn write_options(mut self, options: WriteOptions) -> Self {
        self.options = options;
        self
    }

    fn mistake(mut self, what: &'static str, reason: String) -> Self {
        self.error.get_or_insert((what, reason));
        self
    }

    /// The query as it will be sent, checked against the table's declared fields; the first
    /// mistake made while building, if any.
    pub fn to_query(&self) -> Result<TableQuery, ConnectorError> {
        if let Some((what, reason)) = &self.error {
            return Err(ConnectorError::Invalid {
                what,
                reason: reason.clone(),
            });
        }
        let query = TableQuery {
            table: self.table,
            query: Query {
                filter: self.filter.clone(),
                sort: self.sort.clone(),
                fields: self.fields.clone(),
                page_size: self.page_size,
                page_token: self.page_token.clone(),
            },
            folder: self.folder.clone(),
            window: self.window,
        };
        checked("query", query.check(&self.table.metadata()))?;
        Ok(query)
    }

    /// The records, as they arrive, following the page tokens to the last page. One page is
    /// asked for at a time, when the one before is used up, so memory holds at most a page.
    /// The first error (a mistake in the query, the gateway's, a record that does not fit `T`)
    /// is the stream's last item.
    pub fn stream(self) -> impl Stream<Item = Result<T, ConnectorError>> + Send + 'static {
        let table = self.table;
        let state = match self.to_query() {
            Ok(query) => State::Ask(query),
            Err(error) => State::Failed(error),
        };
        let tables = self.tables;
        stream::try_unfold(state, move |state| {
            let tables = tables.clone();
            async move {
                let Some((records, state)) = next_chunk(tables, state).await? else {
                    return Ok(None);
                };
                let rows = records
                    .into_iter()
                    .map(|record| T::from_table_record(table, record))
                    .collect::<Result<Vec<T>, ConnectorError>>()?;
                Ok::<_, ConnectorError>(Some((rows, state)))
            }
        })
        .map_ok(|rows| stream::iter(rows.into_iter().map(Ok)))
        .try_flatten()
    }

    /// One page: the first, or the one [`page_token`](Self::page_token) names.
    pub async fn page(self) -> Result<Page<T>, ConnectorError> {
        let query = self.to_query()?;
        let mut chunks = self.tables.api.query(&(self.tables.call)(), &query).await?;
        let mut page = Page {
            records: Vec::new(),
            next_page_token: None,
        };
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk?;
            for record in chunk.records {
                page.records.push(T::from_table_record(self.table, record)?);
            }
            if chunk.next_page_token.is_some() {
                page.next_page_token = chunk.next_page_token;
            }
        }
        Ok(page)
    }

    /// Every record, up to `max`: a query with more is [`ConnectorError::TooManyRecords`],
    /// and no page after the one past `max` is asked for. Use [`stream`](Self::stream) to
    /// read more than fits in memory.
    pub async fn all(self, max: usize) -> Result<Vec<T>, ConnectorError> {
        let mut rows = Vec::new();
        let mut records = std::pin::pin!(self.stream());
        while let Some(row) = records.try_next().await? {
            if rows.len() == max {
                return Err(ConnectorError::TooManyRecords { max });
            }
            rows.push(row);
        }
        Ok(rows)
    }

    /// One record by `ID` or `PermanentURL`, with the fields of [`only`](Self::only).
    pub async fn get(&self, key: RecordKey) -> Result<T, ConnectorError> {
        let get = GetRecord {
            table: self.table,
            key,
            fields: self.fields.clone(),
        };
        checked("record key", get.check(&self.table.metadata()))?;
        let record = self.tables.api.get_record(&self.call(), &get).await?;
        T::from_table_record(self.table, record)
    }

    /// Creates `row` (in [`in_folder`](Self::in_folder)'s folder, or the table's default) and
    /// returns it as stored, keys included. Read-only fields must be `None`.
    pub async fn create(&self, row: &T) -> Result<T, ConnectorError> {
        let create = CreateRecord {
            record: row.to_table_record(self.table)?,
            folder: self.folder.clone(),
            options: self.options,
        };
        checked("record", create.check(&self.table.metadata()))?;
        let record = self.tables.api.create_record(&self.call(), &create).await?;
        T::from_table_record(self.table, record)
    }

    /// Changes the record `original` was read as into `changed`: the fields that differ are
    /// set, those that became `None` cleared, read-only ones left alone. The original's `ETag`
    /// is the change key, so a record changed since it was read is a conflict
    /// ([`ApiError::Conflict`](mediagateway_api::ApiError::Conflict)) and nothing changes.
    /// Returns the record as stored; with nothing to change, the original without a call.
    pub async fn update(&self, original: &T, changed: &T) -> Result<T, ConnectorError>
    where
        T: Clone,
    {
        let id = original.row_id().ok_or_else(|| ConnectorError::Invalid {
            what: "record",
            reason: "the original of an update has no ID".to_owned(),
        })?;
        let changes = T::row_changes(self.table, original, changed);
        if changes.is_empty() {
            return Ok(original.clone());
        }
        let update = UpdateRecord {
            table: self.table,
            id: id.to_owned(),
            change_key: original.row_e_tag().map(str::to_owned),
            changes,
            options: self.options,
        };
        checked("update", update.check(&self.table.metadata()))?;
        let record = self.tables.api.update_record(&self.call(), &update).await?;
        T::from_table_record(self.table, record)
    }

    /// Deletes the record with `id`.
    pub async fn delete(&self, id: &str, mode: DeleteMode) -> Result<(), ConnectorError> {
        let delete = DeleteRecord {
            table: self.table,
            id: id.to_owned(),
            mode,
            options: self.options,
        };
        checked("record id", delete.check(&self.table.metadata()))?;
        Ok(self.tables.api.delete_record(&self.call(), &delete).await?)
    }

    /// Moves the record with `id` to `folder`; returns it there (with a new `ID`, the same
    /// `PermanentURL`).
    pub async fn move_to(&self, id: &str, folder: FolderRef) -> Result<T, ConnectorError> {
        self.transfer(id, folder, false).await
    }

    /// Copies the record with `id` to `folder`; returns the copy (a record with its own keys).
    pub async fn copy_to(&self, id: &str, folder: FolderRef) -> Result<T, ConnectorError> {
        self.transfer(id, folder, true).await
    }

    async fn transfer(&self, id: &str, folder: FolderRef, copy: bool) -> Result<T, ConnectorError> {
        let transfer = TransferRecord {
            table: self.table,
            id: id.to_owned(),
            folder,
            copy,
        };
        checked("transfer", transfer.check(&self.table.metadata()))?;
        let record = self
            .tables
            .api
            .transfer_record(&self.call(), &transfer)
            .await?;
        T::from_table_record(self.table, record)
    }

    /// What was created, changed and deleted in the folder of [`in_folder`](Self::in_folder)
    /// (or the table's default) since `sync_state` (`None`: everything, as created), with the
    /// fields of [`only`](Self::only), at most [`page_size`](Self::page_size) changes (up to
    /// [`MAX_SYNC_CHANGES`]). Keep the answer's `sync_state` for the next call; it works for
    /// this user, table and folder only.
    pub async fn changes(
        &self,
        sync_state: Option<&str>,
    ) -> Result<RecordChanges<T>, ConnectorError> {
        let request = ChangesRequest {
            table: self.table,
            folder: self.folder.clone(),
            sync_state: sync_state.map(str::to_owned),
            fields: self.fields.clone(),
            max_changes: self.page_size.min(MAX_SYNC_CHANGES),
        };
        checked("changes", request.check(&self.table.metadata()))?;
        let changes = self.tables.api.changes(&self.call(), &request).await?;
        let rows = |records: Vec<Record>| {
            records
                .into_iter()
                .map(|r| T::from_table_record(self.table, r))
                .collect::<Result<Vec<T>, _>>()
        };
        Ok(RecordChanges {
            created: rows(changes.created)?,
            updated: rows(changes.updated)?,
            deleted: changes.deleted,
            read_flag_changed: changes.read_flag_changed,
            sync_state: changes.sync_state,
            more: changes.more,
        })
    }

    fn call(&self) -> UserCall {
        (self.tables.call)()
    }
}

/// A request refused before it is sent, as the connector's error.
fn checked(what: &'static str, check: Result<(), ApiError>) -> Result<(), ConnectorError> {
    check.map_err(|error| match error {
        ApiError::InvalidArgument { .. } => ConnectorError::Invalid {
            what,
            reason: error.to_string(),
        },
        other => ConnectorError::Gateway(other),
    })
}

/// Where a stream of pages is.
enum State {
    /// The query could not be made.
    Failed(ConnectorError),
    /// This page is to be asked for.
    Ask(TableQuery),
    /// A page is arriving; `next` is its token for the next page, once seen.
    Reading {
        query: TableQuery,
        chunks: ApiStream<RecordChunk>,
        next: Option<String>,
    },
}

/// The next run of records, asking for the next page when a page ends with a token.
async fn next_chunk(
    tables: Tables,
    mut state: State,
) -> Result<Option<(Vec<Record>, State)>, ConnectorError> {
    loop {
        state = match state {
            State::Failed(error) => return Err(error),
            State::Ask(query) => {
                let chunks = tables.api.query(&(tables.call)(), &query).await?;
                State::Reading {
                    query,
                    chunks,
                    next: None,
                }
            }
            State::Reading {
                query,
                mut chunks,
                mut next,
            } => match chunks.next().await {
                Some(chunk) => {
                    let chunk = chunk?;
                    if chunk.next_page_token.is_some() {
                        next = chunk.next_page_token;
                    }
                    let state = State::Reading {
                        query,
                        chunks,
                        next,
                    };
                    return Ok(Some((chunk.records, state)));
                }
                None => match next {
                    None => return Ok(None),
                    Some(token) if query.query.page_token.as_ref() == Some(&token) => {
                        return Err(ConnectorError::Gateway(ApiError::Protocol {
                            detail: "the gateway answered a page with the token that asked for it"
                                .to_owned(),
                        }));
                    }
                    Some(token) => {
                        let mut query = query;
                        query.query.page_token = Some(token);
                        State::Ask(query)
                    }
                },
            },
        };
    }
}

#[cfg(test)]
mod tests;
