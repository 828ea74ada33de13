# sso-env hook for bash, printed by `sso-env init bash`.
# Install: add   eval "$(sso-env init bash)"   to ~/.bashrc.
#
# Defines {{cmd}} (switch this shell to an AWS SSO profile), completion of profile names,
# a prompt segment "profile role 52m" and auto-refresh of credentials close to expiry.
# Drawing the prompt starts no process: the clock is $EPOCHSECONDS or printf's %(%s)T.

__sso_env_exe={{exe}}
__sso_env_prompt={{prompt}}
__sso_env_segment=''
__sso_env_login_needed=''
__sso_env_last_try=0

{{cmd}}() {
    local __sso_env_out __sso_env_name
    case "${1-}" in
        --clear)
            __sso_env_out="$("${__sso_env_exe}" unset --format bash)" || return
            eval "${__sso_env_out}"
            __sso_env_update
            return 0
            ;;
        -h | --help)
            printf 'usage: %s [PROFILE | --clear]   (no PROFILE: pick one)\n' '{{cmd}}' >&2
            return 0
            ;;
        '')
            if [[ -t 0 ]] && [[ -t 2 ]]; then
                __sso_env_name="$("${__sso_env_exe}" pick)" || return
            else
                printf 'usage: %s PROFILE | --clear (the picker needs a terminal)\n' '{{cmd}}' >&2
                return 2
            fi
            ;;
        *) __sso_env_name="${1}" ;;
    esac
    # Applied only when export succeeded: a failure leaves this shell as it was.
    __sso_env_out="$("${__sso_env_exe}" export --format bash -- "${__sso_env_name}")" || return
    eval "${__sso_env_out}"
    __sso_env_login_needed=''
    __sso_env_update
}

# The segment for the active profile (in $__sso_env_segment); refreshes credentials that are
# within 10 minutes of expiry, at most once a minute, never with an interactive login.
__sso_env_update() {
    local now left when
    if [[ -z "${SSO_ENV_PROFILE-}" ]]; then
        __sso_env_segment=''
        return 0
    fi
    # Keys that do not expire (static keys, some processes): the profile, no countdown.
    if [[ ! ${SSO_ENV_EXPIRES_AT-} =~ ^[0-9]+$ ]]; then
        __sso_env_segment="(${SSO_ENV_PROFILE}) "
        return 0
    fi
    if [[ -n "${EPOCHSECONDS-}" ]]; then now=${EPOCHSECONDS}; else printf -v now '%(%s)T' -1; fi
    left=$((SSO_ENV_EXPIRES_AT - now))
    if ((left < {{warn_secs}})) && [[ "${SSO_ENV_AUTO_REFRESH-1}" != 0 ]] && ((now - __sso_env_last_try >= {{retry_secs}})); then
        __sso_env_last_try=${now}
        local out
        if out="$("${__sso_env_exe}" export --no-login --format bash -- "${SSO_ENV_PROFILE}" 2>/dev/null)"; then
            eval "${out}"
            __sso_env_login_needed=''
            left=$((SSO_ENV_EXPIRES_AT - now))
        else
            __sso_env_login_needed=1
        fi
    fi
    if ((left <= 0)); then
        when='expired'
    elif ((left < 60)); then
        when="${left}s!"
    elif ((left < {{warn_secs}})); then
        when="$((left / 60))m!"
    elif ((left < 3600)); then
        when="$((left / 60))m"
    else
        printf -v when '%dh%02dm' $((left / 3600)) $((left % 3600 / 60))
    fi
    [[ -n "${__sso_env_login_needed}" ]] && when="${when} login-needed"
    __sso_env_segment="(${SSO_ENV_PROFILE} ${SSO_ENV_ROLE_NAME-} ${when}) "
}

# For a prompt of your own (with --no-prompt): put ${__sso_env_segment} in PS1, or call this.
sso_env_prompt_segment() {
    printf '%s' "${__sso_env_segment}"
}

__sso_env_prompt_command() {
    local status=${?}
    __sso_env_update
    # starship shows AWS_PROFILE and AWS_CREDENTIAL_EXPIRATION itself: stay out of its way.
    # The segment goes into PS1 by name, so its text is shown, never expanded as prompt code.
    # shellcheck disable=SC2016
    if [[ "${__sso_env_prompt}" = 1 ]] && [[ -z "${STARSHIP_SHELL-}" ]] && [[ ${PS1} != *'${__sso_env_segment}'* ]]; then
        PS1='${__sso_env_segment}'"${PS1}"
    fi
    return "${status}"
}

if [[ ";${PROMPT_COMMAND[*]-};" != *";__sso_env_prompt_command;"* ]]; then
    PROMPT_COMMAND="__sso_env_prompt_command${PROMPT_COMMAND:+;${PROMPT_COMMAND}}"
fi

__sso_env_complete() {
    local cur="${COMP_WORDS[COMP_CWORD]}" name quoted
    COMPREPLY=()
    while IFS= read -r name; do
        [[ ${name} == "${cur}"* ]] || continue
        printf -v quoted '%q' "${name}"
        COMPREPLY+=("${quoted}")
    done < <("${__sso_env_exe}" profiles --names 2>/dev/null || true)
}
complete -F __sso_env_complete {{cmd}}

# sso-env itself: profile names after export, exec, console and --profile; everything else
# from clap's completion, loaded on first use (one sso-env run, at that moment only).
__sso_env_cli_complete() {
    local sub="${COMP_WORDS[1]-}" prev="${COMP_WORDS[COMP_CWORD - 1]-}" cur="${COMP_WORDS[COMP_CWORD]}"
    if [[ ${prev} == --profile ]] || { [[ ${COMP_CWORD} -eq 2 && ${cur} != -* ]] && [[ ${sub} == export || ${sub} == exec || ${sub} == console ]]; }; then
        __sso_env_complete
        return 0
    fi
    if ! declare -F _sso__env >/dev/null; then
        # shellcheck disable=SC1090
        source <("${__sso_env_exe}" completions bash 2>/dev/null || true)
        complete -F __sso_env_cli_complete sso-env
    fi
    declare -F _sso__env >/dev/null && _sso__env "${@}"
}
complete -F __sso_env_cli_complete sso-env

# Opt-in key binding (sso-env init bash --picker-key KEY): runs {{cmd}} with no profile,
# which opens the picker; the prompt is drawn anew afterwards.
__sso_env_key={{picker_key}}
if [[ -n "${__sso_env_key}" ]] && [[ $- == *i* ]]; then
    bind "\"${__sso_env_key}\": \"\\C-a\\C-k{{cmd}}\\C-m\""
fi
