//! Test support of the exchange-connector workspace (not published): what the tests of every
//! crate share, defined once.
//!
//! - The rule for a missing peer ([`under_ci`], [`peer_missing`], [`skip_or_fail`]): a test
//!   whose real peer is not installed here is skipped with a `skipping: …` line, except under
//!   CI, where it fails. CI counts as set unless `CI` is unset, empty, `0` or `false` (in any
//!   case), so the rule fails closed.
//! - Log capture ([`CapturedLogs`], [`capture_logs`]): `tracing` output as text to search.
//! - The launchers of the real peers, each listening on `127.0.0.1` only, shared by the tests
//!   of one process and stopped by its own process ids when the last one lets go:
//!   - [`kerberos::KerberosRig`]: MIT Kerberos KDCs and Apache with `mod_auth_gssapi` and
//!     `gss-ntlmssp` (`rigs/kerberos.sh` at the top of the workspace);
//!   - [`oauth::OAuthMockServer`]: npm `oauth2-mock-server` (`rigs/oauth2.sh`);
//!   - [`postgres::PgServer`]: `initdb` and `postgres` in a temporary directory.
//! - Their helpers: [`free_port`], [`scripts_dir`], [`OwnedProcess`].
//!
//! ```
//! use exchange_test_support::{capture_logs, postgres::PgServer};
//! use tracing::Level;
//!
//! let logs = capture_logs(Level::DEBUG, || tracing::debug!(user = "alice", "logged in"));
//! assert!(logs.contains("logged in user=\"alice\""));
//!
//! // Skips (prints why and returns) where PostgreSQL is not installed; fails under CI.
//! let Some(server) = PgServer::shared() else { return };
//! let db = server.create_database();
//! assert_eq!(server.psql(&db, "SELECT 1 + 1"), "2");
//! ```

pub mod kerberos;
pub mod oauth;
pub mod postgres;

mod ci;
mod logs;
mod process;

pub use ci::{peer_missing, skip_or_fail, under_ci, CI_VAR};
pub use logs::{capture_logs, CapturedLogs};
pub use process::{free_port, scripts_dir, OwnedProcess};
