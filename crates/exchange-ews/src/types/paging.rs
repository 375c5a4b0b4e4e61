//! Indexed paging (`IndexedPageItemView`, `IndexedPageFolderView`) and the item summaries
//! of paged `FindItem`.

use chrono::{DateTime, Utc};

use crate::{EwsError, ItemId};

/// A page of an indexed view counted from the beginning: at most `max_entries` entries from
/// `offset` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndexedPage {
    max_entries: u32,
    offset: u32,
}

impl IndexedPage {
    /// The page of at most `max_entries` (1 to 2³¹−1) entries from `offset` (0 to 2³¹−1),
    /// the ranges of the schema's `xs:int`.
    pub fn new(max_entries: u32, offset: u32) -> Result<Self, EwsError> {
        let limit = i32::MAX as u32;
        if max_entries == 0 || max_entries > limit {
            return Err(EwsError::InvalidArgument {
                argument: "max_entries",
                reason: format!("{max_entries} is not between 1 and {limit}"),
            });
        }
        if offset > limit {
            return Err(EwsError::InvalidArgument {
                argument: "offset",
                reason: format!("{offset} is larger than {limit}"),
            });
        }
        Ok(Self {
            max_entries,
            offset,
        })
    }

    /// The most entries of the page.
    pub fn max_entries(self) -> u32 {
        self.max_entries
    }

    /// The index of the first entry.
    pub fn offset(self) -> u32 {
        self.offset
    }
}

/// What paged `FindItem` returns of an item of any kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSummary {
    /// `ItemId`.
    pub id: ItemId,
    /// The element the item came as (`Message`, `CalendarItem`, `Contact`, …).
    pub kind: String,
    /// `ItemClass` (`IPM.Note`, `IPM.Appointment`, …).
    pub item_class: Option<String>,
    /// `Subject`.
    pub subject: Option<String>,
    /// `DateTimeReceived`.
    pub date_time_received: Option<DateTime<Utc>>,
}

/// One page of `FindItem` with an indexed view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemPage {
    /// The items of the page.
    pub items: Vec<ItemSummary>,
    /// `IncludesLastItemInRange`: whether this page ends the view.
    pub includes_last_item_in_range: bool,
    /// `IndexedPagingOffset`: the offset of the next page, when the server sent one.
    pub indexed_paging_offset: Option<u32>,
    /// `TotalItemsInView`: how many items the whole view holds.
    pub total_items_in_view: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_page_bounds() {
        let page = IndexedPage::new(100, 200).unwrap();
        assert_eq!((page.max_entries(), page.offset()), (100, 200));
        assert!(IndexedPage::new(0, 0).is_err());
        assert!(IndexedPage::new(u32::MAX, 0).is_err());
        assert!(IndexedPage::new(1, u32::MAX).is_err());
        assert!(IndexedPage::new(i32::MAX as u32, i32::MAX as u32).is_ok());
    }
}
