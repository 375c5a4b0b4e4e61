//! The EWS backend: Exchange Server 2007 to SE (and Exchange Online while EWS lasts there).

mod attachments;
mod calendar;
mod changes;
mod columns;
mod directory;
mod errors;
mod folders;
#[cfg(test)]
mod mapping_tests;
mod read;
mod records;
mod recurrence;
mod tables;
mod write;

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use exchange_auth::oauth::{
    Authority, AuthorizationCodeFlow, ClientCertificate, Cloud, Endpoints, OAuthClient, Tenant,
};
use exchange_auth::{
    AuthStrategy, Kerberos, Negotiate, OAuth2, Offered, PasswordScheme, UserCredentials,
};
use exchange_ews::client::{AddressCheck, BackOffState, HostLookup, Impersonation, RetryPolicy};
use exchange_ews::{DistinguishedFolder, EwsClient, ExchangeVersion, FolderTarget};
use mediagateway_api::tables::{Table, TableInfo};
use mediagateway_api::{
    ApiError, Authentication, ExchangeGeneration, OAuthCredential, OAuthSettings,
};
use secrecy::ExposeSecret;

use super::{MailboxAccess, MailboxBackend, MailboxLogin, OAuthGrant};
use crate::fingerprint;
use crate::lru::Lru;
use crate::UrlPolicy;
pub(crate) use errors::map_auth_error;
use errors::map_error;

/// The EWS backend. It keeps one client (and so one connection pool) per login (server URL and
/// user name), for the latest password and Exchange generation it was asked with, and at most
/// [`DEFAULT_CLIENT_CAPACITY`](Self::DEFAULT_CLIENT_CAPACITY) clients unless told otherwise:
/// the least recently used goes first, and a client is cheap to rebuild.
///
/// Every client judges the addresses its host name resolves to by the [`UrlPolicy`] when it
/// connects ([`UrlPolicy::check_addresses`]), so a name that leads to a forbidden address gets
/// nothing, not even a request without a password. The gateway judges the URL itself, and so
/// an IP-address host, before it asks the backend.
///
/// Every client shares one [`BackOffState`]: when Exchange asks to back off from a mailbox
/// (the login's user's) or from a whole server, the calls of every portal user reading it
/// wait for the back-off instead of each spending its own attempts into the same throttling.
/// A call that would wait more than 5 seconds in all goes back to the portal as `Throttled`
/// at once, with the back-off that is left. The back-offs outlive the clients: a login's
/// rebuilt client still waits for them.
#[derive(Debug)]
pub struct EwsBackend {
    timeout: Duration,
    clients: Mutex<Lru<[u8; 32], Cached>>,
    back_off: BackOffState,
    addresses: Arc<PolicyAddresses>,
    host_lookup: Option<Arc<dyn HostLookup>>,
}

/// The address rules of a [`UrlPolicy`], as the EWS clients' check at connect time.
#[derive(Debug)]
struct PolicyAddresses(UrlPolicy);

impl AddressCheck for PolicyAddresses {
    fn check(&self, _host: &str, addresses: &[IpAddr]) -> Result<(), String> {
        self.0
            .check_addresses(addresses)
            .map_err(|refused| refused.to_string())
    }
}

/// A cached client and the digest of everything it was made from, password included.
#[derive(Debug)]
struct Cached {
    made_from: [u8; 32],
    client: EwsClient,
}

/// The longest throttling back-off the gateway waits out itself, and the longest a call waits
/// for the back-offs other calls were given, in all. Portal calls are interactive: a longer
/// one goes back to the portal as `Throttled` with the server's back-off.
const MAX_INTERACTIVE_BACK_OFF: Duration = Duration::from_secs(5);

impl EwsBackend {
    /// How many clients a backend keeps unless told otherwise.
    pub const DEFAULT_CLIENT_CAPACITY: usize = 4096;

    /// A backend whose requests time out after `timeout`, judging resolved addresses by the
    /// default [`UrlPolicy`].
    pub fn new(timeout: Duration) -> Self {
        Self::with_client_capacity(timeout, Self::DEFAULT_CLIENT_CAPACITY)
    }

    /// A backend whose requests time out after `timeout`, keeping at most `capacity` clients
    /// (at least one).
    pub fn with_client_capacity(timeout: Duration, capacity: usize) -> Self {
        Self {
            timeout,
            clients: Mutex::new(Lru::new(capacity)),
            back_off: BackOffState::new(),
            addresses: Arc::new(PolicyAddresses(UrlPolicy::default())),
            host_lookup: None,
        }
    }

