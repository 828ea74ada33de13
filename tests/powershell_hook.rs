//! The PowerShell hook (`sso-env init powershell`): its structure checked on the parse tree
//! everywhere (tree-sitter-powershell), and the hook run for real where `pwsh` or Windows
//! PowerShell is on PATH (GitHub's Windows and Linux runners), under `Set-StrictMode -Version
//! Latest`, with a failing last command, and under a starship-style prompt.

use crate::support;
use crate::support::shells;

use std::time::Duration;

use support::Sandbox;
use tree_sitter::Node;

fn hook(args: &[&str]) -> String {
    let sb = Sandbox::new();
    let mut all = vec!["init", "powershell"];
    all.extend_from_slice(args);
    sb.ok(&all)
}

fn tree(script: &str) -> tree_sitter::Tree {
    shells::powershell_parses_cleanly(script).unwrap_or_else(|e| panic!("{e}\n{script}"));
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .unwrap();
    parser.parse(script, None).unwrap()
}

fn walk<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    out.push(node);
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        walk(child, out);
    }
}

fn nodes(tree: &tree_sitter::Tree) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    walk(tree.root_node(), &mut out);
    out
}

/// The name of the function `node` is in (`global:prompt`), if any.
fn enclosing_function<'s>(src: &'s str, node: Node<'_>) -> Option<&'s str> {
    let mut n = node.parent();
    while let Some(p) = n {
        if p.kind() == "function_statement" {
            let mut cursor = p.walk();
            let name = p
                .children(&mut cursor)
                .find(|c| c.kind() == "function_name")?;
            return Some(&src[name.byte_range()]);
        }
        n = p.parent();
    }
    None
}

/// Whether `node` is the left side of an `=`.
fn is_assigned(node: Node<'_>) -> bool {
    let mut n = node.parent();
    while let Some(p) = n {
        if p.kind() == "left_assignment_expression" {
            return true;
        }
        if p.kind() == "assignment_expression" || p.kind() == "pipeline" {
            return false;
        }
        n = p.parent();
    }
    false
}

fn the_exe_is_called_only_through_the_utf8_wrapper() {
    let script = hook(&["--exe", "C:\\Users\\Zo\u{eb} D\u{fc}rst\\bin\\sso-env.exe"]);
    // PowerShell reads the hook (a native program's output) in the console code page.
    assert!(script.is_ascii(), "{script}");
    assert!(
        script.contains(
            "$global:__SsoEnvExe = 'C:\\Users\\Zo' + [char]0x00EB + ' D' + [char]0x00FC + 'rst\\bin\\sso-env.exe'"
        ),
        "{script}"
    );
    let t = tree(&script);
    let uses: Vec<_> = nodes(&t)
        .into_iter()
        .filter(|n| {
            n.kind() == "variable"
                && script[n.byte_range()].eq_ignore_ascii_case("$global:__SsoEnvExe")
        })
        .collect();
    assert!(uses.len() >= 2);
    for n in uses {
        let line = n.start_position().row + 1;
        let ok = is_assigned(n) || enclosing_function(&script, n) == Some("global:__SsoEnvBin");
        assert!(ok, "line {line} runs sso-env without __SsoEnvBin");
    }
    let bin = script.split("function global:__SsoEnvBin").nth(1).unwrap();
    let bin = &bin[..bin.find("\n}").unwrap()];
    assert!(bin.contains("[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false)"));
    assert!(bin.contains("finally {\n        [Console]::OutputEncoding = $encoding"));
}

