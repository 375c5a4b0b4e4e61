//! Kerberos and Negotiate against a real MIT KDC and Apache with `mod_auth_gssapi`
//! (`exchange_test_support::kerberos`).
//!
//! MIT Kerberos reads `KRB5_CONFIG` from the environment, and changing the environment of a
//! process with threads is a data race: this binary has its own `main` (`harness = false`),
//! which starts the rig, sets `KRB5_CONFIG` while it is the only thread, and then runs the
//! tests one after the other on a Tokio runtime.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use base64::Engine as _;
use exchange_auth::{
    AuthError, AuthStrategy, Challenge, Kerberos, Negotiate, Target, UserCredentials,
};
use exchange_test_support::kerberos::KerberosRig;
use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use http::StatusCode;
use secrecy::SecretString;

/// Whether an error is the expected one.
type ErrorCheck = fn(&AuthError) -> bool;

type TestFn = fn(Arc<KerberosRig>) -> Pin<Box<dyn Future<Output = ()>>>;

macro_rules! tests {
    ($($name:ident),* $(,)?) => {
        [$((stringify!($name), (|rig| Box::pin($name(rig))) as TestFn)),*]
    };
}

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let Some(rig) = KerberosRig::shared() else {
        return;
    };
    // Only this thread exists yet: setting the environment is safe here. The default cache is
    // the rig's (its krb5.conf names it), never the user's own.
    std::env::set_var("KRB5_CONFIG", rig.krb5_config());
    std::env::remove_var("KRB5CCNAME");
    std::env::remove_var("KRB5_CLIENT_KTNAME");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let all = tests![
        ticket_from_a_credential_cache,
        ticket_from_the_default_cache,
        negotiate_with_a_ticket,
        password_login,
        keytab_login,
        wrong_password,
        wrong_password_is_not_retried_with_ntlm,
        unknown_principal,
        unknown_service_principal,
        kdc_down,
        clock_skew,
        ip_literal_needs_a_host_name,
        no_ticket_in_the_cache,
        unreadable_keytab,
        negotiate_falls_back_to_ntlm_without_a_ticket,
        tampered_mutual_authentication_token_is_refused,
        hostile_server_tokens_are_refused,
        proxy_forwards_the_authenticated_user,
    ];
    let mut failed = Vec::new();
    let mut ran = 0;
    for (name, test) in all {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        ran += 1;
        let rig = Arc::clone(&rig);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(test(rig));
        }));
        match outcome {
            Ok(()) => println!("test {name} ... ok"),
            Err(_) => {
                println!("test {name} ... FAILED");
                failed.push(name);
            }
        }
    }
    drop(runtime);
    if !failed.is_empty() {
        // The rig's directory goes away with it: show the end of Apache's log now.
        let log = std::fs::read_to_string(rig.dir().join("apache-error.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        println!("--- Apache's error log, last lines:");
        for line in tail.into_iter().rev() {
            println!("{line}");
        }
    }
    drop(rig);
    println!(
        "\ntest result: {}. {} passed; {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        ran - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        println!("failed: {failed:?}");
        std::process::exit(1);
    }
}

/// What the server answered once the handshake was over.
struct Answer {
    status: StatusCode,
    remote_user: Option<String>,
}

/// A client that keeps one HTTP/1.1 connection, as connection-bound schemes need.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .http1_only()
        .pool_max_idle_per_host(1)
        .no_proxy()
        .build()
        .expect("a reqwest client")
}

fn challenges(response: &reqwest::Response) -> Vec<Challenge> {
    challenges_of(response.headers())
}

fn challenges_of(headers: &http::HeaderMap) -> Vec<Challenge> {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(Challenge::parse)
        .collect()
}

