//! Kerberos, sent as HTTP `Negotiate` (SPNEGO, RFC 4559), and Negotiate with NTLM as its
//! fallback.
//!
//! Exchange and IIS advertise Kerberos as `WWW-Authenticate: Negotiate`. [`Kerberos`] gets its
//! credentials from a credential cache, a client keytab, or a user name and password, asks the
//! KDC for a ticket to the service principal `HTTP/<host of the URL>`, and checks the server's
//! mutual-authentication token on the final answer ([`Handshake::accepted`]). [`Negotiate`]
//! tries Kerberos first and, when Kerberos cannot get credentials or a ticket and a password is
//! configured, speaks NTLM inside SPNEGO instead.
//!
//! # Why MIT's GSSAPI, loaded at run time
//!
//! Kerberos goes through MIT Kerberos' GSSAPI library, `libgssapi_krb5.so.2`, opened with
//! `libloading` and called through the few declarations in `gss.rs` (no bindgen, so no libclang
//! at build time). The crate therefore builds everywhere, and a machine without MIT Kerberos
//! gets [`AuthError::GssapiUnavailable`] rather than a link failure. The alternatives did not
//! fit: the `libgssapi` crate needs bindgen and libclang to build; `cross-krb5` emits raw
//! Kerberos tokens, not the SPNEGO tokens HTTP Negotiate carries; `sspi` (pure Rust) logs in
//! with a password but reads neither keytabs nor credential caches.
//!
//! The library is used through `gss_acquire_cred_from` (credential store keys `ccache` and
//! `client_keytab`; a keytab's tickets go to a private `MEMORY:` cache),
//! `gss_acquire_cred_with_password` (MIT's extension, which keeps the tickets in a private
//! memory cache), `gss_import_name` (`HTTP@host`, a host-based service name),
//! `gss_init_sec_context` with the SPNEGO mechanism restricted to Kerberos by
//! `gss_set_neg_mechs`, with mutual authentication and the target's channel bindings, and
//! `gss_display_status` for messages. Every call blocks (the first ones talk to the KDC), so
//! they run on Tokio's blocking threads: the strategies need a Tokio runtime.
//!
//! Errors are typed from MIT's krb5 error codes. SPNEGO hides them (another installed mechanism,
//! gss-ntlmssp, may report its own failure instead, and MIT renumbers the codes that pass
//! through SPNEGO), so credentials are acquired twice, for plain Kerberos first (its failure is
//! the one reported) and then for SPNEGO; a failed first context step is repeated with plain
//! Kerberos to learn the real reason. A password login therefore asks the KDC twice when the
//! credentials are acquired (once per cached acquisition, not per request).
//!
//! MIT reads its configuration (`/etc/krb5.conf`, or the file `KRB5_CONFIG` names) the first
//! time it is used in a process.

mod gss;
mod status;

use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use http::HeaderValue;
use zeroize::Zeroizing;

use self::gss::{
    Context, Credential, GssError, Mech, Name, StoreKey, StoreValue, GSS_C_MUTUAL_FLAG,
};
use self::status::{to_auth_error, Situation};
use crate::credentials::UserName;
use crate::secret;
use crate::{AuthError, AuthStrategy, Challenge, Handshake, Target, UserCredentials};

/// The scheme Kerberos travels under in HTTP.
const SCHEME: &str = "Negotiate";
/// Cached credentials are acquired again this long before they expire.
const RENEW_MARGIN: Duration = Duration::from_secs(60);
/// How long credentials without a known lifetime (renewed by the library itself from a keytab
/// or password) are kept before being acquired again.
const INDEFINITE_REUSE: Duration = Duration::from_secs(600);

/// Where Kerberos credentials come from.
#[derive(Clone)]
enum Source {
    DefaultCache,
    Cache(String),
    Keytab {
        keytab: String,
        principal: String,
        memory_cache: String,
    },
    Password {
        principal: String,
        credentials: UserCredentials,
    },
}

impl Source {
    fn describe(&self) -> String {
        match self {
            Self::DefaultCache => "the default credential cache (KRB5CCNAME)".to_owned(),
            Self::Cache(name) => format!("credential cache {name}"),
            Self::Keytab {
                keytab, principal, ..
            } => format!("keytab {keytab} for {principal}"),
            Self::Password { principal, .. } => format!("password login of {principal}"),
        }
    }

