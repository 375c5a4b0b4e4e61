//! `GetItem` and paged `FindItem` read into typed [`Item`]s.

use super::get_items::items_per_id;
use crate::items::{
    BaseShape, FindItems, GetItems, IndexedPage, ItemShape, Restriction, SortOrder, TypedItemPage,
};
use crate::operations::folders::folder_xml::paging;
use crate::operations::item_xml::item::item;
use crate::operations::sans_io_methods;
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, Item, ItemId, Operation};

/// Reads items by id, each into the struct of its kind: [`GetItems`] with typed answers.
///
/// Each id gets its own answer, as with [`GetItems`]: an item, or the error the server
/// reported for it. The shape decides which properties come back; typed fields the shape
/// left out stay at their defaults.
///
/// ```
/// use exchange_ews::items::{BaseShape, GetTypedItems, ItemShape};
/// use exchange_ews::{Item, ItemId};
///
/// let request = GetTypedItems::new(vec![ItemId::new("AAMk1")], ItemShape::new(BaseShape::AllProperties))?;
/// let answer = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
///   <m:GetItemResponse xmlns:m="m" xmlns:t="t"><m:ResponseMessages>
///     <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
///       <m:Items><t:Task><t:ItemId Id="AAMk1"/><t:Subject>File taxes</t:Subject>
///         <t:PercentComplete>50</t:PercentComplete><t:Status>InProgress</t:Status></t:Task></m:Items>
///     </m:GetItemResponseMessage>
///   </m:ResponseMessages></m:GetItemResponse>
/// </s:Body></s:Envelope>"#;
/// let items = GetTypedItems::parse_response(answer)?;
/// let Ok(Item::Task(task)) = &items[0] else { panic!("a task") };
/// assert_eq!(task.percent_complete, Some(50.0));
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetTypedItems {
    request: GetItems,
}

impl GetTypedItems {
    /// The request for the items `ids` (1 to [`MAX_ITEM_IDS`](crate::items::MAX_ITEM_IDS)) in
    /// `shape`.
    pub fn new(ids: Vec<ItemId>, shape: ItemShape) -> Result<Self, EwsError> {
        Ok(Self {
            request: GetItems::new(ids, shape)?,
        })
    }

    /// The items asked for.
    pub fn ids(&self) -> &[ItemId] {
        self.request.ids()
    }

    /// The shape asked for.
    pub fn shape(&self) -> &ItemShape {
        self.request.shape()
    }
}

sans_io_methods!(GetTypedItems);

impl Operation for GetTypedItems {
    /// One entry per id, in order.
    type Output = Vec<Result<Item, EwsError>>;
    const NAME: &'static str = "GetItem";

    fn envelope(&self, version: ExchangeVersion) -> String {
        self.request.envelope(version)
    }

    fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        Operation::check(&self.request, version)
    }

    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError> {
        items_per_id(envelope, item)
    }
}

/// Reads one page of the items of a folder, each into the struct of its kind:
/// [`FindItems`] with typed answers.
///
/// Without [`with_shape`](Self::with_shape) it asks for `AllProperties`, which holds what
/// every kind's reader needs (a calendar item's start and end among them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindTypedItems {
    request: FindItems,
}

impl FindTypedItems {
    /// The request for `page` of the items of `folder`.
    pub fn new(folder: FolderTarget, page: IndexedPage) -> Result<Self, EwsError> {
        let request =
            FindItems::new(folder, page)?.with_shape(ItemShape::new(BaseShape::AllProperties))?;
        Ok(Self { request })
    }

    /// The request with `shape` instead of `AllProperties`; bodies cannot be asked for.
    pub fn with_shape(self, shape: ItemShape) -> Result<Self, EwsError> {
        Ok(Self {
            request: self.request.with_shape(shape)?,
        })
    }

    /// The request restricted to the items matching `restriction`.
    pub fn with_restriction(self, restriction: Restriction) -> Result<Self, EwsError> {
        Ok(Self {
            request: self.request.with_restriction(restriction)?,
        })
    }

    /// The request with the items in `order`.
    pub fn with_sort_order(self, order: SortOrder) -> Self {
        Self {
            request: self.request.with_sort_order(order),
        }
    }

    /// The untyped request this one sends.
    pub fn request(&self) -> &FindItems {
        &self.request
    }
}

sans_io_methods!(FindTypedItems);

impl Operation for FindTypedItems {
    type Output = TypedItemPage;
    const NAME: &'static str = "FindItem";

    fn envelope(&self, version: ExchangeVersion) -> String {
        self.request.envelope(version)
    }

    fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        Operation::check(&self.request, version)
    }

    /// A page whose items all read; an item that does not fails the page, as with
    /// [`FindItems`].
    fn output(envelope: &Envelope) -> Result<TypedItemPage, EwsError> {
        let root = envelope
            .single_message(Self::NAME)?
            .required_child("RootFolder")?;
        let paging = paging(root)?;
        let items = match root.child("Items") {
            Some(items) => items
                .children()
                .iter()
                .map(item)
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        Ok(TypedItemPage {
            items,
            includes_last_item_in_range: paging.includes_last,
            indexed_paging_offset: paging.offset,
            total_items_in_view: paging.total,
        })
    }
}
