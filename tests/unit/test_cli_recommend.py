"""`pressedplay catalog build|info` and `pressedplay recommend`: output shapes, files written, errors -> exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from services.playlist.recommend.catalog import load_catalog

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "catalog"
FEATURES = json.dumps(
    {
        "acousticness": 0.1,
        "danceability": 0.8,
        "energy": 0.85,
        "instrumentalness": 0.0,
        "liveness": 0.1,
        "loudness": -5.0,
        "speechiness": 0.2,
        "valence": 0.8,
    }
)


@pytest.fixture(scope="module")
def small_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("catalog") / "catalog.parquet"
    source = FIXTURES / "pressedplay_small.csv"
    assert main(["catalog", "build", "--from", str(source), "--out", str(out), "--no-artists", "--from-only"]) == 0
    return out


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_catalog_build_writes_a_loadable_catalog_and_reports_coverage(
    small_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = load_catalog(small_catalog)
    assert len(catalog) == 3 and "hip-hop" in catalog.genres[2]
    code, out, _ = run(capsys, "catalog", "info", "--catalog", str(small_catalog), "--json")
    assert code == 0 and json.loads(out)["tracks"] == 3


def test_catalog_build_json_report_names_the_layout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = FIXTURES / "kaggle_tracks_small.csv"
    code, out, _ = run(
        capsys,
        "catalog",
        "build",
        "--from",
        str(source),
        "--out",
        str(tmp_path / "c.parquet"),
        "--json",
        "--no-artists",
        "--from-only",
    )
    report = json.loads(out)
    assert code == 0 and report["layout"] == "kaggle_tracks" and report["tracks"] == 3


def test_recommend_json_has_the_documented_track_shape(small_catalog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "recommend", "--features", FEATURES, "--n", "2", "--catalog", str(small_catalog), "--json"
    )
    body = json.loads(out)
    assert code == 0 and len(body["tracks"]) == 2
    for track in body["tracks"]:
        assert {"id", "uri", "name", "artist", "genres", "features", "why"} <= set(track)
        assert track["uri"] == f"spotify:track:{track['id']}"
    assert body["tracks"][0]["id"] == "pp03"  # the bright, danceable banger is the closest
    assert {"target", "genres", "mode"} <= set(body)


def test_recommend_reads_features_from_a_file_and_writes_m3u_and_csv(
    small_catalog: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    features = tmp_path / "features.json"
    features.write_text(json.dumps({"features": json.loads(FEATURES), "model_version": "x"}))
    m3u, table = tmp_path / "list.m3u8", tmp_path / "list.csv"
    common = ["recommend", "--features", f"@{features}", "--genres", "hip hop", "--catalog", str(small_catalog)]
    assert run(capsys, *common, "--m3u", str(m3u))[0] == 0
    assert run(capsys, *common, "--csv", str(table))[0] == 0
    assert m3u.read_text().startswith("#EXTM3U") and "https://open.spotify.com/track/pp03" in m3u.read_text()
    assert table.read_text().splitlines()[1].split(",")[1] == "pp03"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--features", "{not json"], "--features is not valid JSON"),
        (["--features", "[1, 2]"], "must be a JSON object"),
        (["--features", '{"energy": 0.5}'], "--features is missing: acousticness, danceability"),
        (["--features", "@/nonexistent/features.json"], "could not be read"),
        (["--n", "0"], "n: Input should be greater than or equal to 1"),
        (["--n", "101"], "n: Input should be less than or equal to 100"),
        (["--mode", "party"], "mode: Input should be 'match', 'boost' or 'calm'"),
        (["--genres", "pop,!!!"], "unknown genre '!!!'.*valid seed genres"),
        (["--catalog", "/nonexistent/catalog.parquet"], "does not exist"),
        (["--catalog", str(FIXTURES / "broken.parquet")], "not a readable Parquet file"),
    ],
)
def test_bad_input_exits_2_with_a_message_not_a_traceback(
    argv: list[str], message: str, small_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["recommend", "--features", FEATURES, "--catalog", str(small_catalog), *argv]
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("pressedplay: error:") and "Traceback" not in err
    assert __import__("re").search(message, err), err


def test_catalog_build_from_an_unusable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "catalog",
        "build",
        "--from",
        str(FIXTURES / "header_only.csv"),
        "--out",
        str(tmp_path / "x.parquet"),
        "--from-only",
    )
    assert code == 2 and "has no rows" in err


def test_catalog_build_merges_every_from_file_and_prints_tracks_per_seed_genre(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = ["--from", str(FIXTURES / "tidytuesday_small.csv"), "--from", str(FIXTURES / "kaggle_stripped_small.csv")]
    out = tmp_path / "merged.parquet"
    code, printed, _ = run(capsys, "catalog", "build", *sources, "--out", str(out), "--no-artists", "--from-only")
    assert code == 0 and len(load_catalog(out)) == 10
    assert "tidytuesday_small.csv (tidytuesday): 5 rows, 4 tracks" in printed
    counts = printed.split("tracks per seed genre:")[1]
    assert "hard-rock" in counts and "bossanova" in counts


def test_catalog_build_from_only_without_a_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "catalog", "build", "--from-only")
    assert code == 2 and "--from-only needs at least one --from FILE" in err


def test_the_installed_command_exits_2_without_a_traceback(small_catalog: Path) -> None:
    import subprocess
    import sys

    from shared.paths import REPO_ROOT

    args = ["recommend", "--features", '{"energy": 2}', "--catalog", str(small_catalog)]
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--features is missing: acousticness" in done.stderr


def test_catalog_holidays_counts_them_and_scores_a_judged_sample(
    small_catalog: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    judged = tmp_path / "judged.csv"
    judged.write_text(
        "sample,name,album,artist,holiday\n"
        "flagged,Jingle Bell Rock,,Bobby Helms,True\n"
        "flagged,Christmas Island,,AJJ,False\n"
        "candidate,Little Things,Pop Christmas 2022,ABBA,True\n"
        "candidate,Holiday,,Green Day,False\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "catalog", "holidays", "--catalog", str(small_catalog), "--judged", str(judged))
    assert code == 0 and "holiday songs of 3 tracks" in out
    assert "flagged: 2 judged, 1 holiday songs; detector flags 2, 1 of them right; misses 0" in out
    assert "candidate: 2 judged, 1 holiday songs; detector flags 0, 0 of them right; misses 1" in out
    assert "precision 0.500, recall 0.500" in out
    # A judged file without the columns it needs is a clear error, exit 2.
    (tmp_path / "bad.csv").write_text("title\nx\n", encoding="utf-8")
    code, _, err = run(
        capsys, "catalog", "holidays", "--catalog", str(small_catalog), "--judged", str(tmp_path / "bad.csv")
    )
    assert code == 2 and "judged sample" in err and "could not be read" in err


def test_catalog_audit_prints_label_precision_per_seed_genre(
    small_catalog: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "catalog", "audit", "--catalog", str(small_catalog), "--artists", str(FIXTURES / "artists_small.csv")
    )
    assert code == 0 and "the namesake check keeps" in out
    assert "| genre | catalog: tracks | catalog: precision (known) |" in out and "| **all labels** |" in out
    code, _, err = run(
        capsys, "catalog", "audit", "--catalog", str(small_catalog), "--artists", str(tmp_path / "x.csv")
    )
    assert code == 2 and "artist genre file" in err and "could not be read" in err
