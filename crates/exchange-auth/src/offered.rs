//! A password login by the scheme the server offers: Negotiate, NTLM or Basic.

use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use http::HeaderValue;

use crate::{
    AuthError, AuthStrategy, Basic, Challenge, Handshake, Negotiate, Ntlm, Target, UserCredentials,
};

/// The schemes a user name and password can log in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PasswordScheme {
    /// `Negotiate`: Kerberos with the password, NTLM inside SPNEGO when no ticket can be had.
    Negotiate,
    /// `NTLM` (NTLMv2).
    Ntlm,
    /// `Basic`: the password itself, base64-encoded (HTTPS only, outside Exchange Online).
    Basic,
}

impl PasswordScheme {
    /// Most preferred first: the order in which an offer is read.
    pub const PREFERRED: [Self; 3] = [Self::Negotiate, Self::Ntlm, Self::Basic];

    /// The scheme's name in `WWW-Authenticate`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Negotiate => "Negotiate",
            Self::Ntlm => "NTLM",
            Self::Basic => "Basic",
        }
    }

    /// The scheme called `name` (compared without regard to case), if it is one of these.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::PREFERRED
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name))
    }
}

/// A user name and password, sent by the scheme the server offers, or by a pinned one.
///
/// The first request of a server goes without credentials. From the schemes of the server's
/// `401` the strategy takes the first it prefers ([`PasswordScheme::PREFERRED`]: Negotiate,
/// NTLM, Basic), and remembers it once the server accepts, so later requests start with it.
/// A server that offers none of them gets [`AuthError::SchemeNotOffered`]; a server that
/// offers only Basic gets the password only where Basic is allowed at all (never for
/// Exchange Online).
///
/// A server may offer Negotiate and NTLM and yet refuse the Kerberos mechanism inside
/// Negotiate (Apache's `mod_auth_gssapi` with `ntlmssp` as its only mechanism): when its answer
/// refuses the mechanism (GSSAPI's `GSS_S_BAD_MECH`) and NTLM was offered, the handshake goes on
/// with NTLM on the same connection. A refused password never leads to a second scheme.
///
/// Every leg travels over one connection ([`is_connection_bound`](AuthStrategy::is_connection_bound)),
/// as NTLM and Negotiate need, unless Basic is pinned.
///
/// ```
/// use exchange_auth::{AuthStrategy, Offered, PasswordScheme, UserCredentials};
/// use secrecy::SecretString;
///
/// let credentials = UserCredentials::new("CONTOSO\\alice", SecretString::from("correct horse"));
/// let any = Offered::new(credentials.clone())?;
/// assert!(any.is_connection_bound());
/// let basic = Offered::pinned(credentials, PasswordScheme::Basic)?;
/// assert_eq!(basic.scheme(), "Basic");
/// # Ok::<(), exchange_auth::AuthError>(())
/// ```
#[derive(Debug)]
pub struct Offered {
    pinned: Option<PasswordScheme>,
    strategies: Arc<Strategies>,
    /// The scheme the server accepted last, once it has.
    chosen: Arc<OnceLock<PasswordScheme>>,
}

#[derive(Debug)]
struct Strategies {
    negotiate: Negotiate,
    ntlm: Ntlm,
    /// `None` when the user name cannot be sent with Basic (it holds a colon).
    basic: Option<Basic>,
}

impl Strategies {
    fn get(&self, scheme: PasswordScheme) -> Result<&dyn AuthStrategy, AuthError> {
        Ok(match scheme {
            PasswordScheme::Negotiate => &self.negotiate,
            PasswordScheme::Ntlm => &self.ntlm,
            PasswordScheme::Basic => self.basic.as_ref().ok_or(AuthError::InvalidCredentials {
                reason: "a Basic user name cannot contain ':'",
            })?,
        })
    }
}

