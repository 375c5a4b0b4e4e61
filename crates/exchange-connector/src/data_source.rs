//! `DataSource`: a configured connection from a portal through a gateway to Exchange.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use mediagateway_api::tables::TableInfo;
use mediagateway_api::{
    AdminCall, ApiError, Authentication, Credential, DataSourceConfig, DataSourceConfigured,
    DataSourceInfo, ExchangeGeneration, GatewayApi, GatewayPassword, Login, LoginOutcome,
    OAuthLoginFinish, OAuthLoginStart, OAuthSettings, PortalCall, PortalKey, ServiceAccount,
    UserCall,
};
#[cfg(feature = "grpc")]
use mediagateway_grpc::tls::ClientTls;
#[cfg(feature = "grpc")]
use mediagateway_grpc::GrpcClient;
use secrecy::SecretString;
use uuid::Uuid;

use crate::diagnosis::{ConnectionTest, Diagnosis, Outcome, SecurityNotice, TestSubject};
use crate::settings::DataSourceSettings;
#[cfg(feature = "grpc")]
use crate::settings::GatewayTrust;
use crate::user::UserSession;
use crate::ConnectorError;

/// How the portal reaches the gateway.
#[derive(Clone)]
#[non_exhaustive]
pub enum TransportChoice {
    /// gRPC to the gateway's host and port (recommended for a separate gateway).
    #[cfg(feature = "grpc")]
    Grpc,
    /// A gateway (or any other implementation of the [`GatewayApi`]) in the same process.
    InProcess(Arc<dyn GatewayApi>),
}

impl std::fmt::Debug for TransportChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            #[cfg(feature = "grpc")]
            Self::Grpc => "Grpc",
            Self::InProcess(_) => "InProcess",
        })
    }
}

/// The gateway's gRPC port.
const DEFAULT_PORT: u16 = 8087;

/// Step-by-step configuration of a [`DataSource`], in the order of the set-up dialog:
/// General, Exchange version, Authentication, Exchange account.
#[derive(Debug, Clone)]
#[must_use]
// Where the gateway is and how long a call may take matter only to gRPC.
#[cfg_attr(not(feature = "grpc"), allow(dead_code))]
pub struct DataSourceBuilder {
    name: String,
    host: Option<String>,
    port: u16,
    time_zone: String,
    transport: Option<TransportChoice>,
    password: Option<SecretString>,
    portal_key: Option<PortalKey>,
    exchange_generation: Option<ExchangeGeneration>,
    authentication: Option<Authentication>,
    account: Option<ServiceAccount>,
    oauth: Option<OAuthSettings>,
    session_based: bool,
    timeout: Duration,
    #[cfg(feature = "grpc")]
    tls: Option<ClientTls>,
    #[cfg(feature = "grpc")]
    trust: Option<GatewayTrust>,
}

impl DataSourceBuilder {
    /// General: reach the gateway over gRPC with TLS, trusting its certificate as `trust`
    /// says; unlike [`tls`](Self::tls), the choice is kept in the data source's
    /// [settings](DataSource::settings).
    #[cfg(feature = "grpc")]
    pub fn gateway_trust(mut self, trust: GatewayTrust) -> Self {
        self.trust = Some(trust);
        self
    }

    /// General: reach the gateway over gRPC with TLS (its port 9087 by default), trusting what
    /// `tls` says: the gateway's pinned certificate fingerprint (`mediagateway tls
    /// fingerprint`), a CA bundle, or the public roots. Without it the connection is plain, for
    /// a gateway on loopback.
    #[cfg(feature = "grpc")]
    pub fn tls(mut self, tls: ClientTls) -> Self {
        self.tls = Some(tls);
        self
    }

    /// General: the gateway's host and port (8087 is the gateway's gRPC port).
    pub fn gateway(mut self, host: impl Into<String>, port: u16) -> Self {
        self.host = Some(host.into());
        self.port = port;
        self
    }

    /// General: the gateway's IANA time zone (default `UTC`).
    pub fn time_zone(mut self, time_zone: impl Into<String>) -> Self {
        self.time_zone = time_zone.into();
        self
    }

    /// General: how the portal reaches the gateway.
    pub fn transport(mut self, transport: TransportChoice) -> Self {
        self.transport = Some(transport);
        self
    }

    /// General: the gateway password, the admin credential. Configuring the data source,
    /// the connection tests and changing the password need it; a portal that only logs users in
    /// and reads their items does not.
    pub fn gateway_password(mut self, password: SecretString) -> Self {
        self.password = Some(password);
        self
    }