/// Drives a whole handshake for a GET of `url` over one HTTP/1.1 connection of its own, so that
/// every leg reaches the server over the connection its handshake is bound to (a pooled client
/// may open a new one for a leg while the last answer's connection is on its way back).
async fn get(strategy: &dyn AuthStrategy, url: &str) -> Result<Answer, AuthError> {
    use http_body_util::{BodyExt as _, Empty};

    let target = Target::new(url)?;
    let mut handshake = strategy.begin(&target).await?;
    let mut authorization = handshake.initial().await?;
    // Connected once the handshake has its first header: a strategy may fail before that.
    let parsed = url::Url::parse(url).expect("a URL");
    let host = parsed.host_str().expect("a host").to_owned();
    let port = parsed.port_or_known_default().expect("a port");
    let stream = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .expect("Apache listens");
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("an HTTP/1.1 connection");
    tokio::spawn(connection);
    for _ in 0..6 {
        let mut request =
            http::Request::get(parsed.path()).header(http::header::HOST, format!("{host}:{port}"));
        if let Some(value) = &authorization {
            request = request.header(AUTHORIZATION, value.clone());
        }
        // The connection takes the next request once it has finished with the last answer.
        sender.ready().await.expect("the connection stays open");
        let response = sender
            .send_request(
                request
                    .body(Empty::<bytes::Bytes>::new())
                    .expect("a request"),
            )
            .await
            .expect("Apache answers");
        let (parts, body) = response.into_parts();
        let _ = body.collect().await;
        let challenges = challenges_of(&parts.headers);
        if parts.status == StatusCode::UNAUTHORIZED {
            authorization = Some(handshake.challenge(&challenges).await?);
            continue;
        }
        handshake.accepted(&challenges)?;
        return Ok(Answer {
            status: parts.status,
            remote_user: parts
                .headers
                .get("x-remote-user")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        });
    }
    panic!("the handshake did not end after six legs");
}

