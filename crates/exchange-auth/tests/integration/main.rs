//! The integration tests of this crate, built as one test binary: one link instead of one per
//! file. The Kerberos tests are a binary of their own (`tests/kerberos.rs`): they set
//! `KRB5_CONFIG` before any thread starts.

mod ntlm_apache;
mod oauth_mock_server;
mod oauth_wiremock;
