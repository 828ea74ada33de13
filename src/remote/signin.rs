//! The AWS Sign-In service's `CreateOAuth2Token` (rest-json, `POST /v1/token`, unsigned), the
//! refresh of an `aws login` session: the refresh token and a DPoP proof (RFC 9449) signed with
//! the session's P-256 key, as botocore's `_build_dpop_header` builds it. The regional endpoint
//! `https://REGION.signin.aws.amazon.com` (`.amazonaws.cn`, `.amazonaws-us-gov.com` in those
//! partitions); `AWS_ENDPOINT_URL_SIGNIN` or `AWS_ENDPOINT_URL` redirect it.

use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use p256::ecdsa::{signature::Signer, Signature, SigningKey};
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::keys::Credentials;
use crate::remote::sdk;
use crate::timefmt;

/// What a refresh gave: 15-minute keys and the rotated refresh token.
pub(crate) struct Refreshed {
    pub credentials: Credentials,
    pub refresh_token: String,
}

/// Why the service said no: its OAuth error (`TOKEN_EXPIRED`, `USER_CREDENTIALS_CHANGED`,
/// `INSUFFICIENT_PERMISSIONS`, ...) when it gave one, and the story in words.
pub(crate) struct SigninError {
    pub error: Option<String>,
    pub detail: String,
}

impl From<Error> for SigninError {
    fn from(e: Error) -> SigninError {
        SigninError {
            error: None,
            detail: e.to_string(),
        }
    }
}

/// The service's base URL for `region`.
pub(crate) fn endpoint(region: &str) -> String {
    for var in ["AWS_ENDPOINT_URL_SIGNIN", "AWS_ENDPOINT_URL"] {
        if let Ok(v) = std::env::var(var) {
            if !v.is_empty() {
                return v.trim_end_matches('/').to_string();
            }
        }
    }
    let domain = if region.starts_with("cn-") {
        "signin.amazonaws.cn"
    } else if region.starts_with("us-gov-") {
        "signin.amazonaws-us-gov.com"
    } else {
        "signin.aws.amazon.com"
    };
    format!("https://{region}.{domain}")
}

/// A DPoP proof for `POST url`: `typ dpop+jwt`, `alg ES256`, the public key as a JWK; `htm`,
/// `htu`, `iat`, a random `jti`; the signature as the 64-byte `r || s`.
pub(crate) fn dpop_proof(key: &SigningKey, url: &str, iat: i64) -> Result<String> {
    let point = key.verifying_key().to_encoded_point(false);
    let (Some(x), Some(y)) = (point.x(), point.y()) else {
        return Err(Error::new("the login session's key has no public point"));
    };
    let header = json!({
        "typ": "dpop+jwt",
        "alg": "ES256",
        "jwk": {"kty": "EC", "x": B64.encode(x), "y": B64.encode(y), "crv": "P-256"},
    });
    let payload = json!({"htm": "POST", "htu": url, "iat": iat, "jti": uuid4()?});
    let input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(payload.to_string())
    );
    let sig: Signature = key.sign(input.as_bytes());
    Ok(format!("{input}.{}", B64.encode(sig.to_bytes())))
}

/// A random (version 4) UUID, as Python's `uuid.uuid4()` prints it.
fn uuid4() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b)
        .map_err(|e| Error::new(format!("no randomness from the OS: {e}")))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    ))
}

/// `CreateOAuth2Token` with `grantType = refresh_token`.
pub(crate) fn refresh(
    region: &str,
    client_id: &str,
    refresh_token: &str,
    key: &SigningKey,
) -> std::result::Result<Refreshed, SigninError> {
    let url = format!("{}/v1/token", endpoint(region));
    let body =
        json!({"clientId": client_id, "refreshToken": refresh_token, "grantType": "refresh_token"})
            .to_string();
    let dpop = dpop_proof(key, &url, timefmt::now())?;
    let len = body.len();
    let mut req = HttpRequest::new(SdkBody::from(body));
    req.set_uri(url.as_str())
        .map_err(|e| Error::new(format!("bad URL {url}: {e}")))?;
    req.set_method("POST")
        .map_err(|e| Error::new(e.to_string()))?;
    req.headers_mut().insert("content-type", "application/json");
    req.headers_mut().insert("content-length", len.to_string());
    req.headers_mut().insert("dpop", dpop);
    let answer = sdk::block_on(sdk::send(&url, req))??;
    let v: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
    if answer.status != 200 {
        let error = v.get("error").and_then(Value::as_str).map(String::from);
        let message = v
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("no message");
        return Err(SigninError {
            detail: format!(
                "{url} answered HTTP {} ({}): {message}",
                answer.status,
                error.as_deref().unwrap_or("no error code")
            ),
            error,
        });
    }
    parse(&v, timefmt::now()).ok_or_else(|| {
        SigninError::from(Error::new(format!(
            "{url} answered without credentials and a refresh token"
        )))
    })
}

fn parse(v: &Value, now: i64) -> Option<Refreshed> {
    let t = v.get("accessToken")?;
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(String::from);
    Some(Refreshed {
        credentials: Credentials {
            access_key_id: s(t, "accessKeyId")?,
            secret_access_key: s(t, "secretAccessKey")?,
            session_token: Some(s(t, "sessionToken")?),
            expiration: Some(now + v.get("expiresIn")?.as_i64()?),
        },
        refresh_token: s(v, "refreshToken")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::{signature::Verifier, VerifyingKey};

    #[test]
    fn dpop_proofs_verify_with_their_own_jwk() {
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let proof = dpop_proof(&key, "https://x/v1/token", 1_700_000_000).unwrap();
        let parts: Vec<&str> = proof.split('.').collect();
        let header: Value = serde_json::from_slice(&B64.decode(parts[0]).unwrap()).unwrap();
        let payload: Value = serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(payload["htu"], "https://x/v1/token");
        assert_eq!(payload["jti"].as_str().unwrap().len(), 36);
        let mut sec1 = vec![4u8];
        for c in ["x", "y"] {
            sec1.extend(B64.decode(header["jwk"][c].as_str().unwrap()).unwrap());
        }
        let vk = VerifyingKey::from_sec1_bytes(&sec1).unwrap();
        let sig = Signature::from_slice(&B64.decode(parts[2]).unwrap()).unwrap();
        vk.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
            .unwrap();
    }
}
