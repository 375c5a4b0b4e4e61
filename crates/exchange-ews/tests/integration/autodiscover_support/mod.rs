//! Shared set-up of the Autodiscover tests: fake endpoints on 127.0.0.1 and canned answers.

use std::sync::Arc;
use std::time::Duration;

use exchange_auth::{Basic, UserCredentials};
use exchange_ews::autodiscover::{Autodiscover, AutodiscoverBuilder, Discovery};
use exchange_ews::EwsError;
use secrecy::SecretString;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub(crate) const SVC: &str = "/autodiscover/autodiscover.svc";
pub(crate) const POX: &str = "/autodiscover/autodiscover.xml";
/// The address most searches are for.
pub(crate) const ALICE: &str = "alice@contoso.test";
pub(crate) const EWS_URL: &str = "https://mail.contoso.test/EWS/Exchange.asmx";
/// `alice:pw` in Basic.
pub(crate) const ALICE_BASIC: &str = "Basic YWxpY2U6cHc=";

pub(crate) fn basic() -> Arc<Basic> {
    Arc::new(Basic::new(UserCredentials::new("alice", SecretString::from("pw"))).unwrap())
}

/// A resolver whose candidates for `contoso.test` are `first` and, for
/// `autodiscover.contoso.test`, `second`; every other authority is sent to `fallback` (so
/// that no request leaves 127.0.0.1).
pub(crate) fn builder(first: &MockServer, second: &MockServer) -> AutodiscoverBuilder {
    let (first, second) = (first.uri(), second.uri());
    Autodiscover::builder()
        .auth(basic())
        .timeout(Duration::from_secs(10))
        .allow_insecure_http()
        .base_url(Arc::new(move |authority: &str| match authority {
            "contoso.test" | "fabrikam.test" => first.clone(),
            "autodiscover.contoso.test" | "autodiscover.fabrikam.test" => second.clone(),
            other if other.starts_with("127.0.0.1:") => format!("http://{other}"),
            _ => first.clone(),
        }))
}

/// Two fresh endpoints, the `first` and `second` candidates of [`builder`].
pub(crate) async fn two_endpoints() -> (MockServer, MockServer) {
    (MockServer::start().await, MockServer::start().await)
}

/// Searches for `address` with a resolver of [`builder`] and no further options.
pub(crate) async fn resolve(
    first: &MockServer,
    second: &MockServer,
    address: &str,
) -> Result<Discovery, EwsError> {
    resolve_with(builder(first, second), address).await
}

/// Searches for `address` with the resolver that `builder` builds.
pub(crate) async fn resolve_with(
    builder: AutodiscoverBuilder,
    address: &str,
) -> Result<Discovery, EwsError> {
    builder.build().unwrap().resolve(address).await
}

pub(crate) fn soap_user(code: &str, target: Option<&str>, settings: &[(&str, &str)]) -> String {
    let target = target.map_or_else(
        || r#"<RedirectTarget i:nil="true"/>"#.to_owned(),
        |t| format!("<RedirectTarget>{t}</RedirectTarget>"),
    );
    let settings: String = settings
        .iter()
        .map(|(n, v)| {
            format!(r#"<UserSetting i:type="StringSetting"><Name>{n}</Name><Value>{v}</Value></UserSetting>"#)
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<GetUserSettingsResponseMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover">
<Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><ErrorCode>NoError</ErrorCode><ErrorMessage/>
<UserResponses><UserResponse><ErrorCode>{code}</ErrorCode><ErrorMessage>{code} message</ErrorMessage>{target}
<UserSettingErrors/><UserSettings>{settings}</UserSettings></UserResponse></UserResponses>
</Response></GetUserSettingsResponseMessage></s:Body></s:Envelope>"#
    )
}

/// A SOAP answer that sends the search on: `code` is `RedirectAddress` or `RedirectUrl`.
pub(crate) fn soap_redirect(code: &str, target: &str) -> ResponseTemplate {
    xml(200, soap_user(code, Some(target), &[]))
}

/// An HTTP redirect to `location`.
pub(crate) fn http_redirect(status: u16, location: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("location", location)
}

pub(crate) fn soap_found(url: &str) -> String {
    soap_user(
        "NoError",
        None,
        &[("ExternalEwsUrl", url), ("UserDisplayName", "Alice")],
    )
}

pub(crate) fn pox_found(url: &str) -> String {
    format!(
        r#"<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
<User><DisplayName>Alice</DisplayName></User>
<Account><AccountType>email</AccountType><Action>settings</Action>
<Protocol><Type>WEB</Type></Protocol>
<Protocol><Type>EXPR</Type><EwsUrl>{url}</EwsUrl></Protocol>
</Account></Response></Autodiscover>"#
    )
}

pub(crate) fn xml(status: u16, body: String) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into_bytes(), "text/xml; charset=utf-8")
}

pub(crate) async fn on(server: &MockServer, at: &str, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

/// Answers the POSTs to `at` whose body contains `needle`, and no others.
pub(crate) async fn on_body(
    server: &MockServer,
    at: &str,
    needle: impl Into<String>,
    response: ResponseTemplate,
) {
    Mock::given(method("POST"))
        .and(path(at))
        .and(body_string_contains(needle))
        .respond_with(response)
        .mount(server)
        .await;
}
