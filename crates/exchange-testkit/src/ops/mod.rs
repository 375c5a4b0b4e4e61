//! Carrying out decoded operations against the store, one response message per item or
//! folder, and access checks shared by the operations.

mod attachments;
mod directory;
mod find;
mod folders;
mod move_copy;
mod occurrences;
mod query;
mod sync;
mod update;
mod write;

use chrono::{DateTime, Utc};

use crate::folder_tree;
use crate::request::{FolderRef, ItemRef, Operation};
use crate::response::{MessageError, Messages};
use crate::store::{self, Directory, Store};

/// What an operation runs against.
pub(crate) struct Context<'a> {
    /// Users, mailboxes and delegate grants.
    pub(crate) directory: &'a Directory,
    /// The items of every mailbox.
    pub(crate) store: &'a mut Store,
    /// The authenticated user (its own mailbox has the same number).
    pub(crate) user: usize,
    /// The time of the request, for `DateTimeCreated` and `LastModifiedTime`.
    pub(crate) now: DateTime<Utc>,
    /// The largest attachment accepted, in bytes.
    pub(crate) max_attachment_bytes: usize,
}

/// Carries out `operation` and returns the response element for the SOAP body.
pub(crate) fn execute(ctx: &mut Context<'_>, operation: &Operation) -> String {
    if let Operation::ResolveNames {
        entry,
        full_contact_data,
        scope,
    } = operation
    {
        // A warning with results is a class of its own: the answer is written whole.
        return directory::resolve_names(ctx, entry, *full_contact_data, scope);
    }
    if let Operation::GetUserAvailability(request) = operation {
        // Its answer has no response messages of the usual form.
        return directory::availability(ctx, request);
    }
    let mut messages = Messages::new(operation.name());
    match operation {
        Operation::FindItem(query) => {
            for folder in &query.folders {
                record(&mut messages, find::find(ctx, folder, query));
            }
        }
        Operation::GetItem { shape, ids } => {
            for id in ids {
                record(&mut messages, find::get(ctx, id, shape));
            }
        }
        Operation::CreateItem {
            disposition,
            send_invitations,
            folder,
            items,
        } => {
            let create = write::Create {
                disposition: disposition.as_deref(),
                send_invitations: send_invitations.as_deref(),
                folder: folder.as_ref(),
            };
            for item in items {
                record(&mut messages, write::create(ctx, &create, item));
            }
        }
        Operation::DeleteItem {
            delete_type,
            send_cancellations,
            task_occurrences,
            ids,
        } => {
            let delete = write::Delete {
                delete_type,
                send_cancellations: send_cancellations.as_deref(),
                task_occurrences: task_occurrences.as_deref(),
            };
            for id in ids {
                record(&mut messages, write::delete(ctx, id, &delete));
            }
        }
        Operation::MoveItem(transfer) => {
            for outcome in move_copy::run(ctx, transfer, move_copy::Mode::Move) {
                record(&mut messages, outcome);
            }
        }
        Operation::CopyItem(transfer) => {
            for outcome in move_copy::run(ctx, transfer, move_copy::Mode::Copy) {
                record(&mut messages, outcome);
            }
        }
        Operation::UpdateItem { options, changes } => {
            for (id, change) in changes {
                record(&mut messages, update::update(ctx, id, options, change));
            }
        }
        Operation::CreateAttachment {
            parent,
            attachments: list,
        } => {
            for attachment in list {
                record(&mut messages, attachments::create(ctx, parent, attachment));
            }
        }
        Operation::GetAttachment { shape, ids } => {
            for id in ids {
                record(&mut messages, attachments::get(ctx, id, shape));
            }
        }
        Operation::DeleteAttachment { ids } => {
            for id in ids {
                record(&mut messages, attachments::delete(ctx, id));
            }
        }
        Operation::SyncFolderItems {
            shape,
            folder,
            state,
            ignore,
            max,
        } => {
            let answer = sync::items(ctx, folder, shape, state.as_deref(), ignore, *max);
            record(&mut messages, answer);
        }
        Operation::SyncFolderHierarchy {
            shape,
            folder,
            state,
        } => {
            let answer = sync::hierarchy(ctx, folder.as_ref(), shape, state.as_deref());
            record(&mut messages, answer);
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
        Operation::CreateFolder {
            parent,
            folders: list,
        } => {
            for new in list {
                let class = new.class.as_deref();
                let answer = folders::create(ctx, parent, &new.display_name, class);
                record(&mut messages, answer);
            }
        }
        Operation::UpdateFolder { changes } => {
            for (folder, name) in changes {
                record(&mut messages, folders::rename(ctx, folder, name.as_deref()));
            }
        }
        Operation::DeleteFolder {
            delete_type,
            folders: list,
        } => {
            for folder in list {
                record(&mut messages, folders::delete(ctx, folder, delete_type));
            }
        }
        Operation::MoveFolder { to, folders: list } => {
            for folder in list {
                record(&mut messages, folders::move_to(ctx, folder, to));
            }
        }
        // Answered above.
        Operation::ResolveNames { .. } | Operation::GetUserAvailability(_) => {}
    }
    messages.finish()
}

/// The same response, but every message an error: what an injected error response sends.
pub(crate) fn all_errors(operation: &Operation, error: &MessageError) -> String {
    if let Operation::GetUserAvailability(request) = operation {
        return directory::availability_errors(request.mailboxes.len(), error);
    }
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

/// What an item identifier names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A stored item: its mailbox and key.
    Item(usize, [u8; 16]),
    /// An occurrence: the mailbox, the key of its series and its 1-based index.
    Occurrence(usize, [u8; 16], usize),
}

/// Checks that a mailbox exists and the caller may open it.
fn check_mailbox(ctx: &Context<'_>, mailbox: usize) -> Result<(), MessageError> {
    if mailbox >= ctx.directory.users.len() {
        return Err(item_not_found());
    }
    if !ctx.directory.may_open(ctx.user, mailbox) {
        return Err(access_denied());
    }
    Ok(())
}

/// The existing item or occurrence an identifier names, once the caller may open it.
fn resolve_target(ctx: &Context<'_>, id: &ItemRef) -> Result<Target, MessageError> {
    let target = match id {
        ItemRef::Item { id, .. } => match store::parse_item_id(id) {
            Some((mailbox, key)) => Target::Item(mailbox, key),
            None => {
                let (mailbox, key, index) =
                    store::parse_occurrence_id(id).ok_or_else(id_malformed)?;
                Target::Occurrence(mailbox, key, index)
            }
        },
        ItemRef::Occurrence { master, index } => {
            let (mailbox, key) = store::parse_item_id(master).ok_or_else(id_malformed)?;
            let index = usize::try_from(*index).unwrap_or(0);
            Target::Occurrence(mailbox, key, index)
        }
        ItemRef::Master { occurrence } => {
            let (mailbox, key, _) =
                store::parse_occurrence_id(occurrence).ok_or_else(id_malformed)?;
            Target::Item(mailbox, key)
        }
        ItemRef::Recurrence(Some(id)) => {
            store::parse_item_id(id).ok_or_else(id_malformed)?;
            // Ranges of occurrences are not modelled.
            return Err(item_not_found());
        }
        ItemRef::Recurrence(None) => return Err(id_malformed()),
    };
    let (Target::Item(mailbox, key) | Target::Occurrence(mailbox, key, _)) = target;
    check_mailbox(ctx, mailbox)?;
    ctx.store
        .item(mailbox, &key)
        .map(|_| target)
        .ok_or_else(item_not_found)
}

/// The mailbox and key of an existing item (not an occurrence) the user may open.
fn resolve_item(ctx: &Context<'_>, id: &ItemRef) -> Result<(usize, [u8; 16]), MessageError> {
    match resolve_target(ctx, id)? {
        Target::Item(mailbox, key) => Ok((mailbox, key)),
        Target::Occurrence(..) => Err(MessageError::new(
            "ErrorInvalidOperation",
            "The fake Exchange server does not change single occurrences of a series.",
        )),
    }
}

/// The mailbox and folder that `folder` names (the user's own `default` folder when absent),
/// once the caller may open it.
fn resolve_folder(
    ctx: &Context<'_>,
    folder: Option<&FolderRef>,
    default: &str,
) -> Result<(usize, usize), MessageError> {
    match folder {
        Some(folder) => folders::resolve(ctx, folder),
        None => {
            let index = folder_tree::by_name(default).ok_or_else(folders::folder_not_found)?;
            Ok((ctx.user, index))
        }
    }
}
