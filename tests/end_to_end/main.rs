//! The end-to-end suite of the workspace, in one test binary: the path from a portal's
//! `DataSource` through the gateway to (fake) Exchange over every transport (the tables and
//! the directory too), hostile input at the gRPC port, the overview of known users, and a
//! Python portal over gRPC.

mod authorization;
mod directory;
mod grpc_hostile;
mod known_users;
mod limits;
mod oauth;
mod path;
mod python_client;
mod restart;
mod static_users;
mod support;
mod tables;
mod throttling;
mod url_policy;