impl Offered {
    /// Whatever the server offers, preferring Negotiate, then NTLM, then Basic.
    pub fn new(credentials: UserCredentials) -> Result<Self, AuthError> {
        Ok(Self {
            pinned: None,
            strategies: Arc::new(Strategies {
                negotiate: Negotiate::with_password(credentials.clone())?,
                ntlm: Ntlm::new(credentials.clone())?,
                basic: Basic::new(credentials).ok(),
            }),
            chosen: Arc::new(OnceLock::new()),
        })
    }

    /// Always `scheme`, whatever the server offers.
    pub fn pinned(credentials: UserCredentials, scheme: PasswordScheme) -> Result<Self, AuthError> {
        let offered = Self::new(credentials)?;
        offered.strategies.get(scheme)?;
        Ok(Self {
            pinned: Some(scheme),
            ..offered
        })
    }

    /// The scheme in use: the pinned one, or the one the server last accepted.
    pub fn chosen(&self) -> Option<PasswordScheme> {
        self.pinned.or_else(|| self.chosen.get().copied())
    }
}

#[async_trait]
impl AuthStrategy for Offered {
    fn scheme(&self) -> &'static str {
        self.chosen().map_or("Negotiate", PasswordScheme::name)
    }

    fn is_connection_bound(&self) -> bool {
        self.pinned != Some(PasswordScheme::Basic)
    }

    fn sends_first(&self) -> bool {
        self.chosen() == Some(PasswordScheme::Basic)
    }

    async fn begin(&self, target: &Target) -> Result<Box<dyn Handshake>, AuthError> {
        if let Some(scheme) = self.chosen() {
            return self.strategies.get(scheme)?.begin(target).await;
        }
        Ok(Box::new(OfferedHandshake::Waiting {
            strategies: Arc::clone(&self.strategies),
            target: target.clone(),
            chosen: Arc::clone(&self.chosen),
        }))
    }
}

enum OfferedHandshake {
    /// Nothing sent yet: the server's offer decides.
    Waiting {
        strategies: Arc<Strategies>,
        target: Target,
        chosen: Arc<OnceLock<PasswordScheme>>,
    },
    /// The scheme's own handshake, and where to remember the scheme once it is accepted.
    Going {
        scheme: PasswordScheme,
        handshake: Box<dyn Handshake>,
        chosen: Arc<OnceLock<PasswordScheme>>,
        /// What a refused Negotiate mechanism falls back to: the strategies and the target,
        /// when the offer held NTLM too.
        ntlm_after_negotiate: Option<(Arc<Strategies>, Target)>,
    },
}

#[async_trait]
impl Handshake for OfferedHandshake {
    async fn initial(&mut self) -> Result<Option<HeaderValue>, AuthError> {
        match self {
            Self::Waiting { .. } => Ok(None),
            Self::Going { handshake, .. } => handshake.initial().await,
        }
    }

