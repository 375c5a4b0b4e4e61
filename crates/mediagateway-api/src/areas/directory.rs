//! The directory area: the free/busy times of mailboxes, and the mailboxes and contacts a name
//! stands for, as the acting portal user may see them.

use chrono::{DateTime, Duration, Utc};

use crate::{ApiError, TimeWindow};

/// The directory area's operations, as data (see the [`declare`](crate::declare) module).
#[macro_export]
macro_rules! directory_operations {
    ($callback:ident! { $($prefix:tt)* }) => {
        $callback! {
            $($prefix)*
            /// Directory calls made on behalf of a portal user: free/busy times and name
            /// resolution.
            trait DirectoryApi;
            /// The free/busy times of each mailbox asked about over a window, in the order
            /// asked: its busy periods, or the error of that mailbox alone.
            fn free_busy(call: $crate::UserCall, request: $crate::FreeBusyRequest)
                -> ::std::vec::Vec<$crate::MailboxAvailability>
                = FreeBusyRequestMessage => FreeBusyReply;
            /// The mailboxes (and, when asked, the user's contacts) a name stands for; an
            /// empty list when nothing matches.
            fn resolve_names(call: $crate::UserCall, request: $crate::NameQuery)
                -> ::std::vec::Vec<$crate::ResolvedName>
                = ResolveNamesRequest => ResolveNamesReply;
        }
    };
}

use crate::declare_area;

crate::directory_operations!(declare_area! {});

/// A request for the free/busy times of mailboxes over a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeBusyRequest {
    /// The window; at most [`Self::MAX_WINDOW_DAYS`] long.
    pub window: TimeWindow,
    /// The mailboxes' SMTP addresses: 1 to [`Self::MAX_MAILBOXES`] of them.
    pub mailboxes: Vec<String>,
}

impl FreeBusyRequest {
    /// The most mailboxes one request names (Exchange's limit).
    pub const MAX_MAILBOXES: usize = 100;
    /// The longest window, in days (Exchange's limit).
    pub const MAX_WINDOW_DAYS: i64 = 62;

    /// The free/busy times of `mailboxes` over `window`.
    pub fn new(window: TimeWindow, mailboxes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            window,
            mailboxes: mailboxes.into_iter().map(Into::into).collect(),
        }
    }

    /// Checks the window's length, the number of mailboxes and each address.
    pub fn check(&self) -> Result<(), ApiError> {
        if self.window.end() - self.window.start() > Duration::days(Self::MAX_WINDOW_DAYS) {
            return Err(ApiError::invalid(format!(
                "a free/busy window spans at most {} days",
                Self::MAX_WINDOW_DAYS
            )));
        }
        if self.mailboxes.is_empty() || self.mailboxes.len() > Self::MAX_MAILBOXES {
            return Err(ApiError::invalid(format!(
                "a free/busy request names 1 to {} mailboxes, not {}",
                Self::MAX_MAILBOXES,
                self.mailboxes.len()
            )));
        }
        for mailbox in &self.mailboxes {
            check_smtp_address(mailbox)?;
        }
        Ok(())
    }
}

/// The longest SMTP address accepted, in bytes.
pub const MAX_ADDRESS_BYTES: usize = 256;

/// Checks that `address` is an SMTP address (`local@domain`) of at most
/// [`MAX_ADDRESS_BYTES`]: a dot-atom local part of at most 64 bytes and a domain of labels
/// of letters, digits and hyphens. Non-ASCII letters are allowed (internationalized
/// addresses); quoted local parts and address literals are not.
pub fn check_smtp_address(address: &str) -> Result<(), ApiError> {
    let refuse = |why: &str| {
        let shown: String = address.chars().take(64).collect();
        Err(ApiError::invalid(format!(
            "{shown:?} is not an SMTP address: {why}"
        )))
    };
    if address.len() > MAX_ADDRESS_BYTES {
        return refuse("it is longer than 256 bytes");
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return refuse("it has no @");
    };
    if local.is_empty() || local.len() > 64 {
        return refuse("the part before the @ takes 1 to 64 bytes");
    }
    let atext = |c: char| {
        c.is_ascii_alphanumeric()
            || "!#$%&'*+-/=?^_`{|}~".contains(c)
            || (!c.is_ascii() && c.is_alphanumeric())
    };
    if local
        .split('.')
        .any(|atom| atom.is_empty() || !atom.chars().all(atext))
    {
        return refuse("the part before the @ holds a character or dot not allowed there");
    }
    if domain.is_empty() || domain.len() > 253 {
        return refuse("the domain takes 1 to 253 bytes");
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c == '-' || c.is_alphanumeric())
    };
    if !domain.split('.').all(label_ok) {
        return refuse("the domain is not a host name");
    }
    Ok(())
}

