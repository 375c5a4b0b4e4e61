//! Bearer tokens signed here with two fixed test keys (`test-key.pem`, `test-key-other.pem`:
//! generated for these tests, never used elsewhere): what is accepted, and every refusal.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use http::HeaderValue;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::{SignatureEncoding as _, Signer as _};
use rsa::traits::PublicKeyParts as _;
use rsa::PrivateKey;
use secrecy::SecretString;
use serde_json::{json, Value};
use sha2::Sha256;

use super::*;
use crate::auth::{self, Principal};
use crate::store::User;

const ISSUER: &str = "http://localhost:8080";
const AUDIENCE: &str = "https://outlook.office365.com";
/// The clock of every test: tokens are made around it.
const NOW: i64 = 1_800_000_000;

fn key(pem: &str) -> PrivateKey {
    PrivateKey::from_pkcs8_pem(pem).expect("the test key is PKCS#8 PEM")
}

fn main_key() -> PrivateKey {
    key(include_str!("test-key.pem"))
}

fn other_key() -> PrivateKey {
    key(include_str!("test-key-other.pem"))
}

/// Big-endian bytes without leading zeros, base64url.
fn b64_number(bytes: &[u8]) -> String {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    URL_SAFE_NO_PAD.encode(&bytes[first..])
}

fn jwk(key: &PrivateKey, kid: Option<&str>) -> Value {
    let mut jwk = json!({
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "n": b64_number(&key.n().as_ref().to_be_bytes()),
        "e": b64_number(&key.e().to_be_bytes()),
    });
    if let Some(kid) = kid {
        jwk["kid"] = json!(kid);
    }
    jwk
}

fn jwks(keys: &[Value]) -> String {
    json!({ "keys": keys }).to_string()
}

/// Trusts the main key as `k1`.
fn trust() -> Trust {
    Trust::new(ISSUER, AUDIENCE, &jwks(&[jwk(&main_key(), Some("k1"))])).unwrap()
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// `header.claims` signed with `key`.
fn signed(key: &PrivateKey, header: &Value, claims: &Value) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let signature = SigningKey::<Sha256>::new(key.clone()).sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

fn header() -> Value {
    json!({"typ": "JWT", "alg": "RS256", "kid": "k1"})
}

fn delegated() -> Value {
    json!({
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": NOW - 60,
        "nbf": NOW - 60,
        "exp": NOW + 3600,
        "scp": "EWS.AccessAsUser.All offline_access",
        "upn": "alice@contoso.test",
        "tid": "7c3e9a41-52d8-4f6b-9e0a-3b1d6f8c2e57",
    })
}

fn app_only() -> Value {
    json!({
        "iss": ISSUER,
        "aud": AUDIENCE,
        "nbf": NOW - 60,
        "exp": NOW + 3600,
        "roles": ["full_access_as_app"],
        "appid": "11111111-2222-3333-4444-555555555555",
    })
}

fn token(claims: &Value) -> String {
    signed(&main_key(), &header(), claims)
}

fn directory() -> Directory {
    let user = |login: &str, smtp: &str| User {
        login: login.into(),
        password: SecretString::from("unused"),
        smtp: smtp.into(),
    };
    Directory {
        users: vec![
            user("CONTOSO\\alice", "alice@contoso.test"),
            user("bob", "bob@contoso.test"),
        ],
        delegates: Vec::new(),
    }
}

fn check(token: &str) -> Result<Principal, Error> {
    trust().authenticate(&directory(), token, NOW)
}

/// `claims` with `changes` applied (`null` removes a claim).
fn with(mut claims: Value, changes: &Value) -> Value {
    for (name, value) in changes.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(name);
        } else {
            claims[name] = value.clone();
        }
    }
    claims
}

fn is_invalid(result: &Result<Principal, Error>) -> bool {
    matches!(result, Err(Error::InvalidToken(_)))
}

