//! Exchange Web Services (EWS) client: sans-IO SOAP builders and parsers plus an async client.
//!
//! The crate has two layers:
//!
//! - [`operations`]: one request type per EWS operation. Each builds its SOAP envelope
//!   ([`to_envelope`](operations::FindCalendarItems::to_envelope)) and parses the server's answer
//!   ([`parse_response`](operations::FindCalendarItems::parse_response)) without any I/O, so
//!   both sides can be tested and fuzzed in memory.
//! - [`EwsClient`]: sends those envelopes over HTTP(S) with `reqwest`, authenticating every
//!   request through an [`exchange_auth::AuthStrategy`], and turns HTTP, SOAP and EWS failures
//!   into one typed [`EwsError`].
//!
//! # Sans-IO
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use exchange_ews::operations::FindCalendarItems;
//! use exchange_ews::{DistinguishedFolder, ExchangeVersion, FolderTarget};
//!
//! let request = FindCalendarItems::new(
//!     FolderTarget::Distinguished(DistinguishedFolder::Calendar),
//!     Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap(),
//!     Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap(),
//!     Some(100),
//! )?;
//! let envelope = request.to_envelope(ExchangeVersion::Exchange2010Sp1);
//! assert!(envelope.contains(r#"<t:RequestServerVersion Version="Exchange2010_SP1"/>"#));
//!
//! let answer = br#"<?xml version="1.0" encoding="utf-8"?>
//! <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
//!   <m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
//!       xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
//!     <m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Error">
//!       <m:MessageText>The specified object was not found in the store.</m:MessageText>
//!       <m:ResponseCode>ErrorFolderNotFound</m:ResponseCode>
//!     </m:FindItemResponseMessage></m:ResponseMessages>
//!   </m:FindItemResponse>
//! </s:Body></s:Envelope>"#;
//! let error = FindCalendarItems::parse_response(answer).unwrap_err();
//! assert_eq!(error.response_code(), Some(&exchange_ews::ResponseCode::ErrorFolderNotFound));
//! # Ok::<(), exchange_ews::EwsError>(())
//! ```
//!
//! # Decoding any EWS document
//!
//! [`DecodedResponse`] decodes any EWS document generically: responses (with every response
//! message's class, code, text, back-off and content), SOAP faults, requests and POX
//! Autodiscover answers, keeping what the typed parsers do not model as a tree of [`Node`]s.
//! [`DecodedResponse::to_json`] writes it as JSON; the `ews-dump` example prints it.
//!
//! ```
//! use exchange_ews::{DecodedResponse, MessageClass, NamespaceForm, ResponseCode};
//!
//! let answer = br#"<s:Envelope xmlns:s="https://schemas.xmlsoap.org/soap/envelope/"><s:Body>
//!   <m:SyncFolderItemsResponse xmlns:m="https://schemas.microsoft.com/exchange/services/2006/messages"
//!       xmlns:t="https://schemas.microsoft.com/exchange/services/2006/types">
//!     <m:ResponseMessages><m:SyncFolderItemsResponseMessage ResponseClass="Error">
//!       <m:ResponseCode>ErrorServerBusy</m:ResponseCode>
//!       <m:MessageXml><t:Value Name="BackOffMilliseconds">5000</t:Value></m:MessageXml>
//!       <m:SyncState/>
//!     </m:SyncFolderItemsResponseMessage></m:ResponseMessages>
//!   </m:SyncFolderItemsResponse>
//! </s:Body></s:Envelope>"#;
//! let decoded = DecodedResponse::parse(answer)?;
//! assert_eq!(decoded.operation(), Some("SyncFolderItems"));
//! assert_eq!(decoded.namespace_form(), NamespaceForm::HttpsVariant);
//! let message = &decoded.messages()[0];
//! assert_eq!(message.class(), MessageClass::Error);
//! assert_eq!(message.response_code(), Some(&ResponseCode::ErrorServerBusy));
//! assert_eq!(message.back_off(), Some(std::time::Duration::from_millis(5000)));
//! assert_eq!(message.content().last().map(|n| n.name()), Some("SyncState"));
//! assert!(decoded.to_json().contains(r#""back_off_ms": 5000"#));
//! # Ok::<(), exchange_ews::EwsError>(())
//! ```
//!
//! ## Namespaces
//!
//! Exchange declares its namespaces with `http://` (`http://schemas.xmlsoap.org/soap/envelope/`,
//! `http://schemas.microsoft.com/exchange/services/2006/messages`, …). Eighteen samples of
//! Microsoft's documentation spell them `https://`, which a namespace-aware parser would take
//! for foreign namespaces. The decision of this crate: **accept both**. Elements are matched
//! by local name, so both forms parse alike in the typed parsers and in [`DecodedResponse`];
//! [`DecodedResponse::namespace_form`] records which form a document used
//! ([`NamespaceForm::Standard`] or [`NamespaceForm::HttpsVariant`]) so a caller can tell them
//! apart. Namespace prefixes must still be declared: [`DecodedResponse::parse`] refuses an
//! undeclared prefix as [`EwsError::MalformedXml`], naming its position.
//!
//! # Client
//!
//! ```no_run
//! use std::sync::Arc;
//! use chrono::{Duration, Utc};
//! use exchange_auth::{Basic, UserCredentials};
//! use exchange_ews::{DistinguishedFolder, EwsClient, ExchangeVersion, FolderTarget};
//! use secrecy::SecretString;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let basic = Basic::new(UserCredentials::new("alice@contoso.test", SecretString::from("pw")))?;
//! let client = EwsClient::builder("https://mail.contoso.test/EWS/Exchange.asmx")
//!     .version(ExchangeVersion::Exchange2013Sp1)
//!     .auth(Arc::new(basic))
//!     .build()?;
//! let now = Utc::now();
//! let calendar = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
//! let view = client.find_calendar_items(&calendar, now, now + Duration::days(7), None).await?;
//! for item in &view.items {
//!     println!("{} {}", item.start, item.subject);
//! }
//! # Ok(()) }
//! ```
//!
//! # Autodiscover
//!
//! [`autodiscover::Autodiscover`] finds the EWS URL of a mailbox from its e-mail address
//! (SOAP and POX Autodiscover, redirects, an optional SRV lookup, a cache).
//!
//! # Time zones
//!
//! Exchange names time zones with Windows ids (`W. Europe Standard Time`);
//! [`timezone`] maps them to and from IANA zones (`Europe/Berlin`) by CLDR's table, reads
//! the definitions of `GetServerTimeZones` ([`EwsClient::server_time_zones`]) and computes
//! the offsets they imply. [`EwsClientBuilder::time_zone`] sends a `TimeZoneContext` header
//! (Exchange 2010 and later) so that the server expands recurrences in that zone.
//!
//! **Date-times without an offset are read as UTC.** Every time this crate writes carries a
//! `Z`; a time the server sends without `Z` or offset is taken as UTC, which is what
//! Exchange means by it when no `TimeZoneContext` applies, and never the local zone of the
//! machine running the client. The rule holds with [`EwsClientBuilder::time_zone`] too: a
//! caller who sets a zone and gets offset-less local times must convert them itself (with
//! [`timezone::TimeZoneDefinition::local_to_utc`]).
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use exchange_ews::operations::GetCalendarItem;
//! use exchange_ews::timezone::{windows_to_iana, WindowsZoneId};
//!
//! let zone = WindowsZoneId::from_iana("Europe/Berlin")?;
//! assert_eq!(zone.as_str(), "W. Europe Standard Time");
//! assert_eq!(windows_to_iana(zone.as_str(), Some("AT")), Some("Europe/Vienna"));
//!
//! let answer = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
//!   <m:GetItemResponse xmlns:m="m" xmlns:t="t"><m:ResponseMessages>
//!     <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
//!       <m:Items><t:CalendarItem><t:ItemId Id="AAMk"/><t:Subject>Stand-up</t:Subject>
//!         <t:Start>2026-03-30T07:00:00</t:Start><t:End>2026-03-30T07:15:00Z</t:End>
//!       </t:CalendarItem></m:Items>
//!     </m:GetItemResponseMessage>
//!   </m:ResponseMessages></m:GetItemResponse>
//! </s:Body></s:Envelope>"#;
//! let item = GetCalendarItem::parse_response(answer)?;
//! assert_eq!(item.start, Utc.with_ymd_and_hms(2026, 3, 30, 7, 0, 0).unwrap());
//! # Ok::<(), exchange_ews::EwsError>(())
//! ```
//!
//! # Folders and paging
//!
//! [`EwsClient::get_folders`], [`EwsClient::find_folders`] and [`EwsClient::all_folders`]
//! read folders of one's own mailbox or, with delegate access, of others;
//! [`EwsClient::items`] pages through any folder with an [`ItemPager`], and
//! [`EwsClient::calendar_items_all`] splits a calendar window until every item came back.
//!
//! # Items of every kind
//!
//! [`operations::GetTypedItems`] and [`operations::FindTypedItems`] read items into an
//! [`Item`]: a [`Contact`], [`Task`], [`Message`], sticky note, meeting message or calendar
//! item, each with the properties it does not model kept in `unmodelled`; kinds it does not
//! know stay whole as [`Item::Other`]. [`NewContact`], [`NewTask`], [`NewMessage`] and
//! [`NewNote`] are written by [`operations::CreateItems`].
//!
//! ```
//! use exchange_ews::operations::GetTypedItems;
//! use exchange_ews::{Item, TaskStatus};
//!
//! let answer = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
//!   <m:GetItemResponse xmlns:m="m" xmlns:t="t"><m:ResponseMessages>
//!     <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
//!       <m:Items><t:Task><t:ItemId Id="AAMk"/><t:Subject>Renew passport</t:Subject>
//!         <t:Status>WaitingOnOthers</t:Status><t:Flag/></t:Task></m:Items>
//!     </m:GetItemResponseMessage>
//!   </m:ResponseMessages></m:GetItemResponse>
//! </s:Body></s:Envelope>"#;
//! let Ok(Item::Task(task)) = GetTypedItems::parse_response(answer)?.remove(0) else {
//!     panic!("a task");
//! };
//! assert_eq!(task.status, Some(TaskStatus::WaitingOnOthers));
//! assert_eq!(task.unmodelled[0].name(), "Flag");
//! # Ok::<(), exchange_ews::EwsError>(())
//! ```
//!
//! # Restrictions, sort orders and shapes
//!
//! [`operations::FindItems`] takes a [`Restriction`], a [`SortOrder`] and an [`ItemShape`];
//! [`operations::GetItems`] reads several items of any kind in any shape, generically. Paths
//! to properties ([`PropertyPath`]) are checked against the requested [`ExchangeVersion`]
//! before anything is sent: a property the version does not know is an
//! [`EwsError::InvalidArgument`], never a request Exchange would fail.
//!
//! # Names, availability, sync and ids
//!
//! [`EwsClient::resolve_names`] resolves a name to [`Resolution`]s (no match is an empty
//! list, several matches a success), [`EwsClient::user_availability`] reads free/busy views,
//! [`EwsClient::sync_folder_items_all`] follows `SyncState` until the last change and
//! [`EwsClient::convert_ids`] converts ids between formats, keeping each id's error.
//!
//! ```
//! use exchange_ews::operations::ResolveNames;
//!
//! let answer = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
//!   <m:ResolveNamesResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
//!     <m:ResponseMessages><m:ResolveNamesResponseMessage ResponseClass="Error">
//!       <m:ResponseCode>ErrorNameResolutionNoResults</m:ResponseCode>
//!     </m:ResolveNamesResponseMessage></m:ResponseMessages>
//!   </m:ResolveNamesResponse>
//! </s:Body></s:Envelope>"#;
//! assert!(ResolveNames::parse_response(answer)?.is_empty());
//! # Ok::<(), exchange_ews::EwsError>(())
//! ```
//!
//! # Writing items and attachments
//!
//! [`operations::CreateItems`], [`operations::UpdateItems`] and [`operations::DeleteItems`]
//! write items of every kind, each item with its own result; an update names each property
//! with a [`PropertyPath`] and a [`PropertyValue`] of the shape the property takes, both
//! checked when the [`FieldUpdate`] is made. [`operations::CreateAttachment`],
//! [`operations::GetAttachment`] and [`operations::DeleteAttachment`] handle attachments.
//! [`EwsClient::create_items`], [`EwsClient::update_items`], [`EwsClient::delete_items`] and
//! [`EwsClient::get_items`] take any number of entries and send them in batches of
//! [`EwsClientBuilder::batch_size`].
//!
//! ```
//! use exchange_ews::operations::UpdateItems;
//! use exchange_ews::{ExchangeVersion, FieldUpdate, ItemChange, ItemId, ItemKind, PropertyPath};
//!
//! let phone = PropertyPath::indexed("contacts:PhoneNumber", "MobilePhone");
//! let change = ItemChange::new(
//!     ItemId::new("AAMk1").with_change_key("EQAA"),
//!     ItemKind::Contact,
//!     vec![FieldUpdate::set(phone, "+1 555 0100")?],
//! )?;
//! let xml = UpdateItems::new(vec![change])?.checked_envelope(ExchangeVersion::Exchange2010)?;
//! assert!(xml.contains(r#"<t:PhoneNumbers><t:Entry Key="MobilePhone">+1 555 0100</t:Entry></t:PhoneNumbers>"#));
//! // Exchange cannot append to a subject.
//! assert!(FieldUpdate::append("item:Subject", "more").is_err());
//! # Ok::<(), exchange_ews::EwsError>(())
//! ```
//!
//! # Logging
//!
//! With the `tracing` target `exchange_ews::wire` at trace level, the client logs the body of
//! every request and response (never a header, so never credentials). Retries of throttled
//! calls are logged at debug level.
//!
//! # Throttling and impersonation
//!
//! Throttled calls are retried as the [`RetryPolicy`] of
//! [`EwsClientBuilder::retry`] says, at most
//! [`max_concurrent_per_mailbox`](EwsClientBuilder::max_concurrent_per_mailbox) requests go to
//! one mailbox at a time, and [`EwsClientBuilder::impersonate`] (or
//! [`EwsClient::impersonating`]) acts on another mailbox through an [`Impersonation`].

