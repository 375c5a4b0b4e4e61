//! SPNEGO tokens (RFC 4178) in DER: the client's NegTokenInit inside the GSS-API
//! InitialContextToken framing, and NegTokenResp both ways. Also the small strict DER reader
//! the crate uses for certificates.

use crate::AuthError;

/// Largest SPNEGO token accepted from a server.
pub(crate) const MAX_TOKEN_LEN: usize = 64 * 1024;

/// The SPNEGO mechanism, 1.3.6.1.5.5.2 (content octets of the OID).
pub(crate) const OID_SPNEGO: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x02];
/// NTLMSSP, 1.3.6.1.4.1.311.2.2.10.
pub(crate) const OID_NTLMSSP: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a];

pub(crate) const TAG_BIT_STRING: u8 = 0x03;
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
pub(crate) const TAG_OID: u8 = 0x06;
pub(crate) const TAG_ENUMERATED: u8 = 0x0a;
pub(crate) const TAG_SEQUENCE: u8 = 0x30;
const TAG_APPLICATION_0: u8 = 0x60;

/// Context-specific constructed tag `[n]`.
pub(crate) const fn context(n: u8) -> u8 {
    0xa0 | n
}

/// A strict DER reader over a byte slice: single-byte tags, definite minimal lengths, every
/// element inside its parent. Nesting is bounded by the callers, which read fixed schemas.
#[derive(Debug, Clone)]
pub(crate) struct Der<'a> {
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { rest: data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The tag of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next element: its tag and its content.
    pub(crate) fn element(&mut self) -> Result<(u8, &'a [u8]), &'static str> {
        let data = self.rest;
        let (&tag, after_tag) = data.split_first().ok_or("truncated element")?;
        if tag & 0x1f == 0x1f {
            return Err("multi-byte tags are not used here");
        }
        let (&first, after_len) = after_tag.split_first().ok_or("truncated length")?;
        let (len, body) = match first {
            0x00..=0x7f => (usize::from(first), after_len),
            0x80 => return Err("indefinite length is not DER"),
            0x81..=0x84 => {
                let n = usize::from(first & 0x7f);
                if after_len.len() < n {
                    return Err("truncated length");
                }
                let bytes = &after_len[..n];
                if bytes[0] == 0 {
                    return Err("length not in minimal form");
                }
                let len = bytes
                    .iter()
                    .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
                if len < 0x80 {
                    return Err("length not in minimal form");
                }
                (len, &after_len[n..])
            }
            _ => return Err("length too large"),
        };
        if len > body.len() {
            return Err("element longer than its container");
        }
        self.rest = &body[len..];
        Ok((tag, &body[..len]))
    }

    /// The content of the next element, which must carry `tag`.
    pub(crate) fn read_tagged(&mut self, tag: u8) -> Result<&'a [u8], &'static str> {
        match self.peek_tag() {
            Some(t) if t == tag => Ok(self.element()?.1),
            Some(_) => Err("unexpected tag"),
            None => Err("missing element"),
        }
    }

    /// The content of the next element when it carries `tag`, else `None`.
    pub(crate) fn read_optional(&mut self, tag: u8) -> Result<Option<&'a [u8]>, &'static str> {
        if self.peek_tag() == Some(tag) {
            self.read_tagged(tag).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Checks that nothing follows.
    pub(crate) fn finish(&self) -> Result<(), &'static str> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err("trailing data")
        }
    }
}

/// A DER element: `tag`, minimal length, `content`.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    match u8::try_from(content.len()) {
        Ok(short @ 0..0x80) => out.push(short),
        _ => {
            let bytes = content.len().to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count();
            #[allow(clippy::cast_possible_truncation)] // at most size_of::<usize>() bytes
            let count = (bytes.len() - skip) as u8;
            out.push(0x80 | count);
            out.extend_from_slice(&bytes[skip..]);
        }
    }
    out.extend_from_slice(content);
    out
}

