use super::*;
use secrecy::SecretString;

fn creds(user: &str, password: &str) -> UserCredentials {
    UserCredentials::new(user, SecretString::from(password.to_owned()))
}

#[test]
fn principals_of_login_names() {
    assert_eq!(principal_of("alice").unwrap(), "alice");
    assert_eq!(
        principal_of("alice@EXAMPLE.TEST").unwrap(),
        "alice@EXAMPLE.TEST"
    );
    assert_eq!(
        principal_of("alice@contoso.com").unwrap(),
        "alice@CONTOSO.COM"
    );
    for bad in [
        "CONTOSO\\alice",
        "alice@",
        "@EXAMPLE.TEST",
        "",
        "al\0ice",
        "al\nice",
    ] {
        assert!(
            matches!(principal_of(bad), Err(AuthError::InvalidCredentials { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn constructors_refuse_hostile_names() {
    assert!(Kerberos::from_ccache("FILE:/tmp/cc\0x").is_err());
    assert!(Kerberos::from_ccache("").is_err());
    assert!(Kerberos::from_keytab("/tmp/k\0t", "svc@R").is_err());
    assert!(Kerberos::from_keytab("/tmp/kt", "svc\n@R").is_err());
    assert!(Kerberos::with_password(creds("DOMAIN\\alice", "pw")).is_err());
    // NTLM can still carry a DOMAIN\user login.
    assert!(Negotiate::with_password(creds("DOMAIN\\alice", "pw")).is_ok());
}

#[test]
fn keytab_paths_are_typed_and_caches_private() {
    let a = Kerberos::from_keytab("/etc/svc.keytab", "svc@EXAMPLE.TEST").unwrap();
    let b = Kerberos::from_keytab("/etc/svc.keytab", "svc@EXAMPLE.TEST").unwrap();
    match (&a.source, &b.source) {
        (
            Source::Keytab {
                keytab,
                memory_cache: first,
                ..
            },
            Source::Keytab {
                memory_cache: second,
                ..
            },
        ) => {
            assert_eq!(keytab, "FILE:/etc/svc.keytab");
            assert!(first.starts_with("MEMORY:"));
            assert_ne!(first, second);
        }
        _ => panic!("keytab sources expected"),
    }
}

#[test]
fn debug_never_shows_the_password() {
    let kerberos = Kerberos::with_password(creds("alice", "hunter2-secret")).unwrap();
    let printed = format!("{kerberos:?}");
    assert!(printed.contains("alice"), "{printed}");
    assert!(!printed.contains("hunter2-secret"));
    let negotiate = Negotiate::with_password(creds("alice", "hunter2-secret")).unwrap();
    assert!(!format!("{negotiate:?}").contains("hunter2-secret"));
}

#[test]
fn server_tokens_are_checked_before_use() {
    let negotiate = |data: &str| Challenge::parse(&format!("Negotiate {data}")).unwrap();
    assert_eq!(
        server_token(&[negotiate("oQcwBaADCgEA")])
            .unwrap()
            .unwrap()
            .as_slice(),
        b"\xa1\x07\x30\x05\xa0\x03\x0a\x01\x00"
    );
    assert!(server_token(&[Challenge::parse("Negotiate").unwrap()])
        .unwrap()
        .is_none());
    for bad in ["not base64!", "oQcwBaADCgEA=x", "====", "%%%%"] {
        assert!(
            matches!(
                server_token(&[negotiate(bad)]),
                Err(AuthError::NegotiateBadToken { .. })
            ),
            "{bad:?}"
        );
    }
    let huge = "A".repeat(crate::challenge::MAX_TOKEN_CHARS + 4);
    assert!(matches!(
        server_token(&[negotiate(&huge)]),
        Err(AuthError::NegotiateBadToken { reason }) if reason.contains("64 KiB")
    ));
    let offered = server_token(&[
        Challenge::parse("NTLM").unwrap(),
        Challenge::parse("Basic realm=\"x\"").unwrap(),
    ]);
    assert!(matches!(
        offered,
        Err(AuthError::SchemeNotOffered { offered, .. }) if offered == "NTLM, Basic"
    ));
}

#[test]
fn ntlm_follows_only_when_kerberos_cannot_start() {
    let service = "HTTP/mail.contoso.test";
    let yes = [
        AuthError::NoKerberosCredentials {
            detail: "none".into(),
        },
        AuthError::KdcUnreachable { realm: "R".into() },
        AuthError::KerberosNeedsHostName {
            host: "10.0.0.1".into(),
        },
        AuthError::KerberosUnknownPrincipal {
            principal: service.into(),
        },
        AuthError::KerberosUnknownPrincipal {
            principal: format!("{service}@CONTOSO.TEST"),
        },
    ];
    for e in &yes {
        assert!(ntlm_may_follow(e, service), "{e}");
    }
    let no = [
        AuthError::KerberosWrongPassword,
        AuthError::ClockSkew,
        AuthError::KerberosUnknownPrincipal {
            principal: "alice@CONTOSO.TEST".into(),
        },
        AuthError::Rejected { scheme: SCHEME },
    ];
    for e in &no {
        assert!(!ntlm_may_follow(e, service), "{e}");
    }
}

#[tokio::test]
async fn ip_literals_need_a_host_name() {
    let kerberos = Kerberos::from_default_cache();
    for url in [
        "http://127.0.0.1:8080/EWS/Exchange.asmx",
        "https://[::1]/EWS/Exchange.asmx",
    ] {
        let target = Target::new(url).unwrap();
        let err = kerberos.begin(&target).await.err().unwrap();
        assert!(
            matches!(&err, AuthError::KerberosNeedsHostName { host } if url.contains(host.as_str())),
            "{err}"
        );
        assert!(err.to_string().contains("fully qualified"), "{err}");
    }
}