    fn client(&self) -> Option<&str> {
        match self {
            Self::DefaultCache | Self::Cache(_) => None,
            Self::Keytab { principal, .. } | Self::Password { principal, .. } => Some(principal),
        }
    }

    fn situation<'a>(&'a self, source: &'a str, service: Option<&'a str>) -> Situation<'a> {
        Situation {
            client: self.client(),
            service,
            source,
            password: matches!(self, Self::Password { .. }),
        }
    }

    /// Acquires the credentials (blocking: may talk to the KDC).
    fn acquire(&self) -> Result<Credential, AuthError> {
        let description = self.describe();
        let fail = |e| to_auth_error(e, self.situation(&description, None));
        let (name, store) = match self {
            Self::DefaultCache => (None, Vec::new()),
            Self::Cache(name) => (None, vec![(StoreKey::Ccache, StoreValue::new(name))]),
            Self::Keytab {
                keytab,
                principal,
                memory_cache,
            } => (
                Some(principal),
                vec![
                    (StoreKey::ClientKeytab, StoreValue::new(keytab)),
                    (StoreKey::Ccache, StoreValue::new(memory_cache)),
                ],
            ),
            Self::Password {
                principal,
                credentials,
            } => {
                return Name::principal(principal)
                    .and_then(|name| Credential::with_password(&name, credentials.password()))
                    .map_err(fail);
            }
        };
        let store = store
            .into_iter()
            .map(|(key, value)| value.map(|v| (key, v)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        let name = name
            .map(|principal| Name::principal(principal))
            .transpose()
            .map_err(fail)?;
        Credential::acquire(name.as_ref(), &store).map_err(fail)
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the password: only where the credentials come from.
        f.write_str(&self.describe())
    }
}

/// Kerberos authentication, sent as HTTP `Negotiate` (SPNEGO) as Exchange and IIS expect.
///
/// The service principal is `HTTP/<host>` of the target URL, so the URL must name the server
/// by the host name it is registered under (not an IP address). The server must prove its
/// identity in its final answer (mutual authentication), or the answer is refused. Every leg
/// of a handshake must go over one kept-alive connection ([`AuthStrategy::is_connection_bound`]).
///
/// Credentials are acquired on first use and reused until shortly before they expire.
/// Needs MIT Kerberos' `libgssapi_krb5.so.2` at run time and a Tokio runtime.
pub struct Kerberos {
    source: Source,
    cached: Mutex<Option<Cached>>,
}

struct Cached {
    credential: Arc<Credential>,
    until: Instant,
}

impl fmt::Debug for Kerberos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kerberos")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Kerberos {
    /// Kerberos with the tickets of the default credential cache (`KRB5CCNAME`, or the cache
    /// `krb5.conf` names), as `kinit` leaves them.
    pub fn from_default_cache() -> Self {
        Self::new(Source::DefaultCache)
    }

    /// Kerberos with the tickets of the credential cache `name`: a path, or a typed cache name
    /// (`FILE:/tmp/krb5cc_1000`, `KEYRING:persistent:1000`, `KCM:`).
    pub fn from_ccache(name: impl AsRef<str>) -> Result<Self, AuthError> {
        let name = name.as_ref();
        check_name(
            name,
            "the credential cache name is empty, too long or has control characters",
        )?;
        Ok(Self::new(Source::Cache(name.to_owned())))
    }

    /// Kerberos as `principal` (`svc-ews@EXAMPLE.TEST`) with the keys of the client keytab at
    /// `keytab`: tickets are fetched from the KDC as needed and kept in a private memory cache.
    pub fn from_keytab(keytab: impl AsRef<Path>, principal: &str) -> Result<Self, AuthError> {
        let keytab = keytab
            .as_ref()
            .to_str()
            .ok_or(AuthError::InvalidCredentials {
                reason: "the keytab path is not valid UTF-8",
            })?;
        check_name(
            keytab,
            "the keytab path is empty, too long or has control characters",
        )?;
        check_name(
            principal,
            "the principal is empty, too long or has control characters",
        )?;
        // A bare path could be read as a keytab type prefix (`name:`); say FILE explicitly.
        let keytab = if keytab.starts_with('/') {
            format!("FILE:{keytab}")
        } else {
            keytab.to_owned()
        };
        Ok(Self::new(Source::Keytab {
            keytab,
            principal: principal.to_owned(),
            memory_cache: memory_cache(),
        }))
    }

    /// Kerberos with a user name and password, as `kinit` would log in: the user name is a
    /// principal, `alice` (in the default realm of `krb5.conf`) or `alice@REALM`. A realm
    /// written in lower case (`alice@contoso.com`) is upper-cased, as Active Directory names
    /// its realms. `DOMAIN\alice` names no Kerberos principal and is refused.
    pub fn with_password(credentials: UserCredentials) -> Result<Self, AuthError> {
        let principal = principal_of(credentials.user())?;
        Ok(Self::new(Source::Password {
            principal,
            credentials,
        }))
    }

    fn new(source: Source) -> Self {
        Self {
            source,
            cached: Mutex::new(None),
        }
    }

    /// The credentials, acquired again when the cached ones are about to expire.
    async fn credential(&self) -> Result<Arc<Credential>, AuthError> {
        {
            let cached = self
                .cached
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(c) = cached.as_ref().filter(|c| Instant::now() < c.until) {
                return Ok(Arc::clone(&c.credential));
            }
        }
        let source = self.source.clone();
        let credential = Arc::new(blocking(move || source.acquire()).await??);
        let reuse = credential.lifetime().map_or(INDEFINITE_REUSE, |secs| {
            Duration::from_secs(secs.into()).saturating_sub(RENEW_MARGIN)
        });
        *self
            .cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Cached {
            credential: Arc::clone(&credential),
            until: Instant::now() + reuse,
        });
        Ok(credential)
    }

    async fn begin_kerberos(&self, target: &Target) -> Result<KerberosHandshake, AuthError> {
        let host = target.host();
        if host.parse::<IpAddr>().is_ok() {
            return Err(AuthError::KerberosNeedsHostName {
                host: host.to_owned(),
            });
        }
        check_name(
            host,
            "the host name is empty, too long or has control characters",
        )?;
        let credential = self.credential().await?;
        Ok(KerberosHandshake {
            credential,
            service: format!("HTTP@{host}"),
            principal: format!("HTTP/{host}"),
            bindings: target
                .channel_bindings()
                .map(super::target::ChannelBindings::application_data),
            source: self.source.clone(),
            context: None,
            sent: false,
            complete: false,
            flags: 0,
        })
    }
}

