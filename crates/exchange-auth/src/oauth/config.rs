//! Where the tokens come from (authority, tenant, endpoints) and what they are for (the EWS
//! resource of a cloud and its scopes).

use url::Url;

use crate::AuthError;

/// A Microsoft cloud: its sign-in host and the EWS resource its tokens are issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cloud {
    /// The worldwide Microsoft 365 cloud.
    Public,
    /// Microsoft 365 for the US Government (GCC High, DoD).
    UsGovernment,
    /// Microsoft 365 operated by 21Vianet in China.
    China,
}

impl Cloud {
    /// The sign-in (authority) base URL of the cloud.
    pub fn authority_url(self) -> &'static str {
        match self {
            Self::Public => "https://login.microsoftonline.com",
            Self::UsGovernment => "https://login.microsoftonline.us",
            Self::China => "https://login.chinacloudapi.cn",
        }
    }

    /// The EWS resource (the audience of its tokens).
    pub fn ews_resource(self) -> &'static str {
        match self {
            Self::Public => "https://outlook.office365.com",
            Self::UsGovernment => "https://outlook.office365.us",
            Self::China => "https://partner.outlook.cn",
        }
    }

    /// The scopes of an app-only (client credentials) token for EWS: `<resource>/.default`.
    pub fn app_only_scopes(self) -> Vec<String> {
        vec![format!("{}/.default", self.ews_resource())]
    }

    /// The scopes of a delegated token for EWS: `<resource>/EWS.AccessAsUser.All` and
    /// `offline_access` (so that a refresh token is issued).
    pub fn delegated_scopes(self) -> Vec<String> {
        vec![
            format!("{}/EWS.AccessAsUser.All", self.ews_resource()),
            "offline_access".to_owned(),
        ]
    }
}

/// The tenant part of the endpoints: a directory id, a verified domain, `organizations` (any
/// work or school account) or `common` (also personal accounts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant(String);

impl Tenant {
    /// A tenant by id (`72f988bf-…`) or domain (`contoso.onmicrosoft.com`).
    pub fn new(tenant: &str) -> Result<Self, AuthError> {
        let valid = !tenant.is_empty()
            && tenant.len() <= 253
            && !tenant.starts_with(['.', '-'])
            && tenant
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if valid {
            Ok(Self(tenant.to_ascii_lowercase()))
        } else {
            Err(AuthError::OAuthInvalidConfig {
                reason: "a tenant is a directory id or a domain name (letters, digits, '-', '.')"
                    .to_owned(),
            })
        }
    }

    /// `organizations`: any work or school account.
    pub fn organizations() -> Self {
        Self("organizations".to_owned())
    }

    /// `common`: work, school and personal accounts.
    pub fn common() -> Self {
        Self("common".to_owned())
    }

    /// The tenant as it appears in the endpoint paths.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The authority that issues the tokens: a Microsoft cloud, or any other base URL laid out as
/// the Microsoft identity platform's (`<base>/<tenant>/oauth2/v2.0/token`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authority {
    /// A Microsoft cloud.
    Cloud(Cloud),
    /// Another base URL (an Azure Stack authority, a test server).
    Custom(Url),
}

impl Authority {
    /// A custom authority base URL; it must be `https` unless its host is loopback.
    pub fn custom(base: &str) -> Result<Self, AuthError> {
        Ok(Self::Custom(endpoint_url(base)?))
    }

    /// The v2.0 endpoints of `tenant` at this authority.
    pub fn endpoints(&self, tenant: &Tenant) -> Result<Endpoints, AuthError> {
        let base = match self {
            Self::Cloud(cloud) => cloud.authority_url().to_owned(),
            Self::Custom(url) => url.as_str().trim_end_matches('/').to_owned(),
        };
        let at = |leaf: &str| endpoint_url(&format!("{base}/{}/oauth2/v2.0/{leaf}", tenant.0));
        Ok(Endpoints {
            authorize: at("authorize")?,
            token: at("token")?,
            device_code: Some(at("devicecode")?),
        })
    }
}

/// The endpoints of an authorization server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    authorize: Url,
    token: Url,
    device_code: Option<Url>,
}

