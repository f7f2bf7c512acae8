"""`pressedplay predict`: one JSON object per image, and clear per-image errors that do not stop the others."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from pipeline.cli import main
from shared.features import AUDIO_FEATURES
from tests.unit.model_fixtures import random_checkpoint


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return random_checkpoint(tmp_path_factory.mktemp("model") / "m.pt")


def _photo(path: Path, colour: str) -> Path:
    Image.new("RGB", (64, 48), colour).save(path)
    return path


def test_json_output_has_one_object_per_image_with_every_feature_and_the_model_version(
    model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = [_photo(tmp_path / "a.jpg", "orange"), _photo(tmp_path / "b.png", "navy")]
    assert main(["predict", "--json", "--model", str(model), *map(str, images)]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["image"] for r in results] == [str(p) for p in images]
    for result in results:
        assert list(result["features"]) == list(AUDIO_FEATURES)
        assert result["model"].startswith("effnet-vae-")


def test_an_unreadable_file_gets_an_error_object_while_the_others_succeed(
    model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _photo(tmp_path / "good.jpg", "yellow")
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(b"\xff\xd8\xff this is not really a jpeg")
    missing = tmp_path / "missing.jpg"
    code = main(["predict", "--json", "--model", str(model), str(corrupt), str(good), str(missing)])
    results = json.loads(capsys.readouterr().out)
    assert code == 1
    assert set(results[0]) == {"image", "error"} and results[0]["error"]
    assert "features" in results[1]
    assert results[2]["image"] == str(missing) and "cannot read" in results[2]["error"]


def test_attention_overlays_are_written_when_asked(
    model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image = _photo(tmp_path / "a.jpg", "teal")
    main(["predict", "--json", "--model", str(model), "--attention", str(tmp_path / "att"), str(image)])
    result = json.loads(capsys.readouterr().out)[0]
    assert Path(result["attention_png"]).read_bytes()[:4] == b"\x89PNG"


def test_plain_output_prints_one_line_per_image(
    model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image = _photo(tmp_path / "a.jpg", "pink")
    assert main(["predict", "--model", str(model), str(image)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{image}: acousticness=")


def test_a_missing_model_is_a_one_line_error_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image = _photo(tmp_path / "a.jpg", "pink")
    assert main(["predict", "--model", str(tmp_path / "none.pt"), str(image)]) == 2
    assert "none.pt" in capsys.readouterr().err


@pytest.fixture(scope="module")
def mood_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.unit.model_fixtures import mood_checkpoint

    return mood_checkpoint(tmp_path_factory.mktemp("mood") / "m.pt")


def test_json_output_gives_each_photos_mood_and_genre_look_beside_its_features(
    mood_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image = _photo(tmp_path / "a.jpg", "orange")
    assert main(["predict", "--json", "--model", str(mood_model), str(image)]) == 0
    result = json.loads(capsys.readouterr().out)[0]
    assert set(result["mood"]) == {"valence", "arousal"} and all(1 <= v <= 9 for v in result["mood"].values())
    assert list(result["genre_look"]) == ["Country", "Electronic", "HipHop", "Pop", "Rock"]
    assert sum(result["genre_look"].values()) == pytest.approx(1.0)


def test_photos_are_predicted_in_bounded_batches_with_results_in_the_order_given(
    mood_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    colours = ["red", "green", "blue", "white", "black"]
    images = [_photo(tmp_path / f"{i}.jpg", c) for i, c in enumerate(colours)]
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(b"not an image")
    paths = [*map(str, images[:2]), str(corrupt), *map(str, images[2:])]
    assert main(["predict", "--json", "--batch", "2", "--model", str(mood_model), *paths]) == 1
    batched = json.loads(capsys.readouterr().out)
    assert [r["image"] for r in batched] == paths and "error" in batched[2]
    assert main(["predict", "--json", "--batch", "32", "--model", str(mood_model), *map(str, images)]) == 0
    whole = json.loads(capsys.readouterr().out)
    for alone, together in zip(whole, [r for r in batched if "features" in r], strict=True):
        assert alone["features"] == pytest.approx(together["features"], rel=1e-4)  # batch size changes BLAS order


def test_a_batch_size_below_one_is_a_one_line_error(
    mood_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image = _photo(tmp_path / "a.jpg", "pink")
    assert main(["predict", "--batch", "0", "--model", str(mood_model), str(image)]) == 2
    assert "--batch" in capsys.readouterr().err
