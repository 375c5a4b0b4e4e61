//! Checking a call's credential before its request is read.

use std::net::IpAddr;

use crate::{ApiError, Credential};

/// The role an area of the API takes: who may call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The admin area: the gateway password.
    Admin,
    /// The areas of calls for portal users (sessions, calendar): a data source's portal key.
    Portal,
}

/// Checks a call's credential before a wire reads the call's request: a wire server calls
/// [`admit`](Self::admit) with what it knows before the body (the area's role, the credential
/// from the request's metadata, the peer address) and answers a refusal without reading on.
///
/// Every implementation of the API is one ([`GatewayApi`](crate::GatewayApi) requires it).
/// The provided `admit` admits every call, leaving the checks to the area methods, which must
/// check the credential themselves in any case: calls in the same process never pass a wire.
#[crate::__async_trait]
pub trait Gatekeeper: Send + Sync {
    /// `Ok` to go on reading the call; an error to answer at once.
    async fn admit(
        &self,
        role: Role,
        credential: &Credential,
        peer: Option<IpAddr>,
    ) -> Result<(), ApiError> {
        let _ = (role, credential, peer);
        Ok(())
    }
}
