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

/// How a certificate's signature algorithm selects the channel-binding hash (RFC 5929 4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EndPointHash {
    Sha256,
    Sha384,
    Sha512,
}

impl EndPointHash {
    /// MD5 and SHA-1 are raised to SHA-256; algorithms without one hash (EdDSA, RSASSA-PSS
    /// without parameters read here) fall back to SHA-256 as well.
    fn for_signature_algorithm(oid: &[u8]) -> Self {
        const SHA384: [&[u8]; 2] = [
            // sha384WithRSAEncryption 1.2.840.113549.1.1.12
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c],
            // ecdsa-with-SHA384 1.2.840.10045.4.3.3
            &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03],
        ];
        const SHA512: [&[u8]; 2] = [
            // sha512WithRSAEncryption 1.2.840.113549.1.1.13
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d],
            // ecdsa-with-SHA512 1.2.840.10045.4.3.4
            &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04],
        ];
        if SHA384.contains(&oid) {
            Self::Sha384
        } else if SHA512.contains(&oid) {
            Self::Sha512
        } else {
            Self::Sha256
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest as _;
        match self {
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

impl ChannelBindings {
    /// Bindings for the server's DER certificate: its hash with SHA-256 when it is signed with
    /// MD5, SHA-1 or an algorithm of no single hash, else with the hash of its signature
    /// (SHA-384, SHA-512), as RFC 5929 section 4.1 says.
    pub fn from_server_certificate(der: &[u8]) -> Result<Self, AuthError> {
        use crate::spnego::{Der, TAG_BIT_STRING, TAG_OID, TAG_SEQUENCE};
        let invalid = |reason| AuthError::ChannelBindingsCertificateInvalid { reason };
        let mut outer = Der::new(der);
        let certificate = outer.read_tagged(TAG_SEQUENCE).map_err(invalid)?;
        outer.finish().map_err(invalid)?;
        let mut fields = Der::new(certificate);
        fields.read_tagged(TAG_SEQUENCE).map_err(invalid)?;
        let algorithm = fields.read_tagged(TAG_SEQUENCE).map_err(invalid)?;
        fields.read_tagged(TAG_BIT_STRING).map_err(invalid)?;
        fields.finish().map_err(invalid)?;
        let oid = Der::new(algorithm).read_tagged(TAG_OID).map_err(invalid)?;
        if oid.is_empty() {
            return Err(invalid("empty signature algorithm"));
        }
        Ok(Self::tls_server_end_point(
            EndPointHash::for_signature_algorithm(oid).digest(der),
        ))
    }

    /// The MD5 of the GSS-API `gss_channel_bindings_struct` holding these bindings (no
    /// addresses), as NTLM's MsvAvChannelBindings and Kerberos' checksum carry it.
    pub fn gss_md5(&self) -> [u8; 16] {
        use md5::Digest as _;
        let data = self.application_data();
        let mut hasher = md5::Md5::new();
        // Initiator and acceptor address types and lengths, all zero.
        hasher.update([0u8; 16]);
        let len = u32::try_from(data.len()).expect("a certificate hash is at most 64 bytes");
        hasher.update(len.to_le_bytes());
        hasher.update(&data);
        hasher.finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spnego::{tlv, TAG_BIT_STRING, TAG_OID, TAG_SEQUENCE};

    /// The DER NULL of algorithm parameters.
    const TAG_NULL: u8 = 0x05;

    fn certificate(algorithm_oid: &[u8]) -> Vec<u8> {
        let tbs = tlv(TAG_SEQUENCE, &tlv(0x02, &[1]));
        let mut algorithm = tlv(TAG_OID, algorithm_oid);
        algorithm.extend(tlv(TAG_NULL, &[]));
        let mut body = tbs;
        body.extend(tlv(TAG_SEQUENCE, &algorithm));
        body.extend(tlv(TAG_BIT_STRING, &[0, 1, 2, 3]));
        tlv(TAG_SEQUENCE, &body)
    }

    fn hash_len(oid: &[u8]) -> usize {
        ChannelBindings::from_server_certificate(&certificate(oid))
            .unwrap()
            .tls_server_end_point
            .len()
    }

    #[test]
    fn picks_the_hash_of_rfc5929() {
        use sha2::Digest as _;
        let sha1_rsa = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];
        let cert = certificate(&sha1_rsa);
        let bindings = ChannelBindings::from_server_certificate(&cert).unwrap();
        assert_eq!(
            bindings.tls_server_end_point,
            sha2::Sha256::digest(&cert).to_vec()
        );
        // md5WithRSAEncryption, sha256WithRSAEncryption, ecdsa-with-SHA256, Ed25519.
        assert_eq!(
            hash_len(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04]),
            32
        );
        assert_eq!(
            hash_len(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]),
            32
        );
        assert_eq!(
            hash_len(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]),
            32
        );
        assert_eq!(hash_len(&[0x2b, 0x65, 0x70]), 32);
        assert_eq!(
            hash_len(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c]),
            48
        );
        assert_eq!(
            hash_len(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03]),
            48
        );
        assert_eq!(
            hash_len(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d]),
            64
        );
        assert_eq!(
            hash_len(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04]),
            64
        );
    }

    #[test]
    fn refuses_malformed_certificates() {
        let good = certificate(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]);
        let refused = |der: &[u8]| {
            matches!(
                ChannelBindings::from_server_certificate(der),
                Err(AuthError::ChannelBindingsCertificateInvalid { .. })
            )
        };
        assert!(refused(&[]));
        assert!(refused(b"-----BEGIN CERTIFICATE-----"));
        for cut in 0..good.len() {
            assert!(refused(&good[..cut]), "cut at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(refused(&trailing));
        assert!(refused(&[0x30, 0x80, 0, 0]));
        assert!(refused(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]));
        assert!(refused(&certificate(&[])));
        // Every bit flip either parses or fails with the typed error, never panics.
        for at in 0..good.len() {
            for bit in 0..8 {
                let mut der = good.clone();
                der[at] ^= 1 << bit;
                let _ = ChannelBindings::from_server_certificate(&der);
            }
        }
    }

    #[test]
    fn gss_md5_hashes_the_bindings_struct() {
        use md5::Digest as _;
        let bindings = ChannelBindings::tls_server_end_point(vec![0xab; 32]);
        let mut expected = vec![0u8; 16];
        expected.extend_from_slice(&53u32.to_le_bytes());
        expected.extend_from_slice(b"tls-server-end-point:");
        expected.extend_from_slice(&[0xab; 32]);
        let expected: [u8; 16] = md5::Md5::digest(&expected).into();
        assert_eq!(bindings.gss_md5(), expected);
    }
    #[test]
    fn hashes_a_real_certificate_as_openssl_fingerprints_it() {
        // A self-signed ecdsa-with-SHA384 certificate made by OpenSSL; the expected value is
        // `openssl x509 -fingerprint -sha384` of it.
        let hex = [
        "308201c930820150a0030201020214247716efac2a55f020774ec21111b84d8eccd069300a06082a8648ce3d",
        "040303301c311a301806035504030c116d61696c2e636f6e746f736f2e74657374301e170d32363131323631",
        "35353430395a170d3336313132333135353430395a301c311a301806035504030c116d61696c2e636f6e746f",
        "736f2e746573743076301006072a8648ce3d020106052b810400220362000465328a68decff51943a8427922",
        "2108165609949e4615ae9752ad2e4c5f2e32f059284c043749544fc5033dd70246c056e08f61e199820fd645",
        "e3ed22ac4776c542485bf38582b45a58f7ef5d5abe96dc4d9418c861ab0ca41e09db0b0100c718a353305130",
        "1d0603551d0e04160414555a58a969e8e73afc620c662afa3726781baeab301f0603551d2304183016801455",
        "5a58a969e8e73afc620c662afa3726781baeab300f0603551d130101ff040530030101ff300a06082a8648ce",
        "3d040303036700306402303e0e95e13f992217acfadc07b0908ddf3c363ba1a0017da02d24002cdcfea1891f",
        "04cbc064313880003cbe79314c7f72023043f3b5db5b6b4f7564daa7da38e2a4f7980e54a0b06b576b6b550f",
        "c279167db790c652d6b145807606adea2a38a39aa4",
        ]
        .concat();
        let der: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let bindings = ChannelBindings::from_server_certificate(&der).unwrap();
        let printed: String = bindings
            .tls_server_end_point
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(
            printed,
            "F3FA7CA9293336BA3D77E056A2C6EC256067E145D8D4AD11B12B3B43AD893466DF0352DFFF46F5B7D5A0479F0278A90F"
        );
    }
}