#[test]
fn delegated_tokens_name_their_user_by_upn_then_preferred_username_then_unique_name() {
    assert_eq!(check(&token(&delegated())), Ok(Principal::Delegated(0)));
    let by = |changes: Value| check(&token(&with(delegated(), &changes)));
    assert_eq!(
        by(json!({"upn": "ALICE@Contoso.TEST"})),
        Ok(Principal::Delegated(0))
    );
    assert_eq!(
        by(json!({"upn": "contoso\\ALICE"})),
        Ok(Principal::Delegated(0))
    );
    assert_eq!(
        by(
            json!({"upn": null, "preferred_username": "bob@contoso.test", "unique_name": "alice@contoso.test"})
        ),
        Ok(Principal::Delegated(1))
    );
    assert_eq!(
        by(json!({"upn": null, "unique_name": "bob"})),
        Ok(Principal::Delegated(1))
    );
    // The first user claim decides, even when a later one would name a configured user.
    assert_eq!(
        by(json!({"upn": "carol@contoso.test", "preferred_username": "bob"})),
        Err(Error::UnknownTokenUser("carol@contoso.test".into()))
    );
    assert_eq!(
        by(json!({"upn": null})),
        Err(Error::UnknownTokenUser(String::new()))
    );
    assert_eq!(
        by(json!({"upn": "   "})),
        Err(Error::UnknownTokenUser(String::new()))
    );
    assert_eq!(
        by(json!({"scp": "ews.accessasuser.all"})),
        Ok(Principal::Delegated(0))
    );
}

#[test]
fn app_tokens_name_their_application() {
    let app = |changes: Value| check(&token(&with(app_only(), &changes)));
    assert_eq!(
        app(json!({})),
        Ok(Principal::App {
            app_id: "11111111-2222-3333-4444-555555555555".into()
        })
    );
    assert_eq!(
        app(json!({"appid": null, "azp": "from-azp", "roles": ["Mail.Read", "EWS.AccessAsApp"]})),
        Ok(Principal::App {
            app_id: "from-azp".into()
        })
    );
    assert_eq!(
        app(json!({"appid": null, "client_id": "a\"b"})),
        Ok(Principal::App {
            app_id: "a?b".into()
        })
    );
    assert_eq!(
        app(json!({"appid": null})),
        Ok(Principal::App {
            app_id: String::new()
        })
    );
}

#[test]
fn tokens_without_ews_permission_are_refused() {
    for claims in [
        with(delegated(), &json!({"scp": "Mail.Read User.Read"})),
        with(delegated(), &json!({"scp": 7})),
        with(delegated(), &json!({"scp": ""})),
        // A delegated token is judged by its scopes, whatever roles it claims.
        with(
            delegated(),
            &json!({"scp": "User.Read", "roles": ["full_access_as_app"]}),
        ),
        with(app_only(), &json!({"roles": ["Mail.Read"]})),
        with(app_only(), &json!({"roles": "full_access_as_app"})),
        with(app_only(), &json!({"roles": null})),
        with(app_only(), &json!({"roles": ["FULL_ACCESS_AS_APP"]})),
    ] {
        assert_eq!(
            check(&token(&claims)),
            Err(Error::NoEwsPermission),
            "{claims}"
        );
    }
}

#[test]
fn only_rs256_is_accepted() {
    let claims = delegated();
    for alg in [
        json!("none"),
        json!("None"),
        json!("HS256"),
        json!("RS384"),
        json!("RS512"),
        json!("PS256"),
        json!("ES256"),
        json!("rs256"),
        json!(""),
        json!(256),
        Value::Null,
    ] {
        let mut header = header();
        header["alg"] = alg.clone();
        // Signed with the trusted key all the same: the algorithm alone refuses it.
        let refused = check(&signed(&main_key(), &header, &claims));
        assert!(is_invalid(&refused), "{alg}: {refused:?}");
    }
    let mut no_alg = header();
    no_alg.as_object_mut().unwrap().remove("alg");
    assert!(is_invalid(&check(&signed(&main_key(), &no_alg, &claims))));
    // `alg: none` with an empty signature, the classic forgery.
    let unsigned = format!("{}.{}.", b64(&json!({"alg": "none"})), b64(&claims));
    assert!(is_invalid(&check(&unsigned)));
    // HS256 keyed with the public key (the key confusion forgery).
    let forged = format!(
        "{}.{}.{}",
        b64(&json!({"alg": "HS256", "kid": "k1"})),
        b64(&claims),
        URL_SAFE_NO_PAD.encode([7u8; 32])
    );
    let Err(Error::InvalidToken(reason)) = check(&forged) else {
        panic!("HS256 is refused")
    };
    assert!(reason.contains("'HS256'"), "{reason}");
    let mut critical = header();
    critical["crit"] = json!(["exp"]);
    assert!(is_invalid(&check(&signed(&main_key(), &critical, &claims))));
}

