//! `mlgov completions` and `mlgov man`: the shell completion scripts
//! (clap_complete) and the man pages (clap_mangen), made from the same
//! command definitions that parse the arguments, so they never fall behind.

use clap::Args;
use clap_complete::Shell;
use mlgov::atomic::write_atomic;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov completions`.
#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Arguments of `mlgov man`.
#[derive(Args)]
pub struct ManArgs {
    /// Write `mlgov.1` and one `mlgov-COMMAND.1` per command into this
    /// folder (created if needed) instead of printing `mlgov.1`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// With `--out`: replace files of the same names that mlgov did not
    /// write.
    #[arg(long, requires = "out")]
    pub force: bool,
}

/// Prints the completion script of `shell` for `cmd` on stdout.
pub fn completions(args: CompletionsArgs, cmd: &mut clap::Command) -> anyhow::Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, cmd, "mlgov", &mut script);
    std::io::stdout().write_all(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// The man pages of `cmd` and of each of its subcommands (not `help`):
/// file name and roff text, the main page first.
fn pages(cmd: clap::Command) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    fn add(cmd: clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        let subcommands: Vec<clap::Command> = cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .cloned()
            .collect();
        let man = clap_mangen::Man::new(cmd);
        let mut text = Vec::new();
        man.render(&mut text)?;
        out.push((man.get_filename(), text));
        subcommands.into_iter().try_for_each(|s| add(s, out))
    }
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    add(cmd, &mut out)?;
    Ok(out)
}

/// Prints `mlgov.1` on stdout, or writes every page into `--out DIR` and
/// lists the files written.
pub fn man(args: ManArgs, cmd: clap::Command) -> anyhow::Result<ExitCode> {
    let pages = pages(cmd)?;
    let Some(dir) = args.out else {
        std::io::stdout().write_all(&pages[0].1)?;
        return Ok(ExitCode::SUCCESS);
    };
    if dir.exists() && !dir.is_dir() {
        eprintln!("error: --out {}: not a folder", dir.display());
        return Ok(ExitCode::from(2));
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("cannot create folder {}: {e}", dir.display()))?;
    // A page is mlgov's if its title line names mlgov; nothing is written
    // while a file of the user's is in the way.
    let redo = format!("mlgov man --out {}", dir.display());
    for (name, _) in &pages {
        super::refuse_foreign(
            &dir.join(name),
            args.force,
            |head| head.windows(9).any(|w| w == b".TH mlgov"),
            &redo,
        )?;
    }
    for (name, text) in &pages {
        let path = dir.join(name);
        write_atomic(&path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        super::say::say!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
