
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'sso-env' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'sso-env'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'sso-env' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('configure', 'configure', [CompletionResultType]::ParameterValue, 'Set up from nothing: an [sso-session] and profiles for the accounts and roles you pick (asks at a terminal; flags for scripts). Replaces `aws configure sso`')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Set up from nothing: an [sso-session] and profiles for the accounts and roles you pick (asks at a terminal; flags for scripts). Replaces `aws configure sso`')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the profile''s credentials as assignments for your shell (or JSON)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Print the statements that remove everything `export` sets')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with the profile''s credentials in its environment')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the profile''s credentials on a local endpoint (the ECS container-credentials protocol), refreshed before they expire, for containers and IDEs; prints the variables')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in to Identity Center (browser with PKCE, or a device code) and cache the token where the AWS CLI keeps it')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Sign out: end the session on the service and delete the cached token and the role credentials it produced')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print the hook that gives your shell `use-profile NAME` (switch this shell''s profile), completion, a prompt segment with role and time left, and auto-refresh')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List every profile: account, role, region, whether its sign-in is valid and whether role credentials are cached, and until when')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'List the accounts and roles you can reach and print [profile] stanzas for them, or add the missing ones to your config')
            [CompletionResult]::new('console', 'console', [CompletionResultType]::ParameterValue, 'Open the AWS web console signed in as the profile''s role')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the profile active in this shell and whether its sign-in is still valid')
            [CompletionResult]::new('pick', 'pick', [CompletionResultType]::ParameterValue, 'Pick a profile interactively; prints the chosen name')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sso-env;configure' {
            [CompletionResult]::new('--start-url', '--start-url', [CompletionResultType]::ParameterName, 'The Identity Center start URL (https:// is added when missing)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region Identity Center runs in (sso_region)')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'The [sso-session] name (default: from the start URL)')
            [CompletionResult]::new('--scopes', '--scopes', [CompletionResultType]::ParameterName, 'sso_registration_scopes')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'One profile: its account id...')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, '...its role...')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, '...and its name')
            [CompletionResult]::new('--name-template', '--name-template', [CompletionResultType]::ParameterName, 'How to name profiles with --all')
            [CompletionResult]::new('--profile-region', '--profile-region', [CompletionResultType]::ParameterName, 'The profiles'' default `region` (default: the SSO region)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The profiles'' default `output`')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'A profile for every account and role you can reach (signs in to list them)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace profiles (and an sso-session) of the same name')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-env;setup' {
            [CompletionResult]::new('--start-url', '--start-url', [CompletionResultType]::ParameterName, 'The Identity Center start URL (https:// is added when missing)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region Identity Center runs in (sso_region)')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'The [sso-session] name (default: from the start URL)')
            [CompletionResult]::new('--scopes', '--scopes', [CompletionResultType]::ParameterName, 'sso_registration_scopes')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'One profile: its account id...')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, '...its role...')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, '...and its name')
            [CompletionResult]::new('--name-template', '--name-template', [CompletionResultType]::ParameterName, 'How to name profiles with --all')
            [CompletionResult]::new('--profile-region', '--profile-region', [CompletionResultType]::ParameterName, 'The profiles'' default `region` (default: the SSO region)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The profiles'' default `output`')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'A profile for every account and role you can reach (signs in to list them)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace profiles (and an sso-session) of the same name')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-env;export' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format; default: the shell you run it from')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format; default: the shell you run it from')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region to export instead of $AWS_REGION or the profile''s')
            [CompletionResult]::new('--mfa-code', '--mfa-code', [CompletionResultType]::ParameterName, 'The MFA code for a role with mfa_serial (else it is asked on the terminal)')
            [CompletionResult]::new('--no-login', '--no-login', [CompletionResultType]::ParameterName, 'Never start a sign-in or ask for an MFA code; fail with the command to run instead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sso-env;unset' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'f')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sso-env;exec' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region to set instead of $AWS_REGION or the profile''s')
            [CompletionResult]::new('--mfa-code', '--mfa-code', [CompletionResultType]::ParameterName, 'The MFA code for a role with mfa_serial (else it is asked on the terminal)')
            [CompletionResult]::new('--no-login', '--no-login', [CompletionResultType]::ParameterName, 'Never start a sign-in or ask for an MFA code; fail with the command to run instead')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Give the command a local credential endpoint (the ECS container-credentials protocol every AWS SDK speaks) that keeps its credentials fresh, instead of static keys; for long-running commands')
            [CompletionResult]::new('--ecs-server', '--ecs-server', [CompletionResultType]::ParameterName, 'Give the command a local credential endpoint (the ECS container-credentials protocol every AWS SDK speaks) that keeps its credentials fresh, instead of static keys; for long-running commands')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-env;serve' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on; default: a free one')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Syntax of the printed variables; default: the shell you run it from')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Syntax of the printed variables; default: the shell you run it from')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region to set instead of $AWS_REGION or the profile''s')
            [CompletionResult]::new('--mfa-code', '--mfa-code', [CompletionResultType]::ParameterName, 'The MFA code for a role with mfa_serial (else it is asked on the terminal)')
            [CompletionResult]::new('--allow-non-loopback', '--allow-non-loopback', [CompletionResultType]::ParameterName, 'Allow --bind to name an address other machines (or containers) can reach: anyone who can connect and has the token gets the role''s credentials, over plain HTTP')
            [CompletionResult]::new('--no-login', '--no-login', [CompletionResultType]::ParameterName, 'Never start a sign-in or ask for an MFA code; fail with the command to run instead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sso-env;login' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile whose sign-in to use')
            [CompletionResult]::new('--sso-session', '--sso-session', [CompletionResultType]::ParameterName, 'An [sso-session] to sign in to')
            [CompletionResult]::new('--device-code', '--device-code', [CompletionResultType]::ParameterName, 'Use the device-code flow (a code to confirm in any browser) instead of PKCE')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print the sign-in URL instead of opening a browser')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-env;logout' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'profile')
            [CompletionResult]::new('--sso-session', '--sso-session', [CompletionResultType]::ParameterName, 'sso-session')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every cached sign-in and SSO role credential (the default)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-env;init' {
            [CompletionResult]::new('--cmd', '--cmd', [CompletionResultType]::ParameterName, 'Name of the command the hook defines')
            [CompletionResult]::new('--picker-key', '--picker-key', [CompletionResultType]::ParameterName, 'A key that opens the profile picker, in the shell''s notation (e.g. ''\C-g'' bash, ''^G'' zsh, ''\cg'' fish, ''ctrl+g'' nu)')
            [CompletionResult]::new('--exe', '--exe', [CompletionResultType]::ParameterName, 'How the hook runs sso-env (default: this binary''s full path)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The startup file for --install/--uninstall (default: the one the shell reads, e.g. ~/.bashrc; in PowerShell pass $PROFILE)')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Leave the prompt alone; the segment is still available (sso_env_prompt_segment)')
            [CompletionResult]::new('--install', '--install', [CompletionResultType]::ParameterName, 'Add the line that loads the hook to the shell''s startup file (once; shown). cmd: save the hook as %USERPROFILE%\sso-env-hook.cmd and add it to cmd''s AutoRun, before what other tools (conda, Clink) run there')
            [CompletionResult]::new('--uninstall', '--uninstall', [CompletionResultType]::ParameterName, 'Remove what --install added (only that)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-env;profiles' {
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'Only the names of profiles that give credentials, one per line')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-env;discover' {
            [CompletionResult]::new('--sso-session', '--sso-session', [CompletionResultType]::ParameterName, 'The [sso-session] to list (default: the current profile''s, or the only one)')
            [CompletionResult]::new('--name-template', '--name-template', [CompletionResultType]::ParameterName, 'How to name profiles')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The `region` of the new profiles (default: the sso-session''s region)')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Add the missing profiles to the config file instead of printing them')
            [CompletionResult]::new('--no-login', '--no-login', [CompletionResultType]::ParameterName, 'Never start a sign-in; fail with the command to run instead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-env;console' {
            [CompletionResult]::new('--destination', '--destination', [CompletionResultType]::ParameterName, 'The console page to open')
            [CompletionResult]::new('--mfa-code', '--mfa-code', [CompletionResultType]::ParameterName, 'The MFA code for a role with mfa_serial (else it is asked on the terminal)')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print the sign-in URL (valid for 15 minutes) instead of opening a browser')
            [CompletionResult]::new('--no-login', '--no-login', [CompletionResultType]::ParameterName, 'Never start a sign-in or ask for an MFA code; fail with the command to run instead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-env;status' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-env;pick' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-env;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-env;help' {
            [CompletionResult]::new('configure', 'configure', [CompletionResultType]::ParameterValue, 'Set up from nothing: an [sso-session] and profiles for the accounts and roles you pick (asks at a terminal; flags for scripts). Replaces `aws configure sso`')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the profile''s credentials as assignments for your shell (or JSON)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Print the statements that remove everything `export` sets')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with the profile''s credentials in its environment')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the profile''s credentials on a local endpoint (the ECS container-credentials protocol), refreshed before they expire, for containers and IDEs; prints the variables')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in to Identity Center (browser with PKCE, or a device code) and cache the token where the AWS CLI keeps it')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Sign out: end the session on the service and delete the cached token and the role credentials it produced')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print the hook that gives your shell `use-profile NAME` (switch this shell''s profile), completion, a prompt segment with role and time left, and auto-refresh')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List every profile: account, role, region, whether its sign-in is valid and whether role credentials are cached, and until when')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'List the accounts and roles you can reach and print [profile] stanzas for them, or add the missing ones to your config')
            [CompletionResult]::new('console', 'console', [CompletionResultType]::ParameterValue, 'Open the AWS web console signed in as the profile''s role')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the profile active in this shell and whether its sign-in is still valid')
            [CompletionResult]::new('pick', 'pick', [CompletionResultType]::ParameterValue, 'Pick a profile interactively; prints the chosen name')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sso-env;help;configure' {
            break
        }
        'sso-env;help;export' {
            break
        }
        'sso-env;help;unset' {
            break
        }
        'sso-env;help;exec' {
            break
        }
        'sso-env;help;serve' {
            break
        }
        'sso-env;help;login' {
            break
        }
        'sso-env;help;logout' {
            break
        }
        'sso-env;help;init' {
            break
        }
        'sso-env;help;profiles' {
            break
        }
        'sso-env;help;discover' {
            break
        }
        'sso-env;help;console' {
            break
        }
        'sso-env;help;status' {
            break
        }
        'sso-env;help;pick' {
            break
        }
        'sso-env;help;completions' {
            break
        }
        'sso-env;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
