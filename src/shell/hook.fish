# sso-env hook for fish, printed by `sso-env init fish`.
# Install: add   sso-env init fish | source   to ~/.config/fish/config.fish.
#
# Defines {{cmd}} (switch this shell to an AWS SSO profile), completion of profile names,
# a prompt segment "profile role 52m" and auto-refresh of credentials close to expiry.
# fish has no clock builtin, so the segment costs one `date` per prompt while a profile is active.

set -g __sso_env_exe {{exe}}
set -g __sso_env_prompt {{prompt}}
set -g __sso_env_segment ''
set -g __sso_env_login_needed ''
set -g __sso_env_last_try 0

function {{cmd}} --description 'Use an AWS SSO profile in this shell'
    set -l name
    switch "$argv[1]"
        case --clear
            set -l out ($__sso_env_exe unset --format fish | string collect --no-trim-newlines)
            test $pipestatus[1] -eq 0; or return 1
            printf '%s' $out | source
            __sso_env_update
            return 0
        case -h --help
            printf 'usage: %s [PROFILE | --clear]   (no PROFILE: pick one)\n' {{cmd}} >&2
            return 0
        case ''
            if isatty stdin; and isatty stderr
                set name ($__sso_env_exe pick); or return
            else
                printf 'usage: %s PROFILE | --clear (the picker needs a terminal)\n' {{cmd}} >&2
                return 2
            end
        case '*'
            set name $argv[1]
    end
    # Applied only when export succeeded: a failure leaves this shell as it was.
    set -l out ($__sso_env_exe export --format fish -- $name | string collect --no-trim-newlines)
    set -l st $pipestatus[1]
    test $st -eq 0; or return $st
    printf '%s' $out | source
    set -g __sso_env_login_needed ''
    __sso_env_update
end

# The segment for the active profile (in $__sso_env_segment); refreshes credentials that are
# within 10 minutes of expiry, at most once a minute, never with an interactive login.
function __sso_env_update
    if test -z "$SSO_ENV_PROFILE"
        set -g __sso_env_segment ''
        return 0
    end
    # Keys that do not expire (static keys, some processes): the profile, no countdown.
    if not string match -qr '^[0-9]+$' -- "$SSO_ENV_EXPIRES_AT"
        set -g __sso_env_segment "($SSO_ENV_PROFILE) "
        return 0
    end
    set -l now (date +%s)
    set -l left (math "$SSO_ENV_EXPIRES_AT - $now")
    if test $left -lt {{warn_secs}}; and test "$SSO_ENV_AUTO_REFRESH" != 0; and test (math "$now - $__sso_env_last_try") -ge {{retry_secs}}
        set -g __sso_env_last_try $now
        set -l out ($__sso_env_exe export --no-login --format fish -- $SSO_ENV_PROFILE 2>/dev/null | string collect --no-trim-newlines)
        if test $pipestatus[1] -eq 0
            printf '%s' $out | source
            set -g __sso_env_login_needed ''
            set left (math "$SSO_ENV_EXPIRES_AT - $now")
        else
            set -g __sso_env_login_needed 1
        end
    end
    set -l when
    if test $left -le 0
        set when expired
    else if test $left -lt 60
        set when {$left}s!
    else if test $left -lt {{warn_secs}}
        set when (math --scale=0 "$left / 60")m!
    else if test $left -lt 3600
        set when (math --scale=0 "$left / 60")m
    else
        set when (printf '%dh%02dm' (math --scale=0 "$left / 3600") (math --scale=0 "$left % 3600 / 60"))
    end
    test -n "$__sso_env_login_needed"; and set when "$when login-needed"
    set -g __sso_env_segment "($SSO_ENV_PROFILE $SSO_ENV_ROLE_NAME $when) "
end

function __sso_env_on_prompt --on-event fish_prompt
    __sso_env_update
end

# For a prompt of your own (with --no-prompt): call this where the segment should go.
function sso_env_prompt_segment
    printf '%s' $__sso_env_segment
end

# starship shows AWS_PROFILE and AWS_CREDENTIAL_EXPIRATION itself: stay out of its way.
if test "$__sso_env_prompt" = 1; and not set -q STARSHIP_SHELL; and not functions -q __sso_env_user_prompt
    if functions -q fish_prompt
        functions -c fish_prompt __sso_env_user_prompt
    else
        function __sso_env_user_prompt
            printf '%s> ' (prompt_pwd)
        end
    end
    function fish_prompt
        # Keep $status for the wrapped prompt, which may show it.
        set -l last $status
        printf '%s' $__sso_env_segment
        __sso_env_return $last
        __sso_env_user_prompt
    end
end

function __sso_env_return
    return $argv[1]
end

function __sso_env_profiles
    $__sso_env_exe profiles --names 2>/dev/null
end
complete -c {{cmd}} -f -a '(__sso_env_profiles)'
# sso-env itself: profile names after export, exec, console and --profile.
complete -c sso-env -n '__fish_seen_subcommand_from export exec console' -f -a '(__sso_env_profiles)'
complete -c sso-env -l profile -x -a '(__sso_env_profiles)'

# Opt-in key binding (sso-env init fish --picker-key KEY): opens the picker, then repaints.
# The key is written bare so fish reads its escapes (`\cg`); sso-env allows only the characters
# key notations use.
set -l __sso_env_key {{picker_key}}
if test -n "$__sso_env_key"
    bind {{picker_key_bare}} '{{cmd}}; commandline -f repaint'
end
