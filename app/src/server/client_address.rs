//! Which address a request comes from, for sign-in throttling and logs.
//!
//! Behind a reverse proxy every request arrives from the proxy, and the
//! client's address is in a header the proxy sets (X-Forwarded-For or
//! similar). That header is only believed when the request really comes
//! from one of the configured proxies; anyone else could write any address
//! into it and escape the per-address throttle.

use ipnet::IpNet;
use std::net::IpAddr;

/// Where to find the client's address.
#[derive(Clone, Debug, Default)]
pub struct ClientAddressPolicy {
    /// The header the proxy sets; `None`: always the TCP peer.
    pub header: Option<http::HeaderName>,
    /// The proxies whose header is believed.
    pub trusted_proxies: Vec<IpNet>,
}

impl ClientAddressPolicy {
    fn is_trusted(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.trusted_proxies.iter().any(|net| net.contains(&ip))
    }

    /// The client's address, given the TCP peer and the request's headers.
    ///
    /// A header value is a comma-separated list, each proxy appending the
    /// address it received from; walking it from the right, the first
    /// address that is not a trusted proxy is the client. A malformed entry
    /// stops the walk at the last address known good.
    pub fn resolve(&self, peer: IpAddr, headers: &http::HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        let Some(name) = &self.header else {
            return peer;
        };
        if !self.is_trusted(peer) {
            return peer;
        }
        let mut client = peer;
        for value in headers.get_all(name).iter().rev() {
            let Ok(value) = value.to_str() else {
                return client;
            };
            for hop in value.rsplit(',').map(str::trim) {
                let Some(ip) = parse_hop(hop) else {
                    return client;
                };
                client = canonical(ip);
                if !self.is_trusted(client) {
                    return client;
                }
            }
        }
        client
    }
}

/// One entry of a forwarding header: an address, maybe with a port
/// ("203.0.113.7:4711", "[2001:db8::1]:4711").
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(sa) = hop.parse::<std::net::SocketAddr>() {
        return Some(sa.ip());
    }
    None
}

/// An IPv4 address seen through an IPv6 socket counts as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(header: Option<&str>, proxies: &[&str]) -> ClientAddressPolicy {
        ClientAddressPolicy {
            header: header.map(|h| http::HeaderName::from_bytes(h.as_bytes()).unwrap()),
            trusted_proxies: proxies.iter().map(|p| p.parse().unwrap()).collect(),
        }
    }

    fn headers(values: &[&str]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn table() {
        let proxy = policy(Some("x-forwarded-for"), &["10.0.0.0/8", "::1/128"]);
        let cases: &[(&ClientAddressPolicy, &str, &[&str], &str, &str)] = &[
            (
                &policy(None, &[]),
                "192.0.2.1",
                &["203.0.113.7"],
                "192.0.2.1",
                "no header configured: the peer",
            ),
            (
                &proxy,
                "192.0.2.1",
                &["203.0.113.7"],
                "192.0.2.1",
                "header from an untrusted peer is ignored",
            ),
            (
                &proxy,
                "10.0.0.2",
                &["203.0.113.7"],
                "203.0.113.7",
                "header from a trusted proxy is believed",
            ),
            (
                &proxy,
                "10.0.0.2",
                &["198.51.100.9, 203.0.113.7"],
                "203.0.113.7",
                "the rightmost untrusted hop, not what the client wrote on the left",
            ),
            (
                &proxy,
                "10.0.0.2",
                &["203.0.113.7, 10.0.0.5"],
                "203.0.113.7",
                "trusted hops are skipped",
            ),
            (
                &proxy,
                "10.0.0.2",
                &["198.51.100.9", "203.0.113.7, 10.0.0.5"],
                "203.0.113.7",
                "several header lines are one list",
            ),
            (
                &proxy,
                "10.0.0.2",
                &["203.0.113.7:4711"],
                "203.0.113.7",
                "a port is dropped",
            ),
            (
                &proxy,
                "10.0.0.2",
                &["nonsense, 10.0.0.5"],
                "10.0.0.5",
                "a malformed hop stops the walk at the last good address",
            ),
            (
                &proxy,
                "10.0.0.2",
                &[],
                "10.0.0.2",
                "no header: the proxy itself",
            ),
            (
                &proxy,
                "::ffff:10.0.0.2",
                &["[2001:db8::1]:80"],
                "2001:db8::1",
                "IPv4-mapped peer and IPv6 client",
            ),
        ];
        for (policy, peer, values, want, why) in cases {
            assert_eq!(
                policy.resolve(ip(peer), &headers(values)),
                ip(want),
                "{why}"
            );
        }
    }

    #[test]
    fn a_proxy_on_the_same_machine() {
        let p = policy(Some("x-real-ip"), &["127.0.0.0/8", "::1/128"]);
        let mut h = http::HeaderMap::new();
        h.insert("x-real-ip", "203.0.113.7".parse().unwrap());
        assert_eq!(p.resolve(ip("127.0.0.1"), &h), ip("203.0.113.7"));
        assert_eq!(p.resolve(ip("::1"), &h), ip("203.0.113.7"));
        assert_eq!(p.resolve(ip("192.0.2.1"), &h), ip("192.0.2.1"));
    }
}
