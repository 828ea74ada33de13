//! The Rust SDK's default credential chain under `exec --server`: the child is this test
//! binary itself, running the ignored helper below, which resolves credentials exactly as an
//! SDK client in the command would (environment, profile, web identity, then the container
//! endpoint) and prints what it got.
#![cfg(unix)]

use crate::support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::provider_config::ProviderConfig;
use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};

fn child_resolves_with_the_rust_sdk() {
    let client = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let conf = ProviderConfig::without_region().with_http_client(client);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let creds = rt
        .block_on(async {
            let chain = DefaultCredentialsChain::builder()
                .configure(conf)
                .build()
                .await;
            chain.provide_credentials().await
        })
        .expect("the SDK resolves credentials");
    let expiry = creds
        .expiry()
        .map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs())
        .unwrap_or(0);
    println!("CREDS {} {expiry}", creds.access_key_id());
}

fn the_rust_sdk_gets_its_credentials_from_the_endpoint() {
    let sb = support::Sandbox::new();
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    let out = sb
        .command(&["exec", "--server", "koa-dev-customer", "--"])
        .arg(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "server_sdk::child_resolves_with_the_rust_sdk",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("AWS_ACCESS_KEY_ID", "AKIASTALEOUTER")
        .env("AWS_SECRET_ACCESS_KEY", "stale")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("CREDS ").map(|(_, rest)| rest))
        .unwrap_or_else(|| panic!("no CREDS line: {stdout}"));
    let (key, expiry) = line.split_once(' ').unwrap();
    let issued = sb.server.issued_credentials();
    assert_eq!(key, issued[0].access_key_id);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expiry: u64 = expiry.parse().unwrap();
    assert_eq!(expiry, issued[0].expiration_ms / 1000, "the expiry travels");
    assert!(expiry > now + 15 * 60);
}

crate::tests![
    child_resolves_with_the_rust_sdk = ignored,
    the_rust_sdk_gets_its_credentials_from_the_endpoint,
];
