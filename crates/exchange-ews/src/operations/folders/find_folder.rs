//! `FindFolder`: the folders below a folder, shallow or deep, a page at a time.

use super::folder_xml::{folders, paging, write_folder_shape, write_indexed_view};
use crate::folders::{FolderPage, Traversal};
use crate::items::IndexedPage;
use crate::operations::{sans_io_methods, write_folder};
use crate::soap::request_envelope;
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, Operation};

/// Lists the folders below a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindFolder {
    parent: FolderTarget,
    traversal: Traversal,
    page: Option<IndexedPage>,
}

impl FindFolder {
    /// The request for the folders below `parent`, one page of them when `page` says so
    /// (else every folder at once).
    pub fn new(
        parent: FolderTarget,
        traversal: Traversal,
        page: Option<IndexedPage>,
    ) -> Result<Self, EwsError> {
        parent.check("parent folder")?;
        Ok(Self {
            parent,
            traversal,
            page,
        })
    }

    /// The folder searched below.
    pub fn parent(&self) -> &FolderTarget {
        &self.parent
    }

    /// How deep the search goes.
    pub fn traversal(&self) -> Traversal {
        self.traversal
    }

    /// The page asked for.
    pub fn page(&self) -> Option<IndexedPage> {
        self.page
    }
}

sans_io_methods!(FindFolder);

impl Operation for FindFolder {
    type Output = FolderPage;
    const NAME: &'static str = "FindFolder";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:FindFolder", &[("Traversal", self.traversal.as_str())]);
            write_folder_shape(w);
            if let Some(page) = self.page {
                write_indexed_view(w, "m:IndexedPageFolderView", page);
            }
            w.start("m:ParentFolderIds", &[]);
            write_folder(w, &self.parent);
            w.end().end();
        })
    }

    fn output(envelope: &Envelope) -> Result<FolderPage, EwsError> {
        let root = envelope
            .single_message(Self::NAME)?
            .required_child("RootFolder")?;
        let paging = paging(root)?;
        Ok(FolderPage {
            folders: root
                .child("Folders")
                .map(folders)
                .transpose()?
                .unwrap_or_default(),
            includes_last_item_in_range: paging.includes_last,
            indexed_paging_offset: paging.offset,
            total_items_in_view: paging.total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample;
    use crate::{DistinguishedFolder, ResponseCode};

    fn answer(root: &str) -> String {
        format!(
            r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:FindFolderResponse xmlns:m="urn:m" xmlns:t="urn:t">
            <m:ResponseMessages><m:FindFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
            {root}</m:FindFolderResponseMessage></m:ResponseMessages></m:FindFolderResponse></s:Body></s:Envelope>"#
        )
    }

    const PAGE: &str = r#"<m:RootFolder IndexedPagingOffset="2" TotalItemsInView="5" IncludesLastItemInRange="false"><t:Folders>
        <t:Folder><t:FolderId Id="A"/><t:ParentFolderId Id="R"/><t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>Inbox</t:DisplayName><t:TotalCount>0</t:TotalCount><t:ChildFolderCount>1</t:ChildFolderCount><t:UnreadCount>0</t:UnreadCount></t:Folder>
        <t:SearchFolder><t:FolderId Id="B"/><t:DisplayName>Search</t:DisplayName></t:SearchFolder>
        </t:Folders></m:RootFolder>"#;

    #[test]
    fn writes_traversal_view_and_parent() {
        let root = FolderTarget::from(DistinguishedFolder::MsgFolderRoot);
        let page = IndexedPage::new(10, 20).unwrap();
        let request = FindFolder::new(root.clone(), Traversal::Deep, Some(page)).unwrap();
        let xml = request.to_envelope(ExchangeVersion::Exchange2010Sp1);
        assert!(
            xml.contains(r#"<m:FindFolder Traversal="Deep"><m:FolderShape>"#),
            "{xml}"
        );
        assert!(xml.contains(r#"</m:FolderShape><m:IndexedPageFolderView MaxEntriesReturned="10" Offset="20" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:ParentFolderIds></m:FindFolder>"#), "{xml}");
        let all = FindFolder::new(root.clone(), Traversal::Shallow, None).unwrap();
        let xml = all.to_envelope(ExchangeVersion::Exchange2010Sp1);
        assert!(xml.contains(r#"Traversal="Shallow""#) && !xml.contains("IndexedPageFolderView"));
        assert_eq!(
            (all.parent(), all.traversal(), all.page()),
            (&root, Traversal::Shallow, None)
        );
        assert!(FindFolder::new(FolderTarget::Id(String::new()), Traversal::Deep, None).is_err());
    }

    #[test]
    fn reads_a_page_of_folders() {
        let page = FindFolder::parse_response(answer(PAGE).as_bytes()).unwrap();
        assert!(!page.includes_last_item_in_range);
        assert_eq!(
            (page.indexed_paging_offset, page.total_items_in_view),
            (Some(2), Some(5))
        );
        assert_eq!(page.folders.len(), 2);
        assert_eq!(page.folders[0].display_name.as_deref(), Some("Inbox"));
        assert_eq!(page.folders[0].child_folder_count, Some(1));
        assert_eq!(page.folders[1].id.id, "B");
        let empty = FindFolder::parse_response(
            answer(r#"<m:RootFolder TotalItemsInView="0"/>"#).as_bytes(),
        )
        .unwrap();
        assert!(empty.folders.is_empty() && empty.includes_last_item_in_range);
    }

    #[test]
    fn refuses_malformed_truncated_and_hostile_answers() {
        let whole = answer(PAGE);
        for cut in [1, whole.len() / 3, whole.len() - 3] {
            assert!(FindFolder::parse_response(&whole.as_bytes()[..cut])
                .unwrap_err()
                .is_malformed_response());
        }
        for bad in [
            PAGE.replace(r#"IndexedPagingOffset="2""#, r#"IndexedPagingOffset="two""#),
            PAGE.replace(
                r#"IncludesLastItemInRange="false""#,
                r#"IncludesLastItemInRange="nope""#,
            ),
            PAGE.replace(r#"<t:FolderId Id="B"/>"#, ""),
            PAGE.replace("RootFolder", "LeafFolder"),
            PAGE.replace(">1<", ">-1<"),
        ] {
            assert!(
                FindFolder::parse_response(answer(&bad).as_bytes())
                    .unwrap_err()
                    .is_malformed_response(),
                "{bad}"
            );
        }
        let hostile = format!("<!DOCTYPE s [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>{whole}");
        assert!(FindFolder::parse_response(hostile.as_bytes()).is_err());
    }

    #[test]
    fn parses_the_too_many_objects_sample() {
        let Some(bytes) = sample("exl-findfolder-errortoomanyobjectsopened-response.xml") else {
            return;
        };
        let err = FindFolder::parse_response(&bytes).unwrap_err();
        assert!(
            err.response_code()
                .is_some_and(|c| *c != ResponseCode::NoError),
            "{err}"
        );
    }
}
