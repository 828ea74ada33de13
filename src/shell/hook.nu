# sso-env hook for nushell, printed by `sso-env init nu`.
# Install: nushell has no eval, so the hook is saved once where nushell loads files at start-up:
#   mkdir ($nu.data-dir | path join "vendor/autoload")
#   sso-env init nu | save -f ($nu.data-dir | path join "vendor/autoload/sso-env.nu")
# (or save it anywhere and `source` that file from config.nu). Save it again after an upgrade.
#
# Defines {{cmd}} (switch this shell to an AWS SSO profile), completion of profile names,
# a prompt segment "(profile role 52m)" and auto-refresh of credentials close to expiry.
# Drawing the prompt starts no process (the clock is `date now`); the refresh runs as a
# background job whose result the prompt after it applies.

const __sso_env_exe = {{exe}}
const __sso_env_prompt = {{prompt}}
const __sso_env_key = {{picker_key}}

# The hook's state. A record: nushell passes no record to the programs it starts.
$env.__sso_env = {last_try: 0, job: 0, user_prompt: ($env.__sso_env?.user_prompt?)}

def "nu-complete sso-env profiles" [] {
    ^$__sso_env_exe profiles --names | complete | get stdout | lines
}

# Applies what `export`/`unset --format nu` printed: null removes a variable.
def --env __sso_env_apply [vars: record] {
    let pairs = ($vars | transpose name value)
    for name in ($pairs | where value == null | get name) {
        hide-env -i $name
    }
    let set = ($pairs | where value != null)
    if not ($set | is-empty) {
        load-env ($set | transpose -r -d)
    }
}

# Use an AWS SSO profile in this shell; without PROFILE, pick one.
def --env {{cmd}} [
    profile?: string@"nu-complete sso-env profiles" # the profile (default: a picker)
    --clear # remove every variable sso-env set
] {
    if $clear {
        let out = try { ^$__sso_env_exe unset --format nu } catch { return }
        __sso_env_apply ($out | from nuon)
        return
    }
    let name = if $profile == null {
        if not ((is-terminal --stdin) and (is-terminal --stderr)) {
            print -e "usage: {{cmd}} PROFILE | --clear (the picker needs a terminal)"
            $env.LAST_EXIT_CODE = 2
            return
        }
        try { ^$__sso_env_exe pick | str trim } catch { return }
    } else {
        $profile
    }
    # Applied only when export succeeded: a failure leaves this shell as it was.
    let out = try { ^$__sso_env_exe export --format nu -- $name } catch { return }
    __sso_env_apply ($out | from nuon)
    $env.__sso_env.job = 0
    hide-env -i SSO_ENV_NOTICE
    $env.LAST_EXIT_CODE = 0
}

# The segment for the active profile: profile, role and time left; `!` under 10 minutes.
def sso_env_prompt_segment [] {
    let profile = ($env.SSO_ENV_PROFILE? | default "")
    if $profile == "" {
        return ""
    }
    let expires = ($env.SSO_ENV_EXPIRES_AT? | default "")
    # Keys that do not expire (static keys, some processes): the profile, no countdown.
    if not ($expires =~ '^[0-9]+$') {
        return $"\(($profile)\) "
    }
    let left = ($expires | into int) - (__sso_env_now)
    mut when = if $left <= 0 {
        "expired"
    } else if $left < 60 {
        $"($left)s!"
    } else if $left < {{warn_secs}} {
        $"($left // 60)m!"
    } else if $left < 3600 {
        $"($left // 60)m"
    } else {
        $"($left // 3600)h($left mod 3600 // 60 | fill -a r -c '0' -w 2)m"
    }
    let notice = ($env.SSO_ENV_NOTICE? | default "")
    if $notice != "" {
        $when = $"($when) ($notice)"
    }
    $"\(($profile) ($env.SSO_ENV_ROLE_NAME? | default '') ($when)\) "
}

def __sso_env_now [] {
    (date now | into int) // 1_000_000_000
}

