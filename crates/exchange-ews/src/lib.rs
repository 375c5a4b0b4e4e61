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
//! # Logging
//!
//! With the `tracing` target `exchange_ews::wire` at trace level, the client logs the body of
//! every request and response (never a header, so never credentials).

mod client;
mod error;
pub mod operations;
mod response_code;
mod soap;
#[cfg(test)]
mod test_support;
mod types;
mod version;
mod xml;

pub use client::{EwsClient, EwsClientBuilder};
pub use error::{ConnectFailure, EwsError, ResponseClass, XmlRefusal};
pub use response_code::ResponseCode;
pub use soap::Envelope;
pub use types::{
    Body, BodyType, CalendarItem, CalendarView, DeleteType, DistinguishedFolder, FolderTarget,
    ItemId, Mailbox, NewCalendarItem, SendMeetingCancellations, SendMeetingInvitations,
};
pub use version::{ExchangeVersion, ServerVersionInfo};
