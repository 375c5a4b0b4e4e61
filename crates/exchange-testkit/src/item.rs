//! An item as the fake stores it: its kind and folder, the properties the fake interprets
//! (subject, body and the calendar fields that views, restrictions and sorting need), the
//! other property elements as the client sent them, and its attachments.

use chrono::{DateTime, Utc};

use crate::dom::Element;
use crate::kind::ItemKind;
use crate::request::Body;

/// An item as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredItem {
    /// The unique part of the item id.
    pub(crate) key: [u8; 16],
    /// `PR_SEARCH_KEY` (tag `0x300B`, binary): 16 random bytes given at creation. Unlike the
    /// key of the id, it stays with the item through updates and moves, and a copy keeps the
    /// same bytes, as in MAPI.
    pub(crate) search_key: [u8; 16],
    /// The version counter behind the change key.
    pub(crate) change: u64,
    /// The counter of the last change other than a read flag change (for synchronisation).
    pub(crate) content_change: u64,
    /// What kind of item it is.
    pub(crate) kind: ItemKind,
    /// The folder (an index of [`crate::folder_tree::TREE`]).
    pub(crate) folder: usize,
    /// `ItemClass`.
    pub(crate) class: String,
    /// `DateTimeCreated`.
    pub(crate) created: DateTime<Utc>,
    /// `LastModifiedTime`.
    pub(crate) modified: DateTime<Utc>,
    /// `Subject`.
    pub(crate) subject: Option<String>,
    /// `Body`.
    pub(crate) body: Option<Body>,
    /// `UID` (calendar items).
    pub(crate) uid: String,
    /// `Start` (calendar items; the creation time for other kinds).
    pub(crate) start: DateTime<Utc>,
    /// `End` (calendar items; the creation time for other kinds).
    pub(crate) end: DateTime<Utc>,
    /// `IsAllDayEvent`.
    pub(crate) is_all_day: bool,
    /// `LegacyFreeBusyStatus`.
    pub(crate) free_busy: String,
    /// `Location`.
    pub(crate) location: Option<String>,
    /// Every other property element, as the client sent it.
    pub(crate) props: Vec<Element>,
    /// The attachments.
    pub(crate) attachments: Vec<Attachment>,
    /// For an occurrence of a series: which one (the item is then a view of its master).
    pub(crate) occurrence: Option<Occurrence>,
    /// For a recurring master: the original starts of deleted occurrences.
    pub(crate) deleted_occurrences: Vec<DateTime<Utc>>,
    /// For a recurring master: the occurrences changed on their own (exceptions).
    pub(crate) modified_occurrences: Vec<StoredItem>,
    /// When each property was last changed (its name and the change counter), for the
    /// conflict resolution of `UpdateItem`.
    pub(crate) touched: Vec<(String, u64)>,
}

