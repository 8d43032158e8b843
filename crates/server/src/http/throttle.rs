//! Slowing down token guessing: a client with too many failed credential checks in a window is
//! shut out of the API until that window ends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many clients with recent failures are remembered at most, so that failures from ever
/// new addresses cannot grow the table without bound. Past it, new clients go uncounted.
const MAX_CLIENTS: usize = 100_000;

/// What the credential check of one request comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Pass,
    /// Wrong or missing credentials (401); counted against the client.
    Refused,
    /// Too many failures lately: 429, whatever the request presents, for this many seconds.
    ShutOut(u64),
}

/// Failed credential checks per client in fixed windows that start at a client's first
/// failure.
pub struct AuthThrottle {
    /// Failures that shut a client out; 0 turns the throttle off.
    limit: u32,
    window: Duration,
    clients: Mutex<Clients>,
}

struct Clients {
    by_address: HashMap<IpAddr, Failures>,
    /// When expired entries were last dropped: a full table is swept at most once a window,
    /// so a flood of new addresses cannot make every failed request scan the whole table.
    swept: Instant,
}

struct Failures {
    since: Instant,
    count: u32,
}

impl AuthThrottle {
    pub fn new(limit: u32, window: Duration) -> Self {
        AuthThrottle {
            limit,
            window,
            clients: Mutex::new(Clients {
                by_address: HashMap::new(),
                swept: Instant::now(),
            }),
        }
    }

    /// Judges a request from `client` (unknown when the server was not given its address)
    /// whose credentials were `authorized` or not. A shut-out client is refused even with the
    /// right token: otherwise a guess that happened to be right would still be told apart.
    pub fn admit(&self, client: Option<IpAddr>, authorized: bool) -> Admission {
        let Some(client) = client.filter(|_| self.limit > 0) else {
            return if authorized {
                Admission::Pass
            } else {
                Admission::Refused
            };
        };
        let key = client_key(client);
        let now = Instant::now();
        let mut guard = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        let Clients {
            by_address: clients,
            swept,
        } = &mut *guard;
        if let Some(f) = clients.get(&key) {
            let left = self.window.saturating_sub(now.duration_since(f.since));
            if f.count >= self.limit && !left.is_zero() {
                return Admission::ShutOut(left.as_secs() + u64::from(left.subsec_nanos() > 0));
            }
        }
        if authorized {
            return Admission::Pass;
        }
        if clients.len() >= MAX_CLIENTS
            && !clients.contains_key(&key)
            && now.duration_since(*swept) >= self.window
        {
            clients.retain(|_, f| now.duration_since(f.since) < self.window);
            *swept = now;
        }
        if clients.len() < MAX_CLIENTS || clients.contains_key(&key) {
            let f = clients.entry(key).or_insert(Failures {
                since: now,
                count: 0,
            });
            if now.duration_since(f.since) >= self.window {
                *f = Failures {
                    since: now,
                    count: 0,
                };
            }
            f.count = f.count.saturating_add(1);
        }
        Admission::Refused
    }
}

/// Whom failures are counted against: an IPv4 address (also when it arrives IPv4-mapped), or
/// an IPv6 /64, the smallest block a site is given, so one host cannot rotate through its
/// addresses to reset the count.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut seg = v6.segments();
                seg[4..].fill(0);
                IpAddr::from(seg)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn failures_shut_a_client_out_for_the_rest_of_the_window() {
        let t = AuthThrottle::new(2, Duration::from_secs(60));
        assert_eq!(t.admit(ip("192.0.2.1"), true), Admission::Pass);
        assert_eq!(t.admit(ip("192.0.2.1"), false), Admission::Refused);
        assert_eq!(t.admit(ip("192.0.2.1"), false), Admission::Refused);
        assert_eq!(t.admit(ip("192.0.2.1"), true), Admission::ShutOut(60));
        assert_eq!(
            t.admit(ip("::ffff:192.0.2.1"), false),
            Admission::ShutOut(60)
        );
        assert_eq!(t.admit(ip("192.0.2.2"), true), Admission::Pass);
        // Unknown clients and a throttle that is off are never shut out.
        assert_eq!(t.admit(None, false), Admission::Refused);
        let off = AuthThrottle::new(0, Duration::from_secs(60));
        for _ in 0..5 {
            assert_eq!(off.admit(ip("192.0.2.1"), false), Admission::Refused);
        }
    }

    #[test]
    fn an_ipv6_client_is_its_64() {
        assert_eq!(
            client_key("2001:db8:1:2:3:4:5:6".parse().unwrap()),
            "2001:db8:1:2::".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_key("::ffff:10.0.0.1".parse().unwrap()),
            "10.0.0.1".parse::<IpAddr>().unwrap()
        );
        let t = AuthThrottle::new(1, Duration::from_secs(60));
        assert_eq!(t.admit(ip("2001:db8::1"), false), Admission::Refused);
        assert!(matches!(
            t.admit(ip("2001:db8::2"), true),
            Admission::ShutOut(_)
        ));
        assert_eq!(t.admit(ip("2001:db8:0:1::1"), true), Admission::Pass);
    }
}
