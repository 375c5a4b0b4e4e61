use async_trait::async_trait;
use http::HeaderValue;
use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use crate::secret;
use crate::{AuthError, AuthStrategy, Challenge, Handshake, Target, UserCredentials};

/// HTTP Basic authentication (RFC 7617), for Exchange Server over HTTPS.
///
/// Refused for Exchange Online, where Microsoft switched Basic off in 2022.
#[derive(Debug, Clone)]
pub struct Basic {
    credentials: UserCredentials,
}

impl Basic {
    /// Basic with these credentials. A user name with a colon cannot be sent with Basic.
    pub fn new(credentials: UserCredentials) -> Result<Self, AuthError> {
        if credentials.user().contains(':') {
            return Err(AuthError::InvalidCredentials {
                reason: "a Basic user name cannot contain ':'",
            });
        }
        if credentials.user().chars().any(char::is_control) {
            return Err(AuthError::InvalidCredentials {
                reason: "the user name contains control characters",
            });
        }
        Ok(Self { credentials })
    }

    fn header(&self) -> HeaderValue {
        let mut plain = Zeroizing::new(String::with_capacity(64));
        plain.push_str(self.credentials.user());
        plain.push(':');
        plain.push_str(self.credentials.password().expose_secret());
        secret::encoded_header("Basic", plain.as_bytes())
    }
}

#[async_trait]
impl AuthStrategy for Basic {
    fn scheme(&self) -> &'static str {
        "Basic"
    }

    async fn begin(&self, target: &Target) -> Result<Box<dyn Handshake>, AuthError> {
        if target.is_exchange_online() {
            return Err(AuthError::BasicNotSupportedByExchangeOnline {
                host: target.host().to_owned(),
            });
        }
        Ok(Box::new(BasicHandshake {
            header: Some(self.header()),
        }))
    }
}

struct BasicHandshake {
    header: Option<HeaderValue>,
}

#[async_trait]
impl Handshake for BasicHandshake {
    async fn initial(&mut self) -> Result<Option<HeaderValue>, AuthError> {
        Ok(self.header.clone())
    }

    async fn challenge(&mut self, challenges: &[Challenge]) -> Result<HeaderValue, AuthError> {
        // The credentials went with the first attempt; a 401 after that is a refusal, except
        // when the server never offered Basic at all.
        if !challenges.is_empty() {
            Challenge::find(challenges, "Basic")?;
        }
        Err(AuthError::Rejected { scheme: "Basic" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn creds(user: &str, password: &str) -> UserCredentials {
        UserCredentials::new(user, SecretString::from(password.to_owned()))
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        use std::task::{Context, Poll, Waker};
        let mut f = std::pin::pin!(f);
        match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("Basic never awaits"),
        }
    }

    #[test]
    fn encodes_rfc7617_example() {
        let basic = Basic::new(creds("Aladdin", "open sesame")).unwrap();
        let target = Target::new("https://mail.contoso.test/EWS/Exchange.asmx").unwrap();
        let mut hs = block_on(basic.begin(&target)).unwrap();
        let header = block_on(hs.initial()).unwrap().unwrap();
        assert_eq!(
            header.to_str().unwrap(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert!(header.is_sensitive());
    }

    #[test]
    fn a_401_after_sending_credentials_is_a_refusal() {
        let basic = Basic::new(creds("alice", "pw")).unwrap();
        let target = Target::new("http://127.0.0.1:1/EWS/Exchange.asmx").unwrap();
        let mut hs = block_on(basic.begin(&target)).unwrap();
        let err =
            block_on(hs.challenge(&[Challenge::parse("Basic realm=\"x\"").unwrap()])).unwrap_err();
        assert!(err.is_rejected());
        let err = block_on(hs.challenge(&[Challenge::parse("Negotiate").unwrap()])).unwrap_err();
        assert!(matches!(err, AuthError::SchemeNotOffered { .. }), "{err}");
    }

    #[test]
    fn refuses_exchange_online() {
        let basic = Basic::new(creds("alice@contoso.com", "pw")).unwrap();
        let target = Target::new("https://outlook.office365.com/EWS/Exchange.asmx").unwrap();
        let err = block_on(basic.begin(&target)).err().unwrap();
        assert!(matches!(
            err,
            AuthError::BasicNotSupportedByExchangeOnline { .. }
        ));
    }

    #[test]
    fn refuses_unsendable_user_names() {
        assert!(Basic::new(creds("a:b", "pw")).is_err());
        assert!(Basic::new(creds("a\nb", "pw")).is_err());
    }

    #[test]
    fn debug_never_shows_the_password() {
        let basic = Basic::new(creds("alice", "hunter2-secret")).unwrap();
        let printed = format!("{basic:?}");
        assert!(printed.contains("alice"));
        assert!(!printed.contains("hunter2-secret"));
    }
}
