//! The command line: the clap tree and the dispatch; each command lives in `commands/`.

use std::io::Write;

use clap::{Parser, Subcommand};

use crate::commands::*;
use crate::error::{Error, Result};

#[derive(Parser)]
#[command(
    name = "sso-env",
    version = env!("SSO_ENV_VERSION"),
    about = "AWS IAM Identity Center (SSO) credentials in the shell you are already using"
)]
#[command(
    after_help = "Examples:\n  eval \"$(sso-env export koa-dev-customer)\"\n  sso-env exec koa-dev-customer -- terraform plan\n  sso-env export koa-dev-customer --format powershell | Out-String | Invoke-Expression"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Set up from nothing: an [sso-session] and profiles for the accounts and roles you pick
    /// (asks at a terminal; flags for scripts). Replaces `aws configure sso`.
    #[command(visible_alias = "setup")]
    Configure(configure::Configure),
    /// Print the profile's credentials as assignments for your shell (or JSON).
    Export(export::Export),
    /// Print the statements that remove everything `export` sets.
    Unset(export::Unset),
    /// Run a command with the profile's credentials in its environment.
    Exec(exec::Exec),
    /// Serve the profile's credentials on a local endpoint (the ECS container-credentials
    /// protocol), refreshed before they expire, for containers and IDEs; prints the variables.
    Serve(serve::Serve),
    /// Sign in to Identity Center (browser with PKCE, or a device code) and cache the token
    /// where the AWS CLI keeps it.
    Login(login::Login),
    /// Sign out: end the session on the service and delete the cached token and the role
    /// credentials it produced.
    Logout(logout::Logout),
    /// Print the hook that gives your shell `use-profile NAME` (switch this shell's profile),
    /// completion, a prompt segment with role and time left, and auto-refresh.
    Init(init::Init),
    /// List every profile: account, role, region, whether its sign-in is valid and whether role
    /// credentials are cached, and until when.
    Profiles(profiles::Profiles),
    /// List the accounts and roles you can reach and print [profile] stanzas for them, or add the
    /// missing ones to your config.
    Discover(discover::Discover),
    /// Open the AWS web console signed in as the profile's role.
    Console(console::Console),
    /// Show the profile active in this shell and whether its sign-in is still valid.
    Status(status::Status),
    /// Pick a profile interactively; prints the chosen name.
    #[command(hide = true)]
    Pick(pick::Pick),
    /// Print a shell completion script.
    Completions(completions::Completions),
}

/// Parses the command line and runs the command; returns the exit code.
pub fn run() -> Result<i32> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if exec_command_without_dashes(&e) => {
            return Err(Error::new(
                "put the command after --: sso-env exec [PROFILE] -- COMMAND [ARGS...]",
            )
            .with_code(2))
        }
        Err(e) => return clap_error(e),
    };
    match cli.command {
        Cmd::Configure(c) => c.run(),
        Cmd::Export(c) => c.run(),
        Cmd::Unset(c) => c.run(),
        Cmd::Exec(c) => c.run(),
        Cmd::Serve(c) => c.run(),
        Cmd::Login(c) => c.run(),
        Cmd::Logout(c) => c.run(),
        Cmd::Init(c) => c.run(),
        Cmd::Profiles(c) => c.run(),
        Cmd::Discover(c) => c.run(),
        Cmd::Console(c) => c.run(),
        Cmd::Status(c) => c.run(),
        Cmd::Pick(c) => c.run(),
        Cmd::Completions(c) => c.run(),
    }
}

/// Writes all output at once; a closed pipe is not an error worth a panic.
pub(crate) fn print(text: &str) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(0),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(141),
        Err(e) => Err(Error::new(format!("cannot write output: {e}"))),
    }
}

/// `sso-env exec prof echo hi` (or `exec echo hi` with $AWS_PROFILE): clap sees a stray
/// argument or no COMMAND, where the user meant a command and forgot the `--`.
fn exec_command_without_dashes(e: &clap::Error) -> bool {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let sub = args.iter().find(|a| !a.starts_with('-'));
    if sub.map(String::as_str) != Some("exec") || args.iter().any(|a| a == "--") {
        return false;
    }
    match e.kind() {
        ErrorKind::MissingRequiredArgument => true,
        ErrorKind::UnknownArgument => !matches!(
            e.get(ContextKind::InvalidArg),
            Some(ContextValue::String(a)) if a.starts_with('-')
        ),
        _ => false,
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
