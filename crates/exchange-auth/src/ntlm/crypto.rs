//! The NTLMv2 computations of MS-NLMP section 3.3.2 and the signing of section 3.4.

use hmac::{Hmac, KeyInit, Mac};
use md4::Md4;
use md5::{Digest, Md5};
use zeroize::Zeroizing;

use crate::AuthError;

/// A 16-byte key (NT hash, NTOWFv2, session keys), wiped when dropped.
pub(crate) type Key16 = Zeroizing<[u8; 16]>;

pub(crate) fn md5(parts: &[&[u8]]) -> [u8; 16] {
    let mut hasher = Md5::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

pub(crate) fn hmac_md5(key: &[u8], parts: &[&[u8]]) -> [u8; 16] {
    let mut mac = Hmac::<Md5>::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// UTF-16LE, as NTLM carries every string once UNICODE is negotiated.
pub(crate) fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// NTOWFv2: HMAC-MD5 keyed with the MD4 of the UTF-16LE password over the upper-cased user name
/// and the domain as given.
pub(crate) fn ntowfv2(password: &str, user: &str, domain: &str) -> Key16 {
    let encoded = Zeroizing::new(utf16le(password));
    let mut nt_hash = Zeroizing::new([0u8; 16]);
    let mut md4 = Md4::new();
    md4.update(encoded.as_slice());
    // Straight into the zeroized buffer: the NT hash is as good as the password.
    md4.finalize_into((&mut *nt_hash).into());
    let user_domain = Zeroizing::new(utf16le(&format!("{}{domain}", user.to_uppercase())));
    Zeroizing::new(hmac_md5(nt_hash.as_slice(), &[&user_domain]))
}

/// The results of answering a server challenge with NTLMv2 (MS-NLMP 3.3.2).
pub(crate) struct V2Response {
    /// `NTProofStr || temp`.
    pub(crate) nt_response: Vec<u8>,
    /// `LMv2 || client challenge`, or 24 zero bytes when the server sent a timestamp.
    pub(crate) lm_response: [u8; 24],
    pub(crate) session_base_key: Key16,
}

/// Computes the NTLMv2 and LMv2 responses. `target_info` holds the AV pairs as the client
/// sends them back (terminated by `MsvAvEOL`).
pub(crate) fn ntlmv2_response(
    response_key: &[u8; 16],
    server_challenge: &[u8; 8],
    client_challenge: &[u8; 8],
    timestamp: u64,
    target_info: &[u8],
    zero_lm: bool,
) -> V2Response {
    let mut temp = Vec::with_capacity(28 + target_info.len() + 4);
    temp.extend_from_slice(&[1, 1, 0, 0, 0, 0, 0, 0]);
    temp.extend_from_slice(&timestamp.to_le_bytes());
    temp.extend_from_slice(client_challenge);
    temp.extend_from_slice(&[0; 4]);
    temp.extend_from_slice(target_info);
    temp.extend_from_slice(&[0; 4]);
    let proof = hmac_md5(response_key, &[server_challenge, &temp]);
    let mut nt_response = proof.to_vec();
    nt_response.extend_from_slice(&temp);
    let mut lm_response = [0u8; 24];
    if !zero_lm {
        let lm = hmac_md5(response_key, &[server_challenge, client_challenge]);
        lm_response[..16].copy_from_slice(&lm);
        lm_response[16..].copy_from_slice(client_challenge);
    }
    V2Response {
        nt_response,
        lm_response,
        session_base_key: Zeroizing::new(hmac_md5(response_key, &[&proof])),
    }
}

/// RC4, for the key exchange and the sealing of signatures: RustCrypto's `rc4`, whose state
/// is wiped when dropped (its `zeroize` feature). Every key here is 16 bytes.
pub(crate) struct Rc4(rc4::Rc4);

impl Rc4 {
    pub(crate) fn new(key: &[u8]) -> Self {
        use rc4::KeyInit as _;
        Self(rc4::Rc4::new_from_slice(key).expect("RC4 takes keys of 1 to 256 bytes"))
    }

    pub(crate) fn apply(&mut self, data: &mut [u8]) {
        use rc4::StreamCipher as _;
        self.0.apply_keystream(data);
    }
}

/// Random bytes from the operating system.
pub(crate) fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, AuthError> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut_slice()).map_err(|_| AuthError::NtlmRandomUnavailable)?;
    Ok(bytes)
}

