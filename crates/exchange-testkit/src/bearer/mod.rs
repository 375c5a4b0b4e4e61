//! OAuth2 bearer tokens as Exchange Online checks them: RS256 JWTs of one trusted issuer,
//! signed by a key of its JSON Web Key Set, for this server's audience, within their lifetime,
//! and carrying an EWS permission; and the `401` headers that say why a token was refused.

mod jwks;
mod jwt;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

use crate::auth::Principal;
use crate::error::Error;
use crate::store::Directory;

pub(crate) use jwt::MAX_TOKEN;

/// How far in the future `nbf` may lie (clocks disagree; Entra ID back-dates `nbf` anyway).
const NBF_SKEW_SECS: f64 = 300.0;
/// The delegated EWS permission (`scp`).
const DELEGATED_PERMISSION: &str = "EWS.AccessAsUser.All";
/// The app-only EWS permissions (`roles`): the classic one and its newer name.
const APP_PERMISSIONS: [&str; 2] = ["full_access_as_app", "EWS.AccessAsApp"];
/// The claims that name a token's user, in the order they are read.
const USER_CLAIMS: [&str; 3] = ["upn", "preferred_username", "unique_name"];

/// The bearer tokens a fake trusts: one issuer, its keys, one audience.
#[derive(Debug)]
pub(crate) struct Trust {
    issuer: String,
    audience: String,
    keys: Vec<jwks::TrustedKey>,
}

impl Trust {
    /// Trusts tokens of `issuer` (the exact `iss`) for `audience`, signed by a key of the set
    /// `jwks_json`.
    pub(crate) fn new(issuer: &str, audience: &str, jwks_json: &str) -> Result<Self, Error> {
        if issuer.trim().is_empty() || audience.trim().is_empty() {
            return Err(Error::InvalidJwks(
                "the trusted issuer and audience must not be empty".to_owned(),
            ));
        }
        Ok(Self {
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            keys: jwks::parse(jwks_json)?,
        })
    }

    /// Who `token` authenticates at `now` (seconds since the epoch): a configured user for a
    /// delegated token, an application for an app-only one.
    pub(crate) fn authenticate(
        &self,
        directory: &Directory,
        token: &str,
        now: i64,
    ) -> Result<Principal, Error> {
        let claims = jwt::verified_claims(token, &self.keys)?;
        let issuer = claims
            .get("iss")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if issuer != self.issuer {
            return Err(invalid(&format!(
                "The issuer of the token is unknown. Issuer was '{}'.",
                printable(issuer)
            )));
        }
        // Exact: seconds since 1970 stay far below 2^53.
        let now = now as f64;
        let expires = number(&claims, "exp")?
            .ok_or_else(|| invalid("The token is missing the claim type 'exp'."))?;
        if expires <= now {
            return Err(Error::TokenExpired);
        }
        if number(&claims, "nbf")?.is_some_and(|nbf| nbf > now + NBF_SKEW_SECS) {
            return Err(invalid("The token is not valid yet (nbf)."));
        }
        self.check_audience(&claims)?;
        holder(directory, &claims)
    }

    /// Whether the token is for this server, as Exchange compares resources: without regard
    /// to case or a trailing slash.
    fn check_audience(&self, claims: &Map<String, Value>) -> Result<(), Error> {
        let audiences: Vec<&str> = match claims.get("aud") {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ => return Err(invalid("The token is missing the claim type 'aud'.")),
        };
        let wanted = self.audience.trim_end_matches('/');
        if audiences
            .iter()
            .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(wanted))
        {
            return Ok(());
        }
        Err(Error::WrongAudience(printable(&audiences.join(", "))))
    }

    /// The `Bearer` challenge of a `401`, as Exchange Online words it (Exchange's application
    /// id, the issuers it trusts, the token types it takes); `error="invalid_token"` when a
    /// token was refused. The authorization URI is the trusted issuer's `/authorize`.
    pub(crate) fn challenge(&self, refusal: Option<&Error>) -> String {
        let mut challenge = format!(
            "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", \
             trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", \
             token_types=\"app_asserted_user_v1 service_asserted_app_v1\", \
             authorization_uri=\"{}/authorize\"",
            printable(self.issuer.trim_end_matches('/'))
        );
        if refusal.is_some_and(|e| diagnostics(e).is_some()) {
            challenge.push_str(", error=\"invalid_token\"");
        }
        challenge
    }
}