#[test]
fn signatures_of_other_keys_or_of_other_content_are_refused() {
    let claims = delegated();
    let by_other = signed(&other_key(), &header(), &claims);
    let Err(Error::InvalidToken(reason)) = check(&by_other) else {
        panic!("another key's signature is refused")
    };
    assert_eq!(reason, "The token has an invalid signature.");
    // The payload of one token under the signature of another.
    let good = token(&claims);
    let upgraded = token(&with(claims.clone(), &json!({"upn": "bob"})));
    let parts: Vec<&str> = good.split('.').collect();
    let other_parts: Vec<&str> = upgraded.split('.').collect();
    let spliced = format!("{}.{}.{}", parts[0], other_parts[1], parts[2]);
    assert!(is_invalid(&check(&spliced)));
    // Signatures of the wrong length, or flipped bits.
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    for bad in [
        signature[..signature.len() - 1].to_vec(),
        [signature.clone(), vec![0]].concat(),
        vec![0; signature.len()],
        vec![0xff; signature.len()],
        {
            let mut flipped = signature.clone();
            flipped[100] ^= 1;
            flipped
        },
    ] {
        let token = format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(&bad));
        assert!(is_invalid(&check(&token)));
    }
}

#[test]
fn the_kid_picks_the_key() {
    let two = Trust::new(
        ISSUER,
        AUDIENCE,
        &jwks(&[jwk(&main_key(), Some("k1")), jwk(&other_key(), Some("k2"))]),
    )
    .unwrap();
    let header_with = |kid: Value| {
        let mut header = header();
        if kid.is_null() {
            header.as_object_mut().unwrap().remove("kid");
        } else {
            header["kid"] = kid;
        }
        header
    };
    let by_other = signed(&other_key(), &header_with(json!("k2")), &delegated());
    assert_eq!(
        two.authenticate(&directory(), &by_other, NOW),
        Ok(Principal::Delegated(0))
    );
    // The kid of the other key on the main key's signature.
    let mislabelled = signed(&main_key(), &header_with(json!("k2")), &delegated());
    assert!(is_invalid(&two.authenticate(
        &directory(),
        &mislabelled,
        NOW
    )));
    let unknown = signed(&main_key(), &header_with(json!("k3")), &delegated());
    assert!(is_invalid(&two.authenticate(&directory(), &unknown, NOW)));
    let no_kid = signed(&main_key(), &header_with(Value::Null), &delegated());
    assert!(is_invalid(&two.authenticate(&directory(), &no_kid, NOW)));
    // With one trusted key, a token without kid is checked against it.
    assert_eq!(check(&no_kid), Ok(Principal::Delegated(0)));
    let numeric = signed(&main_key(), &header_with(json!(1)), &delegated());
    assert!(is_invalid(&check(&numeric)));
    // A key set without kids: the only key signs.
    let anonymous = Trust::new(ISSUER, AUDIENCE, &jwks(&[jwk(&main_key(), None)])).unwrap();
    assert!(is_invalid(&anonymous.authenticate(
        &directory(),
        &token(&delegated()),
        NOW
    )));
    assert_eq!(
        anonymous.authenticate(&directory(), &no_kid, NOW),
        Ok(Principal::Delegated(0))
    );
}