/// How busy a mailbox is in a period (`BusyType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BusyStatus {
    /// Free (shown when a free item is asked about).
    Free,
    /// Tentatively busy.
    Tentative,
    /// Busy.
    Busy,
    /// Out of office.
    OutOfOffice,
    /// Working elsewhere.
    WorkingElsewhere,
    /// Nothing is known.
    NoData,
}

impl BusyStatus {
    /// Every status.
    pub const ALL: [Self; 6] = [
        Self::Free,
        Self::Tentative,
        Self::Busy,
        Self::OutOfOffice,
        Self::WorkingElsewhere,
        Self::NoData,
    ];

    /// Exchange's name (`OOF` for out of office).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "Free",
            Self::Tentative => "Tentative",
            Self::Busy => "Busy",
            Self::OutOfOffice => "OOF",
            Self::WorkingElsewhere => "WorkingElsewhere",
            Self::NoData => "NoData",
        }
    }

    /// The status of Exchange's name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name.trim())
    }
}

/// A period in which a mailbox is not (entirely) free.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyPeriod {
    /// Its start.
    pub start: DateTime<Utc>,
    /// Its end.
    pub end: DateTime<Utc>,
    /// How busy.
    pub status: BusyStatus,
    /// The subject, when the server gives details to the caller.
    pub subject: Option<String>,
    /// The location, when the server gives details to the caller.
    pub location: Option<String>,
}

/// The free/busy times of one mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FreeBusy {
    /// The periods that are not free, by start.
    pub periods: Vec<BusyPeriod>,
    /// The merged string, when the server gives one: one digit per interval from the
    /// window's start (0 free, 1 tentative, 2 busy, 3 out of office, 4 no data).
    pub merged: Option<String>,
}

/// The answer about one mailbox of a [`FreeBusyRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxAvailability {
    /// The mailbox asked about.
    pub mailbox: String,
    /// Its free/busy times, or why they could not be read (a mailbox that does not exist, that
    /// the caller may not see): that mailbox's failure alone.
    pub result: Result<FreeBusy, ApiError>,
}

/// A name to resolve to mailboxes and contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameQuery {
    /// The name: part of a display name, an alias, an address (`SMTP:` for an exact one);
    /// 1 to [`Self::MAX_CHARS`] characters.
    pub text: String,
    /// Whether the user's contacts are searched too, besides the directory.
    pub include_contacts: bool,
    /// The most names answered, 1 to [`Self::MAX_RESULTS`].
    pub max_results: u32,
}

impl NameQuery {
    /// The longest name, in characters.
    pub const MAX_CHARS: usize = 256;
    /// The most names one answer holds (Exchange answers at most 100).
    pub const MAX_RESULTS: u32 = 100;

    /// `text` in the directory and the user's contacts, up to [`Self::MAX_RESULTS`] names.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            include_contacts: true,
            max_results: Self::MAX_RESULTS,
        }
    }

    /// Checks the text and the number of results.
    pub fn check(&self) -> Result<(), ApiError> {
        if self.text.trim().is_empty()
            || self.text.chars().count() > Self::MAX_CHARS
            || self.text.chars().any(char::is_control)
        {
            return Err(ApiError::invalid(format!(
                "a name to resolve takes 1 to {} characters and no control characters",
                Self::MAX_CHARS
            )));
        }
        if self.max_results == 0 || self.max_results > Self::MAX_RESULTS {
            return Err(ApiError::invalid(format!(
                "a name resolution answers 1 to {} names, not {}",
                Self::MAX_RESULTS,
                self.max_results
            )));
        }
        Ok(())
    }
}

/// What a resolved name is (`MailboxType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailboxType {
    /// A mailbox of the directory.
    Mailbox,
    /// A distribution list of the directory.
    PublicDl,
    /// A distribution list of the user's contacts.
    PrivateDl,
    /// A contact of the user's.
    Contact,
    /// A mail-enabled public folder.
    PublicFolder,
    /// An address not in the directory.
    OneOff,
    /// A group mailbox.
    GroupMailbox,
    /// Of a kind the server did not say, or this gateway does not know.
    Unknown,
}

impl MailboxType {
    /// Every type.
    pub const ALL: [Self; 8] = [
        Self::Mailbox,
        Self::PublicDl,
        Self::PrivateDl,
        Self::Contact,
        Self::PublicFolder,
        Self::OneOff,
        Self::GroupMailbox,
        Self::Unknown,
    ];

