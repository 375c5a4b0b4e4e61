//! The enumerations of the tables' fields, one Rust enum per declared value set, with the
//! declared names.

use std::fmt;

use mediagateway_api::tables::Value;

use super::values::{kind, FieldValue};

/// Declares an enumeration: its variants with their declared names.
macro_rules! enumeration {
    (
        $(#[$doc:meta])*
        $name:ident {
            $($(#[$variant_doc:meta])* $variant:ident = $text:literal,)+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$variant_doc])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// Its declared name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// The value declared as `name` (exactly), if there is one.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.name() == name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FieldValue for $name {
            const EXPECTED: &'static str = concat!("one of the ", stringify!($name), " names");

            fn from_value(value: Value) -> Result<Self, String> {
                match value {
                    Value::Text(text) => Self::from_name(&text).ok_or_else(|| format!("{text:?}")),
                    other => Err(kind(&other)),
                }
            }

            fn to_value(&self) -> Value {
                Value::Text(self.name().to_owned())
            }
        }
    };
}

enumeration! {
    /// An item's importance.
    Importance {
        /// `Low`.
        Low = "Low",
        /// `Normal`.
        Normal = "Normal",
        /// `High`.
        High = "High",
    }
}

enumeration! {
    /// An item's sensitivity.
    Sensitivity {
        /// `Normal`.
        Normal = "Normal",
        /// `Personal`.
        Personal = "Personal",
        /// `Private`.
        Private = "Private",
        /// `Confidential`.
        Confidential = "Confidential",
    }
}

enumeration! {
    /// How an appointment shows in free/busy.
    BusyStatus {
        /// `Free`.
        Free = "Free",
        /// `Tentative`.
        Tentative = "Tentative",
        /// `Busy`.
        Busy = "Busy",
        /// `OOF`: out of office.
        OutOfOffice = "OOF",
        /// `WorkingElsewhere`.
        WorkingElsewhere = "WorkingElsewhere",
        /// `NoData`.
        NoData = "NoData",
    }
}

enumeration! {
    /// What kind of calendar item an appointment is.
    CalendarItemType {
        /// `Single`: not part of a series.
        Single = "Single",
        /// `Occurrence`: an unchanged occurrence of a series.
        Occurrence = "Occurrence",
        /// `Exception`: a changed occurrence of a series.
        Exception = "Exception",
        /// `RecurringMaster`: the series itself.
        RecurringMaster = "RecurringMaster",
    }
}

enumeration! {
    /// The user's response to a meeting.
    ResponseType {
        /// `Unknown`.
        Unknown = "Unknown",
        /// `Organizer`: the user organizes it.
        Organizer = "Organizer",
        /// `Tentative`.
        Tentative = "Tentative",
        /// `Accept`.
        Accept = "Accept",
        /// `Decline`.
        Decline = "Decline",
        /// `NoResponseReceived`.
        NoResponseReceived = "NoResponseReceived",
    }
}

enumeration! {
    /// A task's status.
    TaskStatus {
        /// `NotStarted`.
        NotStarted = "NotStarted",
        /// `InProgress`.
        InProgress = "InProgress",
        /// `Completed`.
        Completed = "Completed",
        /// `WaitingOnOthers`.
        WaitingOnOthers = "WaitingOnOthers",
        /// `Deferred`.
        Deferred = "Deferred",
    }
}
