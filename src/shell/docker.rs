//! `docker-env`: a file for `docker run --env-file` (and `podman`, `docker compose`'s
//! `env_file` with `format: raw`). docker reads `NAME=value` with the value taken literally to
//! the end of the line (quotes stay quotes), so values are written as they are; one it cannot
//! carry (a line break; whitespace at either end, which readers trim) is refused. Removals
//! cannot be expressed and are left out.

use super::{refuse_nul, Refusal, Shell};

pub struct DockerEnv;

impl Shell for DockerEnv {
    fn name(&self) -> &'static str {
        "docker-env"
    }

    fn literal(&self, value: &str) -> Result<String, Refusal> {
        refuse_nul(value)?;
        if value.contains(['\n', '\r']) {
            return Err(Refusal(
                "it contains a line break, which an env file cannot hold".into(),
            ));
        }
        if value.trim() != value {
            return Err(Refusal(
                "it starts or ends with whitespace, which env-file readers trim".into(),
            ));
        }
        Ok(value.to_string())
    }

    fn set(&self, name: &str, value: &str) -> Result<String, Refusal> {
        Ok(format!("{name}={}", self.literal(value)?))
    }

    fn unset(&self, _name: &str) -> String {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_or_refused() {
        assert_eq!(DockerEnv.set("A", "it's \"$x\"").unwrap(), "A=it's \"$x\"");
        assert!(DockerEnv.set("A", "a\nb").is_err());
        assert!(DockerEnv.set("A", " a").is_err());
        assert!(DockerEnv.set("A", "a\t").is_err());
    }
}
