//! Exchange Web Services (EWS) client: sans-IO SOAP builders and parsers plus an async client.
//!
//! The crate has two layers:
//!
//! - Request types, one per EWS operation, each in the module of its area. Each builds its
//!   SOAP envelope ([`to_envelope`](calendar::FindCalendarItems::to_envelope)) and parses the
//!   server's answer ([`parse_response`](calendar::FindCalendarItems::parse_response)) without
//!   any I/O, so both sides can be tested and fuzzed in memory. All of them implement
//!   [`Operation`].
//! - [`EwsClient`]: sends those envelopes over HTTP(S) with `reqwest`, authenticating every
//!   request through an [`exchange_auth::AuthStrategy`], and turns HTTP, SOAP and EWS failures
//!   into one typed [`EwsError`].
//!
//! # Modules
//!
//! The crate root holds what most programs start from: [`EwsClient`] and its builder,
//! [`EwsError`] and [`ResponseCode`], [`ExchangeVersion`], the [`Item`] and [`ItemId`] of every
//! item request, the [`FolderTarget`] and [`DistinguishedFolder`] of every folder request, and
//! [`Operation`] with the [`Envelope`] it reads. Everything else is in the module of its area:
//!
//! - [`calendar`]: calendar items, attendees, recurrences, occurrences, meeting messages, and
//!   the requests that find, read and create calendar items.
//! - [`items`]: items of every kind (contacts, tasks, messages, notes), new items, field
//!   updates, restrictions, sort orders and shapes, and the item requests.
//! - [`attachments`], [`folders`], [`sync`]: their data and their requests.
//! - [`directory`]: name resolution, free/busy availability and id conversion.
//! - [`timezone`]: Windows and IANA zones, zone definitions and `GetServerTimeZones`.
//! - [`autodiscover`]: the EWS URL of a mailbox from its address.
//! - [`decoded`]: any EWS document decoded generically, as a tree and as JSON.
//! - [`client`], [`error`], [`version`]: the client's settings (retries, shared back-offs,
//!   impersonation, batches, paging), the kinds of failures, and the schema and server
//!   versions.
//!
//! # Features
//!
//! None is on by default, and none changes what the default build does.
//!
//! - `dump`: the library side of the `ews-dump` example (`cargo run -p exchange-ews
//!   --example ews-dump --features dump`).
//! - `fuzzing`: the bodies of the fuzz targets of `fuzz/`, for the fuzz package and its
//!   smoke test.
//!
//! # Sans-IO
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use exchange_ews::calendar::FindCalendarItems;
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
//! [`DecodedResponse`]: decoded::DecodedResponse
//! [`DecodedResponse::to_json`]: decoded::DecodedResponse::to_json
//! [`Node`]: decoded::Node
//!
//! ```
//! use exchange_ews::ResponseCode;
//! use exchange_ews::decoded::{DecodedResponse, MessageClass, NamespaceForm};
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
//! [`DecodedResponse`]: decoded::DecodedResponse
//! [`DecodedResponse::namespace_form`]: decoded::DecodedResponse::namespace_form
//! [`DecodedResponse::parse`]: decoded::DecodedResponse::parse
//! [`NamespaceForm::Standard`]: decoded::NamespaceForm::Standard
//! [`NamespaceForm::HttpsVariant`]: decoded::NamespaceForm::HttpsVariant
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
//! [`EwsClientBuilder::check_addresses`] judges the addresses a host name resolves to each
//! time a connection is made, through a resolver of the crate's own over a
//! [`HostLookup`](client::HostLookup) (the system's by default): a name leading to an address
//! the caller forbids fails with [`EwsError::AddressRefused`] before anything is sent.
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
//! use exchange_ews::calendar::GetCalendarItem;
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
//! [`EwsClient::items`] pages through any folder with an [`ItemPager`](client::ItemPager), and
//! [`EwsClient::calendar_items_all`] splits a calendar window until every item came back.
//!
//! # Items of every kind
//!
//! [`items::GetTypedItems`] and [`items::FindTypedItems`] read items into an [`Item`]: a
//! [`Contact`](items::Contact), [`Task`](items::Task), [`Message`](items::Message), sticky
//! note, meeting message or calendar item, each with the properties it does not model kept in
//! `unmodelled`; kinds it does not know stay whole as [`Item::Other`].
//! [`NewContact`](items::NewContact), [`NewTask`](items::NewTask),
//! [`NewMessage`](items::NewMessage) and [`NewNote`](items::NewNote) are written by
//! [`items::CreateItems`].
//!
//! ```
//! use exchange_ews::items::{GetTypedItems, TaskStatus};
//! use exchange_ews::Item;
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
//! [`items::FindItems`] takes an [`items::Restriction`], an [`items::SortOrder`] and an
//! [`items::ItemShape`]; [`items::GetItems`] reads several items of any kind in any shape,
//! generically. Paths to properties ([`items::PropertyPath`]) are checked against the
//! requested [`ExchangeVersion`]
//! before anything is sent: a property the version does not know is an
//! [`EwsError::InvalidArgument`], never a request Exchange would fail.
//!
//! # Names, availability, sync and ids
//!
//! [`EwsClient::resolve_names`] resolves a name to [`Resolution`](directory::Resolution)s
//! (no match is an empty list, several matches a success), [`EwsClient::user_availability`]
//! reads free/busy views, [`EwsClient::sync_folder_items_all`] follows `SyncState` until the
//! last change and [`EwsClient::convert_ids`] converts ids between formats, keeping each id's
//! error.
//!
//! ```
//! use exchange_ews::directory::ResolveNames;
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
//! [`items::CreateItems`], [`items::UpdateItems`] and [`items::DeleteItems`] write items of
//! every kind, and [`items::MoveItems`] and [`items::CopyItems`] put them into another folder,
//! each item with its own result; an update names each property with an
//! [`items::PropertyPath`] and an [`items::PropertyValue`] of the shape the property takes,
//! both checked when the [`items::FieldUpdate`] is made. [`attachments::CreateAttachment`],
//! [`attachments::GetAttachment`] and [`attachments::DeleteAttachment`] handle attachments.
//! [`EwsClient::create_items`], [`EwsClient::update_items`], [`EwsClient::delete_items`],
//! [`EwsClient::get_items`], [`EwsClient::move_items`] and [`EwsClient::copy_items`] take any
//! number of entries and send them in batches of [`EwsClientBuilder::batch_size`].
//!
//! ```
//! use exchange_ews::items::{FieldUpdate, ItemChange, ItemKind, PropertyPath, UpdateItems};
//! use exchange_ews::{ExchangeVersion, ItemId};
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
//! Throttled calls are retried as the [`RetryPolicy`](client::RetryPolicy) of
//! [`EwsClientBuilder::retry`] says, at most
//! [`max_concurrent_per_mailbox`](EwsClientBuilder::max_concurrent_per_mailbox) requests go to
//! one mailbox at a time, and [`EwsClientBuilder::impersonate`] (or
//! [`EwsClient::impersonating`]) acts on another mailbox through an [`Impersonation`](client::Impersonation).

pub mod attachments;
pub mod autodiscover;
pub mod calendar;
pub mod client;
pub mod decoded;
pub mod directory;
#[cfg(feature = "dump")]
#[doc(hidden)]
pub mod dump;
pub mod error;
pub mod folders;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzz_targets;
mod http;
pub mod items;
mod operations;
mod response_code;
mod soap;
pub mod sync;
#[cfg(test)]
mod test_support;
pub mod timezone;
mod types;
pub mod version;
mod xml;

// The names most programs start from: the client, its error, the schema version, the item
// and folder every request names, and what every request type implements. The rest is in
// the module of its area.
pub use client::{EwsClient, EwsClientBuilder};
pub use error::EwsError;
pub use folders::{DistinguishedFolder, FolderTarget};
pub use items::{Item, ItemId};
pub use operations::Operation;
pub use response_code::ResponseCode;
pub use soap::Envelope;
pub use version::ExchangeVersion;
