//! `--format env-no-export` (the AWS CLI's name: assignments without `export`) and
//! `--format docker-env` (a file for `docker run --env-file`), read back by their real readers.

use crate::support;
use crate::support::shells;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use shells::HOSTILE;
use support::{fails_cleanly, Sandbox};

fn signed_in() -> Sandbox {
    let sb = Sandbox::new();
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    sb
}

fn export(sb: &Sandbox, format: &str, region: &str) -> std::process::Output {
    sb.command(&[
        "export",
        "koa-dev-customer",
        "--format",
        format,
        &format!("--region={region}"),
    ])
    .output()
    .unwrap()
}

/// Sourced by bash, zsh and dash: the shell has the values, its children do not (no export),
/// and `set -a` exports them.
fn env_no_export_sets_shell_variables_only() {
    let sb = signed_in();
    let key = {
        let json = sb.ok(&["export", "koa-dev-customer", "--format", "json"]);
        support::parse_json_vars(&json)["AWS_ACCESS_KEY_ID"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let file = sb.home().join("vars.sh");
    let script = r#"eval "$(cat "$1")"
printf '%s' "$AWS_REGION" > "$2"
printf '%s' "$AWS_ACCESS_KEY_ID" > "$2.key"
env | grep -q '^AWS_ACCESS_KEY_ID=' && echo exported-plain
set -a; eval "$(cat "$1")"; set +a
env | grep -q '^AWS_ACCESS_KEY_ID=' && echo exported-with-set-a
true"#;
    for shell in ["bash", "zsh", "dash"] {
        shells::require(shell);
        for region in HOSTILE.iter().filter(|v| !v.contains('\0')) {
            let out = export(&sb, "env-no-export", region);
            assert!(out.status.success(), "{region:?}");
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(!text.contains("export "), "{text}");
            std::fs::write(&file, &text).unwrap();
            let got = sb.home().join("got");
            let mut cmd = std::process::Command::new(shell);
            sb.clean_env(&mut cmd);
            let run = cmd
                .args(["-c", script, shell])
                .arg(&file)
                .arg(&got)
                .output()
                .unwrap();
            let said = String::from_utf8_lossy(&run.stdout);
            assert_eq!(said.trim(), "exported-with-set-a", "{shell} {region:?}");
            assert_eq!(std::fs::read_to_string(&got).unwrap(), *region, "{shell}");
            let got_key = std::fs::read_to_string(got.with_extension("key")).unwrap();
            assert_eq!(got_key, key, "{shell}");
            assert!(!sb.home().join("pwned").exists(), "{shell} ran {region:?}");
        }
    }
}

/// A stand-in for the Docker daemon: answers `_ping`, records the body of the first
/// `containers/create` and refuses it, so that `docker run` stops there.
fn fake_daemon() -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let (status, reply) = if request.contains("/containers/create") {
                let _ = tx.send(String::from_utf8_lossy(&body).into_owned());
                (
                    "500 Internal Server Error",
                    r#"{"message":"stand-in stops here"}"#,
                )
            } else if request.contains("/_ping") {
                ("200 OK", "OK")
            } else {
                ("404 Not Found", r#"{"message":"not here"}"#)
            };
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    (format!("tcp://{addr}"), rx)
}

/// The docker client reads the file back: every value it can carry arrives byte for byte;
/// the others are refused.
fn docker_env_reads_back_in_docker_run() {
    support::require("docker");
    let sb = signed_in();
    let (host, created) = fake_daemon();
    let file = sb.home().join("aws.env");
    let mut carried = 0;
    for region in HOSTILE {
        let out = export(&sb, "docker-env", region);
        if region.contains(['\n', '\r', '\0']) || region.trim() != *region {
            let line = fails_cleanly(&out, region);
            assert!(
                line.contains("cannot write AWS_REGION for docker-env"),
                "{line}"
            );
            continue;
        }
        assert!(out.status.success(), "{region:?}");
        std::fs::write(&file, &out.stdout).unwrap();
        let mut cmd = std::process::Command::new(crate::support::require("docker"));
        sb.clean_env(&mut cmd);
        let run = cmd
            .env("DOCKER_HOST", &host)
            .env("DOCKER_CONFIG", sb.home().join(".docker"))
            .args(["run", "--rm", "--env-file"])
            .arg(&file)
            .args(["stand-in-image", "true"])
            .output()
            .unwrap();
        let body = created
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| {
                panic!(
                    "docker made no create call: {}",
                    String::from_utf8_lossy(&run.stderr)
                )
            });
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        let env: Vec<&str> = body["Env"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(
            env.contains(&format!("AWS_REGION={region}").as_str()),
            "{region:?}: {env:?}"
        );
        assert!(env.iter().any(|e| e.starts_with("AWS_SESSION_TOKEN=")));
        carried += 1;
    }
    assert!(carried > HOSTILE.len() / 2, "only {carried} values carried");
}

/// README's cmd.exe recipe: `for /f` applies each line export prints, and no file is left
/// behind. Run in a batch file under wine (hence `%%L`). The lines come from `type` of what the
/// real binary printed: wine's cmd does not reliably wait for a Linux child, and on Windows the
/// producer is sso-env.exe itself; the part under test is how cmd applies the lines.
fn cmd_for_f_recipe_sets_the_credentials() {
    shells::require("cmd");
    let sb = signed_in();
    // export keeps the user's region: a value with cmd's special characters.
    let region = "a&b|c<d>e^(f)";
    let out = sb
        .command(&["export", "koa-dev-customer", "--format", "cmd"])
        .env("AWS_REGION", region)
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines = sb.home().join("export.txt");
    std::fs::write(&lines, &out.stdout).unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let key = text
        .lines()
        .find_map(|l| {
            l.trim_start_matches('@')
                .strip_prefix("set \"AWS_ACCESS_KEY_ID=")
        })
        .unwrap()
        .trim_end_matches('"');
    let win = |p: &std::path::Path| format!("Z:{}", p.display()).replace('/', "\\");
    let script = format!(
        "@echo off\r\nfor /f \"tokens=1* delims= \" %%K in ('type {}') do @set %%L\r\n",
        win(&lines)
    );
    let ev = shells::eval_cmd(script.as_bytes(), &[("AWS_SECURITY_TOKEN", "stale")]);
    assert_eq!(
        ev.get_lossy("AWS_ACCESS_KEY_ID").as_deref(),
        Some(key),
        "{}",
        ev.describe()
    );
    assert_eq!(ev.get_lossy("AWS_REGION").as_deref(), Some(region));
    assert_eq!(
        ev.get_lossy("AWS_PROFILE").as_deref(),
        Some("koa-dev-customer")
    );
    assert_eq!(
        ev.get_lossy("AWS_SECURITY_TOKEN"),
        None,
        "{}",
        ev.describe()
    );
}

crate::tests![
    env_no_export_sets_shell_variables_only,
    docker_env_reads_back_in_docker_run,
    cmd_for_f_recipe_sets_the_credentials,
];
