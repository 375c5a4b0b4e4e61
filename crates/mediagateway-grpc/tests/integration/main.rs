//! Integration tests of the gRPC client and server, on loopback: one module per topic.

mod client_certificates;
mod health_and_reflection;
mod hostile;
mod limits;
mod malformed_users;
mod pki;
mod plain_and_tls;
mod self_signed;
mod support;
mod trust;
