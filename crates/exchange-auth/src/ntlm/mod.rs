//! NTLMv2 (MS-NLMP), as Exchange Server's Integrated Windows Authentication speaks it over
//! HTTP, alone (`NTLM`) and inside SPNEGO (`Negotiate`).

mod crypto;
mod messages;

use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use http::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::credentials::UserName;
use crate::secret;
use crate::spnego::{self, NegState, NegTokenResp};
use crate::{
    AuthError, AuthStrategy, Challenge, ChannelBindings, Handshake, Target, UserCredentials,
};
use crypto::{Key16, Signer};
use messages::{AvPair, ChallengeMessage};

/// NTLMv2 authentication (MS-NLMP) for Exchange Server's Integrated Windows Authentication.
///
/// Speaks NTLMv2 with extended session security only: a server offering nothing better than
/// NTLMv1 is refused. The AUTHENTICATE message carries a MIC over the three messages, the
/// target name `HTTP/<host>` and, when the [`Target`] has them, the TLS channel bindings
/// (Extended Protection). The user name may be `DOMAIN\user`, `user@domain.tld` or `user`.
///
/// The handshake takes two round trips on one kept-alive connection.
///
/// ```
/// use exchange_auth::{AuthStrategy, Ntlm, Target, UserCredentials};
/// use secrecy::SecretString;
///
/// # async fn run() -> Result<(), exchange_auth::AuthError> {
/// let ntlm = Ntlm::new(UserCredentials::new(
///     "CONTOSO\\alice",
///     SecretString::from("correct horse"),
/// ))?
/// .workstation("LAPTOP-7");
/// assert!(ntlm.is_connection_bound());
/// let target = Target::new("https://mail.contoso.test/EWS/Exchange.asmx")?;
/// let mut handshake = ntlm.begin(&target).await?;
/// // The first leg sends the NEGOTIATE message; the server's 401 carries the challenge.
/// let header = handshake.initial().await?.expect("NTLM starts with NEGOTIATE");
/// assert!(header.to_str().unwrap().starts_with("NTLM TlRMTVNTUA"));
/// # Ok(()) }
/// # block_on(run()).unwrap();
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     use std::task::{Context, Poll, Waker};
/// #     let mut f = std::pin::pin!(f);
/// #     match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
/// #         Poll::Ready(v) => v,
/// #         Poll::Pending => unreachable!("NTLM never awaits"),
/// #     }
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Ntlm {
    credentials: UserCredentials,
    workstation: Option<String>,
}

impl Ntlm {
    /// NTLM with these credentials.
    pub fn new(credentials: UserCredentials) -> Result<Self, AuthError> {
        Identity::parse(credentials.user())?;
        Ok(Self {
            credentials,
            workstation: None,
        })
    }

    /// Sends `name` as the workstation name of the client (none by default).
    pub fn workstation(mut self, name: impl Into<String>) -> Self {
        self.workstation = Some(name.into());
        self
    }
}

#[async_trait]
impl AuthStrategy for Ntlm {
    fn scheme(&self) -> &'static str {
        "NTLM"
    }

    fn is_connection_bound(&self) -> bool {
        true
    }

    async fn begin(&self, target: &Target) -> Result<Box<dyn Handshake>, AuthError> {
        let client = Client::new(
            &self.credentials,
            self.workstation.as_deref(),
            target,
            messages::CLIENT_FLAGS,
        )?;
        Ok(Box::new(NtlmHandshake {
            client,
            state: State::Start,
        }))
    }
}

/// The Negotiate handshake that carries NTLM inside SPNEGO, for servers (or clients without a
/// Kerberos ticket) where Kerberos is not available.
pub(crate) fn negotiate_handshake(
    credentials: UserCredentials,
    target: &Target,
) -> Result<Box<dyn Handshake>, AuthError> {
    // SPNEGO needs a mechListMIC, which needs NTLM signing.
    let flags = messages::CLIENT_FLAGS | messages::NEGOTIATE_SIGN;
    let client = Client::new(&credentials, None, target, flags)?;
    Ok(Box::new(SpnegoHandshake {
        client,
        state: State::Start,
        mech_type_list: spnego::encode_mech_type_list(&[spnego::OID_NTLMSSP]),
        server_signer: None,
    }))
}

