use super::*;
use base64::Engine as _;
use messages::tests::{challenge_bytes, spec_target_info, SERVER_FLAGS};
use zeroize::Zeroizing;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn creds(user: &str, password: &str) -> UserCredentials {
    UserCredentials::new(user, SecretString::from(password.to_owned()))
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("NTLM never awaits"),
    }
}

const SERVER_CHALLENGE: [u8; 8] = [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef];

// MS-NLMP 4.2.4: user "User", domain "Domain", password "Password", server challenge
// 0123456789abcdef, client challenge aa…, time zero, random session key 55…

#[test]
fn spec_4_2_4_ntowfv2() {
    let key = crypto::ntowfv2("Password", "User", "Domain");
    assert_eq!(hex(key.as_slice()), "0c868a403bfd7a93a3001ef22ef02e3f");
}

#[test]
fn spec_4_2_4_responses_and_session_base_key() {
    let key = crypto::ntowfv2("Password", "User", "Domain");
    let response = crypto::ntlmv2_response(
        &key,
        &SERVER_CHALLENGE,
        &[0xaa; 8],
        0,
        &spec_target_info(),
        false,
    );
    assert_eq!(
        hex(&response.nt_response[..16]),
        "68cd0ab851e51c96aabc927bebef6a1c"
    );
    assert_eq!(
        hex(&response.nt_response[16..]),
        "01010000000000000000000000000000aaaaaaaaaaaaaaaa00000000\
         02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000\
         00000000"
    );
    assert_eq!(
        hex(&response.lm_response),
        "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa"
    );
    assert_eq!(
        hex(response.session_base_key.as_slice()),
        "8de40ccadbc14a82f15cb0ad0de95ca3"
    );
    // With the server's timestamp the LMv2 response is zero (MS-NLMP 3.1.5.1.2).
    let zeroed = crypto::ntlmv2_response(
        &key,
        &SERVER_CHALLENGE,
        &[0xaa; 8],
        0,
        &spec_target_info(),
        true,
    );
    assert_eq!(zeroed.lm_response, [0; 24]);
}

#[test]
fn spec_4_2_4_encrypted_random_session_key() {
    let mut key = [0x55u8; 16];
    let base = [
        0x8d, 0xe4, 0x0c, 0xca, 0xdb, 0xc1, 0x4a, 0x82, 0xf1, 0x5c, 0xb0, 0xad, 0x0d, 0xe9, 0x5c,
        0xa3,
    ];
    crypto::Rc4::new(&base).apply(&mut key);
    assert_eq!(
        hex(&key),
        "c5dad2544fc97990 94ce1ce90bc9d03e".replace(' ', "")
    );
}

fn spec_client(target: &Target) -> Client {
    Client::new(
        &creds("Domain\\User", "Password"),
        None,
        target,
        messages::CLIENT_FLAGS,
    )
    .unwrap()
}

fn spec_nonces() -> Nonces {
    Nonces {
        client_challenge: [0xaa; 8],
        random_session_key: Zeroizing::new([0x55; 16]),
        now: 0x01d9_0000_0000_0000,
    }
}

fn field(m: &[u8], at: usize) -> &[u8] {
    let len = usize::from(u16::from_le_bytes([m[at], m[at + 1]]));
    let offset = u32::from_le_bytes(m[at + 4..at + 8].try_into().unwrap()) as usize;
    &m[offset..offset + len]
}

