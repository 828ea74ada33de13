
use builtin;
use str;

set edit:completion:arg-completer[sso-env] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'sso-env'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'sso-env'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand configure 'Set up from nothing: an [sso-session] and profiles for the accounts and roles you pick (asks at a terminal; flags for scripts). Replaces `aws configure sso`'
            cand setup 'Set up from nothing: an [sso-session] and profiles for the accounts and roles you pick (asks at a terminal; flags for scripts). Replaces `aws configure sso`'
            cand export 'Print the profile''s credentials as assignments for your shell (or JSON)'
            cand unset 'Print the statements that remove everything `export` sets'
            cand exec 'Run a command with the profile''s credentials in its environment'
            cand serve 'Serve the profile''s credentials on a local endpoint (the ECS container-credentials protocol), refreshed before they expire, for containers and IDEs; prints the variables'
            cand login 'Sign in to Identity Center (browser with PKCE, or a device code) and cache the token where the AWS CLI keeps it'
            cand logout 'Sign out: end the session on the service and delete the cached token and the role credentials it produced'
            cand init 'Print the hook that gives your shell `use-profile NAME` (switch this shell''s profile), completion, a prompt segment with role and time left, and auto-refresh'
            cand profiles 'List every profile: account, role, region, whether its sign-in is valid and whether role credentials are cached, and until when'
            cand discover 'List the accounts and roles you can reach and print [profile] stanzas for them, or add the missing ones to your config'
            cand console 'Open the AWS web console signed in as the profile''s role'
            cand status 'Show the profile active in this shell and whether its sign-in is still valid'
            cand pick 'Pick a profile interactively; prints the chosen name'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-env;configure'= {
            cand --start-url 'The Identity Center start URL (https:// is added when missing)'
            cand --region 'The region Identity Center runs in (sso_region)'
            cand --session 'The [sso-session] name (default: from the start URL)'
            cand --scopes 'sso_registration_scopes'
            cand --account 'One profile: its account id...'
            cand --role '...its role...'
            cand --profile '...and its name'
            cand --name-template 'How to name profiles with --all'
            cand --profile-region 'The profiles'' default `region` (default: the SSO region)'
            cand --output 'The profiles'' default `output`'
            cand --all 'A profile for every account and role you can reach (signs in to list them)'
            cand --force 'Replace profiles (and an sso-session) of the same name'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;setup'= {
            cand --start-url 'The Identity Center start URL (https:// is added when missing)'
            cand --region 'The region Identity Center runs in (sso_region)'
            cand --session 'The [sso-session] name (default: from the start URL)'
            cand --scopes 'sso_registration_scopes'
            cand --account 'One profile: its account id...'
            cand --role '...its role...'
            cand --profile '...and its name'
            cand --name-template 'How to name profiles with --all'
            cand --profile-region 'The profiles'' default `region` (default: the SSO region)'
            cand --output 'The profiles'' default `output`'
            cand --all 'A profile for every account and role you can reach (signs in to list them)'
            cand --force 'Replace profiles (and an sso-session) of the same name'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;export'= {
            cand -f 'Output format; default: the shell you run it from'
            cand --format 'Output format; default: the shell you run it from'
            cand --region 'Region to export instead of $AWS_REGION or the profile''s'
            cand --mfa-code 'The MFA code for a role with mfa_serial (else it is asked on the terminal)'
            cand --no-login 'Never start a sign-in or ask for an MFA code; fail with the command to run instead'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sso-env;unset'= {
            cand -f 'f'
            cand --format 'format'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sso-env;exec'= {
            cand --region 'Region to set instead of $AWS_REGION or the profile''s'
            cand --mfa-code 'The MFA code for a role with mfa_serial (else it is asked on the terminal)'
            cand --no-login 'Never start a sign-in or ask for an MFA code; fail with the command to run instead'
            cand --server 'Give the command a local credential endpoint (the ECS container-credentials protocol every AWS SDK speaks) that keeps its credentials fresh, instead of static keys; for long-running commands'
            cand --ecs-server 'Give the command a local credential endpoint (the ECS container-credentials protocol every AWS SDK speaks) that keeps its credentials fresh, instead of static keys; for long-running commands'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;serve'= {
            cand --port 'Port to listen on; default: a free one'
            cand --bind 'Address to listen on'
            cand -f 'Syntax of the printed variables; default: the shell you run it from'
            cand --format 'Syntax of the printed variables; default: the shell you run it from'
            cand --region 'Region to set instead of $AWS_REGION or the profile''s'
            cand --mfa-code 'The MFA code for a role with mfa_serial (else it is asked on the terminal)'
            cand --allow-non-loopback 'Allow --bind to name an address other machines (or containers) can reach: anyone who can connect and has the token gets the role''s credentials, over plain HTTP'
            cand --no-login 'Never start a sign-in or ask for an MFA code; fail with the command to run instead'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sso-env;login'= {
            cand --profile 'Profile whose sign-in to use'
            cand --sso-session 'An [sso-session] to sign in to'
            cand --device-code 'Use the device-code flow (a code to confirm in any browser) instead of PKCE'
            cand --no-browser 'Print the sign-in URL instead of opening a browser'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;logout'= {
            cand --profile 'profile'
            cand --sso-session 'sso-session'
            cand --all 'Every cached sign-in and SSO role credential (the default)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;init'= {
            cand --cmd 'Name of the command the hook defines'
            cand --picker-key 'A key that opens the profile picker, in the shell''s notation (e.g. ''\C-g'' bash, ''^G'' zsh, ''\cg'' fish, ''ctrl+g'' nu)'
            cand --exe 'How the hook runs sso-env (default: this binary''s full path)'
            cand --file 'The startup file for --install/--uninstall (default: the one the shell reads, e.g. ~/.bashrc; in PowerShell pass $PROFILE)'
            cand --no-prompt 'Leave the prompt alone; the segment is still available (sso_env_prompt_segment)'
            cand --install 'Add the line that loads the hook to the shell''s startup file (once; shown). cmd: save the hook as %USERPROFILE%\sso-env-hook.cmd and add it to cmd''s AutoRun, before what other tools (conda, Clink) run there'
            cand --uninstall 'Remove what --install added (only that)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;profiles'= {
            cand --names 'Only the names of profiles that give credentials, one per line'
            cand --json 'JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;discover'= {
            cand --sso-session 'The [sso-session] to list (default: the current profile''s, or the only one)'
            cand --name-template 'How to name profiles'
            cand --region 'The `region` of the new profiles (default: the sso-session''s region)'
            cand --write 'Add the missing profiles to the config file instead of printing them'
            cand --no-login 'Never start a sign-in; fail with the command to run instead'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;console'= {
            cand --destination 'The console page to open'
            cand --mfa-code 'The MFA code for a role with mfa_serial (else it is asked on the terminal)'
            cand --print 'Print the sign-in URL (valid for 15 minutes) instead of opening a browser'
            cand --no-login 'Never start a sign-in or ask for an MFA code; fail with the command to run instead'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;status'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;pick'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;help'= {
            cand configure 'Set up from nothing: an [sso-session] and profiles for the accounts and roles you pick (asks at a terminal; flags for scripts). Replaces `aws configure sso`'
            cand export 'Print the profile''s credentials as assignments for your shell (or JSON)'
            cand unset 'Print the statements that remove everything `export` sets'
            cand exec 'Run a command with the profile''s credentials in its environment'
            cand serve 'Serve the profile''s credentials on a local endpoint (the ECS container-credentials protocol), refreshed before they expire, for containers and IDEs; prints the variables'
            cand login 'Sign in to Identity Center (browser with PKCE, or a device code) and cache the token where the AWS CLI keeps it'
            cand logout 'Sign out: end the session on the service and delete the cached token and the role credentials it produced'
            cand init 'Print the hook that gives your shell `use-profile NAME` (switch this shell''s profile), completion, a prompt segment with role and time left, and auto-refresh'
            cand profiles 'List every profile: account, role, region, whether its sign-in is valid and whether role credentials are cached, and until when'
            cand discover 'List the accounts and roles you can reach and print [profile] stanzas for them, or add the missing ones to your config'
            cand console 'Open the AWS web console signed in as the profile''s role'
            cand status 'Show the profile active in this shell and whether its sign-in is still valid'
            cand pick 'Pick a profile interactively; prints the chosen name'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-env;help;configure'= {
        }
        &'sso-env;help;export'= {
        }
        &'sso-env;help;unset'= {
        }
        &'sso-env;help;exec'= {
        }
        &'sso-env;help;serve'= {
        }
        &'sso-env;help;login'= {
        }
        &'sso-env;help;logout'= {
        }
        &'sso-env;help;init'= {
        }
        &'sso-env;help;profiles'= {
        }
        &'sso-env;help;discover'= {
        }
        &'sso-env;help;console'= {
        }
        &'sso-env;help;status'= {
        }
        &'sso-env;help;pick'= {
        }
        &'sso-env;help;completions'= {
        }
        &'sso-env;help;help'= {
        }
    ]
    $completions[$command]
}
