"""`pressedplay mood fit|report` on a small synthetic set of rated photos: bright photos were rated pleasant."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.cli import main
from pipeline.data_errors import DatasetError
from pipeline.mood import fit as fit_module
from pipeline.mood.fit import extract, fit_mood, fold_ids, read_ratings
from services.inference.model.checkpoint import load_checkpoint
from services.inference.model.predictor import Predictor
from shared.features import AUDIO_FEATURES
from tests.unit.model_fixtures import mood_checkpoint, mood_scene, write_rated_photos

PHOTOS = 40
ENERGY = AUDIO_FEATURES.index("energy")


@pytest.fixture(scope="module")
def affect(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Rated photos: valence follows brightness, arousal follows how red (saturated) the photo is."""
    return write_rated_photos(tmp_path_factory.mktemp("affect"), photos=PHOTOS)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mood_checkpoint(tmp_path_factory.mktemp("base") / "base.pt")


@pytest.fixture(scope="module")
def fitted(affect: Path, base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fitted") / "mood.pt"
    assert main(["mood", "fit", "--base", str(base), "--affect", str(affect), "--out", str(out), "--cache-dir",
                 str(tmp_path_factory.mktemp("cache")), "--calibrate-spread"]) == 0  # fmt: skip
    return out


def test_folds_are_balanced_and_cover_every_row() -> None:
    folds = fold_ids(23)
    assert sorted(set(folds.tolist())) == [0, 1, 2, 3, 4]
    assert max(np.bincount(folds)) - min(np.bincount(folds)) <= 1


def test_the_fitted_checkpoint_learns_the_ratings_and_records_its_parent_and_cross_validated_numbers(
    fitted: Path, base: Path
) -> None:
    checkpoint = load_checkpoint(fitted)
    parent = load_checkpoint(base)
    assert checkpoint.version != parent.version
    assert checkpoint.training["mood"]["parent"] == parent.version
    assert checkpoint.training["mood"]["photos"] == PHOTOS
    assert checkpoint.metrics["mood_cv"]["valence_spearman"] > 0.8  # brightness is easy to read
    assert checkpoint.feature_mapping is not None
    assert checkpoint.feature_mapping.served_quantiles is not None  # the spread is calibrated (feature_mapping step 4)


def test_the_spread_calibration_is_fitted_on_the_out_of_fold_mood(affect: Path, base: Path, tmp_path: Path) -> None:
    predictor = Predictor.load(base, device="cpu")
    rated = extract(predictor, affect, cache_dir=tmp_path)
    fitted, oof = fit_mood(predictor.checkpoint, rated, calibrate_spread=True)
    mapping = fitted.feature_mapping
    assert mapping is not None and mapping.served_quantiles is not None
    plain, _ = fit_mood(predictor.checkpoint, rated)  # the default: the mapping as shipped, no step 4
    assert plain.feature_mapping is not None and plain.feature_mapping.served_quantiles is None
    energy = mapping.compose(rated.look_mixture, oof)[
        :, ENERGY
    ]  # over the photos it was fitted on: the catalog's spread
    catalog = mapping.catalog_quantiles[ENERGY]
    assert np.quantile(energy, [0.1, 0.9]) == pytest.approx(np.quantile(catalog, [0.1, 0.9]), abs=0.05)


def test_a_bright_photo_gets_more_valence_from_the_fitted_model_than_a_dark_one(fitted: Path) -> None:
    predictor = Predictor.load(fitted, device="cpu")
    rng = np.random.default_rng(5)
    bright, dark = predictor.predict([mood_scene(0.9, 0.4, rng), mood_scene(0.15, 0.4, rng)])
    assert bright.mood is not None and dark.mood is not None
    assert bright.mood.valence > dark.mood.valence + 2
    assert bright.features.valence > dark.features.valence
    assert bright.genre_look is not None and sum(bright.genre_look.values()) == pytest.approx(1.0)


def test_the_backbone_pass_is_cached_by_model_version(affect: Path, base: Path, tmp_path: Path) -> None:
    predictor = Predictor.load(base, device="cpu")
    first = extract(predictor, affect, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.npz"))) == 1
    again = extract(predictor, affect, cache_dir=tmp_path)
    assert np.array_equal(first.stages, again.stages) and first.stages.shape == (PHOTOS, 2064)


def test_a_backbone_pass_stopped_part_way_continues_from_the_batch_it_was_in(
    affect: Path, base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    predictor = Predictor.load(base, device="cpu")
    unbroken = extract(predictor, affect, cache_dir=None)
    opened: list[Path] = []
    real_open = fit_module._open

    def open_until_photo_35(path: Path) -> Image.Image:
        opened.append(path)
        if len(opened) == 35:  # in the second batch of 32
            raise KeyboardInterrupt
        return real_open(path)

    monkeypatch.setattr(fit_module, "_open", open_until_photo_35)
    with pytest.raises(KeyboardInterrupt):
        extract(predictor, affect, cache_dir=tmp_path)
    assert not list(tmp_path.glob("*.npz")) and len(list(tmp_path.glob("*.part/*.npz"))) == 1  # the first batch
    opened.clear()
    capsys.readouterr()
    resumed = extract(predictor, affect, cache_dir=tmp_path)
    assert len(opened) == PHOTOS - fit_module.BATCH  # only the batch the stop interrupted is run again
    assert f"backbone pass over the rated photos: {PHOTOS}/{PHOTOS}, " in capsys.readouterr().err
    for name in ("stages", "look_mixture", "look", "colour", "ratings"):
        assert np.array_equal(getattr(unbroken, name), getattr(resumed, name)), name
    assert len(list(tmp_path.glob("*.npz"))) == 1 and not list(tmp_path.glob("*.part"))  # whole: chunks dropped


def test_fit_refuses_a_checkpoint_without_a_genre_look_head(affect: Path, tmp_path: Path) -> None:
    from tests.unit.model_fixtures import random_checkpoint

    predictor = Predictor.load(random_checkpoint(tmp_path / "plain.pt"), device="cpu")
    with pytest.raises(DatasetError, match="genre-look head"):
        extract(predictor, affect, cache_dir=None)


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        (None, "no ratings.csv"),
        ("file,valence\na.jpg,5\n", "lacks column"),
        ("file,valence,arousal\n" + "a.jpg,5,12\n" * 12, "1-9 scale"),
        ("file,valence,arousal\n" + "a.jpg,5,5\n" * 3, "at least 10"),
    ],
)
def test_bad_ratings_files_are_refused_with_the_reason(tmp_path: Path, ratings: str | None, message: str) -> None:
    if ratings is not None:
        (tmp_path / "ratings.csv").write_text(ratings)
    with pytest.raises(DatasetError, match=message):
        read_ratings(tmp_path)


def test_a_missing_rated_photo_is_named(affect: Path, base: Path, tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "ratings.csv").write_text((affect / "ratings.csv").read_text())
    with pytest.raises(DatasetError, match="is missing"):
        extract(Predictor.load(base, device="cpu"), tmp_path, cache_dir=None)


def test_fit_mood_on_the_same_photos_is_deterministic(affect: Path, base: Path) -> None:
    predictor = Predictor.load(base, device="cpu")
    photos = extract(predictor, affect, cache_dir=None)
    one, oof_one = fit_mood(predictor.checkpoint, photos)
    two, oof_two = fit_mood(predictor.checkpoint, photos)
    assert np.array_equal(oof_one, oof_two)
    assert all(np.array_equal(one.mood_state[k], two.mood_state[k]) for k in one.mood_state or {})  # type: ignore[index]


def test_the_report_measures_served_features_and_playlists_from_out_of_fold_mood(
    fitted: Path, affect: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["mood", "report", str(fitted), "--affect", str(affect), "--photos", "6", "--json",
                 "--cache-dir", str(tmp_path)])  # fmt: skip
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["photos"] == PHOTOS and report["playlist_photos"] == 6
    assert report["served_valence_spearman"] > 0.8
    assert 0.0 <= report["playlist_jaccard"] <= 1.0
    # the fit calibrated the spread on these photos' out-of-fold mood: served energy spans the catalog's 5th-95th
    assert report["energy_catalog_span"] == pytest.approx([5, 95], abs=4)
    assert set(report["distinct_values"]) == {
        "acousticness", "danceability", "energy", "instrumentalness", "liveness", "loudness", "speechiness", "valence"
    }  # fmt: skip


def test_report_on_a_checkpoint_without_a_mood_head_is_a_one_line_error(
    affect: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.unit.model_fixtures import random_checkpoint

    plain = random_checkpoint(tmp_path / "plain.pt")
    assert main(["mood", "report", str(plain), "--affect", str(affect), "--cache-dir", str(tmp_path)]) == 2
    assert "genre-look head" in capsys.readouterr().err
