//! The Aliyun API endpoint: an `https` URL, or plain `http` to a loopback host (tests only). The
//! ECS metadata service is the one exception: it speaks only plain `http`, at one link-local
//! address inside the instance ([`Endpoint::parse_metadata`]).
//!
//! A full URL parser (the `url` crate) would more than double the `.wasm` size for the one shape
//! we accept, `scheme://host[:port][/path]`, so this module parses exactly that and nothing else.

use std::fmt;

/// The public Aliyun SMS endpoint, also the TypeScript connector's hard-coded one.
pub const DEFAULT_ENDPOINT: &str = "https://dysmsapi.aliyuncs.com/";
/// The global STS endpoint, which Alibaba Cloud's credential tools use by default.
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.aliyuncs.com/";
/// The ECS instance metadata service: reachable only from inside an instance, and only over http.
pub const ECS_METADATA_HOST: &str = "100.100.100.200";
pub const DEFAULT_ECS_METADATA_ENDPOINT: &str = "http://100.100.100.200/";

/// A validated endpoint. Invalid states (userinfo, query, clear text to a public host) cannot
/// be constructed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    https: bool,
    /// Lower-cased host, IPv6 literals with their brackets.
    host: String,
    port: Option<u16>,
    /// Always starts with `/`.
    path: String,
}

impl Endpoint {
    /// Parses and checks an endpoint URL. The error is a sentence for the operator.
    pub fn parse(input: &str) -> Result<Self, String> {
        Self::parse_allowing_http_to(input, None)
    }

    /// [`Endpoint::parse`], plus plain `http` to exactly [`ECS_METADATA_HOST`] (no other spelling
    /// of it): the metadata service has no https, and its answers never leave the instance.
    pub fn parse_metadata(input: &str) -> Result<Self, String> {
        Self::parse_allowing_http_to(input, Some(ECS_METADATA_HOST))
    }

    fn parse_allowing_http_to(input: &str, clear_text_host: Option<&str>) -> Result<Self, String> {
        let (https, rest) = if let Some(rest) = strip_prefix_ignore_case(input, "https://") {
            (true, rest)
        } else if let Some(rest) = strip_prefix_ignore_case(input, "http://") {
            (false, rest)
        } else {
            return Err("Endpoint must start with https://".into());
        };
        if rest.contains(['?', '#']) {
            return Err("Endpoint must not contain a query or fragment".into());
        }
        // `split_once` keeps the `/` out of both halves; the path gets it back below.
        let (authority, path) = match rest.split_once('/') {
            Some((authority, path)) => (authority, path),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err("Endpoint must not contain credentials".into());
        }
        let (host, port) = split_host_port(authority)?;
        if path
            .chars()
            .any(|c| c.is_ascii_whitespace() || c.is_ascii_control())
        {
            return Err("Endpoint path must not contain spaces or control characters".into());
        }
        // A default port is dropped, as URL parsers (and so `fetch`'s Host header) do; the V3
        // signature covers the host and must match.
        let default_port = if https { 443 } else { 80 };
        let endpoint = Self {
            https,
            host: host.to_ascii_lowercase(),
            port: port.filter(|&p| p != default_port),
            path: ["/", path].concat(),
        };
        if !https && !endpoint.is_loopback() && clear_text_host != Some(endpoint.host.as_str()) {
            let also = clear_text_host
                .map(|host| format!(" and {host}"))
                .unwrap_or_default();
            return Err(format!(
                "Endpoint must use https (plain http is allowed only for loopback hosts{also}, not {})",
                endpoint.host
            ));
        }
        Ok(endpoint)
    }

    /// The host as it goes into a `Host` header (with the port unless it is the default one).
    pub fn host_header(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// The host name, lower-cased, without the port.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The URL path, always starting with `/`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `localhost`, `127.0.0.0/8` or `[::1]` (only in that spelling: `fetch` would send another
    /// spelling of `::1` in its shortest form, and the V3 signature covers the host).
    pub fn is_loopback(&self) -> bool {
        let host = self.host.as_str();
        host == "localhost"
            || host == "[::1]"
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

impl Default for Endpoint {
    fn default() -> Self {
        Self {
            https: true,
            host: "dysmsapi.aliyuncs.com".into(),
            port: None,
            path: "/".into(),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        write!(f, "{scheme}://{}{}", self.host_header(), self.path)
    }
}

fn strip_prefix_ignore_case<'a>(input: &'a str, prefix: &str) -> Option<&'a str> {
    let head = input.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| input.get(prefix.len()..))
        .flatten()
}

fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), String> {
    let (host, port) = if authority.starts_with('[') {
        let close = authority
            .find(']')
            .ok_or("Endpoint has an unclosed IPv6 bracket")?;
        let (host, rest) = authority
            .split_at_checked(close + 1)
            .unwrap_or((authority, ""));
        let inner = host.get(1..host.len() - 1).unwrap_or_default();
        if inner.is_empty() || !inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
            return Err("Endpoint has an invalid IPv6 address".into());
        }
        match rest.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if rest.is_empty() => (host, None),
            None => return Err("Endpoint has an invalid host".into()),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let valid_name = !host.is_empty()
        && host.len() <= 253
        && (host.starts_with('[')
            || host
                .split('.')
                .all(|label| !label.is_empty() && label.len() <= 63 && is_dns_label(label)));
    if !valid_name {
        return Err("Endpoint has an invalid host".into());
    }
    let port = match port {
        None => None,
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port > 0 && text.chars().all(|c| c.is_ascii_digit()) => Some(port),
            _ => return Err("Endpoint has an invalid port".into()),
        },
    };
    Ok((host, port))
}