#[test]
fn authenticate_message_carries_everything_ntlmv2_needs() {
    let target = Target::new("https://mail.contoso.test/EWS/Exchange.asmx")
        .unwrap()
        .with_channel_bindings(ChannelBindings::tls_server_end_point(vec![7; 32]));
    let client = spec_client(&target);
    let challenge = challenge_bytes(SERVER_FLAGS, SERVER_CHALLENGE, &spec_target_info());
    let parsed = messages::parse_challenge(&challenge).unwrap();
    let auth = client
        .authenticate_with(&challenge, &parsed, &spec_nonces())
        .unwrap();
    let m = &auth.message;
    assert_eq!(&m[..8], b"NTLMSSP\0");
    assert_eq!(u32::from_le_bytes(m[8..12].try_into().unwrap()), 3);
    assert_eq!(field(m, 28), crypto::utf16le("Domain").as_slice());
    assert_eq!(field(m, 36), crypto::utf16le("User").as_slice());
    assert_eq!(field(m, 44), b"");
    // Key exchange: the random session key, RC4-encrypted with the session base key.
    let key = crypto::ntowfv2("Password", "User", "Domain");
    let base = crypto::hmac_md5(key.as_slice(), &[&field(m, 20)[..16]]);
    let mut decrypted = field(m, 52).to_vec();
    crypto::Rc4::new(&base).apply(&mut decrypted);
    assert_eq!(decrypted, [0x55; 16]);
    assert_eq!(*auth.exported_session_key, [0x55; 16]);
    assert!(auth.key_exchange);
    let flags = u32::from_le_bytes(m[60..64].try_into().unwrap());
    assert_eq!(flags, SERVER_FLAGS & messages::CLIENT_FLAGS);
    // No server timestamp: LMv2 is computed and the client's clock goes into the blob.
    let lm = field(m, 12);
    assert_eq!(hex(lm), "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa");
    let nt = field(m, 20);
    assert_eq!(&nt[24..32], &0x01d9_0000_0000_0000u64.to_le_bytes());
    // The blob's AV pairs: the server's, then MIC flag, channel bindings, target name.
    let pairs = messages::parse_av_pairs(&nt[44..]).unwrap();
    let get = |id| pairs.iter().find(|p| p.id == id).map(|p| p.value.clone());
    assert_eq!(get(2), Some(crypto::utf16le("Domain")));
    assert_eq!(get(messages::AV_FLAGS), Some(2u32.to_le_bytes().to_vec()));
    assert_eq!(
        get(messages::AV_CHANNEL_BINDINGS),
        Some(target.channel_bindings().unwrap().gss_md5().to_vec())
    );
    assert_eq!(
        get(messages::AV_TARGET_NAME),
        Some(crypto::utf16le("HTTP/mail.contoso.test"))
    );
    // The MIC covers the three messages with the MIC field zeroed.
    let mut zeroed = m.clone();
    zeroed[72..88].fill(0);
    let mic = crypto::hmac_md5(&[0x55; 16], &[&client.negotiate, &challenge, &zeroed]);
    assert_eq!(&m[72..88], &mic);
    // NTProofStr verifies the way the server checks it.
    let proof = crypto::hmac_md5(key.as_slice(), &[&SERVER_CHALLENGE, &nt[16..]]);
    assert_eq!(&nt[..16], &proof);
}

#[test]
fn server_timestamp_zeroes_lmv2_and_bindings_default_to_zero() {
    let target = Target::new("http://localhost/ntlm/").unwrap();
    let client = spec_client(&target);
    let mut info = vec![AvPair {
        id: messages::AV_TIMESTAMP,
        value: 0x0102_0304_0506_0708u64.to_le_bytes().to_vec(),
    }];
    info.push(AvPair {
        id: messages::AV_FLAGS,
        value: 1u32.to_le_bytes().to_vec(),
    });
    let challenge = challenge_bytes(
        SERVER_FLAGS & !messages::NEGOTIATE_KEY_EXCH,
        SERVER_CHALLENGE,
        &messages::encode_av_pairs(&info),
    );
    let parsed = messages::parse_challenge(&challenge).unwrap();
    let auth = client
        .authenticate_with(&challenge, &parsed, &spec_nonces())
        .unwrap();
    let m = &auth.message;
    assert_eq!(field(m, 12), &[0; 24]);
    assert_eq!(field(m, 52), b"");
    assert!(!auth.key_exchange);
    let nt = field(m, 20);
    assert_eq!(&nt[24..32], &0x0102_0304_0506_0708u64.to_le_bytes());
    let pairs = messages::parse_av_pairs(&nt[44..]).unwrap();
    let get = |id| pairs.iter().find(|p| p.id == id).map(|p| p.value.clone());
    // The server's flags are kept and the MIC bit added.
    assert_eq!(get(messages::AV_FLAGS), Some(3u32.to_le_bytes().to_vec()));
    assert_eq!(get(messages::AV_CHANNEL_BINDINGS), Some(vec![0; 16]));
    // Without key exchange the MIC key is the session base key.
    let key = crypto::ntowfv2("Password", "User", "Domain");
    let base = crypto::hmac_md5(key.as_slice(), &[&nt[..16]]);
    assert_eq!(*auth.exported_session_key, base);
}

