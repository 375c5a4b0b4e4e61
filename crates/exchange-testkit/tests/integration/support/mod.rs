//! Helpers of the integration tests: accounts, a raw HTTP client, hand-written EWS requests,
//! readers for responses, and schema validation of everything exchanged.

pub(crate) mod generic;
pub(crate) mod requests;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use exchange_test_support::skip_or_fail;
use exchange_testkit::schema::{ews_dir, SchemaValidator};
use exchange_testkit::FakeExchange;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

pub(crate) use generic::*;
pub(crate) use requests::*;

/// Saves one item (an item element) in its default folder of the caller's mailbox; its id
/// and change key.
pub(crate) async fn create_one(client: &Client, item: String) -> (String, String) {
    let (_, created) = client.call(&create_items(&[item], None, SAVE)).await;
    assert_eq!(codes(&created), ["NoError"], "{created}");
    item_ids(&created).remove(0)
}

/// The SOAP 1.1 envelope namespace.
pub(crate) const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The EWS messages namespace.
pub(crate) const M: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
/// The EWS types namespace.
pub(crate) const T: &str = "http://schemas.microsoft.com/exchange/services/2006/types";

/// A configured account.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Account {
    pub(crate) login: &'static str,
    pub(crate) password: &'static str,
    pub(crate) smtp: &'static str,
}

/// Owns a mailbox.
pub(crate) const ALICE: Account = Account {
    login: "CONTOSO\\alice",
    password: "alice-pässword",
    smtp: "alice@contoso.test",
};
/// Owns a mailbox and is a delegate of Alice's.
pub(crate) const BOB: Account = Account {
    login: "bob@contoso.test",
    password: "bob-password",
    smtp: "bob@contoso.test",
};
/// Owns a mailbox and has no grants.
pub(crate) const CAROL: Account = Account {
    login: "carol",
    password: "carol-password",
    smtp: "carol@contoso.test",
};

/// A fake with Alice, Bob (delegate of Alice) and Carol.
pub(crate) async fn start() -> FakeExchange {
    FakeExchange::builder()
        .user(ALICE.login, ALICE.password, ALICE.smtp)
        .user(BOB.login, BOB.password, BOB.smtp)
        .user(CAROL.login, CAROL.password, CAROL.smtp)
        .delegate(BOB.login, ALICE.smtp)
        .start()
        .await
        .expect("the fake starts")
}

/// Posts to the fake as one account and remembers the schema-valid requests it sent.
pub(crate) struct Client {
    http: reqwest::Client,
    url: String,
    account: Account,
    sent: Mutex<Vec<String>>,
}

impl Client {
    pub(crate) fn new(server: &FakeExchange, account: Account) -> Self {
        Self {
            http: reqwest::Client::new(),
            url: server.url(),
            account,
            sent: Mutex::new(Vec::new()),
        }
    }

    /// Sends a schema-valid request (validated at the end of the test).
    pub(crate) async fn call(&self, request: &str) -> (u16, String) {
        self.sent.lock().unwrap().push(request.to_owned());
        self.call_raw(request.to_owned()).await
    }

    /// Sends any body, valid or not.
    pub(crate) async fn call_raw(&self, body: impl Into<reqwest::Body>) -> (u16, String) {
        let response = self
            .http
            .post(&self.url)
            .basic_auth(self.account.login, Some(self.account.password))
            .header("Content-Type", "text/xml; charset=utf-8")
            .body(body)
            .send()
            .await
            .expect("the fake answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a whole body"))
    }

    /// The schema-valid requests sent so far.
    pub(crate) fn sent(&self) -> Vec<String> {
        self.sent.lock().unwrap().clone()
    }
}

/// One element of a response, flattened.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) ns: String,
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) text: String,
}

