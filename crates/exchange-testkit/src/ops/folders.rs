//! `GetFolder` and `FindFolder` over the folder tree of [`crate::folder_tree`].

use std::fmt::Write as _;

use super::find::Page;
use super::{access_denied, id_malformed, open_mailbox, Context};
use crate::escape;
use crate::folder_tree::{self, TREE};
use crate::request::{BaseShape, FolderRef, FolderTraversal, Shape, View};
use crate::response::MessageError;
use crate::store::MadeFolder;

/// The folder properties the fake returns, in schema order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Properties {
    parent_folder_id: bool,
    folder_class: bool,
    display_name: bool,
    total_count: bool,
    child_folder_count: bool,
    unread_count: bool,
}

impl Properties {
    fn of(shape: &Shape) -> Self {
        let mut p = Self::default();
        if shape.base != BaseShape::IdOnly {
            p.display_name = true;
            p.total_count = true;
            p.child_folder_count = true;
            p.unread_count = true;
        }
        if shape.base == BaseShape::AllProperties {
            p.parent_folder_id = true;
            p.folder_class = true;
        }
        for uri in &shape.additional {
            match uri.as_str() {
                "folder:ParentFolderId" => p.parent_folder_id = true,
                "folder:FolderClass" => p.folder_class = true,
                "folder:DisplayName" => p.display_name = true,
                "folder:TotalCount" => p.total_count = true,
                "folder:ChildFolderCount" => p.child_folder_count = true,
                "folder:UnreadCount" => p.unread_count = true,
                // Unmodelled properties are left out, as EWS omits unset ones.
                _ => {}
            }
        }
        p
    }
}

pub(super) fn folder_not_found() -> MessageError {
    MessageError::new(
        "ErrorFolderNotFound",
        "The specified folder could not be found in the store.",
    )
}

/// The mailbox and tree index of the folder `folder` names, once access is checked.
pub(super) fn resolve(
    ctx: &Context<'_>,
    folder: &FolderRef,
) -> Result<(usize, usize), MessageError> {
    let (mailbox, index) = match folder {
        FolderRef::Distinguished { name, mailbox } => {
            let mailbox = open_mailbox(ctx, mailbox.as_deref())?;
            (
                mailbox,
                folder_tree::by_name(name).ok_or_else(folder_not_found)?,
            )
        }
        FolderRef::Id(id) => folder_tree::parse_folder_id(id).ok_or_else(id_malformed)?,
    };
    if mailbox >= ctx.directory.users.len()
        || folder_tree::view(ctx.store, mailbox, index).is_none()
    {
        return Err(folder_not_found());
    }
    if !ctx.directory.may_open(ctx.user, mailbox) {
        return Err(access_denied());
    }
    Ok((mailbox, index))
}

/// One folder element with the properties of `shape`.
pub(super) fn folder_xml(ctx: &Context<'_>, mailbox: usize, index: usize, shape: &Shape) -> String {
    folder_with(ctx, mailbox, index, Properties::of(shape))
}

/// One folder element with the chosen properties.
fn folder_with(ctx: &Context<'_>, mailbox: usize, index: usize, p: Properties) -> String {
    let Some(spec) = folder_tree::view(ctx.store, mailbox, index) else {
        return String::new();
    };
    let element = spec.kind.element();
    let mut out = String::with_capacity(256);
    let _ = write!(
        out,
        "<{element}><t:FolderId Id=\"{}\" ChangeKey=\"{}\"/>",
        escape::attr(&folder_tree::folder_id(mailbox, index)),
        escape::attr(&folder_tree::change_key_at(index, spec.version)),
    );
    if let (true, Some(parent)) = (p.parent_folder_id, spec.parent) {
        let version = folder_tree::view(ctx.store, mailbox, parent).map_or(0, |f| f.version);
        let _ = write!(
            out,
            "<t:ParentFolderId Id=\"{}\" ChangeKey=\"{}\"/>",
            escape::attr(&folder_tree::folder_id(mailbox, parent)),
            escape::attr(&folder_tree::change_key_at(parent, version)),
        );
    }
    if let (true, Some(class)) = (p.folder_class, spec.class) {
        escape::push_text_element(&mut out, "t:FolderClass", class);
    }
    if p.display_name {
        escape::push_text_element(&mut out, "t:DisplayName", spec.display_name);
    }
    if p.total_count {
        let total = ctx.store.items_in(mailbox, index).count();
        let _ = write!(out, "<t:TotalCount>{total}</t:TotalCount>");
    }
    if p.child_folder_count {
        let count = folder_tree::children_in(ctx.store, mailbox, index).len();
        let _ = write!(out, "<t:ChildFolderCount>{count}</t:ChildFolderCount>");
    }
    if p.unread_count && spec.kind.has_unread_count() {
        let unread = ctx
            .store
            .items_in(mailbox, index)
            .filter(|i| !i.is_read())
            .count();
        let _ = write!(out, "<t:UnreadCount>{unread}</t:UnreadCount>");
    }
    let _ = write!(out, "</{element}>");
    out
}

