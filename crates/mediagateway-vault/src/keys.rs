//! The vault's RSA key pair: it wraps the data key and names the vault by its key id.

use std::fmt;
use std::path::Path;

use rsa::pkcs8::{
    DecodePrivateKey, EncodePrivateKey, EncodePublicKey, EncryptedPrivateKeyInfoRef, LineEnding,
    PrivateKeyInfoRef, SecretDocument,
};
use rsa::sha2::Sha256;
use rsa::traits::PublicKeyParts;
use rsa::PrivateKey;
use secrecy::{ExposeSecret, SecretString};
use sha2::Digest;
use zeroize::Zeroizing;

use crate::error::{InputProblem, VaultError};

/// An RSA key pair that wraps a vault's data key with RSA-OAEP-SHA256.
///
/// Its [key id](KeyPair::key_id) is the hex SHA-256 of the public key's SPKI DER encoding, so the
/// same key always has the same id and a vault can tell at once whether a key belongs to it.
pub struct KeyPair {
    private: PrivateKey,
    key_id: String,
}

impl KeyPair {
    /// Modulus size used unless told otherwise (about 128-bit security).
    pub const DEFAULT_BITS: usize = 3072;
    /// Smallest modulus size accepted.
    pub const MIN_BITS: usize = 2048;
    /// Largest modulus size accepted.
    pub const MAX_BITS: usize = 8192;

    /// Generates a new key pair with a modulus of `bits` bits (slow: RSA prime search).
    pub fn generate(bits: usize) -> Result<Self, VaultError> {
        if !(Self::MIN_BITS..=Self::MAX_BITS).contains(&bits) {
            return Err(VaultError::InvalidInput {
                field: "RSA key size",
                problem: InputProblem::OutOfRange {
                    value: bits,
                    min: Self::MIN_BITS,
                    max: Self::MAX_BITS,
                },
            });
        }
        let private = PrivateKey::new(&mut getrandom::SysRng, bits).map_err(|e| {
            VaultError::KeyGeneration {
                reason: e.to_string(),
            }
        })?;
        Self::from_private_key(private).map_err(|reason| VaultError::KeyGeneration { reason })
    }