/// The user and domain fields of the AUTHENTICATE message.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    user: String,
    domain: String,
}

impl Identity {
    fn parse(name: &str) -> Result<Self, AuthError> {
        Ok(match UserName::parse(name)? {
            UserName::DownLevel { domain, user } => Self {
                user: user.to_owned(),
                domain: domain.to_owned(),
            },
            // A UPN goes whole into the user field with an empty domain (MS-NLMP 3.1.5.1.2),
            // and a bare name has no domain: the server uses its own.
            UserName::Principal { .. } | UserName::Plain(_) => Self {
                user: name.to_owned(),
                domain: String::new(),
            },
        })
    }
}

/// The NTLM client side shared by both HTTP schemes.
struct Client {
    identity: Identity,
    password: SecretString,
    workstation: String,
    target_name: String,
    bindings: Option<ChannelBindings>,
    flags: u32,
    negotiate: Vec<u8>,
}

/// The AUTHENTICATE message and the key later signatures use.
struct Authenticated {
    message: Vec<u8>,
    exported_session_key: Key16,
    key_exchange: bool,
}

/// What the client draws at random, fixed in tests.
struct Nonces {
    client_challenge: [u8; 8],
    random_session_key: Key16,
    now: u64,
}

impl Nonces {
    fn draw() -> Result<Self, AuthError> {
        let client_challenge = *crypto::random::<8>()?;
        Ok(Self {
            client_challenge,
            random_session_key: crypto::random::<16>()?,
            now: filetime_now(),
        })
    }
}

/// Now as a Windows FILETIME: 100 ns ticks since 1601-01-01.
fn filetime_now() -> u64 {
    const UNIX_EPOCH_AS_FILETIME: u64 = 116_444_736_000_000_000;
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    UNIX_EPOCH_AS_FILETIME + since.as_secs() * 10_000_000 + u64::from(since.subsec_nanos() / 100)
}

/// Longest host name accepted, well above DNS's 253 characters: the target name `HTTP/<host>`
/// travels in UTF-16 in an AV pair of 16-bit length, inside a message of at most 64 KiB.
const MAX_HOST_LEN: usize = 1024;

impl Client {
    fn new(
        credentials: &UserCredentials,
        workstation: Option<&str>,
        target: &Target,
        flags: u32,
    ) -> Result<Self, AuthError> {
        if target.host().len() > MAX_HOST_LEN {
            return Err(AuthError::InvalidTarget {
                url: target.url().to_owned(),
                reason: "the host name is too long for NTLM",
            });
        }
        Ok(Self {
            identity: Identity::parse(credentials.user())?,
            password: credentials.password().clone(),
            workstation: workstation.unwrap_or_default().to_owned(),
            target_name: format!("HTTP/{}", target.host()),
            bindings: target.channel_bindings().cloned(),
            flags,
            negotiate: messages::negotiate(flags),
        })
    }

    fn authenticate(&self, challenge: &[u8]) -> Result<Authenticated, AuthError> {
        let parsed = messages::parse_challenge(challenge)?;
        self.authenticate_with(challenge, &parsed, &Nonces::draw()?)
    }

