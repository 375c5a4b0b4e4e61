//! `FindItem` with an `IndexedPageItemView`: a page of the items of any folder.

use crate::items::{IndexedPage, ItemPage, ItemShape, ItemSummary, Restriction, SortOrder};
use crate::operations::folders::folder_xml::{paging, write_indexed_view};
use crate::operations::item_xml::item::item_id;
use crate::operations::{sans_io_methods, write_folder};
use crate::soap::{cut, request_envelope};
use crate::xml::{parse_date_time, Element};
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, Operation};

/// The properties asked for beyond the ids.
const SUMMARY_PROPERTIES: &[&str] = &["item:ItemClass", "item:Subject", "item:DateTimeReceived"];

/// Reads one page of the items of a folder, of any kind, as [`ItemSummary`]s.
/// [`FindTypedItems`](crate::items::FindTypedItems) reads the page into typed
/// [`Item`](crate::Item)s instead.
///
/// ```
/// use exchange_ews::items::{FindItems, IndexedPage};
/// use exchange_ews::{DistinguishedFolder, ExchangeVersion};
///
/// let page = IndexedPage::new(100, 0)?;
/// let request = FindItems::new(DistinguishedFolder::Inbox.into(), page)?;
/// let envelope = request.to_envelope(ExchangeVersion::Exchange2016);
/// assert!(envelope.contains(r#"<m:IndexedPageItemView MaxEntriesReturned="100" Offset="0" BasePoint="Beginning"/>"#));
///
/// let answer = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
///   <m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
///       xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
///     <m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success">
///       <m:ResponseCode>NoError</m:ResponseCode>
///       <m:RootFolder IndexedPagingOffset="1" TotalItemsInView="2" IncludesLastItemInRange="false">
///         <t:Items><t:Message><t:ItemId Id="AAMk1"/><t:Subject>Hello</t:Subject></t:Message></t:Items>
///       </m:RootFolder>
///     </m:FindItemResponseMessage></m:ResponseMessages>
///   </m:FindItemResponse>
/// </s:Body></s:Envelope>"#;
/// let page = FindItems::parse_response(answer)?;
/// assert_eq!(page.items[0].subject.as_deref(), Some("Hello"));
/// assert_eq!(page.indexed_paging_offset, Some(1));
/// assert!(!page.includes_last_item_in_range);
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindItems {
    folder: FolderTarget,
    page: IndexedPage,
    shape: Option<ItemShape>,
    restriction: Option<Restriction>,
    sort_order: Option<SortOrder>,
}

/// Properties `FindItem` cannot return: Exchange refuses the whole request for them.
pub(crate) const NOT_FOR_FIND: &[&str] = &[
    "item:Body",
    "item:UniqueBody",
    "item:NormalizedBody",
    "item:TextBody",
    "item:MimeContent",
];

impl FindItems {
    /// The request for `page` of the items of `folder`.
    pub fn new(folder: FolderTarget, page: IndexedPage) -> Result<Self, EwsError> {
        folder.check("folder")?;
        Ok(Self {
            folder,
            page,
            shape: None,
            restriction: None,
            sort_order: None,
        })
    }

    /// The request with `shape` instead of the ids, item classes, subjects and receipt
    /// times asked for by default; bodies cannot be asked for.
    pub fn with_shape(mut self, shape: ItemShape) -> Result<Self, EwsError> {
        check_find_shape(&shape)?;
        self.shape = Some(shape);
        Ok(self)
    }

    /// The request restricted to the items matching `restriction`.
    pub fn with_restriction(mut self, restriction: Restriction) -> Result<Self, EwsError> {
        restriction.check_shape()?;
        self.restriction = Some(restriction);
        Ok(self)
    }

    /// The request with the items in `order`.
    pub fn with_sort_order(mut self, order: SortOrder) -> Self {
        self.sort_order = Some(order);
        self
    }

    /// The shape, when not the default.
    pub fn shape(&self) -> Option<&ItemShape> {
        self.shape.as_ref()
    }

    /// The restriction, if any.
    pub fn restriction(&self) -> Option<&Restriction> {
        self.restriction.as_ref()
    }

