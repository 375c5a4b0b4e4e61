//! The folder tree every mailbox of the fake has: the root, the message folder root
//! (`msgfolderroot`, "Top of Information Store") and the distinguished folders below it.
//!
//! The tree is the same in every mailbox and cannot be changed, so it is a table; every
//! folder can hold items. Folder ids are base64 like Exchange's and carry the mailbox number
//! and the folder's place in the table.

use crate::store;

const FOLDER_ID_TAG: &[u8; 4] = b"FXF2";
const FOLDER_CHANGE_KEY_TAG: &[u8; 4] = b"FXK1";

/// The element a folder is written as (its `BaseFolderType` subtype).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FolderKind {
    /// `t:Folder`.
    Plain,
    /// `t:CalendarFolder`.
    Calendar,
    /// `t:ContactsFolder`.
    Contacts,
    /// `t:TasksFolder`.
    Tasks,
}

impl FolderKind {
    /// The element name with its prefix.
    pub(crate) fn element(self) -> &'static str {
        match self {
            Self::Plain => "t:Folder",
            Self::Calendar => "t:CalendarFolder",
            Self::Contacts => "t:ContactsFolder",
            Self::Tasks => "t:TasksFolder",
        }
    }

    /// Whether the schema type has `UnreadCount` (`FolderType` and its subtypes).
    pub(crate) fn has_unread_count(self) -> bool {
        matches!(self, Self::Plain | Self::Tasks)
    }
}

/// One folder of the tree.
#[derive(Debug)]
pub(crate) struct FolderSpec {
    /// Its `DistinguishedFolderId` name.
    pub(crate) name: &'static str,
    /// `DisplayName`.
    pub(crate) display_name: &'static str,
    /// `FolderClass`, when the folder has one.
    pub(crate) class: Option<&'static str>,
    /// The element it is written as.
    pub(crate) kind: FolderKind,
    /// The index of its parent in [`TREE`] (`None` for the root).
    pub(crate) parent: Option<usize>,
}

const fn folder(
    name: &'static str,
    display_name: &'static str,
    class: &'static str,
    kind: FolderKind,
) -> FolderSpec {
    FolderSpec {
        name,
        display_name,
        class: Some(class),
        kind,
        parent: Some(MSG_FOLDER_ROOT),
    }
}

/// The index of `msgfolderroot`.
const MSG_FOLDER_ROOT: usize = 1;
/// The index of the inbox.
pub(crate) const INBOX: usize = 2;
/// The index of the calendar.
pub(crate) const CALENDAR: usize = 3;
/// The index of Deleted Items.
pub(crate) const DELETED_ITEMS: usize = 8;
/// The index of Drafts.
pub(crate) const DRAFTS: usize = 9;
/// The index of Sent Items.
pub(crate) const SENT_ITEMS: usize = 10;

/// The folders, parents before children.
pub(crate) const TREE: &[FolderSpec] = &[
    FolderSpec {
        name: "root",
        display_name: "Root",
        class: None,
        kind: FolderKind::Plain,
        parent: None,
    },
    FolderSpec {
        name: "msgfolderroot",
        display_name: "Top of Information Store",
        class: None,
        kind: FolderKind::Plain,
        parent: Some(0),
    },
    folder("inbox", "Inbox", "IPF.Note", FolderKind::Plain),
    folder(
        "calendar",
        "Calendar",
        "IPF.Appointment",
        FolderKind::Calendar,
    ),
    folder("contacts", "Contacts", "IPF.Contact", FolderKind::Contacts),
    folder("tasks", "Tasks", "IPF.Task", FolderKind::Tasks),
    folder("notes", "Notes", "IPF.StickyNote", FolderKind::Plain),
    folder("journal", "Journal", "IPF.Journal", FolderKind::Plain),
    folder(
        "deleteditems",
        "Deleted Items",
        "IPF.Note",
        FolderKind::Plain,
    ),
    folder("drafts", "Drafts", "IPF.Note", FolderKind::Plain),
    folder("sentitems", "Sent Items", "IPF.Note", FolderKind::Plain),
    folder("outbox", "Outbox", "IPF.Note", FolderKind::Plain),
    folder("junkemail", "Junk Email", "IPF.Note", FolderKind::Plain),
];

