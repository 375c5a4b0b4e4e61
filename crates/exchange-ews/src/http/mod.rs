//! HTTP for the client and for Autodiscover alike: the options both builders take, the
//! connections they make, one authenticated POST with its handshake and its answer read up
//! to a limit, the back-end affinity cookie, and what failed connections are called.

mod affinity;
mod connections;
mod endpoint;
mod failure;
mod options;

pub(crate) use affinity::AffinityCookie;
pub(crate) use connections::Connections;
pub(crate) use endpoint::{post_once, Answer, HttpEndpoint, RequestHeaders};
pub(crate) use failure::body_snippet;
pub(crate) use options::HttpOptions;
