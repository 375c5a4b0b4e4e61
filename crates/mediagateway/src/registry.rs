//! The data sources the gateway knows, by name.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use mediagateway_api::{ApiError, DataSourceConfig};

/// The configured data sources, held in memory.
#[derive(Debug, Default)]
pub(crate) struct DataSources {
    by_name: RwLock<HashMap<String, Arc<DataSourceConfig>>>,
}

impl DataSources {
    /// The data source called `name`.
    pub(crate) fn get(&self, name: &str) -> Result<Arc<DataSourceConfig>, ApiError> {
        self.by_name
            .read()
            .expect("the data source lock is never poisoned")
            .get(name)
            .cloned()
            .ok_or_else(|| ApiError::UnknownDataSource {
                name: name.to_owned(),
            })
    }

    /// Adds or replaces a data source.
    pub(crate) fn put(&self, config: DataSourceConfig) {
        self.by_name
            .write()
            .expect("the data source lock is never poisoned")
            .insert(config.name.clone(), Arc::new(config));
    }

    /// How many there are.
    pub(crate) fn len(&self) -> usize {
        self.by_name
            .read()
            .expect("the data source lock is never poisoned")
            .len()
    }
}
