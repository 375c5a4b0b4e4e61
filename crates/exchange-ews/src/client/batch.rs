//! Any number of items created, updated, deleted, read, moved or copied, in requests of a
//! bounded size.

use crate::calendar::{
    SendMeetingCancellations, SendMeetingInvitations, SendMeetingInvitationsOrCancellations,
};
use crate::items::{
    AffectedTaskOccurrences, ConflictResolution, CopyItems, CreateItems, DeleteItems, DeleteType,
    GenericItem, GetItems, ItemChange, ItemShape, MessageDisposition, MoveItems, NewItem,
    UpdateItems, UpdatedItem,
};
use crate::{EwsClient, EwsError, FolderTarget, ItemId, Operation};

/// The largest batch size [`EwsClientBuilder::batch_size`](crate::EwsClientBuilder::batch_size)
/// accepts, and the default: as many entries as one write request carries
/// ([`MAX_ITEMS_PER_REQUEST`](crate::items::MAX_ITEMS_PER_REQUEST)).
pub const MAX_BATCH_SIZE: usize = crate::items::MAX_ITEMS_PER_REQUEST;

/// One result per entry, or the error that stopped the batch.
pub type BatchResult<T> = Result<Vec<Result<T, EwsError>>, EwsError>;

/// Options of [`EwsClient::create_items`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreateOptions {
    /// The folder to save the items in; the default folder of their kind when `None`.
    pub folder: Option<FolderTarget>,
    /// What happens to messages (required when the items include one).
    pub message_disposition: Option<MessageDisposition>,
    /// Whether attendees of calendar items get meeting requests.
    pub meeting_invitations: SendMeetingInvitations,
}

impl EwsClient {
    /// Creates any number of items, in requests of at most the client's
    /// [`batch_size`](crate::EwsClientBuilder::batch_size), one after the other.
    ///
    /// Returns one result per item, in order: the new id (`None` for a message that was
    /// sent), or the error of that item. A request that fails as a whole (after the retries
    /// of the [`RetryPolicy`](crate::client::RetryPolicy)) gives its error to each of its items, and
    /// the next request is still sent; an authentication failure stops the batch and is
    /// returned. Every request is checked before the first is sent. An item whose own
    /// response message reports throttling keeps that error
    /// ([`EwsError::is_throttled`]) and is not sent again, since the others of its request
    /// were created: send it again later.
    pub async fn create_items(
        &self,
        items: Vec<NewItem>,
        options: &CreateOptions,
    ) -> BatchResult<Option<ItemId>> {
        self.in_batches(items, |chunk| {
            let mut request =
                CreateItems::new(chunk)?.meeting_invitations(options.meeting_invitations);
            if let Some(folder) = &options.folder {
                request = request.saved_in(folder.clone());
            }
            if let Some(disposition) = options.message_disposition {
                request = request.message_disposition(disposition);
            }
            Ok(request)
        })
        .await
    }

    /// Applies any number of item changes in batches, as [`create_items`](Self::create_items)
    /// does, each request with the same conflict resolution, message disposition and
    /// meeting updates.
    pub async fn update_items(
        &self,
        changes: Vec<ItemChange>,
        conflict_resolution: ConflictResolution,
        message_disposition: Option<MessageDisposition>,
        meeting_updates: SendMeetingInvitationsOrCancellations,
    ) -> BatchResult<UpdatedItem> {
        self.in_batches(changes, |chunk| {
            let mut request = UpdateItems::new(chunk)?
                .conflict_resolution(conflict_resolution)
                .meeting_updates(meeting_updates);
            if let Some(disposition) = message_disposition {
                request = request.message_disposition(disposition);
            }
            Ok(request)
        })
        .await
    }

    /// Deletes any number of items in batches, as [`create_items`](Self::create_items) does.
    pub async fn delete_items(
        &self,
        ids: Vec<ItemId>,
        delete_type: DeleteType,
        cancellations: SendMeetingCancellations,
        occurrences: AffectedTaskOccurrences,
    ) -> BatchResult<()> {
        self.in_batches(ids, |chunk| {
            Ok(DeleteItems::new(chunk, delete_type)?
                .cancellations(cancellations)
                .affected_task_occurrences(occurrences))
        })
        .await
    }

