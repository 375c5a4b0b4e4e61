//! SOAP Autodiscover (`autodiscover.svc`): the `GetUserSettings` request and its answer.

use std::fmt;

use crate::xml::{self, Element, XmlWriter};
use crate::EwsError;

const SOAP_NAMESPACE: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const AUTODISCOVER_NAMESPACE: &str = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
const ADDRESSING_NAMESPACE: &str = "http://www.w3.org/2005/08/addressing";
const INSTANCE_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";
const ACTION: &str =
    "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings";
/// The oldest version that speaks SOAP Autodiscover, which every later server accepts.
const REQUESTED_SERVER_VERSION: &str = "Exchange2010";
/// The longest setting name accepted (Exchange's longest is about 40 characters).
const MAX_SETTING_CHARS: usize = 100;

/// The settings asked for unless [`GetUserSettings::settings`] says otherwise.
pub const DEFAULT_SETTINGS: [&str; 6] = [
    "ExternalEwsUrl",
    "InternalEwsUrl",
    "UserDisplayName",
    "UserDN",
    "CasVersion",
    "EwsSupportedSchemas",
];

/// A SOAP Autodiscover `GetUserSettings` request for one mailbox.
///
/// ```
/// use exchange_ews::autodiscover::GetUserSettings;
///
/// let request = GetUserSettings::new("alice@contoso.test")?;
/// let envelope = request.to_envelope("https://contoso.test/autodiscover/autodiscover.svc");
/// assert!(envelope.contains("<a:Mailbox>alice@contoso.test</a:Mailbox>"));
/// assert!(envelope.contains("<a:Setting>ExternalEwsUrl</a:Setting>"));
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetUserSettings {
    mailbox: String,
    settings: Vec<String>,
}

impl GetUserSettings {
    /// A request for [`DEFAULT_SETTINGS`] of `mailbox`; fails on an address that is not
    /// `local@domain` with a plain DNS name as domain.
    pub fn new(mailbox: &str) -> Result<Self, EwsError> {
        let (mailbox, _) = super::check_address(mailbox)?;
        Ok(Self {
            mailbox,
            settings: DEFAULT_SETTINGS.iter().map(|s| (*s).to_owned()).collect(),
        })
    }

    /// Asks for these settings instead; fails on an empty list or a name that is not a short
    /// ASCII word.
    pub fn settings(mut self, settings: Vec<String>) -> Result<Self, EwsError> {
        check_settings(&settings)?;
        self.settings = settings;
        Ok(self)
    }

    /// The mailbox asked about.
    pub fn mailbox(&self) -> &str {
        &self.mailbox
    }

    /// The SOAP envelope, addressed (`wsa:To`) to the endpoint `to`.
    pub fn to_envelope(&self, to: &str) -> String {
        let mut w = XmlWriter::new();
        w.start(
            "soap:Envelope",
            &[
                ("xmlns:a", AUTODISCOVER_NAMESPACE),
                ("xmlns:wsa", ADDRESSING_NAMESPACE),
                ("xmlns:xsi", INSTANCE_NAMESPACE),
                ("xmlns:soap", SOAP_NAMESPACE),
            ],
        );
        w.start("soap:Header", &[])
            .text_element("a:RequestedServerVersion", &[], REQUESTED_SERVER_VERSION)
            .text_element("wsa:Action", &[], ACTION)
            .text_element("wsa:To", &[], to)
            .end();
        w.start("soap:Body", &[])
            .start("a:GetUserSettingsRequestMessage", &[])
            .start("a:Request", &[])
            .start("a:Users", &[])
            .start("a:User", &[])
            .text_element("a:Mailbox", &[], &self.mailbox)
            .end()
            .end()
            .start("a:RequestedSettings", &[]);
        for setting in &self.settings {
            w.text_element("a:Setting", &[], setting);
        }
        w.finish()
    }

    /// Parses the answer to a `GetUserSettings` request: the first user response, or the
    /// request-level error when the server refused the whole request. A SOAP fault is
    /// [`EwsError::SoapFault`].
    pub fn parse_response(bytes: &[u8]) -> Result<UserResponse, EwsError> {
        let root = xml::parse(bytes)?;
        if root.name() != "Envelope" {
            return Err(EwsError::NotSoap {
                root: root.name().to_owned(),
            });
        }
        let body = root.required_child("Body")?;
        let message = body
            .children()
            .first()
            .ok_or_else(|| missing("GetUserSettingsResponseMessage", "Body"))?;
        if message.name() == "Fault" {
            return Err(fault(message));
        }
        if message.name() != "GetUserSettingsResponseMessage" {
            return Err(missing("GetUserSettingsResponseMessage", "Body"));
        }
        let response = message.required_child("Response")?;
        let code = error_code(response)?;
        if code != AutodiscoverCode::NoError {
            return Ok(UserResponse {
                error_code: code,
                error_message: text_of(response, "ErrorMessage"),
                redirect_target: None,
                settings: Vec::new(),
            });
        }
        let user = response
            .required_child("UserResponses")?
            .required_child("UserResponse")?;
        let redirect_target = user
            .child_text("RedirectTarget")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let settings = user
            .child("UserSettings")
            .map(|s| s.children().iter().filter_map(setting).collect())
            .unwrap_or_default();
        Ok(UserResponse {
            error_code: error_code(user)?,
            error_message: text_of(user, "ErrorMessage"),
            redirect_target,
            settings,
        })
    }
}

