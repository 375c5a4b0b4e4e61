//! The parsers never panic: random bytes, truncations and mutations of valid answers, and
//! hostile documents all end in a typed error.

use crate::common;

use common::*;
use exchange_ews::calendar::{CreateCalendarItem, FindCalendarItems, GetCalendarItem};
use exchange_ews::error::XmlRefusal;
use exchange_ews::items::DeleteItem;
use exchange_ews::{Envelope, EwsError, ExchangeVersion, ResponseCode};
use exchange_testkit::schema::ews_dir;

/// A small deterministic generator (xorshift64*), so failures can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap()
    }

    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }
}

/// Runs every parser of the crate on `bytes`; a panic fails the test. Returns whether any
/// parser understood the input: read it, or read an error the server reported in it.
fn parse_all(bytes: &[u8]) -> bool {
    fn understood<T>(result: Result<T, EwsError>) -> bool {
        matches!(
            result,
            Ok(_) | Err(EwsError::Response { .. } | EwsError::SoapFault { .. })
        )
    }
    let results = [
        understood(Envelope::parse(bytes)),
        understood(FindCalendarItems::parse_response(bytes)),
        understood(GetCalendarItem::parse_response(bytes)),
        understood(CreateCalendarItem::parse_response(bytes)),
        understood(DeleteItem::parse_response(bytes)),
    ];
    results.iter().any(|ok| *ok)
}

/// Valid answers: the crate's own fixtures plus the published samples when present.
fn corpus() -> Vec<Vec<u8>> {
    let mut docs: Vec<Vec<u8>> = vec![
        find_item_success().into_bytes(),
        error_response("GetItem", "ErrorItemNotFound").into_bytes(),
        SERVER_BUSY_FAULT.as_bytes().to_vec(),
        response(
            "CreateItem",
            "Success",
            r#"<m:ResponseCode>NoError</m:ResponseCode><m:Items><t:CalendarItem><t:ItemId Id="A" ChangeKey="B"/></t:CalendarItem></m:Items>"#,
        )
        .into_bytes(),
    ];
    if let Some(dir) = ews_dir() {
        for name in [
            "ms-calendarview-finditem-response.xml",
            "ms-getitem-calendar-response-full.xml",
            "ms-createitem-calendar-response.xml",
            "exl-fault-errorserverbusy.xml",
            "ewsrs-syncfolderitems-errorserverbusy-response.xml",
        ] {
            docs.push(std::fs::read(dir.join("samples").join(name)).unwrap());
        }
    }
    docs
}

#[test]
fn truncations_never_panic_and_never_pass() {
    for doc in corpus() {
        assert!(
            parse_all(&doc),
            "the corpus must parse: {}",
            String::from_utf8_lossy(&doc)
        );
        let last_tag_end = doc.iter().rposition(|b| *b == b'>').unwrap();
        for cut in 0..last_tag_end {
            assert!(
                !parse_all(&doc[..cut]),
                "a truncation at {cut} was accepted"
            );
        }
    }
}

#[test]
fn mutations_never_panic() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    const INTERESTING: &[u8] = b"<>&;#x/=\"' \x00\xFF\xC3!-?[]";
    for doc in corpus() {
        for _ in 0..1500 {
            let mut bytes = doc.clone();
            for _ in 0..=rng.below(4) {
                let at = rng.below(bytes.len());
                let byte = if rng.below(2) == 0 {
                    INTERESTING[rng.below(INTERESTING.len())]
                } else {
                    rng.byte()
                };
                match rng.below(3) {
                    0 => bytes[at] = byte,
                    1 => bytes.insert(at, byte),
                    _ => {
                        bytes.remove(at);
                    }
                }
            }
            parse_all(&bytes);
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0xBAD_C0FFEE);
    for _ in 0..3000 {
        let len = rng.below(512);
        let bytes: Vec<u8> = (0..len).map(|_| rng.byte()).collect();
        assert!(!parse_all(&bytes));
        // Random markup-ish text gets further into the parser than random bytes.
        let text: Vec<u8> = (0..len)
            .map(|_| b"<a/b>=\"&;#x:Envelope Body"[rng.below(25)])
            .collect();
        parse_all(&text);
    }
}

fn error_of(bytes: &[u8]) -> EwsError {
    FindCalendarItems::parse_response(bytes).unwrap_err()
}

#[test]
fn hostile_documents_get_typed_errors() {
    let laughs = format!(
        r#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "{}">{}]><l>&j;</l>"#,
        "lol".repeat(10),
        (b'b'..=b'j')
            .map(|c| format!(
                r#"<!ENTITY {} "{}">"#,
                c as char,
                format!("&{};", (c - 1) as char).repeat(10)
            ))
            .collect::<String>()
    );
    assert!(matches!(
        error_of(laughs.as_bytes()),
        EwsError::XmlRefused {
            refusal: XmlRefusal::DocumentType,
            ..
        }
    ));
    let external =
        r#"<!DOCTYPE s [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]><s:Envelope>&x;</s:Envelope>"#;
    assert!(matches!(
        error_of(external.as_bytes()),
        EwsError::XmlRefused { .. }
    ));
    let deep = "<a>".repeat(100_000);
    assert!(matches!(
        error_of(deep.as_bytes()),
        EwsError::XmlRefused {
            refusal: XmlRefusal::NestingTooDeep { .. },
            ..
        }
    ));
    let wide = format!(
        "<s:Envelope><s:Body>{}</s:Body></s:Envelope>",
        "<i/>".repeat(1_100_000)
    );
    assert!(matches!(
        error_of(wide.as_bytes()),
        EwsError::XmlRefused {
            refusal: XmlRefusal::TooManyElements { .. },
            ..
        }
    ));
    let utf16 = b"\xFF\xFE<\x00a\x00/\x00>\x00";
    assert!(matches!(
        error_of(utf16),
        EwsError::MalformedXml { position: 0, .. }
    ));
    assert!(matches!(
        error_of(b"\x00\x00\x00"),
        EwsError::MalformedXml { .. }
    ));
    assert!(matches!(
        error_of(b"<?xml version=\"1.0\"?>"),
        EwsError::MalformedXml { .. }
    ));
    assert!(matches!(
        error_of(b"<a b=\"&#x110000000000;\"/>"),
        EwsError::NotSoap { .. }
    ));
}

#[test]
fn large_legal_values_are_read_whole() {
    let subject = "\u{e9}".repeat(2_000_000);
    let doc = find_item_success().replace("Stand-up", &subject);
    let view = FindCalendarItems::parse_response(doc.as_bytes()).unwrap();
    assert_eq!(view.items[0].subject, subject);
}

#[test]
fn control_characters_in_text_are_kept() {
    let doc = find_item_success().replace("Stand-up", "Stand&#x11;up\u{1}&#x1F;");
    let view = FindCalendarItems::parse_response(doc.as_bytes()).unwrap();
    assert_eq!(view.items[0].subject, "Stand\u{11}up\u{1}\u{1F}");
}

#[test]
fn string_decoders_accept_anything() {
    let mut rng = Rng(42);
    for _ in 0..500 {
        let text: String = (0..rng.below(40))
            .map(|_| char::from_u32(u32::try_from(rng.below(0x3000)).unwrap()).unwrap_or('?'))
            .collect();
        let code: ResponseCode = text.parse().unwrap();
        if let ResponseCode::Unknown(kept) = &code {
            assert_eq!(kept, text.trim());
        }
        if let Ok(version) = text.parse::<ExchangeVersion>() {
            assert!(ExchangeVersion::ALL.contains(&version));
        }
    }
}