impl Node {
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every element of a document in document order, with namespaces resolved.
pub(crate) fn nodes(xml: &str) -> Vec<Node> {
    let mut reader = NsReader::from_str(xml);
    let mut out: Vec<Node> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        let event = reader.read_event().expect("the response is well-formed");
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let (ns, local) = reader.resolver().resolve_element(e.name());
                let ns = match ns {
                    ResolveResult::Bound(ns) => ns.into_inner().to_owned(),
                    _ => String::new(),
                };
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("attributes are well-formed");
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .expect("values unescape")
                            .into_owned();
                        (a.key.into_inner().to_owned(), value)
                    })
                    .collect();
                out.push(Node {
                    ns,
                    name: local.into_inner().to_owned(),
                    attrs,
                    text: String::new(),
                });
                if matches!(event, Event::Start(_)) {
                    open.push(out.len() - 1);
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                if let Some(&i) = open.last() {
                    out[i].text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(&i) = open.last() {
                    let s = match r.resolve_char_ref().expect("valid reference") {
                        Some(c) => c.to_string(),
                        None => quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                            .expect("predefined entity")
                            .to_owned(),
                    };
                    out[i].text.push_str(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The text of every element `name` in namespace `ns`.
pub(crate) fn texts(xml: &str, ns: &str, name: &str) -> Vec<String> {
    nodes(xml)
        .into_iter()
        .filter(|n| n.ns == ns && n.name == name)
        .map(|n| n.text)
        .collect()
}

/// The `ResponseCode` of every response message.
pub(crate) fn codes(xml: &str) -> Vec<String> {
    texts(xml, M, "ResponseCode")
}

/// `(Id, ChangeKey)` of every `t:ItemId`.
pub(crate) fn item_ids(xml: &str) -> Vec<(String, String)> {
    nodes(xml)
        .into_iter()
        .filter(|n| n.ns == T && n.name == "ItemId")
        .map(|n| {
            (
                n.attr("Id").unwrap_or_default().to_owned(),
                n.attr("ChangeKey").unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The first element `name` in `ns`.
pub(crate) fn first(xml: &str, ns: &str, name: &str) -> Option<Node> {
    nodes(xml)
        .into_iter()
        .find(|n| n.ns == ns && n.name == name)
}

/// The `faultcode` of a SOAP fault.
pub(crate) fn fault_code(xml: &str) -> Option<String> {
    first(xml, "", "faultcode").map(|n| n.text)
}

/// Validates, in one `xmllint` run each, the requests a test sent (body element) and every
/// complete SOAP response the fake produced (body element against the EWS schema, and the
/// whole envelope, faults included, against the SOAP envelope schema). `truncated` is how many
/// responses a test broke on purpose.
pub(crate) fn validate(server: &FakeExchange, requests: &[String], truncated: usize) {
    let logged = server.logged_requests();
    let soap: Vec<&exchange_testkit::LoggedRequest> =
        logged.iter().filter(|e| e.is_soap()).collect();
    let (complete, broken): (Vec<&exchange_testkit::LoggedRequest>, Vec<_>) = soap
        .iter()
        .copied()
        .partition(|e| e.response_body.trim_end().ends_with("</s:Envelope>"));
    assert_eq!(broken.len(), truncated, "responses cut short");
    let Some(validator) = SchemaValidator::find() else {
        return;
    };
    let mut docs: Vec<(String, &str)> = requests
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("request {i}"), r.as_str()))
        .collect();
    docs.extend(
        complete
            .iter()
            .filter(|e| !e.response_body.contains("<s:Fault>"))
            .enumerate()
            .map(|(i, e)| {
                let name = format!("response {i} to {:?} ({})", e.operation, e.status);
                (name, e.response_body.as_str())
            }),
    );
    let verdicts = validator.validate_envelopes(docs.iter().map(|(n, d)| (n.as_str(), *d)));
    let failures: Vec<String> = verdicts
        .iter()
        .zip(&docs)
        .filter(|(v, _)| !v.is_valid())
        .map(|(v, (_, doc))| format!("{}: {:?}\n{doc}", v.name, v.errors))
        .collect();
    assert!(failures.is_empty(), "schema violations: {failures:#?}");
    let envelopes: Vec<&str> = complete.iter().map(|e| e.response_body.as_str()).collect();
    let errors = validate_whole_envelopes(&envelopes);
    assert!(errors.is_empty(), "envelope violations: {errors:#?}");
}

/// Validates whole SOAP documents against the envelope schema of this test kit combined with
/// the EWS schema; returns `xmllint`'s complaints.
pub(crate) fn validate_whole_envelopes(docs: &[&str]) -> Vec<String> {
    let Some(ews) = ews_dir() else {
        return skip_or_fail("the EWS schema").unwrap_or_default();
    };
    let dir = std::env::temp_dir().join(format!("fake-ews-envelopes-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let wrapper = write_wrapper(&dir, &ews);
    let mut files = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let path = dir.join(format!("envelope{i}.xml"));
        std::fs::write(&path, doc).unwrap();
        files.push(path);
    }
    let mut errors = Vec::new();
    if !files.is_empty() {
        let output = Command::new("xmllint")
            .args(["--noout", "--nonet", "--schema"])
            .arg(&wrapper)
            .args(&files)
            .output()
            .expect("xmllint runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        errors.extend(
            stderr
                .lines()
                .filter(|l| !l.ends_with(" validates"))
                .map(|l| {
                    let index = files
                        .iter()
                        .position(|f| l.starts_with(&*f.to_string_lossy()));
                    match index {
                        Some(i) => format!("{l}\n  in: {}", docs[i]),
                        None => l.to_owned(),
                    }
                }),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    errors
}

fn write_wrapper(dir: &Path, ews: &Path) -> PathBuf {
    let validate = ews.join("schema/validate");
    let envelope =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/support/soap-envelope.xsd");
    let wrapper = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:local:soap-wrapper">
  <xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="{}"/>
  <xs:import namespace="{SOAP}" schemaLocation="{}"/>
  <xs:import namespace="{M}" schemaLocation="{}"/>
</xs:schema>"#,
        validate.join("xml-minimal.xsd").display(),
        envelope.display(),
        validate.join("messages.patched.xsd").display(),
    );
    let path = dir.join("wrapper.xsd");
    std::fs::write(&path, wrapper).unwrap();
    path
}
