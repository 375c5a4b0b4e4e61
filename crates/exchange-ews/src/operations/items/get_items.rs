//! `GetItem` of several items of any kind, in any shape, read generically.

use crate::decoded::Node;
use crate::items::ItemShape;
use crate::operations::item_xml::item::generic;
use crate::operations::{check_count, sans_io_methods, write_item_id};
use crate::soap::request_envelope;
use crate::xml::Element;
use crate::{Envelope, EwsError, ExchangeVersion, ItemId, Operation};

/// The most ids one request may carry.
pub const MAX_ITEM_IDS: usize = 1000;

/// One item as the server sent it: its id, its kind and every element of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenericItem {
    /// The item id.
    pub id: ItemId,
    /// The element name of the item (`Message`, `CalendarItem`, `Contact`, …).
    pub kind: String,
    /// The item element with all its properties.
    pub node: Node,
}

/// Reads items by id in a chosen [`ItemShape`]; each id gets its own answer, an item or
/// the error the server reported for it.
///
/// [`GetTypedItems`](crate::items::GetTypedItems) reads the same answer into typed
/// [`Item`](crate::Item)s, and [`GenericItem::typed`] reads one item kept generically.
///
/// ```
/// use exchange_ews::items::{BaseShape, GetItems, ItemShape, PropertyPath};
/// use exchange_ews::{ExchangeVersion, ItemId};
///
/// let shape = ItemShape::new(BaseShape::IdOnly).with(PropertyPath::field("item:Subject"));
/// let request = GetItems::new(vec![ItemId::new("AAMk1"), ItemId::new("AAMk2")], shape)?;
/// let envelope = request.checked_envelope(ExchangeVersion::Exchange2010)?;
/// assert!(envelope.contains(r#"<t:ItemId Id="AAMk1"/><t:ItemId Id="AAMk2"/>"#));
///
/// let too_new = ItemShape::new(BaseShape::IdOnly)
///     .with(PropertyPath::field("calendar:EnhancedLocation"));
/// let request = GetItems::new(vec![ItemId::new("AAMk1")], too_new)?;
/// assert!(request.checked_envelope(ExchangeVersion::Exchange2010).is_err());
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetItems {
    ids: Vec<ItemId>,
    shape: ItemShape,
}

impl GetItems {
    /// The request for the items `ids` (1 to [`MAX_ITEM_IDS`]) in `shape`.
    pub fn new(ids: Vec<ItemId>, shape: ItemShape) -> Result<Self, EwsError> {
        check_count("item ids", ids.len(), MAX_ITEM_IDS)?;
        for id in &ids {
            id.check("item id")?;
        }
        shape.check_shape()?;
        Ok(Self { ids, shape })
    }

    /// The items asked for.
    pub fn ids(&self) -> &[ItemId] {
        &self.ids
    }

    /// The shape asked for.
    pub fn shape(&self) -> &ItemShape {
        &self.shape
    }
}

sans_io_methods!(GetItems);

impl Operation for GetItems {
    /// One entry per id, in order.
    type Output = Vec<Result<GenericItem, EwsError>>;
    const NAME: &'static str = "GetItem";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:GetItem", &[]);
            self.shape.write(w);
            w.start("m:ItemIds", &[]);
            for id in &self.ids {
                write_item_id(w, "t:ItemId", id);
            }
            w.end().end();
        })
    }

    fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        self.shape.check(version)
    }

    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError> {
        items_per_id(envelope, generic)
    }
}

impl GenericItem {
    /// The item read into the struct of its kind; a kind this crate does not model is
    /// [`Item::Other`](crate::Item::Other).
    pub fn typed(&self) -> Result<crate::Item, EwsError> {
        crate::Item::from_node(&self.node)
    }
}

/// The items of a `GetItem` answer, one entry per id in order, each read by `read`.
///
/// A single id's error is the call's error; with several, each id gets its own error,
/// while a malformed item fails the whole answer.
pub(crate) fn items_per_id<T>(
    envelope: &Envelope,
    read: impl Fn(&Element) -> Result<T, EwsError>,
) -> Result<Vec<Result<T, EwsError>>, EwsError> {
    crate::operations::per_message(envelope, "GetItem", |message| {
        let item = message
            .required_child("Items")?
            .children()
            .first()
            .ok_or_else(|| EwsError::MissingElement {
                element: "item".into(),
                parent: "Items".into(),
            })?;
        read(item)
    })
}
