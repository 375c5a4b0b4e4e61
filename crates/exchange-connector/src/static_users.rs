//! The data source's static users, the "Additional users" step of the set-up dialog: admin
//! calls, which take the gateway password. Portal users' calls act as them through
//! [`UserSession::acting_as`](crate::UserSession::acting_as).

use mediagateway_api::{ExchangeCheck, StaticUser, StaticUserInfo, StaticUserRef};
use secrecy::SecretString;
use uuid::Uuid;

use crate::diagnosis::{ConnectionTest, Outcome, TestSubject};
use crate::{ConnectorError, DataSource};

/// A static user to add to a data source: its name, its Exchange login and, optionally, the
/// portal user it stands for.
#[derive(Debug, Clone)]
pub struct NewStaticUser {
    /// Its name in the data source (`Sales`).
    pub name: String,
    /// The portal user it stands for, if any.
    pub portal_user: Option<Uuid>,
    /// The Exchange user name.
    pub user_name: String,
    /// Its password.
    pub password: SecretString,
    /// The mailbox; the user name when absent.
    pub mailbox: Option<String>,
    /// The EWS URL; the service account's when absent.
    pub server_url: Option<String>,
}

impl NewStaticUser {
    /// Static user `name` logging in as `user_name` with `password`, at the service account's
    /// server, mapped to no portal user.
    pub fn new(
        name: impl Into<String>,
        user_name: impl Into<String>,
        password: SecretString,
    ) -> Self {
        Self {
            name: name.into(),
            portal_user: None,
            user_name: user_name.into(),
            password,
            mailbox: None,
            server_url: None,
        }
    }
}

impl DataSource {
    /// Adds a static user, or replaces the one of that name.
    pub async fn put_static_user(&self, user: NewStaticUser) -> Result<(), ConnectorError> {
        let user = StaticUser {
            data_source: self.name().to_owned(),
            name: user.name,
            portal_user: user.portal_user,
            user_name: user.user_name,
            password: user.password,
            mailbox: user.mailbox,
            server_url: user.server_url,
        };
        Ok(self
            .gateway()
            .put_static_user(&self.admin_call(), &user)
            .await?)
    }

    /// The static users, by name, without passwords.
    pub async fn static_users(&self) -> Result<Vec<StaticUserInfo>, ConnectorError> {
        Ok(self
            .gateway()
            .list_static_users(&self.admin_call(), self.name())
            .await?)
    }

    /// Removes a static user; true if there was one.
    pub async fn remove_static_user(&self, name: &str) -> Result<bool, ConnectorError> {
        let user = StaticUserRef::new(self.name(), name);
        Ok(self
            .gateway()
            .remove_static_user(&self.admin_call(), &user)
            .await?)
    }

    /// Connection test of a static user: one call to Exchange with its login, with the same
    /// diagnoses as the Exchange account's test.
    pub async fn test_static_user(&self, name: &str) -> ConnectionTest {
        let status = match self.gateway().status(&self.admin_call()).await {
            Ok(status) => status,
            Err(error) => return self.failed(TestSubject::StaticUser, &error, false),
        };
        let user = StaticUserRef::new(self.name(), name);
        match self
            .gateway()
            .test_static_user(&self.admin_call(), &user)
            .await
        {
            Ok(check) => ConnectionTest {
                subject: TestSubject::StaticUser,
                outcome: Outcome::Passed {
                    details: passed(name, &check),
                },
                security_notice: self.notice(status.default_password),
            },
            Err(error) => self.failed(TestSubject::StaticUser, &error, status.default_password),
        }
    }
}

fn passed(name: &str, check: &ExchangeCheck) -> String {
    format!(
        "static user {name}: mailbox {} on Exchange {}",
        check.mailbox,
        check
            .server_version
            .as_deref()
            .unwrap_or("(version not reported)")
    )
}
