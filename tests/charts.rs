//! Chart tests: every chart is drawn from the fixture results directories,
//! is not blank, has the expected size, names what it shows in its SVG, and
//! comes out byte-identical when drawn twice.

use mlgov::report::{
    ChartKind, PlotOptions, RenderedChart, ReportError, Results, Sensitivity, layout_problems,
    render_all, render_in_memory, render_sensitivity, render_sensitivity_in_memory,
};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

/// Copies a fixture directory into a fresh temporary directory.
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture(name)).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
        }
    }
    tmp
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

fn check_chart(chart: &RenderedChart) {
    assert!(
        chart.width >= 1200 && chart.height >= 800,
        "{} is {}x{}",
        chart.stem,
        chart.width,
        chart.height
    );
    assert_eq!(
        chart.rgb.len(),
        chart.width as usize * chart.height as usize * 3
    );
    // Text, lines and fills give many colours; a blank or failed chart few.
    assert!(
        chart.distinct_colours() > 50,
        "{} looks blank ({} colours)",
        chart.stem,
        chart.distinct_colours()
    );
    // Not mostly white either: something substantial was drawn.
    let ink = chart
        .rgb
        .chunks_exact(3)
        .filter(|p| p != &[255, 255, 255])
        .count();
    assert!(
        ink * 50 > chart.rgb.len() / 3,
        "{} has almost no ink",
        chart.stem
    );
    assert!(chart.svg.starts_with("<svg"), "{} SVG", chart.stem);
    assert!(chart.svg.contains("DejaVu Sans"));
    // All text inside the canvas, no two pieces of text overlapping.
    let problems = layout_problems(&chart.svg);
    assert!(
        problems.is_empty(),
        "{}: {} text problems:\n{}",
        chart.stem,
        problems.len(),
        problems.join("\n")
    );
}

fn find<'a>(charts: &'a [RenderedChart], stem: &str) -> &'a RenderedChart {
    charts
        .iter()
        .find(|c| c.stem == stem)
        .unwrap_or_else(|| panic!("no chart {stem}"))
}

#[test]
fn lloyd27_draws_every_chart() {
    let results = Results::load(&fixture("lloyd27")).unwrap();
    let charts = render_in_memory(&results, &PlotOptions::default()).unwrap();
    for chart in &charts {
        check_chart(chart);
    }
    let stems: Vec<&str> = charts.iter().map(|c| c.stem.as_str()).collect();
    for stem in [
        "trajectories_trust_mean",
        "trajectories_transaction_cost_cumulative",
        "trajectories_active_partners",
        "comparison",
        "differences",
        "lloyd_grid",
        "typology",
        "tradeoff",
    ] {
        assert!(stems.contains(&stem), "missing {stem} in {stems:?}");
    }

    let grid = find(&charts, "lloyd_grid");
    for code in ["N-N-N", "N-R-L", "L-L-L", "R-N-L"] {
        assert!(grid.svg.contains(code), "grid lacks {code}");
    }
    // The fixture predates `net_benefit`, the default grid metric, so the
    // grid falls back to the first final metric in the results.
    assert!(grid.svg.contains("mean trust"));
    assert!(!grid.svg.contains("net benefit"));
    assert!(grid.svg.contains("Implemented locally"));
    assert!(!grid.svg.contains("n/a"), "all 27 codes are present");

    let typology = find(&charts, "typology");
    assert!(typology.svg.contains("empowerment"));
    assert!(typology.svg.contains("service delivery"));
    // Every type the classifier knows is named on the chart (its name may
    // be wrapped over lines), and the footnote gives its thresholds.
    for t in mlgov::assess::Typology::ALL {
        let first_word = t.name().split(' ').next().unwrap();
        let mut c = first_word.chars();
        let capitalised = c.next().unwrap().to_uppercase().collect::<String>() + c.as_str();
        assert!(
            typology.svg.contains(&capitalised),
            "typology lacks `{}`",
            t.name()
        );
    }
    assert!(
        !typology.svg.contains("Social economy"),
        "not a type of the classifier"
    );
    assert!(
        typology
            .svg
            .contains(&format!("high at {}", mlgov::assess::HIGH))
    );
    // The default metric's grid is written under both names.
    assert_eq!(
        find(&charts, "lloyd_grid").svg,
        find(&charts, "lloyd_grid_trust_mean").svg
    );

    let trust = find(&charts, "trajectories_trust_mean");
    assert!(trust.svg.contains("month"));
    assert!(trust.svg.contains("mean trust"));
    assert!(trust.svg.contains("N-N-N (baseline)"));
    assert!(
        trust.svg.contains("others"),
        "many configurations: context lines"
    );

    let tradeoff = find(&charts, "tradeoff");
    assert!(tradeoff.svg.contains("total transaction cost"));
    assert!(tradeoff.svg.contains("total value added"));
    assert!(find(&charts, "comparison").svg.contains("survival"));
    assert!(find(&charts, "differences").svg.contains("difference in"));
}