#[async_trait]
impl AuthStrategy for Kerberos {
    fn scheme(&self) -> &'static str {
        SCHEME
    }

    fn is_connection_bound(&self) -> bool {
        true
    }

    async fn begin(&self, target: &Target) -> Result<Box<dyn Handshake>, AuthError> {
        Ok(Box::new(self.begin_kerberos(target).await?))
    }
}

/// Negotiate (SPNEGO): Kerberos, with NTLM inside SPNEGO as the fallback.
///
/// Kerberos is tried first. When it cannot get credentials or a ticket for the server (no
/// ticket in the cache, KDC unreachable, no service principal for the host, an IP address in
/// the URL, MIT Kerberos not installed) and a user name and password are configured, the
/// handshake carries NTLM inside SPNEGO instead, as Windows clients do. A password the KDC
/// refuses is reported ([`AuthError::KerberosWrongPassword`]), never retried with NTLM.
#[derive(Debug)]
pub struct Negotiate {
    mechanisms: Mechanisms,
}

#[derive(Debug)]
enum Mechanisms {
    /// Kerberos, then NTLM with these credentials (if any) when Kerberos cannot start.
    Kerberos(Kerberos, Option<UserCredentials>),
    /// NTLM only: a `DOMAIN\user` login names no Kerberos principal.
    Ntlm(UserCredentials),
}

impl Negotiate {
    /// Negotiate with Kerberos only (no NTLM fallback).
    pub fn new(kerberos: Kerberos) -> Self {
        Self {
            mechanisms: Mechanisms::Kerberos(kerberos, None),
        }
    }

