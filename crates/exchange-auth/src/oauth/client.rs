//! The application as registered with the authorization server, and its token requests.

use std::borrow::Cow;
use std::sync::Arc;

use oauth2::basic::BasicClient;
use oauth2::{AuthType, ClientId, ClientSecret, EndpointNotSet, EndpointSet, Scope, TokenUrl};
use secrecy::{ExposeSecret as _, SecretString};

use super::assertion::{ClientCertificate, ASSERTION_TYPE};
use super::http::{map_token_error, CappedHttp};
use super::{Cloud, Endpoints, TokenSet};
use crate::AuthError;

type TokenClient =
    BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// How the application proves its identity to the token endpoint.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ClientCredential {
    /// None: a public client (a desktop or device-code sign-in).
    Public,
    /// A client secret.
    Secret(SecretString),
    /// A certificate: each request carries a signed client assertion.
    Certificate(Arc<ClientCertificate>),
}

/// An application registered with Entra ID (or another OAuth2 server): its client id,
/// credential, endpoints, and the cloud whose EWS resource the tokens are for.
///
/// Cloning is cheap; clones share one HTTP client.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    client_id: String,
    credential: ClientCredential,
    endpoints: Endpoints,
    cloud: Cloud,
    http: CappedHttp,
}

impl OAuthClient {
    /// A public client (no credential) with `client_id` at `endpoints`, for EWS in the public
    /// cloud; see [`with_secret`](Self::with_secret), [`with_certificate`](Self::with_certificate)
    /// and [`with_cloud`](Self::with_cloud).
    pub fn new(client_id: &str, endpoints: Endpoints) -> Result<Self, AuthError> {
        if client_id.is_empty() || client_id.len() > 256 || client_id.chars().any(char::is_control)
        {
            return Err(AuthError::OAuthInvalidConfig {
                reason: "the client id is empty, too long or has control characters".to_owned(),
            });
        }
        Ok(Self {
            client_id: client_id.to_owned(),
            credential: ClientCredential::Public,
            endpoints,
            cloud: Cloud::Public,
            http: CappedHttp::new()?,
        })
    }

    /// Authenticates the application with a client secret.
    pub fn with_secret(mut self, secret: SecretString) -> Self {
        self.credential = ClientCredential::Secret(secret);
        self
    }

    /// Authenticates the application with a certificate (a signed client assertion).
    pub fn with_certificate(mut self, certificate: ClientCertificate) -> Self {
        self.credential = ClientCredential::Certificate(Arc::new(certificate));
        self
    }

    /// The cloud whose EWS resource the tokens are for (default: [`Cloud::Public`]).
    pub fn with_cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The cloud of the EWS resource.
    pub fn cloud(&self) -> Cloud {
        self.cloud
    }

    pub(crate) fn http(&self) -> &CappedHttp {
        &self.http
    }

    /// The `oauth2` client for the token endpoint; a client secret goes in the request body, as
    /// Entra ID documents it.
    pub(crate) fn token_client(&self) -> TokenClient {
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::from_url(self.endpoints.token().clone()));
        match &self.credential {
            ClientCredential::Secret(secret) => {
                client.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()))
            }
            _ => client,
        }
    }

    /// The extra form fields of a token request: the client assertion of a certificate
    /// credential. `oauth2` has no notion of assertions, but it sends any extra field, so the
    /// request still goes through it.
    pub(crate) fn assertion_params(
        &self,
    ) -> Result<Vec<(&'static str, Cow<'static, str>)>, AuthError> {
        match &self.credential {
            ClientCredential::Certificate(cert) => {
                let assertion = cert.assertion(&self.client_id, self.endpoints.token().as_str())?;
                Ok(vec![
                    ("client_assertion_type", Cow::Borrowed(ASSERTION_TYPE)),
                    // The form body is a plain string inside `oauth2`; the assertion is valid
                    // for five minutes and bound to this token endpoint.
                    (
                        "client_assertion",
                        Cow::Owned(assertion.expose_secret().to_owned()),
                    ),
                ])
            }
            _ => Ok(Vec::new()),
        }
    }

    /// Client credentials grant: an app-only token for `scopes`.
    pub async fn client_credentials(&self, scopes: &[String]) -> Result<TokenSet, AuthError> {
        if matches!(self.credential, ClientCredential::Public) {
            return Err(AuthError::OAuthInvalidConfig {
                reason: "app-only sign-in needs a client secret or certificate".to_owned(),
            });
        }
        let client = self.token_client();
        let mut request = client
            .exchange_client_credentials()
            .add_scopes(scopes.iter().map(|s| Scope::new(s.clone())));
        for (name, value) in self.assertion_params()? {
            request = request.add_extra_param(name, value);
        }
        let response = request
            .request_async(&self.http)
            .await
            .map_err(map_token_error)?;
        let tokens = TokenSet::from_response(&response)?;
        tracing::debug!(scopes = ?tokens.scopes(), lifetime = ?tokens.lifetime(), "app-only token received");
        Ok(tokens)
    }

    /// Refresh token grant. The answer's refresh token, when there is one, replaces `refresh`.
    pub async fn refresh(
        &self,
        refresh: &SecretString,
        scopes: &[String],
    ) -> Result<TokenSet, AuthError> {
        let client = self.token_client();
        let token = oauth2::RefreshToken::new(refresh.expose_secret().to_owned());
        let mut request = client
            .exchange_refresh_token(&token)
            .add_scopes(scopes.iter().map(|s| Scope::new(s.clone())));
        for (name, value) in self.assertion_params()? {
            request = request.add_extra_param(name, value);
        }
        let response = request
            .request_async(&self.http)
            .await
            .map_err(map_token_error)?;
        let tokens = TokenSet::from_response(&response)?;
        tracing::debug!(scopes = ?tokens.scopes(), lifetime = ?tokens.lifetime(), rotated = tokens.refresh_token().is_some(), "token refreshed");
        Ok(tokens)
    }
}