#[test]
fn grid_metric_can_be_chosen_and_unknown_is_an_error() {
    let results = Results::load(&fixture("lloyd27")).unwrap();
    let opts = PlotOptions::default()
        .with_grid_metric("fit")
        .with_only([ChartKind::LloydGrid]);
    let charts = render_in_memory(&results, &opts).unwrap();
    // Another metric's grid is named after it (so grids of several metrics
    // sit side by side), and `lloyd_grid` stays the default metric's.
    assert_eq!(charts.len(), 1);
    assert!(
        find(&charts, "lloyd_grid_fit")
            .svg
            .contains("fit to local needs")
    );

    let err = render_in_memory(
        &results,
        &PlotOptions::default().with_grid_metric("happiness"),
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, ReportError::UnknownMetric { .. }));
    assert!(message.contains("happiness"), "{message}");
    assert!(
        message.contains("value_added_total"),
        "lists the metrics: {message}"
    );
}

#[test]
fn partial_codes_leave_cells_blank() {
    let results = Results::load(&fixture("lloyd_partial")).unwrap();
    let opts = PlotOptions::default().with_only([ChartKind::LloydGrid, ChartKind::Trajectories]);
    let charts = render_in_memory(&results, &opts).unwrap();
    let grid = find(&charts, "lloyd_grid");
    check_chart(grid);
    assert!(grid.svg.contains("n/a"));
    assert!(
        grid.svg.contains("R-L-N"),
        "absent codes are still labelled"
    );
}

#[test]
fn two_named_configurations_have_no_grid() {
    let results = Results::load(&fixture("two_configs")).unwrap();
    let charts = render_in_memory(&results, &PlotOptions::default()).unwrap();
    for chart in &charts {
        check_chart(chart);
    }
    assert!(charts.iter().all(|c| c.stem != "lloyd_grid"));
    let trust = find(&charts, "trajectories_trust_mean");
    assert!(trust.svg.contains("with_exchanges"));
    assert!(trust.svg.contains("without (baseline)"));
    assert!(!trust.svg.contains("others"));
    assert!(find(&charts, "differences").svg.contains("`without`"));
}

#[test]
fn sensitivity_charts_draw_both_methods() {
    for (name, words) in [
        ("sensitivity_morris", ["μ*", "σ", "trust.forgetting"]),
        ("sensitivity_sobol", ["S1", "ST", "costs.per_silo"]),
    ] {
        let s = Sensitivity::load(&fixture(name).join("sensitivity.csv")).unwrap();
        let charts = render_sensitivity_in_memory(&s).unwrap();
        assert_eq!(charts.len(), 1);
        check_chart(&charts[0]);
        assert_eq!(charts[0].stem, "sensitivity");
        for w in words {
            assert!(charts[0].svg.contains(w), "{name} lacks {w}");
        }
        assert!(charts[0].svg.contains("total value added"));
    }
}

#[test]
fn render_all_writes_png_and_svg_atomically() {
    let dir = copy_fixture("two_configs");
    let written = render_all(dir.path(), &PlotOptions::default()).unwrap();
    assert!(written.len() >= 2 * 12);
    let charts = dir.path().join("charts");
    for path in &written {
        assert!(path.starts_with(&charts), "{}", path.display());
        let bytes = std::fs::read(path).unwrap();
        match path.extension().and_then(|e| e.to_str()) {
            Some("png") => {
                let (w, h) = png_size(&bytes);
                assert!(w >= 1200 && h >= 800, "{}: {w}x{h}", path.display());
            }
            Some("svg") => assert!(bytes.starts_with(b"<svg")),
            other => panic!("unexpected extension {other:?}"),
        }
    }
    // No temporary files are left behind.
    for entry in std::fs::read_dir(&charts).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(!name.starts_with('.'), "left over: {name}");
    }
    assert!(charts.join("comparison.png").exists());
    assert!(charts.join("typology.svg").exists());
}

