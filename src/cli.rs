//! The command line: clap definitions and the dispatch to each command.

use std::ffi::OsString;
use std::io::Write;

use clap::{CommandFactory, Parser, Subcommand};

use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::format::Format;
use crate::{console, credentials, discover, exec, export, init, login, logout, picker, status};

#[derive(Parser)]
#[command(
    name = "sso-env",
    version = env!("SSO_ENV_VERSION"),
    about = "AWS IAM Identity Center (SSO) credentials in the shell you are already using"
)]
#[command(
    after_help = "Examples:\n  eval \"$(sso-env export koa-dev-customer)\"\n  sso-env exec koa-dev-customer -- terraform plan\n  sso-env export koa-dev-customer --format powershell | Out-String | Invoke-Expression"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print the profile's credentials as assignments for your shell (or JSON).
    #[command(
        after_help = "Examples:\n  eval \"$(sso-env export koa-dev-customer)\"          # bash, zsh, sh\n  sso-env export koa-dev-customer --format fish | source\n  sso-env export --format json                        # $AWS_PROFILE or default\n\nPROFILE defaults to $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then 'default'."
    )]
    Export {
        /// Profile in ~/.aws/config.
        profile: Option<String>,
        /// Output format; default: the shell you run it from.
        #[arg(short, long, value_enum)]
        format: Option<Format>,
        /// Region to export instead of $AWS_REGION or the profile's.
        #[arg(long)]
        region: Option<String>,
        /// Never start a sign-in; fail with the command to run instead.
        #[arg(long)]
        no_login: bool,
    },
    /// Print the statements that remove everything `export` sets.
    #[command(after_help = "Example:\n  eval \"$(sso-env unset)\"")]
    Unset {
        #[arg(short, long, value_enum)]
        format: Option<Format>,
    },
    /// Run a command with the profile's credentials in its environment.
    #[command(
        after_help = "Examples:\n  sso-env exec koa-dev-customer -- terraform plan\n  sso-env exec -- aws sts get-caller-identity        # $AWS_PROFILE or default\n\nThe command replaces sso-env: its exit code and signals are its own."
    )]
    Exec {
        /// Profile in ~/.aws/config.
        profile: Option<String>,
        /// Region to set instead of $AWS_REGION or the profile's.
        #[arg(long)]
        region: Option<String>,
        /// Never start a sign-in; fail with the command to run instead.
        #[arg(long)]
        no_login: bool,
        /// The command and its arguments, after `--`.
        #[arg(last = true, required = true, value_name = "COMMAND")]
        command: Vec<OsString>,
    },
    /// Sign in to Identity Center (browser with PKCE, or a device code) and cache the token
    /// where the AWS CLI keeps it.
    #[command(
        after_help = "Examples:\n  sso-env login                              # $AWS_PROFILE or default\n  sso-env login --profile koa-dev-customer\n  sso-env login --sso-session koa --device-code     # e.g. over SSH\n  sso-env login --no-browser                 # print the URL instead of opening it"
    )]
    Login {
        /// Profile whose sign-in to use.
        #[arg(long, conflicts_with = "sso_session")]
        profile: Option<String>,
        /// An [sso-session] to sign in to.
        #[arg(long)]
        sso_session: Option<String>,
        /// Use the device-code flow (a code to confirm in any browser) instead of PKCE.
        #[arg(long)]
        device_code: bool,
        /// Print the sign-in URL instead of opening a browser.
        #[arg(long)]
        no_browser: bool,
    },
    /// Sign out: end the session on the service and delete the cached token and the role
    /// credentials it produced.
    #[command(
        after_help = "Examples:\n  sso-env logout --profile koa-dev-customer\n  sso-env logout --sso-session koa\n  sso-env logout --all                       # like aws sso logout"
    )]
    Logout {
        #[arg(long, conflicts_with_all = ["sso_session", "all"])]
        profile: Option<String>,
        #[arg(long, conflicts_with = "all")]
        sso_session: Option<String>,
        /// Every cached sign-in and SSO role credential.
        #[arg(long)]
        all: bool,
    },
    /// Print the hook that gives your shell `use-profile NAME` (switch this shell's profile),
    /// completion, a prompt segment with role and time left, and auto-refresh.
    #[command(
        after_help = "Examples (one line in your shell's startup file):\n  bash        eval \"$(sso-env init bash)\"                        # ~/.bashrc\n  zsh         eval \"$(sso-env init zsh)\"                         # ~/.zshrc, after compinit\n  fish        sso-env init fish | source                        # ~/.config/fish/config.fish\n  PowerShell  sso-env init powershell | Out-String | Invoke-Expression   # $PROFILE\n  cmd         sso-env init cmd > %USERPROFILE%\\sso-env-hook.cmd, then run it from AutoRun\n\nThen: use-profile koa-dev-customer, use-profile (picker), use-profile --clear.\nSSO_ENV_AUTO_REFRESH=0 turns auto-refresh off."
    )]
    Init {
        #[arg(value_enum)]
        shell: init::HookShell,
        /// Name of the command the hook defines.
        #[arg(long = "cmd", default_value = "use-profile", value_name = "NAME")]
        cmd_name: String,
        /// Leave the prompt alone; the segment is still available (sso_env_prompt_segment).
        #[arg(long)]
        no_prompt: bool,
        /// A key that opens the profile picker, in the shell's notation (e.g. '\C-g' bash, '^G' zsh, '\cg' fish).
        #[arg(long, value_name = "KEY")]
        picker_key: Option<String>,
        /// How the hook runs sso-env (default: this binary's full path).
        #[arg(long, value_name = "PATH")]
        exe: Option<String>,
    },
    /// List every profile: account, role, region, whether its sign-in is valid and whether role
    /// credentials are cached, and until when.
    #[command(
        after_help = "Examples:\n  sso-env profiles\n  sso-env profiles --json | jq '.[] | select(.login.valid)'\n  sso-env profiles --names      # SSO profile names, one per line (completion)"
    )]
    Profiles {
        /// Only the SSO profile names, one per line.
        #[arg(long, conflicts_with = "json")]
        names: bool,
        /// JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// List the accounts and roles you can reach and print [profile] stanzas for them, or add the
    /// missing ones to your config.
    #[command(
        after_help = "Examples:\n  sso-env discover                           # print stanzas\n  sso-env discover --sso-session koa --write # add missing profiles to ~/.aws/config (backup kept)\n  sso-env discover --name-template '{session}-{account_name}-{role_name}'\n\nTemplate fields: {account_name}, {account_id}, {role_name}, {session}."
    )]
    Discover {
        /// The [sso-session] to list (default: the current profile's, or the only one).
        #[arg(long)]
        sso_session: Option<String>,
        /// Add the missing profiles to the config file instead of printing them.
        #[arg(long)]
        write: bool,
        /// How to name profiles.
        #[arg(
            long,
            default_value = "{account_name}-{role_name}",
            value_name = "TEMPLATE"
        )]
        name_template: String,
        /// The `region` of the new profiles (default: the sso-session's region).
        #[arg(long)]
        region: Option<String>,
        /// Never start a sign-in; fail with the command to run instead.
        #[arg(long)]
        no_login: bool,
    },
    /// Open the AWS web console signed in as the profile's role.
    #[command(
        after_help = "Examples:\n  sso-env console koa-dev-customer\n  sso-env console koa-dev-customer --destination https://console.aws.amazon.com/s3/\n  sso-env console --print                    # print the sign-in URL instead"
    )]
    Console {
        /// Profile in ~/.aws/config.
        profile: Option<String>,
        /// Print the sign-in URL (valid for 15 minutes) instead of opening a browser.
        #[arg(long)]
        print: bool,
        /// The console page to open.
        #[arg(long, value_name = "URL")]
        destination: Option<String>,
        /// Never start a sign-in; fail with the command to run instead.
        #[arg(long)]
        no_login: bool,
    },
    /// Show the profile active in this shell and whether its sign-in is still valid.
    #[command(after_help = "Example:\n  sso-env status      # after use-profile NAME")]
    Status,
    /// Pick a profile interactively; prints the chosen name.
    #[command(hide = true)]
    Pick,
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  sso-env completions bash > ~/.local/share/bash-completion/completions/sso-env"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Parses the command line and runs the command; returns the exit code.
pub fn run() -> Result<i32> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(e),
    };
    match cli.command {
        Cmd::Export {
            profile,
            format,
            region,
            no_login,
        } => {
            let format = format.unwrap_or_else(Format::detect);
            let (p, creds) = resolve(profile.as_deref(), no_login)?;
            let vars = export::for_profile(&p, &creds, p.export_region(region.as_deref()));
            print(&export::render(format, &vars, Some(&creds))?)
        }
        Cmd::Unset { format } => {
            let format = format.unwrap_or_else(Format::detect);
            if format == Format::Process {
                return Err(Error::new(
                    "the process format has nothing to unset; use a shell format",
                )
                .with_code(2));
            }
            print(&export::render(format, &export::clearing(), None)?)
        }
        Cmd::Exec {
            profile,
            region,
            no_login,
            command,
        } => {
            let (p, creds) = resolve(profile.as_deref(), no_login)?;
            let vars = export::for_profile(&p, &creds, p.export_region(region.as_deref()));
            exec::run(&command, &vars)
        }
        Cmd::Login {
            profile,
            sso_session,
            device_code,
            no_browser,
        } => {
            let config = Config::load()?;
            let sso = match sso_session {
                Some(s) => config.session_settings(&s)?,
                None => config.login_settings(&config::chosen_profile(profile.as_deref()))?,
            };
            login::login(
                &sso,
                &login::label(&sso),
                login::Options {
                    device_code,
                    no_browser,
                },
            )?;
            Ok(0)
        }
        Cmd::Logout {
            profile,
            sso_session,
            all,
        } => {
            let target = match (all, sso_session) {
                (true, _) => logout::Target::All,
                (false, Some(s)) => logout::Target::Session(s),
                (false, None) => {
                    logout::Target::Profile(config::chosen_profile(profile.as_deref()))
                }
            };
            logout::run(target)?;
            Ok(0)
        }
        Cmd::Init {
            shell,
            cmd_name,
            no_prompt,
            picker_key,
            exe,
        } => {
            let exe = match exe {
                Some(e) => e,
                None => init::default_exe()?,
            };
            let opts = init::Options {
                cmd: cmd_name,
                prompt: !no_prompt,
                picker_key,
                exe,
            };
            print(&init::render(shell, &opts)?)
        }
        Cmd::Profiles { names: true, .. } => print(&status::profile_names()?),
        Cmd::Profiles { json, .. } => print(&status::profiles(json)?),
        Cmd::Discover {
            sso_session,
            write,
            name_template,
            region,
            no_login,
        } => {
            let opts = discover::Options {
                session: sso_session,
                write,
                name_template,
                region,
            };
            print(&discover::run(
                &opts,
                credentials::OnDemand::detect(no_login),
            )?)
        }
        Cmd::Console {
            profile,
            print: print_url,
            destination,
            no_login,
        } => {
            let (p, creds) = resolve(profile.as_deref(), no_login)?;
            let region = p.export_region(None);
            match console::run(
                &p,
                &creds,
                region,
                &console::Options {
                    print: print_url,
                    destination,
                },
            )? {
                Some(url) => print(&format!("{url}\n")),
                None => Ok(0),
            }
        }
        Cmd::Status => print(&status::status()?),
        Cmd::Pick => {
            let names = Config::load()?.sso_profile_names()?;
            match picker::pick(&names)? {
                Some(name) => print(&format!("{name}\n")),
                None => Ok(130),
            }
        }
        Cmd::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "sso-env", &mut out);
            print(&String::from_utf8_lossy(&out))
        }
    }
}