    /// Exchange's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mailbox => "Mailbox",
            Self::PublicDl => "PublicDL",
            Self::PrivateDl => "PrivateDL",
            Self::Contact => "Contact",
            Self::PublicFolder => "PublicFolder",
            Self::OneOff => "OneOff",
            Self::GroupMailbox => "GroupMailbox",
            Self::Unknown => "Unknown",
        }
    }

    /// The type of Exchange's name; [`Self::Unknown`] for a name it does not know.
    pub fn from_name(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == name.trim())
            .unwrap_or(Self::Unknown)
    }
}

/// A phone number of a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    /// Which number (`BusinessPhone`, `MobilePhone`, …), as Exchange names it.
    pub kind: String,
    /// The number as stored.
    pub number: String,
}

/// What the directory or the contact says about a resolved name, when the server gives it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContactDetails {
    /// The given name.
    pub given_name: Option<String>,
    /// The surname.
    pub surname: Option<String>,
    /// The company.
    pub company: Option<String>,
    /// The job title.
    pub job_title: Option<String>,
    /// The department.
    pub department: Option<String>,
    /// The phone numbers.
    pub phone_numbers: Vec<PhoneNumber>,
}

/// A mailbox or contact a name stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedName {
    /// The display name.
    pub display_name: String,
    /// The SMTP address (empty when the server gave none).
    pub address: String,
    /// What it is.
    pub mailbox_type: MailboxType,
    /// The details, when the server gave some.
    pub contact: Option<ContactDetails>,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn window(days: i64) -> TimeWindow {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        TimeWindow::new(start, start + Duration::days(days)).unwrap()
    }

    fn invalid(result: Result<(), ApiError>) -> bool {
        matches!(result, Err(ApiError::InvalidArgument { .. }))
    }

    #[test]
    fn a_free_busy_request_is_bounded() {
        assert!(FreeBusyRequest::new(window(62), ["bob@contoso.test"])
            .check()
            .is_ok());
        assert!(invalid(
            FreeBusyRequest::new(window(63), ["bob@contoso.test"]).check()
        ));
        assert!(invalid(
            FreeBusyRequest::new(window(1), Vec::<String>::new()).check()
        ));
        let many: Vec<String> = (0..=100).map(|i| format!("u{i}@contoso.test")).collect();
        assert!(FreeBusyRequest::new(window(1), many[..100].to_vec())
            .check()
            .is_ok());
        assert!(invalid(FreeBusyRequest::new(window(1), many).check()));
        assert!(invalid(
            FreeBusyRequest::new(window(1), ["bob@contoso.test", "bob"]).check()
        ));
    }

    #[test]
    fn smtp_addresses_are_checked() {
        for good in [
            "bob@contoso.test",
            "first.last+tag@mail.example.com",
            "o'hara@example.test",
            "jürgen@bücher.example",
            "x@localhost",
        ] {
            assert!(check_smtp_address(good).is_ok(), "{good}");
        }
        let long_local = format!("{}@contoso.test", "a".repeat(65));
        let long = format!("a@{}.test", "b".repeat(MAX_ADDRESS_BYTES));
        for bad in [
            "",
            "bob",
            "@contoso.test",
            "bob@",
            "bob@@contoso.test",
            "bob smith@contoso.test",
            ".bob@contoso.test",
            "bob..smith@contoso.test",
            "bob@contoso..test",
            "bob@-contoso.test",
            "bob@contoso.test\n",
            "<bob@contoso.test>",
            long_local.as_str(),
            long.as_str(),
        ] {
            assert!(invalid(check_smtp_address(bad)), "{bad:?}");
        }
    }

    #[test]
    fn a_name_query_is_bounded() {
        assert!(NameQuery::new("bob").check().is_ok());
        assert!(NameQuery::new("é".repeat(256)).check().is_ok());
        for bad in ["", "   ", "a\u{7}b"] {
            assert!(invalid(NameQuery::new(bad).check()), "{bad:?}");
        }
        assert!(invalid(NameQuery::new("é".repeat(257)).check()));
        let mut query = NameQuery::new("bob");
        query.max_results = 0;
        assert!(invalid(query.check()));
        query.max_results = 101;
        assert!(invalid(query.check()));
    }

    #[test]
    fn names_of_statuses_and_types_go_both_ways() {
        for status in BusyStatus::ALL {
            assert_eq!(BusyStatus::from_name(status.as_str()), Some(status));
        }
        assert_eq!(BusyStatus::from_name("Sleeping"), None);
        for kind in MailboxType::ALL {
            assert_eq!(MailboxType::from_name(kind.as_str()), kind);
        }
        assert_eq!(MailboxType::from_name("Robot"), MailboxType::Unknown);
    }
}