    async fn challenge(&mut self, challenges: &[Challenge]) -> Result<HeaderValue, AuthError> {
        let Self::Waiting {
            strategies,
            target,
            chosen,
        } = self
        else {
            let Self::Going {
                scheme,
                handshake,
                ntlm_after_negotiate,
                ..
            } = self
            else {
                unreachable!("a handshake is waiting or going")
            };
            let answer = handshake.challenge(challenges).await;
            let Some((strategies, target)) = ntlm_after_negotiate.take() else {
                return answer;
            };
            return match answer {
                Err(e) if mechanism_refused(&e) => {
                    tracing::debug!(cause = %e, "the server refused Negotiate's mechanism; NTLM");
                    let mut ntlm = strategies.get(PasswordScheme::Ntlm)?.begin(&target).await?;
                    let first = ntlm.initial().await?.ok_or(AuthError::Rejected {
                        scheme: PasswordScheme::Ntlm.name(),
                    })?;
                    *scheme = PasswordScheme::Ntlm;
                    *handshake = ntlm;
                    Ok(first)
                }
                other => other,
            };
        };
        let scheme = PasswordScheme::PREFERRED
            .into_iter()
            .find(|s| challenges.iter().any(|c| c.is(s.name())))
            .ok_or_else(|| AuthError::SchemeNotOffered {
                scheme: "Negotiate, NTLM or Basic",
                offered: challenges
                    .iter()
                    .map(Challenge::scheme)
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let mut handshake = strategies.get(scheme)?.begin(target).await?;
        let header = match handshake.initial().await? {
            Some(header) => header,
            // A scheme that waits for a challenge answers this one.
            None => handshake.challenge(challenges).await?,
        };
        let ntlm_offered = challenges.iter().any(|c| c.is(PasswordScheme::Ntlm.name()));
        let ntlm_after_negotiate = (scheme == PasswordScheme::Negotiate && ntlm_offered)
            .then(|| (Arc::clone(strategies), target.clone()));
        *self = Self::Going {
            scheme,
            handshake,
            chosen: Arc::clone(chosen),
            ntlm_after_negotiate,
        };
        Ok(header)
    }

    fn accepted(&mut self, challenges: &[Challenge]) -> Result<(), AuthError> {
        match self {
            // Accepted without credentials: nothing to learn.
            Self::Waiting { .. } => Ok(()),
            Self::Going {
                scheme,
                handshake,
                chosen,
                ..
            } => {
                handshake.accepted(challenges)?;
                let _ = chosen.set(*scheme);
                Ok(())
            }
        }
    }
}

/// Whether `error` is a server's refusal of the mechanism (GSSAPI's routine error
/// `GSS_S_BAD_MECH`), not of the credentials.
fn mechanism_refused(error: &AuthError) -> bool {
    const ROUTINE_ERROR_MASK: u32 = 0x00ff_0000;
    const BAD_MECH: u32 = 0x0001_0000;
    matches!(error, AuthError::Gssapi { major, .. } if major & ROUTINE_ERROR_MASK == BAD_MECH)
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    fn offered(user: &str) -> Offered {
        Offered::new(UserCredentials::new(user, SecretString::from("pa55word"))).unwrap()
    }

    fn challenges(offer: &[&str]) -> Vec<Challenge> {
        offer.iter().map(|c| Challenge::parse(c).unwrap()).collect()
    }

    async fn first_header(strategy: &Offered, offer: &[&str]) -> Result<String, AuthError> {
        let target = Target::new("https://mail.contoso.test/EWS/Exchange.asmx")?;
        let mut handshake = strategy.begin(&target).await?;
        assert!(
            handshake.initial().await?.is_none(),
            "nothing before the offer"
        );
        let header = handshake.challenge(&challenges(offer)).await?;
        Ok(header.to_str().unwrap().to_owned())
    }

    #[tokio::test]
    async fn the_most_preferred_offered_scheme_is_used() {
        let strategy = offered("CONTOSO\\alice");
        assert!(!strategy.sends_first());
        let ntlm = first_header(&strategy, &["Basic realm=\"x\"", "NTLM"]).await;
        assert!(ntlm.unwrap().starts_with("NTLM "));
        let basic = first_header(&strategy, &["Basic realm=\"mail\""]).await;
        assert!(basic.unwrap().starts_with("Basic "));
        // A down-level name is NTLM inside SPNEGO when Negotiate is offered.
        let negotiate = first_header(&strategy, &["NTLM", "Negotiate"]).await;
        assert!(negotiate.unwrap().starts_with("Negotiate "));
        assert_eq!(strategy.chosen(), None, "nothing was accepted yet");
    }

    #[tokio::test]
    async fn an_offer_without_a_password_scheme_is_refused_by_name() {
        let strategy = offered("alice@contoso.test");
        match first_header(&strategy, &["Bearer realm=\"x\"", "Digest realm=\"y\""]).await {
            Err(AuthError::SchemeNotOffered { offered, .. }) => {
                assert_eq!(offered, "Bearer, Digest");
            }
            other => panic!("expected SchemeNotOffered, got {other:?}"),
        }
        let target = Target::new("https://mail.contoso.test/EWS/Exchange.asmx").unwrap();
        let mut handshake = strategy.begin(&target).await.unwrap();
        assert!(matches!(
            handshake.challenge(&[]).await,
            Err(AuthError::SchemeNotOffered { .. })
        ));
    }

    #[tokio::test]
    async fn the_accepted_scheme_is_remembered_and_later_requests_start_with_it() {
        let strategy = offered("CONTOSO\\alice");
        let target = Target::new("https://mail.contoso.test/EWS/Exchange.asmx").unwrap();
        let mut handshake = strategy.begin(&target).await.unwrap();
        handshake.initial().await.unwrap();
        handshake
            .challenge(&challenges(&["Basic realm=\"mail\""]))
            .await
            .unwrap();
        handshake.accepted(&[]).unwrap();
        assert_eq!(strategy.chosen(), Some(PasswordScheme::Basic));
        assert_eq!(strategy.scheme(), "Basic");
        assert!(
            strategy.sends_first(),
            "Basic needs no offer once it is known"
        );
        let mut next = strategy.begin(&target).await.unwrap();
        let header = next.initial().await.unwrap().expect("Basic goes first");
        assert!(header.to_str().unwrap().starts_with("Basic "));
        assert!(header.is_sensitive());
    }

    #[tokio::test]
    async fn a_pinned_scheme_ignores_the_offer_and_basic_keeps_its_own_rules() {
        let credentials = UserCredentials::new("alice@contoso.test", SecretString::from("pw"));
        let ntlm = Offered::pinned(credentials.clone(), PasswordScheme::Ntlm).unwrap();
        let target = Target::new("https://mail.contoso.test/EWS/Exchange.asmx").unwrap();
        let mut handshake = ntlm.begin(&target).await.unwrap();
        let first = handshake
            .initial()
            .await
            .unwrap()
            .expect("NTLM starts at once");
        assert!(first.to_str().unwrap().starts_with("NTLM "));
        assert!(ntlm.is_connection_bound());

        let basic = Offered::pinned(credentials.clone(), PasswordScheme::Basic).unwrap();
        assert!(!basic.is_connection_bound());
        let online = Target::new("https://outlook.office365.com/EWS/Exchange.asmx").unwrap();
        assert!(matches!(
            basic.begin(&online).await,
            Err(AuthError::BasicNotSupportedByExchangeOnline { .. })
        ));
        // An offer of Basic alone is no way around that.
        let any = Offered::new(credentials).unwrap();
        let mut handshake = any.begin(&online).await.unwrap();
        assert!(matches!(
            handshake
                .challenge(&challenges(&["Basic realm=\"x\""]))
                .await,
            Err(AuthError::BasicNotSupportedByExchangeOnline { .. })
        ));

        let colon = UserCredentials::new("a:b", SecretString::from("pw"));
        assert!(matches!(
            Offered::pinned(colon.clone(), PasswordScheme::Basic),
            Err(AuthError::InvalidCredentials { .. })
        ));
        assert!(Offered::pinned(colon, PasswordScheme::Ntlm).is_ok());
    }

    #[test]
    fn only_a_refused_mechanism_leads_to_ntlm() {
        let gss = |major| AuthError::Gssapi {
            major,
            minor: 100_005,
            message: "SPNEGO failed to negotiate a mechanism".to_owned(),
        };
        assert!(mechanism_refused(&gss(0x0001_0000)));
        // GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE and a supplementary bit: not the mechanism.
        assert!(!mechanism_refused(&gss(0x0009_0000)));
        assert!(!mechanism_refused(&gss(0x000d_0000)));
        assert!(!mechanism_refused(&gss(0x0000_0001)));
        assert!(!mechanism_refused(&AuthError::Rejected {
            scheme: "Negotiate"
        }));
    }

    #[test]
    fn scheme_names_read_back() {
        for scheme in PasswordScheme::PREFERRED {
            assert_eq!(PasswordScheme::from_name(scheme.name()), Some(scheme));
            let lower = scheme.name().to_ascii_lowercase();
            assert_eq!(PasswordScheme::from_name(&lower), Some(scheme));
        }
        assert_eq!(PasswordScheme::from_name("Bearer"), None);
    }
}
