//! Certificate credentials: the client-assertion JWT (RFC 7523) that Entra ID accepts instead
//! of a client secret, signed RS256 with the certificate's private key.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::{SignatureEncoding as _, Signer as _};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::AuthError;

/// `client_assertion_type` of a JWT client assertion.
pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long an assertion is valid (Entra ID accepts at most 10 minutes).
const LIFETIME: Duration = Duration::from_secs(5 * 60);

/// The largest certificate accepted (DER); real ones are a few KiB.
const MAX_CERTIFICATE: usize = 64 * 1024;

/// A certificate registered with the application and its RSA private key.
///
/// `Debug` shows the certificate thumbprint only.
pub struct ClientCertificate {
    key: SigningKey<Sha256>,
    x5t: String,
    x5t_s256: String,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("x5t#S256", &self.x5t_s256)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl ClientCertificate {
    /// The certificate (PEM `CERTIFICATE` block, or DER) and its RSA private key as unencrypted
    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pem(certificate: &[u8], private_key_pem: &SecretString) -> Result<Self, AuthError> {
        let der = certificate_der(certificate)?;
        let key =
            rsa::PrivateKey::from_pkcs8_pem(private_key_pem.expose_secret()).map_err(|_| {
                AuthError::OAuthInvalidConfig {
                    reason: "the private key is not an unencrypted RSA PKCS#8 PEM key".to_owned(),
                }
            })?;
        Ok(Self {
            key: SigningKey::<Sha256>::new(key),
            x5t: URL_SAFE_NO_PAD.encode(sha1::Sha1::digest(&der)),
            x5t_s256: URL_SAFE_NO_PAD.encode(Sha256::digest(&der)),
        })
    }

    /// The `x5t` thumbprint: base64url of the certificate's SHA-1 hash, as Entra ID shows it
    /// (in hex) under the application's certificates.
    pub fn x5t(&self) -> &str {
        &self.x5t
    }

    /// The `x5t#S256` thumbprint: base64url of the certificate's SHA-256 hash.
    pub fn x5t_s256(&self) -> &str {
        &self.x5t_s256
    }

    /// A fresh client assertion for `client_id` at `token_endpoint`.
    pub(crate) fn assertion(
        &self,
        client_id: &str,
        token_endpoint: &str,
    ) -> Result<SecretString, AuthError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let header = serde_json::json!({
            "alg": "RS256",
            "typ": "JWT",
            "x5t": self.x5t,
            "x5t#S256": self.x5t_s256,
        });
        let claims = serde_json::json!({
            "aud": token_endpoint,
            "iss": client_id,
            "sub": client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": now,
            "iat": now,
            "exp": now + LIFETIME.as_secs(),
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.key.try_sign(signing_input.as_bytes()).map_err(|_| {
            AuthError::OAuthInvalidConfig {
                reason: "the private key cannot sign".to_owned(),
            }
        })?;
        Ok(SecretString::from(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )))
    }
}

/// The DER bytes of a certificate given as PEM (the first `CERTIFICATE` block) or as DER.
fn certificate_der(input: &[u8]) -> Result<Vec<u8>, AuthError> {
    let invalid = |reason: &str| AuthError::OAuthInvalidConfig {
        reason: format!("certificate: {reason}"),
    };
    if input.is_empty() {
        return Err(invalid("empty"));
    }
    if input.len() > 4 * MAX_CERTIFICATE {
        return Err(invalid("too large"));
    }
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let der = match std::str::from_utf8(input)
        .ok()
        .and_then(|t| t.find(BEGIN).map(|i| (t, i)))
    {
        Some((text, start)) => {
            let rest = &text[start + BEGIN.len()..];
            let end = rest
                .find(END)
                .ok_or_else(|| invalid("the PEM block has no END line"))?;
            let b64: Zeroizing<String> =
                Zeroizing::new(rest[..end].chars().filter(|c| !c.is_whitespace()).collect());
            STANDARD
                .decode(b64.as_bytes())
                .map_err(|_| invalid("the PEM block is not base64"))?
        }
        None if input[0] == 0x30 => input.to_vec(),
        None => return Err(invalid("neither a PEM CERTIFICATE block nor DER")),
    };
    // A DER certificate is a SEQUENCE; its length must fit what was given.
    if der.len() < 2 || der[0] != 0x30 || der.len() > MAX_CERTIFICATE {
        return Err(invalid("not a DER certificate"));
    }
    Ok(der)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_input_is_checked() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x01];
        assert_eq!(certificate_der(&der).unwrap(), der);
        let pem = format!(
            "junk\n-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            STANDARD.encode(der)
        );
        assert_eq!(certificate_der(pem.as_bytes()).unwrap(), der);
        for bad in [
            &b""[..],
            b"hello",
            b"-----BEGIN CERTIFICATE-----\nMIIB",
            b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----",
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            &[0x30],
        ] {
            assert!(certificate_der(bad).is_err(), "{bad:?}");
        }
        assert!(certificate_der(&vec![0x30; 5 * MAX_CERTIFICATE]).is_err());
        assert!(certificate_der(&vec![0x30; MAX_CERTIFICATE + 1]).is_err());
    }

    #[test]
    fn bad_keys_are_refused_without_echoing_them() {
        let der = [0x30, 0x00];
        for key in [
            "",
            "-----BEGIN PRIVATE KEY-----\nZm9v\n-----END PRIVATE KEY-----",
            "secret-material",
        ] {
            let e = ClientCertificate::from_pem(&der, &SecretString::from(key)).unwrap_err();
            assert!(matches!(e, AuthError::OAuthInvalidConfig { .. }));
            if !key.is_empty() {
                assert!(!e.to_string().contains(key));
            }
        }
    }
}
