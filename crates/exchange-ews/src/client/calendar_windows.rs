//! Reading every calendar item of a range when one `CalendarView` cannot return them all.
//!
//! A `CalendarView` has no offset paging: with more items in its window than
//! `MaxEntriesReturned`, Exchange returns the first ones and says the view is incomplete.
//! The client then splits the window in halves, recursively, and merges the answers; an
//! item overlapping two halves comes back from both and is kept once.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};

use crate::calendar::{CalendarItem, FindCalendarItems};
use crate::{EwsClient, EwsError, FolderTarget};

/// The `MaxEntriesReturned` of [`EwsClient::calendar_items_all`] (Exchange's usual limit).
const DEFAULT_MAX_ENTRIES: u32 = 1000;

/// The smallest window [`EwsClient::calendar_items_all`] splits.
const DEFAULT_MIN_WINDOW: Duration = Duration::minutes(1);

impl EwsClient {
    /// Every calendar item of `folder` that overlaps `start`..`end` (recurring series
    /// expanded), re-windowing as the module docs say, at most 1000 items per request and
    /// down to one-minute windows. Sorted by start, then id.
    pub async fn calendar_items_all(
        &self,
        folder: &FolderTarget,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<CalendarItem>, EwsError> {
        self.calendar_items_all_with(folder, start, end, DEFAULT_MAX_ENTRIES, DEFAULT_MIN_WINDOW)
            .await
    }

    /// [`calendar_items_all`](Self::calendar_items_all) with `max_entries` items per
    /// request and windows split no smaller than `min_window`. A window of that size that
    /// still holds too many items fails with [`EwsError::CalendarWindowTooDense`].
    pub async fn calendar_items_all_with(
        &self,
        folder: &FolderTarget,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        max_entries: u32,
        min_window: Duration,
    ) -> Result<Vec<CalendarItem>, EwsError> {
        FindCalendarItems::new(folder.clone(), start, end, Some(max_entries))?;
        if min_window <= Duration::zero() {
            return Err(EwsError::InvalidArgument {
                argument: "min_window",
                reason: format!("{min_window} is not a positive duration"),
            });
        }
        let mut seen = HashSet::new();
        let mut items = Vec::new();
        // Windows still to read, the earliest last (read first).
        let mut windows = vec![(start, end)];
        while let Some((from, to)) = windows.pop() {
            let view = self
                .find_calendar_items(folder, from, to, Some(max_entries))
                .await?;
            if view.includes_last_item_in_range {
                for item in view.items {
                    if seen.insert(item.id.id.clone()) {
                        items.push(item);
                    }
                }
                continue;
            }
            if to - from <= min_window {
                return Err(EwsError::CalendarWindowTooDense {
                    start: from,
                    end: to,
                    max_entries,
                });
            }
            let middle = from + (to - from) / 2;
            windows.push((middle, to));
            windows.push((from, middle));
        }
        items.sort_by(|a, b| (a.start, &a.id.id).cmp(&(b.start, &b.id.id)));
        Ok(items)
    }
}
