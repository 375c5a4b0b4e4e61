//! The admin area: status, data-source configuration and connection tests.

use async_trait::async_trait;
use mediagateway_api::{
    AdminApi, AdminCall, ApiError, DataSourceConfig, ExchangeCheck, GatewayPassword, GatewayStatus,
};
use mediagateway_vault::{Account, RecordId, Secret};

use crate::gateway::storage;
use crate::{validate, Gateway};

#[async_trait]
impl AdminApi for Gateway {
    async fn status(&self, call: &AdminCall) -> Result<GatewayStatus, ApiError> {
        self.authenticate(&call.password)?;
        Ok(GatewayStatus {
            gateway_version: env!("CARGO_PKG_VERSION").to_owned(),
            default_password: self.admin.is_default(),
            data_sources: u32::try_from(self.data_sources.len()).unwrap_or(u32::MAX),
        })
    }

    async fn configure_data_source(
        &self,
        call: &AdminCall,
        config: &DataSourceConfig,
    ) -> Result<(), ApiError> {
        self.authenticate(&call.password)?;
        validate::data_source(config)?;
        let account = Account::new(
            config.service_account.user_name.clone(),
            config.service_account.ews_url.clone(),
            Secret::Password(config.service_account.password.clone()),
        );
        self.vault
            .put(&RecordId::service_account(config.name.clone()), &account)
            .map_err(storage)?;
        self.data_sources.put(config.clone());
        tracing::info!(data_source = %config.name, "data source configured");
        Ok(())
    }

    async fn test_exchange_account(
        &self,
        call: &AdminCall,
        data_source: &str,
    ) -> Result<ExchangeCheck, ApiError> {
        self.authenticate(&call.password)?;
        let config = self.data_sources.get(data_source)?;
        let access = Gateway::service_access(&config);
        let server_version = self.backend.check(&access).await?;
        Ok(ExchangeCheck {
            server_version,
            mailbox: access.mailbox,
        })
    }

    async fn change_password(
        &self,
        call: &AdminCall,
        new_password: &GatewayPassword,
    ) -> Result<(), ApiError> {
        self.authenticate(&call.password)?;
        self.admin.change(new_password.secret())?;
        tracing::info!("gateway password changed");
        Ok(())
    }
}
