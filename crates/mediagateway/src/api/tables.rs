//! The tables area: the metadata of a data source's tables.

use async_trait::async_trait;
use mediagateway_api::tables::{Table, TableInfo};
use mediagateway_api::{ApiError, PortalCall, TablesApi};

use crate::Gateway;

#[async_trait]
impl TablesApi for Gateway {
    async fn metadata(&self, call: &PortalCall) -> Result<Vec<TableInfo>, ApiError> {
        let source = self.authorize_portal(call)?;
        let generation = source.config.exchange_generation;
        Ok(Table::ALL
            .into_iter()
            .map(|table| self.backend.metadata(table, generation))
            .collect())
    }
}