impl StoredItem {
    /// A new item of `kind` in `folder` without properties.
    pub(crate) fn new(kind: ItemKind, folder: usize, change: u64, now: DateTime<Utc>) -> Self {
        Self {
            key: *uuid::Uuid::new_v4().as_bytes(),
            search_key: *uuid::Uuid::new_v4().as_bytes(),
            change,
            content_change: change,
            class: kind.default_class().to_owned(),
            kind,
            folder,
            created: now,
            modified: now,
            subject: None,
            body: None,
            uid: String::new(),
            start: now,
            end: now,
            is_all_day: false,
            free_busy: "Busy".to_owned(),
            location: None,
            props: Vec::new(),
            attachments: Vec::new(),
            occurrence: None,
            deleted_occurrences: Vec::new(),
            modified_occurrences: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// The property element kept as sent with this name.
    pub(crate) fn prop(&self, name: &str) -> Option<&Element> {
        self.props.iter().find(|p| p.name == name)
    }

    /// Puts a property element in place of the one with the same name, or adds it.
    pub(crate) fn set_prop(&mut self, element: Element) {
        match self.props.iter_mut().find(|p| p.name == element.name) {
            Some(slot) => *slot = element,
            None => self.props.push(element),
        }
    }

    /// Removes the property element with this name.
    pub(crate) fn remove_prop(&mut self, name: &str) {
        self.props.retain(|p| p.name != name);
    }

    /// Whether the item is marked read (`IsRead`; items without the property count as read).
    pub(crate) fn is_read(&self) -> bool {
        self.prop("IsRead")
            .is_none_or(|p| matches!(p.text().trim(), "true" | "1"))
    }

    /// Makes the item its next version: change `change`, made at `now`, changed the
    /// properties `names`. A change of the read flag alone keeps the content change.
    pub(crate) fn new_version(&mut self, change: u64, now: DateTime<Utc>, names: &[&str]) {
        self.change = change;
        if names.is_empty() || names.iter().any(|n| *n != "IsRead") {
            self.content_change = change;
        }
        self.modified = now;
        for name in names {
            self.touch(name, change);
        }
    }

    /// Records that property `name` changed with change `change`.
    pub(crate) fn touch(&mut self, name: &str, change: u64) {
        match self.touched.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = change,
            None => self.touched.push((name.to_owned(), change)),
        }
    }

    /// The properties changed after change `since`.
    pub(crate) fn touched_since(&self, since: u64) -> impl Iterator<Item = &str> {
        self.touched
            .iter()
            .filter(move |(_, c)| *c > since)
            .map(|(n, _)| n.as_str())
    }

    /// The approximate size in bytes that `Size` reports.
    pub(crate) fn size(&self) -> usize {
        let props: usize = self.props.iter().map(|p| p.to_xml().len()).sum();
        let body = self.body.as_ref().map_or(0, |b| b.content.len());
        let subject = self.subject.as_ref().map_or(0, String::len);
        let attachments: usize = self.attachments.iter().map(Attachment::size).sum();
        // Exchange counts MAPI overhead too; a fixed share keeps sizes plausible.
        256 + props + body + subject + attachments
    }
}

/// Which occurrence of a series an item stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Occurrence {
    /// The 1-based index in the series.
    pub(crate) index: usize,
    /// The start the series gives it.
    pub(crate) original_start: DateTime<Utc>,
    /// Whether it was changed on its own (an exception).
    pub(crate) modified: bool,
}

/// An attachment of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attachment {
    /// The unique part of the attachment id.
    pub(crate) key: [u8; 16],
    /// `Name`.
    pub(crate) name: String,
    /// `ContentType`.
    pub(crate) content_type: Option<String>,
    /// `ContentId`.
    pub(crate) content_id: Option<String>,
    /// `IsInline`.
    pub(crate) is_inline: bool,
    /// `LastModifiedTime`.
    pub(crate) modified: DateTime<Utc>,
    /// The file content or the attached item.
    pub(crate) content: AttachmentContent,
}

/// What an attachment holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AttachmentContent {
    /// A file's bytes.
    File(Vec<u8>),
    /// An item.
    Item(Box<StoredItem>),
}

impl Attachment {
    /// `Size`: the bytes of a file, the size of an item.
    pub(crate) fn size(&self) -> usize {
        match &self.content {
            AttachmentContent::File(bytes) => bytes.len(),
            AttachmentContent::Item(item) => item.size(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::TYPES;

    #[test]
    fn properties_are_replaced_by_name() {
        let mut item = StoredItem::new(ItemKind::Message, 2, 1, Utc::now());
        assert_eq!(item.class, "IPM.Note");
        assert!(item.is_read());
        item.set_prop(Element::new(TYPES, "IsRead", "false"));
        assert!(!item.is_read());
        item.set_prop(Element::new(TYPES, "IsRead", "true"));
        assert_eq!(item.props.len(), 1);
        assert!(item.is_read());
        item.remove_prop("IsRead");
        assert!(item.props.is_empty());
        let before = item.size();
        item.attachments.push(Attachment {
            key: [1; 16],
            name: "a".into(),
            content_type: None,
            content_id: None,
            is_inline: false,
            modified: Utc::now(),
            content: AttachmentContent::File(vec![0; 100]),
        });
        assert_eq!(item.size(), before + 100);
    }

    #[test]
    fn touches_are_tracked_per_property() {
        let mut item = StoredItem::new(ItemKind::Task, 5, 1, Utc::now());
        item.touch("Subject", 3);
        item.touch("Status", 4);
        item.touch("Subject", 6);
        assert_eq!(item.touched_since(4).collect::<Vec<_>>(), ["Subject"]);
        assert_eq!(item.touched_since(0).count(), 2);
    }
}