/// One `GetFolderResponseMessage` content: `m:Folders` with the folder.
pub(super) fn get(
    ctx: &Context<'_>,
    folder: &FolderRef,
    shape: &Shape,
) -> Result<String, MessageError> {
    let (mailbox, index) = resolve(ctx, folder)?;
    let xml = folder_with(ctx, mailbox, index, Properties::of(shape));
    Ok(format!("<m:Folders>{xml}</m:Folders>"))
}

/// The arguments of `FindFolder` that apply to every parent folder.
pub(super) struct Query<'a> {
    /// How deep to look.
    pub(super) traversal: FolderTraversal,
    /// The properties to return.
    pub(super) shape: &'a Shape,
    /// The paging.
    pub(super) view: &'a View,
    /// Whether a restriction was given.
    pub(super) filtered: bool,
}

/// One `FindFolderResponseMessage` content: `m:RootFolder` with the folders found.
pub(super) fn find(
    ctx: &Context<'_>,
    folder: &FolderRef,
    query: &Query<'_>,
) -> Result<String, MessageError> {
    let (mailbox, index) = resolve(ctx, folder)?;
    if query.filtered {
        return Err(MessageError::new(
            "ErrorUnsupportedQueryFilter",
            "The fake Exchange server does not evaluate restrictions.",
        ));
    }
    let found: Vec<usize> = match query.traversal {
        FolderTraversal::Shallow => folder_tree::children_in(ctx.store, mailbox, index),
        FolderTraversal::Deep => folder_tree::descendants_in(ctx.store, mailbox, index),
        // Soft-deleted folders are not modelled.
        FolderTraversal::SoftDeleted => Vec::new(),
    };
    let total = found.len();
    let (page, attributes, last) = match *query.view {
        View::All => (&found[..], format!(" TotalItemsInView=\"{total}\""), true),
        View::Indexed {
            max,
            offset,
            from_end,
        } => {
            let page = Page::of(total, max, offset, from_end)?;
            (
                &found[page.from..page.to],
                page.attributes(total),
                page.last,
            )
        }
        View::Unsupported(ref name) => {
            return Err(MessageError::new(
                "ErrorInvalidOperation",
                &format!("The fake Exchange server does not implement {name}."),
            ))
        }
        View::Calendar { .. } => {
            return Err(MessageError::new(
                "ErrorInvalidOperation",
                "A CalendarView cannot page folders.",
            ))
        }
    };
    let properties = Properties::of(query.shape);
    let mut out = String::new();
    let _ = write!(
        out,
        "<m:RootFolder{attributes} IncludesLastItemInRange=\"{last}\"><t:Folders>"
    );
    for &i in page {
        out.push_str(&folder_with(ctx, mailbox, i, properties));
    }
    out.push_str("</t:Folders></m:RootFolder>");
    Ok(out)
}

/// `ErrorDeleteDistinguishedFolder` and the like: the table's folders never change.
fn fixed_folder() -> MessageError {
    MessageError::new(
        "ErrorDeleteDistinguishedFolder",
        "Distinguished folders cannot be deleted, moved or renamed.",
    )
}

