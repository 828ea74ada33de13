//! `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` are expanded as botocore expands them:
//! `os.path.expandvars`, then `os.path.expanduser`.

use crate::support;

use support::Sandbox;

/// Each case writes a config at `file` (relative to HOME) holding one profile, points
/// AWS_CONFIG_FILE at `setting`, and expects both botocore and sso-env to find that profile.
fn config_file_is_expanded_as_botocore_does() {
    let sb = Sandbox::empty();
    let home = sb.home().to_str().unwrap().to_string();
    let cases = [
        ("$CFG_DIR/a", "cfg/a"),
        ("${CFG_DIR}/b", "cfg/b"),
        ("~/cfg/c", "cfg/c"),
        // expandvars runs first, so a variable holding `~/...` is expanded by expanduser.
        ("$TILDE_DIR/d", "cfg/d"),
        ("$HOME/cfg/e", "cfg/e"),
        // Unknown variables and unknown users stay as written: a path relative to the cwd.
        ("$NO_SUCH_VAR_XYZ/f", "$NO_SUCH_VAR_XYZ/f"),
        ("~no-such-user-xyz/g", "~no-such-user-xyz/g"),
        // A name runs to the first non-word character; no re-expansion of what was put in.
        ("$CFG_DIR-x/h", "cfg-x/h"),
        ("$DOLLAR/i", "$CFG_DIR/i"),
    ];
    for (i, (setting, file)) in cases.iter().enumerate() {
        let profile = format!("case-{i}");
        let path = sb.home().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            &path,
            format!(
                "[profile {profile}]\nsso_start_url = {}\nsso_region = eu-west-1\n\
                 sso_account_id = 111111111111\nsso_role_name = ReadOnly\n",
                support::START_URL
            ),
        )
        .unwrap();
        let vars = [
            ("AWS_CONFIG_FILE", setting.to_string()),
            ("CFG_DIR", format!("{home}/cfg")),
            ("TILDE_DIR", "~/cfg".to_string()),
            ("DOLLAR", "$CFG_DIR".to_string()),
        ];
        let mut cmd = crate::support::python_command();
        sb.clean_env(&mut cmd);
        cmd.envs(vars.iter().map(|(k, v)| (k, v)));
        let botocore = cmd
            .args([
                "-c",
                "import botocore.session; print('\\n'.join(botocore.session.Session().available_profiles))",
            ])
            .output()
            .unwrap();
        let botocore = String::from_utf8_lossy(&botocore.stdout).into_owned();
        assert!(
            botocore.lines().any(|l| l == profile),
            "botocore reads {setting} from {file}: {botocore}"
        );
        let mut cmd = sb.command(&["profiles", "--names"]);
        cmd.envs(vars.iter().map(|(k, v)| (k, v)));
        let out = cmd.output().unwrap();
        let ours = String::from_utf8_lossy(&out.stdout);
        assert!(
            ours.lines().any(|l| l == profile),
            "sso-env reads {setting} from {file}: {ours} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

crate::tests![config_file_is_expanded_as_botocore_does,];