    /// Negotiate with Kerberos, falling back to NTLM with `credentials`.
    pub fn with_ntlm_fallback(kerberos: Kerberos, credentials: UserCredentials) -> Self {
        Self {
            mechanisms: Mechanisms::Kerberos(kerberos, Some(credentials)),
        }
    }

    /// Negotiate with a user name and password: a Kerberos login
    /// ([`Kerberos::with_password`]) with NTLM as the fallback. A `DOMAIN\user` name names no
    /// Kerberos principal, so such credentials use NTLM inside SPNEGO only.
    pub fn with_password(credentials: UserCredentials) -> Result<Self, AuthError> {
        let mechanisms = match UserName::parse(credentials.user())? {
            UserName::DownLevel { .. } => Mechanisms::Ntlm(credentials),
            UserName::Principal { .. } | UserName::Plain(_) => Mechanisms::Kerberos(
                Kerberos::with_password(credentials.clone())?,
                Some(credentials),
            ),
        };
        Ok(Self { mechanisms })
    }
}

#[async_trait]
impl AuthStrategy for Negotiate {
    fn scheme(&self) -> &'static str {
        SCHEME
    }

    fn is_connection_bound(&self) -> bool {
        true
    }

    async fn begin(&self, target: &Target) -> Result<Box<dyn Handshake>, AuthError> {
        let (kerberos, fallback) = match &self.mechanisms {
            Mechanisms::Kerberos(kerberos, fallback) => (kerberos, fallback),
            Mechanisms::Ntlm(credentials) => {
                return crate::ntlm::negotiate_handshake(credentials.clone(), target)
            }
        };
        match kerberos.begin_kerberos(target).await {
            Ok(handshake) => Ok(Box::new(NegotiateHandshake::Kerberos {
                handshake: Box::new(handshake),
                fallback: fallback.clone(),
                target: target.clone(),
            })),
            Err(e) => ntlm_after(&e, fallback.as_ref(), target).unwrap_or(Err(e)),
        }
    }
}

/// The NTLM-in-SPNEGO handshake that takes over when Kerberos failed with `cause`, if NTLM
/// credentials are configured and the failure allows it ([`ntlm_may_follow`]).
fn ntlm_after(
    cause: &AuthError,
    credentials: Option<&UserCredentials>,
    target: &Target,
) -> Option<Result<Box<dyn Handshake>, AuthError>> {
    let credentials = credentials?;
    if !ntlm_may_follow(cause, &format!("HTTP/{}", target.host())) {
        return None;
    }
    tracing::debug!(cause = %cause, "Kerberos not usable for this server; using NTLM inside SPNEGO");
    Some(crate::ntlm::negotiate_handshake(
        credentials.clone(),
        target,
    ))
}

/// Whether a Kerberos failure leaves NTLM as a sensible second try: Kerberos could not get
/// credentials or a ticket for `service`. Refused credentials are never a reason.
fn ntlm_may_follow(error: &AuthError, service: &str) -> bool {
    match error {
        AuthError::NoKerberosCredentials { .. }
        | AuthError::KdcUnreachable { .. }
        | AuthError::KerberosNeedsHostName { .. }
        | AuthError::GssapiUnavailable { .. } => true,
        AuthError::KerberosUnknownPrincipal { principal } => {
            principal == service || principal.starts_with(&format!("{service}@"))
        }
        _ => false,
    }
}

/// A Negotiate handshake: Kerberos until the first token is out, NTLM when Kerberos could not
/// produce one.
enum NegotiateHandshake {
    Kerberos {
        // Boxed: the NTLM variant is a pointer, and the Kerberos state is large.
        handshake: Box<KerberosHandshake>,
        /// The credentials of the NTLM fallback, if any.
        fallback: Option<UserCredentials>,
        target: Target,
    },
    Ntlm(Box<dyn Handshake>),
}

#[async_trait]
impl Handshake for NegotiateHandshake {
    async fn initial(&mut self) -> Result<Option<HeaderValue>, AuthError> {
        let (handshake, fallback, target) = match self {
            Self::Ntlm(ntlm) => return ntlm.initial().await,
            Self::Kerberos {
                handshake,
                fallback,
                target,
            } => (handshake, fallback, target),
        };
        let cause = match handshake.initial().await {
            Ok(header) => return Ok(header),
            Err(cause) => cause,
        };
        let mut ntlm = match ntlm_after(&cause, fallback.as_ref(), target) {
            Some(ntlm) => ntlm?,
            None => return Err(cause),
        };
        let header = ntlm.initial().await;
        *self = Self::Ntlm(ntlm);
        header
    }