    /// General: the data source's portal key, which the gateway handed out when the data source
    /// was first configured ([`DataSource::configure_gateway`]). Calls for portal users take it.
    pub fn portal_key(mut self, key: PortalKey) -> Self {
        self.portal_key = Some(key);
        self
    }

    /// General: how long one gateway call may take over gRPC (default 120 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Exchange version: the generation of the servers the data source talks to.
    pub fn exchange_version(mut self, generation: ExchangeGeneration) -> Self {
        self.exchange_generation = Some(generation);
        self
    }

    /// Authentication.
    pub fn authentication(mut self, authentication: Authentication) -> Self {
        self.authentication = Some(authentication);
        self
    }

    /// Exchange account: the data source's service account. With
    /// [`Authentication::OAuth2`] its password is empty: the gateway reaches it app-only.
    pub fn exchange_account(mut self, account: ServiceAccount) -> Self {
        self.account = Some(account);
        self
    }

    /// The OAuth2 application, for [`Authentication::OAuth2`] (Exchange Online): portal users
    /// then sign in in the browser ([`DataSource::begin_oauth_login`]).
    pub fn oauth(mut self, settings: OAuthSettings) -> Self {
        self.oauth = Some(settings);
        self
    }

    /// Users' accounts live for the session only and are never written (default: stored).
    pub fn session_based(mut self, session_based: bool) -> Self {
        self.session_based = session_based;
        self
    }

    /// Checks the configuration and creates the data source. Nothing is sent yet.
    pub fn build(self) -> Result<DataSource, ConnectorError> {
        if self.name.trim().is_empty() {
            return Err(ConnectorError::Invalid {
                what: "connection name",
                reason: "it is empty".to_owned(),
            });
        }
        let transport = self.transport.ok_or(ConnectorError::Incomplete {
            missing: "transport",
        })?;
        if self.password.is_none() && self.portal_key.is_none() {
            return Err(ConnectorError::Incomplete {
                missing: "gateway password or portal key",
            });
        }
        let exchange_generation = self.exchange_generation.ok_or(ConnectorError::Incomplete {
            missing: "Exchange version",
        })?;
        let authentication = self.authentication.ok_or(ConnectorError::Incomplete {
            missing: "authentication",
        })?;
        let account = self.account.ok_or(ConnectorError::Incomplete {
            missing: "Exchange account",
        })?;
        if account.user_name.trim().is_empty() {
            return Err(ConnectorError::Invalid {
                what: "Exchange account",
                reason: "the user name is empty".to_owned(),
            });
        }
        if !(account.ews_url.starts_with("https://") || account.ews_url.starts_with("http://")) {
            return Err(ConnectorError::Invalid {
                what: "EWS server URL",
                reason: format!("{:?} is not an http(s) URL", account.ews_url),
            });
        }
        let host_kept = self.host.clone();
        let (gateway, address): (Arc<dyn GatewayApi>, String) = match transport {
            TransportChoice::InProcess(gateway) => (gateway, "in-process".to_owned()),
            #[cfg(feature = "grpc")]
            TransportChoice::Grpc => {
                let host = self.host.ok_or(ConnectorError::Incomplete {
                    missing: "gateway host",
                })?;
                let mut client = GrpcClient::builder(host, self.port).timeout(self.timeout);
                let tls = match (&self.trust, self.tls) {
                    (_, Some(tls)) => Some(tls),
                    (Some(trust), None) => Some(client_tls(trust)?),
                    (None, None) => None,
                };
                if let Some(tls) = tls {
                    client = client.tls(tls);
                }
                let client = client.build()?;
                let address = client.address().to_owned();
                (Arc::new(client), address)
            }
        };
        Ok(DataSource {
            inner: Arc::new(Inner {
                gateway,
                address,
                host: host_kept,
                port: self.port,
                #[cfg(feature = "grpc")]
                trust: self.trust,
                password: self.password.map(GatewayPassword::new),
                portal_key: RwLock::new(self.portal_key),
                config: DataSourceConfig {
                    name: self.name,
                    exchange_generation,
                    authentication,
                    service_account: account,
                    session_based: self.session_based,
                    time_zone: self.time_zone,
                    oauth: self.oauth,
                },
            }),
        })
    }
}

/// A configured data source: the portal's way to one Exchange organisation through a gateway.
///
/// Cheap to clone; clones share the gateway connection.
#[derive(Debug, Clone)]
pub struct DataSource {
    inner: Arc<Inner>,
}