#[test]
fn drawing_twice_gives_identical_bytes() {
    let a = copy_fixture("lloyd_partial");
    let b = copy_fixture("lloyd_partial");
    std::fs::copy(
        fixture("sensitivity_sobol").join("sensitivity.csv"),
        a.path().join("sensitivity.csv"),
    )
    .unwrap();
    std::fs::copy(
        a.path().join("sensitivity.csv"),
        b.path().join("sensitivity.csv"),
    )
    .unwrap();
    let wa = render_all(a.path(), &PlotOptions::default()).unwrap();
    let wb = render_all(b.path(), &PlotOptions::default()).unwrap();
    assert!(wa.iter().any(|p| p.ends_with("sensitivity.png")));
    assert_eq!(wa.len(), wb.len());
    for (pa, pb) in wa.iter().zip(&wb) {
        assert_eq!(pa.file_name(), pb.file_name());
        let (x, y) = (std::fs::read(pa).unwrap(), std::fs::read(pb).unwrap());
        assert!(x == y, "{} differs between runs", pa.display());
    }
    // And redrawing in place over existing charts gives the same bytes too.
    let first = std::fs::read(a.path().join("charts/lloyd_grid.png")).unwrap();
    render_all(
        a.path(),
        &PlotOptions::default().with_only([ChartKind::LloydGrid]),
    )
    .unwrap();
    assert_eq!(
        first,
        std::fs::read(a.path().join("charts/lloyd_grid.png")).unwrap()
    );
}

#[test]
fn sensitivity_only_directory_and_combined_directory() {
    let dir = copy_fixture("sensitivity_sobol");
    let written = render_all(dir.path(), &PlotOptions::default()).unwrap();
    assert_eq!(written.len(), 2);
    assert!(dir.path().join("charts/sensitivity.png").exists());

    let written = render_sensitivity(dir.path(), &PlotOptions::default()).unwrap();
    assert_eq!(written.len(), 2);

    // An experiment directory with a sensitivity file gets both kinds.
    let dir = copy_fixture("two_configs");
    std::fs::copy(
        fixture("sensitivity_morris").join("sensitivity.csv"),
        dir.path().join("sensitivity.csv"),
    )
    .unwrap();
    let opts = PlotOptions::default().with_only([ChartKind::Sensitivity, ChartKind::Tradeoff]);
    let written = render_all(dir.path(), &opts).unwrap();
    assert_eq!(written.len(), 4);
    assert!(written.iter().any(|p| p.ends_with("sensitivity.svg")));
    assert!(written.iter().any(|p| p.ends_with("tradeoff.svg")));
}

#[test]
fn out_dir_option_is_respected() {
    let dir = copy_fixture("two_configs");
    let out = dir.path().join("figures");
    let opts = PlotOptions::default()
        .with_out_dir(&out)
        .with_only([ChartKind::Tradeoff]);
    let written = render_all(dir.path(), &opts).unwrap();
    assert_eq!(written.len(), 2);
    assert!(written.iter().all(|p| p.starts_with(&out)));
}

/// A categorical observable (the phase) is drawn as one stacked chart of
/// shares named after it, never as a chart per share row or of the codes.
#[test]
fn phase_shares_are_one_stacked_chart() {
    use mlgov::experiment::{RunOptions, run_experiment};
    use mlgov::scenario::Scenario;
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/scenarios/partnership_for_change.toml"),
    )
    .unwrap();
    let scenario = Scenario::from_toml(&text, "pfc.toml").unwrap();
    let mut exp = scenario.experiment();
    exp.replications = 8;
    exp.months = 24;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    run_experiment(&exp, &RunOptions::new(&dir)).unwrap();
    let results = Results::load(&dir).unwrap();
    assert!(
        results
            .manifest
            .categorical
            .iter()
            .any(|(name, cats)| name == "phase" && cats.len() == 4)
    );
    let charts = render_in_memory(&results, &PlotOptions::default()).unwrap();
    let phase = find(&charts, "trajectories_phase");
    check_chart(phase);
    for name in ["negotiate", "commit", "execute", "dissolved"] {
        assert!(phase.svg.contains(name), "legend lacks {name}");
        let stem = format!("trajectories_phase_{name}");
        assert!(charts.iter().all(|c| c.stem != stem), "{stem} drawn");
    }
}