    async fn challenge(&mut self, challenges: &[Challenge]) -> Result<HeaderValue, AuthError> {
        match self {
            Self::Ntlm(ntlm) => ntlm.challenge(challenges).await,
            Self::Kerberos { handshake, .. } => handshake.challenge(challenges).await,
        }
    }

    fn accepted(&mut self, challenges: &[Challenge]) -> Result<(), AuthError> {
        match self {
            Self::Ntlm(ntlm) => ntlm.accepted(challenges),
            Self::Kerberos { handshake, .. } => handshake.accepted(challenges),
        }
    }
}

/// The Kerberos side of one request.
struct KerberosHandshake {
    credential: Arc<Credential>,
    /// The GSSAPI host-based service name, `HTTP@host`.
    service: String,
    /// The same as a Kerberos principal, `HTTP/host`, for messages.
    principal: String,
    bindings: Option<Vec<u8>>,
    source: Source,
    /// The context and the imported service name; `None` before the first step and while a
    /// step runs on a blocking thread.
    context: Option<SecurityContext>,
    sent: bool,
    complete: bool,
    flags: u32,
}

struct SecurityContext {
    context: Context,
    target: Name,
}

/// Why plain Kerberos cannot start a context with `service`, if it cannot.
fn diagnose(credential: &Credential, service: &str, bindings: Option<&[u8]>) -> Option<GssError> {
    let mut context = match SecurityContext::start(service) {
        Ok(c) => c,
        Err(e) => return Some(e),
    };
    context
        .context
        .step(Mech::Kerberos, credential, &context.target, bindings, None)
        .err()
}

impl SecurityContext {
    fn start(service: &str) -> Result<Self, GssError> {
        Ok(Self {
            target: Name::host_based_service(service)?,
            context: Context::new()?,
        })
    }
}

impl KerberosHandshake {
    fn error(&self, e: GssError) -> AuthError {
        let description = self.source.describe();
        to_auth_error(
            e,
            self.source.situation(&description, Some(&self.principal)),
        )
    }

    /// One context step on a blocking thread; returns the token to send.
    async fn step(
        &mut self,
        input: Option<Zeroizing<Vec<u8>>>,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, AuthError> {
        let credential = Arc::clone(&self.credential);
        let context = self.context.take();
        let service = self.service.clone();
        let bindings = self.bindings.clone();
        let result = blocking(move || {
            let first = context.is_none();
            let mut context = match context {
                Some(c) => c,
                None => SecurityContext::start(&service)?,
            };
            let step = context.context.step(
                Mech::Spnego,
                &credential,
                &context.target,
                bindings.as_deref(),
                input.as_deref().map(Vec::as_slice),
            );
            match step {
                Ok(step) => Ok((context, step)),
                // The first step is where the KDC is asked for the service ticket. Through
                // SPNEGO its error codes come back renumbered: ask again with plain Kerberos
                // (no second network exchange when the first one got the ticket) for the
                // real reason.
                Err(e) if first => {
                    Err(diagnose(&credential, &service, bindings.as_deref()).unwrap_or(e))
                }
                Err(e) => Err(e),
            }
        })
        .await?;
        let (context, step) = result.map_err(|e| self.error(e))?;
        self.context = Some(context);
        self.complete = step.complete;
        self.flags = step.flags;
        Ok(step.token)
    }

    fn mutual_failure(&self, reason: impl Into<String>) -> AuthError {
        AuthError::KerberosMutualAuthFailed {
            reason: format!("{} ({})", reason.into(), self.principal),
        }
    }
}

/// The server's Negotiate token in `challenges`: `Ok(None)` when it sent `Negotiate` without
/// one, `Err(SchemeNotOffered)` when it sent no `Negotiate` challenge at all.
fn server_token(challenges: &[Challenge]) -> Result<Option<Zeroizing<Vec<u8>>>, AuthError> {
    Challenge::find(challenges, SCHEME)?
        .token()
        .map_err(|reason| AuthError::NegotiateBadToken { reason })
}

#[async_trait]
impl Handshake for KerberosHandshake {
    async fn initial(&mut self) -> Result<Option<HeaderValue>, AuthError> {
        // Kerberos needs no challenge to start: the first token goes with the first request.
        let token = self.step(None).await?.ok_or_else(|| AuthError::Gssapi {
            major: 0,
            minor: 0,
            message: "the first Kerberos step produced no token".to_owned(),
        })?;
        self.sent = true;
        Ok(Some(secret::encoded_header(SCHEME, &token)))
    }