    /// Judges the addresses EWS host names resolve to by `policy` (the gateway's
    /// `ews_url_policy`) instead of the default policy.
    #[must_use]
    pub fn with_url_policy(mut self, policy: &UrlPolicy) -> Self {
        self.addresses = Arc::new(PolicyAddresses(policy.clone()));
        self
    }

    /// Resolves EWS host names with `lookup` instead of the system's resolver (see
    /// [`GatewayConfig::ews_host_lookup`](crate::GatewayConfig::ews_host_lookup)); the
    /// addresses it gives are judged all the same.
    #[must_use]
    pub fn with_host_lookup(mut self, lookup: Arc<dyn HostLookup>) -> Self {
        self.host_lookup = Some(lookup);
        self
    }

    /// How many clients the backend keeps now.
    #[cfg(test)]
    fn cached_clients(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lru<[u8; 32], Cached>> {
        self.clients
            .lock()
            .expect("the client cache lock is never poisoned")
    }

    /// The client of `access`'s login data, from the cache or new.
    fn client(&self, access: &MailboxAccess) -> Result<EwsClient, ApiError> {
        let key = login_key(&access.login());
        let made_from = made_from(access);
        let mut clients = self.lock();
        if let Some(cached) = clients.get(&key).filter(|c| c.made_from == made_from) {
            return Ok(cached.client.clone());
        }
        let credentials = UserCredentials::new(access.user_name.clone(), access.password.clone());
        let invalid = |e: exchange_auth::AuthError| ApiError::invalid(e.to_string());
        let pinned = |scheme| Offered::pinned(credentials.clone(), scheme);
        let mut impersonate = None;
        let strategy: Arc<dyn AuthStrategy> = match access.authentication {
            Authentication::UserNamePassword => {
                Arc::new(Offered::new(credentials.clone()).map_err(invalid)?)
            }
            Authentication::Basic => Arc::new(pinned(PasswordScheme::Basic).map_err(invalid)?),
            Authentication::Ntlm => Arc::new(pinned(PasswordScheme::Ntlm).map_err(invalid)?),
            Authentication::Negotiate => {
                Arc::new(pinned(PasswordScheme::Negotiate).map_err(invalid)?)
            }
            // Negotiate with Kerberos alone: no NTLM to fall back to.
            Authentication::Kerberos => Arc::new(Negotiate::new(
                Kerberos::with_password(credentials.clone()).map_err(invalid)?,
            )),
            Authentication::OAuth2 => {
                let oauth = access.oauth.as_ref().ok_or_else(|| ApiError::Internal {
                    detail: "an OAuth2 access without its application".to_owned(),
                })?;
                let client = oauth_client(&oauth.settings)?;
                Arc::new(match &oauth.grant {
                    OAuthGrant::AppOnly => {
                        impersonate =
                            Some(Impersonation::PrimarySmtpAddress(access.mailbox.clone()));
                        OAuth2::app_only(client)
                    }
                    OAuthGrant::Delegated {
                        tokens: Some(tokens),
                        rotation,
                        ..
                    } => OAuth2::delegated(client, tokens.clone(), Some(Arc::clone(rotation)))
                        .map_err(invalid)?,
                    OAuthGrant::Delegated {
                        refresh_token,
                        tokens: None,
                        rotation,
                        ..
                    } => OAuth2::delegated_from_refresh_token(
                        client,
                        refresh_token.clone(),
                        Some(Arc::clone(rotation)),
                    ),
                })
            }
        };
        let mut builder = EwsClient::builder(&access.server_url)
            .version(ews_version(access.generation))
            .auth(strategy)
            .timeout(self.timeout)
            .retry(RetryPolicy::new(
                3,
                Duration::from_millis(250),
                MAX_INTERACTIVE_BACK_OFF,
            ))
            .back_off_state(self.back_off.clone(), &access.user_name)
            .check_addresses(Arc::clone(&self.addresses) as Arc<dyn AddressCheck>);
        if let Some(lookup) = &self.host_lookup {
            builder = builder.host_lookup(Arc::clone(lookup));
        }
        if let Some(impersonation) = impersonate {
            builder = builder.impersonate(impersonation);
        }
        let client = builder.build().map_err(map_error)?;
        // A client made from an older password or generation is replaced.
        clients.insert(
            key,
            Cached {
                made_from,
                client: client.clone(),
            },
        );
        Ok(client)
    }
}

/// The digest of everything a client is made from. A delegated OAuth2 client is made from its
/// sign-in, not its refresh token: the token rotates inside the client, and a client rebuilt
/// at every rotation would refresh again at once.
fn made_from(access: &MailboxAccess) -> [u8; 32] {
    let (secret, oauth): (&str, Vec<&str>) = match &access.oauth {
        None => (access.password.expose_secret(), Vec::new()),
        Some(oauth) => {
            let settings = &oauth.settings;
            let credential = match &settings.credential {
                OAuthCredential::Secret(secret) => secret.expose_secret(),
                OAuthCredential::Certificate {
                    private_key_pem, ..
                } => private_key_pem.expose_secret(),
            };
            let grant = match &oauth.grant {
                OAuthGrant::Delegated { sign_in, .. } => sign_in.as_str(),
                OAuthGrant::AppOnly => "app-only",
            };
            let (authorize, token) = settings
                .endpoints
                .as_ref()
                .map_or(("", ""), |e| (e.authorize.as_str(), e.token.as_str()));
            (
                credential,
                vec![
                    &settings.tenant,
                    &settings.client_id,
                    authorize,
                    token,
                    grant,
                ],
            )
        }
    };
    let mut parts = vec![
        access.server_url.as_str(),
        &access.user_name,
        &access.mailbox,
        secret,
    ];
    parts.extend(oauth);
    fingerprint::digest(
        &parts,
        &[access.generation as u8, access.authentication as u8],
    )
}

/// The OAuth2 client of a data source's application.
fn oauth_client(settings: &OAuthSettings) -> Result<OAuthClient, ApiError> {
    let invalid = |e: exchange_auth::AuthError| ApiError::AuthenticationMisconfigured {
        detail: e.to_string(),
        problem: mediagateway_api::AuthProblem::Other,
    };
    let endpoints = match &settings.endpoints {
        Some(endpoints) => Endpoints::explicit(&endpoints.authorize, &endpoints.token, None),
        None => Tenant::new(&settings.tenant)
            .and_then(|tenant| Authority::Cloud(Cloud::Public).endpoints(&tenant)),
    }
    .map_err(invalid)?;
    let client = OAuthClient::new(&settings.client_id, endpoints).map_err(invalid)?;
    Ok(match &settings.credential {
        OAuthCredential::Secret(secret) => client.with_secret(secret.clone()),
        OAuthCredential::Certificate {
            certificate_pem,
            private_key_pem,
        } => client.with_certificate(
            ClientCertificate::from_pem(certificate_pem.as_bytes(), private_key_pem)
                .map_err(invalid)?,
        ),
    })
}

/// The authorization code sign-in of a data source's application.
pub(crate) fn sign_in_flow(settings: &OAuthSettings) -> Result<AuthorizationCodeFlow, ApiError> {
    AuthorizationCodeFlow::new(oauth_client(settings)?, &settings.redirect_uri).map_err(|e| {
        ApiError::AuthenticationMisconfigured {
            detail: e.to_string(),
            problem: mediagateway_api::AuthProblem::Other,
        }
    })
}

/// The cache's key of a login.
fn login_key(login: &MailboxLogin) -> [u8; 32] {
    fingerprint::digest(&[&login.server_url, &login.user_name], &[])
}

fn calendar_folder() -> FolderTarget {
    FolderTarget::Distinguished(DistinguishedFolder::Calendar)
}

fn ews_version(generation: ExchangeGeneration) -> ExchangeVersion {
    match generation {
        ExchangeGeneration::Exchange2007 => ExchangeVersion::Exchange2007Sp1,
        // The lowest schema every server of the range accepts; Exchange 2019, SE and Online
        // answer it too.
        ExchangeGeneration::Exchange2010To2019 => ExchangeVersion::Exchange2010,
    }
}

#[async_trait]
impl MailboxBackend for EwsBackend {
    async fn check(&self, access: &MailboxAccess) -> Result<Option<String>, ApiError> {
        let client = self.client(access)?;
        // The cheapest call that proves the login and the mailbox: an empty calendar window.
        let now = Utc::now();
        client
            .find_calendar_items(&calendar_folder(), now, now, Some(1))
            .await
            .map_err(map_error)?;
        Ok(client
            .last_server_version()
            .map(|v| format!("{}.{}.{}.{}", v.major, v.minor, v.build, v.revision)))
    }