struct Inner {
    gateway: Arc<dyn GatewayApi>,
    address: String,
    host: Option<String>,
    port: u16,
    #[cfg(feature = "grpc")]
    trust: Option<GatewayTrust>,
    password: Option<GatewayPassword>,
    portal_key: RwLock<Option<PortalKey>>,
    config: DataSourceConfig,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataSource")
            .field("name", &self.config.name)
            .field("gateway", &self.address)
            .field("session_based", &self.config.session_based)
            .finish_non_exhaustive()
    }
}

impl DataSource {
    /// Starts configuring a data source called `name` (the connection name in the portal).
    pub fn builder(name: impl Into<String>) -> DataSourceBuilder {
        DataSourceBuilder {
            name: name.into(),
            host: None,
            port: DEFAULT_PORT,
            time_zone: "UTC".to_owned(),
            transport: None,
            password: None,
            portal_key: None,
            exchange_generation: None,
            authentication: None,
            account: None,
            oauth: None,
            session_based: false,
            timeout: Duration::from_secs(120),
            #[cfg(feature = "grpc")]
            tls: None,
            #[cfg(feature = "grpc")]
            trust: None,
        }
    }

    /// The connection name.
    pub fn name(&self) -> &str {
        &self.inner.config.name
    }

    /// Where the gateway is (`host:port`, or `in-process`).
    pub fn gateway_address(&self) -> &str {
        &self.inner.address
    }

    /// Whether users' accounts live for the session only.
    pub fn is_session_based(&self) -> bool {
        self.inner.config.session_based
    }

    pub(crate) fn gateway(&self) -> &dyn GatewayApi {
        self.inner.gateway.as_ref()
    }

    /// The gateway, shared: for what outlives a borrow of the data source (queries' streams).
    pub(crate) fn shared_gateway(&self) -> Arc<dyn GatewayApi> {
        self.inner.gateway.clone()
    }

    pub(crate) fn admin_call(&self) -> AdminCall {
        match &self.inner.password {
            Some(password) => AdminCall::new(password.clone()),
            None => AdminCall::with_credential(Credential::None),
        }
    }

    pub(crate) fn user_call(&self, portal_user: Uuid) -> UserCall {
        UserCall::with_credential(
            self.portal_credential(),
            self.inner.config.name.clone(),
            portal_user,
        )
    }

    fn portal_credential(&self) -> Credential {
        match self.portal_key() {
            Some(key) => Credential::PortalKey(key),
            None => Credential::None,
        }
    }

