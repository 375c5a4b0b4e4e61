//! Test kit of the exchange-connector workspace (not published).
//!
//! - [`FakeExchange`]: a stateful fake Exchange server speaking EWS (SOAP 1.1) over plain
//!   HTTP/1.1 on `127.0.0.1`, for client tests and examples. It keeps calendars in memory,
//!   answers `FindItem` (with `CalendarView` or paging), `GetItem`, `CreateItem`,
//!   `DeleteItem` and `UpdateItem` of calendar items, `GetFolder` and `FindFolder` over a
//!   folder tree of distinguished folders per mailbox (`msgfolderroot` with `inbox`,
//!   `calendar`, `contacts`, …), can seed calendars with generated items for paging
//!   ([`FakeExchangeBuilder::seed_calendar`]), checks HTTP Basic credentials and
//!   delegate grants, and every response it sends validates against Microsoft's EWS schema.
//!   Tests can inject faults ([`Fault`]) and inspect the raw exchanges ([`Exchange`]).
//! - [`schema`]: validation of EWS documents against Microsoft's schema with `xmllint`.
//!
//! Modules: `server` (the handle and builder), `service` (deciding the answer to one HTTP
//! request), `answer` (the HTTP response and log entry), `auth` (Basic
//! credentials), `dom` (namespace-aware request parsing with quick-xml), `request` (decoding
//! of operations), `ops` (carrying them out), `store` (users, calendars, identifiers),
//! `folder_tree` (the folders of every mailbox and their ids),
//! `response` and `item_xml` (envelopes, messages, faults, items), `escape`, `datetime`,
//! `fault` (injection), `log` (the request log) and `error` ([`Error`]).
//!
//! ```
//! use exchange_testkit::{FakeExchange, Fault};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = FakeExchange::builder()
//!     .user("CONTOSO\\alice", "secret", "alice@contoso.test")
//!     .start()
//!     .await?;
//! let find = r#"<?xml version="1.0" encoding="utf-8"?>
//! <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
//!     xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
//!     xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
//!   <soap:Header><t:RequestServerVersion Version="Exchange2016"/></soap:Header>
//!   <soap:Body>
//!     <m:FindItem Traversal="Shallow">
//!       <m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>
//!       <m:CalendarView StartDate="2024-05-01T00:00:00Z" EndDate="2024-06-01T00:00:00Z"/>
//!       <m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds>
//!     </m:FindItem>
//!   </soap:Body>
//! </soap:Envelope>"#;
//! let client = reqwest::Client::new();
//! let send = || {
//!     client
//!         .post(server.url())
//!         .basic_auth("CONTOSO\\alice", Some("secret"))
//!         .header("Content-Type", "text/xml; charset=utf-8")
//!         .body(find)
//!         .send()
//! };
//! let answer = send().await?;
//! assert_eq!(answer.status(), 200);
//! assert!(answer.text().await?.contains("IncludesLastItemInRange=\"true\""));
//!
//! server.inject(Fault::ServerBusyFault { back_off_ms: 500 });
//! let answer = send().await?;
//! assert_eq!(answer.status(), 500);
//! assert!(answer.text().await?.contains("a:ErrorServerBusy"));
//!
//! assert_eq!(server.request_count("FindItem"), 2);
//! assert_eq!(server.calendar_len("alice@contoso.test"), 0);
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod answer;
mod auth;
mod datetime;
mod dom;
mod error;
mod escape;
mod fault;
mod folder_tree;
mod item_xml;
mod log;
mod ops;
mod request;
mod response;
pub mod schema;
mod server;
mod service;
mod store;

pub use error::Error;
pub use fault::Fault;
pub use log::Exchange;
pub use response::ServerVersion;
pub use server::{FakeExchange, FakeExchangeBuilder, DEFAULT_MAX_REQUEST_BYTES};