/// Fails on an empty list or a name that is not a short ASCII word.
pub(super) fn check_settings(settings: &[String]) -> Result<(), EwsError> {
    let invalid = |reason: String| EwsError::InvalidArgument {
        argument: "settings",
        reason,
    };
    if settings.is_empty() {
        return Err(invalid("no setting is requested".into()));
    }
    for name in settings {
        let word = !name.is_empty()
            && name.len() <= MAX_SETTING_CHARS
            && name.chars().all(|c| c.is_ascii_alphanumeric());
        if !word {
            let shown: String = name.chars().take(MAX_SETTING_CHARS).collect();
            return Err(invalid(format!("{shown:?} is not a setting name")));
        }
    }
    Ok(())
}

fn missing(element: &str, parent: &str) -> EwsError {
    EwsError::MissingElement {
        element: element.to_owned(),
        parent: parent.to_owned(),
    }
}

fn text_of(element: &Element, name: &str) -> String {
    element
        .child_text(name)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn error_code(element: &Element) -> Result<AutodiscoverCode, EwsError> {
    let text = element.required_child("ErrorCode")?.text().trim();
    if text.is_empty() {
        return Err(EwsError::InvalidValue {
            element: "ErrorCode".into(),
            value: String::new(),
            expected: "an Autodiscover error code",
        });
    }
    Ok(AutodiscoverCode::parse(text))
}

fn setting(element: &Element) -> Option<UserSetting> {
    let name = element.child_text("Name")?.trim();
    let value = element.child_text("Value")?.trim();
    (!name.is_empty()).then(|| UserSetting {
        name: name.to_owned(),
        value: value.to_owned(),
    })
}

fn fault(element: &Element) -> EwsError {
    EwsError::SoapFault {
        fault_code: text_of(element, "faultcode"),
        fault_string: text_of(element, "faultstring"),
        response_code: None,
        back_off: None,
        details: Vec::new(),
    }
}

/// The answer about one user.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserResponse {
    /// The user's `ErrorCode` (or the request's, when the whole request failed).
    pub error_code: AutodiscoverCode,
    /// The `ErrorMessage` (empty when the server sent none).
    pub error_message: String,
    /// The `RedirectTarget`: an address for `RedirectAddress`, a URL for `RedirectUrl`.
    pub redirect_target: Option<String>,
    /// The string settings, in document order.
    pub settings: Vec<UserSetting>,
}

impl UserResponse {
    /// The value of the setting `name`.
    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.value.as_str())
    }

    /// The EWS URL: `ExternalEwsUrl`, else `InternalEwsUrl`.
    pub fn ews_url(&self) -> Option<&str> {
        ["ExternalEwsUrl", "InternalEwsUrl"]
            .iter()
            .filter_map(|name| self.setting(name))
            .find(|url| !url.is_empty())
    }
}

/// One `UserSetting` with a string value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserSetting {
    /// Its `Name` (`ExternalEwsUrl`, `UserDisplayName`, …).
    pub name: String,
    /// Its `Value`.
    pub value: String,
}

/// An Autodiscover `ErrorCode`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AutodiscoverCode {
    /// The settings follow.
    NoError,
    /// Ask again with the address of `RedirectTarget`.
    RedirectAddress,
    /// Ask the Autodiscover URL of `RedirectTarget`.
    RedirectUrl,
    /// The mailbox does not exist.
    InvalidUser,
    /// The request is not valid.
    InvalidRequest,
    /// A requested setting is not valid.
    InvalidSetting,
    /// A requested setting is not available.
    SettingIsNotAvailable,
    /// The server is too busy to answer.
    ServerBusy,
    /// The domain is not valid.
    InvalidDomain,
    /// The organisation is not federated.
    NotFederated,
    /// The server failed.
    InternalServerError,
    /// A code this crate does not know, as the server spelled it.
    Unknown(String),
}

impl AutodiscoverCode {
    /// The code named `text` (matched exactly).
    pub fn parse(text: &str) -> Self {
        match text {
            "NoError" => Self::NoError,
            "RedirectAddress" => Self::RedirectAddress,
            "RedirectUrl" => Self::RedirectUrl,
            "InvalidUser" => Self::InvalidUser,
            "InvalidRequest" => Self::InvalidRequest,
            "InvalidSetting" => Self::InvalidSetting,
            "SettingIsNotAvailable" => Self::SettingIsNotAvailable,
            "ServerBusy" => Self::ServerBusy,
            "InvalidDomain" => Self::InvalidDomain,
            "NotFederated" => Self::NotFederated,
            "InternalServerError" => Self::InternalServerError,
            other => Self::Unknown(other.chars().take(100).collect()),
        }
    }

    /// The code as Exchange spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::NoError => "NoError",
            Self::RedirectAddress => "RedirectAddress",
            Self::RedirectUrl => "RedirectUrl",
            Self::InvalidUser => "InvalidUser",
            Self::InvalidRequest => "InvalidRequest",
            Self::InvalidSetting => "InvalidSetting",
            Self::SettingIsNotAvailable => "SettingIsNotAvailable",
            Self::ServerBusy => "ServerBusy",
            Self::InvalidDomain => "InvalidDomain",
            Self::NotFederated => "NotFederated",
            Self::InternalServerError => "InternalServerError",
            Self::Unknown(code) => code,
        }
    }
}

impl fmt::Display for AutodiscoverCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