/// A folder made by `CreateFolder`, for changes: its position in the store.
fn made(ctx: &Context<'_>, folder: &FolderRef) -> Result<(usize, usize, usize), MessageError> {
    let (mailbox, index) = resolve(ctx, folder)?;
    if index < TREE.len() {
        return Err(fixed_folder());
    }
    Ok((mailbox, index, index - TREE.len()))
}

/// One `CreateFolderResponseMessage` content: the new folder, by id.
pub(super) fn create(
    ctx: &mut Context<'_>,
    parent: &FolderRef,
    display_name: &str,
    class: Option<&str>,
) -> Result<String, MessageError> {
    let (mailbox, parent) = resolve(ctx, parent)?;
    let taken = folder_tree::children_in(ctx.store, mailbox, parent)
        .into_iter()
        .filter_map(|i| folder_tree::view(ctx.store, mailbox, i))
        .any(|f| f.display_name.eq_ignore_ascii_case(display_name));
    if taken {
        return Err(MessageError::new(
            "ErrorFolderExists",
            "A folder with the specified name already exists.",
        ));
    }
    ctx.store.folders.push(MadeFolder {
        mailbox,
        parent,
        display_name: display_name.to_owned(),
        class: class.map(str::to_owned),
        version: 1,
        deleted: false,
    });
    let index = TREE.len() + ctx.store.folders.len() - 1;
    Ok(id_only(ctx, mailbox, index))
}

/// `m:Folders` with one folder's element and id.
fn id_only(ctx: &Context<'_>, mailbox: usize, index: usize) -> String {
    let xml = folder_with(ctx, mailbox, index, Properties::default());
    format!("<m:Folders>{xml}</m:Folders>")
}

/// One `UpdateFolderResponseMessage` content: the renamed folder, with its new change key.
pub(super) fn rename(
    ctx: &mut Context<'_>,
    folder: &FolderRef,
    display_name: Option<&str>,
) -> Result<String, MessageError> {
    let (mailbox, index, n) = made(ctx, folder)?;
    let made = &mut ctx.store.folders[n];
    if let Some(name) = display_name {
        made.display_name = name.to_owned();
    }
    made.version += 1;
    Ok(id_only(ctx, mailbox, index))
}

/// One `MoveFolderResponseMessage` content: the moved folder (its id stays).
pub(super) fn move_to(
    ctx: &mut Context<'_>,
    folder: &FolderRef,
    to: &FolderRef,
) -> Result<String, MessageError> {
    let (mailbox, index, n) = made(ctx, folder)?;
    let (to_mailbox, to) = resolve(ctx, to)?;
    if to_mailbox != mailbox
        || to == index
        || folder_tree::descendants_in(ctx.store, mailbox, index).contains(&to)
    {
        return Err(MessageError::new(
            "ErrorMoveCopyFailed",
            "The folder cannot be moved there.",
        ));
    }
    let made = &mut ctx.store.folders[n];
    made.parent = to;
    made.version += 1;
    Ok(id_only(ctx, mailbox, index))
}

/// One `DeleteFolderResponseMessage` content: the folder and everything below it gone (or
/// moved below Deleted Items).
pub(super) fn delete(
    ctx: &mut Context<'_>,
    folder: &FolderRef,
    delete_type: &str,
) -> Result<String, MessageError> {
    let (mailbox, index, n) = made(ctx, folder)?;
    if delete_type == "MoveToDeletedItems" {
        let made = &mut ctx.store.folders[n];
        made.parent = folder_tree::DELETED_ITEMS;
        made.version += 1;
        return Ok(String::new());
    }
    let mut gone = folder_tree::descendants_in(ctx.store, mailbox, index);
    gone.push(index);
    for folder in gone {
        let keys: Vec<[u8; 16]> = ctx.store.items_in(mailbox, folder).map(|i| i.key).collect();
        for key in keys {
            ctx.store.remove(mailbox, &key);
        }
        if let Some(made) = ctx.store.folders.get_mut(folder - TREE.len()) {
            made.deleted = true;
        }
    }
    Ok(String::new())
}