    /// Reads a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) RSA private key.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, VaultError> {
        Self::parse_pem(pem).map_err(|reason| VaultError::InvalidKey { reason })
    }

    /// Reads a PKCS#8 PEM RSA private key as the vault's key files hold it: plain
    /// (`-----BEGIN PRIVATE KEY-----`) or encrypted under `passphrase`
    /// (`-----BEGIN ENCRYPTED PRIVATE KEY-----`). A missing or wrong passphrase is
    /// [`VaultError::PassphraseRequired`] or [`VaultError::WrongPassphrase`] with an empty path.
    pub fn from_pkcs8_pem_with(
        pem: &str,
        passphrase: Option<&SecretString>,
    ) -> Result<Self, VaultError> {
        Self::parse_any_pem(pem, passphrase)
            .map(|(keys, _)| keys)
            .map_err(|problem| problem.into_error(None))
    }

    /// Like [`KeyPair::from_pkcs8_pem`], with the reason alone so the caller can name the file.
    pub(crate) fn parse_pem(pem: &str) -> Result<Self, String> {
        Self::from_private_key(PrivateKey::from_pkcs8_pem(pem).map_err(|e| e.to_string())?)
            .and_then(Self::checked)
    }

    /// Reads a plain (`PRIVATE KEY`) or passphrase-encrypted (`ENCRYPTED PRIVATE KEY`) PKCS#8
    /// PEM key; the flag tells whether it was encrypted.
    pub(crate) fn parse_any_pem(
        pem: &str,
        passphrase: Option<&SecretString>,
    ) -> Result<(Self, bool), PemProblem> {
        let (label, doc) =
            SecretDocument::from_pem(pem).map_err(|e| PemProblem::Invalid(e.to_string()))?;
        match label {
            // Decoded once: the document already holds the DER.
            "PRIVATE KEY" => PrivateKey::from_pkcs8_der(doc.as_bytes())
                .map_err(|e| e.to_string())
                .and_then(Self::from_private_key)
                .and_then(Self::checked)
                .map(|key| (key, false))
                .map_err(PemProblem::Invalid),
            "ENCRYPTED PRIVATE KEY" => {
                let passphrase = passphrase.ok_or(PemProblem::PassphraseRequired)?;
                let info = EncryptedPrivateKeyInfoRef::try_from(doc.as_bytes())
                    .map_err(|e| PemProblem::Invalid(e.to_string()))?;
                // With a well-formed container, failing to decrypt (bad padding) or decrypting to
                // something that is not PKCS#8 at all can only mean another passphrase.
                let plain = info
                    .decrypt(passphrase.expose_secret().as_bytes())
                    .map_err(|_| PemProblem::WrongPassphrase)?;
                PrivateKeyInfoRef::try_from(plain.as_bytes())
                    .map_err(|_| PemProblem::WrongPassphrase)?;
                let private = PrivateKey::from_pkcs8_der(plain.as_bytes())
                    .map_err(|e| PemProblem::Invalid(e.to_string()))?;
                Self::from_private_key(private)
                    .and_then(Self::checked)
                    .map(|key| (key, true))
                    .map_err(PemProblem::Invalid)
            }
            other => Err(PemProblem::Invalid(format!(
                "PEM label {other:?}, expected PRIVATE KEY or ENCRYPTED PRIVATE KEY"
            ))),
        }
    }

    fn checked(self) -> Result<Self, String> {
        let bits = self.bits();
        if !(Self::MIN_BITS..=Self::MAX_BITS).contains(&bits) {
            return Err(format!(
                "modulus of {bits} bits, expected {} to {}",
                Self::MIN_BITS,
                Self::MAX_BITS
            ));
        }
        Ok(self)
    }

    fn from_private_key(private: PrivateKey) -> Result<Self, String> {
        let spki = private
            .to_public_key()
            .to_public_key_der()
            .map_err(|e| format!("cannot encode the public key: {e}"))?;
        let key_id = hex(&Sha256::digest(spki.as_bytes()));
        Ok(Self { private, key_id })
    }

    /// The private key as PKCS#8 PEM text (unencrypted).
    pub fn to_pkcs8_pem(&self) -> Result<SecretString, VaultError> {
        let pem =
            self.private
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|e| VaultError::Encryption {
                    operation: "encoding the private key",
                    reason: e.to_string(),
                })?;
        Ok(SecretString::from(pem.as_str()))
    }

    /// The private key as PKCS#8 PEM (`ENCRYPTED PRIVATE KEY`) encrypted under `passphrase`
    /// with PBES2: scrypt (log₂N = 14, r = 8, p = 1, random salt) and AES-256-CBC.
    pub fn to_encrypted_pkcs8_pem(
        &self,
        passphrase: &SecretString,
    ) -> Result<SecretString, VaultError> {
        let failed = |reason: String| VaultError::Encryption {
            operation: "encrypting the private key",
            reason,
        };
        let der = self
            .private
            .to_pkcs8_der()
            .map_err(|e| failed(e.to_string()))?;
        let info =
            PrivateKeyInfoRef::try_from(der.as_bytes()).map_err(|e| failed(e.to_string()))?;
        let encrypted = info
            .encrypt_with_rng(
                &mut getrandom::SysRng,
                passphrase.expose_secret().as_bytes(),
            )
            .map_err(|e| failed(e.to_string()))?;
        let pem = encrypted
            .to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
            .map_err(|e| failed(e.to_string()))?;
        Ok(SecretString::from(pem.as_str()))
    }

    /// Hex SHA-256 of the public key's SPKI DER encoding.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.private.size() * 8
    }

    /// Encrypts a data key with RSA-OAEP-SHA256 under the public key.
    pub(crate) fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, VaultError> {
        self.private
            .as_public_key()
            .oaep_encrypt::<Sha256>(data_key)
            .map_err(|e| VaultError::Encryption {
                operation: "wrapping the data key",
                reason: e.to_string(),
            })
    }

    /// Decrypts a data key wrapped by [`KeyPair::wrap`].
    pub(crate) fn unwrap_key(&self, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, String> {
        self.private
            .oaep_decrypt::<Sha256>(wrapped)
            .map(Zeroizing::new)
            .map_err(|e| e.to_string())
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("key_id", &self.key_id)
            .field("bits", &self.bits())
            .finish_non_exhaustive()
    }
}