const CLIENT_SIGNING: &[u8] = b"session key to client-to-server signing key magic constant\0";
const SERVER_SIGNING: &[u8] = b"session key to server-to-client signing key magic constant\0";
const CLIENT_SEALING: &[u8] = b"session key to client-to-server sealing key magic constant\0";
const SERVER_SEALING: &[u8] = b"session key to server-to-client sealing key magic constant\0";

/// One direction of NTLM message signing with extended session security (MS-NLMP 3.4.4.2).
pub(crate) struct Signer {
    signing_key: Key16,
    sealing: Rc4,
    key_exchange: bool,
    sequence: u32,
}

impl Signer {
    /// The signer of the client (`client == true`) or of the server, for a 128-bit session key.
    pub(crate) fn new(exported_session_key: &[u8; 16], client: bool, key_exchange: bool) -> Self {
        let (sign, seal) = if client {
            (CLIENT_SIGNING, CLIENT_SEALING)
        } else {
            (SERVER_SIGNING, SERVER_SEALING)
        };
        let signing_key = Zeroizing::new(md5(&[exported_session_key, sign]));
        let sealing_key = Zeroizing::new(md5(&[exported_session_key, seal]));
        Self {
            signing_key,
            sealing: Rc4::new(sealing_key.as_slice()),
            key_exchange,
            sequence: 0,
        }
    }

    /// The 16-byte NTLMSSP_MESSAGE_SIGNATURE of `message` (GSS_GetMIC).
    pub(crate) fn sign(&mut self, message: &[u8]) -> [u8; 16] {
        let sequence = self.sequence.to_le_bytes();
        self.sequence = self.sequence.wrapping_add(1);
        let mac = hmac_md5(self.signing_key.as_slice(), &[&sequence, message]);
        let mut checksum = [0u8; 8];
        checksum.copy_from_slice(&mac[..8]);
        if self.key_exchange {
            self.sealing.apply(&mut checksum);
        }
        let mut signature = [0u8; 16];
        signature[..4].copy_from_slice(&1u32.to_le_bytes());
        signature[4..12].copy_from_slice(&checksum);
        signature[12..].copy_from_slice(&sequence);
        signature
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn rc4_state_is_wiped_when_dropped() {
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wiped_on_drop::<rc4::Rc4>();
    }

    #[test]
    fn rc4_matches_the_classic_vectors() {
        // Test vectors from the original RC4 publication ("Key", "Plaintext").
        let mut data = *b"Plaintext";
        Rc4::new(b"Key").apply(&mut data);
        assert_eq!(hex(&data), "bbf316e8d940af0ad3");
        let mut data = *b"Attack at dawn";
        Rc4::new(b"Secret").apply(&mut data);
        assert_eq!(hex(&data), "45a01f645fc35b383552544b9bf5");
    }

    #[test]
    fn md4_of_the_password_is_the_nt_hash() {
        // MS-NLMP 4.2.2.1.2: NTOWFv1("Password").
        let digest = Md4::digest(utf16le("Password"));
        assert_eq!(hex(&digest), "a4f49c406510bdcab6824ee7c30fd852");
    }

    #[test]
    fn ntowfv2_upper_cases_the_user_but_not_the_domain() {
        let a = ntowfv2("Password", "User", "Domain");
        assert_eq!(*a, *ntowfv2("Password", "user", "Domain"));
        assert_ne!(*a, *ntowfv2("Password", "User", "DOMAIN"));
    }

    #[test]
    fn signer_sequence_numbers_advance() {
        let mut signer = Signer::new(&[0x55; 16], true, true);
        let first = signer.sign(b"x");
        let second = signer.sign(b"x");
        assert_eq!(&first[..4], &[1, 0, 0, 0]);
        assert_eq!(&first[12..], &[0, 0, 0, 0]);
        assert_eq!(&second[12..], &[1, 0, 0, 0]);
        assert_ne!(first[4..12], second[4..12]);
    }
}
