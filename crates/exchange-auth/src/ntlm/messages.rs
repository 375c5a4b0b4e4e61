//! The three NTLM messages (MS-NLMP 2.2.1): NEGOTIATE and AUTHENTICATE are built, CHALLENGE is
//! parsed strictly.

use crate::AuthError;

pub(crate) const SIGNATURE: &[u8; 8] = b"NTLMSSP\0";

pub(crate) const NEGOTIATE_UNICODE: u32 = 0x0000_0001;
pub(crate) const REQUEST_TARGET: u32 = 0x0000_0004;
pub(crate) const NEGOTIATE_SIGN: u32 = 0x0000_0010;
pub(crate) const NEGOTIATE_NTLM: u32 = 0x0000_0200;
pub(crate) const NEGOTIATE_ALWAYS_SIGN: u32 = 0x0000_8000;
pub(crate) const NEGOTIATE_EXTENDED_SESSIONSECURITY: u32 = 0x0008_0000;
pub(crate) const NEGOTIATE_TARGET_INFO: u32 = 0x0080_0000;
pub(crate) const NEGOTIATE_VERSION: u32 = 0x0200_0000;
pub(crate) const NEGOTIATE_128: u32 = 0x2000_0000;
pub(crate) const NEGOTIATE_KEY_EXCH: u32 = 0x4000_0000;
pub(crate) const NEGOTIATE_56: u32 = 0x8000_0000;

/// The flags the client asks for (signing is added inside SPNEGO, which needs a mechListMIC).
pub(crate) const CLIENT_FLAGS: u32 = NEGOTIATE_UNICODE
    | REQUEST_TARGET
    | NEGOTIATE_NTLM
    | NEGOTIATE_ALWAYS_SIGN
    | NEGOTIATE_EXTENDED_SESSIONSECURITY
    | NEGOTIATE_TARGET_INFO
    | NEGOTIATE_VERSION
    | NEGOTIATE_128
    | NEGOTIATE_KEY_EXCH
    | NEGOTIATE_56;

/// The version the client announces: Windows 10.0, NTLM revision 15 (NTLMSSP_REVISION_W2K3).
const VERSION: [u8; 8] = [10, 0, 0, 0, 0, 0, 0, 15];

/// Largest CHALLENGE message accepted; real ones are a few hundred bytes.
pub(crate) const MAX_CHALLENGE_LEN: usize = 8 * 1024;

pub(crate) const AV_EOL: u16 = 0;
pub(crate) const AV_FLAGS: u16 = 6;
pub(crate) const AV_TIMESTAMP: u16 = 7;
pub(crate) const AV_TARGET_NAME: u16 = 9;
pub(crate) const AV_CHANNEL_BINDINGS: u16 = 10;

/// MsvAvFlags bit: the AUTHENTICATE message carries a MIC.
pub(crate) const AV_FLAG_MIC_PRESENT: u32 = 0x2;

/// The NEGOTIATE message: flags and the version, no domain or workstation.
pub(crate) fn negotiate(flags: u32) -> Vec<u8> {
    let mut m = Vec::with_capacity(40);
    m.extend_from_slice(SIGNATURE);
    m.extend_from_slice(&1u32.to_le_bytes());
    m.extend_from_slice(&flags.to_le_bytes());
    // Empty DomainNameFields and WorkstationFields, pointing at the end of the header.
    for _ in 0..2 {
        m.extend_from_slice(&0u16.to_le_bytes());
        m.extend_from_slice(&0u16.to_le_bytes());
        m.extend_from_slice(&40u32.to_le_bytes());
    }
    m.extend_from_slice(&VERSION);
    m
}

/// One AV pair of the target information.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AvPair {
    pub(crate) id: u16,
    pub(crate) value: Vec<u8>,
}

/// A CHALLENGE message that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChallengeMessage {
    pub(crate) flags: u32,
    pub(crate) server_challenge: [u8; 8],
    /// The AV pairs without the terminating `MsvAvEOL`.
    pub(crate) target_info: Vec<AvPair>,
}