    fn authenticate_with(
        &self,
        challenge_bytes: &[u8],
        challenge: &ChallengeMessage,
        nonces: &Nonces,
    ) -> Result<Authenticated, AuthError> {
        let flags = challenge.flags & self.flags;
        let server_timestamp = challenge.timestamp();
        let target_info = messages::encode_av_pairs(&self.answer_target_info(challenge));
        let response_key = crypto::ntowfv2(
            self.password.expose_secret(),
            &self.identity.user,
            &self.identity.domain,
        );
        let response = crypto::ntlmv2_response(
            &response_key,
            &challenge.server_challenge,
            &nonces.client_challenge,
            server_timestamp.unwrap_or(nonces.now),
            &target_info,
            server_timestamp.is_some(),
        );
        // For NTLMv2 the key exchange key is the session base key (MS-NLMP 3.4.5.1).
        let key_exchange = flags & messages::NEGOTIATE_KEY_EXCH != 0;
        let (exported_session_key, encrypted_session_key) = if key_exchange {
            let mut encrypted = *nonces.random_session_key;
            crypto::Rc4::new(response.session_base_key.as_slice()).apply(&mut encrypted);
            (nonces.random_session_key.clone(), encrypted.to_vec())
        } else {
            (response.session_base_key.clone(), Vec::new())
        };
        let mut message = messages::Authenticate {
            flags,
            lm_response: &response.lm_response,
            nt_response: &response.nt_response,
            domain: &crypto::utf16le(&self.identity.domain),
            user: &crypto::utf16le(&self.identity.user),
            workstation: &crypto::utf16le(&self.workstation),
            encrypted_session_key: &encrypted_session_key,
        }
        .encode()?;
        let mic = crypto::hmac_md5(
            exported_session_key.as_slice(),
            &[&self.negotiate, challenge_bytes, &message],
        );
        message[messages::MIC_OFFSET..messages::MIC_OFFSET + 16].copy_from_slice(&mic);
        Ok(Authenticated {
            message,
            exported_session_key,
            key_exchange,
        })
    }

    /// The server's AV pairs plus the MIC flag, the channel bindings and the target name.
    fn answer_target_info(&self, challenge: &ChallengeMessage) -> Vec<AvPair> {
        let mut flags = messages::AV_FLAG_MIC_PRESENT;
        let mut pairs: Vec<AvPair> = Vec::with_capacity(challenge.target_info.len() + 3);
        for pair in &challenge.target_info {
            match pair.id {
                messages::AV_FLAGS => {
                    let bytes: [u8; 4] =
                        pair.value.as_slice().try_into().expect("checked: 4 bytes");
                    flags |= u32::from_le_bytes(bytes);
                }
                messages::AV_CHANNEL_BINDINGS | messages::AV_TARGET_NAME => {}
                _ => pairs.push(pair.clone()),
            }
        }
        pairs.push(AvPair {
            id: messages::AV_FLAGS,
            value: flags.to_le_bytes().to_vec(),
        });
        pairs.push(AvPair {
            id: messages::AV_CHANNEL_BINDINGS,
            value: self
                .bindings
                .as_ref()
                .map_or([0; 16], ChannelBindings::gss_md5)
                .to_vec(),
        });
        pairs.push(AvPair {
            id: messages::AV_TARGET_NAME,
            value: crypto::utf16le(&self.target_name),
        });
        pairs
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    SentNegotiate,
    SentAuthenticate,
}

struct NtlmHandshake {
    client: Client,
    state: State,
}

#[async_trait]
impl Handshake for NtlmHandshake {
    async fn initial(&mut self) -> Result<Option<HeaderValue>, AuthError> {
        self.state = State::SentNegotiate;
        Ok(Some(secret::encoded_header("NTLM", &self.client.negotiate)))
    }

    async fn challenge(&mut self, challenges: &[Challenge]) -> Result<HeaderValue, AuthError> {
        let ntlm = Challenge::find(challenges, "NTLM")?;
        match self.state {
            State::Start => {
                self.state = State::SentNegotiate;
                Ok(secret::encoded_header("NTLM", &self.client.negotiate))
            }
            State::SentNegotiate => {
                let challenge = ntlm
                    .token()
                    .map_err(|reason| AuthError::NtlmChallengeInvalid { reason })?
                    // Answering again with NEGOTIATE could loop forever; a bare `NTLM` here
                    // means the server dropped the first leg (often a connection that was not
                    // kept alive).
                    .ok_or(AuthError::NtlmChallengeInvalid {
                        reason: "the server answered NEGOTIATE without a challenge",
                    })?;
                let authenticated = self.client.authenticate(&challenge)?;
                self.state = State::SentAuthenticate;
                Ok(secret::encoded_header("NTLM", &authenticated.message))
            }
            State::SentAuthenticate => Err(AuthError::Rejected { scheme: "NTLM" }),
        }
    }
}

struct SpnegoHandshake {
    client: Client,
    state: State,
    mech_type_list: Vec<u8>,
    /// Verifies the server's mechListMIC on the final answer.
    server_signer: Option<Signer>,
}

impl SpnegoHandshake {
    /// The server's NegTokenResp in a `Negotiate` challenge that carries a token.
    fn decode(negotiate: &Challenge) -> Result<NegTokenResp, AuthError> {
        let token = negotiate
            .token()
            .map_err(|reason| AuthError::SpnegoInvalid { reason })?
            .ok_or(AuthError::SpnegoInvalid {
                reason: "the server sent no token",
            })?;
        let resp = NegTokenResp::decode(&token)?;
        if resp.neg_state == Some(NegState::Reject) {
            return Err(AuthError::Rejected {
                scheme: "Negotiate",
            });
        }
        if resp
            .supported_mech
            .as_deref()
            .is_some_and(|mech| mech != spnego::OID_NTLMSSP)
        {
            return Err(AuthError::SpnegoInvalid {
                reason: "the server chose a mechanism other than NTLM",
            });
        }
        Ok(resp)
    }

