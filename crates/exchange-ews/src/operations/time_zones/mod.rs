//! The time zone operation: the definitions of the zones a server knows.

mod get_server_time_zones;

pub use get_server_time_zones::GetServerTimeZones;