#[test]
fn malformed_tokens_are_refused() {
    let good = token(&delegated());
    let parts: Vec<&str> = good.split('.').collect();
    let (h, p, s) = (parts[0], parts[1], parts[2]);
    let not_json = URL_SAFE_NO_PAD.encode("{not json");
    let array = URL_SAFE_NO_PAD.encode("[1,2]");
    for bad in [
        String::new(),
        ".".to_owned(),
        "..".to_owned(),
        "...".to_owned(),
        "a.b".to_owned(),
        format!("{h}.{p}"),
        format!("{h}.{p}.{s}.{s}"),
        format!("{h}.{p}.{s}."),
        format!(".{p}.{s}"),
        format!("{h}..{s}"),
        format!("{h}.{p}.=="),
        format!("{h}=.{p}.{s}"),
        format!("{h}.{p}.{s}="),
        format!("{h}.{p}!.{s}"),
        format!("{h}.+{}.{s}", &p[1..]),
        format!("{not_json}.{p}.{s}"),
        format!("{array}.{p}.{s}"),
        format!("{h}.{not_json}.{s}"),
        format!("{h}.{array}.{s}"),
        format!("{}.{p}.{s}", URL_SAFE_NO_PAD.encode("\"RS256\"")),
        "\u{0}.\u{1}.\u{2}".to_owned(),
        "é.é.é".to_owned(),
    ] {
        assert!(is_invalid(&check(&bad)), "{bad:?}");
    }
}

#[test]
fn truncated_tokens_are_refused_at_every_length() {
    let good = token(&delegated());
    assert!(check(&good).is_ok());
    for end in 0..good.len() {
        assert!(is_invalid(&check(&good[..end])), "cut at {end}");
    }
}

#[test]
fn oversized_tokens_and_headers_are_refused_before_decoding() {
    let padded = with(delegated(), &json!({"pad": "x".repeat(MAX_TOKEN)}));
    let Err(Error::InvalidToken(reason)) = check(&token(&padded)) else {
        panic!("an oversized token is refused")
    };
    assert!(reason.contains("longer than 16 KiB"), "{reason}");
    let mut fat = header();
    fat["x5c"] = json!(["A".repeat(4096)]);
    let Err(Error::InvalidToken(reason)) = check(&signed(&main_key(), &fat, &delegated())) else {
        panic!("an oversized header is refused")
    };
    assert!(reason.contains("header is longer"), "{reason}");
    // A deeply nested header within the size limit is refused without overflowing the stack.
    let deep = URL_SAFE_NO_PAD.encode(format!("{}{}", "[".repeat(700), "]".repeat(700)));
    assert!(deep.len() < 2048);
    let good = token(&delegated());
    let (_, rest) = good.split_once('.').unwrap();
    assert!(is_invalid(&check(&format!("{deep}.{rest}"))));
}

#[test]
fn the_issuer_must_be_the_trusted_one() {
    for iss in [
        json!("http://localhost:8081"),
        json!("http://localhost:8080/"),
        json!("HTTP://LOCALHOST:8080"),
        json!(7),
        Value::Null,
    ] {
        let refused = check(&token(&with(delegated(), &json!({"iss": iss.clone()}))));
        assert!(is_invalid(&refused), "{iss}: {refused:?}");
    }
    let Err(Error::InvalidToken(reason)) = check(&token(&with(
        delegated(),
        &json!({"iss": "https://evil\"\r\nX: 1"}),
    ))) else {
        panic!("another issuer is refused")
    };
    assert_eq!(
        reason,
        "The issuer of the token is unknown. Issuer was 'https://evil???X: 1'."
    );
}

#[test]
fn lifetimes_are_checked_with_skew_for_nbf_only() {
    let at = |changes: Value| check(&token(&with(delegated(), &changes)));
    assert_eq!(at(json!({"exp": NOW})), Err(Error::TokenExpired));
    assert_eq!(at(json!({"exp": NOW - 1})), Err(Error::TokenExpired));
    assert_eq!(at(json!({"exp": 0})), Err(Error::TokenExpired));
    assert!(at(json!({"exp": NOW + 1})).is_ok());
    assert!(at(json!({"exp": 1.8e9 + 10.5})).is_ok());
    assert!(is_invalid(&at(json!({"exp": null}))));
    assert!(is_invalid(&at(json!({"exp": "1900000000"}))));
    assert!(at(json!({"nbf": NOW + 299})).is_ok());
    assert!(at(json!({"nbf": null})).is_ok());
    assert!(is_invalid(&at(json!({"nbf": NOW + 301}))));
    assert!(is_invalid(&at(json!({"nbf": "soon"}))));
}

