//! The credential endpoint behind `exec --server` and `serve`: the ECS container-credentials
//! protocol every AWS SDK speaks (`AWS_CONTAINER_CREDENTIALS_FULL_URI` and
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`), so a long-running program asks again for credentials
//! when its own expire instead of failing with ExpiredToken.
//!
//! Threads: one accepts connections and gives each its own short-lived thread, which reads the
//! request and checks the token; credentials themselves are kept by the thread that calls
//! [`Endpoint::serve`] (a `Source` need not be `Send`), which answers over a channel and also
//! receives the signals and the child's exit. Answers come from the same cache-or-fetch path
//! as `export`, refreshed while they still have [`MARGIN_SECS`] left.

mod http;
mod shadow;
pub(crate) mod signals;

pub(crate) use shadow::isolate;

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::credentials::{OnDemand, Source};
use crate::error::{Error, Result};
use crate::keys::Credentials;
use crate::timefmt;

/// Credentials are never handed out with less than this left: botocore refreshes (advisory)
/// at 15 minutes and the AWS CLI's role cache treats less as expired, so this is when the
/// next set is fetched.
pub(crate) const MARGIN_SECS: i64 = 15 * 60;
/// Keys that do not expire are announced as expiring this far ahead, so clients ask again.
const STATIC_KEYS_TTL_SECS: i64 = 3600;
/// How often the keeper looks at the clock when nobody asks.
const TICK: Duration = Duration::from_secs(20);
/// After a failed refresh, wait this long before calling again (requests in between get the
/// current credentials while they last, or the error).
const RETRY_SECS: i64 = 30;
/// Connections served at once; more wait in the listen backlog.
const MAX_CONNECTIONS: usize = 32;

/// Credentials and the account they act in, or why there are none.
pub(crate) type Answer = std::result::Result<(Credentials, Option<String>), String>;

/// What the keeper hears about besides requests.
pub(crate) enum Event {
    /// An authorized request for credentials; the answer goes back on the sender.
    Request(Sender<Answer>),
    /// SIGINT/SIGTERM/SIGHUP/SIGQUIT (or Ctrl-C on Windows); `from_user` when someone sent it
    /// to us with kill(2), rather than the terminal to the whole foreground group.
    #[cfg_attr(windows, allow(dead_code))]
    Signal { signo: i32, from_user: bool },
    /// The child exited (Unix: SIGCHLD, the status is collected by the caller; Windows: the
    /// exit code).
    #[cfg_attr(unix, allow(dead_code))]
    Child(Option<i32>),
}

pub(crate) struct Endpoint {
    addr: SocketAddr,
    token: String,
    source: Box<dyn Source>,
    current: Option<Credentials>,
    /// The last refresh error while it lasts, and when to try again.
    failure: Option<String>,
    retry_at: i64,
    events: Sender<Event>,
    inbox: Receiver<Event>,
}

impl Endpoint {
    /// Listens on `bind` with a fresh random token; `creds` are the source's current ones.
    pub(crate) fn start(
        source: Box<dyn Source>,
        creds: Credentials,
        bind: SocketAddr,
    ) -> Result<Endpoint> {
        let listener = TcpListener::bind(bind)
            .map_err(|e| Error::new(format!("cannot listen on {bind}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::new(format!("cannot listen on {bind}: {e}")))?;
        let token = random_token()?;
        let (events, inbox) = mpsc::channel();
        let (tx, want) = (events.clone(), token.clone());
        std::thread::spawn(move || accept_loop(listener, &want, &tx));
        crate::debug!("credential endpoint listening on {addr}");
        Ok(Endpoint {
            addr,
            token,
            source,
            current: Some(creds),
            failure: None,
            retry_at: 0,
            events,
            inbox,
        })
    }

    /// The value for `AWS_CONTAINER_CREDENTIALS_FULL_URI` (loopback when listening on all
    /// addresses: the SDKs accept nothing else over http).
    pub(crate) fn url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr {
                SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
            });
        }
        format!("http://{addr}/")
    }

    /// The value for `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    pub(crate) fn source(&self) -> &dyn Source {
        self.source.as_ref()
    }

    /// Where signal handlers and child watchers send their events.
    pub(crate) fn events(&self) -> Sender<Event> {
        self.events.clone()
    }

    /// Answers requests (and refreshes ahead of expiry) until another event arrives.
    pub(crate) fn serve(&mut self) -> Event {
        loop {
            match self.inbox.recv_timeout(TICK) {
                Ok(Event::Request(reply)) => {
                    let _ = reply.send(self.answer());
                }
                Ok(other) => return other,
                Err(RecvTimeoutError::Timeout) => {
                    if !self.fresh() {
                        self.refresh();
                    }
                }
                // We hold a sender ourselves, so the channel never closes.
                Err(RecvTimeoutError::Disconnected) => unreachable!(),
            }
        }
    }

    fn fresh(&self) -> bool {
        self.current.as_ref().is_some_and(|c| {
            c.expiration
                .is_none_or(|e| e - timefmt::now() >= MARGIN_SECS)
        })
    }

    /// Fetches through the source (its cache first) unless a failure said to wait.
    fn refresh(&mut self) {
        let now = timefmt::now();
        if now < self.retry_at {
            return;
        }
        match self.source.get(OnDemand::Fail) {
            Ok(c) => {
                crate::debug!(
                    "endpoint credentials {} until {}",
                    c.access_key_id,
                    c.expiration.map_or("never".into(), timefmt::format_utc)
                );
                if self.failure.take().is_some() {
                    eprintln!("sso-env: credentials for {} refreshed", self.source.name());
                }
                self.current = Some(c);
            }
            Err(e) => {
                if self.failure.is_none() {
                    eprintln!(
                        "sso-env: warning: cannot refresh the credentials of the endpoint: {e}"
                    );
                }
                self.failure = Some(e.to_string());
                self.retry_at = now + RETRY_SECS;
            }
        }
    }

    /// Credentials with at least the margin left, else the current ones while they still have
    /// a minute (a refresh failed), else why not.
    fn answer(&mut self) -> Answer {
        if !self.fresh() {
            self.refresh();
        }
        let now = timefmt::now();
        match &self.current {
            Some(c) if c.expiration.is_none_or(|e| e - now > 60) => {
                Ok((c.clone(), self.source.identity().account_id))
            }
            _ => Err(self
                .failure
                .clone()
                .unwrap_or_else(|| "no credentials".into())),
        }
    }
}

fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| Error::new(format!("cannot get random bytes from the OS: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn accept_loop(listener: TcpListener, token: &str, events: &Sender<Event>) {
    let busy = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if busy.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            crate::debug!("endpoint: too many connections; one dropped");
            continue;
        }
        busy.fetch_add(1, Ordering::SeqCst);
        let (busy, token, events) = (busy.clone(), token.to_string(), events.clone());
        std::thread::spawn(move || {
            handle(stream, &token, &events);
            busy.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// One exchange: 401 without a token, 403 with a wrong one, 404/405 for other requests, 200
/// with the credentials, 500 with the reason when there are none.
fn handle(mut stream: TcpStream, token: &str, events: &Sender<Event>) {
    let peer = stream
        .peer_addr()
        .map_or("unknown".into(), |a| a.to_string());
    let Some(req) = http::read_request(&stream) else {
        crate::debug!("endpoint: malformed or incomplete request from {peer}");
        return http::refuse(&mut stream, "400 Bad Request", &message("bad request"));
    };
    let refused = match &req.authorization {
        None => Some(("401 Unauthorized", "missing Authorization header")),
        Some(a) if !same(a.as_bytes(), token.as_bytes()) => {
            Some(("403 Forbidden", "wrong authorization token"))
        }
        Some(_) => None,
    };
    if let Some((status, why)) = refused {
        crate::debug!("endpoint: {why} from {peer} ({} {})", req.method, req.path);
        return http::respond(&mut stream, status, &message(why));
    }
    if req.path != "/" {
        return http::respond(&mut stream, "404 Not Found", &message("not found"));
    }
    if req.method != "GET" {
        return http::respond(&mut stream, "405 Method Not Allowed", &message("use GET"));
    }
    let (reply, answer) = mpsc::channel();
    let answer = events
        .send(Event::Request(reply))
        .ok()
        .and_then(|()| answer.recv_timeout(Duration::from_secs(60)).ok());
    match answer {
        Some(Ok((c, account))) => http::respond(&mut stream, "200 OK", &body(&c, account)),
        Some(Err(why)) => http::respond(&mut stream, "500 Internal Server Error", &message(&why)),
        None => http::respond(&mut stream, "503 Service Unavailable", &message("busy")),
    }
}

/// Equal in time independent of where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn message(text: &str) -> String {
    json!({ "message": text }).to_string()
}

/// The ECS answer. `Token` is always present (botocore reads it unconditionally); empty for
/// keys without a session token, which botocore then does not send.
fn body(c: &Credentials, account: Option<String>) -> String {
    let expiration = c
        .expiration
        .unwrap_or_else(|| timefmt::now() + STATIC_KEYS_TTL_SECS);
    let mut v = json!({
        "AccessKeyId": c.access_key_id,
        "SecretAccessKey": c.secret_access_key,
        "Token": c.session_token.as_deref().unwrap_or(""),
        "Expiration": timefmt::format_utc(expiration),
    });
    if let Some(account) = account {
        v["AccountId"] = json!(account);
    }
    v.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
        assert!(!same(b"", b"a"));
        let t = random_token().unwrap();
        assert_eq!(t.len(), 64);
        assert_ne!(t, random_token().unwrap());
    }
}
