//! Test kit of the exchange-connector workspace (not published).
//!
//! - [`FakeExchange`]: a stateful fake Exchange server speaking EWS (SOAP 1.1) over plain
//!   HTTP/1.1 on `127.0.0.1`, for client tests and examples. Every mailbox has the folder
//!   tree of an Exchange 2016 mailbox (`msgfolderroot` with `inbox`, `calendar`, `contacts`,
//!   `tasks`, `notes`, `drafts`, `sentitems`, `deleteditems`, …) holding items of every
//!   kind: calendar items, contacts, tasks, messages, sticky notes and any other item
//!   element, kept with the properties the client sent and written back in schema order for
//!   the requested shape. It answers
//!   - `FindItem` (with `CalendarView`, paging, restrictions and sort), `GetItem`,
//!     `CreateItem` (with `MessageDisposition`: drafts, sending, copies in the sent items,
//!     delivery to the inboxes of the fake's own mailboxes), `UpdateItem` (set, append and
//!     delete of plain, indexed and extended properties, with conflict resolution by change
//!     key), `DeleteItem` (hard, soft, or a move to the deleted items), and `MoveItem` and
//!     `CopyItem` (a moved item gets a new id, a copy its own; both keep every property and
//!     attachment);
//!   - `CreateAttachment`, `GetAttachment` and `DeleteAttachment` (file and item
//!     attachments, with a size limit);
//!   - `SyncFolderItems` and `SyncFolderHierarchy` with opaque sync states;
//!   - `GetFolder` and `FindFolder`;
//!   - recurring calendar items: series with daily, weekly, monthly and yearly patterns,
//!     expanded into occurrences in a `CalendarView` in their Windows time zone (a small
//!     table of common zones with their daylight saving rules), occurrences by id or index,
//!     changed occurrences (exceptions) and deleted occurrences.
//!
//!   It checks HTTP Basic credentials and delegate grants, and, once told to trust an OAuth2
//!   issuer ([`FakeExchangeBuilder::trust_bearer_tokens`]), RS256 bearer tokens as Exchange
//!   Online does: delegated tokens of its users, and app-only tokens that impersonate a
//!   mailbox. Every response it sends validates against Microsoft's EWS schema. The builder can seed mailboxes with
//!   generated items ([`FakeExchangeBuilder::seed_calendar`],
//!   [`FakeExchangeBuilder::seed_items`]); tests can inject faults ([`Fault`]), inspect the
//!   logged requests and answers ([`LoggedRequest`]) and read back folder contents
//!   ([`FakeExchange::item_count`]) and sent messages ([`FakeExchange::sent_messages`]).
//! - [`schema`]: validation of EWS documents against Microsoft's schema with `xmllint`.
//!
//! Modules: `server` (the handle and builder), `service` (deciding the answer to one HTTP
//! request), `answer` (the HTTP response and log entry), `auth` (who a request is and whose
//! mailbox it acts on), `bearer` (bearer tokens, their keys and refusals), `dom`
//! (namespace-aware request parsing with quick-xml, and writing elements back), `request`
//! (decoding of operations), `ops` (carrying them out), `store` (users, mailboxes,
//! identifiers), `item` and `kind` (stored items and the schema order of their properties),
//! `recurrence` (patterns, ranges, time zones and the occurrences of a series),
//! `folder_tree` (the folders of every mailbox and their ids), `response` and `item_xml`
//! (envelopes, messages, faults, items), `seed` and `sent` (generated items, read-back of
//! sent messages), `escape`, `datetime`, `fault` (injection), `log` (the request log) and
//! `error` ([`Error`]). The log records how each request authenticated ([`Authentication`])
//! and its `X-AnchorMailbox` header, never a password or a token.
//!
//! ```
//! use exchange_testkit::{FakeExchange, Fault, SeedKind};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = FakeExchange::builder()
//!     .user("CONTOSO\\alice", "secret", "alice@contoso.test")
//!     .user("bob", "secret", "bob@contoso.test")
//!     .seed_items("alice@contoso.test", "contacts", SeedKind::Contact, 3)
//!     .start()
//!     .await?;
//! let envelope = |operation: &str| {
//!     format!(
//!         r#"<?xml version="1.0" encoding="utf-8"?>
//! <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
//!     xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
//!     xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
//!   <soap:Header><t:RequestServerVersion Version="Exchange2016"/></soap:Header>
//!   <soap:Body>{operation}</soap:Body>
//! </soap:Envelope>"#
//!     )
//! };
//! let find = envelope(
//!     r#"<m:FindItem Traversal="Shallow">
//!          <m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>
//!          <m:ParentFolderIds><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderIds>
//!        </m:FindItem>"#,
//! );
//! let send = envelope(
//!     r#"<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:Message>
//!          <t:Subject>Hello</t:Subject>
//!          <t:ToRecipients><t:Mailbox><t:EmailAddress>bob@contoso.test</t:EmailAddress>
//!          </t:Mailbox></t:ToRecipients>
//!        </t:Message></m:Items></m:CreateItem>"#,
//! );
//! let client = reqwest::Client::new();
//! let post = |body: String| {
//!     client
//!         .post(server.url())
//!         .basic_auth("CONTOSO\\alice", Some("secret"))
//!         .header("Content-Type", "text/xml; charset=utf-8")
//!         .body(body)
//!         .send()
//! };
//! let answer = post(find.clone()).await?;
//! assert_eq!(answer.status(), 200);
//! let contacts = answer.text().await?;
//! assert!(contacts.contains("TotalItemsInView=\"3\""));
//! assert!(contacts.contains("<t:Contact>"));
//!
//! let answer = post(send).await?;
//! assert!(answer.text().await?.contains("NoError"));
//! assert_eq!(server.item_count("alice@contoso.test", "sentitems"), 1);
//! assert_eq!(server.item_count("bob@contoso.test", "inbox"), 1);
//! assert_eq!(server.sent_messages()[0].subject, "Hello");
//!
//! server.inject(Fault::ServerBusyFault { back_off_ms: 500 });
//! let answer = post(find).await?;
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
mod bearer;
mod datetime;
mod dom;
mod error;
mod escape;
mod fault;
mod folder_tree;
mod item;
mod item_xml;
mod kind;
mod log;
mod ops;
mod recurrence;
mod request;
mod response;
pub mod schema;
mod seed;
mod sent;
mod server;
mod service;
mod store;

pub use error::Error;
pub use fault::Fault;
pub use log::{Authentication, LoggedRequest};
pub use response::ServerVersion;
pub use seed::SeedKind;
pub use sent::SentMessage;
pub use server::{
    FakeExchange, FakeExchangeBuilder, DEFAULT_MAX_ATTACHMENT_BYTES, DEFAULT_MAX_REQUEST_BYTES,
};
