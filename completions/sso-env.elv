
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
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-env;export'= {
            cand -f 'Output format; default: the shell you run it from'
            cand --format 'Output format; default: the shell you run it from'
            cand --region 'Region to export instead of $AWS_REGION or the profile''s'
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
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-env;help;export'= {
        }
        &'sso-env;help;unset'= {
        }
        &'sso-env;help;exec'= {
        }
        &'sso-env;help;completions'= {
        }
        &'sso-env;help;help'= {
        }
    ]
    $completions[$command]
}
