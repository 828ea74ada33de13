//! Corporate networks: every request of `login`, a cold `export`, `discover` and `console` goes
//! through the proxy the environment names (a logging proxy on loopback, written here: plain
//! forwarding for http://, CONNECT for https://), `NO_PROXY` bypasses it, the proxy's
//! password never shows, and a refusing proxy or a failing TLS check is named in one line.

use crate::support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::Sandbox;

const HOUR: Duration = Duration::from_secs(3600);
const PASSWORD: &str = "pr0xy-s3cret";

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Forward,
    Refuse,
}

/// What the proxy saw: the request line, and whether it carried Proxy-Authorization.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    authorized: bool,
}

struct Proxy {
    port: u16,
    log: Arc<Mutex<Vec<Seen>>>,
}

impl Proxy {
    fn start(mode: Mode) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let l = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let l = l.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, mode, &l);
                });
            }
        });
        Proxy { port, log }
    }

    /// The proxy URL with a user and password, as users put them in HTTPS_PROXY.
    fn url(&self) -> String {
        format!("http://alice:{PASSWORD}@127.0.0.1:{}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }
}

/// One request per connection: CONNECT tunnels both ways; anything else is forwarded to the
/// origin in its absolute-form target and answered with `Connection: close`.
fn serve(stream: TcpStream, mode: Mode, log: &Mutex<Vec<Seen>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = Vec::new();
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            content_length = v.trim().parse().unwrap_or(0);
        }
        let end = line == "\r\n";
        head.push(line);
        if end {
            break;
        }
    }
    let mut parts = head[0].split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or("").to_string(),
        parts.next().unwrap_or("").to_string(),
    );
    let authorized = head.iter().any(|h| {
        h.to_ascii_lowercase()
            .starts_with("proxy-authorization: basic")
    });
    log.lock().unwrap().push(Seen {
        method: method.clone(),
        target: target.clone(),
        authorized,
    });
    let mut client = stream;
    if mode == Mode::Refuse {
        return client.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }
    if method == "CONNECT" {
        let upstream = TcpStream::connect(&target)?;
        client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
        let (mut up_r, mut up_w) = (upstream.try_clone()?, upstream);
        let mut down_w = client.try_clone()?;
        std::thread::spawn(move || std::io::copy(&mut up_r, &mut down_w));
        std::io::copy(&mut reader, &mut up_w)?;
        return Ok(());
    }
    let mut body = vec![0u8; content_length];
    reader.read_exact(&mut body)?;
    let rest = target
        .strip_prefix("http://")
        .expect("absolute-form target");
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, String::from("/")), |(a, p)| (a, format!("/{p}")));
    let mut upstream = TcpStream::connect(authority)?;
    let mut out = format!("{method} {path} HTTP/1.1\r\n");
    for h in &head[1..head.len() - 1] {
        let lower = h.to_ascii_lowercase();
        if !lower.starts_with("proxy-") && !lower.starts_with("connection:") {
            out.push_str(h);
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    upstream.write_all(out.as_bytes())?;
    upstream.write_all(&body)?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer)?;
    let split = answer.windows(2).position(|w| w == b"\r\n").unwrap_or(0);
    client.write_all(&answer[..split + 2])?;
    client.write_all(b"Connection: close\r\n")?;
    client.write_all(&answer[split + 2..])?;
    Ok(())
}

/// Runs sso-env with the proxy settings; returns (success, stdout, stderr).
fn run(sb: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut cmd = sb.command(args);
    cmd.env("SSO_ENV_FEDERATION_ENDPOINT", sb.server.url())
        .env("SSO_ENV_LOG", "debug");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains(PASSWORD),
        "the proxy password leaked: {stderr}"
    );
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    )
}

