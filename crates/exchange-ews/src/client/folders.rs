//! Folder operations and paged item listing of the client.

use std::future::Future;

use crate::folders::{
    CreateFolder, DeleteFolder, FindFolder, Folder, FolderId, FolderPage, GetFolder, MoveFolder,
    RenameFolder, Traversal,
};
use crate::items::DeleteType;
use crate::items::{FindItems, FindTypedItems, IndexedPage, ItemPage, ItemSummary};
use crate::{EwsClient, EwsError, FolderTarget, Item};

/// The page size of [`EwsClient::all_folders`].
const FOLDER_PAGE: u32 = 200;

impl EwsClient {
    /// Reads folders by id or distinguished name (of this mailbox or, with delegate
    /// access, of others), in the order given. An error for any one fails the call.
    pub async fn get_folders(&self, targets: &[FolderTarget]) -> Result<Vec<Folder>, EwsError> {
        self.execute(&GetFolder::new(targets.to_vec())?).await
    }

    /// Creates a folder called `display_name` below `parent`, of `folder_class` (`IPF.Contact`,
    /// …; a mail folder when `None`); returns its id.
    pub async fn create_folder(
        &self,
        parent: &FolderTarget,
        display_name: &str,
        folder_class: Option<&str>,
    ) -> Result<FolderId, EwsError> {
        let request = CreateFolder::new(
            parent.clone(),
            display_name,
            folder_class.map(str::to_owned),
        )?;
        self.execute(&request).await
    }

    /// Renames the folder `id` (a stale change key is a conflict); returns its id with the new
    /// change key.
    pub async fn rename_folder(
        &self,
        id: &FolderId,
        display_name: &str,
    ) -> Result<FolderId, EwsError> {
        self.execute(&RenameFolder::new(id.clone(), display_name)?)
            .await
    }

    /// Deletes the folder `id` and everything in it.
    pub async fn delete_folder(
        &self,
        id: &FolderId,
        delete_type: DeleteType,
    ) -> Result<(), EwsError> {
        self.execute(&DeleteFolder::new(id.clone(), delete_type)?)
            .await
    }

    /// Moves the folder `id` below `to`; returns its id there.
    pub async fn move_folder(
        &self,
        id: &FolderId,
        to: &FolderTarget,
    ) -> Result<FolderId, EwsError> {
        self.execute(&MoveFolder::new(id.clone(), to.clone())?)
            .await
    }

    /// One page of the folders below `parent` (every folder at once without `page`).
    pub async fn find_folders(
        &self,
        parent: &FolderTarget,
        traversal: Traversal,
        page: Option<IndexedPage>,
    ) -> Result<FolderPage, EwsError> {
        self.execute(&FindFolder::new(parent.clone(), traversal, page)?)
            .await
    }

    /// Every folder below `parent`, fetched a page at a time.
    pub async fn all_folders(
        &self,
        parent: &FolderTarget,
        traversal: Traversal,
    ) -> Result<Vec<Folder>, EwsError> {
        let mut folders = Vec::new();
        let mut offset = 0;
        loop {
            let page = IndexedPage::new(FOLDER_PAGE, offset)?;
            let found = self.find_folders(parent, traversal, Some(page)).await?;
            let count = found.folders.len();
            folders.extend(found.folders);
            match next_offset(
                offset,
                count,
                found.includes_last_item_in_range,
                found.indexed_paging_offset,
            )? {
                Some(next) => offset = next,
                None => return Ok(folders),
            }
        }
    }

    /// One page of the items of `folder`.
    pub async fn find_items_page(
        &self,
        folder: &FolderTarget,
        page: IndexedPage,
    ) -> Result<ItemPage, EwsError> {
        self.execute(&FindItems::new(folder.clone(), page)?).await
    }

    /// A pager over the items of `folder`, `page_size` (1 to 2³¹−1) at a time, from the
    /// first; see [`ItemPager::next_page`].
    pub fn items(&self, folder: &FolderTarget, page_size: u32) -> Result<ItemPager<'_>, EwsError> {
        // Checks both arguments now rather than at the first page.
        FindItems::new(folder.clone(), IndexedPage::new(page_size, 0)?)?;
        Ok(ItemPager {
            client: self,
            folder: folder.clone(),
            page_size,
            next_offset: Some(0),
            pages: 0,
        })
    }
}

