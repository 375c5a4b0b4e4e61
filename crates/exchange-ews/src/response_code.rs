//! The `ResponseCode` values of EWS response messages and SOAP fault details.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

macro_rules! response_codes {
    ($($(#[$doc:meta])* $name:ident,)+) => {
        /// A response code of EWS (`m:ResponseCode` or the `ResponseCode` of a fault detail).
        ///
        /// The codes a client reacts to have their own variant; every other code is kept in
        /// [`Unknown`](ResponseCode::Unknown) as the server spelled it.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ResponseCode {
            $($(#[$doc])* $name,)+
            /// A code without its own variant, as the server spelled it.
            Unknown(String),
        }

        impl ResponseCode {
            /// Every code with its own variant.
            pub const KNOWN: &'static [ResponseCode] = &[$(ResponseCode::$name,)+];

            /// The code as EWS spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$name => stringify!($name),)+
                    Self::Unknown(code) => code,
                }
            }
        }

        impl FromStr for ResponseCode {
            type Err = Infallible;

            /// Parses a code; surrounding white space is ignored (faults indent it).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim();
                Ok(match s {
                    $(stringify!($name) => Self::$name,)+
                    other => Self::Unknown(other.to_owned()),
                })
            }
        }
    };
}

response_codes! {
    /// Success.
    NoError,
    /// The server is too busy (throttling); retry after the back-off it names.
    ErrorServerBusy,
    /// The item does not exist (any more), or the caller cannot see it.
    ErrorItemNotFound,
    /// The caller lacks the rights for the operation.
    ErrorAccessDenied,
    /// The mailbox does not exist.
    ErrorNonExistentMailbox,
    /// The mailbox database is not available.
    ErrorMailboxStoreUnavailable,
    /// The mailbox is being moved to another database.
    ErrorMailboxMoveInProgress,
    /// The request is not valid for the operation.
    ErrorInvalidRequest,
    /// The request does not validate against the schema.
    ErrorSchemaValidation,
    /// An id is not well-formed.
    ErrorInvalidIdMalformed,
    /// Too many concurrent connections of this account (throttling).
    ErrorExceededConnectionCount,
    /// Too many concurrently opened objects (throttling).
    ErrorTooManyObjectsOpened,
    /// The server failed internally.
    ErrorInternalServerError,
    /// The requested server version is not valid.
    ErrorInvalidServerVersion,
    /// A calendar item ends before it starts.
    ErrorCalendarEndDateIsEarlierThanStartDate,
    /// The request uses a schema version the server does not accept.
    ErrorIncorrectSchemaVersion,
    /// The server could not reach the mailbox server.
    ErrorConnectionFailed,
    /// The account may not impersonate the user.
    ErrorImpersonateUserDenied,
    /// No Client Access server answered in the mailbox's site.
    ErrorNoRespondingCASInDestinationSite,
    /// The folder does not exist, or the caller cannot see it.
    ErrorFolderNotFound,
    /// The folder a move or copy names as its target does not exist.
    ErrorToFolderNotFound,
    /// A requested property cannot be returned by the operation.
    ErrorInvalidPropertyRequest,
    /// The mailbox is over its quota.
    ErrorQuotaExceeded,
    /// The operation took too long.
    ErrorTimeoutExpired,
    /// The operation is not allowed on this object.
    ErrorInvalidOperation,
    /// A write operation needs the change key of the item.
    ErrorChangeKeyRequiredForWriteOperations,
    /// The item changed on the server since it was read (change key out of date).
    ErrorIrresolvableConflict,
    /// The change key is out of date.
    ErrorStaleObject,
    /// The calendar item is longer than Exchange allows.
    ErrorCalendarDurationIsTooLong,
    /// The time zone of a calendar item is not valid.
    ErrorCalendarInvalidTimeZone,
    /// The calendar view spans more time than Exchange allows.
    ErrorCalendarViewRangeTooBig,
    /// The subscription is not valid.
    ErrorInvalidSubscription,
    /// The change key is not valid.
    ErrorInvalidChangeKey,
    /// A search would return more results than allowed.
    ErrorExceededFindCountLimit,
    /// The message is larger than allowed.
    ErrorMessageSizeExceeded,
    /// The mailbox is not configured correctly.
    ErrorMailboxConfiguration,
    /// A security identifier is not valid.
    ErrorInvalidSid,
    /// An SMTP address is not valid.
    ErrorInvalidSmtpAddress,
    /// An earlier error in the batch stopped this item.
    ErrorBatchProcessingStopped,
    /// The item could not be saved.
    ErrorItemSave,
    /// An id is not valid.
    ErrorInvalidId,
    /// An id is empty.
    ErrorInvalidIdEmpty,
    /// The item's data is corrupt.
    ErrorCorruptData,
    /// An e-mail address is missing.
    ErrorMissingEmailAddress,
    /// The object cannot be deleted.
    ErrorCannotDeleteObject,
    /// A distinguished folder cannot be deleted.
    ErrorDeleteDistinguishedFolder,
    /// A recipient is not valid.
    ErrorInvalidRecipients,
    /// Creating a calendar item needs `SendMeetingInvitations`.
    ErrorSendMeetingInvitationsRequired,
    /// Deleting a calendar item needs `SendMeetingCancellations`.
    ErrorSendMeetingCancellationsRequired,
    /// Active Directory is not available.
    ErrorADUnavailable,
}

