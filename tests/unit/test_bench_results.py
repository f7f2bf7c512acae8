"""bench/RESULTS.md: each benchmark rewrites its own section and leaves the rest, hand-written text included."""

from __future__ import annotations

from pathlib import Path

from bench.results import machine_line, write_section


def test_a_section_is_appended_then_replaced_and_other_text_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmark results\n\nBefore: 91 ms, by hand.\n", encoding="utf-8")
    write_section("e2e", "p50 40 ms", path=path)
    write_section("decode", "29 ms", path=path)
    write_section("e2e", "p50 38 ms\n", path=path)
    text = path.read_text(encoding="utf-8")
    assert "Before: 91 ms, by hand." in text
    assert "p50 40 ms" not in text and text.count("<!-- bench:e2e:start -->") == 1
    assert "<!-- bench:e2e:start -->\np50 38 ms\n<!-- bench:e2e:end -->" in text
    assert text.index("bench:e2e:start") < text.index("bench:decode:start")  # replaced in place
    assert "<!-- bench:decode:start -->\n29 ms\n<!-- bench:decode:end -->" in text


def test_a_missing_file_is_started_with_a_title(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    write_section("finetune", "26 s a step", path=path)
    assert path.read_text(encoding="utf-8").startswith("# Benchmark results\n")


def test_the_machine_line_names_cores_versions_and_device() -> None:
    line = machine_line("cuda")
    assert "CPUs" in line and "device cuda" in line and "Python 3." in line and "torch " in line
