//! OAuth2 sign-ins of portal users (data sources with `Authentication::OAuth2`): the sign-ins
//! started and not finished yet, their finishing, and the storing of rotated refresh tokens.
//!
//! A sign-in is the authorization code flow with PKCE. The gateway keeps the PKCE verifier and
//! the `state` in memory, bound to the portal user and the data source that started it, for
//! [`OAUTH_SIGN_IN_TTL`]; the portal hands back what the browser brought to the redirect URI,
//! and only the same portal user of the same data source can finish it, once. The refresh
//! token becomes the portal user's account (sealed in the vault, or for the session only);
//! each rotation replaces it there.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use base64::Engine as _;
use chrono::Utc;
use exchange_auth::oauth::{PendingAuthorization, RefreshTokenHook};
use mediagateway_api::{
    ApiError, Authentication, DataSourceConfig, LoginOutcome, OAuthAuthorization, OAuthLoginFinish,
    OAuthLoginStart, OAuthSettings, UserCall, OAUTH_SIGN_IN_TTL,
};
use mediagateway_vault::{Account, RecordId, Secret};
use secrecy::{ExposeSecret as _, SecretString};
use uuid::Uuid;

use crate::audit;
use crate::backend::{sign_in_flow, MailboxAccess, OAuthAccess, OAuthGrant};
use crate::fingerprint::access_fingerprint;
use crate::gateway::{storage, user_record, UserAccounts};
use crate::{validate, Gateway};

/// The attribute of an OAuth2 account that names the sign-in its refresh token comes from.
pub(crate) const SIGN_IN: &str = "oauth_sign_in";

/// The most sign-ins waiting at once, over all data sources.
pub(crate) const MAX_PENDING: usize = 10_000;

/// The most sign-ins one portal user of one data source has waiting: a new one beyond it
/// replaces the oldest.
const MAX_PENDING_PER_USER: usize = 4;

/// The longest `state` accepted back.
const MAX_STATE_BYTES: usize = 512;

/// The longest authorization code accepted back.
const MAX_CODE_BYTES: usize = 8 * 1024;

/// A started sign-in.
struct Pending {
    data_source: String,
    portal_user: Uuid,
    started: Instant,
    authorization: PendingAuthorization,
}

/// The sign-ins started and not finished, by their `state`.
#[derive(Default)]
pub(crate) struct SignIns {
    pending: Mutex<HashMap<String, Pending>>,
}

impl SignIns {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        self.pending
            .lock()
            .expect("the sign-in lock is never poisoned")
    }

    /// Keeps `authorization` for `portal_user` of `data_source`.
    fn start(
        &self,
        data_source: &str,
        portal_user: Uuid,
        authorization: PendingAuthorization,
        now: Instant,
    ) -> Result<(), ApiError> {
        let mut pending = self.lock();
        pending.retain(|_, p| now.duration_since(p.started) < OAUTH_SIGN_IN_TTL);
        let mine: Vec<(Instant, String)> = pending
            .iter()
            .filter(|(_, p)| p.portal_user == portal_user && p.data_source == data_source)
            .map(|(state, p)| (p.started, state.clone()))
            .collect();
        if mine.len() >= MAX_PENDING_PER_USER {
            if let Some((_, oldest)) = mine.iter().min() {
                pending.remove(oldest);
            }
        }
        if pending.len() >= MAX_PENDING {
            return Err(ApiError::LimitExceeded {
                what: format!(
                    "{MAX_PENDING} OAuth2 sign-ins are waiting for their code; try again later"
                ),
            });
        }
        let state = authorization.state().expose_secret().to_owned();
        pending.insert(
            state,
            Pending {
                data_source: data_source.to_owned(),
                portal_user,
                started: now,
                authorization,
            },
        );
        Ok(())
    }

    /// Takes the sign-in of `state` if `portal_user` of `data_source` started it and it has
    /// not expired. Another caller's sign-in stays where it is.
    fn take(
        &self,
        data_source: &str,
        portal_user: Uuid,
        state: &str,
        now: Instant,
    ) -> Result<PendingAuthorization, ApiError> {
        let mut pending = self.lock();
        let unknown = || {
            ApiError::invalid(
                "the sign-in state is unknown or expired (or the sign-in was started on another \
                 gateway): start the sign-in again",
            )
        };
        let found = pending.get(state).ok_or_else(unknown)?;
        if found.data_source != data_source || found.portal_user != portal_user {
            return Err(ApiError::PermissionDenied {
                what: "the sign-in was started by another portal user or data source".to_owned(),
            });
        }
        let found = pending.remove(state).ok_or_else(unknown)?;
        if now.duration_since(found.started) >= OAUTH_SIGN_IN_TTL {
            return Err(unknown());
        }
        Ok(found.authorization)
    }

    /// How many sign-ins wait.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }
}