#[test]
fn a_host_name_too_long_for_the_target_name_pair_is_refused() {
    // 40 000 characters are 80 000 bytes of UTF-16: more than an AV pair's 16-bit length.
    let target = Target::new(&format!("http://{}/EWS/", "a".repeat(40_000))).unwrap();
    let ntlm = Ntlm::new(creds("alice", "pw")).unwrap();
    let refused = [
        block_on(ntlm.begin(&target)).err(),
        negotiate_handshake(creds("alice", "pw"), &target).err(),
    ];
    for err in refused {
        let err = err.expect("no handshake starts");
        assert!(matches!(err, AuthError::InvalidTarget { .. }), "{err}");
    }
    // The longest DNS name still works.
    let target = Target::new(&format!("http://{}/EWS/", "a".repeat(253))).unwrap();
    let client = spec_client(&target);
    let challenge = challenge_bytes(SERVER_FLAGS, SERVER_CHALLENGE, &spec_target_info());
    let parsed = messages::parse_challenge(&challenge).unwrap();
    assert!(client
        .authenticate_with(&challenge, &parsed, &spec_nonces())
        .is_ok());
}

#[test]
fn user_name_forms() {
    let id = |name: &str| Identity::parse(name).unwrap();
    assert_eq!(
        id("CONTOSO\\alice"),
        Identity {
            user: "alice".into(),
            domain: "CONTOSO".into()
        }
    );
    assert_eq!(
        id("alice@contoso.com"),
        Identity {
            user: "alice@contoso.com".into(),
            domain: String::new()
        }
    );
    assert_eq!(
        id("alice"),
        Identity {
            user: "alice".into(),
            domain: String::new()
        }
    );
    for bad in ["", "\\alice", "CONTOSO\\", "a\\b\\c", "ali\nce"] {
        assert!(
            matches!(
                Identity::parse(bad),
                Err(AuthError::InvalidCredentials { .. })
            ),
            "{bad:?}"
        );
        assert!(Ntlm::new(creds(bad, "pw")).is_err());
    }
}

#[test]
fn debug_never_shows_the_password() {
    let ntlm = Ntlm::new(creds("CONTOSO\\alice", "hunter2-secret"))
        .unwrap()
        .workstation("WS1");
    let printed = format!("{ntlm:?}");
    assert!(printed.contains("alice"));
    assert!(printed.contains("WS1"));
    assert!(!printed.contains("hunter2-secret"));
}

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn unb64(header: &HeaderValue, scheme: &str) -> Vec<u8> {
    let text = header.to_str().unwrap();
    let token = text
        .strip_prefix(scheme)
        .unwrap()
        .strip_prefix(' ')
        .unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(token)
        .unwrap()
}

fn challenge(value: &str) -> Challenge {
    Challenge::parse(value).unwrap()
}

#[test]
fn ntlm_handshake_legs() {
    let ntlm = Ntlm::new(creds("alice", "pw")).unwrap().workstation("WS1");
    assert_eq!(ntlm.scheme(), "NTLM");
    assert!(ntlm.is_connection_bound());
    let target = Target::new("http://localhost/ntlm/").unwrap();
    let mut hs = block_on(ntlm.begin(&target)).unwrap();
    let first = block_on(hs.initial()).unwrap().unwrap();
    assert!(first.is_sensitive());
    assert_eq!(
        unb64(&first, "NTLM"),
        messages::negotiate(messages::CLIENT_FLAGS)
    );
    let type2 = challenge_bytes(SERVER_FLAGS, SERVER_CHALLENGE, &spec_target_info());
    let offered = [
        challenge("Negotiate"),
        challenge(&format!("NTLM {}", b64(&type2))),
    ];
    let second = block_on(hs.challenge(&offered)).unwrap();
    assert!(second.is_sensitive());
    let type3 = unb64(&second, "NTLM");
    assert_eq!(u32::from_le_bytes(type3[8..12].try_into().unwrap()), 3);
    assert_eq!(field(&type3, 44), crypto::utf16le("WS1").as_slice());
    // A bare NTLM after the AUTHENTICATE message is a refusal.
    let err = block_on(hs.challenge(&[challenge("NTLM")])).unwrap_err();
    assert!(
        matches!(err, AuthError::Rejected { scheme: "NTLM" }),
        "{err}"
    );
}