    /// The metadata of every table as this data source's servers have it: each table's
    /// fields with their types and flags, and its keys. Made with the portal key.
    ///
    /// ```no_run
    /// # async fn show(source: exchange_connector::DataSource) -> Result<(), exchange_connector::ConnectorError> {
    /// for table in source.metadata().await? {
    ///     let sortable: Vec<&str> = table
    ///         .fields
    ///         .iter()
    ///         .filter(|f| f.sortable)
    ///         .map(|f| f.name.as_str())
    ///         .collect();
    ///     println!("{}: sortable by {}", table.table, sortable.join(", "));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn metadata(&self) -> Result<Vec<TableInfo>, ConnectorError> {
        let call =
            PortalCall::with_credential(self.portal_credential(), self.inner.config.name.clone());
        Ok(self.gateway().metadata(&call).await?)
    }

    /// What a portal keeps to reconnect: every setting, with the portal key once known and the
    /// gateway password if this data source has one.
    pub fn settings(&self) -> DataSourceSettings {
        let config = &self.inner.config;
        DataSourceSettings {
            name: config.name.clone(),
            gateway_host: self.inner.host.clone(),
            gateway_port: self.inner.port,
            #[cfg(feature = "grpc")]
            gateway_trust: self.inner.trust.clone(),
            time_zone: config.time_zone.clone(),
            exchange_version: config.exchange_generation.name().to_owned(),
            authentication: config.authentication.name().to_owned(),
            service_user: config.service_account.user_name.clone(),
            service_password: config.service_account.password.clone(),
            ews_url: config.service_account.ews_url.clone(),
            session_based: config.session_based,
            portal_key: self.portal_key().map(|key| key.secret().clone()),
            gateway_password: self.inner.password.as_ref().map(|p| p.secret().clone()),
        }
    }

    /// A data source from the settings a portal kept, reached through `transport`.
    pub fn from_settings(
        settings: &DataSourceSettings,
        transport: TransportChoice,
    ) -> Result<Self, ConnectorError> {
        let invalid = |what: &'static str, value: &str| ConnectorError::Invalid {
            what,
            reason: format!("{value:?} is not a known value"),
        };
        let mut builder = Self::builder(settings.name.clone())
            .time_zone(settings.time_zone.clone())
            .transport(transport)
            .exchange_version(
                ExchangeGeneration::from_name(&settings.exchange_version)
                    .ok_or_else(|| invalid("Exchange version", &settings.exchange_version))?,
            )
            .authentication(
                Authentication::from_name(&settings.authentication)
                    .ok_or_else(|| invalid("authentication", &settings.authentication))?,
            )
            .exchange_account(ServiceAccount::new(
                settings.service_user.clone(),
                settings.service_password.clone(),
                settings.ews_url.clone(),
            ))
            .session_based(settings.session_based);
        if let Some(host) = &settings.gateway_host {
            builder = builder.gateway(host.clone(), settings.gateway_port);
        }
        #[cfg(feature = "grpc")]
        if let Some(trust) = &settings.gateway_trust {
            builder = builder.gateway_trust(trust.clone());
        }
        if let Some(key) = &settings.portal_key {
            builder = builder.portal_key(PortalKey::new(key.clone()));
        }
        if let Some(password) = &settings.gateway_password {
            builder = builder.gateway_password(password.clone());
        }
        builder.build()
    }

    /// The data source's portal key, once known: given to the builder, or handed out by the
    /// gateway when [`configure_gateway`](Self::configure_gateway) created the data source.
    /// Keep it with the data source's settings; the gateway cannot show it again.
    pub fn portal_key(&self) -> Option<PortalKey> {
        self.inner
            .portal_key
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Configures the data source on the gateway, keeping the portal key it hands out.
    async fn configure(&self, call: &AdminCall) -> Result<DataSourceConfigured, ApiError> {
        let configured = self
            .gateway()
            .configure_data_source(call, &self.inner.config)
            .await?;
        if let Some(key) = &configured.portal_key {
            *self
                .inner
                .portal_key
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(key.clone());
        }
        Ok(configured)
    }

    /// Sends the data source's configuration to the gateway: an admin step, which takes the
    /// gateway password (the Exchange account test does it too). The gateway keeps it across
    /// restarts. When this creates the data source, the gateway hands out its portal key, which
    /// this data source keeps from now on ([`portal_key`](Self::portal_key)).
    pub async fn configure_gateway(&self) -> Result<DataSourceConfigured, ConnectorError> {
        Ok(self.configure(&self.admin_call()).await?)
    }

    /// The configuration the gateway holds for this data source, without the service
    /// account's password: what a configuration view shows, including changes an admin made
    /// from elsewhere (a new EWS host, say). An admin call.
    pub async fn gateway_configuration(&self) -> Result<DataSourceInfo, ConnectorError> {
        Ok(self
            .gateway()
            .get_data_source(&self.admin_call(), self.name())
            .await?)
    }

    /// Removes this data source from the gateway: its configuration, its portal keys and every
    /// portal user's account there. Returns how many accounts went with it. Its portal key
    /// stops working at once on this gateway, and on others sharing its store within seconds.
    /// An admin call.
    pub async fn remove_from_gateway(&self) -> Result<u32, ConnectorError> {
        Ok(self
            .gateway()
            .delete_data_source(&self.admin_call(), self.name())
            .await?)
    }

    /// Replaces the gateway password and returns this data source with the new one; the old
    /// data source's calls fail from now on.
    pub async fn change_gateway_password(
        &self,
        new_password: SecretString,
    ) -> Result<DataSource, ConnectorError> {
        let new_password = GatewayPassword::new(new_password);
        self.gateway()
            .change_password(&self.admin_call(), &new_password)
            .await?;
        let inner = Inner {
            gateway: self.inner.gateway.clone(),
            address: self.inner.address.clone(),
            host: self.inner.host.clone(),
            port: self.inner.port,
            #[cfg(feature = "grpc")]
            trust: self.inner.trust.clone(),
            password: Some(new_password),
            portal_key: RwLock::new(self.portal_key()),
            config: self.inner.config.clone(),
        };
        Ok(DataSource {
            inner: Arc::new(inner),
        })
    }

    pub(crate) fn notice(&self, default_password: bool) -> Option<SecurityNotice> {
        default_password.then(SecurityNotice::default_password)
    }

    pub(crate) fn failed(
        &self,
        subject: TestSubject,
        error: &ApiError,
        default_password: bool,
    ) -> ConnectionTest {
        ConnectionTest {
            subject,
            outcome: Outcome::Failed {
                diagnosis: Diagnosis::of(error),
                detail: error.to_string(),
            },
            security_notice: self.notice(default_password),
        }
    }

    /// Connection test of the gateway: reachable, password right.
    pub async fn test_gateway(&self) -> ConnectionTest {
        match self.gateway().status(&self.admin_call()).await {
            Ok(status) => ConnectionTest {
                subject: TestSubject::Gateway,
                outcome: Outcome::Passed {
                    details: format!(
                        "MediaGateway {} at {}",
                        status.gateway_version, self.inner.address
                    ),
                },
                security_notice: self.notice(status.default_password),
            },
            Err(error) => self.failed(TestSubject::Gateway, &error, false),
        }
    }

    /// Connection test of the Exchange account: the configuration goes to the gateway, which
    /// makes one EWS call with the service account.
    pub async fn test_exchange_account(&self) -> ConnectionTest {
        let status = match self.gateway().status(&self.admin_call()).await {
            Ok(status) => status,
            Err(error) => return self.failed(TestSubject::ExchangeAccount, &error, false),
        };
        let result = async {
            let call = self.admin_call();
            self.configure(&call).await?;
            self.gateway()
                .test_exchange_account(&call, &self.inner.config.name)
                .await
        }
        .await;
        match result {
            Ok(check) => ConnectionTest {
                subject: TestSubject::ExchangeAccount,
                outcome: Outcome::Passed {
                    details: format!(
                        "mailbox {} on Exchange {}",
                        check.mailbox,
                        check
                            .server_version
                            .as_deref()
                            .unwrap_or("(version not reported)")
                    ),
                },
                security_notice: self.notice(status.default_password),
            },
            Err(error) => self.failed(
                TestSubject::ExchangeAccount,
                &error,
                status.default_password,
            ),
        }
    }

    /// Logs portal user `portal_user` in with Exchange credentials. The gateway checks them
    /// against Exchange and keeps the account (in the vault, or for the session only).
    pub async fn login(
        &self,
        portal_user: Uuid,
        user_name: impl Into<String>,
        password: SecretString,
    ) -> Result<LoginOutcome, ConnectorError> {
        let login = Login {
            user_name: user_name.into(),
            password,
            mailbox: None,
        };
        let call = self.user_call(portal_user);
        Ok(self.gateway().login(&call, &login).await?)
    }

    /// Starts `portal_user`'s OAuth2 sign-in (data sources with [`Authentication::OAuth2`]):
    /// the URL to send the user's browser to. `login_hint` (the user's sign-in name, when the
    /// portal knows it) saves the user typing it. Finish it with
    /// [`finish_oauth_login`](Self::finish_oauth_login) within ten minutes.
    pub async fn begin_oauth_login(
        &self,
        portal_user: Uuid,
        login_hint: Option<&str>,
    ) -> Result<String, ConnectorError> {
        let start = OAuthLoginStart {
            login_hint: login_hint.map(str::to_owned),
        };
        let call = self.user_call(portal_user);
        Ok(self
            .gateway()
            .begin_oauth_login(&call, &start)
            .await?
            .authorization_url)
    }

    /// Finishes `portal_user`'s OAuth2 sign-in with the `code` and `state` query parameters
    /// the browser brought back to the redirect URI: the gateway redeems the code and keeps
    /// the refresh token as the user's account. A sign-in that stops working later (expired,
    /// revoked) makes the user's calls fail with
    /// [`ApiError::SignInAgain`](mediagateway_api::ApiError::SignInAgain).
    pub async fn finish_oauth_login(
        &self,
        portal_user: Uuid,
        code: SecretString,
        state: &str,
    ) -> Result<LoginOutcome, ConnectorError> {
        let finish = OAuthLoginFinish {
            code,
            state: state.to_owned(),
        };
        let call = self.user_call(portal_user);
        Ok(self.gateway().finish_oauth_login(&call, &finish).await?)
    }

    /// The calls of one portal user (who must have logged in).
    pub fn user(&self, portal_user: Uuid) -> UserSession {
        UserSession::new(self.clone(), portal_user)
    }
}

/// The TLS settings of a trust choice.
#[cfg(feature = "grpc")]
fn client_tls(trust: &GatewayTrust) -> Result<ClientTls, ConnectorError> {
    let tls = match trust {
        GatewayTrust::PinnedFingerprint(fingerprint) => ClientTls::pinned_fingerprint(fingerprint),
        GatewayTrust::CaBundle(path) => ClientTls::ca_bundle_file(path),
        GatewayTrust::PublicRoots => Ok(ClientTls::public_roots()),
    };
    tls.map_err(|e| ConnectorError::Invalid {
        what: "gateway TLS trust",
        reason: e.to_string(),
    })
}
