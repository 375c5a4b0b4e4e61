//! The kinds of items the fake stores and the order the schema gives their properties.
//!
//! Items keep the property elements a client sent; responses write them back in the order of
//! the kind's schema type, which these tables (taken from `types.xsd`) give.

mod order;

use order::{CALENDAR, CONTACT, ITEM, MESSAGE, POST, TASK};

/// The item elements of `ArrayOfRealItemsType`: what the store can hold.
pub(crate) const REAL_ITEMS: &[&str] = &[
    "Item",
    "Message",
    "CalendarItem",
    "Contact",
    "DistributionList",
    "MeetingMessage",
    "MeetingRequest",
    "MeetingResponse",
    "MeetingCancellation",
    "Task",
    "PostItem",
    "RoleMember",
    "Network",
    "Person",
];

/// The response objects `CreateItem` also accepts (replies, meeting responses, …), which
/// the fake does not carry out.
pub(crate) const RESPONSE_OBJECTS: &[&str] = &[
    "ReplyToItem",
    "ForwardItem",
    "ReplyAllToItem",
    "AcceptItem",
    "TentativelyAcceptItem",
    "DeclineItem",
    "CancelCalendarItem",
    "RemoveItem",
    "SuppressReadReceipt",
    "PostReplyItem",
    "AcceptSharingInvitation",
];

/// The kind of an item: the element it is written as.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ItemKind {
    /// `t:CalendarItem`.
    Calendar,
    /// `t:Message` (also sticky notes, `IPM.StickyNote`).
    Message,
    /// `t:Contact`.
    Contact,
    /// `t:Task`.
    Task,
    /// Any other item element (`t:Item`, `t:PostItem`, …), kept as sent.
    Other(String),
}

impl ItemKind {
    /// The kind an item element of a request stands for.
    pub(crate) fn from_element(name: &str) -> Self {
        match name {
            "CalendarItem" => Self::Calendar,
            "Message" => Self::Message,
            "Contact" => Self::Contact,
            "Task" => Self::Task,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The element name without prefix.
    pub(crate) fn element(&self) -> &str {
        match self {
            Self::Calendar => "CalendarItem",
            Self::Message => "Message",
            Self::Contact => "Contact",
            Self::Task => "Task",
            Self::Other(name) => name,
        }
    }

    /// The `ItemClass` Exchange gives an item of this kind when the client sets none.
    pub(crate) fn default_class(&self) -> &'static str {
        match self {
            Self::Calendar => "IPM.Appointment",
            Self::Message => "IPM.Note",
            Self::Contact => "IPM.Contact",
            Self::Task => "IPM.Task",
            Self::Other(name) => match name.as_str() {
                "PostItem" => "IPM.Post",
                "DistributionList" => "IPM.DistList",
                _ => "IPM",
            },
        }
    }

    /// The distinguished folder an item of this kind and class is saved to by default.
    pub(crate) fn default_folder(&self, class: &str) -> &'static str {
        match self {
            Self::Calendar => "calendar",
            Self::Contact => "contacts",
            Self::Task => "tasks",
            Self::Other(name) if name == "DistributionList" => "contacts",
            _ if class.starts_with("IPM.StickyNote") => "notes",
            Self::Message | Self::Other(_) => "drafts",
        }
    }

    /// The elements the kind's schema type adds to `ItemType`.
    fn own(&self) -> &'static [&'static str] {
        match self {
            Self::Calendar => CALENDAR,
            Self::Message => MESSAGE,
            Self::Contact => CONTACT,
            Self::Task => TASK,
            Self::Other(name) if name == "PostItem" => POST,
            Self::Other(_) => &[],
        }
    }

    /// The place of property `name` in the kind's schema sequence, if the fake knows it.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        ITEM.iter().position(|n| *n == name).or_else(|| {
            self.own()
                .iter()
                .position(|n| *n == name)
                .map(|i| i + ITEM.len())
        })
    }

    /// How many positions [`position`](Self::position) can give; unknown properties of
    /// unknown kinds sort after them in the order they were sent.
    pub(crate) fn known_len(&self) -> usize {
        ITEM.len() + self.own().len()
    }

    /// Whether the schema type of any kind the fake knows has property `name`.
    pub(crate) fn any_has(name: &str) -> bool {
        [ITEM, MESSAGE, CALENDAR, CONTACT, TASK, POST]
            .iter()
            .any(|table| table.contains(&name))
    }

    /// Whether the kind's schema type has property `name`; unknown kinds accept any name.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.position(name).is_some() || matches!(self, Self::Other(n) if n != "PostItem")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_have_defaults() {
        for name in ["CalendarItem", "Message", "Contact", "Task", "PostItem"] {
            assert_eq!(ItemKind::from_element(name).element(), name);
        }
        assert_eq!(ItemKind::Message.default_folder("IPM.StickyNote"), "notes");
        assert_eq!(ItemKind::Message.default_folder("IPM.Note"), "drafts");
        assert_eq!(ItemKind::Contact.default_class(), "IPM.Contact");
        assert_eq!(
            ItemKind::from_element("PostItem").default_class(),
            "IPM.Post"
        );
    }

    #[test]
    fn positions_follow_the_schema() {
        let c = ItemKind::Calendar;
        let order = [
            "ItemId",
            "Subject",
            "Body",
            "UID",
            "Start",
            "End",
            "Organizer",
        ];
        let places: Vec<usize> = order.iter().filter_map(|n| c.position(n)).collect();
        assert_eq!(places.len(), order.len());
        assert!(places.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ItemKind::Message.position("Start"), None);
        assert!(ItemKind::Contact.has("EmailAddresses"));
        assert!(!ItemKind::Task.has("EmailAddresses"));
        assert!(ItemKind::Other("Item".into()).has("Whatever"));
        assert!(ItemKind::any_has("GivenName") && !ItemKind::any_has("NoSuchThing"));
    }
}