/// login (device code), a cold export, discover and console, as a new employee's first hour.
fn first_hour(sb: &Sandbox, env: &[(&str, &str)]) {
    let vanity = format!("{}/vanity-start", sb.server.url());
    for args in [
        &["configure", "--start-url", &vanity, "--session", "corp"][..],
        &["login", "--profile", "legacy-style", "--no-browser"],
        &["export", "legacy-style", "--format", "json"],
        &["discover", "--sso-session", "koa"],
        &["console", "koa-dev-customer", "--print"],
    ] {
        let (ok, _, err) = run(sb, args, env);
        assert!(ok, "{args:?}: {err}");
    }
}

fn every_request_goes_through_the_proxy_and_no_proxy_bypasses_it() {
    let sb = Sandbox::new();
    sb.seed_token("koa", 8 * HOUR);
    let proxy = Proxy::start(Mode::Forward);
    let url = proxy.url();
    // Lower-case, as many corporate images set it.
    first_hour(&sb, &[("http_proxy", &url), ("HTTPS_PROXY", &url)]);
    let origin = sb.server.url();
    let through: Vec<String> = proxy.seen().iter().map(|s| s.target.clone()).collect();
    let served = sb.server.requests();
    assert!(
        served.len() >= 7,
        "login, export, discover and console called the stand-in: {served:?}"
    );
    for ops in [
        "RegisterClient",
        "StartDeviceAuthorization",
        "CreateToken",
        "GetRoleCredentials",
        "ListAccounts",
        "ListAccountRoles",
        "GetSigninToken",
    ] {
        assert!(served.iter().any(|r| r.op == ops), "{ops} was called");
    }
    for r in &served {
        let want = format!("{origin}{}", r.path);
        assert!(
            through.iter().any(|t| t.starts_with(&want)),
            "{} {} went around the proxy; the proxy saw {through:?}",
            r.method,
            r.path
        );
    }
    assert_eq!(
        through.len(),
        served.len(),
        "one proxied request per request served"
    );
    assert!(
        proxy.seen().iter().all(|s| s.authorized),
        "the proxy's user and password were sent"
    );

    // NO_PROXY: the same hour, straight to the stand-in.
    let sb2 = Sandbox::new();
    sb2.seed_token("koa", 8 * HOUR);
    let before = proxy.seen().len();
    first_hour(
        &sb2,
        &[
            ("HTTP_PROXY", &url),
            ("HTTPS_PROXY", &url),
            ("NO_PROXY", "localhost,127.0.0.1"),
        ],
    );
    assert_eq!(proxy.seen().len(), before, "NO_PROXY bypasses the proxy");
    assert!(sb2.server.requests().len() >= 7);
}

fn a_refusing_proxy_and_a_failing_tls_check_are_named() {
    let sb = Sandbox::new();
    sb.seed_token(support::START_URL, 8 * HOUR);
    let refusing = Proxy::start(Mode::Refuse);
    let (ok, out, err) = run(
        &sb,
        &["export", "legacy-style"],
        &[("HTTP_PROXY", &refusing.url())],
    );
    assert!(!ok && out.is_empty());
    let line = err.lines().last().unwrap();
    let shown = format!("http://***@127.0.0.1:{}", refusing.port);
    assert!(
        line.contains(&format!("the proxy {shown} refused"))
            && line.contains("407")
            && line.contains("check HTTP_PROXY"),
        "{line}"
    );
    assert_eq!(sb.server.count("GetRoleCredentials"), 0);

    // https:// through the proxy is a CONNECT tunnel; the stand-in speaks plain HTTP, so the
    // TLS handshake inside fails and the message says what to set.
    let tunnel = Proxy::start(Mode::Forward);
    let https_origin = sb.server.url().replace("http://", "https://");
    let (ok, _, err) = run(
        &sb,
        &["export", "legacy-style"],
        &[
            ("HTTPS_PROXY", &tunnel.url()),
            ("AWS_ENDPOINT_URL_SSO", &https_origin),
        ],
    );
    assert!(!ok);
    let seen = tunnel.seen();
    assert_eq!(seen[0].method, "CONNECT", "{seen:?}");
    assert_eq!(seen[0].target, https_origin.trim_start_matches("https://"));
    let line = err.lines().last().unwrap();
    assert!(
        line.contains("TLS")
            && line.contains(&format!(
                "through the proxy http://***@127.0.0.1:{}",
                tunnel.port
            ))
            && line.contains("ca_bundle")
            && line.contains("AWS_CA_BUNDLE"),
        "{line}"
    );
}

