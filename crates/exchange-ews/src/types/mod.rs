//! The data types of requests and responses.

mod calendar;
mod folder;
mod ids;
mod options;
mod paging;

pub use calendar::{Body, BodyType, CalendarItem, CalendarView, Mailbox, NewCalendarItem};
pub use folder::{Folder, FolderId, FolderPage, Traversal};
pub use ids::{DistinguishedFolder, FolderTarget, ItemId};
pub use options::{DeleteType, SendMeetingCancellations, SendMeetingInvitations};
pub use paging::{IndexedPage, ItemPage, ItemSummary};
