//! Setting up from nothing with sso-env alone: the config writer (symlinks, CRLF, comments,
//! backups) under `discover --write` and `configure`, `configure` in flag form and as a
//! wizard at a terminal, and botocore reading what was written.

use crate::support;
use crate::support::tmux;

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use support::{python, Sandbox};

const HOUR: Duration = Duration::from_secs(3600);

/// `CONFIG` with CRLF line endings and comments of both kinds.
fn crlf_config() -> String {
    format!(
        "; kept as is\r\n# and this\r\n{}",
        support::CONFIG.replace('\n', "\r\n")
    )
}

/// Moves `~/.aws/config` into a dotfiles folder and links it back, as stow does.
fn link_config(sb: &Sandbox, text: &str) -> std::path::PathBuf {
    let dotfiles = sb.home().join("dotfiles").join("aws");
    std::fs::create_dir_all(&dotfiles).unwrap();
    let target = dotfiles.join("config");
    std::fs::write(&target, text).unwrap();
    std::fs::create_dir_all(sb.home().join(".aws")).unwrap();
    // A relative link, as stow and home-manager make them (Windows: a file symlink).
    #[cfg(unix)]
    std::os::unix::fs::symlink("../dotfiles/aws/config", sb.config_path()).unwrap();
    #[cfg(windows)]
    {
        let made =
            std::os::windows::fs::symlink_file("..\\dotfiles\\aws\\config", sb.config_path());
        let is_link =
            std::fs::symlink_metadata(sb.config_path()).is_ok_and(|m| m.file_type().is_symlink());
        support::skip_unless(
            made.is_ok() && is_link,
            "symlinks",
            "this Windows cannot make a symbolic link (it needs Developer Mode or an \
             administrator; wine 8 has no reparse points)",
        );
    }
    target
}

fn assert_still_linked(sb: &Sandbox, target: &Path) {
    let meta = std::fs::symlink_metadata(sb.config_path()).unwrap();
    assert!(
        meta.file_type().is_symlink(),
        "~/.aws/config is still a link"
    );
    assert_eq!(
        std::fs::read_link(sb.config_path()).unwrap(),
        Path::new("../dotfiles/aws/config")
    );
    assert_eq!(
        std::fs::read(sb.config_path()).unwrap(),
        std::fs::read(target).unwrap()
    );
}

/// botocore lists `names` and fetches credentials for `profile` through the stand-in; returns
/// the access key it got.
fn botocore_resolves(sb: &Sandbox, names: &[&str], profile: &str) -> String {
    let script = format!(
        r#"
import json, botocore.session
s = botocore.session.Session()
names = s.available_profiles
c = botocore.session.Session(profile="{profile}").get_credentials().get_frozen_credentials()
print(json.dumps({{"names": names, "key": c.access_key}}))
"#
    );
    let out = python(sb, &script);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for n in names {
        assert!(
            v["names"].as_array().unwrap().iter().any(|x| x == n),
            "botocore lists {n}: {v}"
        );
    }
    v["key"].as_str().unwrap().to_string()
}

fn discover_write_keeps_a_symlinked_crlf_config_a_symlink() {
    let sb = Sandbox::empty();
    let original = crlf_config();
    let target = link_config(&sb, &original);
    sb.seed_token("koa", 8 * HOUR);
    sb.ok(&["discover", "--sso-session", "koa", "--write"]);
    assert_still_linked(&sb, &target);
    let new = std::fs::read_to_string(&target).unwrap();
    assert!(new.starts_with(&original), "existing bytes kept");
    let added = &new[original.len()..];
    assert!(
        added.contains("[profile koa-dev-ReadOnly]\r\n"),
        "{added:?}"
    );
    assert!(
        !added.replace("\r\n", "").contains('\n'),
        "every new line ends in CRLF: {added:?}"
    );
    let backup = sb.config_path().with_file_name("config.sso-env-backup");
    assert_eq!(std::fs::read_to_string(backup).unwrap(), original);
    let key = botocore_resolves(
        &sb,
        &["koa-dev-ReadOnly", "legacy-style"],
        "koa-dev-ReadOnly",
    );
    assert_eq!(
        key,
        sb.server.issued_credentials().last().unwrap().access_key_id
    );
}