/// A private CA and a certificate it signed for 127.0.0.1, made with openssl in `dir`;
/// returns (ca.pem, leaf.pem, leaf.key), or None when openssl is missing.
fn private_ca(
    dir: &std::path::Path,
) -> Option<(std::path::PathBuf, std::path::PathBuf, std::path::PathBuf)> {
    let ossl = |args: &[&str]| {
        std::process::Command::new(crate::support::require("openssl"))
            .args(args)
            .current_dir(dir)
            .output()
            .map(|o| {
                assert!(
                    o.status.success(),
                    "openssl {args:?}: {}",
                    String::from_utf8_lossy(&o.stderr)
                )
            })
    };
    ossl(&["version"]).ok()?;
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    for args in [
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Koa Corp TLS Inspection",
        ][..],
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    ] {
        ossl(args).ok()?;
    }
    Some((
        dir.join("ca.pem"),
        dir.join("leaf.pem"),
        dir.join("leaf.key"),
    ))
}

/// Kills the TLS front when the test ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn the_profiles_ca_bundle_is_the_one_trusted() {
    let sb = Sandbox::new();
    sb.seed_token(support::START_URL, 8 * HOUR);
    support::require("openssl");
    let (ca, leaf, key) = private_ca(sb.home()).expect("openssl makes a private CA");
    // Identity Center behind a TLS-inspecting middlebox whose CA only the company trusts.
    let script =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/tls_front.py");
    let mut front = crate::support::python_command()
        .arg(&script)
        .args([&leaf, &key])
        .arg(sb.server.addr().port().to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut port = String::new();
    BufReader::new(front.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let _front = Child(front);
    let https = format!("https://127.0.0.1:{}", port.trim());
    let export = |extra: &[(&str, &std::ffi::OsStr)]| {
        let mut cmd = sb.command(&["export", "legacy-style", "--format", "json"]);
        cmd.env("AWS_ENDPOINT_URL_SSO", &https);
        for (k, v) in extra {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    // Untrusted: the TLS failure is named with what to set.
    let line = support::fails_cleanly(&export(&[]), "untrusted");
    assert!(
        line.contains(&format!("TLS to {https}"))
            && line.contains("ca_bundle")
            && line.contains("AWS_CA_BUNDLE"),
        "{line}"
    );
    // The profile's ca_bundle makes it trusted.
    sb.write_config(&format!(
        "{}ca_bundle = {}\n",
        support::CONFIG,
        ca.display()
    ));
    let out = export(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let vars = support::parse_json_vars(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(
        vars["AWS_ACCESS_KEY_ID"],
        sb.server.issued_credentials()[0].access_key_id.as_str()
    );
    // AWS_CA_BUNDLE wins over the profile's, as in botocore: one without the company CA fails.
    std::fs::remove_dir_all(sb.role_cache_dir()).unwrap();
    let line = support::fails_cleanly(
        &export(&[("AWS_CA_BUNDLE", leaf.as_os_str())]),
        "AWS_CA_BUNDLE",
    );
    assert!(
        line.contains("TLS to") && line.contains("(now: AWS_CA_BUNDLE)"),
        "{line}"
    );
    // A bundle that is not there is named before any call.
    let out = export(&[("AWS_CA_BUNDLE", sb.home().join("missing.pem").as_os_str())]);
    let line = support::fails_cleanly(&out, "missing bundle");
    assert!(
        line.contains("missing.pem") && line.contains("AWS_CA_BUNDLE"),
        "{line}"
    );
}

crate::tests![
    every_request_goes_through_the_proxy_and_no_proxy_bypasses_it,
    a_refusing_proxy_and_a_failing_tls_check_are_named,
    the_profiles_ca_bundle_is_the_one_trusted,
];