async fn expect_ok(strategy: &dyn AuthStrategy, url: &str, user: &str) {
    let answer = get(strategy, url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(answer.status, StatusCode::OK, "{url}");
    assert_eq!(answer.remote_user.as_deref(), Some(user), "{url}");
}

async fn expect_err(strategy: &dyn AuthStrategy, url: &str) -> AuthError {
    match get(strategy, url).await {
        Ok(answer) => panic!("{url}: expected an error, got {}", answer.status),
        Err(e) => e,
    }
}

fn credentials(user: &str, password: &str) -> UserCredentials {
    UserCredentials::new(user, SecretString::from(password.to_owned()))
}

fn alice(rig: &KerberosRig) -> UserCredentials {
    UserCredentials::new(rig.user(), rig.password())
}

fn alice_principal(rig: &KerberosRig) -> String {
    format!("{}@{}", rig.user(), rig.realm())
}

/// A fresh credential cache path in the rig's directory.
fn ccache(rig: &KerberosRig, name: &str) -> PathBuf {
    rig.dir().join(format!("{name}.ccache"))
}

async fn ticket_from_a_credential_cache(rig: Arc<KerberosRig>) {
    let cache = ccache(&rig, "from-cache");
    rig.kinit(&cache);
    let kerberos = Kerberos::from_ccache(format!("FILE:{}", cache.display())).unwrap();
    assert_eq!(kerberos.scheme(), "Negotiate");
    assert!(kerberos.is_connection_bound());
    expect_ok(&kerberos, &rig.url("/kerberos/"), &alice_principal(&rig)).await;
    expect_ok(&kerberos, &rig.url("/negotiate/"), &alice_principal(&rig)).await;
    // A plain path names a FILE cache too; the credentials are reused for further requests.
    let kerberos = Kerberos::from_ccache(cache.to_str().unwrap()).unwrap();
    for _ in 0..3 {
        expect_ok(&kerberos, &rig.url("/kerberos/"), &alice_principal(&rig)).await;
    }
}

async fn ticket_from_the_default_cache(rig: Arc<KerberosRig>) {
    // The rig's krb5.conf names <dir>/default.ccache as the default cache.
    let cache = rig.dir().join("default.ccache");
    rig.kinit(&cache);
    let kerberos = Kerberos::from_default_cache();
    expect_ok(&kerberos, &rig.url("/kerberos/"), &alice_principal(&rig)).await;
    std::fs::remove_file(&cache).expect("the default cache is removed again");
}

async fn negotiate_with_a_ticket(rig: Arc<KerberosRig>) {
    let cache = ccache(&rig, "negotiate");
    rig.kinit(&cache);
    let negotiate = Negotiate::new(Kerberos::from_ccache(cache.to_str().unwrap()).unwrap());
    assert!(negotiate.is_connection_bound());
    expect_ok(&negotiate, &rig.url("/negotiate/"), &alice_principal(&rig)).await;
    expect_ok(&negotiate, &rig.url("/kerberos/"), &alice_principal(&rig)).await;
}

async fn password_login(rig: Arc<KerberosRig>) {
    let default_cache = rig.dir().join("default.ccache");
    let _ = std::fs::remove_file(&default_cache);
    let kerberos = Kerberos::with_password(alice(&rig)).unwrap();
    expect_ok(&kerberos, &rig.url("/kerberos/"), &alice_principal(&rig)).await;
    // The tickets stay in the library's private memory cache.
    assert!(
        !default_cache.exists(),
        "a password login wrote the default cache"
    );
    let with_realm =
        Kerberos::with_password(UserCredentials::new(alice_principal(&rig), rig.password()))
            .unwrap();
    expect_ok(&with_realm, &rig.url("/negotiate/"), &alice_principal(&rig)).await;
    let negotiate = Negotiate::with_password(alice(&rig)).unwrap();
    expect_ok(&negotiate, &rig.url("/kerberos/"), &alice_principal(&rig)).await;
}

async fn keytab_login(rig: Arc<KerberosRig>) {
    let kerberos = Kerberos::from_keytab(rig.service_keytab(), &rig.service_principal()).unwrap();
    expect_ok(&kerberos, &rig.url("/kerberos/"), &rig.service_principal()).await;
    expect_ok(&kerberos, &rig.url("/negotiate/"), &rig.service_principal()).await;
}

async fn wrong_password(rig: Arc<KerberosRig>) {
    let kerberos = Kerberos::with_password(credentials("alice", "not-the-password")).unwrap();
    let err = expect_err(&kerberos, &rig.url("/kerberos/")).await;
    assert!(matches!(err, AuthError::KerberosWrongPassword), "{err:?}");
}

async fn wrong_password_is_not_retried_with_ntlm(rig: Arc<KerberosRig>) {
    let negotiate = Negotiate::with_password(credentials("alice", "not-the-password")).unwrap();
    let err = expect_err(&negotiate, &rig.url("/negotiate/")).await;
    assert!(matches!(err, AuthError::KerberosWrongPassword), "{err:?}");
}

async fn unknown_principal(rig: Arc<KerberosRig>) {
    let kerberos = Kerberos::with_password(credentials("bob", "whatever")).unwrap();
    let err = expect_err(&kerberos, &rig.url("/kerberos/")).await;
    assert!(
        matches!(&err, AuthError::KerberosUnknownPrincipal { principal } if principal.starts_with("bob")),
        "{err:?}"
    );
}

async fn unknown_service_principal(rig: Arc<KerberosRig>) {
    let cache = ccache(&rig, "unknown-service");
    rig.kinit(&cache);
    let kerberos = Kerberos::from_ccache(cache.to_str().unwrap()).unwrap();
    // The KDC has HTTP/localhost only; nothing needs to listen for the ticket request to fail.
    let url = format!("http://nohost.localhost:{}/kerberos/", rig.http_port());
    let err = expect_err(&kerberos, &url).await;
    assert!(
        matches!(&err, AuthError::KerberosUnknownPrincipal { principal } if principal == "HTTP/nohost.localhost"),
        "{err:?}"
    );
}

async fn kdc_down(rig: Arc<KerberosRig>) {
    let user = format!("alice@{}", rig.down_realm());
    let kerberos = Kerberos::with_password(UserCredentials::new(user, rig.password())).unwrap();
    let err = expect_err(&kerberos, &rig.url("/kerberos/")).await;
    assert!(
        matches!(&err, AuthError::KdcUnreachable { realm } if realm == rig.down_realm()),
        "{err:?}"
    );
}

async fn clock_skew(rig: Arc<KerberosRig>) {
    let user = format!("alice@{}", rig.skew_realm());
    let kerberos = Kerberos::with_password(UserCredentials::new(user, rig.password())).unwrap();
    let err = expect_err(&kerberos, &rig.url("/kerberos/")).await;
    assert!(matches!(err, AuthError::ClockSkew), "{err:?}");
}

async fn ip_literal_needs_a_host_name(rig: Arc<KerberosRig>) {
    let cache = ccache(&rig, "ip-literal");
    rig.kinit(&cache);
    let kerberos = Kerberos::from_ccache(cache.to_str().unwrap()).unwrap();
    let url = format!("http://127.0.0.1:{}/kerberos/", rig.http_port());
    let err = expect_err(&kerberos, &url).await;
    assert!(
        matches!(&err, AuthError::KerberosNeedsHostName { host } if host == "127.0.0.1"),
        "{err:?}"
    );
}

async fn no_ticket_in_the_cache(rig: Arc<KerberosRig>) {
    let missing = ccache(&rig, "never-written");
    let kerberos = Kerberos::from_ccache(format!("FILE:{}", missing.display())).unwrap();
    let err = expect_err(&kerberos, &rig.url("/kerberos/")).await;
    assert!(
        matches!(&err, AuthError::NoKerberosCredentials { detail } if detail.contains("never-written")),
        "{err:?}"
    );
}

async fn unreadable_keytab(rig: Arc<KerberosRig>) {
    let missing = rig.dir().join("missing.keytab");
    let kerberos = Kerberos::from_keytab(&missing, &rig.service_principal()).unwrap();
    let err = expect_err(&kerberos, &rig.url("/kerberos/")).await;
    assert!(
        matches!(&err, AuthError::NoKerberosCredentials { .. }),
        "{err:?}"
    );
}

async fn negotiate_falls_back_to_ntlm_without_a_ticket(rig: Arc<KerberosRig>) {
    let missing = ccache(&rig, "no-ticket-for-negotiate");
    let kerberos = Kerberos::from_ccache(missing.to_str().unwrap()).unwrap();
    let negotiate = Negotiate::with_ntlm_fallback(kerberos, alice(&rig));
    let answer = get(&negotiate, &rig.url("/negotiate/"))
        .await
        .unwrap_or_else(|e| panic!("NTLM inside SPNEGO: {e}"));
    assert_eq!(answer.status, StatusCode::OK);
    let user = answer.remote_user.unwrap_or_default();
    assert!(user.to_ascii_lowercase().contains("alice"), "{user}");
    // An IP address leaves Kerberos no service principal: NTLM inside SPNEGO again.
    let cache = ccache(&rig, "fallback-ip");
    rig.kinit(&cache);
    let kerberos = Kerberos::from_ccache(cache.to_str().unwrap()).unwrap();
    let negotiate = Negotiate::with_ntlm_fallback(kerberos, alice(&rig));
    let url = format!("http://127.0.0.1:{}/negotiate/", rig.http_port());
    let answer = get(&negotiate, &url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(answer.status, StatusCode::OK);
    // Without a password there is nothing to fall back to.
    let kerberos = Kerberos::from_ccache(missing.to_str().unwrap()).unwrap();
    let err = expect_err(&Negotiate::new(kerberos), &rig.url("/negotiate/")).await;
    assert!(
        matches!(err, AuthError::NoKerberosCredentials { .. }),
        "{err:?}"
    );
}

/// Runs the handshake by hand up to Apache's `200` and returns the handshake, the challenges
/// of that answer, and the server's final token.
async fn handshake_up_to_the_final_token(
    rig: &KerberosRig,
    kerberos: &Kerberos,
) -> (Box<dyn exchange_auth::Handshake>, Vec<u8>) {
    let url = rig.url("/kerberos/");
    let target = Target::new(&url).unwrap();
    let mut handshake = kerberos.begin(&target).await.unwrap();
    let authorization = handshake.initial().await.unwrap().unwrap();
    assert!(authorization.is_sensitive());
    let response = client()
        .get(&url)
        .header(AUTHORIZATION, authorization)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let challenges = challenges(&response);
    let token = challenges
        .iter()
        .find(|c| c.is("Negotiate"))
        .and_then(Challenge::data)
        .expect("Apache sends its mutual-authentication token");
    let token = base64::engine::general_purpose::STANDARD
        .decode(token)
        .unwrap();
    (handshake, token)
}

fn negotiate_challenge(token: &[u8]) -> Challenge {
    Challenge::parse(&format!(
        "Negotiate {}",
        base64::engine::general_purpose::STANDARD.encode(token)
    ))
    .unwrap()
}

async fn tampered_mutual_authentication_token_is_refused(rig: Arc<KerberosRig>) {
    let cache = ccache(&rig, "mutual");
    rig.kinit(&cache);
    let kerberos = Kerberos::from_ccache(cache.to_str().unwrap()).unwrap();

    let (mut handshake, token) = handshake_up_to_the_final_token(&rig, &kerberos).await;
    handshake.accepted(&[negotiate_challenge(&token)]).unwrap();

    // One flipped bit in the encrypted part of the AP-REP.
    let (mut handshake, mut token) = handshake_up_to_the_final_token(&rig, &kerberos).await;
    let last = token.len() - 4;
    token[last] ^= 0x01;
    let err = handshake
        .accepted(&[negotiate_challenge(&token)])
        .unwrap_err();
    assert!(
        matches!(err, AuthError::KerberosMutualAuthFailed { .. }),
        "{err:?}"
    );

    // A truncated token, and no token at all.
    let (mut handshake, token) = handshake_up_to_the_final_token(&rig, &kerberos).await;
    let err = handshake
        .accepted(&[negotiate_challenge(&token[..token.len() / 2])])
        .unwrap_err();
    assert!(
        matches!(err, AuthError::KerberosMutualAuthFailed { .. }),
        "{err:?}"
    );
    let (mut handshake, _) = handshake_up_to_the_final_token(&rig, &kerberos).await;
    let err = handshake.accepted(&[]).unwrap_err();
    assert!(
        matches!(err, AuthError::KerberosMutualAuthFailed { .. }),
        "{err:?}"
    );
}

async fn hostile_server_tokens_are_refused(rig: Arc<KerberosRig>) {
    let cache = ccache(&rig, "hostile");
    rig.kinit(&cache);
    let kerberos = Kerberos::from_ccache(cache.to_str().unwrap()).unwrap();
    let target = Target::new(&rig.url("/kerberos/")).unwrap();
    let cases: [(&str, ErrorCheck); 4] = [
        ("Negotiate !!not base64!!", |e| {
            matches!(e, AuthError::NegotiateBadToken { .. })
        }),
        ("Negotiate AAAA", |e| matches!(e, AuthError::Gssapi { .. })),
        ("NTLM", |e| matches!(e, AuthError::SchemeNotOffered { .. })),
        ("Negotiate", |e| e.is_rejected()),
    ];
    for (header, expected) in cases {
        let mut handshake = kerberos.begin(&target).await.unwrap();
        handshake.initial().await.unwrap();
        let err = handshake
            .challenge(&[Challenge::parse(header).unwrap()])
            .await
            .unwrap_err();
        assert!(expected(&err), "{header}: {err:?}");
    }
    // Oversized, and garbage of plausible size straight into the library.
    let mut handshake = kerberos.begin(&target).await.unwrap();
    handshake.initial().await.unwrap();
    let huge = format!("Negotiate {}", "QUFB".repeat(40_000));
    let err = handshake
        .challenge(&[Challenge::parse(&huge).unwrap()])
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::NegotiateBadToken { .. }),
        "{err:?}"
    );
    let mut handshake = kerberos.begin(&target).await.unwrap();
    handshake.initial().await.unwrap();
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let err = handshake
        .challenge(&[negotiate_challenge(&garbage)])
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Gssapi { .. }), "{err:?}");
}

