# sso-env hook for bash, printed by `sso-env init bash`.
# Install: add   eval "$(sso-env init bash)"   to ~/.bashrc.
#
# Defines {{cmd}} (switch this shell to an AWS SSO profile), completion of profile names,
# a prompt segment "profile role 52m" and auto-refresh of credentials close to expiry.
# Drawing the prompt starts no process: the clock is $EPOCHSECONDS or printf's %(%s)T; the
# refresh runs in the background and the prompt after it picks up its result.

__sso_env_exe={{exe}}
__sso_env_prompt={{prompt}}
__sso_env_segment=''
__sso_env_last_try=0
__sso_env_job=''
__sso_env_seq=${__sso_env_seq-0}
__sso_env_armed=''
__sso_env_dir=${__sso_env_dir-}

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
    __sso_env_drop
    unset SSO_ENV_NOTICE
    __sso_env_update
}

# The segment for the active profile (in $__sso_env_segment). Credentials within 10 minutes
# of expiry are refreshed in the background, at most once a minute, never with an interactive
# login; $SSO_ENV_NOTICE (exported, for starship) says `login-needed` or `offline` until a
# refresh succeeds.
__sso_env_update() {
    local now left when role
    __sso_env_collect
    if [[ -z "${SSO_ENV_PROFILE-}" ]]; then
        __sso_env_segment=''
        unset SSO_ENV_NOTICE
        return 0
    fi
    # Keys that do not expire (static keys, some processes): the profile, no countdown.
    if [[ ! ${SSO_ENV_EXPIRES_AT-} =~ ^[0-9]+$ ]]; then
        __sso_env_segment="(${SSO_ENV_PROFILE}) "
        return 0
    fi
    if [[ -n "${EPOCHSECONDS-}" ]]; then now=${EPOCHSECONDS}; else printf -v now '%(%s)T' -1; fi
    left=$((SSO_ENV_EXPIRES_AT - now))
    # A refresh not done after five tries' time (killed, its files removed) is given up.
    if ((left < {{warn_secs}})) && [[ "${SSO_ENV_AUTO_REFRESH-1}" != 0 ]] && ((now - __sso_env_last_try >= {{retry_secs}})) && { [[ -z "${__sso_env_job}" ]] || ((now - __sso_env_last_try >= 5 * {{retry_secs}})); }; then
        __sso_env_last_try=${now}
        __sso_env_refresh
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
    [[ -n "${SSO_ENV_NOTICE-}" ]] && when="${when} ${SSO_ENV_NOTICE}"
    # A profile named after its role shows the name once.
    role=${SSO_ENV_ROLE_NAME-}
    [[ "${role}" != "${SSO_ENV_PROFILE}" ]] || role=''
    __sso_env_segment="(${SSO_ENV_PROFILE} ${role:+${role} }${when}) "
    return 0
}

