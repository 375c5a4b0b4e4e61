//! The tables area: the metadata of a data source's tables, and the records of the calling
//! portal user's mailbox.
//!
//! Every request is checked against the table's metadata as the backend serves it before the
//! backend is asked, so a field that does not exist, a value of the wrong type, a sort or a
//! filter a field does not allow, or a text past the gateway's limits never reaches Exchange.

use async_trait::async_trait;
use chrono::Utc;
use futures_util::StreamExt as _;
use mediagateway_api::tables::{
    Changes, ChangesRequest, CreateRecord, DeleteRecord, FieldChange, GetRecord, Record,
    RecordChunk, Table, TableInfo, TableQuery, TransferRecord, UpdateRecord, Value,
};
use mediagateway_api::{ApiError, ApiStream, PortalCall, TablesApi, UserCall};

use crate::backend::{BackendQuery, MailboxAccess};
use crate::page_tokens::{SyncScope, TokenScope};
use crate::Gateway;

#[async_trait]
impl TablesApi for Gateway {
    async fn metadata(&self, call: &PortalCall) -> Result<Vec<TableInfo>, ApiError> {
        let source = self.authorize_portal(call)?;
        let generation = source.config.exchange_generation;
        Ok(Table::ALL
            .into_iter()
            .map(|table| self.backend.metadata(table, generation))
            .collect())
    }

    async fn get_record(&self, call: &UserCall, get: &GetRecord) -> Result<Record, ApiError> {
        let (access, info) = self.table_access(call, get.table)?;
        get.check(&info)?;
        if get.table != Table::Attachment {
            return self.backend.get_record(&access, &info, get).await;
        }
        let max = self.limits.max_attachment_bytes;
        let record = self
            .backend
            .get_attachment_record(&access, &info, get, max)
            .await?;
        // What came back is checked too, whatever the backend could tell beforehand.
        if let Some(Value::Binary(content)) = record.get("Value") {
            self.limits.attachment(content.len())?;
        }
        Ok(record)
    }

    async fn create_record(
        &self,
        call: &UserCall,
        create: &CreateRecord,
    ) -> Result<Record, ApiError> {
        let (access, info) = self.table_access(call, create.record.table)?;
        create.check(&info)?;
        if let Some(Value::Binary(content)) = create.record.get("Value") {
            if create.record.table == Table::Attachment {
                self.limits.attachment(content.len())?;
            }
        }
        self.limits
            .record_values(create.record.values.iter().map(|(f, v)| (f.as_ref(), v)))?;
        self.backend.create_record(&access, &info, create).await
    }

    async fn update_record(
        &self,
        call: &UserCall,
        update: &UpdateRecord,
    ) -> Result<Record, ApiError> {
        let (access, info) = self.table_access(call, update.table)?;
        update.check(&info)?;
        self.limits
            .record_values(update.changes.iter().filter_map(|change| match change {
                FieldChange::Set(field, value) | FieldChange::Append(field, value) => {
                    Some((field.as_str(), value))
                }
                FieldChange::Clear(_) => None,
            }))?;
        self.backend.update_record(&access, &info, update).await
    }

    async fn delete_record(&self, call: &UserCall, delete: &DeleteRecord) -> Result<(), ApiError> {
        let (access, info) = self.table_access(call, delete.table)?;
        delete.check(&info)?;
        self.backend.delete_record(&access, &info, delete).await
    }

    async fn transfer_record(
        &self,
        call: &UserCall,
        transfer: &TransferRecord,
    ) -> Result<Record, ApiError> {
        let (access, info) = self.table_access(call, transfer.table)?;
        transfer.check(&info)?;
        self.backend.transfer_record(&access, &info, transfer).await
    }

    async fn changes(
        &self,
        call: &UserCall,
        request: &ChangesRequest,
    ) -> Result<Changes, ApiError> {
        let (access, info) = self.table_access(call, request.table)?;
        request.check(&info)?;
        let scope = SyncScope {
            data_source: &call.data_source,
            portal_user: call.portal_user,
            table: request.table,
            folder: request.folder.as_ref(),
        };
        // A forged or foreign state is refused before Exchange is asked.
        let mut opened = request.clone();
        opened.sync_state = request
            .sync_state
            .as_deref()
            .map(|sealed| self.page_tokens.open_sync_state(&scope, sealed))
            .transpose()?;
        let mut changes = self.backend.changes(&access, &info, &opened).await?;
        changes.sync_state = self
            .page_tokens
            .seal_sync_state(&scope, &changes.sync_state)?;
        Ok(changes)
    }

