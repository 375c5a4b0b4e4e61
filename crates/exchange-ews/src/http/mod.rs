//! HTTP for the client and for Autodiscover alike: the options both builders take, the
//! connections they make, one authenticated POST with its handshake and its answer read up
//! to a limit, the back-end affinity cookie, what failed connections are called, and the
//! resolver that checks the addresses a host name resolves to.

mod affinity;
mod connections;
mod endpoint;
mod failure;
mod options;
mod resolve;

pub(crate) use affinity::AffinityCookie;
pub(crate) use connections::Connections;
pub(crate) use endpoint::{post_once, Answer, HttpEndpoint, RequestHeaders};
pub(crate) use failure::body_snippet;
pub(crate) use options::HttpOptions;
pub use resolve::{AddressCheck, HostLookup, SystemLookup};
