# sso-env hook for zsh, printed by `sso-env init zsh`.
# Install: add   eval "$(sso-env init zsh)"   to ~/.zshrc (after compinit, for completion).
#
# Defines {{cmd}} (switch this shell to an AWS SSO profile), completion of profile names,
# a prompt segment "profile role 52m" and auto-refresh of credentials close to expiry.
# Drawing the prompt starts no process: the clock is $EPOCHSECONDS from zsh/datetime; the
# refresh runs in the background and the prompt after it picks up its result.

zmodload zsh/datetime 2>/dev/null
typeset -g __sso_env_exe={{exe}}
typeset -g __sso_env_prompt={{prompt}}
typeset -g __sso_env_segment='' __sso_env_job='' __sso_env_dir
typeset -gi __sso_env_last_try=0 __sso_env_seq

{{cmd}}() {
    local __sso_env_out __sso_env_name
    case "${1-}" in
        --clear)
            __sso_env_out="$("$__sso_env_exe" unset --format zsh)" || return
            eval "$__sso_env_out"
            __sso_env_precmd
            return 0
            ;;
        -h | --help)
            print -ru2 -- "usage: {{cmd}} [PROFILE | --clear]   (no PROFILE: pick one)"
            return 0
            ;;
        '')
            if [[ -t 0 && -t 2 ]]; then
                __sso_env_name="$("$__sso_env_exe" pick)" || return
            else
                print -ru2 -- "usage: {{cmd}} PROFILE | --clear (the picker needs a terminal)"
                return 2
            fi
            ;;
        *) __sso_env_name="$1" ;;
    esac
    # Applied only when export succeeded: a failure leaves this shell as it was.
    __sso_env_out="$("$__sso_env_exe" export --format zsh -- "$__sso_env_name")" || return
    eval "$__sso_env_out"
    __sso_env_drop
    unset SSO_ENV_NOTICE
    __sso_env_precmd
}

# The segment for the active profile (in $__sso_env_segment). Credentials within 10 minutes
# of expiry are refreshed in the background, at most once a minute, never with an interactive
# login; $SSO_ENV_NOTICE (exported, for starship) says `login-needed` or `offline` until a
# refresh succeeds.
__sso_env_update() {
    local -i now left
    local when role
    __sso_env_collect
    if [[ -z ${SSO_ENV_PROFILE-} ]]; then
        __sso_env_segment=''
        unset SSO_ENV_NOTICE
        return 0
    fi
    # Keys that do not expire (static keys, some processes): the profile, no countdown.
    if [[ ${SSO_ENV_EXPIRES_AT-} != <-> ]]; then
        __sso_env_segment="(${SSO_ENV_PROFILE}) "
        return 0
    fi
    now=$EPOCHSECONDS
    left=$(( SSO_ENV_EXPIRES_AT - now ))
    # A refresh not done after five tries' time (killed, its files removed) is given up.
    if (( left < {{warn_secs}} )) && [[ ${SSO_ENV_AUTO_REFRESH-1} != 0 ]] && (( now - __sso_env_last_try >= {{retry_secs}} )) && { [[ -z $__sso_env_job ]] || (( now - __sso_env_last_try >= 5 * {{retry_secs}} )) }; then
        __sso_env_last_try=$now
        __sso_env_refresh
    fi
    if (( left <= 0 )); then
        when='expired'
    elif (( left < 60 )); then
        when="${left}s!"
    elif (( left < {{warn_secs}} )); then
        when="$(( left / 60 ))m!"
    elif (( left < 3600 )); then
        when="$(( left / 60 ))m"
    else
        printf -v when '%dh%02dm' $(( left / 3600 )) $(( left % 3600 / 60 ))
    fi
    [[ -n ${SSO_ENV_NOTICE-} ]] && when="$when $SSO_ENV_NOTICE"
    # A profile named after its role shows the name once.
    role=${SSO_ENV_ROLE_NAME-}
    [[ $role != "$SSO_ENV_PROFILE" ]] || role=''
    __sso_env_segment="(${SSO_ENV_PROFILE} ${role:+$role }${when}) "
    return 0
}

