//! The operations on items of every kind: reading them generically or typed, finding them a
//! page at a time with restrictions and sort orders, and creating, updating, deleting, moving
//! and copying them.

mod create_items;
#[cfg(test)]
mod create_items_tests;
mod delete_item;
mod delete_items;
mod find_items;
mod get_items;
#[cfg(test)]
mod get_items_tests;
mod item_change_xml;
mod move_copy_items;
#[cfg(test)]
mod move_copy_items_tests;
mod typed_items;
mod update_checks;
mod update_fields;
mod update_items;
#[cfg(test)]
mod update_items_tests;

pub use create_items::{CreateItems, MAX_ITEMS_PER_REQUEST};
pub use delete_item::DeleteItem;
pub use delete_items::DeleteItems;
pub use find_items::FindItems;
pub(crate) use find_items::{check_find_shape, summary};
pub use get_items::{GenericItem, GetItems, MAX_ITEM_IDS};
pub use move_copy_items::{CopyItems, MoveItems};
pub use typed_items::{FindTypedItems, GetTypedItems};
pub(crate) use update_checks::check_field_update;
pub use update_items::{UpdateItems, UpdatedItem};