#[test]
fn a_challenge_before_the_first_leg_starts_the_handshake() {
    let target = Target::new("http://localhost/ntlm/").unwrap();
    let ntlm = Ntlm::new(creds("alice", "pw")).unwrap();
    let mut hs = block_on(ntlm.begin(&target)).unwrap();
    let first = block_on(hs.challenge(&[challenge("NTLM")])).unwrap();
    assert_eq!(
        unb64(&first, "NTLM"),
        messages::negotiate(messages::CLIENT_FLAGS)
    );
    let mut hs = negotiate_handshake(creds("alice", "pw"), &target).unwrap();
    let first = block_on(hs.challenge(&[challenge("Negotiate")])).unwrap();
    let init = NegTokenResp::decode(&unb64(&first, "Negotiate"));
    assert!(init.is_err(), "the first token is a NegTokenInit");
    assert_eq!(unb64(&first, "Negotiate")[0], 0x60);
}

#[test]
fn ntlm_handshake_errors() {
    let ntlm = Ntlm::new(creds("alice", "pw")).unwrap();
    let target = Target::new("http://localhost/ntlm/").unwrap();
    let mut hs = block_on(ntlm.begin(&target)).unwrap();
    block_on(hs.initial()).unwrap();
    let err = block_on(hs.challenge(&[challenge("Negotiate"), challenge("Basic realm=\"x\"")]))
        .unwrap_err();
    match err {
        AuthError::SchemeNotOffered { scheme, offered } => {
            assert_eq!(scheme, "NTLM");
            assert_eq!(offered, "Negotiate, Basic");
        }
        other => panic!("{other}"),
    }
    let err = block_on(hs.challenge(&[challenge("NTLM")])).unwrap_err();
    assert!(
        matches!(err, AuthError::NtlmChallengeInvalid { .. }),
        "{err}"
    );
    let err = block_on(hs.challenge(&[challenge("NTLM !!!notbase64")])).unwrap_err();
    assert!(
        matches!(err, AuthError::NtlmChallengeInvalid { .. }),
        "{err}"
    );
    let err = block_on(hs.challenge(&[challenge(&format!("NTLM {}", b64(b"NTLMSSP\0short")))]))
        .unwrap_err();
    assert!(
        matches!(err, AuthError::NtlmChallengeInvalid { .. }),
        "{err}"
    );
    let v1 = challenge_bytes(
        SERVER_FLAGS & !messages::NEGOTIATE_EXTENDED_SESSIONSECURITY,
        SERVER_CHALLENGE,
        &spec_target_info(),
    );
    let err = block_on(hs.challenge(&[challenge(&format!("NTLM {}", b64(&v1)))])).unwrap_err();
    assert!(matches!(err, AuthError::NtlmV1Refused), "{err}");
    let huge = format!("NTLM {}", "A".repeat(200_000));
    let err = block_on(hs.challenge(&[challenge(&huge)])).unwrap_err();
    assert!(
        matches!(err, AuthError::NtlmChallengeInvalid { .. }),
        "{err}"
    );
}

/// The acceptor's side of NTLM in SPNEGO, enough to check what the client sends.
fn spnego_challenge(resp: &NegTokenResp) -> Challenge {
    challenge(&format!("Negotiate {}", b64(&resp.encode())))
}