fn globals_are_read_only_after_they_are_set_for_strict_mode() {
    for args in [&[][..], &["--no-prompt", "--picker-key", "Ctrl+g"]] {
        let script = hook(args);
        let t = tree(&script);
        let all = nodes(&t);
        let text = |n: &Node<'_>| script[n.byte_range()].to_ascii_lowercase();
        for n in all.iter().filter(|n| n.kind() == "variable") {
            let name = text(n);
            if let Some(global) = name.strip_prefix("$global:") {
                if is_assigned(*n) || global == "?" {
                    continue;
                }
                // Set before (at load time, or earlier in the hook's text).
                let set_before = all.iter().any(|m| {
                    m.kind() == "variable"
                        && text(m) == name
                        && is_assigned(*m)
                        && m.start_byte() < n.start_byte()
                });
                assert!(
                    set_before,
                    "line {}: {name} is read before the hook sets it; Set-StrictMode throws",
                    n.start_position().row + 1
                );
                assert_ne!(global, "lastexitcode", "read it with Get-Variable");
            }
            if name == "$lastexitcode" {
                // Only right after sso-env ran in the same function.
                let f = enclosing_function(&script, *n).expect("inside a function");
                let body = &script[..n.start_byte()];
                let start = body.rfind(&format!("function {f}")).unwrap();
                assert!(
                    body[start..].contains("__SsoEnvBin "),
                    "line {}: $LASTEXITCODE read before sso-env ran",
                    n.start_position().row + 1
                );
            }
        }
        assert!(script.contains(
            "$global:__SsoEnvUserPrompt = Get-Variable __SsoEnvUserPrompt -Scope Global -ValueOnly -ErrorAction Ignore"
        ));
    }
}

fn the_prompt_keeps_the_last_status_and_chains_into_starship() {
    let script = hook(&[]);
    let prompt = script.split("function global:prompt {\n").nth(1).unwrap();
    let prompt = &prompt[..prompt.find("\n    }\n").unwrap()];
    let lines: Vec<&str> = prompt.lines().map(str::trim).collect();
    // Saved before anything runs, restored before the user's prompt and again at the very end.
    assert_eq!(lines[0], "$ok = $global:?");
    assert!(lines[1].contains("Get-Variable LASTEXITCODE"));
    let update = lines.iter().position(|l| *l == "__SsoEnvUpdate").unwrap();
    let user = lines
        .iter()
        .position(|l| l.contains("& $global:__SsoEnvUserPrompt"))
        .unwrap();
    let set_status = "if ($ok) { $null = $ok } else { Write-Error '' -ErrorAction Ignore }";
    assert!(update > 1 && update < user);
    assert_eq!(
        lines[user - 1],
        set_status,
        "$? set just before the user's prompt"
    );
    assert_eq!(lines[user - 2], "__SsoEnvRestoreExitCode $had $code");
    assert_eq!(lines.last().copied(), Some(set_status), "$? set last");
    assert_eq!(lines[lines.len() - 2], "__SsoEnvRestoreExitCode $had $code");

    let pre = script
        .split("function global:Invoke-Starship-PreCommand {\n")
        .nth(1)
        .expect("chains into starship's pre-command hook");
    let pre = &pre[..pre.find('}').unwrap() + 40];
    assert!(pre.contains("& $global:__SsoEnvStarshipPre"), "{pre}");
    assert!(pre.contains("__SsoEnvUpdate"), "{pre}");
    // Defined once even when the hook is loaded twice, keeping the one that was there.
    assert!(script.contains(
        "if (-not (Get-Variable __SsoEnvStarshipPre -Scope Global -ErrorAction Ignore))"
    ));
}

// ---------------------------------------------------------------------------------------------
// The hook run by PowerShell itself, where it is installed.

/// The PowerShells on PATH (`pwsh`, and `powershell` 5.1 on Windows).
fn powershells() -> Vec<std::path::PathBuf> {
    let found: Vec<_> = ["pwsh", "powershell"]
        .iter()
        .filter_map(|p| support::harness::find_program(p))
        .collect();
    support::skip_unless(
        !found.is_empty(),
        "powershell",
        "neither pwsh nor powershell is installed (none can be installed on these machines; \
         the hosted Windows and macOS runners run these tests)",
    );
    found
}

