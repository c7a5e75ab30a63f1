//! `mlgov plot --handout DIR`: the one-page handout of Lloyd's
//! functions-by-levels picture, as PNG and SVG, without any results.

use std::process::Command;

fn plot(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mlgov"))
        .arg("plot")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_handout_is_an_a4_page_with_the_picture_in_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("handout");
    let run = plot(&["--handout", out.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let listed = String::from_utf8_lossy(&run.stdout);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    let png = std::fs::read(out.join("lloyd_functions_handout.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // IHDR: width and height, big-endian, at bytes 16..24.
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1240, 1754));
    let svg = std::fs::read_to_string(out.join("lloyd_functions_handout.svg")).unwrap();
    for word in [
        "Conceive",
        "Manage",
        "Implement",
        "National",
        "Regional",
        "Local",
        "N-R-L",
    ] {
        assert!(svg.contains(word), "no {word} in the SVG");
    }
    // Not a blank page: the example path is drawn in its own colour.
    let chart = mlgov::report::render_handout().unwrap();
    assert!(chart.distinct_colours() > 10);
    assert!(chart.rgb.chunks_exact(3).any(|p| p == [31, 95, 191]));
    assert_eq!(chart.svg, svg, "the file is what render_handout draws");

    // It is not replaced without --force (exit 2), and is with it.
    let again = plot(&["--handout", out.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let forced = plot(&["--handout", "--force", out.to_str().unwrap()]);
    assert!(forced.status.success());
}