fn resolve(
    profile: Option<&str>,
    no_login: bool,
) -> Result<(config::SsoProfile, crate::role_cache::RoleCredentials)> {
    let name = config::chosen_profile(profile);
    let p = Config::load()?.sso_profile(&name)?;
    let creds = credentials::get(&p, credentials::OnDemand::detect(no_login))?;
    Ok((p, creds))
}

/// Writes all output at once; a closed pipe is not an error worth a panic.
fn print(text: &str) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(0),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(141),
        Err(e) => Err(Error::new(format!("cannot write output: {e}"))),
    }
}

/// Help and version go to stdout as usual; usage errors become our one-line error.
fn clap_error(e: clap::Error) -> Result<i32> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return Ok(
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                2
            } else {
                0
            },
        );
    }
    let rendered = e.render().to_string();
    let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid arguments");
    let mut msg = first.strip_prefix("error: ").unwrap_or(first).to_string();
    // "the following required arguments were not provided:" names them on the next line.
    if msg.ends_with(':') {
        msg.push(' ');
        msg.push_str(lines.next().unwrap_or_default());
    }
    if let Some(ContextValue::Strings(valid)) = e.get(ContextKind::ValidValue) {
        msg.push_str(&format!("; possible values: {}", valid.join(", ")));
    }
    match e.get(ContextKind::SuggestedSubcommand) {
        Some(ContextValue::String(s)) => msg.push_str(&format!("; did you mean '{s}'?")),
        Some(ContextValue::Strings(s)) if !s.is_empty() => {
            msg.push_str(&format!("; did you mean '{}'?", s.join("', '")))
        }
        _ => {}
    }
    msg.push_str("; see: sso-env --help");
    Err(Error::new(msg).with_code(2))
}