/// Stores each new refresh token of one account where the account lives, as long as the
/// account is still of the same sign-in (a newer sign-in's token is never overwritten).
pub(crate) struct StoreRotation {
    /// The newest refresh token this hook heard of, for a sign-in that rotates its token
    /// before its account is stored.
    latest: Mutex<Option<SecretString>>,
    accounts: UserAccounts,
    id: RecordId,
    sign_in: String,
}

impl RefreshTokenHook for StoreRotation {
    fn refresh_token_rotated(&self, token: &SecretString) {
        *self.latest.lock().expect("never poisoned") = Some(token.clone());
        let Some(mut account) = self.accounts.get(&self.id).ok().flatten() else {
            return;
        };
        if account.attributes.get(SIGN_IN) != Some(&self.sign_in) {
            return;
        }
        account.secret = Secret::RefreshToken(token.clone());
        if let Err(error) = self.accounts.put(&self.id, account) {
            // The old token may stop working: the user will be asked to sign in again.
            tracing::warn!(
                data_source = %self.id.data_source,
                %error,
                "a rotated OAuth2 refresh token could not be stored"
            );
        }
    }
}

impl Gateway {
    /// The hook that stores the rotated refresh tokens of the account `id`.
    pub(crate) fn rotation(
        &self,
        id: &RecordId,
        config: &DataSourceConfig,
        sign_in: &str,
    ) -> Arc<StoreRotation> {
        Arc::new(StoreRotation {
            latest: Mutex::new(None),
            accounts: self.accounts(config),
            id: id.clone(),
            sign_in: sign_in.to_owned(),
        })
    }

    /// Starts a sign-in of the calling portal user.
    pub(crate) fn begin_sign_in(
        &self,
        call: &UserCall,
        start: &OAuthLoginStart,
    ) -> Result<OAuthAuthorization, ApiError> {
        let source = self.authorize_user(call)?;
        let settings = oauth_settings(&source.config)?;
        if let Some(hint) = &start.login_hint {
            validate::name("login hint", hint)?;
        }
        let (mut url, authorization) = sign_in_flow(settings)?.start();
        if let Some(hint) = &start.login_hint {
            url.query_pairs_mut().append_pair("login_hint", hint);
        }
        self.sign_ins.start(
            &call.data_source,
            call.portal_user,
            authorization,
            Instant::now(),
        )?;
        Ok(OAuthAuthorization {
            authorization_url: url.into(),
        })
    }

