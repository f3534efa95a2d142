//! `sellout completions SHELL`: print a shell completion script to stdout.

use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    shell: Shell,
}

pub fn completions(args: CompletionsArgs) -> Result<()> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "sellout", &mut script);
    say_raw!("{}", String::from_utf8(script)?);
    Ok(())
}
