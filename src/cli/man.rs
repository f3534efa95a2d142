//! `sellout man`: the roff man page, generated from the same clap definitions as `--help`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, CommandFactory};

use super::Cli;

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write sellout.1 and one page per subcommand (sellout-run.1, ...) into this
    /// directory instead of printing sellout.1 to stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn man(args: ManArgs) -> Result<()> {
    let command = Cli::command();
    match args.out {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create --out {}", dir.display()))?;
            clap_mangen::generate_to(command, &dir)
                .with_context(|| format!("cannot write man pages into --out {}", dir.display()))?;
            say!("wrote man pages into {}", dir.display());
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            say_raw!("{}", String::from_utf8(page)?);
        }
    }
    Ok(())
}