impl ResponseCode {
    /// Whether the code means the server throttles the caller and a later retry may work.
    pub fn is_throttling(&self) -> bool {
        matches!(
            self,
            Self::ErrorServerBusy
                | Self::ErrorExceededConnectionCount
                | Self::ErrorTooManyObjectsOpened
        )
    }
}

impl fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for ResponseCode {
    fn from(s: &str) -> Self {
        match s.parse() {
            Ok(code) => code,
            Err(never) => match never {},
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_known_code() {
        for code in ResponseCode::KNOWN {
            assert_eq!(&ResponseCode::from(code.as_str()), code);
            assert!(code.as_str().starts_with("Error") || *code == ResponseCode::NoError);
        }
        assert!(ResponseCode::KNOWN.len() >= 19);
    }

    #[test]
    fn keeps_unknown_codes_and_trims_white_space() {
        assert_eq!(
            ResponseCode::from("\n   ErrorServerBusy\n "),
            ResponseCode::ErrorServerBusy
        );
        let odd = ResponseCode::from("ErrorQuotaExceededOnDelete");
        assert_eq!(
            odd,
            ResponseCode::Unknown("ErrorQuotaExceededOnDelete".into())
        );
        assert_eq!(odd.as_str(), "ErrorQuotaExceededOnDelete");
        assert_eq!(odd.to_string(), "ErrorQuotaExceededOnDelete");
        assert_eq!(ResponseCode::from(""), ResponseCode::Unknown(String::new()));
    }

    #[test]
    fn every_known_code_is_in_the_schema() {
        let Some(dir) = exchange_testkit::schema::ews_dir() else {
            let _: Option<()> = exchange_test_support::skip_or_fail("the EWS schema");
            return;
        };
        let schema = std::fs::read_to_string(dir.join("schema/messages.xsd")).unwrap();
        for code in ResponseCode::KNOWN {
            let enumerated = format!("<xs:enumeration value=\"{}\"", code.as_str());
            assert!(
                schema.contains(&enumerated),
                "{code} is not a ResponseCodeType value"
            );
        }
    }

    #[test]
    fn knows_the_throttling_codes() {
        assert!(ResponseCode::ErrorServerBusy.is_throttling());
        assert!(ResponseCode::ErrorExceededConnectionCount.is_throttling());
        assert!(ResponseCode::ErrorTooManyObjectsOpened.is_throttling());
        assert!(!ResponseCode::ErrorItemNotFound.is_throttling());
    }
}
