//! `sso-env init`: the hooks, run in real interactive bash, zsh and fish (tmux), checked by
//! their linters, parsed (PowerShell) or run under wine (cmd).

use crate::support;
use crate::support::shells;
use crate::support::tmux;

use std::time::Duration;

use support::interactive::{self, last_line, show, until_changed, Bash, Lacks, Sh, Zsh};
use support::Sandbox;
use tmux::Tmux;

const HOUR: Duration = Duration::from_secs(3600);

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    let extra = "\n[profile koa-prod-admin]\nsso_session = koa\nsso_account_id = 931827427725\nsso_role_name = ReadOnly\n";
    sb.write_config(&format!("{}{extra}", support::CONFIG));
    sb.seed_token("koa", 8 * HOUR);
    sb.seed_token(support::START_URL, 8 * HOUR);
    sb
}

fn start(sb: &Sandbox, sh: Sh, wrapper: &str) -> Tmux {
    let setup: Vec<&str> = sh.completion_setup().into_iter().collect();
    interactive::start_under(sb, sh, wrapper, "", &setup, &[])
}

/// The whole everyday flow in one shell.
fn everyday_flow(sh: Sh) {
    shells::require(sh.name());
    let sb = sandbox();
    let t = start(&sb, sh, "");

    // use-profile sets the credentials in this very shell; the next prompt shows them.
    t.run("use-profile koa-dev-customer");
    let key = show(&t, sh, "AWS_ACCESS_KEY_ID");
    assert_eq!(key, sb.server.issued_credentials()[0].access_key_id);
    assert_eq!(show(&t, sh, "AWS_PROFILE"), "koa-dev-customer");
    let screen = t.wait_text("(koa-dev-customer idp_customer_access ");
    let prompt = screen
        .lines()
        .rev()
        .find(|l| l.contains("(koa-dev-customer"))
        .unwrap();
    assert!(
        prompt.contains(" 59m) $") || prompt.contains(" 1h00m) $"),
        "time left in the prompt: {prompt:?}"
    );

    // Tab completes profile names.
    t.keys_literal("use-profile koa-d");
    t.key("Tab");
    t.wait_for("the completed name on the command line", |s| {
        last_line(s).ends_with("use-profile koa-dev-customer")
    });
    t.key("C-c");
    t.wait_for("an empty command line", |s| last_line(s).ends_with("$"));
    // And for sso-env's own profile arguments.
    if !sh.lacks(Lacks::SsoEnvCompletion) {
        t.keys_literal("sso-env export koa-d");
        t.key("Tab");
        t.wait_for("a profile completed for sso-env export", |s| {
            last_line(s).ends_with("sso-env export koa-dev-customer")
        });
        t.key("C-c");
        t.wait_for("an empty command line", |s| last_line(s).ends_with("$"));
    }
    if sh == Bash {
        // The rest comes from clap's completion, loaded on first use.
        t.keys_literal("sso-env disc");
        t.key("Tab");
        t.wait_for("a subcommand completed", |s| {
            last_line(s).ends_with("sso-env discover")
        });
        t.key("C-c");
        t.wait_for("an empty command line", |s| last_line(s).ends_with("$"));
    }

    // A failed export changes nothing.
    let out = t.run("use-profile no-such-profile");
    assert!(out.contains("profile 'no-such-profile' not found"), "{out}");
    assert_eq!(show(&t, sh, "AWS_ACCESS_KEY_ID"), key);
    assert_eq!(show(&t, sh, "AWS_PROFILE"), "koa-dev-customer");

    // The picker: type part of a name, Enter.
    t.line("use-profile");
    t.wait_text("AWS profile>");
    t.keys_literal("legac");
    t.wait_text("> legacy-style");
    t.key("Enter");
    t.wait_text("(legacy-style ReadOnly ");
    assert_eq!(show(&t, sh, "AWS_PROFILE"), "legacy-style");
    assert_eq!(show(&t, sh, "SSO_ENV_ACCOUNT_ID"), "111111111111");

    // --clear removes everything.
    t.run("use-profile --clear");
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "SSO_ENV_PROFILE",
    ] {
        assert_eq!(show(&t, sh, var), "", "{var} after --clear");
    }
    let last_prompt = t.run("true");
    assert!(
        !t.screen()
            .lines()
            .last()
            .unwrap_or_default()
            .contains("(legacy-style"),
        "{last_prompt}"
    );

    // Credentials close to expiry are refreshed at the next prompt, against the stand-in.
    sb.server.set_role_credentials_ttl(Duration::from_secs(300));
    let calls = sb.server.count("GetRoleCredentials");
    let read = sh.read_line("_wait");
    // With 5 minutes left, use-profile itself would start a refresh at once, racing the TTL
    // change below: auto-refresh is off until the line ends, and the next prompt may try.
    let off = sh.assign("SSO_ENV_AUTO_REFRESH", "0");
    let on = format!("{}; {}", sh.unset("SSO_ENV_AUTO_REFRESH"), sh.retry_now());
    t.line(&format!(
        "{off}; use-profile koa-prod-admin; {}; {read}; {on}",
        sh.show("AWS_ACCESS_KEY_ID")
    ));
    // The V=[ printed after this command line (earlier steps left V=[] lines on the screen).
    let screen = t.wait_for("the key after use-profile koa-prod-admin", |s| {
        s.rsplit_once(&format!("{read};"))
            .is_some_and(|(_, after)| after.contains("V=["))
    });
    let old = screen
        .lines()
        .rev()
        .find(|l| l.starts_with("V=["))
        .unwrap()
        .trim_start_matches("V=[")
        .trim_end()
        .trim_end_matches(']')
        .to_string();
    sb.server.set_role_credentials_ttl(HOUR);
    t.key("Enter");
    // The refresh runs in the background; a later prompt applies it.
    let new = until_changed(|| show(&t, sh, "AWS_ACCESS_KEY_ID"), &old);
    assert_ne!(new, old, "refreshed at the prompt");
    // Two calls since before use-profile: its own fetch and the refresh (which may start as
    // soon as use-profile draws the segment, so it is not counted from after it).
    assert!(sb.server.count("GetRoleCredentials") >= calls + 2);
    assert_eq!(
        sb.server.issued_credentials().last().unwrap().access_key_id,
        new
    );
    t.wait_for("a fresh hour in the prompt", |s| {
        s.contains("(koa-prod-admin ReadOnly 59m)") || s.contains("(koa-prod-admin ReadOnly 1h00m)")
    });
    // When refreshing would need an interactive sign-in, the prompt says so instead.
    sb.server.set_role_credentials_ttl(Duration::from_secs(300));
    sb.clear_role_cache();
    t.run("use-profile koa-dev-customer");
    std::fs::remove_file(sb.token_path("koa")).unwrap();
    sb.clear_role_cache();
    // A minute has passed since the last try, as far as the hook knows.
    t.run(&sh.retry_now());
    let shown = until_changed(
        || {
            t.run("true");
            let s = t.screen();
            let last = last_line(&s);
            if last.contains("login-needed) $") {
                "login-needed".to_string()
            } else {
                String::new()
            }
        },
        "",
    );
    assert_eq!(shown, "login-needed", "{}", t.screen());
}