    fn forget(&self, login: &MailboxLogin) {
        self.lock().remove(&login_key(login));
    }

    fn metadata(&self, table: Table, generation: ExchangeGeneration) -> TableInfo {
        tables::metadata(table, generation)
    }
}

#[cfg(test)]
mod tests {
    use mediagateway_api::ExchangeGeneration;
    use secrecy::SecretString;

    use super::*;

    fn access(user: &str, password: &str) -> MailboxAccess {
        MailboxAccess {
            server_url: "https://mail.contoso.test/EWS/Exchange.asmx".to_owned(),
            generation: ExchangeGeneration::Exchange2010To2019,
            authentication: Authentication::UserNamePassword,
            user_name: user.to_owned(),
            password: SecretString::from(password),
            mailbox: user.to_owned(),
            time_zone: "Europe/Berlin".to_owned(),
            oauth: None,
        }
    }

    #[test]
    fn the_check_refuses_a_name_with_any_forbidden_address() {
        let check = PolicyAddresses(UrlPolicy::default());
        let routable: IpAddr = [10, 0, 0, 5].into();
        let metadata: IpAddr = [169, 254, 169, 254].into();
        assert_eq!(check.check("mail.contoso.test", &[routable]), Ok(()));
        let refused = check
            .check("mail.contoso.test", &[routable, metadata])
            .unwrap_err();
        assert!(refused.contains("169.254.169.254"), "{refused}");
    }