/// The offset of the page after one that started at `offset` and held `count` entries;
/// `None` after the last page. Refuses an answer that would page forever.
fn next_offset(
    offset: u32,
    count: usize,
    includes_last: bool,
    indexed_paging_offset: Option<u32>,
) -> Result<Option<u32>, EwsError> {
    if includes_last {
        return Ok(None);
    }
    let counted = u32::try_from(count)
        .ok()
        .and_then(|c| offset.checked_add(c));
    let next = indexed_paging_offset.or(counted);
    match next {
        Some(next) if next > offset => Ok(Some(next)),
        _ => Err(EwsError::InvalidValue {
            element: "RootFolder@IndexedPagingOffset".into(),
            value: next.map_or_else(String::new, |n| n.to_string()),
            expected: "an offset past the page just read (the view is not at its end)",
        }),
    }
}

/// Pages through the items of a folder, one request per page, holding no more than the
/// page it returns. Made by [`EwsClient::items`].
///
/// ```no_run
/// # async fn run(client: exchange_ews::EwsClient) -> Result<(), exchange_ews::EwsError> {
/// use exchange_ews::{DistinguishedFolder, FolderTarget};
///
/// let inbox = FolderTarget::Distinguished(DistinguishedFolder::Inbox);
/// let mut pager = client.items(&inbox, 100)?;
/// while let Some(page) = pager.next_page().await? {
///     for item in page {
///         println!("{} {:?}", item.id, item.subject);
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ItemPager<'a> {
    client: &'a EwsClient,
    folder: FolderTarget,
    page_size: u32,
    /// The offset of the next page; `None` once the last one was returned.
    next_offset: Option<u32>,
    pages: usize,
}

impl<'a> ItemPager<'a> {
    /// The next page of items, or `None` after the last one (the page with
    /// `IncludesLastItemInRange`). After an error the same page is asked for again by the
    /// next call.
    pub async fn next_page(&mut self) -> Result<Option<Vec<ItemSummary>>, EwsError> {
        self.next_with(|client, folder, page| async move {
            let found = client.find_items_page(&folder, page).await?;
            Ok((
                found.items,
                found.includes_last_item_in_range,
                found.indexed_paging_offset,
            ))
        })
        .await
    }

    /// The next page of items read whole into their kinds ([`Item`]), in the `AllProperties`
    /// shape, or `None` after the last one. Shares its position with
    /// [`next_page`](Self::next_page): a pager is read one way or the other.
    pub async fn next_typed_page(&mut self) -> Result<Option<Vec<Item>>, EwsError> {
        self.next_with(|client, folder, page| async move {
            let found = client.execute(&FindTypedItems::new(folder, page)?).await?;
            Ok((
                found.items,
                found.includes_last_item_in_range,
                found.indexed_paging_offset,
            ))
        })
        .await
    }

    /// The steps of both ways of reading: the page at the pager's position, asked for by
    /// `fetch` (which answers the items, whether the last one is among them and the
    /// server's next offset), then the position moved on past it.
    async fn next_with<T, F, Fut>(&mut self, fetch: F) -> Result<Option<Vec<T>>, EwsError>
    where
        F: FnOnce(&'a EwsClient, FolderTarget, IndexedPage) -> Fut,
        Fut: Future<Output = Result<(Vec<T>, bool, Option<u32>), EwsError>>,
    {
        let Some(offset) = self.next_offset else {
            return Ok(None);
        };
        let page = IndexedPage::new(self.page_size, offset)?;
        let (items, includes_last, server_offset) =
            fetch(self.client, self.folder.clone(), page).await?;
        self.next_offset = next_offset(offset, items.len(), includes_last, server_offset)?;
        self.pages += 1;
        Ok(Some(items))
    }

    /// How many pages were returned so far.
    pub fn pages_read(&self) -> usize {
        self.pages
    }

    /// Whether the last page was returned.
    pub fn is_done(&self) -> bool {
        self.next_offset.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_on_or_stops() {
        assert_eq!(next_offset(0, 100, true, Some(100)).unwrap(), None);
        assert_eq!(next_offset(0, 100, false, Some(100)).unwrap(), Some(100));
        assert_eq!(next_offset(100, 100, false, None).unwrap(), Some(200));
        // An answer that does not move on would page forever.
        assert!(next_offset(100, 0, false, None).is_err());
        assert!(next_offset(100, 5, false, Some(100)).is_err());
        assert!(next_offset(100, 5, false, Some(3)).is_err());
        assert!(next_offset(u32::MAX, 5, false, None).is_err());
    }
}
