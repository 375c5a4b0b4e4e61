//! `FindItem` and `GetItem`.

use std::fmt::Write as _;

use chrono::Duration;

use super::{folders, occurrences, resolve_target, Context, Target};
use crate::item_xml;
use crate::recurrence::series;
use crate::request::{FindItem, FolderRef, ItemRef, Shape, View};
use crate::response::MessageError;
use crate::store::StoredItem;

/// The longest window a `CalendarView` may span, as on Exchange (two years).
const MAX_CALENDAR_VIEW_DAYS: i64 = 2 * 365 + 1;

/// One `FindItemResponseMessage` content: `m:RootFolder` with the items found in `folder`.
pub(super) fn find(
    ctx: &Context<'_>,
    folder: &FolderRef,
    query: &FindItem,
) -> Result<String, MessageError> {
    let (mailbox, index) = folders::resolve(ctx, folder)?;
    if query.shape.additional.iter().any(|uri| uri == "item:Body") {
        return Err(MessageError::new(
            "ErrorInvalidPropertyRequest",
            "The property 'Body' can't be used in FindItem requests.",
        ));
    }
    let mut items: Vec<&StoredItem> = if query.shallow {
        ctx.store.items_in(mailbox, index).collect()
    } else {
        // Soft-deleted and associated items are not modelled.
        Vec::new()
    };
    let filtered = query.restriction.is_some() || !query.sort.is_empty();
    if filtered && matches!(query.view, View::Calendar { .. }) {
        return Err(MessageError::new(
            "ErrorInvalidRestriction",
            "Restrictions and sort order may not be specified for a CalendarView.",
        ));
    }
    if query.grouped {
        return Err(MessageError::new(
            "ErrorUnsupportedQueryFilter",
            "The fake Exchange server does not group items.",
        ));
    }
    items.sort_by_key(|i| (i.start, i.end, i.created));
    if let Some(filter) = &query.restriction {
        super::query::check(filter)?;
        let mut kept = Vec::with_capacity(items.len());
        for item in items {
            if super::query::matches(item, filter)? {
                kept.push(item);
            }
        }
        items = kept;
    }
    super::query::sort(&mut items, &query.sort)?;
    let total = items.len();
    match query.view {
        View::All => {
            let attributes = format!(" TotalItemsInView=\"{total}\"");
            Ok(root_folder(ctx, mailbox, query, &items, &attributes, true))
        }
        View::Calendar { start, end, max } => {
            if end < start {
                return Err(super::write::end_before_start());
            }
            if end - start > Duration::days(MAX_CALENDAR_VIEW_DAYS) {
                return Err(MessageError::new(
                    "ErrorCalendarViewRangeTooBig",
                    "The time range between StartDate and EndDate of the CalendarView is too big.",
                ));
            }
            let max = page_size(max)?;
            // A series shows as its occurrences in the window.
            let mut expanded: Vec<StoredItem> = Vec::new();
            let mut single: Vec<&StoredItem> = Vec::new();
            for item in items {
                match series::recurrence_of(item) {
                    Some(recurrence) => {
                        expanded.extend(series::in_window(item, &recurrence, start, end));
                    }
                    None => single.push(item),
                }
            }
            let mut items: Vec<&StoredItem> = single.into_iter().chain(expanded.iter()).collect();
            items.sort_by_key(|i| (i.start, i.end, i.created));
            items.retain(|i| series::overlaps(i, start, end));
            let in_view = items.len();
            items.truncate(max);
            let attributes = format!(" TotalItemsInView=\"{in_view}\"");
            Ok(root_folder(
                ctx,
                mailbox,
                query,
                &items,
                &attributes,
                items.len() == in_view,
            ))
        }
        View::Indexed {
            max,
            offset,
            from_end,
        } => {
            let page = Page::of(total, max, offset, from_end)?;
            let slice: Vec<&StoredItem> = items[page.from..page.to].to_vec();
            let attributes = page.attributes(total);
            Ok(root_folder(
                ctx,
                mailbox,
                query,
                &slice,
                &attributes,
                page.last,
            ))
        }
        View::Unsupported(ref name) => Err(MessageError::new(
            "ErrorInvalidOperation",
            &format!("The fake Exchange server does not implement {name}."),
        )),
    }
}

/// One page of an indexed view (`IndexedPageItemView`, `IndexedPageFolderView`).
pub(super) struct Page {
    /// The first entry of the page.
    pub(super) from: usize,
    /// One past the last entry of the page.
    pub(super) to: usize,
    /// The `IndexedPagingOffset` of the next page.
    pub(super) next: usize,
    /// Whether the page holds the last entry (`IncludesLastItemInRange`).
    pub(super) last: bool,
}

impl Page {
    /// The page of `total` entries that `max`, `offset` and the base point select.
    pub(super) fn of(
        total: usize,
        max: Option<i32>,
        offset: i32,
        from_end: bool,
    ) -> Result<Self, MessageError> {
        let max = page_size(max)?;
        let offset = usize::try_from(offset).map_err(|_| {
            MessageError::new(
                "ErrorInvalidIndexedPagingParameters",
                "The offset of the paging view is negative.",
            )
        })?;
        let (from, to) = if from_end {
            let to = total.saturating_sub(offset);
            (to.saturating_sub(max), to)
        } else {
            let from = offset.min(total);
            (from, from.saturating_add(max).min(total))
        };
        Ok(Self {
            from,
            to,
            next: if from_end { offset + (to - from) } else { to },
            last: if from_end { from == 0 } else { to == total },
        })
    }

    /// The paging attributes of `RootFolder`.
    pub(super) fn attributes(&self, total: usize) -> String {
        format!(
            " IndexedPagingOffset=\"{}\" TotalItemsInView=\"{total}\"",
            self.next
        )
    }
}

fn page_size(max: Option<i32>) -> Result<usize, MessageError> {
    match max {
        None => Ok(usize::MAX),
        Some(n) if n > 0 => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        Some(_) => Err(MessageError::new(
            "ErrorInvalidPagingMaxRows",
            "MaxEntriesReturned must be greater than zero.",
        )),
    }
}

fn root_folder(
    ctx: &Context<'_>,
    mailbox: usize,
    query: &FindItem,
    items: &[&StoredItem],
    attributes: &str,
    includes_last: bool,
) -> String {
    let view = item_xml::Context {
        mailbox,
        owner: ctx.directory.smtp(mailbox),
        shape: &query.shape,
        for_find: true,
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<m:RootFolder{attributes} IncludesLastItemInRange=\"{includes_last}\"><t:Items>"
    );
    for item in items {
        out.push_str(&item_xml::item(&view, item));
    }
    out.push_str("</t:Items></m:RootFolder>");
    out
}

/// One `GetItemResponseMessage` content: `m:Items` with the item.
pub(super) fn get(ctx: &Context<'_>, id: &ItemRef, shape: &Shape) -> Result<String, MessageError> {
    let occurrence;
    let (mailbox, item) = match resolve_target(ctx, id)? {
        Target::Item(mailbox, key) => {
            let item = ctx
                .store
                .item(mailbox, &key)
                .ok_or_else(super::item_not_found)?;
            (mailbox, item)
        }
        Target::Occurrence(mailbox, key, index) => {
            occurrence = occurrences::instance(ctx, mailbox, &key, index)?.0;
            (mailbox, &occurrence)
        }
    };
    let view = item_xml::Context {
        mailbox,
        owner: ctx.directory.smtp(mailbox),
        shape,
        for_find: false,
    };
    Ok(format!(
        "<m:Items>{}</m:Items>",
        item_xml::item(&view, item)
    ))
}