/// Prompts drawn with an active profile start no process: strace counts forks and execs.
fn prompt_starts_no_process(sh: Sh) {
    let sb = sandbox();
    let log = sb.home().join("strace.log");
    let t = start(
        &sb,
        sh,
        &format!(
            "strace -f -qq -e trace=execve,fork,vfork,clone,clone3 -o '{}' ",
            log.display()
        ),
    );
    t.run("use-profile koa-dev-customer");
    t.wait_text("(koa-dev-customer idp_customer_access ");
    let before = std::fs::read_to_string(&log).unwrap().lines().count();
    for _ in 0..5 {
        t.key("Enter");
    }
    t.wait_for("five more prompts", |s| {
        s.lines()
            .filter(|l| l.contains("(koa-dev-customer idp_customer_access "))
            .count()
            >= 6
    });
    std::thread::sleep(Duration::from_millis(300));
    let text = std::fs::read_to_string(&log).unwrap();
    let new: Vec<&str> = text.lines().skip(before).collect();
    assert!(before > 0, "strace saw the setup");
    assert!(
        new.is_empty(),
        "{}: drawing 5 prompts started processes:\n{}",
        sh.name(),
        new.join("\n")
    );
}

fn bash_prompt_starts_no_process() {
    prompt_starts_no_process(Bash);
}

fn zsh_prompt_starts_no_process() {
    prompt_starts_no_process(Zsh);
}

