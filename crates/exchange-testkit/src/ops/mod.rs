//! Carrying out decoded operations against the store, one response message per item or
//! folder, and access checks shared by the operations.

mod find;
mod folders;
mod query;
mod write;

use chrono::{DateTime, Utc};

use crate::request::{FolderRef, ItemRef, Operation};
use crate::response::{MessageError, Messages};
use crate::store::{self, Directory, Store};

/// What an operation runs against.
pub(crate) struct Context<'a> {
    /// Users, mailboxes and delegate grants.
    pub(crate) directory: &'a Directory,
    /// The calendars.
    pub(crate) store: &'a mut Store,
    /// The authenticated user (its own mailbox has the same number).
    pub(crate) user: usize,
    /// The time of the request, for `DateTimeCreated` and `LastModifiedTime`.
    pub(crate) now: DateTime<Utc>,
}

/// Carries out `operation` and returns the response element for the SOAP body.
pub(crate) fn execute(ctx: &mut Context<'_>, operation: &Operation) -> String {
    let mut messages = Messages::new(operation.name());
    match operation {
        Operation::FindItem {
            shallow,
            shape,
            view,
            grouped,
            restriction,
            sort,
            folders,
        } => {
            for folder in folders {
                let query = find::Query {
                    shallow: *shallow,
                    shape,
                    view,
                    grouped: *grouped,
                    restriction: restriction.as_ref(),
                    sort,
                };
                record(&mut messages, find::find(ctx, folder, &query));
            }
        }
        Operation::GetItem { shape, ids } => {
            for id in ids {
                record(&mut messages, find::get(ctx, id, shape));
            }
        }
        Operation::CreateItem {
            send_invitations,
            folder,
            items,
        } => {
            for item in items {
                let created =
                    write::create(ctx, folder.as_ref(), send_invitations.as_deref(), item);
                record(&mut messages, created);
            }
        }
        Operation::DeleteItem {
            send_cancellations,
            ids,
        } => {
            for id in ids {
                record(
                    &mut messages,
                    write::delete(ctx, id, send_cancellations.as_deref()),
                );
            }
        }
        Operation::UpdateItem {
            conflict_resolution,
            send_updates,
            changes,
        } => {
            for (id, change) in changes {
                let update = write::Update {
                    conflict_resolution,
                    send_updates: send_updates.as_deref(),
                    changes: change,
                };
                record(&mut messages, write::update(ctx, id, &update));
            }
        }
        Operation::GetFolder { shape, folders } => {
            for folder in folders {
                record(&mut messages, folders::get(ctx, folder, shape));
            }
        }
        Operation::FindFolder {
            traversal,
            shape,
            view,
            filtered,
            folders,
        } => {
            for folder in folders {
                let query = folders::Query {
                    traversal: *traversal,
                    shape,
                    view,
                    filtered: *filtered,
                };
                record(&mut messages, folders::find(ctx, folder, &query));
            }
        }
    }
    messages.finish()
}

/// The same response, but every message an error: what an injected error response sends.
pub(crate) fn all_errors(operation: &Operation, error: &MessageError) -> String {
    let mut messages = Messages::new(operation.name());
    for _ in 0..operation.message_count().max(1) {
        messages.error(error);
    }
    messages.finish()
}

fn record(messages: &mut Messages, outcome: Result<String, MessageError>) {
    match outcome {
        Ok(content) => messages.success(&content),
        Err(error) => messages.error(&error),
    }
}

fn item_not_found() -> MessageError {
    MessageError::new(
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

fn id_malformed() -> MessageError {
    MessageError::new("ErrorInvalidIdMalformed", "Id is malformed.")
}

/// The mailbox at `address` (the caller's own when `None`), once the caller may open it.
fn open_mailbox(ctx: &Context<'_>, address: Option<&str>) -> Result<usize, MessageError> {
    let mailbox = match address {
        None => ctx.user,
        Some(address) => ctx.directory.mailbox(address).ok_or_else(|| {
            MessageError::new(
                "ErrorNonExistentMailbox",
                "The SMTP address has no mailbox associated with it.",
            )
        })?,
    };
    if ctx.directory.may_open(ctx.user, mailbox) {
        Ok(mailbox)
    } else {
        Err(access_denied())
    }
}

fn access_denied() -> MessageError {
    MessageError::new(
        "ErrorAccessDenied",
        "Access is denied. Check credentials and try again.",
    )
}

/// The mailbox and key of an existing item the user may open.
fn resolve_item(ctx: &Context<'_>, id: &ItemRef) -> Result<(usize, [u8; 16]), MessageError> {
    let (mailbox, key) = match id {
        ItemRef::Item { id, .. } => store::parse_item_id(id).ok_or_else(id_malformed)?,
        ItemRef::Recurrence(Some(id)) => {
            store::parse_item_id(id).ok_or_else(id_malformed)?;
            // Every item of the fake is a single appointment, so no occurrence or master
            // can be named.
            return Err(item_not_found());
        }
        ItemRef::Recurrence(None) => return Err(id_malformed()),
    };
    if mailbox >= ctx.directory.users.len() {
        return Err(item_not_found());
    }
    if !ctx.directory.may_open(ctx.user, mailbox) {
        return Err(access_denied());
    }
    ctx.store
        .item(mailbox, &key)
        .map(|_| (mailbox, key))
        .ok_or_else(item_not_found)
}

/// The mailbox whose calendar `folder` names (the user's own when absent).
fn resolve_calendar(ctx: &Context<'_>, folder: Option<&FolderRef>) -> Result<usize, MessageError> {
    let folder_not_found = || {
        MessageError::new(
            "ErrorFolderNotFound",
            "The specified folder could not be found in the store.",
        )
    };
    let mailbox = match folder {
        None => ctx.user,
        Some(FolderRef::Distinguished { name, mailbox }) => {
            let mailbox = open_mailbox(ctx, mailbox.as_deref())?;
            if name != "calendar" {
                // Only calendars are modelled; other folders are absent.
                return Err(folder_not_found());
            }
            mailbox
        }
        Some(FolderRef::Id(id)) => {
            let mailbox = store::parse_calendar_folder_id(id).ok_or_else(id_malformed)?;
            if mailbox >= ctx.directory.users.len() {
                return Err(folder_not_found());
            }
            mailbox
        }
    };
    if !ctx.directory.may_open(ctx.user, mailbox) {
        return Err(access_denied());
    }
    Ok(mailbox)
}