# Starts `export --no-login` in the background, so that no prompt waits for the network (and
# nothing reads the terminal: an MFA role says exit {{exit_mfa_needed}} instead of asking). Its output and
# status go to a private directory (mktemp -d: 0700) for the next prompt, in files named by
# the refresh's number (N.out, N.status), and `current` names the refresh this shell waits
# for: a refresh it stopped waiting for (a switch to another profile) removes its result
# unread, so a late one never lands on the profile switched to.
__sso_env_refresh() {
    if [[ -z "${__sso_env_dir}" ]] || [[ ! -d "${__sso_env_dir}" ]]; then
        __sso_env_dir=$(mktemp -d) || return 0
    fi
    __sso_env_seq=$((__sso_env_seq + 1))
    printf '%s\n' "${__sso_env_seq}" >|"${__sso_env_dir}/current" || return 0
    __sso_env_job=${SSO_ENV_PROFILE}
    # Started from a subshell, the job is not this shell's: no job-control messages.
    (
        (
            # Not the user's options: a failing export must still report its status.
            set +e
            shopt -u failglob
            umask 077
            f=${__sso_env_dir}/${__sso_env_seq}
            rm -f -- "${__sso_env_dir}"/*.out "${__sso_env_dir}"/*.status
            "${__sso_env_exe}" export --no-login --format bash -- "${__sso_env_job}" >|"${f}.out" 2>/dev/null
            rc=${?}
            cur=''
            read -r cur <"${__sso_env_dir}/current" || true
            if [[ "${cur}" == "${__sso_env_seq}" ]]; then
                printf '%s\n' "${rc}" >|"${f}.status"
            else
                rm -f -- "${f}.out"
            fi
        ) </dev/null >/dev/null 2>&1 &
    )
    return 0
}

# Stops waiting for a refresh under way (this shell switched profile): its result is dropped.
__sso_env_drop() {
    __sso_env_job=''
    if [[ -n "${__sso_env_dir}" ]] && [[ -d "${__sso_env_dir}" ]]; then
        : >|"${__sso_env_dir}/current"
    fi
    return 0
}

# Applies a finished background refresh: the credentials, or what stopped it (sso-env's exit
# codes: {{exit_login_needed}} needs a sign-in, {{exit_offline}} could not reach Identity Center).
__sso_env_collect() {
    [[ -n "${__sso_env_job}" ]] || return 0
    local rc='' f=${__sso_env_dir}/${__sso_env_seq}
    # The directory is gone (a tmp cleaner): that refresh cannot report; the next starts now.
    if [[ ! -d "${__sso_env_dir}" ]]; then
        __sso_env_job=''
        __sso_env_last_try=0
        return 0
    fi
    [[ -r "${f}.status" ]] || return 0
    read -r rc <"${f}.status" || rc=''
    [[ ${rc} =~ ^[0-9]+$ ]] || return 0
    if [[ "${__sso_env_job}" == "${SSO_ENV_PROFILE-}" ]]; then
        case ${rc} in
            0)
                # shellcheck disable=SC1090
                source "${f}.out"
                unset SSO_ENV_NOTICE
                ;;
            {{exit_login_needed}}) export SSO_ENV_NOTICE=login-needed ;;
            {{exit_offline}}) export SSO_ENV_NOTICE=offline ;;
            {{exit_mfa_needed}}) export SSO_ENV_NOTICE=mfa-needed ;;
            *) export SSO_ENV_NOTICE=refresh-failed ;;
        esac
    fi
    # The credentials do not stay on disk.
    : >|"${f}.out"
    __sso_env_job=''
    return 0
}

# Keys expired or about to (a laptop that slept, a shell left at its prompt) are refreshed
# before the command runs, in this shell (the DEBUG trap, armed by PS0), waiting {{fg_secs}} s at
# most; a slower refresh goes on in the background for the next prompt. Credentials another
# shell already renewed are a few milliseconds.
__sso_env_preexec() {
    local now i
    __sso_env_collect
    [[ -n "${SSO_ENV_PROFILE-}" ]] && [[ ${SSO_ENV_EXPIRES_AT-} =~ ^[0-9]+$ ]] && [[ "${SSO_ENV_AUTO_REFRESH-1}" != 0 ]] || return 0
    if [[ -n "${EPOCHSECONDS-}" ]]; then now=${EPOCHSECONDS}; else printf -v now '%(%s)T' -1; fi
    ((SSO_ENV_EXPIRES_AT - now < 60)) || return 0
    # A refresh under way, or one that failed a moment ago, is not waited for again.
    [[ -z "${__sso_env_job}" ]] || return 0
    [[ -z "${SSO_ENV_NOTICE-}" ]] || ((now - __sso_env_last_try >= {{retry_secs}})) || return 0
    __sso_env_last_try=${now}
    __sso_env_refresh
    for ((i = 0; i < {{fg_secs}} * 10; i++)); do
        [[ ! -e "${__sso_env_dir}/${__sso_env_seq}.status" ]] || break
        sleep 0.1
    done
    __sso_env_collect
    return 0
}

# The DEBUG trap runs before every command; only its first run after PS0 (a command line was
# read) does anything. `$_` is handed back as it was.
__sso_env_debug() {
    if [[ -n "${__sso_env_armed}" ]]; then
        __sso_env_armed=''
        __sso_env_preexec
    fi
    : "${1-}"
}

# For a prompt of your own (with --no-prompt): put ${__sso_env_segment} in PS1, or call this.
sso_env_prompt_segment() {
    printf '%s' "${__sso_env_segment}"
}

__sso_env_prompt_command() {
    local status=${?}
    __sso_env_update
    # starship draws AWS_PROFILE and AWS_CREDENTIAL_EXPIRATION itself: stay out of its way.
    # It is known by its prompt function (STARSHIP_SHELL is inherited by shells without it).
    if [[ "${__sso_env_prompt}" = 1 ]] && ! declare -F starship_precmd >/dev/null; then
        __sso_env_last
        __sso_env_place
    fi
    return "${status}"
}

# Puts the segment in PS1 by name, so that its text is shown, never run: with promptvars
# (the default) bash expands ${__sso_env_segment} once and does not expand the result again,
# and prompts that copy PS1 (a venv's activate) copy the name. Without promptvars the text
# itself goes in, backslashes doubled, and is swapped at each prompt wherever it was copied.
__sso_env_place() {
    local want
    if shopt -q promptvars; then
        # shellcheck disable=SC2016
        want='${__sso_env_segment}'
    else
        want=${__sso_env_segment//\\/\\\\}
    fi
    if [[ -n "${__sso_env_placed}" ]] && [[ "${__sso_env_placed}" != "${want}" ]]; then
        PS1=${PS1//"${__sso_env_placed}"/}
    fi
    if [[ -n "${want}" ]] && [[ ${PS1} != *"${want}"* ]]; then
        PS1=${want}${PS1}
    fi
    __sso_env_placed=${want}
    return 0
}

# Keeps __sso_env_prompt_command the last prompt command, so that the segment survives
# prompt commands that rebuild PS1 (git's __git_ps1), whichever was installed first.
__sso_env_last() {
    local ours=__sso_env_prompt_command cmd rest first=''
    # Under starship, first instead: starship_precmd draws from the variables as they are when
    # it runs, after running STARSHIP_PROMPT_COMMAND, so a refresh shows in the same prompt.
    if declare -F starship_precmd >/dev/null && [[ ${PROMPT_COMMAND[*]-} == *starship_precmd* ]]; then
        first=1
        if [[ ${STARSHIP_PROMPT_COMMAND-} != *"${ours}"* ]]; then
            STARSHIP_PROMPT_COMMAND=${STARSHIP_PROMPT_COMMAND:+${STARSHIP_PROMPT_COMMAND}$'\n'}${ours}
        fi
    fi
    # bash 5.1 runs every element of an array PROMPT_COMMAND.
    if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501)) && [[ -n ${PROMPT_COMMAND+set} ]] && [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        [[ -z "${first}" ]] && [[ "${PROMPT_COMMAND[-1]}" == "${ours}" ]] && return 0
        local -a kept=()
        for cmd in "${PROMPT_COMMAND[@]}"; do
            [[ "${cmd}" == "${ours}" ]] || kept+=("${cmd}")
        done
        [[ -n "${first}" ]] || kept+=("${ours}")
        PROMPT_COMMAND=("${kept[@]}")
        return 0
    fi
    rest=${PROMPT_COMMAND-}
    [[ -z "${first}" ]] && [[ ${rest} == *"${ours}" ]] && return 0
    rest=${rest//"${ours}"/}
    # What removing our name may leave at the start (";" or blanks) would not parse.
    rest=${rest#"${rest%%[!$' \t\n;']*}"}
    # A string here: this bash runs only element 0, or PROMPT_COMMAND is not an array.
    # shellcheck disable=SC2178
    if [[ -n "${first}" ]]; then
        PROMPT_COMMAND=${rest}
    else
        PROMPT_COMMAND=${rest:+${rest}$'\n'}${ours}
    fi
    return 0
}

__sso_env_placed=${__sso_env_placed-}
__sso_env_last

# PS0 is expanded (in this shell) when a command line has been read: it arms the DEBUG trap.
# A DEBUG trap set before the hook (bash-preexec's) still runs, after ours. Without promptvars
# PS0 would print the expression itself, so there the refresh waits for the next prompt.
# shellcheck disable=SC2016
if shopt -q promptvars && [[ ${PS0-} != *__sso_env_armed* ]]; then
    PS0=${PS0-}'${__sso_env_armed:$((__sso_env_armed=1,0)):0}'
fi
__sso_env_trap=$(trap -p DEBUG)
if [[ ${__sso_env_trap} != *__sso_env_debug* ]]; then
    eval "__sso_env_trap=(${__sso_env_trap})"
    __sso_env_prev_trap=${__sso_env_trap[2]-}
    # shellcheck disable=SC2016
    trap '__sso_env_debug "$_"; eval -- "${__sso_env_prev_trap}"' DEBUG
fi
unset __sso_env_trap

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

# sso-env itself: profile names after export, exec, serve, console and --profile; everything else
# from clap's completion, loaded on first use (one sso-env run, at that moment only).
__sso_env_cli_complete() {
    local sub="${COMP_WORDS[1]-}" prev="${COMP_WORDS[COMP_CWORD - 1]-}" cur="${COMP_WORDS[COMP_CWORD]}"
    if [[ ${prev} == --profile ]] || { [[ ${COMP_CWORD} -eq 2 && ${cur} != -* ]] && [[ ${sub} == export || ${sub} == exec || ${sub} == serve || ${sub} == console ]]; }; then
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