/// The charts of a real run of the Lloyd grid scenario (27 configurations,
/// few replications), as `mlgov run` draws them: every SVG keeps its text
/// inside the canvas and no two pieces of text overlap; each configuration
/// has the colour the manifest records on the trajectory, comparison,
/// typology and trade-off charts; and the typology column of summary.csv
/// is the classifier's type of each configuration's means.
#[test]
fn charts_of_a_real_run_keep_their_text_apart_and_their_colours() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lloyd");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/lloyd_grid.toml");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .arg("run")
        .arg(&scenario)
        .args(["--replications", "4", "--threads", "1", "--quiet", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let mut svgs = 0;
    for entry in std::fs::read_dir(out.join("charts")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("svg") {
            continue;
        }
        svgs += 1;
        let svg = std::fs::read_to_string(&path).unwrap();
        let problems = layout_problems(&svg);
        assert!(
            problems.is_empty(),
            "{}: {} text problems:\n{}",
            path.display(),
            problems.len(),
            problems.join("\n")
        );
    }
    assert!(svgs >= 15, "only {svgs} charts");

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let colours = manifest["colours"]
        .as_object()
        .expect("colours in the manifest");
    let configurations = manifest["configurations"].as_array().unwrap();
    assert_eq!(colours.len(), configurations.len());
    let baseline = manifest["baseline"].as_str().unwrap();
    assert_eq!(colours[baseline], "#000000");
    // Each highlighted configuration's line has its recorded colour, and
    // its typology point the same colour.
    let trust = std::fs::read_to_string(out.join("charts/trajectories_trust_mean.svg")).unwrap();
    let typology = std::fs::read_to_string(out.join("charts/typology.svg")).unwrap();
    let mut checked = 0;
    for (name, colour) in colours {
        let colour = colour.as_str().unwrap().to_ascii_uppercase();
        if name != baseline && trust.contains(&format!(">\n{name}\n</text>")) {
            assert!(
                trust.contains(&colour),
                "{name}: {colour} not on the trajectories"
            );
            assert!(
                typology.contains(&colour),
                "{name}: {colour} not on the typology"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 2,
        "highlighted configurations checked: {checked}"
    );

    // The typology column: the classifier's type of the two means.
    let results = Results::load(&out).unwrap();
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let header: Vec<&str> = summary.lines().next().unwrap().split(',').collect();
    assert_eq!(header.last(), Some(&"typology"));
    for c in &results.configurations {
        let mean = |m: &str| results.estimate(c, m).unwrap().mean.unwrap();
        let expected = mlgov::assess::classify(mean("empowerment"), mean("service_delivery"));
        let rows: Vec<&str> = summary
            .lines()
            .filter(|l| l.starts_with(&format!("{c},")))
            .collect();
        assert!(!rows.is_empty());
        for row in rows {
            assert!(row.ends_with(&format!(",{}", expected.name())), "{row}");
        }
    }
}

/// Two configurations with exactly the same results are drawn once, named
/// together ("with_exchanges = twin"), on the trajectories and on the
/// scatter charts, and the footnote says so.
#[test]
fn identical_configurations_are_drawn_once_and_named_together() {
    let dir = copy_fixture("two_configs");
    for file in ["summary.csv", "trajectories.csv"] {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let twins: String = text
            .lines()
            .filter(|l| l.starts_with("with_exchanges,"))
            .map(|l| format!("twin{}\n", &l["with_exchanges".len()..]))
            .collect();
        assert!(!twins.is_empty());
        std::fs::write(&path, format!("{text}{twins}")).unwrap();
    }
    let results = Results::load(dir.path()).unwrap();
    assert_eq!(results.configurations.len(), 3);
    let charts = render_in_memory(&results, &PlotOptions::default()).unwrap();
    let trust = find(&charts, "trajectories_trust_mean");
    check_chart(trust);
    assert!(
        trust.svg.contains("with_exchanges = twin"),
        "legend names both"
    );
    assert!(trust.svg.contains("identical series, drawn once"));
    let typology = find(&charts, "typology");
    check_chart(typology);
    assert!(typology.svg.contains("with_exchanges = twin"));
    // The twin is not drawn on its own anywhere.
    for chart in [trust, typology] {
        assert!(!chart.svg.contains(">\ntwin\n<"), "{}", chart.stem);
    }
}