fn is_dns_label(label: &str) -> bool {
    label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_public_endpoint() {
        assert_eq!(Endpoint::default().to_string(), DEFAULT_ENDPOINT);
        assert_eq!(
            Endpoint::parse(DEFAULT_ENDPOINT).unwrap(),
            Endpoint::default()
        );
    }

    #[test]
    fn accepts_https_hosts_ports_and_paths() {
        for (input, shown) in [
            (
                "https://dysmsapi.aliyuncs.com",
                "https://dysmsapi.aliyuncs.com/",
            ),
            (
                "HTTPS://Dysmsapi.AP-Southeast-1.aliyuncs.com/",
                "https://dysmsapi.ap-southeast-1.aliyuncs.com/",
            ),
            (
                "https://10.0.0.1:8443/proxy/",
                "https://10.0.0.1:8443/proxy/",
            ),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
            ("http://127.1.2.3/", "http://127.1.2.3/"),
            ("http://localhost:3000", "http://localhost:3000/"),
            ("http://[::1]:9000/", "http://[::1]:9000/"),
            (
                "https://dysmsapi.aliyuncs.com:443/",
                "https://dysmsapi.aliyuncs.com/",
            ),
            ("http://127.0.0.1:80/", "http://127.0.0.1/"),
        ] {
            assert_eq!(
                Endpoint::parse(input).unwrap().to_string(),
                shown,
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_clear_text_to_public_hosts_and_odd_urls() {
        for input in [
            "http://dysmsapi.aliyuncs.com/",
            "http://128.0.0.1/",
            "http://127.0.0.1.evil.com/",
            "http://localhost.evil.com/",
            "ftp://dysmsapi.aliyuncs.com/",
            "dysmsapi.aliyuncs.com",
            "",
            "https://",
            "https://user:pw@dysmsapi.aliyuncs.com/",
            "https://dysmsapi.aliyuncs.com/?a=b",
            "https://dysmsapi.aliyuncs.com/#x",
            "https://dysmsapi.aliyuncs.com:0/",
            "https://dysmsapi.aliyuncs.com:99999/",
            "https://dysmsapi.aliyuncs.com:+80/",
            "https://dys msapi.aliyuncs.com/",
            "https://dysmsapi.aliyuncs.com/a b",
            "https://[::1/",
            "https://[zz]/",
            "https://-bad.com/",
            "https://a..b/",
        ] {
            assert!(
                Endpoint::parse(input).is_err(),
                "{input:?} should be rejected"
            );
        }
    }

    #[test]
    fn metadata_endpoint_allows_clear_text_to_the_metadata_address_only() {
        for (input, shown) in [
            ("http://100.100.100.200", "http://100.100.100.200/"),
            ("http://100.100.100.200/", "http://100.100.100.200/"),
            (
                "http://100.100.100.200:8080/x/",
                "http://100.100.100.200:8080/x/",
            ),
            ("https://100.100.100.200/", "https://100.100.100.200/"),
            ("http://127.0.0.1:9000/", "http://127.0.0.1:9000/"),
        ] {
            assert_eq!(
                Endpoint::parse_metadata(input).unwrap().to_string(),
                shown,
                "{input}"
            );
        }
        assert_eq!(
            Endpoint::parse_metadata(DEFAULT_ECS_METADATA_ENDPOINT)
                .unwrap()
                .to_string(),
            DEFAULT_ECS_METADATA_ENDPOINT
        );
        for input in [
            "http://100.100.100.201/",
            "http://100.100.100.200.evil.com/",
            "http://1.100.100.200/",
            "http://100.100.100.2000/",
            "http://metadata.example.com/",
            "http://dysmsapi.aliyuncs.com/",
            "http://user@100.100.100.200/",
            "http://100.100.100.200/?a=b",
        ] {
            assert!(
                Endpoint::parse_metadata(input).is_err(),
                "{input:?} should be rejected"
            );
        }
        // Everywhere else the metadata address is a public host like any other.
        assert!(Endpoint::parse("http://100.100.100.200/").is_err());
        assert!(Endpoint::parse(DEFAULT_STS_ENDPOINT).is_ok());
    }

    #[test]
    fn host_header_includes_port() {
        assert_eq!(
            Endpoint::parse("http://127.0.0.1:8080/")
                .unwrap()
                .host_header(),
            "127.0.0.1:8080"
        );
        assert_eq!(Endpoint::default().host_header(), "dysmsapi.aliyuncs.com");
    }
}