pub mod autodiscover;
mod client;
mod decoded;
#[doc(hidden)]
pub mod dump;
mod error;
#[doc(hidden)]
pub mod fuzz_targets;
mod http;
pub mod operations;
mod response_code;
mod soap;
#[cfg(test)]
mod test_support;
pub mod timezone;
mod types;
mod version;
mod xml;

pub use client::{BatchResult, CreateOptions, MAX_BATCH_SIZE};
pub use client::{EwsClient, EwsClientBuilder, Impersonation, ItemPager, RetryPolicy};
pub use decoded::{
    DecodedFault, DecodedResponse, DocumentKind, MessageClass, NamespaceForm, Node, ResponseMessage,
};
pub use error::{ConnectFailure, EwsError, ResponseClass, XmlRefusal};
pub use response_code::ResponseCode;
pub use soap::Envelope;
pub use types::{
    AffectedTaskOccurrences, Attachment, AttachmentId, AttachmentShape, ConflictResolution,
    FieldUpdate, ItemChange, ItemKind, MessageDisposition, NewAttachment, NewFileAttachment,
    PropertyValue, SendMeetingInvitationsOrCancellations, MAX_ATTACHMENT_BYTES,
    MAX_UPDATES_PER_CHANGE,
};
pub use types::{
    AlternateId, AttendeeType, AvailabilityMailbox, CalendarEvent, CalendarEventDetails, Change,
    Changed, ChangedId, ContactDataShape, ConvertedId, FreeBusyOptions, FreeBusyView,
    FreeBusyViewKind, IdFormat, Resolution, ResolvedContact, SearchScope, SerializableTimeZone,
    SyncItemShape, SyncResult, TimeZoneTransition, WorkingHours, WorkingPeriod,
};
pub use types::{
    AttachmentSummary, Contact, ContactEmailAddress, ExtendedProperty, ExtendedValue, ImAddressKey,
    Item, MeetingCancellation, MeetingRequest, MeetingRequestType, MeetingResponse, Message,
    NewContact, NewMessage, NewNote, NewTask, PostalAddressIndex, Task, TaskDelegationState,
    TaskStatus, TypedItemPage, NOTE_ITEM_CLASS,
};
pub use types::{
    Attendee, DayOfWeek, DayOfWeekIndex, EmailAddressKey, Importance, NewItem, PhoneNumberKey,
    PhysicalAddress, PhysicalAddressKey, Recurrence, RecurrencePattern, RecurrenceRange,
    ResponseType, Sensitivity,
};
pub use types::{
    BaseShape, BodyFormat, Comparison, ContainmentComparison, ContainmentMode,
    DistinguishedPropertySet, ItemShape, MapiPropertyType, Operand, PropertyPath, Restriction,
    SortDirection, SortOrder, MAX_CONSTANT_CHARS, MAX_PATHS, MAX_RESTRICTION_DEPTH,
};
pub use types::{
    Body, BodyType, CalendarItem, CalendarView, DeleteType, DistinguishedFolder, FolderTarget,
    ItemId, Mailbox, NewCalendarItem, SendMeetingCancellations, SendMeetingInvitations,
};
pub use types::{Folder, FolderId, FolderPage, IndexedPage, ItemPage, ItemSummary, Traversal};
pub use types::{
    FreeBusyStatus, ItemTimeZone, LegacyTimeZone, Occurrence, Reminder, TimeChange, TimeChangeRule,
};
pub use version::{ExchangeVersion, ServerVersionInfo};
