//! `DataSource`: a configured connection from a portal through a gateway to Exchange.

use std::sync::Arc;
use std::time::Duration;

use mediagateway_api::{
    AdminCall, ApiError, Authentication, DataSourceConfig, ExchangeGeneration, GatewayApi,
    GatewayPassword, Login, LoginOutcome, ServiceAccount, UserCall,
};
#[cfg(feature = "grpc")]
use mediagateway_grpc::GrpcClient;
use secrecy::SecretString;
use uuid::Uuid;

use crate::diagnosis::{ConnectionTest, Diagnosis, Outcome, SecurityNotice, TestSubject};
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
    exchange_generation: Option<ExchangeGeneration>,
    authentication: Option<Authentication>,
    account: Option<ServiceAccount>,
    session_based: bool,
    timeout: Duration,
}

impl DataSourceBuilder {
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

    /// General: the gateway password.
    pub fn gateway_password(mut self, password: SecretString) -> Self {
        self.password = Some(password);
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

    /// Exchange account: the data source's service account.
    pub fn exchange_account(mut self, account: ServiceAccount) -> Self {
        self.account = Some(account);
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
        let password = self.password.ok_or(ConnectorError::Incomplete {
            missing: "gateway password",
        })?;
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
        let (gateway, address): (Arc<dyn GatewayApi>, String) = match transport {
            TransportChoice::InProcess(gateway) => (gateway, "in-process".to_owned()),
            #[cfg(feature = "grpc")]
            TransportChoice::Grpc => {
                let host = self.host.ok_or(ConnectorError::Incomplete {
                    missing: "gateway host",
                })?;
                let client = GrpcClient::builder(host, self.port)
                    .timeout(self.timeout)
                    .build()?;
                let address = client.address().to_owned();
                (Arc::new(client), address)
            }
        };
        Ok(DataSource {
            inner: Arc::new(Inner {
                gateway,
                address,
                password: GatewayPassword::new(password),
                config: DataSourceConfig {
                    name: self.name,
                    exchange_generation,
                    authentication,
                    service_account: account,
                    session_based: self.session_based,
                    time_zone: self.time_zone,
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
    password: GatewayPassword,
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
            exchange_generation: None,
            authentication: None,
            account: None,
            session_based: false,
            timeout: Duration::from_secs(120),
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

    fn admin_call(&self) -> AdminCall {
        AdminCall::new(self.inner.password.clone())
    }

    pub(crate) fn user_call(&self, portal_user: Uuid) -> UserCall {
        UserCall {
            password: self.inner.password.clone(),
            data_source: self.inner.config.name.clone(),
            portal_user,
        }
    }

    /// Sends the data source's configuration to the gateway (the Exchange account test and
    /// logins do this too when the gateway does not know the data source).
    pub async fn configure_gateway(&self) -> Result<(), ConnectorError> {
        self.gateway()
            .configure_data_source(&self.admin_call(), &self.inner.config)
            .await?;
        Ok(())
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
            password: new_password,
            config: self.inner.config.clone(),
        };
        Ok(DataSource {
            inner: Arc::new(inner),
        })
    }

    fn notice(&self, default_password: bool) -> Option<SecurityNotice> {
        default_password.then(SecurityNotice::default_password)
    }

    fn failed(
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
            self.gateway()
                .configure_data_source(&call, &self.inner.config)
                .await?;
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
        match self.gateway().login(&call, &login).await {
            // A gateway that restarted forgot the data source: configure it and try once more.
            Err(ApiError::UnknownDataSource { .. }) => {
                self.configure_gateway().await?;
                Ok(self.gateway().login(&call, &login).await?)
            }
            other => Ok(other?),
        }
    }

    /// The calls of one portal user (who must have logged in).
    pub fn user(&self, portal_user: Uuid) -> UserSession {
        UserSession::new(self.clone(), portal_user)
    }
}
