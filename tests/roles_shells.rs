//! The seed's layout end to end in real interactive bash, zsh and fish (tmux): a legacy SSO
//! `default` in the config, role stanzas in `~/.aws/credentials`; `use-profile
//! platform-developer` switches the shell to the assumed role, signed with the SSO role's key,
//! and the prompt shows the role. Static keys show the profile with no countdown.

use crate::support;
use crate::support::tmux;

use std::time::Duration;

use support::interactive::{self, show, Sh};
use support::{Sandbox, START_URL};
use tmux::Tmux;

fn seed() -> Sandbox {
    let sb = Sandbox::empty();
    sb.write_config(
        "[default]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-west-1\n",
    );
    sb.write_credentials(
        "[platform-developer]\nrole_arn=arn:aws:iam::760097843905:role/platform-developer\nsource_profile=default\nregion=eu-west-1\n\n[platform-admin]\nrole_arn=arn:aws:iam::760097843905:role/platform-admin\nsource_profile=default\nregion=eu-west-1\n\n[platform-readonly]\nrole_arn=arn:aws:iam::760097843905:role/platform-readonly\nsource_profile=default\nregion=eu-west-1\n\n[keys]\naws_access_key_id=AKIASTATICKEYS00001\naws_secret_access_key=static-secret\n",
    );
    sb.seed_token(START_URL, Duration::from_secs(8 * 3600));
    sb
}

fn start(sb: &Sandbox, sh: Sh) -> Tmux {
    interactive::start(sb, sh, "", &[], &[])
}

fn seed_layout(sh: Sh) {
    let sb = seed();
    let t = start(&sb, sh);
    t.run("use-profile platform-developer");
    let calls = sb.server.assume_role_calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let sso_key = &sb
        .server
        .issued_credentials()
        .into_iter()
        .find(|c| c.operation == "GetRoleCredentials")
        .expect("a GetRoleCredentials call")
        .access_key_id;
    assert_eq!(
        &calls[0].caller_access_key_id, sso_key,
        "signed with the SSO role's key"
    );
    assert_eq!(
        show(&t, sh, "AWS_ACCESS_KEY_ID"),
        calls[0].issued_access_key_id
    );
    assert_eq!(show(&t, sh, "AWS_PROFILE"), "platform-developer");
    assert_eq!(show(&t, sh, "SSO_ENV_ACCOUNT_ID"), "760097843905");
    t.wait_text("(platform-developer platform-developer ");

    // Again: the cache, no call.
    sb.server.clear_log();
    t.run("use-profile platform-developer");
    assert_eq!(sb.server.requests().len(), 0, "{:?}", sb.server.requests());

    // Static keys: no expiry, so no countdown in the prompt.
    t.run("use-profile keys");
    assert_eq!(show(&t, sh, "AWS_ACCESS_KEY_ID"), "AKIASTATICKEYS00001");
    assert_eq!(show(&t, sh, "AWS_SESSION_TOKEN"), "");
    assert_eq!(show(&t, sh, "SSO_ENV_EXPIRES_AT"), "");
    // The prompt names the profile, with no countdown.
    let screen = t.wait_text("(keys) ");
    let prompt = screen
        .lines()
        .rev()
        .find(|l| l.contains("(keys) "))
        .unwrap_or_default();
    assert!(
        !prompt.contains("platform-developer") && !prompt.chars().any(|c| c.is_ascii_digit()),
        "no countdown for static keys: {prompt:?}"
    );
}

crate::tests![seed_layout for all];
