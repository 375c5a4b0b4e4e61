use crate::AuthError;

/// The server a request goes to, as far as authentication cares.
#[derive(Debug, Clone)]
pub struct Target {
    url: String,
    host: String,
    channel_bindings: Option<ChannelBindings>,
}

impl Target {
    /// The target of requests to `url` (the EWS endpoint, say).
    pub fn new(url: &str) -> Result<Self, AuthError> {
        let uri: http::Uri = url.parse().map_err(|_| AuthError::InvalidTarget {
            url: url.to_owned(),
            reason: "not a URL",
        })?;
        let host = uri
            .host()
            .ok_or(AuthError::InvalidTarget {
                url: url.to_owned(),
                reason: "the URL has no host",
            })?
            .trim_matches(['[', ']'])
            .to_ascii_lowercase();
        Ok(Self {
            url: url.to_owned(),
            host,
            channel_bindings: None,
        })
    }

    /// Adds the TLS channel bindings of the connection the request uses.
    pub fn with_channel_bindings(mut self, bindings: ChannelBindings) -> Self {
        self.channel_bindings = Some(bindings);
        self
    }

    /// The URL as given.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The host name (lower case, without brackets for IPv6 literals).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The channel bindings, when the request goes over TLS and they are known.
    pub fn channel_bindings(&self) -> Option<&ChannelBindings> {
        self.channel_bindings.as_ref()
    }

    /// Whether the host is Exchange Online's (Microsoft 365, including national clouds).
    pub fn is_exchange_online(&self) -> bool {
        const ONLINE: [&str; 4] = [
            "outlook.office365.com",
            "outlook.office.com",
            "outlook.office365.us",
            "partner.outlook.cn",
        ];
        ONLINE
            .iter()
            .any(|h| self.host == *h || self.host.ends_with(&format!(".{h}")))
    }
}

/// TLS channel bindings (RFC 5929 `tls-server-end-point`): the hash of the server certificate,
/// which NTLM and Kerberos put into their tokens for Extended Protection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelBindings {
    tls_server_end_point: Vec<u8>,
}

impl ChannelBindings {
    /// Bindings from the certificate hash, computed as RFC 5929 section 4.1 says.
    pub fn tls_server_end_point(certificate_hash: Vec<u8>) -> Self {
        Self {
            tls_server_end_point: certificate_hash,
        }
    }

    /// The application data of the bindings: `tls-server-end-point:` followed by the hash.
    pub fn application_data(&self) -> Vec<u8> {
        let mut data = b"tls-server-end-point:".to_vec();
        data.extend_from_slice(&self.tls_server_end_point);
        data
    }
}