    /// Finishes a sign-in of the calling portal user: redeems the code, checks the mailbox
    /// with the token, and keeps the refresh token as the user's account.
    pub(crate) async fn finish_sign_in(
        &self,
        call: &UserCall,
        finish: &OAuthLoginFinish,
    ) -> Result<LoginOutcome, ApiError> {
        let source = self.authorize_user(call)?;
        let config = &source.config;
        let settings = oauth_settings(config)?;
        if finish.state.is_empty() || finish.state.len() > MAX_STATE_BYTES {
            return Err(ApiError::invalid("the sign-in state is empty or too long"));
        }
        let code = finish.code.expose_secret();
        if code.is_empty() || code.len() > MAX_CODE_BYTES {
            return Err(ApiError::invalid(
                "the authorization code is empty or too long",
            ));
        }
        let authorization = self.sign_ins.take(
            &call.data_source,
            call.portal_user,
            &finish.state,
            Instant::now(),
        )?;
        let tokens = authorization
            .finish(code, &finish.state)
            .await
            .map_err(crate::backend::map_auth_error)?;
        let refresh_token = tokens.refresh_token().cloned().ok_or_else(|| {
            ApiError::AuthenticationMisconfigured {
                detail: "the sign-in returned no refresh token: the application must ask for \
                         offline_access"
                    .to_owned(),
                problem: mediagateway_api::AuthProblem::Other,
            }
        })?;
        let user = token_user(tokens.access_token())?;
        validate::name("user name of the token", &user)?;
        let server_url = &config.service_account.ews_url;
        self.allowed_url(server_url)?;
        let id = user_record(call);
        let sign_in = Uuid::new_v4().hyphenated().to_string();
        let rotation = self.rotation(&id, config, &sign_in);
        let access = MailboxAccess {
            server_url: server_url.clone(),
            generation: config.exchange_generation,
            authentication: Authentication::OAuth2,
            user_name: user.clone(),
            password: SecretString::from(String::new()),
            mailbox: user.clone(),
            time_zone: config.time_zone.clone(),
            oauth: Some(OAuthAccess {
                settings: settings.clone(),
                grant: OAuthGrant::Delegated {
                    refresh_token: refresh_token.clone(),
                    sign_in: sign_in.clone(),
                    tokens: Some(tokens),
                    rotation: Arc::clone(&rotation) as Arc<dyn RefreshTokenHook>,
                },
            }),
        };
        // Nothing is kept unless Exchange accepts the token.
        if let Err(error) = self.backend.check(&access).await {
            audit::login_failed(&call.data_source, call.portal_user, &user, error.kind());
            return Err(error);
        }
        // The check may have refreshed already: the sign-in's own token is then used up.
        let refresh_token = rotation
            .latest
            .lock()
            .expect("never poisoned")
            .clone()
            .unwrap_or(refresh_token);
        let mut account = Account::new(
            user.clone(),
            server_url.clone(),
            Secret::RefreshToken(refresh_token),
        );
        account.mailbox = Some(user.clone());
        account.fingerprint = Some(access_fingerprint(server_url, &user, &user));
        account.last_used = Some(Utc::now());
        account.attributes.insert(SIGN_IN.to_owned(), sign_in);
        let stored = self.accounts(config).put(&id, account).map_err(storage)?;
        audit::login_succeeded(&call.data_source, call.portal_user, &user);
        Ok(LoginOutcome {
            stored,
            mailbox: user,
        })
    }
}

/// The OAuth2 application of an OAuth2 data source; other data sources have none.
fn oauth_settings(config: &DataSourceConfig) -> Result<&OAuthSettings, ApiError> {
    match (&config.authentication, &config.oauth) {
        (Authentication::OAuth2, Some(settings)) => Ok(settings),
        _ => Err(ApiError::invalid(format!(
            "data source {:?} does not sign users in with OAuth2",
            config.name
        ))),
    }
}