#[test]
fn the_audience_must_be_this_server() {
    let at = |aud: Value| check(&token(&with(delegated(), &json!({"aud": aud}))));
    assert!(at(json!("https://outlook.office365.com/")).is_ok());
    assert!(at(json!("HTTPS://Outlook.Office365.com")).is_ok());
    assert!(at(json!(["api://other", "https://outlook.office365.com"])).is_ok());
    assert_eq!(
        at(json!("https://graph.microsoft.com")),
        Err(Error::WrongAudience("https://graph.microsoft.com".into()))
    );
    assert_eq!(
        at(json!(["a", "b"])),
        Err(Error::WrongAudience("a, b".into()))
    );
    assert_eq!(at(json!([])), Err(Error::WrongAudience(String::new())));
    assert_eq!(
        at(json!("x'\"\u{7}y")),
        Err(Error::WrongAudience("x'??y".into()))
    );
    assert!(is_invalid(&at(Value::Null)));
    assert!(is_invalid(&at(json!(5))));
}

#[test]
fn refusals_carry_exchange_diagnostics_that_fit_in_a_header() {
    let diagnostics_of = |changes: Value| {
        let refusal = check(&token(&with(delegated(), &changes))).unwrap_err();
        let value = diagnostics(&refusal).expect("a token refusal has diagnostics");
        assert!(HeaderValue::from_str(&value).is_ok(), "{value}");
        value
    };
    assert_eq!(
        diagnostics_of(json!({"aud": "https://graph.microsoft.com"})),
        "2000003;reason=\"The audience claim value is invalid 'https://graph.microsoft.com'.\";error_category=\"invalid_resource\""
    );
    assert_eq!(
        diagnostics_of(json!({"exp": NOW - 10})),
        "2000002;reason=\"The token has expired.\";error_category=\"token_expired\""
    );
    assert_eq!(
        diagnostics_of(json!({"iss": "https://other"})),
        "2000001;reason=\"The issuer of the token is unknown. Issuer was 'https://other'.\";error_category=\"invalid_token\""
    );
    assert_eq!(
        diagnostics_of(json!({"upn": "carol"})),
        "2000005;reason=\"The user specified by the user-context in the token does not exist.\";error_category=\"invalid_user\""
    );
    assert_eq!(
        diagnostics_of(json!({"scp": "User.Read"})),
        "2000008;reason=\"The token contains no permissions, or permissions can not be understood.\";error_category=\"invalid_grant\""
    );
    let hostile = "\"\r\n\u{0}é".repeat(200);
    diagnostics_of(json!({"aud": hostile.clone()}));
    diagnostics_of(json!({"iss": hostile}));
    assert_eq!(diagnostics(&Error::WrongCredentials), None);
    assert_eq!(diagnostics(&Error::MissingCredentials), None);
}

#[test]
fn the_challenge_is_exchange_online_s_with_the_error_once_a_token_is_refused() {
    let trust = trust();
    let plain = trust.challenge(None);
    assert_eq!(
        plain,
        "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", \
         trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", \
         token_types=\"app_asserted_user_v1 service_asserted_app_v1\", \
         authorization_uri=\"http://localhost:8080/authorize\""
    );
    assert_eq!(trust.challenge(Some(&Error::WrongCredentials)), plain);
    assert_eq!(
        trust.challenge(Some(&Error::TokenExpired)),
        format!("{plain}, error=\"invalid_token\"")
    );
    let offer = auth::challenges("127.0.0.1", Some(&trust), Some(&Error::TokenExpired));
    assert_eq!(offer.len(), 2);
    assert!(offer[0].starts_with("Bearer ") && offer[0].ends_with("error=\"invalid_token\""));
    assert_eq!(offer[1], "Basic realm=\"127.0.0.1\"");
    // Exchange Authentication's own parser reads the parameters back.
    let parsed = exchange_auth::Challenge::parse(&offer[0]).unwrap();
    assert!(parsed.is("Bearer"));
}