    fn initial_token(&self) -> Vec<u8> {
        spnego::encode_neg_token_init(&self.mech_type_list, Some(&self.client.negotiate))
    }
}

#[async_trait]
impl Handshake for SpnegoHandshake {
    async fn initial(&mut self) -> Result<Option<HeaderValue>, AuthError> {
        self.state = State::SentNegotiate;
        Ok(Some(secret::encoded_header(
            "Negotiate",
            &self.initial_token(),
        )))
    }

    async fn challenge(&mut self, challenges: &[Challenge]) -> Result<HeaderValue, AuthError> {
        let negotiate = Challenge::find(challenges, "Negotiate")?;
        match (self.state, negotiate.data()) {
            (State::Start, None) => {
                self.state = State::SentNegotiate;
                Ok(secret::encoded_header("Negotiate", &self.initial_token()))
            }
            (State::SentNegotiate, Some(_)) => {
                let resp = Self::decode(negotiate)?;
                let challenge = resp.response_token.ok_or(AuthError::SpnegoInvalid {
                    reason: "the server sent no NTLM challenge",
                })?;
                let authenticated = self.client.authenticate(&challenge)?;
                let mut client_signer = Signer::new(
                    &authenticated.exported_session_key,
                    true,
                    authenticated.key_exchange,
                );
                self.server_signer = Some(Signer::new(
                    &authenticated.exported_session_key,
                    false,
                    authenticated.key_exchange,
                ));
                let answer = NegTokenResp {
                    neg_state: None,
                    supported_mech: None,
                    response_token: Some(authenticated.message),
                    mech_list_mic: Some(client_signer.sign(&self.mech_type_list).to_vec()),
                };
                self.state = State::SentAuthenticate;
                Ok(secret::encoded_header("Negotiate", &answer.encode()))
            }
            _ => Err(AuthError::Rejected {
                scheme: "Negotiate",
            }),
        }
    }

    fn accepted(&mut self, challenges: &[Challenge]) -> Result<(), AuthError> {
        let Some(negotiate) = challenges
            .iter()
            .find(|c| c.is("Negotiate"))
            .filter(|c| c.data().is_some())
        else {
            return Ok(());
        };
        let resp = Self::decode(negotiate)?;
        match resp.neg_state {
            Some(NegState::AcceptCompleted) | None => {}
            Some(_) => {
                return Err(AuthError::SpnegoInvalid {
                    reason: "the server accepted the request without completing SPNEGO",
                })
            }
        }
        if resp.response_token.is_some() {
            return Err(AuthError::SpnegoInvalid {
                reason: "NTLM has no token after AUTHENTICATE",
            });
        }
        if let Some(mic) = resp.mech_list_mic {
            let signer = self
                .server_signer
                .as_mut()
                .ok_or(AuthError::SpnegoInvalid {
                    reason: "a mechListMIC arrived before NTLM completed",
                })?;
            if !secret::constant_time_eq(&mic, &signer.sign(&self.mech_type_list)) {
                return Err(AuthError::SpnegoMicInvalid);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
