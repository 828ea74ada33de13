# sso-env hook for zsh, printed by `sso-env init zsh`.
# Install: add   eval "$(sso-env init zsh)"   to ~/.zshrc (after compinit, for completion).
#
# Defines {{cmd}} (switch this shell to an AWS SSO profile), completion of profile names,
# a prompt segment "profile role 52m" and auto-refresh of credentials close to expiry.
# Drawing the prompt starts no process: the clock is $EPOCHSECONDS from zsh/datetime.

zmodload zsh/datetime 2>/dev/null
typeset -g __sso_env_exe={{exe}}
typeset -g __sso_env_prompt={{prompt}}
typeset -g __sso_env_segment='' __sso_env_shown='' __sso_env_login_needed=''
typeset -gi __sso_env_last_try=0

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
    __sso_env_login_needed=''
    __sso_env_precmd
}

# The segment for the active profile (in $__sso_env_segment); refreshes credentials that are
# within 10 minutes of expiry, at most once a minute, never with an interactive login.
__sso_env_update() {
    local -i now left
    local when out
    if [[ -z ${SSO_ENV_PROFILE-} ]]; then
        __sso_env_segment=''
        return 0
    fi
    # Keys that do not expire (static keys, some processes): the profile, no countdown.
    if [[ ${SSO_ENV_EXPIRES_AT-} != <-> ]]; then
        __sso_env_segment="(${SSO_ENV_PROFILE}) "
        return 0
    fi
    now=$EPOCHSECONDS
    left=$(( SSO_ENV_EXPIRES_AT - now ))
    if (( left < {{warn_secs}} )) && [[ ${SSO_ENV_AUTO_REFRESH-1} != 0 ]] && (( now - __sso_env_last_try >= {{retry_secs}} )); then
        __sso_env_last_try=$now
        if out="$("$__sso_env_exe" export --no-login --format zsh -- "$SSO_ENV_PROFILE" 2>/dev/null)"; then
            eval "$out"
            __sso_env_login_needed=''
            left=$(( SSO_ENV_EXPIRES_AT - now ))
        else
            __sso_env_login_needed=1
        fi
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
    [[ -n $__sso_env_login_needed ]] && when="$when login-needed"
    __sso_env_segment="(${SSO_ENV_PROFILE} ${SSO_ENV_ROLE_NAME-} ${when}) "
}

# For a prompt of your own (with --no-prompt): call this, or use $__sso_env_segment.
sso_env_prompt_segment() {
    print -rn -- "$__sso_env_segment"
}

__sso_env_precmd() {
    __sso_env_update
    [[ $__sso_env_prompt == 1 ]] || return 0
    # starship and powerlevel10k show AWS_PROFILE and AWS_CREDENTIAL_EXPIRATION themselves.
    [[ -n ${STARSHIP_SHELL-} ]] && return 0
    (( ${+functions[p10k]} )) && return 0
    # Swap our previous segment for the new one at the start of PROMPT. `%` is escaped so the
    # text is shown as it is (prompt_subst is not needed and not touched).
    local shown=${__sso_env_segment//\%/%%}
    if [[ -n $__sso_env_shown && $PROMPT == "$__sso_env_shown"* ]]; then
        PROMPT=${PROMPT#"$__sso_env_shown"}
    fi
    PROMPT="$shown$PROMPT"
    __sso_env_shown=$shown
}

if (( ${precmd_functions[(Ie)__sso_env_precmd]:-0} == 0 )); then
    precmd_functions+=(__sso_env_precmd)
fi

__sso_env_complete() {
    local -a names
    names=("${(@f)$("$__sso_env_exe" profiles --names 2>/dev/null)}")
    compadd -a names
}
# sso-env itself: profile names after export, exec, console and --profile; everything else
# from clap's completion (`_sso-env`) when it is installed.
__sso_env_cli_complete() {
    if [[ ${words[CURRENT-1]} == --profile ]] || { (( CURRENT == 3 )) && [[ ${words[2]} == (export|exec|console) && ${words[CURRENT]} != -* ]]; }; then
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