#[test]
fn the_authorization_header_is_bounded_and_read_without_regard_to_case() {
    let trust = trust();
    let d = directory();
    let header = |value: &str| HeaderValue::from_str(value).unwrap();
    let good = token(&delegated());
    for value in [
        format!("Bearer {good}"),
        format!("bearer {good}"),
        format!("BEARER   {good}  "),
    ] {
        assert_eq!(
            auth::authenticate(&d, Some(&trust), Some(&header(&value)), NOW),
            Ok(Principal::Delegated(0)),
            "{value}"
        );
    }
    let huge = header(&format!("Bearer {}", "A".repeat(MAX_TOKEN + 1)));
    let Err(Error::InvalidToken(reason)) = auth::authenticate(&d, Some(&trust), Some(&huge), NOW)
    else {
        panic!("an oversized header is refused")
    };
    assert!(reason.contains("longer than 16 KiB"), "{reason}");
    let binary = HeaderValue::from_bytes(b"Bearer \xff\xfe.\x80.\x81").unwrap();
    assert!(matches!(
        auth::authenticate(&d, Some(&trust), Some(&binary), NOW),
        Err(Error::InvalidToken(_))
    ));
    assert!(matches!(
        auth::authenticate(&d, Some(&trust), Some(&header("Bearer")), NOW),
        Err(Error::InvalidToken(_))
    ));
    // Basic still works beside bearer tokens.
    let basic = header("Basic Ym9iOnVudXNlZA==");
    assert_eq!(
        auth::authenticate(&d, Some(&trust), Some(&basic), NOW),
        Ok(Principal::Basic(1))
    );
}

#[test]
fn key_sets_without_a_usable_rs256_key_are_refused() {
    let main = jwk(&main_key(), Some("k1"));
    let refused = |json: &str| {
        matches!(
            Trust::new(ISSUER, AUDIENCE, json),
            Err(Error::InvalidJwks(_))
        )
    };
    assert!(refused(""));
    assert!(refused("not json"));
    assert!(refused("[]"));
    assert!(refused(r#"{"keys":{}}"#));
    assert!(refused(&jwks(&[])));
    assert!(refused(&jwks(&[
        json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"})
    ])));
    assert!(refused(&jwks(&[with(
        main.clone(),
        &json!({"use": "enc"})
    )])));
    assert!(refused(&jwks(&[with(
        main.clone(),
        &json!({"alg": "RS512"})
    )])));
    assert!(refused(&jwks(&[with(main.clone(), &json!({"n": null}))])));
    assert!(refused(&jwks(&[with(main.clone(), &json!({"n": "!!"}))])));
    assert!(refused(&jwks(&[with(main.clone(), &json!({"n": "AQAB"}))])));
    assert!(refused(&jwks(&[with(main.clone(), &json!({"e": "AA"}))])));
    assert!(refused(&jwks(&vec![main.clone(); 65])));
    assert!(refused(&format!(
        "{}{}",
        jwks(std::slice::from_ref(&main)),
        " ".repeat(1024 * 1024)
    )));
    assert!(matches!(
        Trust::new("", AUDIENCE, &jwks(std::slice::from_ref(&main))),
        Err(Error::InvalidJwks(_))
    ));
    assert!(matches!(
        Trust::new(ISSUER, " ", &jwks(std::slice::from_ref(&main))),
        Err(Error::InvalidJwks(_))
    ));
    // Keys of other kinds beside a usable one are left out, not refused.
    let mixed = jwks(&[
        json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}),
        with(main.clone(), &json!({"use": "enc", "kid": "enc"})),
        with(main, &json!({"use": null, "alg": null})),
    ]);
    let trust = Trust::new(ISSUER, AUDIENCE, &mixed).unwrap();
    assert_eq!(trust.keys.len(), 1);
    assert_eq!(
        trust.authenticate(&directory(), &token(&delegated()), NOW),
        Ok(Principal::Delegated(0))
    );
}

#[test]
fn printable_text_is_bounded_and_header_safe() {
    assert_eq!(printable("plain text"), "plain text");
    assert_eq!(printable("a\"b\\c\r\nd\u{0}é"), "a?b?c??d??");
    let long = printable(&"x".repeat(500));
    assert_eq!(long.len(), 131);
    assert!(long.ends_with("..."));
}