/// The DER `MechTypeList` (a SEQUENCE OF OID): the bytes a mechListMIC covers.
pub(crate) fn encode_mech_type_list(mechs: &[&[u8]]) -> Vec<u8> {
    let oids: Vec<u8> = mechs.iter().flat_map(|m| tlv(TAG_OID, m)).collect();
    tlv(TAG_SEQUENCE, &oids)
}

/// The client's first token: InitialContextToken { SPNEGO OID, NegTokenInit { mechTypes,
/// mechToken } }. `mech_type_list` is the output of [`encode_mech_type_list`].
pub(crate) fn encode_neg_token_init(mech_type_list: &[u8], mech_token: Option<&[u8]>) -> Vec<u8> {
    let mut fields = tlv(context(0), mech_type_list);
    if let Some(token) = mech_token {
        fields.extend(tlv(context(2), &tlv(TAG_OCTET_STRING, token)));
    }
    let neg_token_init = tlv(context(0), &tlv(TAG_SEQUENCE, &fields));
    let mut inner = tlv(TAG_OID, OID_SPNEGO);
    inner.extend(neg_token_init);
    tlv(TAG_APPLICATION_0, &inner)
}

/// The state a NegTokenResp reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NegState {
    AcceptCompleted,
    AcceptIncomplete,
    Reject,
    RequestMic,
}

/// A NegTokenResp, RFC 4178 section 4.2.2.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NegTokenResp {
    pub(crate) neg_state: Option<NegState>,
    /// Content octets of the chosen mechanism's OID.
    pub(crate) supported_mech: Option<Vec<u8>>,
    pub(crate) response_token: Option<Vec<u8>>,
    pub(crate) mech_list_mic: Option<Vec<u8>>,
}

fn invalid(reason: &'static str) -> AuthError {
    AuthError::SpnegoInvalid { reason }
}

impl NegTokenResp {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut fields = Vec::new();
        if let Some(state) = self.neg_state {
            let value = match state {
                NegState::AcceptCompleted => 0,
                NegState::AcceptIncomplete => 1,
                NegState::Reject => 2,
                NegState::RequestMic => 3,
            };
            fields.extend(tlv(context(0), &tlv(TAG_ENUMERATED, &[value])));
        }
        if let Some(mech) = &self.supported_mech {
            fields.extend(tlv(context(1), &tlv(TAG_OID, mech)));
        }
        if let Some(token) = &self.response_token {
            fields.extend(tlv(context(2), &tlv(TAG_OCTET_STRING, token)));
        }
        if let Some(mic) = &self.mech_list_mic {
            fields.extend(tlv(context(3), &tlv(TAG_OCTET_STRING, mic)));
        }
        tlv(context(1), &tlv(TAG_SEQUENCE, &fields))
    }

    /// Decodes a NegTokenResp (`[1] SEQUENCE { … }`), refusing anything else.
    pub(crate) fn decode(token: &[u8]) -> Result<Self, AuthError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(invalid("the token is too large"));
        }
        let mut outer = Der::new(token);
        let choice = outer.read_tagged(context(1)).map_err(invalid)?;
        outer.finish().map_err(invalid)?;
        let mut choice = Der::new(choice);
        let body = choice.read_tagged(TAG_SEQUENCE).map_err(invalid)?;
        choice.finish().map_err(invalid)?;
        let mut fields = Der::new(body);
        let mut resp = Self::default();
        if let Some(state) = fields.read_optional(context(0)).map_err(invalid)? {
            let mut state = Der::new(state);
            let value = state.read_tagged(TAG_ENUMERATED).map_err(invalid)?;
            state.finish().map_err(invalid)?;
            resp.neg_state = Some(match value {
                [0] => NegState::AcceptCompleted,
                [1] => NegState::AcceptIncomplete,
                [2] => NegState::Reject,
                [3] => NegState::RequestMic,
                _ => return Err(invalid("unknown negState")),
            });
        }
        if let Some(mech) = fields.read_optional(context(1)).map_err(invalid)? {
            let mut mech = Der::new(mech);
            let oid = mech.read_tagged(TAG_OID).map_err(invalid)?;
            mech.finish().map_err(invalid)?;
            if oid.is_empty() {
                return Err(invalid("empty OID"));
            }
            resp.supported_mech = Some(oid.to_vec());
        }
        resp.response_token = octet_field(&mut fields, 2)?;
        resp.mech_list_mic = octet_field(&mut fields, 3)?;
        if !fields.is_empty() {
            return Err(invalid("unknown or misordered NegTokenResp field"));
        }
        Ok(resp)
    }
}