fn hooks_pass_the_linters_and_parsers() {
    let sb = sandbox();
    let hook = |shell: &str, extra: &[&str]| {
        let mut args = vec!["init", shell];
        args.extend_from_slice(extra);
        sb.ok(&args)
    };
    for extra in [
        &[][..],
        &["--no-prompt", "--cmd", "sso", "--picker-key", "\\C-g"],
    ] {
        let dir = sb.home();
        std::fs::write(dir.join("hook.bash"), hook("bash", extra)).unwrap();
        let out = std::process::Command::new(crate::support::require("shellcheck"))
            .args(["-s", "bash"])
            .arg(dir.join("hook.bash"))
            .output()
            .expect("shellcheck is installed (.ci/run installs it)");
        assert!(
            out.status.success(),
            "shellcheck: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        std::fs::write(dir.join("hook.zsh"), hook("zsh", extra)).unwrap();
        let out = std::process::Command::new(crate::support::harness::require_unix("zsh"))
            .arg("-n")
            .arg(dir.join("hook.zsh"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "zsh -n: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(dir.join("hook.fish"), hook("fish", extra)).unwrap();
        let out = std::process::Command::new(crate::support::harness::require_unix("fish"))
            .arg("--no-execute")
            .arg(dir.join("hook.fish"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "fish --no-execute: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        shells::powershell_parses_cleanly(&hook("powershell", extra))
            .unwrap_or_else(|e| panic!("PowerShell hook: {e}"));
    }
    // Sourcing a hook twice (a re-read rc file) registers it once and prints nothing.
    let bin = support::bin();
    let twice = |shell: &str, script: &str| {
        let mut cmd = std::process::Command::new(shell);
        sb.clean_env(&mut cmd);
        let out = cmd
            .args(["-c", &script.replace("BIN", bin.to_str().unwrap())])
            .output()
            .unwrap();
        assert!(
            out.stderr.is_empty(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(
        twice(
            "zsh",
            "eval \"$(BIN init zsh)\"; eval \"$(BIN init zsh)\"; print -r -- $precmd_functions"
        ),
        "__sso_env_precmd\n"
    );
    assert_eq!(
        twice(
            "bash",
            "eval \"$(BIN init bash)\"; eval \"$(BIN init bash)\"; echo \"$PROMPT_COMMAND\""
        ),
        "__sso_env_prompt_command\n"
    );
    assert_eq!(twice("fish", "BIN init fish | source; BIN init fish | source; functions -q __sso_env_user_prompt; and echo wrapped-once"), "wrapped-once\n");

    // A bad --cmd is refused before anything is printed.
    let line = sb.fails(&["init", "bash", "--cmd", "x; rm -rf ~"]);
    assert!(line.contains("not a usable command name"), "{line}");
}

fn cmd_hook_runs_under_wine() {
    shells::require("cmd");
    let sb = sandbox();
    // Under wine, cmd does not wait for Linux programs, so the hook calls a batch file standing
    // in for sso-env.exe that replays what the real binary printed (or fails as it would).
    let exported = sb.ok(&["export", "koa-dev-customer", "--format", "cmd"]);
    let dir = sb.home();
    std::fs::write(dir.join("export.txt"), &exported).unwrap();
    std::fs::write(dir.join("unset.txt"), sb.ok(&["unset", "--format", "cmd"])).unwrap();
    let win = |p: &std::path::Path| format!("Z:{}", p.display().to_string().replace('/', "\\"));
    let fake = format!(
        "@echo off\r\nif \"%~1\"==\"unset\" (type \"{u}\" & exit /b 0)\r\nif \"%~5\"==\"koa-dev-customer\" (type \"{e}\" & exit /b 0)\r\necho sso-env: profile '%~5' not found 1>&2\r\nexit /b 1\r\n",
        u = win(&dir.join("unset.txt")),
        e = win(&dir.join("export.txt"))
    );
    std::fs::write(dir.join("fake-sso-env.cmd"), fake).unwrap();
    let hook = sb.ok(&["init", "cmd", "--exe", &win(&dir.join("fake-sso-env.cmd"))]);
    assert!(hook.contains("\r\n"));
    std::fs::write(dir.join("hook.cmd"), &hook).unwrap();
    let h = win(&dir.join("hook.cmd"));
    // Install, then what the use-profile macro runs; a failing profile changes nothing.
    let script =
        format!("call \"{h}\"\r\ncall \"{h}\" use koa-dev-customer\r\ncall \"{h}\" use nope\r\n");
    let ev = shells::eval_cmd(script.as_bytes(), &[]);
    let key = sb.server.issued_credentials()[0].access_key_id.clone();
    assert_eq!(
        ev.get_lossy("AWS_ACCESS_KEY_ID").as_deref(),
        Some(key.as_str()),
        "{}",
        ev.describe()
    );
    assert_eq!(
        ev.get_lossy("AWS_PROFILE").as_deref(),
        Some("koa-dev-customer")
    );
    let expiry = ev.get_lossy("AWS_CREDENTIAL_EXPIRATION").unwrap();
    let prompt = ev.get_lossy("PROMPT").unwrap_or_default();
    assert_eq!(
        prompt,
        format!(
            "(koa-dev-customer idp_customer_access until {}Z)$S$P$G",
            &expiry[11..16]
        ),
        "{}",
        ev.describe()
    );
    // --clear restores the prompt and removes the variables.
    let script = format!(
        "call \"{h}\"\r\ncall \"{h}\" use koa-dev-customer\r\ncall \"{h}\" use --clear\r\n"
    );
    let ev = shells::eval_cmd(script.as_bytes(), &[]);
    assert_eq!(ev.get("AWS_ACCESS_KEY_ID"), None, "{}", ev.describe());
    assert_eq!(ev.get_lossy("PROMPT").as_deref(), Some("$P$G"));
}

fn profiles_names_and_status() {
    let sb = sandbox();
    let names = sb.ok(&["profiles", "--names"]);
    assert_eq!(names, "koa-dev-customer\nlegacy-style\nkoa-prod-admin\n");
    let table = sb.ok(&["profiles"]);
    assert!(
        table.lines().any(|l| l.starts_with("koa-dev-customer")
            && l.contains("931827427725")
            && l.contains("idp_customer_access")),
        "{table}"
    );
    let line = sb.fails(&["status"]);
    assert!(line.contains("no sso-env profile is active"), "{line}");
    let vars =
        support::parse_json_vars(&sb.ok(&["export", "koa-dev-customer", "--format", "json"]));
    let mut cmd = sb.command(&["status"]);
    for (k, v) in &vars {
        cmd.env(k, v.as_str().unwrap());
    }
    let out = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    assert!(out.contains("profile  koa-dev-customer"), "{out}");
    assert!(
        out.contains("role     idp_customer_access in account 931827427725"),
        "{out}"
    );
    assert!(
        out.contains("left)") && out.contains("sign-in  valid until"),
        "{out}"
    );
}

/// The opt-in key binding opens the picker; the prompt is redrawn with the chosen profile.
fn picker_key(sh: Sh) {
    let sb = sandbox();
    let t = interactive::start_full(
        &sb,
        sh,
        "",
        "",
        &format!("--picker-key '{}'", sh.ctrl_g()),
        &[],
        &[],
    );
    t.key("C-g");
    t.wait_text("AWS profile>");
    t.keys_literal("legac");
    t.wait_text("> legacy-style");
    t.key("Enter");
    t.wait_for("the prompt redrawn with the profile", |s| {
        last_line(s).contains("(legacy-style ReadOnly ")
    });
    assert_eq!(show(&t, sh, "AWS_PROFILE"), "legacy-style");
}

/// nushell, as its issue asks: a profile named like code is data in the hook, the prompt and
/// the environment, and --clear removes what use-profile set.
fn nu_profile_named_like_code_stays_data() {
    let sb = sandbox();
    let name = "x$(touch PWNED)`id`;y";
    sb.write_config(&format!(
        "{}\n[profile \"{name}\"]\nsso_session = koa\nsso_account_id = 931827427725\nsso_role_name = ReadOnly\n",
        support::CONFIG
    ));
    let t = interactive::start(&sb, Sh::Nu, "", &[], &[]);
    t.run(&format!("use-profile {}", Sh::Nu.quote(name)));
    assert_eq!(show(&t, Sh::Nu, "AWS_PROFILE"), name);
    assert!(!show(&t, Sh::Nu, "AWS_ACCESS_KEY_ID").is_empty());
    t.wait_for("the name in the prompt", |s| {
        last_line(s).starts_with(&format!("({name} ReadOnly "))
    });
    t.run("use-profile --clear");
    assert_eq!(show(&t, Sh::Nu, "AWS_PROFILE"), "");
    assert_eq!(show(&t, Sh::Nu, "AWS_SESSION_TOKEN"), "");
    assert!(!sb.home().join("PWNED").exists(), "{}", t.screen());
    assert!(!t.screen().contains("uid="), "{}", t.screen());
}

crate::tests![
    nu_profile_named_like_code_stays_data,
    everyday_flow for all,
    bash_prompt_starts_no_process,
    zsh_prompt_starts_no_process,
    hooks_pass_the_linters_and_parsers,
    cmd_hook_runs_under_wine,
    profiles_names_and_status,
    picker_key for all,
];