/// Why a PEM key could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PemProblem {
    /// Not a usable PKCS#8 RSA key (damaged, foreign, wrong size).
    Invalid(String),
    /// The key is encrypted and no passphrase was given.
    PassphraseRequired,
    /// The passphrase does not decrypt the key.
    WrongPassphrase,
}

impl PemProblem {
    /// The error for a key read from `file`, or from PEM text given directly (`None`).
    pub(crate) fn into_error(self, file: Option<&Path>) -> VaultError {
        let path = file.map(Path::to_path_buf).unwrap_or_default();
        match (self, file) {
            (Self::Invalid(reason), Some(_)) => VaultError::KeyFileInvalid { path, reason },
            (Self::Invalid(reason), None) => VaultError::InvalidKey { reason },
            (Self::PassphraseRequired, _) => VaultError::PassphraseRequired { path },
            (Self::WrongPassphrase, _) => VaultError::WrongPassphrase { path },
        }
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::OnceLock;

    use secrecy::ExposeSecret;

    use super::*;

    /// One 2048-bit key shared by the unit tests; generating keys is slow.
    pub(crate) fn test_key() -> KeyPair {
        static PEM: OnceLock<String> = OnceLock::new();
        let pem = PEM.get_or_init(|| {
            let key = KeyPair::generate(2048).expect("2048-bit key generation succeeds");
            key.to_pkcs8_pem()
                .expect("a generated key encodes")
                .expose_secret()
                .to_owned()
        });
        KeyPair::from_pkcs8_pem(pem).expect("the cached PEM parses")
    }

    #[test]
    fn hex_is_lower_case_and_complete() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn pem_round_trip_keeps_the_key_id() {
        let key = test_key();
        assert_eq!(key.key_id().len(), 64);
        assert_eq!(key.bits(), 2048);
        let again = KeyPair::from_pkcs8_pem(key.to_pkcs8_pem().unwrap().expose_secret()).unwrap();
        assert_eq!(again.key_id(), key.key_id());
        assert!(key
            .to_pkcs8_pem()
            .unwrap()
            .expose_secret()
            .starts_with("-----BEGIN PRIVATE KEY-----"));
    }

    #[test]
    fn wrap_and_unwrap_round_trip() {
        let key = test_key();
        let wrapped = key.wrap(&[7u8; 32]).unwrap();
        assert_eq!(wrapped.len(), 256);
        assert_eq!(key.unwrap_key(&wrapped).unwrap().as_slice(), &[7u8; 32]);
        let mut bad = wrapped.clone();
        bad[100] ^= 1;
        assert!(key.unwrap_key(&bad).is_err());
        assert!(key.unwrap_key(&wrapped[..10]).is_err());
        assert!(key.unwrap_key(&[]).is_err());
    }

    #[test]
    fn garbage_pem_is_a_typed_error() {
        for text in [
            "",
            "hello",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
        ] {
            let err = KeyPair::from_pkcs8_pem(text).unwrap_err();
            assert!(matches!(err, VaultError::InvalidKey { .. }), "{err:?}");
            assert!(err.is_key_file());
        }
        let pem = test_key().to_pkcs8_pem().unwrap();
        let half = &pem.expose_secret()[..pem.expose_secret().len() / 2];
        assert!(KeyPair::from_pkcs8_pem(half).is_err());
    }

    #[test]
    fn the_public_reader_takes_plain_and_encrypted_pem() {
        let key = test_key();
        let pass = SecretString::from("correct horse");
        let encrypted = key.to_encrypted_pkcs8_pem(&pass).unwrap();
        let plain = key.to_pkcs8_pem().unwrap();
        let read = |pem: &SecretString, pass: Option<&SecretString>| {
            KeyPair::from_pkcs8_pem_with(pem.expose_secret(), pass)
        };
        assert_eq!(
            read(&encrypted, Some(&pass)).unwrap().key_id(),
            key.key_id()
        );
        assert_eq!(read(&plain, None).unwrap().key_id(), key.key_id());
        assert_eq!(read(&plain, Some(&pass)).unwrap().key_id(), key.key_id());
        assert!(matches!(
            read(&encrypted, None),
            Err(VaultError::PassphraseRequired { .. })
        ));
        assert!(matches!(
            read(&encrypted, Some(&SecretString::from("wrong"))),
            Err(VaultError::WrongPassphrase { .. })
        ));
        assert!(matches!(
            KeyPair::from_pkcs8_pem_with("garbage", None),
            Err(VaultError::InvalidKey { .. })
        ));
    }

    #[test]
    fn encrypted_pem_round_trips_and_names_a_wrong_passphrase() {
        let key = test_key();
        let pass = SecretString::from("correct horse");
        let pem = key.to_encrypted_pkcs8_pem(&pass).unwrap();
        let text = pem.expose_secret();
        assert!(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let (again, encrypted) = KeyPair::parse_any_pem(text, Some(&pass)).unwrap();
        assert!(encrypted);
        assert_eq!(again.key_id(), key.key_id());
        // A second encryption uses a fresh salt and IV.
        assert_ne!(
            key.to_encrypted_pkcs8_pem(&pass).unwrap().expose_secret(),
            text
        );

        for wrong in ["correct horsE", "", "x"] {
            let err = KeyPair::parse_any_pem(text, Some(&SecretString::from(wrong)))
                .err()
                .unwrap();
            assert_eq!(err, PemProblem::WrongPassphrase, "{wrong:?}");
        }
        assert_eq!(
            KeyPair::parse_any_pem(text, None).err().unwrap(),
            PemProblem::PassphraseRequired
        );
        // A plain key needs no passphrase and ignores one.
        let plain = key.to_pkcs8_pem().unwrap();
        let (_, encrypted) = KeyPair::parse_any_pem(plain.expose_secret(), Some(&pass)).unwrap();
        assert!(!encrypted);
    }

    #[test]
    fn damaged_encrypted_pem_is_never_a_panic() {
        let key = test_key();
        let pass = SecretString::from("pw");
        let pem = key.to_encrypted_pkcs8_pem(&pass).unwrap();
        let text = pem.expose_secret();
        let half = &text[..text.len() / 2];
        assert!(matches!(
            KeyPair::parse_any_pem(half, Some(&pass)),
            Err(PemProblem::Invalid(_))
        ));
        let body_start = text.find('\n').unwrap() + 1;
        for i in (body_start..text.len() - 40).step_by(29) {
            let mut bytes = text.as_bytes().to_vec();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let Ok(damaged) = String::from_utf8(bytes) else {
                continue;
            };
            // Either refused, or (a flip inside the private half that still decodes) the same
            // public key: never a panic and never another key id.
            if let Ok((parsed, _)) = KeyPair::parse_any_pem(&damaged, Some(&pass)) {
                assert_eq!(parsed.key_id(), key.key_id(), "at {i}");
            }
        }
        let other = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            KeyPair::parse_any_pem(other, Some(&pass)),
            Err(PemProblem::Invalid(_))
        ));
        let empty_body =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert!(matches!(
            KeyPair::parse_any_pem(empty_body, Some(&pass)),
            Err(PemProblem::Invalid(_))
        ));
    }

    #[test]
    fn key_sizes_outside_the_range_are_refused() {
        for bits in [0, 1024, 2047, 8193] {
            let err = KeyPair::generate(bits).unwrap_err();
            assert!(err.is_invalid_input(), "{bits}: {err:?}");
        }
    }

    #[test]
    fn debug_shows_no_key_material() {
        let key = test_key();
        let text = format!("{key:?}");
        assert!(text.contains(key.key_id()));
        assert!(!text.contains("BEGIN"));
        assert!(text.len() < 200);
    }
}