/// Who a verified token acts for: the configured user its user claim names (a delegated token
/// with `EWS.AccessAsUser.All` in `scp`), or its application (an app-only token with
/// `full_access_as_app` in `roles`).
fn holder(directory: &Directory, claims: &Map<String, Value>) -> Result<Principal, Error> {
    if let Some(scopes) = claims.get("scp") {
        let granted = scopes.as_str().is_some_and(|s| {
            s.split_whitespace()
                .any(|s| s.eq_ignore_ascii_case(DELEGATED_PERMISSION))
        });
        if !granted {
            return Err(Error::NoEwsPermission);
        }
        let name = USER_CLAIMS
            .iter()
            .find_map(|claim| claims.get(*claim).and_then(Value::as_str))
            .map(str::trim)
            .unwrap_or_default();
        return directory
            .by_login(name)
            .or_else(|| directory.mailbox(name))
            .filter(|_| !name.is_empty())
            .map(Principal::Delegated)
            .ok_or_else(|| Error::UnknownTokenUser(printable(name)));
    }
    let roles = claims.get("roles").and_then(Value::as_array);
    let granted = roles.is_some_and(|roles| {
        roles
            .iter()
            .filter_map(Value::as_str)
            .any(|r| APP_PERMISSIONS.contains(&r))
    });
    if !granted {
        return Err(Error::NoEwsPermission);
    }
    let app_id = ["appid", "azp", "client_id"]
        .iter()
        .find_map(|claim| claims.get(*claim).and_then(Value::as_str))
        .unwrap_or_default();
    Ok(Principal::App {
        app_id: printable(app_id),
    })
}

/// A numeric claim (seconds since the epoch), `None` when absent.
fn number(claims: &Map<String, Value>, name: &str) -> Result<Option<f64>, Error> {
    match claims.get(name) {
        None => Ok(None),
        Some(value) => value.as_f64().map(Some).ok_or_else(|| {
            invalid(&format!(
                "The token has invalid value for the claim type '{name}'."
            ))
        }),
    }
}

/// An invalid token, for the reason `reason` (header-safe text).
pub(crate) fn invalid(reason: &str) -> Error {
    Error::InvalidToken(reason.to_owned())
}

/// Text from a token made safe for a quoted header parameter and the log: printable ASCII
/// without quotes or backslashes, at most 128 characters.
pub(crate) fn printable(text: &str) -> String {
    const MAX: usize = 128;
    let mut out: String = text
        .chars()
        .take(MAX)
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '?',
        })
        .collect();
    if text.chars().nth(MAX).is_some() {
        out.push_str("...");
    }
    out
}

/// The `x-ms-diagnostics` header of a `401` for a refused token, as Exchange writes it:
/// `<category code>;reason="<why>";error_category="<category>"`. `None` for refusals that
/// are not about a bearer token.
pub(crate) fn diagnostics(refusal: &Error) -> Option<String> {
    let (code, reason, category) = match refusal {
        Error::InvalidToken(reason) => (2_000_001, reason.clone(), "invalid_token"),
        Error::TokenExpired => (
            2_000_002,
            "The token has expired.".to_owned(),
            "token_expired",
        ),
        Error::WrongAudience(audience) => (
            2_000_003,
            format!("The audience claim value is invalid '{audience}'."),
            "invalid_resource",
        ),
        Error::UnknownTokenUser(_) => (
            2_000_005,
            "The user specified by the user-context in the token does not exist.".to_owned(),
            "invalid_user",
        ),
        Error::NoEwsPermission => (
            2_000_008,
            "The token contains no permissions, or permissions can not be understood.".to_owned(),
            "invalid_grant",
        ),
        _ => return None,
    };
    Some(format!(
        "{code};reason=\"{reason}\";error_category=\"{category}\""
    ))
}