impl ChallengeMessage {
    /// The server's MsvAvTimestamp, when it sent one.
    pub(crate) fn timestamp(&self) -> Option<u64> {
        self.target_info
            .iter()
            .find(|p| p.id == AV_TIMESTAMP)
            .map(|p| u64::from_le_bytes(p.value.as_slice().try_into().expect("checked: 8 bytes")))
    }
}

fn invalid(reason: &'static str) -> AuthError {
    AuthError::NtlmChallengeInvalid { reason }
}

fn u16_at(m: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([m[at], m[at + 1]])
}

fn u32_at(m: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([m[at], m[at + 1], m[at + 2], m[at + 3]])
}

/// The payload a `(len, max len, offset)` field at `at` points to, checked to lie inside the
/// message and after the fixed header.
fn field(m: &[u8], at: usize, header_len: usize) -> Result<&[u8], AuthError> {
    let len = usize::from(u16_at(m, at));
    let offset = u32_at(m, at + 4) as usize;
    if len == 0 {
        return Ok(&[]);
    }
    if offset < header_len {
        return Err(invalid("a field points into the message header"));
    }
    let end = offset
        .checked_add(len)
        .filter(|end| *end <= m.len())
        .ok_or(invalid("a field reaches past the end of the message"))?;
    Ok(&m[offset..end])
}

/// Parses a CHALLENGE message and refuses what NTLMv2 with extended session security cannot use.
pub(crate) fn parse_challenge(m: &[u8]) -> Result<ChallengeMessage, AuthError> {
    const HEADER: usize = 48;
    if m.len() > MAX_CHALLENGE_LEN {
        return Err(invalid("the message is too large"));
    }
    if m.len() < HEADER {
        return Err(invalid("the message is truncated"));
    }
    if &m[..8] != SIGNATURE {
        return Err(invalid("the NTLMSSP signature is missing"));
    }
    if u32_at(m, 8) != 2 {
        return Err(invalid("not a CHALLENGE message"));
    }
    let flags = u32_at(m, 20);
    // The target name is not used, but a server that points it outside the message is broken.
    field(m, 12, HEADER)?;
    if flags & NEGOTIATE_UNICODE == 0 {
        return Err(invalid("the server does not offer Unicode"));
    }
    if flags & NEGOTIATE_EXTENDED_SESSIONSECURITY == 0 {
        return Err(AuthError::NtlmV1Refused);
    }
    if flags & NEGOTIATE_TARGET_INFO == 0 {
        return Err(AuthError::NtlmV1Refused);
    }
    let mut server_challenge = [0u8; 8];
    server_challenge.copy_from_slice(&m[24..32]);
    let info = field(m, 40, HEADER)?;
    if info.is_empty() {
        return Err(AuthError::NtlmV1Refused);
    }
    Ok(ChallengeMessage {
        flags,
        server_challenge,
        target_info: parse_av_pairs(info)?,
    })
}

/// Parses target information: well-formed pairs ending with `MsvAvEOL`; what follows the end
/// is ignored.
pub(crate) fn parse_av_pairs(mut info: &[u8]) -> Result<Vec<AvPair>, AuthError> {
    let mut pairs: Vec<AvPair> = Vec::new();
    loop {
        if info.len() < 4 {
            return Err(invalid(
                "the target information is not terminated by MsvAvEOL",
            ));
        }
        let id = u16_at(info, 0);
        let len = usize::from(u16_at(info, 2));
        info = &info[4..];
        if id == AV_EOL {
            if len != 0 {
                return Err(invalid("MsvAvEOL has a value"));
            }
            return Ok(pairs);
        }
        if len > info.len() {
            return Err(invalid("an AV pair reaches past the target information"));
        }
        let value = info[..len].to_vec();
        info = &info[len..];
        match id {
            AV_TIMESTAMP if len != 8 => return Err(invalid("MsvAvTimestamp is not 8 bytes")),
            AV_FLAGS if len != 4 => return Err(invalid("MsvAvFlags is not 4 bytes")),
            _ => {}
        }
        if pairs.iter().any(|p| p.id == id) {
            return Err(invalid("an AV pair appears twice"));
        }
        pairs.push(AvPair { id, value });
    }
}

