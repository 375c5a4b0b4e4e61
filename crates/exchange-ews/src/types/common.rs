//! Values shared by items of every kind: sensitivity, importance, attendees and the
//! response an attendee gave.

use chrono::{DateTime, Utc};

use crate::items::Mailbox;

/// Generates a closed enum of schema values with `as_str` and `parse`.
macro_rules! schema_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in schema order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The value as the schema spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }

            /// The value the schema spells `text` (surrounding white space ignored).
            pub fn parse(text: &str) -> Option<Self> {
                match text.trim() {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use schema_enum;

schema_enum! {
    /// How private an item is (`t:SensitivityChoicesType`).
    Sensitivity {
        /// No restriction.
        Normal => "Normal",
        /// Personal.
        Personal => "Personal",
        /// Private: delegates do not see the details.
        Private => "Private",
        /// Confidential.
        Confidential => "Confidential",
    }
}

schema_enum! {
    /// How important an item is (`t:ImportanceChoicesType`).
    Importance {
        /// Low.
        Low => "Low",
        /// Normal.
        Normal => "Normal",
        /// High.
        High => "High",
    }
}

schema_enum! {
    /// An attendee's answer to a meeting (`t:ResponseTypeType`).
    ResponseType {
        /// The server does not know.
        Unknown => "Unknown",
        /// The attendee is the organizer.
        Organizer => "Organizer",
        /// Tentatively accepted.
        Tentative => "Tentative",
        /// Accepted.
        Accept => "Accept",
        /// Declined.
        Decline => "Decline",
        /// No answer yet.
        NoResponseReceived => "NoResponseReceived",
    }
}

/// A required or optional attendee, or a resource, of a meeting (`t:AttendeeType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Attendee {
    /// Who it is.
    pub mailbox: Mailbox,
    /// The answer the attendee gave, when the server sent it.
    pub response: Option<ResponseType>,
    /// When the attendee answered.
    pub last_response_time: Option<DateTime<Utc>>,
}

impl Attendee {
    /// An attendee with this SMTP address and no answer yet.
    pub fn smtp(address: impl Into<String>) -> Self {
        Self {
            mailbox: Mailbox {
                email: Some(address.into()),
                ..Mailbox::default()
            },
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_values_round_trip() {
        for s in Sensitivity::ALL {
            assert_eq!(Sensitivity::parse(s.as_str()), Some(*s));
        }
        for i in Importance::ALL {
            assert_eq!(Importance::parse(&format!(" {} ", i.as_str())), Some(*i));
        }
        for r in ResponseType::ALL {
            assert_eq!(ResponseType::parse(r.as_str()), Some(*r));
        }
        assert_eq!(Importance::parse("high"), None);
        assert_eq!(Sensitivity::parse(""), None);
    }

    #[test]
    fn attendees_by_address() {
        let a = Attendee::smtp("a@contoso.test");
        assert_eq!(a.mailbox.email.as_deref(), Some("a@contoso.test"));
        assert_eq!(a.response, None);
    }
}