/// The folder with this distinguished name.
pub(crate) fn by_name(name: &str) -> Option<usize> {
    TREE.iter().position(|f| f.name == name)
}

/// The direct children of a folder, in table order.
pub(crate) fn children(index: usize) -> impl Iterator<Item = usize> {
    TREE.iter()
        .enumerate()
        .filter(move |(_, f)| f.parent == Some(index))
        .map(|(i, _)| i)
}

/// Every folder below `index`, depth first, each before its children.
pub(crate) fn descendants(index: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut pending: Vec<usize> = children(index).collect();
    pending.reverse();
    while let Some(next) = pending.pop() {
        out.push(next);
        let mut below: Vec<usize> = children(next).collect();
        below.reverse();
        pending.extend(below);
    }
    out
}

/// The `FolderId/@Id` of a folder of a mailbox.
pub(crate) fn folder_id(mailbox: usize, index: usize) -> String {
    let (mailbox, index) = (store::number(mailbox), store::number(index));
    let (m, i) = (u32::from_be_bytes(mailbox), u32::from_be_bytes(index));
    // Exchange's folder ids are long; filler derived from both numbers makes these look so.
    let filler: Vec<u8> = (0u32..32)
        .map(|n| {
            let mixed = m
                .wrapping_mul(31)
                .wrapping_add(i.wrapping_mul(17))
                .wrapping_add(n.wrapping_mul(101));
            mixed.to_le_bytes()[0]
        })
        .collect();
    store::encode_tagged(FOLDER_ID_TAG, &[&mailbox, &index, &filler])
}

/// The mailbox and folder a folder id names; `None` when it is not an id the fake hands out.
pub(crate) fn parse_folder_id(id: &str) -> Option<(usize, usize)> {
    let rest = store::decode_tagged(FOLDER_ID_TAG, id)?;
    let (mailbox, rest) = rest.split_first_chunk::<4>()?;
    let (index, _) = rest.split_first_chunk::<4>()?;
    let mailbox = store::parse_number(*mailbox)?;
    let index = store::parse_number(*index)?;
    // The whole id must be the one handed out, filler included.
    // Indexes past the table name folders made by `CreateFolder`: whether one exists is the
    // store's to say (see `folder`).
    (folder_id(mailbox, index) == id.trim()).then_some((mailbox, index))
}

/// What the fake knows of one folder, fixed or made.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FolderView<'a> {
    /// `DisplayName`.
    pub(crate) display_name: &'a str,
    /// `FolderClass`.
    pub(crate) class: Option<&'a str>,
    /// The element it is written as.
    pub(crate) kind: FolderKind,
    /// The index of its parent.
    pub(crate) parent: Option<usize>,
    /// Counts its changes (0 for the table's folders, which never change).
    pub(crate) version: u64,
}

/// The folder `index` of `mailbox`, if it exists.
pub(crate) fn view(store: &store::Store, mailbox: usize, index: usize) -> Option<FolderView<'_>> {
    if let Some(spec) = TREE.get(index) {
        return Some(FolderView {
            display_name: spec.display_name,
            class: spec.class,
            kind: spec.kind,
            parent: spec.parent,
            version: 0,
        });
    }
    let made = store.folders.get(index - TREE.len())?;
    (made.mailbox == mailbox && !made.deleted).then(|| FolderView {
        display_name: &made.display_name,
        class: made.class.as_deref(),
        kind: kind_of(made.class.as_deref()),
        parent: Some(made.parent),
        version: made.version,
    })
}

/// The element a made folder of `class` is written as.
pub(crate) fn kind_of(class: Option<&str>) -> FolderKind {
    match class {
        Some(c) if c.starts_with("IPF.Appointment") => FolderKind::Calendar,
        Some(c) if c.starts_with("IPF.Contact") => FolderKind::Contacts,
        Some(c) if c.starts_with("IPF.Task") => FolderKind::Tasks,
        _ => FolderKind::Plain,
    }
}