pub(crate) fn encode_av_pairs(pairs: &[AvPair]) -> Vec<u8> {
    let mut out = Vec::new();
    for pair in pairs {
        out.extend_from_slice(&pair.id.to_le_bytes());
        let len = u16::try_from(pair.value.len())
            .expect("AV pair values are parsed from 16-bit lengths or bounded by MAX_HOST_LEN");
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&pair.value);
    }
    out.extend_from_slice(&[0; 4]);
    out
}

/// The fields of an AUTHENTICATE message.
pub(crate) struct Authenticate<'a> {
    pub(crate) flags: u32,
    pub(crate) lm_response: &'a [u8],
    pub(crate) nt_response: &'a [u8],
    pub(crate) domain: &'a [u8],
    pub(crate) user: &'a [u8],
    pub(crate) workstation: &'a [u8],
    pub(crate) encrypted_session_key: &'a [u8],
}

/// Offset of the MIC inside the AUTHENTICATE message.
pub(crate) const MIC_OFFSET: usize = 72;
const AUTHENTICATE_HEADER: usize = 88;

impl Authenticate<'_> {
    /// The message with a zero MIC; the caller computes the MIC over it and writes it at
    /// [`MIC_OFFSET`].
    pub(crate) fn encode(&self) -> Result<Vec<u8>, AuthError> {
        let payloads = [
            self.lm_response,
            self.nt_response,
            self.domain,
            self.user,
            self.workstation,
            self.encrypted_session_key,
        ];
        let too_long = || AuthError::InvalidCredentials {
            reason: "the user, domain or workstation name is too long for NTLM",
        };
        let total: usize = AUTHENTICATE_HEADER + payloads.iter().map(|p| p.len()).sum::<usize>();
        if total > 64 * 1024 {
            return Err(too_long());
        }
        let mut m = Vec::with_capacity(total);
        m.extend_from_slice(SIGNATURE);
        m.extend_from_slice(&3u32.to_le_bytes());
        let mut offset = AUTHENTICATE_HEADER;
        for payload in payloads {
            let len = u16::try_from(payload.len()).map_err(|_| too_long())?;
            m.extend_from_slice(&len.to_le_bytes());
            m.extend_from_slice(&len.to_le_bytes());
            m.extend_from_slice(&u32::try_from(offset).map_err(|_| too_long())?.to_le_bytes());
            offset += payload.len();
        }
        m.extend_from_slice(&self.flags.to_le_bytes());
        m.extend_from_slice(&VERSION);
        m.extend_from_slice(&[0; 16]);
        debug_assert_eq!(m.len(), AUTHENTICATE_HEADER);
        for payload in payloads {
            m.extend_from_slice(payload);
        }
        Ok(m)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A CHALLENGE message as gss-ntlmssp or Windows would send it.
    pub(crate) fn challenge_bytes(flags: u32, challenge: [u8; 8], info: &[u8]) -> Vec<u8> {
        let target_name = crate::ntlm::crypto::utf16le("Domain");
        let name_len = u16::try_from(target_name.len()).unwrap();
        let info_len = u16::try_from(info.len()).unwrap();
        let mut m = Vec::new();
        m.extend_from_slice(SIGNATURE);
        m.extend_from_slice(&2u32.to_le_bytes());
        m.extend_from_slice(&name_len.to_le_bytes());
        m.extend_from_slice(&name_len.to_le_bytes());
        m.extend_from_slice(&56u32.to_le_bytes());
        m.extend_from_slice(&flags.to_le_bytes());
        m.extend_from_slice(&challenge);
        m.extend_from_slice(&[0; 8]);
        m.extend_from_slice(&info_len.to_le_bytes());
        m.extend_from_slice(&info_len.to_le_bytes());
        m.extend_from_slice(&(56 + u32::from(name_len)).to_le_bytes());
        m.extend_from_slice(&VERSION);
        m.extend_from_slice(&target_name);
        m.extend_from_slice(info);
        m
    }

    /// MS-NLMP 4.2.4.1.3: NbDomainName "Domain", NbComputerName "Server", EOL.
    pub(crate) fn spec_target_info() -> Vec<u8> {
        encode_av_pairs(&[
            AvPair {
                id: 2,
                value: crate::ntlm::crypto::utf16le("Domain"),
            },
            AvPair {
                id: 1,
                value: crate::ntlm::crypto::utf16le("Server"),
            },
        ])
    }

    pub(crate) const SERVER_FLAGS: u32 = 0xe28a_8235;

    #[test]
    fn negotiate_message_layout() {
        let m = negotiate(CLIENT_FLAGS);
        assert_eq!(m.len(), 40);
        assert_eq!(&m[..8], SIGNATURE);
        assert_eq!(u32_at(&m, 8), 1);
        assert_eq!(u32_at(&m, 12), CLIENT_FLAGS);
        assert_eq!(&m[32..], &VERSION);
    }

    #[test]
    fn challenge_round_trip() {
        let mut info = vec![AvPair {
            id: 2,
            value: crate::ntlm::crypto::utf16le("DOMAIN"),
        }];
        info.push(AvPair {
            id: AV_TIMESTAMP,
            value: 0x01d0_0000_1234_5678u64.to_le_bytes().to_vec(),
        });
        let bytes = challenge_bytes(
            SERVER_FLAGS,
            [1, 2, 3, 4, 5, 6, 7, 8],
            &encode_av_pairs(&info),
        );
        let parsed = parse_challenge(&bytes).unwrap();
        assert_eq!(parsed.flags, SERVER_FLAGS);
        assert_eq!(parsed.server_challenge, [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(parsed.target_info, info);
        assert_eq!(parsed.timestamp(), Some(0x01d0_0000_1234_5678));
    }

    #[test]
    fn refuses_ntlmv1_servers() {
        let info = spec_target_info();
        let no_ess = challenge_bytes(
            SERVER_FLAGS & !NEGOTIATE_EXTENDED_SESSIONSECURITY,
            [0; 8],
            &info,
        );
        assert!(matches!(
            parse_challenge(&no_ess),
            Err(AuthError::NtlmV1Refused)
        ));
        let no_info = challenge_bytes(SERVER_FLAGS & !NEGOTIATE_TARGET_INFO, [0; 8], &info);
        assert!(matches!(
            parse_challenge(&no_info),
            Err(AuthError::NtlmV1Refused)
        ));
        let empty_info = challenge_bytes(SERVER_FLAGS, [0; 8], &[]);
        assert!(matches!(
            parse_challenge(&empty_info),
            Err(AuthError::NtlmV1Refused)
        ));
    }

    #[test]
    fn refuses_malformed_challenges() {
        let good = challenge_bytes(SERVER_FLAGS, [0; 8], &spec_target_info());
        let reason = |m: &[u8]| match parse_challenge(m) {
            Err(AuthError::NtlmChallengeInvalid { reason }) => reason,
            other => panic!("expected a typed error, got {other:?}"),
        };
        assert_eq!(reason(&good[..47]), "the message is truncated");
        let mut bad = good.clone();
        bad[0] = b'X';
        assert_eq!(reason(&bad), "the NTLMSSP signature is missing");
        let mut bad = good.clone();
        bad[8] = 3;
        assert_eq!(reason(&bad), "not a CHALLENGE message");
        let mut bad = good.clone();
        bad[44..48].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
        assert_eq!(reason(&bad), "a field reaches past the end of the message");
        let mut bad = good.clone();
        bad[44..48].copy_from_slice(&8u32.to_le_bytes());
        assert_eq!(reason(&bad), "a field points into the message header");
        // Target info without the EOL.
        let info = spec_target_info();
        let bad = challenge_bytes(SERVER_FLAGS, [0; 8], &info[..info.len() - 4]);
        assert_eq!(
            reason(&bad),
            "the target information is not terminated by MsvAvEOL"
        );
        // A pair longer than what is left.
        let bad = challenge_bytes(SERVER_FLAGS, [0; 8], &[2, 0, 0xff, 0, 0, 0, 0, 0]);
        assert_eq!(
            reason(&bad),
            "an AV pair reaches past the target information"
        );
        let bad = challenge_bytes(SERVER_FLAGS, [0; 8], &[7, 0, 4, 0, 1, 2, 3, 4, 0, 0, 0, 0]);
        assert_eq!(reason(&bad), "MsvAvTimestamp is not 8 bytes");
        let bad = challenge_bytes(SERVER_FLAGS, [0; 8], &[1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(reason(&bad), "an AV pair appears twice");
        let bad = challenge_bytes(SERVER_FLAGS, [0; 8], &[0, 0, 1, 0, 0]);
        assert_eq!(reason(&bad), "MsvAvEOL has a value");
        let mut huge = good.clone();
        huge.resize(MAX_CHALLENGE_LEN + 1, 0);
        assert_eq!(reason(&huge), "the message is too large");
    }

    #[test]
    fn hostile_challenges_never_panic() {
        let mut info = vec![AvPair {
            id: AV_TIMESTAMP,
            value: vec![9; 8],
        }];
        info.push(AvPair {
            id: 2,
            value: vec![b'D', 0],
        });
        let good = challenge_bytes(SERVER_FLAGS, [7; 8], &encode_av_pairs(&info));
        for cut in 0..=good.len() {
            let _ = parse_challenge(&good[..cut]);
        }
        let mut accepted = 0;
        // Every single-bit flip, plus every byte set to 0x00 and 0xff.
        for at in 0..good.len() {
            for mutation in (0..8).map(|bit| 1u8 << bit).chain([0xff]) {
                let mut m = good.clone();
                m[at] ^= mutation;
                if parse_challenge(&m).is_ok() {
                    accepted += 1;
                }
                m[at] = 0;
                let _ = parse_challenge(&m);
            }
        }
        // Flips in the challenge, the reserved bytes and some flags keep the message valid.
        assert!(accepted > 0);
        // A pseudo-random fill of every length never panics either.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..600 {
            let mut m: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state.to_le_bytes()[0]
                })
                .collect();
            if m.len() >= 12 {
                m[..8].copy_from_slice(SIGNATURE);
                m[8..12].copy_from_slice(&2u32.to_le_bytes());
            }
            let _ = parse_challenge(&m);
        }
    }

    #[test]
    fn authenticate_fields_point_at_their_payloads() {
        let m = Authenticate {
            flags: CLIENT_FLAGS,
            lm_response: &[1; 24],
            nt_response: &[2; 60],
            domain: b"D\0",
            user: b"u\0s\0",
            workstation: b"",
            encrypted_session_key: &[3; 16],
        }
        .encode()
        .unwrap();
        let get = |at: usize| {
            let len = usize::from(u16_at(&m, at));
            let offset = u32_at(&m, at + 4) as usize;
            m[offset..offset + len].to_vec()
        };
        assert_eq!(get(12), vec![1; 24]);
        assert_eq!(get(20), vec![2; 60]);
        assert_eq!(get(28), b"D\0");
        assert_eq!(get(36), b"u\0s\0");
        assert_eq!(get(44), b"");
        assert_eq!(get(52), vec![3; 16]);
        assert_eq!(u32_at(&m, 60), CLIENT_FLAGS);
        assert_eq!(&m[MIC_OFFSET..MIC_OFFSET + 16], &[0; 16]);
    }
}
