//! The data source's known users, the "Overview of known users" of the set-up dialog: admin
//! calls, which take the gateway password.

use mediagateway_api::{KnownUser, UserPage, UserQuery, UserRef};
use uuid::Uuid;

use crate::{ConnectorError, DataSource};

impl DataSource {
    /// A page of the portal users with an account on this data source, stored or for the
    /// session only, by portal user GUID. `filter` keeps the users whose GUID, Exchange user
    /// name or mailbox contains it, ignoring case; `limit` is 1 to
    /// [`UserQuery::MAX_LIMIT`]. No password is ever shown.
    pub async fn known_users(
        &self,
        filter: Option<&str>,
        offset: u32,
        limit: u32,
    ) -> Result<UserPage, ConnectorError> {
        let query = UserQuery {
            data_source: self.name().to_owned(),
            filter: filter.map(str::to_owned),
            offset,
            limit,
        };
        Ok(self
            .gateway()
            .list_users(&self.admin_call(), &query)
            .await?)
    }

    /// One known user; a portal user without an account here is
    /// [`is_login_required`](ConnectorError::is_login_required).
    pub async fn known_user(&self, portal_user: Uuid) -> Result<KnownUser, ConnectorError> {
        let user = UserRef::new(self.name(), portal_user);
        Ok(self
            .gateway()
            .user_details(&self.admin_call(), &user)
            .await?)
    }

    /// Removes the portal user's account (stored and session); true if there was one. The
    /// user must log in again.
    pub async fn reset_user(&self, portal_user: Uuid) -> Result<bool, ConnectorError> {
        let user = UserRef::new(self.name(), portal_user);
        Ok(self.gateway().reset_user(&self.admin_call(), &user).await?)
    }

    /// Removes every portal user's account of this data source; the service account stays.
    /// Returns how many were removed.
    pub async fn reset_all_users(&self) -> Result<u32, ConnectorError> {
        Ok(self
            .gateway()
            .reset_all_users(&self.admin_call(), self.name())
            .await?)
    }
}
