//! Just enough HTTP/1.1 for the credential endpoint: read one request head (bounded in size and
//! time), answer with a JSON body, close. SDKs send a bare `GET` with an `Authorization` header
//! and read `Content-Length` bodies; nothing else is needed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A request head larger than this is refused: the SDKs send a few hundred bytes.
const MAX_HEAD: u64 = 16 * 1024;
/// A client that has not sent its request head by then is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The parts of a request the endpoint looks at.
pub(super) struct Request {
    pub method: String,
    pub path: String,
    /// The `Authorization` header, when there is exactly one.
    pub authorization: Option<String>,
}

/// Reads one request head; `None` for anything that is not a well-formed one in time.
pub(super) fn read_request(stream: &TcpStream) -> Option<Request> {
    stream.set_read_timeout(Some(READ_TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(READ_TIMEOUT)).ok()?;
    let mut reader = BufReader::new(stream.take(MAX_HEAD));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    let path = target.split('?').next().unwrap_or(target).to_string();
    let mut authorization = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || !header.ends_with('\n') {
            return None; // closed, or over the size limit, before the blank line
        }
        let header = header.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        if name.trim().eq_ignore_ascii_case("authorization") {
            authorization.push(value.trim().to_string());
        }
    }
    Some(Request {
        method: method.to_string(),
        path,
        authorization: (authorization.len() == 1).then(|| authorization.remove(0)),
    })
}

/// Answers a request that was not read to its end, then reads (a bounded amount of) what the
/// client is still sending: closing with unread data would reset the connection and the
/// client could lose the answer.
pub(super) fn refuse(stream: &mut TcpStream, status: &str, body: &str) {
    respond(stream, status, body);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = std::io::copy(&mut stream.take(1 << 20), &mut std::io::sink());
}

/// Writes a complete answer and closes the exchange.
pub(super) fn respond(stream: &mut TcpStream, status: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .and_then(|()| stream.flush());
}
