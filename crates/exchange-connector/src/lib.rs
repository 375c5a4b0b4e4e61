//! Connector for Microsoft Exchange: the DataSource facade a portal embeds