    /// The sort order, if any.
    pub fn sort_order(&self) -> Option<&SortOrder> {
        self.sort_order.as_ref()
    }

    /// The folder searched.
    pub fn folder(&self) -> &FolderTarget {
        &self.folder
    }

    /// The page asked for.
    pub fn page(&self) -> IndexedPage {
        self.page
    }
}

sans_io_methods!(FindItems);

/// Refuses a shape `FindItem` cannot answer: a malformed one, or one with a body.
pub(crate) fn check_find_shape(shape: &ItemShape) -> Result<(), EwsError> {
    shape.check_shape()?;
    if let Some(body) = shape.additional.iter().find(|p| {
        matches!(p, crate::items::PropertyPath::Field(uri) if NOT_FOR_FIND.contains(&uri.as_ref()))
    }) {
        return Err(EwsError::InvalidArgument {
            argument: "item shape",
            reason: format!("FindItem cannot return {body}; read it with GetItems"),
        });
    }
    Ok(())
}

impl Operation for FindItems {
    type Output = ItemPage;
    const NAME: &'static str = "FindItem";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:FindItem", &[("Traversal", "Shallow")]);
            match &self.shape {
                Some(shape) => shape.write(w),
                None => {
                    w.start("m:ItemShape", &[])
                        .text_element("t:BaseShape", &[], "IdOnly")
                        .start("t:AdditionalProperties", &[]);
                    for field in SUMMARY_PROPERTIES {
                        w.empty("t:FieldURI", &[("FieldURI", field)]);
                    }
                    w.end().end();
                }
            }
            write_indexed_view(w, "m:IndexedPageItemView", self.page);
            if let Some(restriction) = &self.restriction {
                w.start("m:Restriction", &[]);
                restriction.write(w);
                w.end();
            }
            if let Some(order) = &self.sort_order {
                order.write(w);
            }
            w.start("m:ParentFolderIds", &[]);
            write_folder(w, &self.folder);
            w.end().end();
        })
    }

    fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        if let Some(shape) = &self.shape {
            shape.check(version)?;
        }
        if let Some(restriction) = &self.restriction {
            restriction.check(version)?;
        }
        if let Some(order) = &self.sort_order {
            order.check(version)?;
        }
        Ok(())
    }

    fn output(envelope: &Envelope) -> Result<ItemPage, EwsError> {
        let root = envelope
            .single_message(Self::NAME)?
            .required_child("RootFolder")?;
        let paging = paging(root)?;
        let items = match root.child("Items") {
            Some(items) => items
                .children()
                .iter()
                .map(summary)
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        Ok(ItemPage {
            items,
            includes_last_item_in_range: paging.includes_last,
            indexed_paging_offset: paging.offset,
            total_items_in_view: paging.total,
        })
    }
}

