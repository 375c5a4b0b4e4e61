//! The trusted signing keys: the RSA keys of a JSON Web Key Set (RFC 7517).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier as _;
use rsa::{BoxedUint, PublicKey};
use serde_json::Value;
use sha2::Sha256;

use crate::error::Error;

/// The largest key set read (an issuer publishes a handful of keys, a few KiB).
const MAX_JWKS: usize = 1024 * 1024;
/// The most keys kept.
const MAX_KEYS: usize = 64;

/// One key that may sign tokens.
#[derive(Debug)]
pub(crate) struct TrustedKey {
    /// `kid`, when the set names it.
    pub(crate) kid: Option<String>,
    key: VerifyingKey<Sha256>,
    /// The modulus size in bytes, which every signature has.
    size: usize,
}

impl TrustedKey {
    /// Whether `signature` is this key's RS256 signature of `signed`.
    pub(crate) fn verifies(&self, signed: &[u8], signature: &[u8]) -> bool {
        if signature.len() != self.size {
            return false;
        }
        Signature::try_from(signature)
            .and_then(|signature| self.key.verify(signed, &signature))
            .is_ok()
    }
}

/// The RS256 signing keys of the set `json`: keys of another type, use or algorithm are left
/// out; a set without any usable key is refused.
pub(crate) fn parse(json: &str) -> Result<Vec<TrustedKey>, Error> {
    let invalid = |why: &str| Error::InvalidJwks(why.to_owned());
    if json.len() > MAX_JWKS {
        return Err(invalid("the key set is larger than 1 MiB"));
    }
    let set: Value = serde_json::from_str(json).map_err(|_| invalid("the key set is not JSON"))?;
    let keys = set
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("the key set has no \"keys\" array"))?;
    let mut trusted = Vec::new();
    for key in keys {
        if let Some(key) = rsa_signing_key(key)? {
            if trusted.len() == MAX_KEYS {
                return Err(invalid("the key set holds more than 64 RS256 keys"));
            }
            trusted.push(key);
        }
    }
    if trusted.is_empty() {
        return Err(invalid("the key set holds no RSA key for RS256 signatures"));
    }
    Ok(trusted)
}

/// The key `jwk` when it is an RSA key for RS256 signatures; an error when it claims to be one
/// and is unusable.
fn rsa_signing_key(jwk: &Value) -> Result<Option<TrustedKey>, Error> {
    let field = |name: &str| jwk.get(name).and_then(Value::as_str);
    let fits = field("kty") == Some("RSA")
        && field("use").is_none_or(|u| u == "sig")
        && field("alg").is_none_or(|a| a == "RS256");
    if !fits {
        return Ok(None);
    }
    let kid = field("kid").map(str::to_owned);
    let unusable = |why: &str| {
        Error::InvalidJwks(format!(
            "the RSA key {} is unusable: {why}",
            kid.as_deref().unwrap_or("without kid")
        ))
    };
    let number = |name: &str| {
        let text = field(name).ok_or_else(|| unusable(&format!("\"{name}\" is missing")))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| unusable(&format!("\"{name}\" is not base64url")))?;
        Ok::<_, Error>(BoxedUint::from_be_slice_vartime(&bytes))
    };
    let public = PublicKey::new(number("n")?, number("e")?)
        .map_err(|e| unusable(&format!("{e} (moduli of 1024 to 8192 bits are accepted)")))?;
    let size = rsa::traits::PublicKeyParts::size(&public);
    Ok(Some(TrustedKey {
        kid,
        key: VerifyingKey::new(public),
        size,
    }))
}
