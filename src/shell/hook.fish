# sso-env hook for fish, printed by `sso-env init fish`.
# Install: add   sso-env init fish | source   to ~/.config/fish/config.fish.
#
# Defines {{cmd}} (switch this shell to an AWS SSO profile), completion of profile names,
# a prompt segment "profile role 52m" and auto-refresh of credentials close to expiry.
# fish has no clock builtin: the time is the mtime of a file the hook rewrites (`path mtime`,
# fish 3.5+; one `date` per prompt on older fish), only while a profile is active; the refresh
# runs in the background and the prompt after it picks up its result.

set -g __sso_env_exe {{exe}}
set -g __sso_env_prompt {{prompt}}
set -g __sso_env_segment ''
set -g __sso_env_last_try 0
set -g __sso_env_job ''
set -q __sso_env_seq; or set -g __sso_env_seq 0
set -q __sso_env_dir; or set -g __sso_env_dir ''

function {{cmd}} --description 'Use an AWS SSO profile in this shell'
    set -l name
    switch "$argv[1]"
        case --clear
            set -l out ($__sso_env_exe unset --format fish | string collect --no-trim-newlines)
            set -l st $pipestatus[1]
            test $st -eq 0; or return $st
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
    __sso_env_drop
    set -e SSO_ENV_NOTICE
    __sso_env_update
    return 0
end

# The segment for the active profile (in $__sso_env_segment). Credentials within 10 minutes
# of expiry are refreshed in the background, at most once a minute, never with an interactive
# login; $SSO_ENV_NOTICE (exported, for starship) says `login-needed` or `offline` until a
# refresh succeeds.
function __sso_env_update
    __sso_env_collect
    if test -z "$SSO_ENV_PROFILE"
        set -g __sso_env_segment ''
        set -e SSO_ENV_NOTICE
        return 0
    end
    # Keys that do not expire (static keys, some processes): the profile, no countdown.
    if not string match -qr '^[0-9]+$' -- "$SSO_ENV_EXPIRES_AT"
        set -g __sso_env_segment "($SSO_ENV_PROFILE) "
        return 0
    end
    set -l now (__sso_env_now)
    set -l left (math "$SSO_ENV_EXPIRES_AT - $now")
    set -l since (math "$now - $__sso_env_last_try")
    # A refresh not done after five tries' time (killed, its files removed) is given up.
    if test $left -lt {{warn_secs}}; and test "$SSO_ENV_AUTO_REFRESH" != 0; and test $since -ge {{retry_secs}}; and begin
            test -z "$__sso_env_job"; or test $since -ge (math "5 * {{retry_secs}}")
        end
        set -g __sso_env_last_try $now
        __sso_env_refresh
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
    set -q SSO_ENV_NOTICE[1]; and set when "$when $SSO_ENV_NOTICE"
    # A profile named after its role shows the name once.
    set -l role "$SSO_ENV_ROLE_NAME "
    test "$SSO_ENV_ROLE_NAME" = "$SSO_ENV_PROFILE"; or test -z "$SSO_ENV_ROLE_NAME"; and set role ''
    set -g __sso_env_segment "($SSO_ENV_PROFILE $role$when) "
    # `set` keeps the status of the command before it: this function succeeded.
    return 0
end

# The time in seconds without a process: the mtime of a file rewritten here (`path`, fish 3.5+).
function __sso_env_now
    if builtin -q path; and __sso_env_ensure_dir; and printf '' >$__sso_env_dir/clock 2>/dev/null
        path mtime $__sso_env_dir/clock
    else
        date +%s
    end
end

# The private directory (mktemp -d: 0700), made again when a tmp cleaner removed it.
function __sso_env_ensure_dir
    test -n "$__sso_env_dir"; and test -d "$__sso_env_dir"; and return 0
    set -g __sso_env_dir (mktemp -d); or return 1
end

# Starts `export --no-login` in the background, so that no prompt waits for the network (and
# nothing reads the terminal: an MFA role says exit {{exit_mfa_needed}} instead of asking). sh runs it
# (fish cannot background its own code); `disown` keeps job messages away. Its output and
# status go to the private directory, in files named by the refresh's number (N.out,
# N.status), and `current` names the refresh this shell waits for: a refresh it stopped
# waiting for (a switch to another profile) removes its result unread, so a late one never
# lands on the profile switched to.
function __sso_env_refresh
    __sso_env_ensure_dir; or return 0
    set -g __sso_env_seq (math $__sso_env_seq + 1)
    printf '%s\n' $__sso_env_seq >$__sso_env_dir/current; or return 0
    set -g __sso_env_job $SSO_ENV_PROFILE
    sh -c 'umask 077; rm -f -- "$3"/*.out "$3"/*.status; "$1" export --no-login --format fish -- "$2" >"$3/$4.out" 2>/dev/null; rc=$?; read -r cur <"$3/current"; if [ "$cur" = "$4" ]; then echo $rc >"$3/$4.status"; else rm -f -- "$3/$4.out"; fi' sh $__sso_env_exe $__sso_env_job $__sso_env_dir $__sso_env_seq </dev/null >/dev/null 2>&1 &
    disown
    return 0
end

