//! Reading and writing what folder operations and indexed views share: folder elements,
//! folder shapes, indexed page views and the paging attributes of `RootFolder`.

use crate::folders::{Folder, FolderId};
use crate::items::IndexedPage;
use crate::operations::item_xml::item::item_id;
use crate::soap::cut;
use crate::xml::{parse_bool, Element, XmlWriter};
use crate::EwsError;

/// The properties asked for beyond the `Default` folder shape, which holds the id, display
/// name and the counts.
const FOLDER_PROPERTIES: &[&str] = &["folder:ParentFolderId", "folder:FolderClass"];

/// Writes `m:FolderShape`.
pub(crate) fn write_folder_shape(w: &mut XmlWriter) {
    w.start("m:FolderShape", &[])
        .text_element("t:BaseShape", &[], "Default")
        .start("t:AdditionalProperties", &[]);
    for field in FOLDER_PROPERTIES {
        w.empty("t:FieldURI", &[("FieldURI", field)]);
    }
    w.end().end();
}

/// Writes an indexed view element (`m:IndexedPageItemView`, `m:IndexedPageFolderView`).
pub(crate) fn write_indexed_view(w: &mut XmlWriter, element: &'static str, page: IndexedPage) {
    let max = page.max_entries().to_string();
    let offset = page.offset().to_string();
    w.empty(
        element,
        &[
            ("MaxEntriesReturned", &max),
            ("Offset", &offset),
            ("BasePoint", "Beginning"),
        ],
    );
}

/// The paging attributes of a `RootFolder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paging {
    /// `IncludesLastItemInRange` (true when absent, as the schema's default says).
    pub(crate) includes_last: bool,
    /// `IndexedPagingOffset`.
    pub(crate) offset: Option<u32>,
    /// `TotalItemsInView`.
    pub(crate) total: Option<u32>,
}

/// Reads the paging attributes of a `RootFolder`.
pub(crate) fn paging(root: &Element) -> Result<Paging, EwsError> {
    let includes_last = match root.attribute("IncludesLastItemInRange") {
        None => true,
        Some(v) => parse_bool(v).ok_or_else(|| EwsError::InvalidValue {
            element: "RootFolder@IncludesLastItemInRange".into(),
            value: cut(v),
            expected: "an xs:boolean",
        })?,
    };
    let count = |name: &str| {
        root.attribute(name)
            .map(|v| count_value(&format!("RootFolder@{name}"), v))
            .transpose()
    };
    Ok(Paging {
        includes_last,
        offset: count("IndexedPagingOffset")?,
        total: count("TotalItemsInView")?,
    })
}

/// A count (`xs:int` that cannot be negative).
fn count_value(element: &str, value: &str) -> Result<u32, EwsError> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| i32::try_from(*n).is_ok())
        .ok_or_else(|| EwsError::InvalidValue {
            element: element.to_owned(),
            value: cut(value),
            expected: "a count from 0 to 2147483647",
        })
}

fn optional_count(parent: &Element, name: &str) -> Result<Option<u32>, EwsError> {
    parent
        .child(name)
        .map(|e| count_value(name, e.text()))
        .transpose()
}

fn optional_text(parent: &Element, name: &str) -> Option<String> {
    parent.child_text(name).map(|t| t.trim().to_owned())
}

/// Reads a `t:FolderId` or `t:ParentFolderId`.
pub(crate) fn folder_id(e: &Element) -> Result<FolderId, EwsError> {
    // Folder and item ids share their shape (`Id` required, `ChangeKey` optional).
    let id = item_id(e)?;
    Ok(FolderId {
        id: id.id,
        change_key: id.change_key,
    })
}

/// Reads a folder element of any kind (`Folder`, `CalendarFolder`, `SearchFolder`, …).
pub(crate) fn folder(e: &Element) -> Result<Folder, EwsError> {
    Ok(Folder {
        id: folder_id(e.required_child("FolderId")?)?,
        parent_id: e.child("ParentFolderId").map(folder_id).transpose()?,
        display_name: optional_text(e, "DisplayName"),
        folder_class: optional_text(e, "FolderClass").filter(|c| !c.is_empty()),
        total_count: optional_count(e, "TotalCount")?,
        child_folder_count: optional_count(e, "ChildFolderCount")?,
        unread_count: optional_count(e, "UnreadCount")?,
    })
}

/// Reads the folders of a `Folders` element.
pub(crate) fn folders(list: &Element) -> Result<Vec<Folder>, EwsError> {
    list.children().iter().map(folder).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn reads_folders_and_refuses_bad_counts() {
        let xml = br#"<t:Folder xmlns:t="urn:t"><t:FolderId Id="F1" ChangeKey="K"/>
            <t:ParentFolderId Id="P"/><t:FolderClass>IPF.Note</t:FolderClass>
            <t:DisplayName> Inbox </t:DisplayName><t:TotalCount>12</t:TotalCount>
            <t:ChildFolderCount>0</t:ChildFolderCount><t:UnreadCount>3</t:UnreadCount></t:Folder>"#;
        let f = folder(&parse(xml).unwrap()).unwrap();
        assert_eq!(f.id, FolderId::new("F1").with_change_key("K"));
        assert_eq!(f.parent_id, Some(FolderId::new("P")));
        assert_eq!(f.display_name.as_deref(), Some("Inbox"));
        assert_eq!(f.folder_class.as_deref(), Some("IPF.Note"));
        assert_eq!(
            (f.total_count, f.child_folder_count, f.unread_count),
            (Some(12), Some(0), Some(3))
        );
        for bad in ["-1", "2147483648", "99999999999999999999", "x", ""] {
            let xml = format!(
                r#"<t:Folder xmlns:t="urn:t"><t:FolderId Id="F"/><t:TotalCount>{bad}</t:TotalCount></t:Folder>"#
            );
            let err = folder(&parse(xml.as_bytes()).unwrap()).unwrap_err();
            assert!(matches!(err, EwsError::InvalidValue { .. }), "{bad}: {err}");
        }
        let no_id =
            parse(br#"<t:Folder xmlns:t="urn:t"><t:DisplayName>x</t:DisplayName></t:Folder>"#)
                .unwrap();
        assert!(matches!(
            folder(&no_id),
            Err(EwsError::MissingElement { .. })
        ));
        let empty_id = parse(br#"<Folder><FolderId Id=" "/></Folder>"#).unwrap();
        assert!(folder(&empty_id).is_err());
    }

    #[test]
    fn reads_paging_attributes() {
        let root = parse(br#"<RootFolder IndexedPagingOffset="6" TotalItemsInView="8" IncludesLastItemInRange="false"/>"#).unwrap();
        assert_eq!(
            paging(&root).unwrap(),
            Paging {
                includes_last: false,
                offset: Some(6),
                total: Some(8)
            }
        );
        let bare = parse(b"<RootFolder/>").unwrap();
        assert!(paging(&bare).unwrap().includes_last);
        for bad in [
            r#"<RootFolder IncludesLastItemInRange="maybe"/>"#,
            r#"<RootFolder IndexedPagingOffset="-6"/>"#,
            r#"<RootFolder TotalItemsInView="1e9"/>"#,
        ] {
            assert!(paging(&parse(bad.as_bytes()).unwrap()).is_err(), "{bad}");
        }
    }
}
