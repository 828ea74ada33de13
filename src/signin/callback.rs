//! The one-shot loopback listener that receives the browser's redirect after sign-in: only
//! `/oauth/callback` with our `state` is accepted; an `error` callback is refused.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::term::spinner::Waiting;
use crate::url;

/// How long the browser flow waits for the redirect, as the AWS CLI does.
const CALLBACK_TIMEOUT: Duration = Duration::from_secs(600);

/// Serves the redirect back from the sign-in page: returns the code once a request to
/// `/oauth/callback` carries one with our `state`.
pub(super) fn wait_for_callback(listener: &TcpListener, state: &str) -> Result<String> {
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::new(format!("cannot wait for the sign-in: {e}")))?;
    let deadline = Instant::now() + CALLBACK_TIMEOUT;
    let mut wait = Waiting::new("waiting for the browser");
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Some(result) = answer_callback(stream, state) {
                    wait.done();
                    return result;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                wait.sleep(Duration::from_millis(100), deadline)
            }
            Err(e) => {
                wait.done();
                return Err(Error::new(format!(
                    "cannot accept the sign-in redirect: {e}"
                )));
            }
        }
        if Instant::now() >= deadline {
            wait.done();
            return Err(Error::new("no sign-in arrived from the browser within 10 minutes; run sso-env login again (or with --device-code)"));
        }
    }
}

/// Handles one connection; `None` when it was not the callback (a favicon, a probe).
fn answer_callback(mut stream: TcpStream, state: &str) -> Option<Result<String>> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line).ok()?;
    let target = line.split_whitespace().nth(1)?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/oauth/callback" {
        let _ = respond(&mut stream, "404 Not Found", "Not found.");
        return None;
    }
    let params: Vec<(String, String)> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (url::decode(k), url::decode(v)))
        .collect();
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    if let Some(err) = get("error") {
        let _ = respond(
            &mut stream,
            "200 OK",
            "Sign-in failed. You can close this tab and return to the terminal.",
        );
        let detail = get("error_description")
            .map(|d| format!(" ({})", crate::error::one_line(d)))
            .unwrap_or_default();
        return Some(Err(Error::new(format!(
            "Identity Center did not sign you in: {}{detail}; run sso-env login to try again",
            crate::error::one_line(err)
        ))));
    }
    match (get("code"), get("state")) {
        (Some(code), Some(s)) if s == state => {
            let _ = respond(&mut stream, "200 OK", "Signed in to AWS IAM Identity Center. You can close this tab and return to the terminal.");
            Some(Ok(code.to_string()))
        }
        (Some(_), _) => {
            let _ = respond(
                &mut stream,
                "400 Bad Request",
                "This sign-in did not come from the request sso-env made; it was refused.",
            );
            Some(Err(Error::new("the sign-in redirect carried the wrong state (not the request sso-env made), so it was refused; run sso-env login again")))
        }
        _ => {
            let _ = respond(
                &mut stream,
                "400 Bad Request",
                "No sign-in code in this request.",
            );
            None
        }
    }
}

fn respond(stream: &mut TcpStream, status: &str, text: &str) -> std::io::Result<()> {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>sso-env</title></head><body style=\"font-family:sans-serif;margin:4em\"><p>{text}</p></body></html>"
    );
    write!(stream, "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())?;
    stream.flush()
}