# Stops waiting for a refresh under way (this shell switched profile): its result is dropped.
function __sso_env_drop
    set -g __sso_env_job ''
    test -n "$__sso_env_dir"; and test -d "$__sso_env_dir"; and printf '' >$__sso_env_dir/current
    return 0
end

# Applies a finished background refresh: the credentials, or what stopped it (sso-env's exit
# codes: {{exit_login_needed}} needs a sign-in, {{exit_offline}} could not reach Identity Center).
function __sso_env_collect
    test -n "$__sso_env_job"; or return 0
    # The directory is gone (a tmp cleaner): that refresh cannot report; the next starts now.
    if not test -d "$__sso_env_dir"
        set -g __sso_env_job ''
        set -g __sso_env_last_try 0
        return 0
    end
    set -l f $__sso_env_dir/$__sso_env_seq
    test -r $f.status; or return 0
    read -l rc <$f.status
    string match -qr '^[0-9]+$' -- "$rc"; or return 0
    if test "$__sso_env_job" = "$SSO_ENV_PROFILE"
        switch $rc
            case 0
                source $f.out
                set -e SSO_ENV_NOTICE
            case {{exit_login_needed}}
                set -gx SSO_ENV_NOTICE login-needed
            case {{exit_offline}}
                set -gx SSO_ENV_NOTICE offline
            case {{exit_mfa_needed}}
                set -gx SSO_ENV_NOTICE mfa-needed
            case '*'
                set -gx SSO_ENV_NOTICE refresh-failed
        end
    end
    # The credentials do not stay on disk.
    printf '' >$f.out
    set -g __sso_env_job ''
    return 0
end

# Keys expired or about to (a laptop that slept, a shell left at its prompt) are refreshed
# before the command runs (fish_preexec), waiting {{fg_secs}} s at most; a slower refresh goes on in
# the background for the next prompt. Credentials another shell already renewed are a few
# milliseconds.
function __sso_env_preexec --on-event fish_preexec
    __sso_env_collect
    test -n "$SSO_ENV_PROFILE"; and test "$SSO_ENV_AUTO_REFRESH" != 0; or return 0
    string match -qr '^[0-9]+$' -- "$SSO_ENV_EXPIRES_AT"; or return 0
    set -l now (__sso_env_now)
    test (math "$SSO_ENV_EXPIRES_AT - $now") -lt 60; or return 0
    # A refresh under way, or one that failed a moment ago, is not waited for again.
    test -z "$__sso_env_job"; or return 0
    set -q SSO_ENV_NOTICE[1]; and test (math "$now - $__sso_env_last_try") -lt {{retry_secs}}; and return 0
    set -g __sso_env_last_try $now
    __sso_env_refresh
    set -l i 0
    while test $i -lt (math "{{fg_secs}} * 10")
        test -e $__sso_env_dir/$__sso_env_seq.status; and break
        sleep 0.1
        set i (math $i + 1)
    end
    __sso_env_collect
    return 0
end

# starship draws AWS_PROFILE and AWS_CREDENTIAL_EXPIRATION itself: the hook stays out of its
# prompt (but still refreshes, before it draws). It is known by its prompt function
# (STARSHIP_SHELL is inherited by shells without it).
function __sso_env_starship
    string match -q '*starship prompt*' -- (functions fish_prompt 2>/dev/null)
end

function __sso_env_on_prompt --on-event fish_prompt
    __sso_env_update
    test "$__sso_env_prompt" = 1; and __sso_env_wrap
    return 0
end

# For a prompt of your own (with --no-prompt): call this where the segment should go.
function sso_env_prompt_segment
    printf '%s' "$__sso_env_segment"
end

# Wraps fish_prompt so that the segment comes first; a fish_prompt defined after the hook (a
# theme, a later line in config.fish) is wrapped at the next prompt.
function __sso_env_wrap
    if functions -q fish_prompt
        string match -q '*__sso_env_user_prompt*' -- (functions fish_prompt); and return 0
        __sso_env_starship; and return 0
        functions -e __sso_env_user_prompt
        functions -c fish_prompt __sso_env_user_prompt
    else if not functions -q __sso_env_user_prompt
        function __sso_env_user_prompt
            printf '%s> ' (prompt_pwd)
        end
    end
    function fish_prompt
        # Keep $status for the wrapped prompt, which may show it.
        set -l last $status
        printf '%s' "$__sso_env_segment"
        __sso_env_return $last
        __sso_env_user_prompt
    end
end

if test "$__sso_env_prompt" = 1
    __sso_env_wrap
end

function __sso_env_return
    return $argv[1]
end

function __sso_env_profiles
    $__sso_env_exe profiles --names 2>/dev/null
end
complete -c {{cmd}} -f -a '(__sso_env_profiles)'
# sso-env itself: profile names after export, exec, serve, console and --profile.
complete -c sso-env -n '__fish_seen_subcommand_from export exec serve console' -f -a '(__sso_env_profiles)'
complete -c sso-env -l profile -x -a '(__sso_env_profiles)'

# Opt-in key binding (sso-env init fish --picker-key KEY): opens the picker, then repaints.
# The key is written bare so fish reads its escapes (`\cg`); sso-env allows only the characters
# key notations use.
set -l __sso_env_key {{picker_key}}
if test -n "$__sso_env_key"
    bind {{picker_key_bare}} '{{cmd}}; commandline -f repaint'
end