#[test]
fn spnego_handshake_sends_ntlm_with_a_mech_list_mic() {
    let target = Target::new("http://localhost/ntlm/").unwrap();
    let mut hs = negotiate_handshake(creds("alice", "alicepw"), &target).unwrap();
    let first = block_on(hs.initial()).unwrap().unwrap();
    assert!(first.is_sensitive());
    let init = unb64(&first, "Negotiate");
    let mech_list = spnego::encode_mech_type_list(&[spnego::OID_NTLMSSP]);
    let type1 = messages::negotiate(messages::CLIENT_FLAGS | messages::NEGOTIATE_SIGN);
    assert_eq!(
        init,
        spnego::encode_neg_token_init(&mech_list, Some(&type1))
    );

    let type2 = challenge_bytes(SERVER_FLAGS, SERVER_CHALLENGE, &spec_target_info());
    let second = block_on(hs.challenge(&[spnego_challenge(&NegTokenResp {
        neg_state: Some(NegState::AcceptIncomplete),
        supported_mech: Some(spnego::OID_NTLMSSP.to_vec()),
        response_token: Some(type2.clone()),
        mech_list_mic: None,
    })]))
    .unwrap();
    let resp = NegTokenResp::decode(&unb64(&second, "Negotiate")).unwrap();
    let type3 = resp.response_token.unwrap();
    let mic = resp.mech_list_mic.unwrap();
    // Recompute the exported session key as the acceptor does and check both MICs.
    let key = crypto::ntowfv2("alicepw", "alice", "");
    let nt = field(&type3, 20);
    let base = crypto::hmac_md5(key.as_slice(), &[&nt[..16]]);
    let mut exported = field(&type3, 52).to_vec();
    crypto::Rc4::new(&base).apply(&mut exported);
    let exported: [u8; 16] = exported.try_into().unwrap();
    let mut zeroed = type3.clone();
    zeroed[72..88].fill(0);
    assert_eq!(
        &type3[72..88],
        &crypto::hmac_md5(&exported, &[&type1, &type2, &zeroed])
    );
    let expected = Signer::new(&exported, true, true).sign(&mech_list);
    assert_eq!(mic, expected);

    // The acceptor's final token, with its own mechListMIC, is checked.
    let server_mic = Signer::new(&exported, false, true).sign(&mech_list);
    let done = NegTokenResp {
        neg_state: Some(NegState::AcceptCompleted),
        supported_mech: None,
        response_token: None,
        mech_list_mic: Some(server_mic.to_vec()),
    };
    hs.accepted(&[spnego_challenge(&done)]).unwrap();
}

fn spnego_after_authenticate() -> Box<dyn Handshake> {
    let target = Target::new("http://localhost/ntlm/").unwrap();
    let mut hs = negotiate_handshake(creds("alice", "alicepw"), &target).unwrap();
    block_on(hs.initial()).unwrap();
    let type2 = challenge_bytes(SERVER_FLAGS, SERVER_CHALLENGE, &spec_target_info());
    block_on(hs.challenge(&[spnego_challenge(&NegTokenResp {
        neg_state: Some(NegState::AcceptIncomplete),
        supported_mech: Some(spnego::OID_NTLMSSP.to_vec()),
        response_token: Some(type2),
        mech_list_mic: None,
    })]))
    .unwrap();
    hs
}

#[test]
fn spnego_handshake_refuses_bad_answers() {
    // A forged server mechListMIC.
    let mut hs = spnego_after_authenticate();
    let forged = NegTokenResp {
        neg_state: Some(NegState::AcceptCompleted),
        mech_list_mic: Some(vec![1; 16]),
        ..NegTokenResp::default()
    };
    let err = hs.accepted(&[spnego_challenge(&forged)]).unwrap_err();
    assert!(matches!(err, AuthError::SpnegoMicInvalid), "{err}");
    // A reject in the final answer.
    let reject = NegTokenResp {
        neg_state: Some(NegState::Reject),
        ..NegTokenResp::default()
    };
    let err = hs.accepted(&[spnego_challenge(&reject)]).unwrap_err();
    assert!(err.is_rejected(), "{err}");
    // No final token at all is accepted (the server may send none).
    hs.accepted(&[]).unwrap();
    // A 401 after the AUTHENTICATE message is a refusal.
    let err = block_on(hs.challenge(&[challenge("Negotiate")])).unwrap_err();
    assert!(
        matches!(
            err,
            AuthError::Rejected {
                scheme: "Negotiate"
            }
        ),
        "{err}"
    );

    let target = Target::new("http://localhost/ntlm/").unwrap();
    let mut hs = negotiate_handshake(creds("alice", "alicepw"), &target).unwrap();
    block_on(hs.initial()).unwrap();
    // Kerberos chosen by the server.
    let krb = NegTokenResp {
        neg_state: Some(NegState::AcceptIncomplete),
        // Kerberos V5, 1.2.840.113554.1.2.2.
        supported_mech: Some(vec![0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02]),
        response_token: Some(vec![1, 2, 3]),
        mech_list_mic: None,
    };
    let err = block_on(hs.challenge(&[spnego_challenge(&krb)])).unwrap_err();
    assert!(matches!(err, AuthError::SpnegoInvalid { .. }), "{err}");
    let err = block_on(hs.challenge(&[challenge("Negotiate oops")])).unwrap_err();
    assert!(matches!(err, AuthError::SpnegoInvalid { .. }), "{err}");
    let err = block_on(hs.challenge(&[challenge("NTLM")])).unwrap_err();
    assert!(
        matches!(
            err,
            AuthError::SchemeNotOffered {
                scheme: "Negotiate",
                ..
            }
        ),
        "{err}"
    );
    // A bare Negotiate after NegTokenInit: the server refused the token.
    let err = block_on(hs.challenge(&[challenge("Negotiate")])).unwrap_err();
    assert!(err.is_rejected(), "{err}");
}