/// The direct children of a folder of `mailbox`, the table's first, then those made.
pub(crate) fn children_in(store: &store::Store, mailbox: usize, index: usize) -> Vec<usize> {
    let mut out: Vec<usize> = children(index).collect();
    out.extend(
        store
            .folders
            .iter()
            .enumerate()
            .filter(|(_, f)| f.mailbox == mailbox && !f.deleted && f.parent == index)
            .map(|(n, _)| TREE.len() + n),
    );
    out
}

/// Every folder of `mailbox` below `index`, depth first, each before its children.
pub(crate) fn descendants_in(store: &store::Store, mailbox: usize, index: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut pending = children_in(store, mailbox, index);
    pending.reverse();
    while let Some(next) = pending.pop() {
        out.push(next);
        let mut below = children_in(store, mailbox, next);
        below.reverse();
        pending.extend(below);
    }
    out
}

/// The change key of a folder at `version` (the table's folders stay at 0).
pub(crate) fn change_key_at(index: usize, version: u64) -> String {
    if version == 0 {
        return change_key(index);
    }
    let version = u32::try_from(version).unwrap_or(u32::MAX).to_be_bytes();
    store::encode_tagged(FOLDER_CHANGE_KEY_TAG, &[&store::number(index), &version])
}

/// The `FolderId/@ChangeKey` of a folder (folders never change in the fake).
pub(crate) fn change_key(index: usize) -> String {
    store::encode_tagged(FOLDER_CHANGE_KEY_TAG, &[&store::number(index)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD as BASE64;
    use base64::Engine as _;

    #[test]
    fn the_tree_is_rooted_and_ordered() {
        assert_eq!(TREE[0].parent, None);
        for (i, f) in TREE.iter().enumerate().skip(1) {
            assert!(f.parent.is_some_and(|p| p < i), "{}", f.name);
        }
        assert_eq!(by_name("calendar"), Some(CALENDAR));
        assert_eq!(by_name("inbox"), Some(INBOX));
        assert_eq!(by_name("deleteditems"), Some(DELETED_ITEMS));
        assert_eq!(by_name("drafts"), Some(DRAFTS));
        assert_eq!(by_name("sentitems"), Some(SENT_ITEMS));
        assert_eq!(by_name("msgfolderroot"), Some(MSG_FOLDER_ROOT));
        assert_eq!(by_name("archiveroot"), None);
        assert_eq!(descendants(0).len(), TREE.len() - 1);
        assert_eq!(descendants(MSG_FOLDER_ROOT).len(), TREE.len() - 2);
        assert_eq!(children(0).collect::<Vec<_>>(), [MSG_FOLDER_ROOT]);
        assert!(descendants(CALENDAR).is_empty());
    }

    #[test]
    fn folder_ids_round_trip_and_differ() {
        for mailbox in [0, 1, 7] {
            for index in 0..TREE.len() {
                let id = folder_id(mailbox, index);
                assert_eq!(parse_folder_id(&id), Some((mailbox, index)), "{id}");
                assert!(id.len() >= 12);
            }
        }
        assert_ne!(folder_id(0, 2), folder_id(1, 2));
        assert_ne!(change_key(1), change_key(2));
    }

    #[test]
    fn foreign_or_broken_folder_ids_are_refused() {
        let id = folder_id(0, 2);
        for bad in [
            "",
            "%%%",
            &id[..id.len() - 4],
            &store::item_id(0, &[0; 16]),
            &change_key(2),
            "AQMkADRiZGNhMWIxLWIwOGMtNDQAZjktODk3OS0zZWIxODJjNmI4NWYALgAAA8ZmIFRjoG9PpiagjztHaIcBAFSUeaisgPtKo3c6hV+VzpcAAAIBCAAAAA==",
        ] {
            assert_eq!(parse_folder_id(bad), None, "{bad:?}");
        }
        let mut beyond = BASE64.decode(&id).unwrap();
        beyond[8..12].copy_from_slice(&999u32.to_be_bytes());
        assert_eq!(
            parse_folder_id(&BASE64.encode(beyond)),
            None,
            "the filler differs"
        );
        let made = folder_id(0, 999);
        assert_eq!(parse_folder_id(&made), Some((0, 999)));
        assert!(view(&store::Store::new(1), 0, 999).is_none(), "not made");
        assert_eq!(parse_folder_id(&"A".repeat(1 << 20)), None);
    }
}
