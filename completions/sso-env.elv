
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
            cand export 'Print the profile''s credentials as assignments for your shell (or JSON)'
            cand unset 'Print the statements that remove everything `export` sets'
            cand exec 'Run a command with the profile''s credentials in its environment'
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
        &'sso-env;export'= {
            cand -f 'Output format; default: the shell you run it from'
            cand --format 'Output format; default: the shell you run it from'
            cand --region 'Region to export instead of $AWS_REGION or the profile''s'
            cand --mfa-code 'The MFA code for a role with mfa_serial (else it is asked on the terminal)'
            cand --no-login 'Never start a sign-in; fail with the command to run instead'
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
            cand --no-login 'Never start a sign-in; fail with the command to run instead'
            cand -h 'Print help'
            cand --help 'Print help'
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
            cand --all 'Every cached sign-in and SSO role credential'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-env;init'= {
            cand --cmd 'Name of the command the hook defines'
            cand --picker-key 'A key that opens the profile picker, in the shell''s notation (e.g. ''\C-g'' bash, ''^G'' zsh, ''\cg'' fish)'
            cand --exe 'How the hook runs sso-env (default: this binary''s full path)'
            cand --no-prompt 'Leave the prompt alone; the segment is still available (sso_env_prompt_segment)'
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
            cand --no-login 'Never start a sign-in; fail with the command to run instead'
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
            cand export 'Print the profile''s credentials as assignments for your shell (or JSON)'
            cand unset 'Print the statements that remove everything `export` sets'
            cand exec 'Run a command with the profile''s credentials in its environment'
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
        &'sso-env;help;export'= {
        }
        &'sso-env;help;unset'= {
        }
        &'sso-env;help;exec'= {
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