# Starts `export --no-login` in the background (`&!`: no job, no messages), so that no prompt
# waits for the network (and nothing reads the terminal: an MFA role says exit {{exit_mfa_needed}} instead
# of asking). Its output and status go to a private directory (mktemp -d: 0700), in files named
# by the refresh's number (N.out, N.status), and `current` names the refresh this shell waits
# for: a refresh it stopped waiting for (a switch to another profile) removes its result
# unread, so a late one never lands on the profile switched to.
__sso_env_refresh() {
    if [[ -z $__sso_env_dir || ! -d $__sso_env_dir ]]; then
        __sso_env_dir=$(mktemp -d) || return 0
    fi
    (( ++__sso_env_seq ))
    print -r -- $__sso_env_seq >| "$__sso_env_dir/current" || return 0
    __sso_env_job=$SSO_ENV_PROFILE
    (
        # Not the user's options: a failing export must still report its status.
        emulate zsh
        setopt null_glob
        umask 077
        local f=$__sso_env_dir/$__sso_env_seq cur rc
        rm -f -- $__sso_env_dir/*.(out|status)
        "$__sso_env_exe" export --no-login --format zsh -- "$__sso_env_job" >| "$f.out" 2>/dev/null
        rc=$?
        read -r cur < "$__sso_env_dir/current"
        if [[ $cur == $__sso_env_seq ]]; then
            print -r -- $rc >| "$f.status"
        else
            rm -f -- "$f.out"
        fi
    ) </dev/null >/dev/null 2>&1 &!
    return 0
}

# Stops waiting for a refresh under way (this shell switched profile): its result is dropped.
__sso_env_drop() {
    __sso_env_job=''
    if [[ -n $__sso_env_dir && -d $__sso_env_dir ]]; then
        : >| "$__sso_env_dir/current"
    fi
    return 0
}

# Applies a finished background refresh: the credentials, or what stopped it (sso-env's exit
# codes: {{exit_login_needed}} needs a sign-in, {{exit_offline}} could not reach Identity Center).
__sso_env_collect() {
    [[ -n $__sso_env_job ]] || return 0
    local rc='' f=$__sso_env_dir/$__sso_env_seq
    # The directory is gone (a tmp cleaner): that refresh cannot report; the next starts now.
    if [[ ! -d $__sso_env_dir ]]; then
        __sso_env_job=''
        __sso_env_last_try=0
        return 0
    fi
    [[ -r $f.status ]] || return 0
    read -r rc < "$f.status" || rc=''
    [[ $rc == <-> ]] || return 0
    if [[ $__sso_env_job == "${SSO_ENV_PROFILE-}" ]]; then
        case $rc in
            0) source "$f.out"; unset SSO_ENV_NOTICE ;;
            {{exit_login_needed}}) export SSO_ENV_NOTICE=login-needed ;;
            {{exit_offline}}) export SSO_ENV_NOTICE=offline ;;
            {{exit_mfa_needed}}) export SSO_ENV_NOTICE=mfa-needed ;;
            *) export SSO_ENV_NOTICE=refresh-failed ;;
        esac
    fi
    # The credentials do not stay on disk.
    : >| "$f.out"
    __sso_env_job=''
    return 0
}

# Keys expired or about to (a laptop that slept, a shell left at its prompt) are refreshed
# before the command runs (preexec), waiting {{fg_secs}} s at most; a slower refresh goes on in the
# background for the next prompt. Credentials another shell already renewed are a few
# milliseconds. zselect waits without a process.
__sso_env_preexec() {
    local -i now=$EPOCHSECONDS i
    __sso_env_collect
    [[ -n ${SSO_ENV_PROFILE-} && ${SSO_ENV_EXPIRES_AT-} == <-> && ${SSO_ENV_AUTO_REFRESH-1} != 0 ]] || return 0
    (( SSO_ENV_EXPIRES_AT - now < 60 )) || return 0
    # A refresh under way, or one that failed a moment ago, is not waited for again.
    [[ -z $__sso_env_job ]] || return 0
    [[ -z ${SSO_ENV_NOTICE-} ]] || (( now - __sso_env_last_try >= {{retry_secs}} )) || return 0
    __sso_env_last_try=$now
    __sso_env_refresh
    zmodload zsh/zselect 2>/dev/null || true
    for (( i = 0; i < {{fg_secs}} * 10; i++ )); do
        [[ ! -e $__sso_env_dir/$__sso_env_seq.status ]] || break
        if (( ${+builtins[zselect]} )); then
            zselect -t 10 || true
        else
            sleep 0.1
        fi
    done
    __sso_env_collect
    return 0
}

# For a prompt of your own (with --no-prompt): call this, or use $__sso_env_segment.
sso_env_prompt_segment() {
    print -rn -- "$__sso_env_segment"
}

__sso_env_precmd() {
    __sso_env_update
    [[ $__sso_env_prompt == 1 ]] || return 0
    # starship and powerlevel10k draw AWS_PROFILE and AWS_CREDENTIAL_EXPIRATION themselves
    # (and p10k users can add `sso_env`, below). starship is known by its prompt function:
    # STARSHIP_SHELL is inherited by shells without it.
    (( ${+functions[prompt_starship_precmd]} || ${+functions[starship_precmd]} || ${+functions[p10k]} )) && return 0
    # Run after every other precmd, so that one rebuilding PROMPT (vcs_info, a theme) is seen.
    if [[ ${precmd_functions[-1]} != __sso_env_precmd ]]; then
        precmd_functions=(${precmd_functions:#__sso_env_precmd} __sso_env_precmd)
    fi
    __sso_env_place
}

# Puts the segment in PROMPT as a reference, so that its text is shown, never run or read as
# prompt escapes, under any option, and prompts that copy PROMPT (a venv's activate, a
# re-sourced zshrc) copy the reference, not a text that would go stale: `%27v` (psvar[27],
# inserted as it is) with prompt_percent (the default), else `${__sso_env_subst}` with
# prompt_subst, else the text itself (`!` doubled for prompt_bang), swapped wherever it went.
__sso_env_place() {
    local seg=$__sso_env_segment want
    [[ -o prompt_bang ]] && seg=${seg//\!/!!}
    if [[ -o prompt_percent ]]; then
        psvar[27]=$__sso_env_segment
        want='%27v'
    elif [[ -o prompt_subst ]]; then
        __sso_env_subst=$seg
        want='${__sso_env_subst}'
    else
        want=$seg
    fi
    if [[ -n $__sso_env_placed && $__sso_env_placed != "$want" ]]; then
        PROMPT=${PROMPT//"$__sso_env_placed"/}
    fi
    if [[ -n $want && $PROMPT != *"$want"* ]]; then
        PROMPT="$want$PROMPT"
    fi
    __sso_env_placed=$want
    return 0
}

typeset -g __sso_env_placed __sso_env_subst
if (( ${precmd_functions[(Ie)__sso_env_precmd]:-0} == 0 )); then
    precmd_functions+=(__sso_env_precmd)
fi
if (( ${preexec_functions[(Ie)__sso_env_preexec]:-0} == 0 )); then
    preexec_functions+=(__sso_env_preexec)
fi

# powerlevel10k: add `sso_env` to POWERLEVEL9K_LEFT_PROMPT_ELEMENTS (or _RIGHT_) for profile,
# role and time left: `!` under 10 minutes, then `expired`, `login-needed` or `offline`. States
# OK, WARN and EXPIRED (POWERLEVEL9K_SSO_ENV_WARN_FOREGROUND=...); `%` is escaped, and p10k does
# not expand the text further, so it is shown as it is.
prompt_sso_env() {
    __sso_env_update
    [[ -n $__sso_env_segment ]] || return 0
    local text=${${__sso_env_segment#\(}%\) } state=OK fg=208
    local -i left=$(( SSO_ENV_EXPIRES_AT - EPOCHSECONDS ))
    if (( left <= 0 )); then
        state=EXPIRED fg=1
    elif (( left < {{warn_secs}} )) || [[ -n ${SSO_ENV_NOTICE-} ]]; then
        state=WARN fg=3
    fi
    p10k segment -s $state -f $fg -t "${text//\%/%%}"
}

__sso_env_complete() {
    local -a names
    names=("${(@f)$("$__sso_env_exe" profiles --names 2>/dev/null)}")
    compadd -a names
}
# sso-env itself: profile names after export, exec, serve, console and --profile; everything else
# from clap's completion (`_sso-env`) when it is installed.
__sso_env_cli_complete() {
    if [[ ${words[CURRENT-1]} == --profile ]] || { (( CURRENT == 3 )) && [[ ${words[2]} == (export|exec|serve|console) && ${words[CURRENT]} != -* ]]; }; then
        __sso_env_complete
    elif (( ${+functions[_sso-env]} )); then
        _sso-env "$@"
    fi
}
if (( ${+functions[compdef]} )); then
    compdef __sso_env_complete {{cmd}}
    compdef __sso_env_cli_complete sso-env
fi

# Opt-in key binding (sso-env init zsh --picker-key KEY): opens the picker and redraws the
# prompt in place.
__sso_env_widget() {
    {{cmd}} </dev/tty
    zle reset-prompt
}
typeset -g __sso_env_key={{picker_key}}
if [[ -n $__sso_env_key && -o zle ]]; then
    zle -N __sso_env_widget
    bindkey "$__sso_env_key" __sso_env_widget
fi