    #[test]
    fn one_client_per_login_at_most_capacity_and_forgotten_on_request() {
        let backend = EwsBackend::with_client_capacity(Duration::from_secs(5), 2);
        backend.client(&access("alice", "p1")).unwrap();
        backend.client(&access("alice", "p2")).unwrap();
        assert_eq!(
            backend.cached_clients(),
            1,
            "a new password replaces the client"
        );
        backend.client(&access("bob", "p")).unwrap();
        backend.client(&access("carol", "p")).unwrap();
        assert_eq!(backend.cached_clients(), 2);
        backend.forget(&access("bob", "any password").login());
        assert_eq!(backend.cached_clients(), 1);
        backend.forget(&access("bob", "p").login());
        assert_eq!(backend.cached_clients(), 1, "forgetting twice is harmless");
        backend.forget(&access("carol", "").login());
        assert_eq!(backend.cached_clients(), 0);
    }

    #[tokio::test]
    async fn a_throttled_mailbox_holds_back_the_next_client_of_its_login_only() {
        let fake = exchange_testkit::FakeExchange::builder()
            .user("alice@contoso.test", "pa", "alice@contoso.test")
            .user("bob@contoso.test", "pb", "bob@contoso.test")
            .start()
            .await
            .unwrap();
        let on_fake = |user: &str, password: &str| MailboxAccess {
            server_url: fake.url(),
            ..access(user, password)
        };
        let (alice, bob) = (
            on_fake("alice@contoso.test", "pa"),
            on_fake("bob@contoso.test", "pb"),
        );
        let backend = EwsBackend::new(Duration::from_secs(5));
        fake.inject(exchange_testkit::Fault::ServerBusyFault {
            back_off_ms: 30_000,
        });
        let busy = backend.check(&alice).await.unwrap_err();
        assert_eq!(busy.back_off(), Some(Duration::from_secs(30)), "{busy:?}");

        // The login's next client (after a logout, say) sends nothing until the back-off ends.
        backend.forget(&alice.login());
        let sent = fake.logged_requests().len();
        let held = backend.check(&alice).await.unwrap_err();
        let ApiError::Throttled {
            back_off: Some(left),
            detail,
        } = &held
        else {
            panic!("{held:?}");
        };
        assert!(
            *left <= Duration::from_secs(30) && *left > Duration::from_secs(20),
            "{left:?}"
        );
        assert!(detail.starts_with("not sent"), "{detail}");
        assert_eq!(fake.logged_requests().len(), sent);

        // Another mailbox on the same server is not held back: its new client asks for the
        // server's offer (a 401) and sends the request by Basic, the scheme offered.
        backend.check(&bob).await.unwrap();
        let log = fake.logged_requests();
        assert_eq!(log.len(), sent + 2);
        assert_eq!((log[sent].status, log[sent + 1].status), (401, 200));
        // Basic known, the next request sends it at once.
        backend.check(&bob).await.unwrap();
        let log = fake.logged_requests();
        assert_eq!(log.len(), sent + 3);
        assert_eq!(log[sent + 2].status, 200);
    }
}
