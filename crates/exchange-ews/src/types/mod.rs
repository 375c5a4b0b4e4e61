//! The data types of requests and responses.

mod calendar;
mod ids;
mod options;

pub use calendar::{Body, BodyType, CalendarItem, CalendarView, Mailbox, NewCalendarItem};
pub use ids::{DistinguishedFolder, FolderTarget, ItemId};
pub use options::{DeleteType, SendMeetingCancellations, SendMeetingInvitations};