    async fn challenge(&mut self, challenges: &[Challenge]) -> Result<HeaderValue, AuthError> {
        let input = server_token(challenges)?;
        let Some(input) = input else {
            if self.sent {
                // A bare `Negotiate` after our token: the server refused it.
                return Err(AuthError::Rejected { scheme: SCHEME });
            }
            return self
                .initial()
                .await?
                .ok_or(AuthError::Rejected { scheme: SCHEME });
        };
        if !self.sent || self.complete {
            return Err(AuthError::Rejected { scheme: SCHEME });
        }
        match self.step(Some(input)).await? {
            Some(token) => Ok(secret::encoded_header(SCHEME, &token)),
            None => Err(AuthError::Rejected { scheme: SCHEME }),
        }
    }

    fn accepted(&mut self, challenges: &[Challenge]) -> Result<(), AuthError> {
        if !self.sent {
            // The server answered without asking for authentication: nothing to verify.
            return Ok(());
        }
        if !self.complete {
            let token = match server_token(challenges) {
                Ok(Some(token)) => token,
                Ok(None) | Err(AuthError::SchemeNotOffered { .. }) => {
                    return Err(self.mutual_failure("the answer carries no Negotiate token"))
                }
                Err(e) => return Err(self.mutual_failure(e.to_string())),
            };
            let Some(mut context) = self.context.take() else {
                return Err(self.mutual_failure("no security context to verify with"));
            };
            // Verifying the server's AP-REP is local cryptography: no KDC, so no blocking thread.
            let step = context
                .context
                .step(
                    Mech::Spnego,
                    &self.credential,
                    &context.target,
                    self.bindings.as_deref(),
                    Some(&token),
                )
                .map_err(|e| self.mutual_failure(self.error(e).to_string()))?;
            self.context = Some(context);
            if !step.complete || step.token.is_some() {
                return Err(self.mutual_failure("the server's token does not complete the context"));
            }
            self.complete = true;
            self.flags = step.flags;
        }
        if self.flags & GSS_C_MUTUAL_FLAG == 0 {
            return Err(
                self.mutual_failure("the context was established without mutual authentication")
            );
        }
        Ok(())
    }
}

/// Runs a blocking GSSAPI call on Tokio's blocking threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AuthError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AuthError::Gssapi {
            major: 0,
            minor: 0,
            message: format!("the GSSAPI call did not finish: {e}"),
        })
}

/// A new private memory credential cache of this process: the tickets of a keytab or
/// password login stay there, out of every cache other programs read.
fn memory_cache() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "MEMORY:exchange-auth-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Refuses names the C library would read differently from what was meant, before they are
/// first used ([`gss::check_text`] checks them again at the library); `reason` says which name
/// it was.
fn check_name(name: &str, reason: &'static str) -> Result<(), AuthError> {
    gss::check_text(name, reason).map_err(|_| AuthError::InvalidCredentials { reason })
}

/// The Kerberos principal of a login name: `alice`, or `alice@REALM` with the realm in upper
/// case.
fn principal_of(user: &str) -> Result<String, AuthError> {
    check_name(
        user,
        "the user name is empty, too long or has control characters",
    )?;
    match UserName::parse(user)? {
        UserName::DownLevel { .. } => Err(AuthError::InvalidCredentials {
            reason: "Kerberos needs a principal (alice or alice@REALM), not DOMAIN\\alice",
        }),
        UserName::Principal { user, realm } => Ok(format!("{user}@{}", realm.to_ascii_uppercase())),
        UserName::Plain(user) => Ok(user.to_owned()),
    }
}

#[cfg(test)]
mod tests;