const ONE: [&str; 13] = [
    "configure",
    "--start-url",
    "d-1234567890.awsapps.com/start",
    "--region",
    "eu-west-1",
    "--session",
    "koa",
    "--account",
    "931827427725",
    "--role",
    "idp_customer_access",
    "--profile",
    "koa-dev-customer",
];

fn configure_flags_write_a_session_and_a_profile_from_nothing() {
    let sb = Sandbox::empty();
    let out = sb.run(&ONE);
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("use-profile koa-dev-customer"),
        "says what next: {err}"
    );
    assert!(err.contains("sso-env exec koa-dev-customer"), "{err}");
    let text = std::fs::read_to_string(sb.config_path()).unwrap();
    assert_eq!(
        text,
        "[sso-session koa]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n[profile koa-dev-customer]\nsso_session = koa\nsso_account_id = 931827427725\nsso_role_name = idp_customer_access\nregion = eu-west-1\n"
    );
    // The same again changes nothing and needs no --force; another role under that name does.
    sb.ok(&ONE);
    assert_eq!(std::fs::read_to_string(sb.config_path()).unwrap(), text);
    let mut other = ONE.to_vec();
    other[10] = "ReadOnly";
    let line = sb.fails(&other);
    assert!(
        line.contains("profile 'koa-dev-customer' already in") && line.contains("--force"),
        "{line}"
    );
    assert_eq!(std::fs::read_to_string(sb.config_path()).unwrap(), text);
    other.push("--force");
    sb.ok(&other);
    let text = std::fs::read_to_string(sb.config_path()).unwrap();
    assert!(
        text.contains("sso_role_name = ReadOnly\n") && !text.contains("idp_customer_access"),
        "{text}"
    );
    assert_eq!(
        text.matches("[profile koa-dev-customer]").count(),
        1,
        "{text}"
    );
    sb.seed_token("koa", 8 * HOUR);
    let key = botocore_resolves(&sb, &["koa-dev-customer"], "koa-dev-customer");
    assert_eq!(
        key,
        sb.server.issued_credentials().last().unwrap().access_key_id
    );
}