    /// Reads any number of items in `shape` in batches, as
    /// [`create_items`](Self::create_items) does.
    pub async fn get_items(&self, ids: Vec<ItemId>, shape: &ItemShape) -> BatchResult<GenericItem> {
        self.in_batches(ids, |chunk| GetItems::new(chunk, shape.clone()))
            .await
    }

    /// Moves any number of items into the folder `to` in batches, as
    /// [`create_items`](Self::create_items) does.
    ///
    /// Returns one result per id, in order: the item's new id (a moved item has a new id;
    /// the old one is no longer found), `None` when the server returns none (a move into
    /// another mailbox), or the error of that item.
    pub async fn move_items(
        &self,
        ids: Vec<ItemId>,
        to: &FolderTarget,
    ) -> BatchResult<Option<ItemId>> {
        self.in_batches(ids, |chunk| MoveItems::new(chunk, to.clone()))
            .await
    }

    /// Copies any number of items into the folder `to` in batches, as
    /// [`create_items`](Self::create_items) does; the originals stay.
    ///
    /// Returns one result per id, in order: the id of the copy, `None` when the server
    /// returns none (a copy into another mailbox), or the error of that item.
    pub async fn copy_items(
        &self,
        ids: Vec<ItemId>,
        to: &FolderTarget,
    ) -> BatchResult<Option<ItemId>> {
        self.in_batches(ids, |chunk| CopyItems::new(chunk, to.clone()))
            .await
    }

    /// Splits `entries` into requests of at most the batch size, checks them all, then
    /// sends them one after the other.
    async fn in_batches<T, R, O>(
        &self,
        entries: Vec<T>,
        build: impl Fn(Vec<T>) -> Result<O, EwsError>,
    ) -> BatchResult<R>
    where
        O: Operation<Output = Vec<Result<R, EwsError>>>,
    {
        let size = self.inner.batch_size;
        let mut requests = Vec::new();
        let mut entries = entries.into_iter().peekable();
        while entries.peek().is_some() {
            let chunk: Vec<T> = entries.by_ref().take(size).collect();
            let count = chunk.len();
            let request = build(chunk)?;
            request.check(self.inner.version)?;
            requests.push((request, count));
        }
        let mut results = Vec::new();
        for (request, count) in requests {
            match self.execute(&request).await {
                Ok(answers) if answers.len() == count => results.extend(answers),
                Ok(answers) => {
                    let error = EwsError::InvalidValue {
                        element: "ResponseMessages".into(),
                        value: format!("{} response messages", answers.len()),
                        expected: "one response message per entry",
                    };
                    results.extend(spread(error, count));
                }
                Err(error) if error.is_authentication_failed() => return Err(error),
                Err(error) => results.extend(spread(error, count)),
            }
        }
        Ok(results)
    }
}

/// `error` for each of `count` entries.
fn spread<R>(error: EwsError, count: usize) -> Vec<Result<R, EwsError>> {
    std::iter::repeat_with(|| Err(error.clone()))
        .take(count)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ResponseClass;
    use crate::ResponseCode;
    use std::time::Duration;

    #[test]
    fn spreads_an_error_over_every_entry() {
        let error = EwsError::Response {
            class: ResponseClass::Error,
            code: ResponseCode::ErrorServerBusy,
            message_text: "busy".into(),
            back_off: Some(Duration::from_millis(5)),
            details: vec![("Policy".into(), "x".into())],
        };
        let entries: Vec<Result<(), EwsError>> = spread(error, 3);
        assert_eq!(entries.len(), 3);
        for entry in &entries {
            let e = entry.as_ref().unwrap_err();
            assert!(e.is_throttled());
            assert_eq!(e.back_off(), Some(Duration::from_millis(5)));
        }
        assert_eq!(
            spread::<()>(
                EwsError::NotSoap {
                    root: "html".into()
                },
                1
            )
            .len(),
            1
        );
    }
}
