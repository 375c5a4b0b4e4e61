//! An item to create, of any kind.

use crate::xml::XmlWriter;
use crate::{EwsError, ExchangeVersion, NewCalendarItem};

/// An item to create with [`CreateItems`](crate::operations::CreateItems).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NewItem {
    /// An appointment or meeting.
    Calendar(NewCalendarItem),
}

impl NewItem {
    /// The element the item is written as (`CalendarItem`, `Contact`, …).
    pub fn element_name(&self) -> &'static str {
        match self {
            Self::Calendar(_) => "CalendarItem",
        }
    }

    /// Refuses an item `version` cannot store, or one Exchange would refuse, before anything
    /// is sent.
    pub(crate) fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        let _ = version;
        match self {
            Self::Calendar(item) => crate::operations::check_calendar_item(item),
        }
    }

    /// Writes the item element, its properties in schema order.
    pub(crate) fn write(&self, w: &mut XmlWriter, version: ExchangeVersion) {
        match self {
            Self::Calendar(item) => crate::operations::write_calendar_item(w, version, item),
        }
    }
}

impl From<NewCalendarItem> for NewItem {
    fn from(item: NewCalendarItem) -> Self {
        Self::Calendar(item)
    }
}