/// The user an access token names (`upn`, `preferred_username`, `unique_name` or `email`).
///
/// The token's signature is not checked here: it came straight from the token endpoint over a
/// connection the gateway opened (TLS outside loopback), and Exchange checks it on every call.
fn token_user(token: &SecretString) -> Result<String, ApiError> {
    let unreadable = || ApiError::Protocol {
        detail: "the access token names no user (upn, preferred_username, unique_name or email)"
            .to_owned(),
    };
    let payload = token
        .expose_secret()
        .split('.')
        .nth(1)
        .filter(|p| p.len() <= 64 * 1024)
        .ok_or_else(unreadable)?;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| unreadable())?;
    let claims: serde_json::Value = serde_json::from_slice(&payload).map_err(|_| unreadable())?;
    ["upn", "preferred_username", "unique_name", "email"]
        .iter()
        .find_map(|claim| claims.get(claim)?.as_str())
        .map(str::to_owned)
        .ok_or_else(unreadable)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use mediagateway_api::ErrorKind;

    use super::*;

    fn token_with(payload: &str) -> SecretString {
        let encode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        SecretString::from(format!(
            "{}.{}.sig",
            encode(r#"{"alg":"RS256"}"#),
            encode(payload)
        ))
    }

    fn settings() -> OAuthSettings {
        OAuthSettings {
            tenant: "contoso.test".to_owned(),
            client_id: "portal-app".to_owned(),
            credential: mediagateway_api::OAuthCredential::Secret(SecretString::from("s3cret")),
            redirect_uri: "http://127.0.0.1:9/signed-in".to_owned(),
            endpoints: Some(mediagateway_api::OAuthEndpoints {
                authorize: "http://127.0.0.1:9/authorize".to_owned(),
                token: "http://127.0.0.1:9/token".to_owned(),
            }),
        }
    }

    /// A started sign-in and its state.
    fn started() -> (PendingAuthorization, String) {
        let (_, pending) = sign_in_flow(&settings()).unwrap().start();
        let state = pending.state().expose_secret().to_owned();
        (pending, state)
    }

    #[test]
    fn a_sign_in_is_finished_only_by_who_started_it_once_and_in_time() {
        let sign_ins = SignIns::default();
        let (alice, bob) = (Uuid::new_v4(), Uuid::new_v4());
        let now = Instant::now();
        let (pending, state) = started();
        sign_ins.start("Exchange", alice, pending, now).unwrap();
        // Another portal user, or another data source, is refused and leaves it in place.
        let error = sign_ins.take("Exchange", bob, &state, now).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::PermissionDenied);
        let error = sign_ins.take("Other", alice, &state, now).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::PermissionDenied);
        assert!(sign_ins.take("Exchange", alice, &state, now).is_ok());
        // Once only.
        let error = sign_ins.take("Exchange", alice, &state, now).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        // Not after its time.
        let (pending, state) = started();
        sign_ins.start("Exchange", alice, pending, now).unwrap();
        let late = now + OAUTH_SIGN_IN_TTL;
        let error = sign_ins.take("Exchange", alice, &state, late).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert_eq!(sign_ins.len(), 0);
        // An unknown state.
        let error = sign_ins.take("Exchange", alice, "forged", now).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn a_user_has_few_sign_ins_waiting_and_expired_ones_go() {
        let sign_ins = SignIns::default();
        let alice = Uuid::new_v4();
        let now = Instant::now();
        let mut states = Vec::new();
        for i in 0..MAX_PENDING_PER_USER + 2 {
            let (pending, state) = started();
            let at = now + Duration::from_millis(u64::try_from(i).unwrap());
            sign_ins.start("Exchange", alice, pending, at).unwrap();
            states.push(state);
        }
        assert_eq!(sign_ins.len(), MAX_PENDING_PER_USER);
        // The oldest went first.
        let error = sign_ins
            .take("Exchange", alice, &states[0], now)
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert!(sign_ins
            .take("Exchange", alice, states.last().unwrap(), now)
            .is_ok());
        // A start after the others expired finds them gone.
        let (pending, _) = started();
        sign_ins
            .start(
                "Exchange",
                Uuid::new_v4(),
                pending,
                now + OAUTH_SIGN_IN_TTL * 2,
            )
            .unwrap();
        assert_eq!(sign_ins.len(), 1);
    }

    #[test]
    fn the_user_of_a_token_is_its_upn_or_preferred_name() {
        let upn = token_with(r#"{"upn":"alice@contoso.test","preferred_username":"x"}"#);
        assert_eq!(token_user(&upn).unwrap(), "alice@contoso.test");
        let preferred = token_with(r#"{"preferred_username":"bob@contoso.test"}"#);
        assert_eq!(token_user(&preferred).unwrap(), "bob@contoso.test");
    }

    #[test]
    fn hostile_tokens_name_no_user() {
        for token in [
            String::new(),
            "no-dots".to_owned(),
            "a.!!!not base64!!!.c".to_owned(),
            format!("a.{}.c", "A".repeat(70_000)),
            token_with("not json").expose_secret().to_owned(),
            token_with(r#"{"upn":42}"#).expose_secret().to_owned(),
            token_with(r#"{"sub":"johndoe"}"#)
                .expose_secret()
                .to_owned(),
        ] {
            let error = token_user(&SecretString::from(token)).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Protocol);
        }
    }
}
