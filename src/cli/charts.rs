//! Drawing charts into `DIR/charts/` without replacing files that mlgov did
//! not draw there.
//!
//! Charts are drawn into a hidden staging folder first. A file of
//! `DIR/charts/` with a chart's name is replaced only if mlgov drew it (its
//! name is in `DIR/charts/.mlgov-charts`, the list of files mlgov wrote there)
//! or with `--force`; otherwise nothing is replaced and the command says
//! which files are in the way. Files with other names are never touched.

use mlgov::report::{PlotOptions, ReportError};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The list of the files mlgov drew in a charts folder.
pub const RECORD: &str = ".mlgov-charts";
const STAGING: &str = ".mlgov-charts.partial";

/// Draws with `render` (given the options to use) and moves the files into
/// `dir/charts/`, refusing to replace files mlgov did not draw unless
/// `force`. Returns the files written.
pub fn draw(
    dir: &Path,
    force: bool,
    render: impl FnOnce(&PlotOptions) -> Result<Vec<PathBuf>, ReportError>,
) -> anyhow::Result<Vec<PathBuf>> {
    let staging = dir.join(STAGING);
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    let opts = PlotOptions::default().with_out_dir(&staging);
    let staged = match render(&opts) {
        Ok(files) => files,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e.into());
        }
    };
    let charts = dir.join("charts");
    let record_path = charts.join(RECORD);
    let mut record: BTreeSet<String> = mlgov::input::read_regular_to_string(&record_path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    let names: Vec<String> = staged
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let in_the_way: Vec<String> = names
        .iter()
        .filter(|n| charts.join(n.as_str()).exists() && !record.contains(n.as_str()))
        .cloned()
        .collect();
    if !in_the_way.is_empty() && !force {
        let _ = fs::remove_dir_all(&staging);
        let shown: Vec<String> = in_the_way
            .iter()
            .take(3)
            .map(|n| charts.join(n).display().to_string())
            .collect();
        return Err(super::usage(format!(
            "{}{} already exist{} and {} not drawn by mlgov; no chart was written: move {} away, \
             or redraw with `mlgov plot {} --force` to replace {}",
            shown.join(", "),
            if in_the_way.len() > 3 {
                format!(" and {} more", in_the_way.len() - 3)
            } else {
                String::new()
            },
            if in_the_way.len() == 1 { "s" } else { "" },
            if in_the_way.len() == 1 { "was" } else { "were" },
            if in_the_way.len() == 1 { "it" } else { "them" },
            dir.display(),
            if in_the_way.len() == 1 { "it" } else { "them" },
        )));
    }
    fs::create_dir_all(&charts)?;
    let mut written = Vec::with_capacity(names.len());
    for (from, name) in staged.iter().zip(&names) {
        let to = charts.join(name);
        fs::rename(from, &to)?;
        record.insert(name.clone());
        written.push(to);
    }
    let list: String = record.iter().map(|n| format!("{n}\n")).collect();
    mlgov::atomic::write_atomic(&record_path, list.as_bytes())?;
    let _ = fs::remove_dir_all(&staging);
    Ok(written)
}