impl Endpoints {
    /// Endpoints given one by one, for servers not laid out like the Microsoft identity
    /// platform. Each must be `https` unless its host is loopback.
    pub fn explicit(
        authorize: &str,
        token: &str,
        device_code: Option<&str>,
    ) -> Result<Self, AuthError> {
        Ok(Self {
            authorize: endpoint_url(authorize)?,
            token: endpoint_url(token)?,
            device_code: device_code.map(endpoint_url).transpose()?,
        })
    }

    /// The authorization endpoint (where the user signs in).
    pub fn authorize(&self) -> &Url {
        &self.authorize
    }

    /// The token endpoint.
    pub fn token(&self) -> &Url {
        &self.token
    }

    /// The device authorization endpoint (RFC 8628), when the server has one.
    pub fn device_code(&self) -> Option<&Url> {
        self.device_code.as_ref()
    }
}

/// Parses an endpoint URL: `https`, or `http` to a loopback host only; no credentials or
/// fragment in it.
pub(crate) fn endpoint_url(raw: &str) -> Result<Url, AuthError> {
    let invalid = |reason: &str| AuthError::OAuthInvalidConfig {
        reason: format!("endpoint {raw:?}: {reason}"),
    };
    let url = Url::parse(raw).map_err(|_| invalid("not a URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials do not belong in an endpoint URL"));
    }
    if url.fragment().is_some() {
        return Err(invalid("an endpoint URL has no fragment"));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(invalid("the URL has no host")),
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(invalid(
            "tokens travel over https only (http is allowed on loopback)",
        )),
        _ => Err(invalid("the scheme must be https")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsoft_clouds_give_v2_endpoints_and_ews_scopes() {
        let tenant = Tenant::new("Contoso.onmicrosoft.com").unwrap();
        let e = Authority::Cloud(Cloud::Public).endpoints(&tenant).unwrap();
        assert_eq!(
            e.token().as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        assert_eq!(
            e.authorize().as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize"
        );
        assert_eq!(
            e.device_code().unwrap().as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode"
        );
        let us = Authority::Cloud(Cloud::UsGovernment)
            .endpoints(&Tenant::organizations())
            .unwrap();
        assert_eq!(
            us.token().as_str(),
            "https://login.microsoftonline.us/organizations/oauth2/v2.0/token"
        );
        let cn = Authority::Cloud(Cloud::China)
            .endpoints(&Tenant::common())
            .unwrap();
        assert!(cn
            .token()
            .as_str()
            .starts_with("https://login.chinacloudapi.cn/common/"));
        assert_eq!(
            Cloud::Public.app_only_scopes(),
            ["https://outlook.office365.com/.default"]
        );
        assert_eq!(
            Cloud::UsGovernment.delegated_scopes(),
            [
                "https://outlook.office365.us/EWS.AccessAsUser.All",
                "offline_access"
            ]
        );
        assert_eq!(Cloud::China.ews_resource(), "https://partner.outlook.cn");
    }

    #[test]
    fn custom_authority_and_https_rule() {
        let a = Authority::custom("http://127.0.0.1:8080/").unwrap();
        let e = a.endpoints(&Tenant::common()).unwrap();
        assert_eq!(
            e.token().as_str(),
            "http://127.0.0.1:8080/common/oauth2/v2.0/token"
        );
        assert!(Authority::custom("http://localhost:1/").is_ok());
        assert!(Authority::custom("http://[::1]:1/").is_ok());
        assert!(Authority::custom("https://login.example.test/").is_ok());
        for bad in [
            "http://login.example.test/",
            "http://127.0.0.1.example.test/",
            "ftp://127.0.0.1/",
            "https://user:pw@login.example.test/",
            "https://login.example.test/#x",
            "not a url",
            "",
        ] {
            assert!(
                matches!(
                    Authority::custom(bad),
                    Err(AuthError::OAuthInvalidConfig { .. })
                ),
                "{bad}"
            );
        }
        assert!(Endpoints::explicit("https://a.test/a", "http://a.test/t", None).is_err());
    }

    #[test]
    fn tenants_cannot_inject_paths() {
        for bad in [
            "",
            "a/b",
            "../x",
            "a?b",
            "a b",
            ".x",
            "-x",
            &"a".repeat(254),
        ] {
            assert!(Tenant::new(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Tenant::new("72F988BF-86f1-41af-91ab-2d7cd011db47")
                .unwrap()
                .as_str(),
            "72f988bf-86f1-41af-91ab-2d7cd011db47"
        );
    }
}