/// One HTTP/1.1 answer from a tiny backend on a plain thread; returns the request it got.
fn echo_backend() -> (u16, std::thread::JoinHandle<String>) {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).unwrap();
            assert!(n > 0, "the proxy closed early");
            request.extend_from_slice(&buf[..n]);
        }
        let body = "ok";
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(answer.as_bytes()).unwrap();
        String::from_utf8_lossy(&request).into_owned()
    });
    (port, served)
}

async fn proxy_forwards_the_authenticated_user(rig: Arc<KerberosRig>) {
    let cache = ccache(&rig, "proxy");
    rig.kinit(&cache);
    let kerberos = Kerberos::from_ccache(cache.to_str().unwrap()).unwrap();
    let (port, served) = echo_backend();
    let answer = get(
        &kerberos,
        &rig.url(&format!("/negotiate-proxy/{port}/EWS/Exchange.asmx")),
    )
    .await
    .unwrap();
    assert_eq!(answer.status, StatusCode::OK);
    let request = served.join().unwrap();
    assert!(request.starts_with("GET /EWS/Exchange.asmx "), "{request}");
    assert!(
        request.contains(&format!("X-Remote-User: {}", alice_principal(&rig))),
        "{request}"
    );
    // Only digits name the port.
    let status = client()
        .get(rig.url("/negotiate-proxy/80@example.com/"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::FORBIDDEN);
}