/// Reads an item element of any kind.
pub(crate) fn summary(e: &Element) -> Result<ItemSummary, EwsError> {
    let text = |name: &str| e.child_text(name).map(str::to_owned);
    let received = e
        .child("DateTimeReceived")
        .map(|r| {
            parse_date_time(r.text()).ok_or_else(|| EwsError::InvalidValue {
                element: "DateTimeReceived".into(),
                value: cut(r.text()),
                expected: "an xs:dateTime",
            })
        })
        .transpose()?;
    Ok(ItemSummary {
        id: item_id(e.required_child("ItemId")?)?,
        kind: e.name().to_owned(),
        item_class: text("ItemClass").filter(|c| !c.trim().is_empty()),
        subject: text("Subject"),
        date_time_received: received,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample;
    use crate::{DistinguishedFolder, ItemId};
    use chrono::{TimeZone, Utc};

    fn answer(root: &str) -> String {
        format!(
            r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:FindItemResponse xmlns:m="urn:m" xmlns:t="urn:t">
            <m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
            {root}</m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>"#
        )
    }

    const PAGE: &str = r#"<m:RootFolder IndexedPagingOffset="2" TotalItemsInView="3" IncludesLastItemInRange="false"><t:Items>
        <t:Message><t:ItemId Id="M1" ChangeKey="C"/><t:ItemClass>IPM.Note</t:ItemClass><t:Subject>Hello &amp; bye</t:Subject><t:DateTimeReceived>2024-05-01T08:00:00Z</t:DateTimeReceived></t:Message>
        <t:CalendarItem><t:ItemId Id="A1"/></t:CalendarItem></t:Items></m:RootFolder>"#;

    #[test]
    fn writes_the_indexed_view() {
        let page = IndexedPage::new(100, 200).unwrap();
        let request = FindItems::new(DistinguishedFolder::Inbox.into(), page).unwrap();
        let xml = request.to_envelope(ExchangeVersion::Exchange2013);
        assert!(xml.contains(r#"<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:ItemClass"/><t:FieldURI FieldURI="item:Subject"/><t:FieldURI FieldURI="item:DateTimeReceived"/></t:AdditionalProperties></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned="100" Offset="200" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>"#), "{xml}");
        assert_eq!(request.page(), page);
        assert_eq!(
            request.folder(),
            &FolderTarget::from(DistinguishedFolder::Inbox)
        );
        assert!(FindItems::new(FolderTarget::Id(" ".into()), page).is_err());
    }

    #[test]
    fn reads_items_of_any_kind() {
        let page = FindItems::parse_response(answer(PAGE).as_bytes()).unwrap();
        assert_eq!(
            (page.indexed_paging_offset, page.total_items_in_view),
            (Some(2), Some(3))
        );
        assert!(!page.includes_last_item_in_range);
        let first = &page.items[0];
        assert_eq!(first.id, ItemId::new("M1").with_change_key("C"));
        assert_eq!(first.kind, "Message");
        assert_eq!(first.item_class.as_deref(), Some("IPM.Note"));
        assert_eq!(first.subject.as_deref(), Some("Hello & bye"));
        assert_eq!(
            first.date_time_received,
            Some(Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap())
        );
        assert_eq!(page.items[1].kind, "CalendarItem");
        assert_eq!(page.items[1].subject, None);
    }

    #[test]
    fn refuses_malformed_truncated_and_hostile_answers() {
        let whole = answer(PAGE);
        for cut in [5, whole.len() / 2, whole.len() - 1] {
            assert!(FindItems::parse_response(&whole.as_bytes()[..cut])
                .unwrap_err()
                .is_malformed_response());
        }
        for bad in [
            PAGE.replace("2024-05-01T08:00:00Z", "yesterday"),
            PAGE.replace(r#"<t:ItemId Id="A1"/>"#, ""),
            PAGE.replace(
                r#"TotalItemsInView="3""#,
                r#"TotalItemsInView="99999999999""#,
            ),
            PAGE.replace("RootFolder", "Root"),
        ] {
            assert!(
                FindItems::parse_response(answer(&bad).as_bytes())
                    .unwrap_err()
                    .is_malformed_response(),
                "{bad}"
            );
        }
        let bomb = format!("<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>{whole}");
        assert!(FindItems::parse_response(bomb.as_bytes()).is_err());
    }

    #[test]
    fn parses_the_paged_samples() {
        let (Some(first), Some(second)) = (
            sample("ms-paged-finditem-page1-response.xml"),
            sample("ms-paged-finditem-page2-response.xml"),
        ) else {
            return;
        };
        let first = FindItems::parse_response(&first).unwrap();
        assert_eq!(first.items.len(), 6);
        assert_eq!(
            (first.indexed_paging_offset, first.total_items_in_view),
            (Some(6), Some(8))
        );
        assert!(!first.includes_last_item_in_range);
        assert_eq!(first.items[0].subject.as_deref(), Some("Query"));
        assert_eq!(first.items[0].kind, "Message");
        assert_eq!(first.items[0].item_class, None);
        let second = FindItems::parse_response(&second).unwrap();
        assert_eq!(second.items.len(), 3);
        assert_eq!(second.indexed_paging_offset, Some(8));
        assert!(second.includes_last_item_in_range);
        assert_eq!(
            second.items[2].subject.as_deref(),
            Some("This cat is hilarious!")
        );
    }
}