    async fn query(
        &self,
        call: &UserCall,
        query: &TableQuery,
    ) -> Result<ApiStream<RecordChunk>, ApiError> {
        let (access, info) = self.table_access(call, query.table)?;
        query.check(&info)?;
        if let Some(window) = &query.window {
            self.limits.window(window)?;
        }
        let position = match &query.query.page_token {
            Some(token) => Some(
                self.page_tokens
                    .open(&scope(call, query), token, Utc::now())?,
            ),
            None => None,
        };
        let chunks = self
            .backend
            .query(
                &access,
                BackendQuery {
                    query: query.clone(),
                    info,
                    position,
                    max_read: self.limits.max_appointments_per_read,
                },
            )
            .await?;
        // The stream outlives the call: it takes what it needs along.
        let tokens = self.page_tokens.clone();
        let (data_source, portal_user, query) =
            (call.data_source.clone(), call.portal_user, query.clone());
        let page_size = usize::try_from(query.query.page_size).unwrap_or(usize::MAX);
        let mut sent = 0usize;
        Ok(Box::pin(chunks.map(move |chunk| {
            let chunk = chunk?;
            sent += chunk.records.len();
            if sent > page_size {
                return Err(ApiError::Internal {
                    detail: format!(
                        "the mailbox backend sent more than a page of {page_size} records"
                    ),
                });
            }
            if let Some(stray) = chunk.records.iter().find(|r| r.table != query.table) {
                return Err(ApiError::Internal {
                    detail: format!(
                        "the mailbox backend sent a {} record to a query of {}",
                        stray.table, query.table
                    ),
                });
            }
            if chunk.next_position.is_some() {
                sent = 0;
            }
            let next_page_token = match &chunk.next_position {
                Some(position) => {
                    let scope = TokenScope {
                        data_source: &data_source,
                        portal_user,
                        query: &query,
                    };
                    Some(tokens.seal(&scope, position, Utc::now())?)
                }
                None => None,
            };
            Ok(RecordChunk {
                records: chunk.records,
                next_page_token,
            })
        })))
    }
}

impl Gateway {
    /// The calling user's mailbox access and the metadata of `table` as the backend serves
    /// it for the data source's servers.
    fn table_access(
        &self,
        call: &UserCall,
        table: Table,
    ) -> Result<(MailboxAccess, TableInfo), ApiError> {
        let access = self.user_access(call)?;
        let info = self.backend.metadata(table, access.generation);
        Ok((access, info))
    }
}

/// Whose query a page token continues.
fn scope<'a>(call: &'a UserCall, query: &'a TableQuery) -> TokenScope<'a> {
    TokenScope {
        data_source: &call.data_source,
        portal_user: call.portal_user,
        query,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use futures_util::{stream, TryStreamExt as _};
    use mediagateway_api::tables::{Query, Record, Table, TableQuery};
    use mediagateway_api::SessionApi as _;
    use uuid::Uuid;

    use super::*;
    use crate::api::sessions::tests::{add_data_source, login_as};
    use crate::backend::{BackendChunk, CalendarBackend, DirectoryBackend, MailboxBackend};
    use crate::config::GatewayConfig;

    /// A backend that answers every query with the chunks it is given, right or wrong.
    struct Scripted(Mutex<Vec<BackendChunk>>);

    #[async_trait]
    impl MailboxBackend for Scripted {
        async fn check(&self, _: &MailboxAccess) -> Result<Option<String>, ApiError> {
            Ok(None)
        }
    }
    impl DirectoryBackend for Scripted {}
    impl CalendarBackend for Scripted {}
    #[async_trait]
    impl crate::TablesBackend for Scripted {
        async fn query(
            &self,
            _: &MailboxAccess,
            _: BackendQuery,
        ) -> Result<ApiStream<BackendChunk>, ApiError> {
            let chunks = std::mem::take(&mut *self.0.lock().unwrap());
            Ok(Box::pin(stream::iter(chunks.into_iter().map(Ok))))
        }
    }

    fn chunk(table: Table, n: usize) -> BackendChunk {
        BackendChunk {
            records: vec![Record::new(table); n],
            next_position: None,
        }
    }

    /// What the gateway makes of a backend that answers a page of 2 contacts with `chunks`.
    async fn streamed(chunks: Vec<BackendChunk>) -> Result<Vec<RecordChunk>, ApiError> {
        let dir = tempfile::tempdir().unwrap();
        let config = GatewayConfig::in_dir(dir.path()).with_rsa_bits(2048);
        let backend = Scripted(Mutex::new(chunks));
        let gateway = Gateway::open_with_backend(&config, Box::new(backend)).unwrap();
        let key = add_data_source(&gateway, "S", false);
        let call = UserCall::new(key, "S", Uuid::new_v4());
        gateway.login(&call, &login_as("a")).await.unwrap();
        let query = TableQuery::new(Table::Contact, Query::new(2));
        gateway.query(&call, &query).await?.try_collect().await
    }

    #[tokio::test]
    async fn a_backend_that_oversteps_its_query_is_an_internal_error_not_a_record() {
        let fine = streamed(vec![chunk(Table::Contact, 1), chunk(Table::Contact, 1)]).await;
        assert_eq!(fine.unwrap().len(), 2);
        for (chunks, says) in [
            (
                vec![chunk(Table::Contact, 3)],
                "more than a page of 2 records",
            ),
            (
                vec![chunk(Table::Contact, 2), chunk(Table::Contact, 1)],
                "more than a page of 2 records",
            ),
            (
                vec![chunk(Table::Contact, 1), chunk(Table::Note, 1)],
                "sent a Note record to a query of Contact",
            ),
        ] {
            match streamed(chunks).await {
                Err(ApiError::Internal { detail }) => assert!(detail.contains(says), "{detail}"),
                other => panic!("expected an internal error saying {says:?}, got {other:?}"),
            }
        }
    }
}
