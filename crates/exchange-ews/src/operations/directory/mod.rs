//! The directory and availability operations: names resolved to mailboxes and contacts,
//! free/busy views of mailboxes, and ids converted between formats.

mod availability_xml;
mod convert_id;
mod get_user_availability;
mod resolve_names;

pub use convert_id::ConvertId;
pub use get_user_availability::GetUserAvailability;
pub use resolve_names::ResolveNames;