fn octet_field(fields: &mut Der<'_>, n: u8) -> Result<Option<Vec<u8>>, AuthError> {
    let Some(field) = fields.read_optional(context(n)).map_err(invalid)? else {
        return Ok(None);
    };
    let mut field = Der::new(field);
    let value = field.read_tagged(TAG_OCTET_STRING).map_err(invalid)?;
    field.finish().map_err(invalid)?;
    Ok(Some(value.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neg_token_init_layout() {
        let list = encode_mech_type_list(&[OID_NTLMSSP]);
        let token = encode_neg_token_init(&list, Some(b"NTLMSSP\0"));
        // 60 L 06 06 <spnego> a0 L 30 L a0 L 30 0c 06 0a <ntlmssp> a2 L 04 08 "NTLMSSP\0"
        let mut expected = vec![0x60, 0x28, 0x06, 0x06];
        expected.extend_from_slice(OID_SPNEGO);
        expected.extend_from_slice(&[0xa0, 0x1e, 0x30, 0x1c, 0xa0, 0x0e, 0x30, 0x0c, 0x06, 0x0a]);
        expected.extend_from_slice(OID_NTLMSSP);
        expected.extend_from_slice(&[0xa2, 0x0a, 0x04, 0x08]);
        expected.extend_from_slice(b"NTLMSSP\0");
        assert_eq!(token, expected);
    }

    #[test]
    fn neg_token_resp_round_trips() {
        let resp = NegTokenResp {
            neg_state: Some(NegState::AcceptIncomplete),
            supported_mech: Some(OID_NTLMSSP.to_vec()),
            response_token: Some(vec![7; 300]),
            mech_list_mic: Some(vec![1; 16]),
        };
        let bytes = resp.encode();
        assert_eq!(NegTokenResp::decode(&bytes).unwrap(), resp);
        for state in [
            NegState::AcceptCompleted,
            NegState::Reject,
            NegState::RequestMic,
        ] {
            let only = NegTokenResp {
                neg_state: Some(state),
                ..NegTokenResp::default()
            };
            assert_eq!(NegTokenResp::decode(&only.encode()).unwrap(), only);
        }
        let empty = NegTokenResp::default();
        assert_eq!(NegTokenResp::decode(&empty.encode()).unwrap(), empty);
    }

    #[test]
    fn long_lengths_are_minimal() {
        assert_eq!(&tlv(4, &[0; 0x7f])[..2], &[4, 0x7f]);
        assert_eq!(&tlv(4, &[0; 0x80])[..3], &[4, 0x81, 0x80]);
        assert_eq!(&tlv(4, &[0; 0x100])[..4], &[4, 0x82, 0x01, 0x00]);
        assert_eq!(&tlv(4, &[0; 0x10000])[..5], &[4, 0x83, 0x01, 0x00, 0x00]);
    }

    fn reason(token: &[u8]) -> &'static str {
        match NegTokenResp::decode(token) {
            Err(AuthError::SpnegoInvalid { reason }) => reason,
            other => panic!("expected a typed error, got {other:?}"),
        }
    }

    #[test]
    fn refuses_hostile_tokens() {
        let good = NegTokenResp {
            neg_state: Some(NegState::AcceptIncomplete),
            supported_mech: Some(OID_NTLMSSP.to_vec()),
            response_token: Some(vec![7; 20]),
            mech_list_mic: None,
        }
        .encode();
        assert_eq!(reason(&[]), "missing element");
        assert_eq!(
            reason(&good[..good.len() - 1]),
            "element longer than its container"
        );
        let mut wrong = good.clone();
        wrong[0] = 0xa0;
        assert_eq!(reason(&wrong), "unexpected tag");
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(reason(&trailing), "trailing data");
        assert_eq!(
            reason(&[0xa1, 0x80, 0x30, 0x00, 0x00, 0x00]),
            "indefinite length is not DER"
        );
        assert_eq!(reason(&[0xa1, 0x85, 1, 0, 0, 0, 0]), "length too large");
        assert_eq!(
            reason(&[0xa1, 0x84, 0xff, 0xff, 0xff, 0xff]),
            "element longer than its container"
        );
        assert_eq!(
            reason(&[0xa1, 0x81, 0x02, 0x30, 0x00]),
            "length not in minimal form"
        );
        assert_eq!(
            reason(&[0xa1, 0x82, 0x00, 0x02, 0x30, 0x00]),
            "length not in minimal form"
        );
        assert_eq!(
            Der::new(&[0xbf, 0x01, 0x00]).element().unwrap_err(),
            "multi-byte tags are not used here"
        );
        // negState 7, and an INTEGER where ENUMERATED belongs.
        assert_eq!(
            reason(&[0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x07]),
            "unknown negState"
        );
        assert_eq!(
            reason(&[0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x00]),
            "unexpected tag"
        );
        // Fields out of order: responseToken before negState.
        let misordered = [
            0xa1, 0x0b, 0x30, 0x09, 0xa2, 0x02, 0x04, 0x00, 0xa0, 0x03, 0x0a, 0x01, 0x00,
        ];
        assert_eq!(
            reason(&misordered),
            "unknown or misordered NegTokenResp field"
        );
        // A NegTokenInit where a NegTokenResp belongs.
        let init = encode_neg_token_init(&encode_mech_type_list(&[OID_NTLMSSP]), None);
        assert_eq!(reason(&init), "unexpected tag");
        let mut huge = vec![0xa1, 0x83, 0x01, 0x00, 0x01];
        huge.resize(MAX_TOKEN_LEN + 1, 0);
        assert_eq!(reason(&huge), "the token is too large");
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        // [1] { [1] { [1] … } } thousands deep: the schema allows exactly one level.
        let mut token = vec![0x30, 0x00];
        for _ in 0..5000 {
            token = tlv(context(1), &token);
            if token.len() > MAX_TOKEN_LEN / 2 {
                break;
            }
        }
        assert!(NegTokenResp::decode(&token).is_err());
        let mut seqs = vec![0x04, 0x00];
        for _ in 0..2000 {
            seqs = tlv(TAG_SEQUENCE, &seqs);
        }
        assert_eq!(
            reason(&tlv(context(1), &seqs)),
            "unknown or misordered NegTokenResp field"
        );
    }

    #[test]
    fn truncations_and_flips_never_panic() {
        let good = NegTokenResp {
            neg_state: Some(NegState::AcceptCompleted),
            supported_mech: Some(OID_NTLMSSP.to_vec()),
            response_token: Some(vec![9; 200]),
            mech_list_mic: Some(vec![1; 16]),
        }
        .encode();
        for cut in 0..good.len() {
            assert!(NegTokenResp::decode(&good[..cut]).is_err());
        }
        for at in 0..good.len() {
            for bit in 0..8 {
                let mut m = good.clone();
                m[at] ^= 1 << bit;
                if let Ok(resp) = NegTokenResp::decode(&m) {
                    // Whatever parses re-encodes to the same bytes (DER is canonical).
                    assert_eq!(resp.encode(), m);
                }
            }
        }
    }
}
