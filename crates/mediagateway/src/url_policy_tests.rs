use super::*;

const EWS: &str = "https://mail.contoso.com/EWS/Exchange.asmx";

fn any_host() -> UrlPolicy {
    UrlPolicy::default()
}

fn allowing(hosts: &[&str]) -> UrlPolicy {
    UrlPolicy {
        allowed_hosts: hosts.iter().map(|&h| h.to_owned()).collect(),
        ..UrlPolicy::default()
    }
}

fn dev() -> UrlPolicy {
    UrlPolicy {
        allow_plain_http_on_loopback: true,
        ..UrlPolicy::default()
    }
}

fn forbidden(result: Result<Url, UrlRefused>) -> (IpAddr, ForbiddenRange) {
    match result {
        Err(UrlRefused::ForbiddenAddress { address, range }) => (address, range),
        other => panic!("expected a forbidden address, got {other:?}"),
    }
}

#[test]
fn an_https_url_passes_and_comes_back_parsed() {
    let url = any_host().check(EWS).unwrap();
    assert_eq!(url.host_str(), Some("mail.contoso.com"));
    assert_eq!(url.path(), "/EWS/Exchange.asmx");
    assert!(any_host()
        .check("https://10.1.2.3:8443/EWS/Exchange.asmx")
        .is_ok());
    assert!(any_host()
        .check("https://[2001:db8::5]/EWS/Exchange.asmx")
        .is_ok());
}