/// NTLM inside SPNEGO against Apache with gss-ntlmssp behind MIT's SPNEGO acceptor, from the
/// shared Kerberos rig (`/negotiate/` offers Kerberos and NTLM; the NegTokenInit lists NTLM only).
mod apache {
    use super::*;
    use exchange_test_support::kerberos::KerberosRig;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;

    fn send(
        conn: &mut BufReader<TcpStream>,
        path: &str,
        auth: &HeaderValue,
    ) -> (u16, Vec<Challenge>) {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: {}\r\n\r\n",
            auth.to_str().unwrap()
        );
        conn.get_mut().write_all(request.as_bytes()).unwrap();
        let mut line = String::new();
        conn.read_line(&mut line).unwrap();
        let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        let (mut challenges, mut length) = (Vec::new(), 0usize);
        loop {
            line.clear();
            conn.read_line(&mut line).unwrap();
            let Some((name, value)) = line.trim_end().split_once(':') else {
                break;
            };
            if name.eq_ignore_ascii_case("www-authenticate") {
                challenges.extend(Challenge::parse(value));
            } else if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
        conn.read_exact(&mut vec![0; length]).unwrap();
        (status, challenges)
    }

    /// Runs the handshake; returns the status and whether the final answer carried a token.
    fn run(wrong_password: bool) -> Option<Result<(u16, bool), AuthError>> {
        let rig = KerberosRig::shared()?;
        let (port, path) = (rig.http_port(), "/negotiate/");
        let target = Target::new(&rig.url(path)).unwrap();
        let password = if wrong_password {
            SecretString::from("not-the-password")
        } else {
            rig.password()
        };
        let credentials = UserCredentials::new(rig.user(), password);
        let mut hs = negotiate_handshake(credentials, &target).unwrap();
        let mut conn = BufReader::new(TcpStream::connect(("127.0.0.1", port)).unwrap());
        let mut auth = block_on(hs.initial()).unwrap().unwrap();
        for _ in 0..4 {
            let (status, challenges) = send(&mut conn, path, &auth);
            if status != 401 {
                let final_token = challenges
                    .iter()
                    .any(|c| c.is("Negotiate") && c.data().is_some());
                return Some(hs.accepted(&challenges).map(|()| (status, final_token)));
            }
            auth = match block_on(hs.challenge(&challenges)) {
                Ok(next) => next,
                Err(err) => return Some(Err(err)),
            };
        }
        panic!("the handshake did not end after four legs");
    }

    #[test]
    fn ntlm_in_spnego_is_accepted_and_its_mech_list_mic_verifies() {
        let Some(result) = run(false) else { return };
        let (status, final_token) = result.unwrap();
        assert_eq!(status, 200);
        // MIT's acceptor answers with accept-completed and its own mechListMIC, which
        // `accepted` verified.
        assert!(final_token);
    }

    #[test]
    fn ntlm_in_spnego_with_the_wrong_password_is_rejected() {
        let Some(result) = run(true) else { return };
        let err = result.unwrap_err();
        assert!(
            matches!(
                err,
                AuthError::Rejected {
                    scheme: "Negotiate"
                }
            ),
            "{err}"
        );
    }
}