# At each prompt: apply a finished refresh; start one within 10 minutes of expiry (at most once
# a minute, never with an interactive sign-in); keep the segment in front of the prompt.
def --env __sso_env_on_prompt [] {
    __sso_env_collect
    if $__sso_env_prompt {
        __sso_env_wrap
    }
    let expires = ($env.SSO_ENV_EXPIRES_AT? | default "")
    if ($env.SSO_ENV_PROFILE? | default "") == "" or not ($expires =~ '^[0-9]+$') {
        return
    }
    let now = (__sso_env_now)
    let since = $now - $env.__sso_env.last_try
    let due = ($expires | into int) - $now < {{warn_secs}} and $since >= {{retry_secs}}
    # A refresh not done after five tries' time is given up.
    let free = $env.__sso_env.job == 0 or $since >= 5 * {{retry_secs}}
    if $due and $free and ($env.SSO_ENV_AUTO_REFRESH? | default "1") != "0" {
        $env.__sso_env.last_try = $now
        __sso_env_refresh
    }
}

# `export --no-login` as a background job, its stdin empty so that it never reads the
# terminal; its result comes back as a message tagged with this refresh's number, so a result
# that arrives after a switch to another profile is never applied.
def --env __sso_env_refresh [] {
    let tag = (random int 1..1_000_000_000)
    let profile = $env.SSO_ENV_PROFILE
    $env.__sso_env.job = $tag
    job spawn {
        let r = ("" | ^$__sso_env_exe export --no-login --format nu -- $profile | complete)
        {profile: $profile, code: $r.exit_code, out: $r.stdout} | job send --tag $tag 0
    } | ignore
}

# Applies the result of the refresh still wanted, if it has come; drops any other.
def --env __sso_env_collect [] {
    let tag = $env.__sso_env.job
    if $tag == 0 {
        return
    }
    let result = try { job recv --tag $tag --timeout 0sec } catch { return }
    $env.__sso_env.job = 0
    if $result.profile != ($env.SSO_ENV_PROFILE? | default "") {
        return
    }
    match $result.code {
        0 => {
            __sso_env_apply ($result.out | from nuon)
            hide-env -i SSO_ENV_NOTICE
        }
        {{exit_login_needed}} => { $env.SSO_ENV_NOTICE = "login-needed" }
        {{exit_offline}} => { $env.SSO_ENV_NOTICE = "offline" }
        _ => { $env.SSO_ENV_NOTICE = "refresh-failed" }
    }
}

# Puts the segment in front of the prompt, at the next prompt when a theme replaced it later;
# starship draws AWS_PROFILE and AWS_CREDENTIAL_EXPIRATION itself and is left alone.
def --env __sso_env_wrap [] {
    let current = ($env.PROMPT_COMMAND? | default null)
    let source = if ($current | describe) == "closure" { view source $current } else { "" }
    if ($source | str contains "sso_env_prompt_segment") or ($source | str contains "starship prompt") {
        return
    }
    $env.__sso_env.user_prompt = $current
    $env.PROMPT_COMMAND = {|| $"(sso_env_prompt_segment)(__sso_env_user_prompt)" }
}

def __sso_env_user_prompt [] {
    let prompt = ($env.__sso_env.user_prompt? | default null)
    match ($prompt | describe) {
        "closure" => (do $prompt)
        "string" => $prompt
        _ => (pwd | str replace $nu.home-path "~")
    }
}

# Once, however often the hook is loaded.
let __sso_env_hooks = ($env.config.hooks.pre_prompt? | default [])
if not ($__sso_env_hooks | any {|h| ($h | describe) == "closure" and (view source $h | str contains "__sso_env_on_prompt") }) {
    $env.config.hooks.pre_prompt = ($__sso_env_hooks | append {|| __sso_env_on_prompt })
}

# Opt-in key binding (sso-env init nu --picker-key Ctrl+g): opens the picker.
if $__sso_env_key != "" {
    let parts = ($__sso_env_key | split row "+")
    let modifier = ($parts | drop 1 | each {|m| $m | str replace -r '(?i)^ctrl$' 'control' } | str join "_")
    $env.config.keybindings = ($env.config.keybindings | append {
        name: sso_env_picker
        modifier: (if $modifier == "" { "none" } else { $modifier })
        keycode: $"char_($parts | last)"
        mode: [emacs vi_insert vi_normal]
        event: {send: executehostcommand cmd: "{{cmd}}"}
    })
}