fn configure_all_adds_every_pair_to_a_symlinked_crlf_config() {
    let sb = Sandbox::empty();
    let original = crlf_config();
    let target = link_config(&sb, &original);
    sb.seed_token("koa", 8 * HOUR);
    let out = sb.run(&[
        "setup",
        "--start-url",
        support::START_URL,
        "--region",
        "eu-west-1",
        "--session",
        "koa",
        "--all",
        "--name-template",
        "{session}-{account_name}-{role_name}",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_still_linked(&sb, &target);
    let new = std::fs::read_to_string(&target).unwrap();
    assert!(new.starts_with(&original), "existing bytes kept");
    let added = &new[original.len()..];
    assert!(
        !added.replace("\r\n", "").contains('\n'),
        "CRLF kept: {added:?}"
    );
    for name in [
        "koa-koa-dev-ReadOnly",
        "koa-koa-dev-idp_customer_access",
        "koa-legacy-ReadOnly",
    ] {
        assert!(
            added.contains(&format!("[profile {name}]\r\n")),
            "{name}: {added:?}"
        );
    }
    assert!(
        !added.contains("[sso-session koa]"),
        "the identical session is left alone"
    );
    let backup = sb.config_path().with_file_name("config.sso-env-backup");
    assert_eq!(std::fs::read_to_string(backup).unwrap(), original);
    let key = botocore_resolves(
        &sb,
        &[
            "koa-koa-dev-ReadOnly",
            "koa-legacy-ReadOnly",
            "koa-dev-customer",
        ],
        "koa-legacy-ReadOnly",
    );
    assert_eq!(
        key,
        sb.server.issued_credentials().last().unwrap().access_key_id
    );
}

fn configure_all_without_a_sign_in_leaves_a_session_to_sign_in_to() {
    let sb = Sandbox::empty();
    let all = [
        "configure",
        "--start-url",
        support::START_URL,
        "--region",
        "eu-west-1",
        "--session",
        "koa",
        "--all",
    ];
    let out = sb.run(&all);
    assert!(!out.status.success() && out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.trim_end()
            .ends_with("run: sso-env login --sso-session koa"),
        "{err}"
    );
    // The hint works, and then the same command finishes the job.
    sb.ok(&[
        "login",
        "--sso-session",
        "koa",
        "--device-code",
        "--no-browser",
    ]);
    sb.ok(&all);
    let text = std::fs::read_to_string(sb.config_path()).unwrap();
    assert_eq!(text.matches("[sso-session koa]").count(), 1, "{text}");
    assert_eq!(text.matches("[profile ").count(), 3, "{text}");
}

fn configure_without_a_terminal_or_flags_says_what_it_needs() {
    let sb = Sandbox::empty();
    let line = sb.fails(&["configure"]);
    assert!(
        line.contains("--start-url") && line.contains("sso-env configure --help"),
        "{line}"
    );
    let line = sb.fails(&[
        "configure",
        "--start-url",
        "http://koa.awsapps.com/start",
        "--region",
        "x",
    ]);
    assert!(line.contains("https"), "{line}");
    let line = sb.fails(&["configure", "--start-url", "koa.awsapps.com/start"]);
    assert!(line.contains("--region"), "{line}");
    assert!(!sb.config_path().exists(), "nothing written");
}

/// An interactive bash in tmux with a clean environment, sso-env on PATH and the fake browser.
fn shell(sb: &Sandbox) -> tmux::Tmux {
    let path = format!(
        "{}:{}",
        support::bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap()
    );
    let browser =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/fake_browser.py");
    let t = tmux::Tmux::start(&format!(
        "cd '{home}' && exec env -i HOME='{home}' PATH='{path}' TERM=xterm-256color LANG=C.UTF-8 AWS_ENDPOINT_URL_SSO='{url}' AWS_ENDPOINT_URL_SSO_OIDC='{url}' BROWSER='python3 {browser} %s' FAKE_BROWSER_LOG='{home}/browser.json' bash --norc --noprofile -i",
        home = sb.home().display(),
        url = sb.server.url(),
        browser = browser.display(),
    ));
    t.line("PS1='$ '");
    t.run("true");
    t
}

fn configure_wizard_from_an_empty_home_to_use_profile() {
    support::require("tmux");
    let sb = Sandbox::empty();
    let t = shell(&sb);
    t.line("sso-env configure");
    t.wait_text("SSO start URL: ");
    t.line("d-1234567890.awsapps.com/start");
    t.wait_text("SSO region [us-east-1]: ");
    t.line("eu-west-1");
    t.wait_text("SSO session name [d-1234567890]: ");
    t.line("koa");
    t.wait_text("SSO registration scopes [sso:account:access]: ");
    t.key("Enter");
    // Signed in through the (fake) browser, then the picker: filter, mark two, Enter.
    t.wait_text("account and role> ");
    t.keys_literal("koa");
    t.wait_text("2/3");
    t.key("Space");
    t.key("Space");
    t.wait_text("2 marked");
    t.key("Enter");
    t.wait_text("Profile names (template) [{account_name}-{role_name}]: ");
    t.key("Enter");
    t.wait_text("Default region of the profiles [eu-west-1]: ");
    t.line("eu-central-1");
    t.wait_text("Default output format [json]: ");
    t.key("Enter");
    t.wait_text("use-profile");
    let text = std::fs::read_to_string(sb.config_path()).unwrap();
    assert!(
        text.starts_with("[sso-session koa]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n"),
        "{text}"
    );
    for (name, role) in [
        ("koa-dev-ReadOnly", "ReadOnly"),
        ("koa-dev-idp_customer_access", "idp_customer_access"),
    ] {
        let want = format!("[profile {name}]\n# koa-dev (931827427725)\nsso_session = koa\nsso_account_id = 931827427725\nsso_role_name = {role}\nregion = eu-central-1\noutput = json\n");
        assert!(text.contains(&want), "{want} in {text}");
    }
    assert!(
        !text.contains("legacy"),
        "unmarked pairs are left out: {text}"
    );
    // The token is where the AWS CLI looks for sso-session koa.
    assert!(sb.token_path("koa").exists());
    t.run("eval \"$(sso-env init bash)\"");
    t.run("use-profile koa-dev-idp_customer_access");
    let out = t.run("printf 'K=[%s] R=[%s]\\n' \"$AWS_ACCESS_KEY_ID\" \"$AWS_REGION\"");
    let creds = sb.server.issued_credentials();
    let key = &creds
        .last()
        .expect("credentials were fetched")
        .access_key_id;
    assert!(
        out.contains(&format!("K=[{key}] R=[eu-central-1]")),
        "{out}"
    );
}

fn every_nothing_configured_hint_points_at_sso_env_configure() {
    let sb = Sandbox::empty();
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (vec!["export", "dev"], vec![], "config does not exist; run: sso-env configure"),
        (
            vec!["export"],
            vec![("AWS_PROFILE", "dev")],
            "profile 'dev' (set by $AWS_PROFILE) not found",
        ),
        (
            vec!["export", "dev"],
            vec![("AWS_CONFIG_FILE", "/nonexistent/aws-config")],
            "AWS_CONFIG_FILE names /nonexistent/aws-config, which does not exist; fix AWS_CONFIG_FILE or run: sso-env configure",
        ),
        (vec!["discover"], vec![], "no [sso-session] in"),
        (vec!["pick"], vec![], "no SSO profiles in your config to pick from; run: sso-env configure"),
    ];
    for (args, env, want) in &cases {
        let mut cmd = sb.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let line = support::fails_cleanly(&cmd.output().unwrap(), &format!("{args:?}"));
        assert!(line.contains(want), "{args:?}: {line}");
        assert!(line.contains("sso-env configure"), "{args:?}: {line}");
        assert!(!line.contains("aws configure"), "{args:?}: {line}");
    }
    let out = sb.run(&["profiles"]);
    assert!(out.status.success() && out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no profiles in"));
    // A config without the profile or any like it, and a session-less profile.
    sb.write_config(&format!(
        "{}\n[profile plain]\nregion = x\n",
        support::CONFIG
    ));
    for (args, want) in [
        (vec!["export", "zzzzzzzzzzzz"], "not found in"),
        (vec!["export", "plain"], "has no credentials"),
        (
            vec!["login", "--sso-session", "zzzzzzzzzz"],
            "no [sso-session zzzzzzzzzz]",
        ),
    ] {
        let line = sb.fails(&args);
        assert!(
            line.contains(want) && line.ends_with("run: sso-env configure"),
            "{args:?}: {line}"
        );
    }
}

fn logout_without_arguments_signs_out_of_everything_like_aws_sso_logout() {
    let sb = Sandbox::empty();
    // No config at all, and no `default` profile: it still works, as `aws sso logout` does.
    let a = sb.seed_token("koa", 8 * HOUR);
    let b = sb.seed_token(support::START_URL, 8 * HOUR);
    let out = sb.run(&["logout"]);
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("removed 2 sign-in(s)"));
    assert!(!sb.token_path("koa").exists() && !sb.token_path(support::START_URL).exists());
    let ended: Vec<String> = sb
        .server
        .requests_for("Logout")
        .iter()
        .filter_map(|r| r.header("x-amz-sso_bearer_token").map(String::from))
        .collect();
    assert!(ended.contains(&a) && ended.contains(&b), "{ended:?}");
    assert!(!sb.server.token_is_valid(&a) && !sb.server.token_is_valid(&b));
}

fn a_vanity_start_url_is_resolved_like_the_aws_cli_and_cached_under_its_key() {
    let sb = Sandbox::empty();
    let vanity = format!("{}/vanity-start", sb.server.url());
    let issuer = "https://ssoins-7223b4c5a0d4e6f8.portal.eu-west-1.app.aws";
    // No --region: it comes from the issuer the company URL redirects to.
    let out = sb.run(&[
        "configure",
        "--start-url",
        &vanity,
        "--session",
        "corp",
        "--account",
        "931827427725",
        "--role",
        "ReadOnly",
        "--profile",
        "corp-dev",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(sb.config_path()).unwrap();
    // As the AWS CLI stores it: the URL the user knows, the region of the issuer.
    assert!(
        text.contains(&format!(
            "sso_start_url = {vanity}\nsso_region = eu-west-1\n"
        )),
        "{text}"
    );
    let nowhere = format!("{}/nowhere", sb.server.url());
    let line = sb.fails(&["configure", "--start-url", &nowhere, "--session", "x"]);
    assert!(
        line.contains("cannot resolve start URL") && line.contains("/nowhere"),
        "{line}"
    );
    let redirects = sb.server.requests_for("VanityRedirect");
    assert_eq!(redirects.len(), 1);
    assert_eq!(
        redirects[0].method, "HEAD",
        "one HEAD request, as the AWS CLI sends"
    );

    // PKCE sign-in: the issuer goes to RegisterClient; the token is cached under the
    // session's key with the configured start URL, where the AWS CLI puts and finds it.
    let out = sb
        .command(&["login", "--sso-session", "corp"])
        .env("BROWSER", support::fake_browser())
        .env("FAKE_BROWSER_LOG", sb.home().join("browser.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reg = sb
        .server
        .requests_for("RegisterClient")
        .last()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(reg["issuerUrl"], issuer);
    let token: Value =
        serde_json::from_slice(&std::fs::read(sb.token_path("corp")).unwrap()).unwrap();
    assert_eq!(token["startUrl"], vanity.as_str());
    assert_eq!(token["region"], "eu-west-1");
    let key = botocore_resolves(&sb, &["corp-dev"], "corp-dev");
    assert_eq!(
        key,
        sb.server.issued_credentials().last().unwrap().access_key_id
    );

    // A legacy profile signs in with a device code: the issuer is the startUrl sent, the
    // token file is named by the configured URL, as the AWS CLI names it.
    sb.write_config(&format!(
        "[profile corp-legacy]\nsso_start_url = {vanity}\nsso_region = eu-west-1\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n"
    ));
    sb.ok(&["login", "--profile", "corp-legacy", "--no-browser"]);
    let start = sb
        .server
        .requests_for("StartDeviceAuthorization")
        .last()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(start["startUrl"], issuer);
    let token: Value =
        serde_json::from_slice(&std::fs::read(sb.token_path(&vanity)).unwrap()).unwrap();
    assert_eq!(token["startUrl"], vanity.as_str());
    let key = botocore_resolves(&sb, &["corp-legacy"], "corp-legacy");
    assert_eq!(
        key,
        sb.server.issued_credentials().last().unwrap().access_key_id
    );
}

fn configure_wizard_asks_before_replacing_a_profile() {
    support::require("tmux");
    let sb = Sandbox::new();
    let original = format!("{}\n[default]\nregion = us-east-1\n", support::CONFIG);
    sb.write_config(&original);
    sb.seed_token("koa", 8 * HOUR);
    let t = shell(&sb);
    let answer = |replace: &str| {
        t.line("sso-env configure; echo rc=$?");
        t.wait_text("SSO start URL: ");
        t.line(support::START_URL);
        t.wait_text("SSO region [us-east-1]: ");
        t.line("eu-west-1");
        t.wait_text("SSO session name [d-1234567890]: ");
        t.line("koa");
        t.wait_text("SSO registration scopes [sso:account:access]: ");
        t.key("Enter");
        // Signed in already: straight to the picker; one pair, named `default`.
        t.wait_text("account and role> ");
        t.keys_literal("legacy");
        t.wait_text("1/3");
        t.key("Enter");
        t.wait_text("Profile name [legacy-ReadOnly]: ");
        t.line("default");
        t.wait_text("Default region of the profiles [eu-west-1]: ");
        t.key("Enter");
        t.wait_text("Default output format [json]: ");
        t.key("Enter");
        t.wait_text("profile 'default' already in");
        t.line(replace);
    };
    answer("n");
    t.wait_text("rc=1");
    assert!(t.screen().contains("nothing was written"));
    assert_eq!(std::fs::read_to_string(sb.config_path()).unwrap(), original);
    t.line("clear");
    answer("y");
    t.wait_text("rc=0");
    let text = std::fs::read_to_string(sb.config_path()).unwrap();
    assert!(
        text.starts_with(support::CONFIG),
        "the rest is kept byte for byte"
    );
    assert!(
        text.ends_with("[default]\n# legacy (111111111111)\nsso_session = koa\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-west-1\noutput = json\n"),
        "{text}"
    );
    assert_eq!(text.matches("[default]").count(), 1);
    assert_eq!(
        text.matches("[sso-session koa]").count(),
        1,
        "the same session is not repeated"
    );
    let out = sb.ok(&["export", "--format", "json"]);
    assert!(out.contains("AWS_ACCESS_KEY_ID"), "{out}");
}

fn login_with_a_vanity_url_moves_sso_region_to_the_issuers_as_the_aws_cli_does() {
    let sb = Sandbox::empty();
    let vanity = format!("{}/vanity-start", sb.server.url());
    let original = format!(
        "# corp\n[sso-session corp]\nsso_start_url = {vanity}\n# wrong region below\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n[profile corp-dev]\nsso_session = corp\nsso_account_id = 931827427725\nsso_role_name = ReadOnly\n"
    );
    sb.write_config(&original);
    let out = sb.run(&[
        "login",
        "--sso-session",
        "corp",
        "--device-code",
        "--no-browser",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SSO region updated to eu-west-1"), "{err}");
    let text = std::fs::read_to_string(sb.config_path()).unwrap();
    assert_eq!(
        text,
        original.replace("sso_region = us-east-1", "sso_region = eu-west-1"),
        "only sso_region changed"
    );
    let token: Value =
        serde_json::from_slice(&std::fs::read(sb.token_path("corp")).unwrap()).unwrap();
    assert_eq!(token["region"], "eu-west-1");
    assert_eq!(token["startUrl"], vanity.as_str());
    let key = botocore_resolves(&sb, &["corp-dev"], "corp-dev");
    assert_eq!(
        key,
        sb.server.issued_credentials().last().unwrap().access_key_id
    );
}

crate::tests![
    discover_write_keeps_a_symlinked_crlf_config_a_symlink,
    configure_flags_write_a_session_and_a_profile_from_nothing,
    configure_all_adds_every_pair_to_a_symlinked_crlf_config,
    configure_all_without_a_sign_in_leaves_a_session_to_sign_in_to,
    configure_without_a_terminal_or_flags_says_what_it_needs,
    configure_wizard_from_an_empty_home_to_use_profile,
    every_nothing_configured_hint_points_at_sso_env_configure,
    logout_without_arguments_signs_out_of_everything_like_aws_sso_logout,
    a_vanity_start_url_is_resolved_like_the_aws_cli_and_cached_under_its_key,
    configure_wizard_asks_before_replacing_a_profile,
    login_with_a_vanity_url_moves_sso_region_to_the_issuers_as_the_aws_cli_does,
];