#[test]
fn malformed_urls_are_refused() {
    for bad in [
        "",
        "mail.contoso.com/EWS",
        "https://",
        "https://mail.contoso.com:99999/",
        "https://[fe80::1%25eth0]/",
        "https://ex ample.com/",
    ] {
        assert!(
            matches!(any_host().check(bad), Err(UrlRefused::Malformed { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn only_https_is_allowed_by_default() {
    for other in [
        "ftp://mail.contoso.com/",
        "file:///etc/passwd",
        "ws://mail.contoso.com/",
        "mailto:admin@contoso.com",
    ] {
        let err = any_host().check(other).unwrap_err();
        assert!(matches!(err, UrlRefused::Scheme { .. }), "{other}: {err:?}");
        assert!(err.is_insecure_scheme());
    }
    for plain in [
        "http://mail.contoso.com/EWS/Exchange.asmx",
        "http://localhost:8080/EWS/Exchange.asmx",
        "http://127.0.0.1/",
    ] {
        let err = any_host().check(plain).unwrap_err();
        assert!(
            matches!(err, UrlRefused::PlainHttp { .. }),
            "{plain}: {err:?}"
        );
        assert!(err.to_string().contains("allow_plain_http_on_loopback"));
    }
    assert!(any_host().check("HTTPS://mail.contoso.com/").is_ok());
}

#[test]
fn plain_http_reaches_only_this_machine_with_the_option() {
    for loopback in [
        "http://localhost:8080/EWS/Exchange.asmx",
        "http://LOCALHOST/",
        "http://localhost./",
        "http://127.0.0.1:1234/",
        "http://127.1/",
        "http://127.8.9.10/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
    ] {
        assert!(dev().check(loopback).is_ok(), "{loopback}");
    }
    for remote in [
        "http://mail.contoso.com/EWS/Exchange.asmx",
        "http://10.0.0.8/",
        "http://localhost.contoso.com/",
        "http://[2001:db8::1]/",
    ] {
        let err = dev().check(remote).unwrap_err();
        assert!(
            matches!(err, UrlRefused::PlainHttpNotLoopback { .. }),
            "{remote}: {err:?}"
        );
    }
    // The option changes nothing for https.
    assert!(dev().check(EWS).is_ok());
}

#[test]
fn user_information_is_refused_and_never_shown() {
    for with_user in [
        "https://alice:Secret-77c@mail.contoso.com/EWS/Exchange.asmx",
        "https://alice@mail.contoso.com/",
        "https://:Secret-77c@mail.contoso.com/",
    ] {
        let err = any_host().check(with_user).unwrap_err();
        assert_eq!(err, UrlRefused::UserInfo, "{with_user}");
        assert!(!err.to_string().contains("Secret-77c"));
        assert!(!err.to_string().contains("alice"));
    }
    let plain = dev()
        .check("http://bob:Pw-31a@mail.contoso.com/")
        .unwrap_err();
    assert!(!plain.to_string().contains("Pw-31a"), "{plain}");
    // `https://@host/` has an empty user part, which the parser drops: nothing to refuse.
    assert!(any_host().check("https://@mail.contoso.com/").is_ok());
}

#[test]
fn no_refusal_holds_a_credential_from_a_malformed_url() {
    let err = any_host()
        .check("https://alice:Secret-77c@mail.contoso.com:99999/")
        .unwrap_err();
    assert!(matches!(err, UrlRefused::Malformed { .. }));
    assert!(!err.to_string().contains("Secret-77c"), "{err}");
}

#[test]
fn the_metadata_address_is_refused_in_every_spelling() {
    for spelling in [
        "https://169.254.169.254/",
        "https://2852039166/",
        "https://0xA9FEA9FE/",
        "https://0251.0376.0251.0376/",
        "https://169.254.43518/",
        "https://%31%36%39.254.169.254/",
        "https://[::ffff:169.254.169.254]/",
        "https://[::ffff:a9fe:a9fe]/",
        "https://[::169.254.169.254]/",
        "https://[64:ff9b::a9fe:a9fe]/",
    ] {
        assert_eq!(
            forbidden(any_host().check(spelling)).1,
            ForbiddenRange::CloudMetadata,
            "{spelling}"
        );
        // The development option does not open it either.
        assert!(dev().check(spelling).is_err(), "{spelling}");
    }
    for plain in ["http://169.254.169.254/", "http://2852039166/"] {
        assert!(matches!(
            any_host().check(plain),
            Err(UrlRefused::PlainHttp { .. })
        ));
        assert!(matches!(
            dev().check(plain),
            Err(UrlRefused::PlainHttpNotLoopback { .. })
        ));
    }
    let (_, range) = forbidden(any_host().check("https://[fd00:ec2::254]/"));
    assert_eq!(range, ForbiddenRange::CloudMetadata);
    for other_cloud in ["https://100.100.100.200/", "https://192.0.0.192/"] {
        assert_eq!(
            forbidden(any_host().check(other_cloud)).1,
            ForbiddenRange::CloudMetadata
        );
    }
    for name in [
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://METADATA.google.internal./",
    ] {
        let err = any_host().check(name).unwrap_err();
        assert!(matches!(err, UrlRefused::MetadataHost { .. }), "{err:?}");
        assert!(err.is_forbidden_address());
    }
}

#[test]
fn forbidden_ranges_are_refused() {
    let cases = [
        ("https://169.254.1.1/", ForbiddenRange::LinkLocal),
        ("https://[fe80::1]/", ForbiddenRange::LinkLocal),
        ("https://[febf:ffff::1]/", ForbiddenRange::LinkLocal),
        ("https://[::ffff:169.254.3.4]/", ForbiddenRange::LinkLocal),
        ("https://0.0.0.0/", ForbiddenRange::Unspecified),
        ("https://0/", ForbiddenRange::Unspecified),
        ("https://0.1.2.3/", ForbiddenRange::Unspecified),
        (
            "https://[::]/EWS/Exchange.asmx",
            ForbiddenRange::Unspecified,
        ),
        ("https://[::ffff:0.0.0.0]/", ForbiddenRange::Unspecified),
        ("https://224.0.0.1/", ForbiddenRange::Multicast),
        ("https://239.255.255.250/", ForbiddenRange::Multicast),
        ("https://[ff02::1]/", ForbiddenRange::Multicast),
        ("https://[::ffff:224.0.0.251]/", ForbiddenRange::Multicast),
        ("https://255.255.255.255/", ForbiddenRange::Broadcast),
        (
            "https://[::ffff:255.255.255.255]/",
            ForbiddenRange::Broadcast,
        ),
    ];
    for (url, expected) in cases {
        let (address, range) = forbidden(any_host().check(url));
        assert_eq!(range, expected, "{url}");
        let message = UrlRefused::ForbiddenAddress { address, range }.to_string();
        assert!(message.contains(&address.to_string()), "{message}");
    }
    // Neighbours of the ranges are fine.
    for allowed in [
        "https://169.253.255.255/",
        "https://169.255.0.1/",
        "https://[fec0::1]/",
        "https://223.255.255.255/",
        "https://255.255.255.254/",
        "https://[fd00:ec2::253]/",
        "https://1.0.0.0/",
    ] {
        assert!(any_host().check(allowed).is_ok(), "{allowed}");
    }
}

#[test]
fn the_allow_list_limits_hosts() {
    let policy = allowing(&["mail.contoso.com", "10.1.2.3", "[2001:db8::5]"]);
    assert!(policy.check(EWS).is_ok());
    assert!(policy.check("https://10.1.2.3/").is_ok());
    assert!(policy.check("https://[2001:db8::5]/").is_ok());
    for other in [
        "https://evil.example/EWS/Exchange.asmx",
        "https://contoso.com/",
        "https://mail.contoso.com.evil.example/",
        "https://sub.mail.contoso.com/",
        "https://10.1.2.4/",
        "https://[2001:db8::6]/",
    ] {
        let err = policy.check(other).unwrap_err();
        assert!(
            matches!(err, UrlRefused::HostNotAllowed { .. }),
            "{other}: {err:?}"
        );
        assert!(err.to_string().contains("allowed_hosts"), "{err}");
    }
    // The allow-list does not open forbidden ranges.
    let (_, range) = forbidden(allowing(&["169.254.169.254"]).check("https://169.254.169.254/"));
    assert_eq!(range, ForbiddenRange::CloudMetadata);
}

#[test]
fn host_names_match_ignoring_case_and_the_root_dot() {
    let policy = allowing(&["Mail.Contoso.COM"]);
    for spelling in [
        "https://mail.contoso.com/",
        "https://MAIL.CONTOSO.COM/",
        "https://mail.contoso.com./",
        "https://ＭＡＩＬ.contoso.com/",
    ] {
        assert!(policy.check(spelling).is_ok(), "{spelling}");
    }
    assert!(allowing(&["mail.contoso.com."]).check(EWS).is_ok());
}

#[test]
fn international_names_match_in_either_spelling() {
    for entry in ["bücher.example", "BÜCHER.example", "xn--bcher-kva.example"] {
        let policy = allowing(&[entry]);
        for url in [
            "https://bücher.example/EWS",
            "https://xn--bcher-kva.example/EWS",
        ] {
            let parsed = policy
                .check(url)
                .unwrap_or_else(|e| panic!("{entry} {url}: {e}"));
            assert_eq!(parsed.host_str(), Some("xn--bcher-kva.example"));
        }
        assert!(policy.check("https://bucher.example/").is_err());
    }
}

#[test]
fn wildcards_match_names_below_a_domain_only() {
    let policy = allowing(&["*.Contoso.com"]);
    for below in [
        "https://mail.contoso.com/",
        "https://a.b.contoso.com/",
        "https://MAIL.contoso.com./",
    ] {
        assert!(policy.check(below).is_ok(), "{below}");
    }
    for outside in [
        "https://contoso.com/",
        "https://evilcontoso.com/",
        "https://contoso.com.evil.example/",
        "https://10.0.0.1/",
    ] {
        assert!(policy.check(outside).is_err(), "{outside}");
    }
}

#[test]
fn bad_allow_list_entries_never_match_and_fail_the_configuration() {
    for bad in [
        "",
        "*",
        "*.",
        "mail*.contoso.com",
        "*.*.contoso.com",
        "mail.contoso.com:443",
        "https://mail.contoso.com",
        "*.10.0.0.1",
    ] {
        assert!(parse_entry(bad).is_none(), "{bad:?}");
        let toml = format!("allowed_hosts = [{bad:?}]");
        let err = toml::from_str::<UrlPolicy>(&toml).unwrap_err();
        assert!(err.to_string().contains("allowed_hosts"), "{err}");
    }
    // Built by hand, a bad entry fails closed.
    assert!(allowing(&["mail*.contoso.com"])
        .check("https://mail1.contoso.com/")
        .is_err());
}

#[test]
fn the_policy_reads_from_toml() {
    assert_eq!(
        toml::from_str::<UrlPolicy>("").unwrap(),
        UrlPolicy::default()
    );
    let policy: UrlPolicy = toml::from_str(
        "allow_plain_http_on_loopback = true\nallowed_hosts = [\"mail.contoso.com\", \"*.contoso.net\"]",
    )
    .unwrap();
    assert!(policy.allow_plain_http_on_loopback);
    assert_eq!(policy.allowed_hosts, ["mail.contoso.com", "*.contoso.net"]);
    let err = toml::from_str::<UrlPolicy>("allow_http = true").unwrap_err();
    assert!(err.to_string().contains("allow_http"), "{err}");
    assert!(!UrlPolicy::default().allow_plain_http_on_loopback);
    assert!(UrlPolicy::default().allowed_hosts.is_empty());
}

#[test]
fn resolved_addresses_are_checked_too() {
    let policy = any_host();
    let public: IpAddr = "203.0.113.7".parse().unwrap();
    let private: IpAddr = "10.0.0.8".parse().unwrap();
    let v6: IpAddr = "2001:db8::5".parse().unwrap();
    assert_eq!(policy.check_addresses(&[public, private, v6]), Ok(()));
    assert_eq!(policy.check_addresses(&[]), Ok(()));
    for bad in [
        "169.254.169.254",
        "fd00:ec2::254",
        "::ffff:169.254.169.254",
        "fe80::abcd",
        "0.0.0.0",
        "::",
        "239.1.2.3",
        "ff05::2",
        "255.255.255.255",
    ] {
        let bad: IpAddr = bad.parse().unwrap();
        // One bad address among good ones refuses the name.
        let err = policy.check_addresses(&[public, bad, v6]).unwrap_err();
        assert!(
            matches!(err, UrlRefused::ForbiddenAddress { address, .. } if address == bad),
            "{bad}: {err:?}"
        );
        assert!(err.is_forbidden_address());
    }
}

#[test]
fn loopback_is_not_a_forbidden_range() {
    let loopback: [IpAddr; 2] = ["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()];
    assert_eq!(any_host().check_addresses(&loopback), Ok(()));
    assert!(any_host().check("https://127.0.0.1:8443/").is_ok());
    assert!(any_host().check("https://[::1]/").is_ok());
}