/// Runs `script` in `ps` with the sandbox's environment; stdout.
fn run_ps(sb: &Sandbox, ps: &std::path::Path, script: &str) -> String {
    let mut cmd = std::process::Command::new(ps);
    sb.clean_env(&mut cmd);
    // What PowerShell itself needs on Windows (finding cmd.exe needs PATHEXT).
    for keep in [
        "SystemRoot",
        "windir",
        "ComSpec",
        "PATHEXT",
        "TEMP",
        "TMP",
        "APPDATA",
        "LOCALAPPDATA",
        "ProgramData",
        "ProgramFiles",
        "PSModulePath",
    ] {
        if let Some(v) = std::env::var_os(keep) {
            cmd.env(keep, v);
        }
    }
    cmd.env("USERPROFILE", sb.home());
    let out = cmd
        .args(["-NoProfile", "-NonInteractive", "-Command", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(script.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}: {}\n{stdout}\n{}",
        ps.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.seed_token("koa", Duration::from_secs(8 * 3600));
    sb.seed_token(support::START_URL, Duration::from_secs(8 * 3600));
    sb
}

/// A command that fails with exit code 3 on this platform.
fn fail3() -> &'static str {
    if cfg!(windows) {
        "cmd /c exit 3"
    } else {
        "sh -c 'exit 3'"
    }
}

fn hook_runs_under_strict_mode_and_keeps_the_last_status() {
    let bin = support::bin();
    let bin = bin.to_str().unwrap().replace('\'', "''");
    for ps in powershells() {
        let sb = sandbox();
        let script = format!(
            "Set-StrictMode -Version Latest\n\
             $ErrorActionPreference = 'Stop'\n\
             function global:prompt {{ \"[ok=$? code=$global:LASTEXITCODE] \" }}\n\
             & '{bin}' init powershell | Out-String | Invoke-Expression\n\
             & '{bin}' init powershell | Out-String | Invoke-Expression\n\
             use-profile koa-dev-customer\n\
             \"key=$Env:AWS_ACCESS_KEY_ID\"\n\
             $Env:SSO_ENV_EXPIRES_AT = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() + 30\n\
             {fail}\n\
             Write-Error 'x' -ErrorAction SilentlyContinue\n\
             prompt\n\
             \"after: code=$LASTEXITCODE\"\n\
             use-profile --clear\n\
             \"cleared=$([string]::IsNullOrEmpty($Env:AWS_ACCESS_KEY_ID))\"\n",
            fail = fail3()
        );
        let out = run_ps(&sb, &ps, &script);
        let key = &sb.server.issued_credentials()[0].access_key_id;
        assert!(out.contains(&format!("key={key}")), "{out}");
        assert!(
            out.contains("(koa-dev-customer idp_customer_access 59m) [ok=False code=3] ")
                || out.contains("(koa-dev-customer idp_customer_access 1h00m) [ok=False code=3] "),
            "segment, then the user's prompt seeing the failure:\n{out}"
        );
        // The prompt refreshed (sso-env ran and exited 0), yet the last command's code is back.
        assert!(out.contains("after: code=3"), "{out}");
        assert!(out.contains("cleared=True"), "{out}");
    }
}

fn auto_refresh_runs_through_starships_pre_command_hook() {
    let bin = support::bin();
    let bin = bin.to_str().unwrap().replace('\'', "''");
    for ps in powershells() {
        let sb = sandbox();
        // A user's own pre-command hook is kept; the credentials are made to look close to
        // expiry, so the next pre-command runs `export --no-login`, which sets the real expiry.
        let script = format!(
            "Set-StrictMode -Version Latest\n\
             $Env:STARSHIP_SHELL = 'pwsh'\n\
             function global:Invoke-Starship-PreCommand {{ $global:mine = 'ran' }}\n\
             & '{bin}' init powershell | Out-String | Invoke-Expression\n\
             use-profile koa-dev-customer\n\
             $Env:SSO_ENV_EXPIRES_AT = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() + 30\n\
             Invoke-Starship-PreCommand\n\
             $later = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() + 600\n\
             \"mine=$global:mine refreshed=$([long]$Env:SSO_ENV_EXPIRES_AT -gt $later)\"\n"
        );
        let out = run_ps(&sb, &ps, &script);
        assert!(out.contains("mine=ran refreshed=True"), "{out}");
    }
}

crate::tests![
    the_exe_is_called_only_through_the_utf8_wrapper,
    globals_are_read_only_after_they_are_set_for_strict_mode,
    the_prompt_keeps_the_last_status_and_chains_into_starship,
    hook_runs_under_strict_mode_and_keeps_the_last_status,
    auto_refresh_runs_through_starships_pre_command_hook,
];
