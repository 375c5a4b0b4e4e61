//! NTLM against a real acceptor: Apache with mod_auth_gssapi and gss-ntlmssp, from the shared
//! Kerberos rig of `exchange-test-support` (`/ntlm/` speaks NTLM only). Without the rig's
//! programs the tests skip, except under CI, where they fail.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use exchange_auth::{AuthError, AuthStrategy, Challenge, Handshake, Ntlm, Target, UserCredentials};
use exchange_test_support::kerberos::KerberosRig;
use http::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

struct Peer {
    _rig: Arc<KerberosRig>,
    url: String,
    port: u16,
    path: String,
    user: String,
    password: String,
}

fn peer() -> Option<Peer> {
    let rig = KerberosRig::shared()?;
    Some(Peer {
        url: rig.url("/ntlm/"),
        port: rig.http_port(),
        path: "/ntlm/".to_owned(),
        user: rig.user().to_owned(),
        password: rig.password().expose_secret().to_owned(),
        _rig: rig,
    })
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("NTLM never awaits"),
    }
}

/// One HTTP/1.1 request on the kept-alive connection: the status and the challenges.
fn send(
    conn: &mut BufReader<TcpStream>,
    path: &str,
    auth: Option<&HeaderValue>,
) -> (u16, Vec<Challenge>) {
    let mut request =
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n");
    if let Some(auth) = auth {
        request.push_str(&format!("Authorization: {}\r\n", auth.to_str().unwrap()));
    }
    request.push_str("\r\n");
    conn.get_mut().write_all(request.as_bytes()).unwrap();
    let mut status_line = String::new();
    conn.read_line(&mut status_line).unwrap();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let mut challenges = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        conn.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        if name.eq_ignore_ascii_case("www-authenticate") {
            challenges.extend(Challenge::parse(value));
        } else if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).unwrap();
    (status, challenges)
}

/// Drives a handshake to its end on one connection: the final status, or the handshake error.
fn run(peer: &Peer, mut handshake: Box<dyn Handshake>) -> Result<u16, AuthError> {
    let stream = TcpStream::connect(("127.0.0.1", peer.port)).unwrap();
    let mut conn = BufReader::new(stream);
    let mut auth = block_on(handshake.initial())?;
    for _ in 0..4 {
        let (status, challenges) = send(&mut conn, &peer.path, auth.as_ref());
        if status != 401 {
            handshake.accepted(&challenges)?;
            return Ok(status);
        }
        auth = Some(block_on(handshake.challenge(&challenges))?);
    }
    panic!("the handshake did not end after four legs");
}

fn ntlm(user: &str, password: &str) -> Ntlm {
    Ntlm::new(UserCredentials::new(
        user,
        SecretString::from(password.to_owned()),
    ))
    .unwrap()
    .workstation("TESTWS")
}

#[test]
fn right_password_is_accepted() {
    let Some(peer) = peer() else { return };
    let target = Target::new(&peer.url).unwrap();
    let handshake = block_on(ntlm(&peer.user, &peer.password).begin(&target)).unwrap();
    assert_eq!(run(&peer, handshake).unwrap(), 200);
}

#[test]
fn wrong_password_is_rejected() {
    let Some(peer) = peer() else { return };
    let target = Target::new(&peer.url).unwrap();
    let handshake = block_on(ntlm(&peer.user, "not-the-password").begin(&target)).unwrap();
    let err = run(&peer, handshake).unwrap_err();
    assert!(
        matches!(err, AuthError::Rejected { scheme: "NTLM" }),
        "{err}"
    );
}

#[test]
fn unknown_user_is_rejected() {
    let Some(peer) = peer() else { return };
    let target = Target::new(&peer.url).unwrap();
    let handshake = block_on(ntlm("mallory", &peer.password).begin(&target)).unwrap();
    assert!(run(&peer, handshake).unwrap_err().is_rejected());
}
