# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sso_env_global_optspecs
    string join \n h/help V/version
end

function __fish_sso_env_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sso_env_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sso_env_using_subcommand
    set -l cmd (__fish_sso_env_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sso-env -n "__fish_sso_env_needs_command" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_needs_command" -s V -l version -d 'Print version'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "configure" -d 'Set up from nothing: an [sso-session] and profiles for the accounts and roles you pick (asks at a terminal; flags for scripts). Replaces `aws configure sso`'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "setup" -d 'Set up from nothing: an [sso-session] and profiles for the accounts and roles you pick (asks at a terminal; flags for scripts). Replaces `aws configure sso`'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "export" -d 'Print the profile\'s credentials as assignments for your shell (or JSON)'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "unset" -d 'Print the statements that remove everything `export` sets'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "exec" -d 'Run a command with the profile\'s credentials in its environment'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "serve" -d 'Serve the profile\'s credentials on a local endpoint (the ECS container-credentials protocol), refreshed before they expire, for containers and IDEs; prints the variables'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "login" -d 'Sign in to Identity Center (browser with PKCE, or a device code) and cache the token where the AWS CLI keeps it'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "logout" -d 'Sign out: end the session on the service and delete the cached token and the role credentials it produced'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "init" -d 'Print the hook that gives your shell `use-profile NAME` (switch this shell\'s profile), completion, a prompt segment with role and time left, and auto-refresh'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "profiles" -d 'List every profile: account, role, region, whether its sign-in is valid and whether role credentials are cached, and until when'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "discover" -d 'List the accounts and roles you can reach and print [profile] stanzas for them, or add the missing ones to your config'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "console" -d 'Open the AWS web console signed in as the profile\'s role'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "status" -d 'Show the profile active in this shell and whether its sign-in is still valid'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "pick" -d 'Pick a profile interactively; prints the chosen name'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c sso-env -n "__fish_sso_env_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -l start-url -d 'The Identity Center start URL (https:// is added when missing)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -l region -d 'The region Identity Center runs in (sso_region)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -l session -d 'The [sso-session] name (default: from the start URL)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -l scopes -d 'sso_registration_scopes' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -l account -d 'One profile: its account id...' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -l role -d '...its role...' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -l profile -d '...and its name' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -l name-template -d 'How to name profiles with --all' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -l profile-region -d 'The profiles\' default `region` (default: the SSO region)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -l output -d 'The profiles\' default `output`' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -l all -d 'A profile for every account and role you can reach (signs in to list them)'
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -l force -d 'Replace profiles (and an sso-session) of the same name'
complete -c sso-env -n "__fish_sso_env_using_subcommand configure" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -l start-url -d 'The Identity Center start URL (https:// is added when missing)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -l region -d 'The region Identity Center runs in (sso_region)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -l session -d 'The [sso-session] name (default: from the start URL)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -l scopes -d 'sso_registration_scopes' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -l account -d 'One profile: its account id...' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -l role -d '...its role...' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -l profile -d '...and its name' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -l name-template -d 'How to name profiles with --all' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -l profile-region -d 'The profiles\' default `region` (default: the SSO region)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -l output -d 'The profiles\' default `output`' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -l all -d 'A profile for every account and role you can reach (signs in to list them)'
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -l force -d 'Replace profiles (and an sso-session) of the same name'
complete -c sso-env -n "__fish_sso_env_using_subcommand setup" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_using_subcommand export" -s f -l format -d 'Output format; default: the shell you run it from' -r -f -a "bash\t''
zsh\t''
fish\t''
powershell\t''
cmd\t''
nu\t''
sh\t''
dotenv\t''
env-no-export\t''
docker-env\t''
json\t'The variables as one JSON object'
process\t'The AWS `credential_process` JSON (Version 1)'"
complete -c sso-env -n "__fish_sso_env_using_subcommand export" -l region -d 'Region to export instead of $AWS_REGION or the profile\'s' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand export" -l mfa-code -d 'The MFA code for a role with mfa_serial (else it is asked on the terminal)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand export" -l no-login -d 'Never start a sign-in or ask for an MFA code; fail with the command to run instead'
complete -c sso-env -n "__fish_sso_env_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sso-env -n "__fish_sso_env_using_subcommand unset" -s f -l format -r -f -a "bash\t''
zsh\t''
fish\t''
powershell\t''
cmd\t''
nu\t''
sh\t''
dotenv\t''
env-no-export\t''
docker-env\t''
json\t'The variables as one JSON object'
process\t'The AWS `credential_process` JSON (Version 1)'"
complete -c sso-env -n "__fish_sso_env_using_subcommand unset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sso-env -n "__fish_sso_env_using_subcommand exec" -l region -d 'Region to set instead of $AWS_REGION or the profile\'s' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand exec" -l mfa-code -d 'The MFA code for a role with mfa_serial (else it is asked on the terminal)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand exec" -l no-login -d 'Never start a sign-in or ask for an MFA code; fail with the command to run instead'
complete -c sso-env -n "__fish_sso_env_using_subcommand exec" -l server -l ecs-server -d 'Give the command a local credential endpoint (the ECS container-credentials protocol every AWS SDK speaks) that keeps its credentials fresh, instead of static keys; for long-running commands'
complete -c sso-env -n "__fish_sso_env_using_subcommand exec" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_using_subcommand serve" -l port -d 'Port to listen on; default: a free one' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand serve" -l bind -d 'Address to listen on' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand serve" -s f -l format -d 'Syntax of the printed variables; default: the shell you run it from' -r -f -a "bash\t''
zsh\t''
fish\t''
powershell\t''
cmd\t''
nu\t''
sh\t''
dotenv\t''
env-no-export\t''
docker-env\t''
json\t'The variables as one JSON object'
process\t'The AWS `credential_process` JSON (Version 1)'"
complete -c sso-env -n "__fish_sso_env_using_subcommand serve" -l region -d 'Region to set instead of $AWS_REGION or the profile\'s' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand serve" -l mfa-code -d 'The MFA code for a role with mfa_serial (else it is asked on the terminal)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand serve" -l allow-non-loopback -d 'Allow --bind to name an address other machines (or containers) can reach: anyone who can connect and has the token gets the role\'s credentials, over plain HTTP'
complete -c sso-env -n "__fish_sso_env_using_subcommand serve" -l no-login -d 'Never start a sign-in or ask for an MFA code; fail with the command to run instead'
complete -c sso-env -n "__fish_sso_env_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sso-env -n "__fish_sso_env_using_subcommand login" -l profile -d 'Profile whose sign-in to use' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand login" -l sso-session -d 'An [sso-session] to sign in to' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand login" -l device-code -d 'Use the device-code flow (a code to confirm in any browser) instead of PKCE'
complete -c sso-env -n "__fish_sso_env_using_subcommand login" -l no-browser -d 'Print the sign-in URL instead of opening a browser'
complete -c sso-env -n "__fish_sso_env_using_subcommand login" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_using_subcommand logout" -l profile -r
complete -c sso-env -n "__fish_sso_env_using_subcommand logout" -l sso-session -r
complete -c sso-env -n "__fish_sso_env_using_subcommand logout" -l all -d 'Every cached sign-in and SSO role credential (the default)'
complete -c sso-env -n "__fish_sso_env_using_subcommand logout" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_using_subcommand init" -l cmd -d 'Name of the command the hook defines' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand init" -l picker-key -d 'A key that opens the profile picker, in the shell\'s notation (e.g. \'\\C-g\' bash, \'^G\' zsh, \'\\cg\' fish, \'ctrl+g\' nu)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand init" -l exe -d 'How the hook runs sso-env (default: this binary\'s full path)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand init" -l file -d 'The startup file for --install/--uninstall (default: the one the shell reads, e.g. ~/.bashrc; in PowerShell pass $PROFILE)' -r -F
complete -c sso-env -n "__fish_sso_env_using_subcommand init" -l no-prompt -d 'Leave the prompt alone; the segment is still available (sso_env_prompt_segment)'
complete -c sso-env -n "__fish_sso_env_using_subcommand init" -l install -d 'Add the line that loads the hook to the shell\'s startup file (once; shown). cmd: save the hook as %USERPROFILE%\\sso-env-hook.cmd and add it to cmd\'s AutoRun, before what other tools (conda, Clink) run there'
complete -c sso-env -n "__fish_sso_env_using_subcommand init" -l uninstall -d 'Remove what --install added (only that)'
complete -c sso-env -n "__fish_sso_env_using_subcommand init" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_using_subcommand profiles" -l names -d 'Only the names of profiles that give credentials, one per line'
complete -c sso-env -n "__fish_sso_env_using_subcommand profiles" -l json -d 'JSON for scripts'
complete -c sso-env -n "__fish_sso_env_using_subcommand profiles" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_using_subcommand discover" -l sso-session -d 'The [sso-session] to list (default: the current profile\'s, or the only one)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand discover" -l name-template -d 'How to name profiles' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand discover" -l region -d 'The `region` of the new profiles (default: the sso-session\'s region)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand discover" -l write -d 'Add the missing profiles to the config file instead of printing them'
complete -c sso-env -n "__fish_sso_env_using_subcommand discover" -l no-login -d 'Never start a sign-in; fail with the command to run instead'
complete -c sso-env -n "__fish_sso_env_using_subcommand discover" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_using_subcommand console" -l destination -d 'The console page to open' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand console" -l mfa-code -d 'The MFA code for a role with mfa_serial (else it is asked on the terminal)' -r
complete -c sso-env -n "__fish_sso_env_using_subcommand console" -l print -d 'Print the sign-in URL (valid for 15 minutes) instead of opening a browser'
complete -c sso-env -n "__fish_sso_env_using_subcommand console" -l no-login -d 'Never start a sign-in or ask for an MFA code; fail with the command to run instead'
complete -c sso-env -n "__fish_sso_env_using_subcommand console" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_using_subcommand status" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_using_subcommand pick" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_using_subcommand completions" -s h -l help -d 'Print help'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "configure" -d 'Set up from nothing: an [sso-session] and profiles for the accounts and roles you pick (asks at a terminal; flags for scripts). Replaces `aws configure sso`'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "export" -d 'Print the profile\'s credentials as assignments for your shell (or JSON)'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "unset" -d 'Print the statements that remove everything `export` sets'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "exec" -d 'Run a command with the profile\'s credentials in its environment'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "serve" -d 'Serve the profile\'s credentials on a local endpoint (the ECS container-credentials protocol), refreshed before they expire, for containers and IDEs; prints the variables'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "login" -d 'Sign in to Identity Center (browser with PKCE, or a device code) and cache the token where the AWS CLI keeps it'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "logout" -d 'Sign out: end the session on the service and delete the cached token and the role credentials it produced'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "init" -d 'Print the hook that gives your shell `use-profile NAME` (switch this shell\'s profile), completion, a prompt segment with role and time left, and auto-refresh'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "profiles" -d 'List every profile: account, role, region, whether its sign-in is valid and whether role credentials are cached, and until when'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "discover" -d 'List the accounts and roles you can reach and print [profile] stanzas for them, or add the missing ones to your config'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "console" -d 'Open the AWS web console signed in as the profile\'s role'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "status" -d 'Show the profile active in this shell and whether its sign-in is still valid'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "pick" -d 'Pick a profile interactively; prints the chosen name'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c sso-env -n "__fish_sso_env_using_subcommand help; and not __fish_seen_subcommand_from configure export unset exec serve login logout init profiles discover console status pick completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
