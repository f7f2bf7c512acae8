"""The Spotify collector against the fake Spotify over real HTTP: paging, 429s, resume, 403 on audio features."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from pipeline.collect.collector import collect
from pipeline.collect.jobs import collection_jobs
from pipeline.collect.spotify_calls import PoliteCaller, SpotifySettings, spotify_client
from pipeline.data.dataset import build_dataset
from pipeline.data.dataset_inspect import read_dataset
from pipeline.data_errors import SpotifyFailed, SpotifyForbidden, SpotifyRateLimited
from shared.features import AUDIO_FEATURES
from tests.fakes.spotify import FakeSpotify
from tests.fakes.spotify_signin import TEST_CLIENT_ID, TEST_CLIENT_SECRET
from tests.fakes.spotify_state import FakeApp, SpotifyState

pytest_plugins = ["tests.fakes.conftest_spotify"]
pytestmark = pytest.mark.integration

CURATOR = "curator"


def _jpeg(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def spotify_state() -> SpotifyState:
    """A curator with 55 public playlists (two pages of 50), the first one 230 tracks long (three item pages)."""
    state = SpotifyState()
    state.add_user(CURATOR)
    artist = state.add_artist("Someone", genres=["indie pop"])
    rng = np.random.default_rng(1)

    def track() -> str:
        features = {name: round(float(rng.random()), 3) for name in AUDIO_FEATURES}
        features["loudness"] = -8.0
        return state.add_track(f"Song {len(state.tracks)}", artist_ids=[artist.id], features=features).id

    state.add_playlist(CURATOR, "Long one", track_ids=[track() for _ in range(230)], image_jpeg=_jpeg("red"))
    for number in range(54):
        state.add_playlist(CURATOR, f"List {number}", track_ids=[track(), track()], image_jpeg=_jpeg("blue"))
    return state


@pytest.fixture
def extended(spotify_app: FakeApp) -> FakeApp:
    spotify_app.extended_access = True
    return spotify_app


def _client(server: FakeSpotify):
    settings = SpotifySettings(
        client_id=TEST_CLIENT_ID,
        client_secret=TEST_CLIENT_SECRET,  # type: ignore[arg-type]
        api_url=server.api_url,
        accounts_url=server.accounts_url,
    )
    return spotify_client(settings)


def _caller(waits: list[float]) -> PoliteCaller:
    return PoliteCaller(max_retries=3, max_retry_after_s=30, backoff_s=0.01, sleep=waits.append)


def test_collector_pages_through_all_playlists_items_and_feature_batches(
    fake_spotify, extended, spotify_state, tmp_path
):
    summary = collect(client=_client(fake_spotify), user=CURATOR, out_dir=tmp_path, caller=_caller([]))
    assert summary.playlists_done == 55
    assert summary.tracks == 230 + 54 * 2
    long_one = next(p for p in spotify_state.playlists.values() if p.name == "Long one")
    record = json.loads((tmp_path / "playlists" / f"{long_one.id}.json").read_text())
    assert [t["id"] for t in record["tracks"]] == long_one.track_ids
    expected = [spotify_state.tracks[long_one.track_ids[0]].features[name] for name in AUDIO_FEATURES]
    assert record["tracks"][0]["features"] == pytest.approx(expected)
    assert (tmp_path / record["cover_file"]).read_bytes() == long_one.image_jpeg
    assert len(spotify_state.calls(f"/v1/users/{CURATOR}/playlists")) == 2
    assert len(spotify_state.calls(f"/v1/playlists/{long_one.id}/items")) == 5  # 230 tracks, 50 a page
    assert len(spotify_state.calls("/v1/audio-features")) == 3 + 54


def test_a_429_waits_its_retry_after_and_then_succeeds(fake_spotify, extended, spotify_state, tmp_path):
    spotify_state.inject(429, times=2, retry_after=7)
    waits: list[float] = []
    summary = collect(
        client=_client(fake_spotify), user=CURATOR, out_dir=tmp_path, caller=_caller(waits), max_playlists=3
    )
    assert waits == [7, 7]
    assert summary.playlists_done == 3


def test_a_429_is_honoured_in_real_time_without_hammering(fake_spotify, extended, spotify_state, tmp_path):
    spotify_state.inject(429, times=1, retry_after=1)
    caller = PoliteCaller(max_retries=3, max_retry_after_s=30)
    collect(client=_client(fake_spotify), user=CURATOR, out_dir=tmp_path, caller=caller, max_playlists=1)
    listing = spotify_state.calls(f"/v1/users/{CURATOR}/playlists")
    assert len(listing) == 2
    assert listing[1].at - listing[0].at >= 1.0


def test_a_retry_after_longer_than_we_wait_stops_with_a_clear_error(fake_spotify, extended, spotify_state, tmp_path):
    spotify_state.inject(429, times=1, retry_after=3600)
    with pytest.raises(SpotifyRateLimited, match="3600 s"):
        collect(client=_client(fake_spotify), user=CURATOR, out_dir=tmp_path, caller=_caller([]))
    assert len(spotify_state.calls("/v1/")) == 1


def test_endless_429s_give_up_after_the_retry_budget(fake_spotify, extended, spotify_state, tmp_path):
    spotify_state.inject(429, times=100, retry_after=1)
    waits: list[float] = []
    with pytest.raises(SpotifyRateLimited, match="after 3 retries"):
        collect(client=_client(fake_spotify), user=CURATOR, out_dir=tmp_path, caller=_caller(waits))
    assert len(spotify_state.calls("/v1/")) == 4
    assert waits == [1, 1, 1]


def test_server_errors_are_retried_with_backoff(fake_spotify, extended, spotify_state, tmp_path):
    spotify_state.inject(503, times=2)
    waits: list[float] = []
    collect(client=_client(fake_spotify), user=CURATOR, out_dir=tmp_path, caller=_caller(waits), max_playlists=2)
    assert waits == [0.01, 0.02]


def test_an_interrupted_run_resumes_where_it_stopped(fake_spotify, extended, spotify_state, tmp_path):
    third = list(spotify_state.playlists)[2]
    spotify_state.inject(500, times=50, path_prefix=f"/v1/playlists/{third}/items")
    with pytest.raises(SpotifyFailed, match="500"):
        collect(client=_client(fake_spotify), user=CURATOR, out_dir=tmp_path, caller=_caller([]), max_playlists=5)
    saved = json.loads((tmp_path / "state.json").read_text())
    assert len(saved["done"]) == 2
    spotify_state.faults.clear()
    first = next(iter(spotify_state.playlists))
    items_calls_before = len(spotify_state.calls(f"/v1/playlists/{first}/items"))
    listing_calls_before = len(spotify_state.calls(f"/v1/users/{CURATOR}/playlists"))

    summary = collect(client=_client(fake_spotify), user=CURATOR, out_dir=tmp_path, caller=_caller([]), max_playlists=5)

    assert summary.playlists_done == 5
    assert summary.collected_now == 3
    assert len(spotify_state.calls(f"/v1/playlists/{first}/items")) == items_calls_before  # not fetched again
    assert len(spotify_state.calls(f"/v1/users/{CURATOR}/playlists")) == listing_calls_before  # listing reused


def test_a_development_mode_app_is_told_it_needs_extended_access(fake_spotify, spotify_state, tmp_path):
    with pytest.raises(SpotifyForbidden, match="extended quota access"):
        collect(client=_client(fake_spotify), user=CURATOR, out_dir=tmp_path, caller=_caller([]), max_playlists=1)


def test_a_folder_collected_for_another_user_is_refused(fake_spotify, extended, tmp_path):
    (tmp_path / "state.json").write_text(json.dumps({"user": "someone-else"}))
    with pytest.raises(SpotifyFailed, match="someone-else"):
        collect(client=_client(fake_spotify), user=CURATOR, out_dir=tmp_path, caller=_caller([]))


def test_wrong_client_credentials_are_a_clear_error(fake_spotify, extended, tmp_path):
    settings = SpotifySettings(
        client_id=TEST_CLIENT_ID,
        client_secret="wrong",  # type: ignore[arg-type]
        api_url=fake_spotify.api_url,
        accounts_url=fake_spotify.accounts_url,
    )
    with pytest.raises(SpotifyFailed, match="token"):
        collect(client=spotify_client(settings), user=CURATOR, out_dir=tmp_path, caller=_caller([]))


def test_missing_credentials_are_refused_before_any_call():
    with pytest.raises(SpotifyFailed, match="SPOTIFY_CLIENT_ID"):
        spotify_client(SpotifySettings(client_id="", api_url="http://127.0.0.1:9/v1/"))


def test_a_collection_builds_into_training_shards(fake_spotify, extended, spotify_state, tmp_path):
    collect(client=_client(fake_spotify), user=CURATOR, out_dir=tmp_path / "c", caller=_caller([]), max_playlists=6)
    summary = build_dataset(
        out_dir=tmp_path / "shards",
        image_size=48,
        progress=False,
        jobs_from=lambda: collection_jobs(tmp_path / "c", seed=0),
    )
    data = read_dataset(tmp_path / "shards")
    assert summary.rows == len(data) == 230 + 5 * 2
    assert set(data["genre"]) == {CURATOR}
    assert data.groupby("release_id")["split"].nunique().max() == 1


def test_the_collect_command_runs_against_configured_hosts(fake_spotify, extended, tmp_path, monkeypatch, capsys):
    from pipeline.cli import main

    monkeypatch.setenv("SPOTIFY_CLIENT_ID", TEST_CLIENT_ID)
    monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", TEST_CLIENT_SECRET)
    argv = ["collect", "--user", CURATOR, "--out", str(tmp_path), "--max-playlists", "2", "--no-progress"]
    hosts = ["--api-url", fake_spotify.api_url, "--accounts-url", fake_spotify.accounts_url]
    assert main([*argv, *hosts]) == 0
    assert json.loads(capsys.readouterr().out)["playlists_done"] == 2


def test_the_collect_command_explains_a_403_in_one_line(fake_spotify, tmp_path, monkeypatch, capsys):
    from pipeline.cli import main

    monkeypatch.setenv("SPOTIFY_CLIENT_ID", TEST_CLIENT_ID)
    monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", TEST_CLIENT_SECRET)
    argv = ["collect", "--user", CURATOR, "--out", str(tmp_path), "--no-progress", "--api-url", fake_spotify.api_url]
    assert main([*argv, "--accounts-url", fake_spotify.accounts_url]) == 2
    assert "extended quota access" in capsys.readouterr().err


def test_a_playlist_deleted_during_the_run_is_skipped(fake_spotify, extended, spotify_state, tmp_path):
    second = list(spotify_state.playlists)[1]

    def delete_second(_: str) -> None:
        spotify_state.playlists.pop(second, None)

    summary = collect(
        client=_client(fake_spotify),
        user=CURATOR,
        out_dir=tmp_path,
        caller=_caller([]),
        max_playlists=3,
        on_playlist=delete_second,
    )
    assert summary.skipped == [second]
    assert summary.playlists_done == 2


def test_dataset_build_reads_a_collection_from_the_command_line(fake_spotify, extended, tmp_path, capsys):
    from pipeline.cli import main

    collect(client=_client(fake_spotify), user=CURATOR, out_dir=tmp_path / "c", caller=_caller([]), max_playlists=4)
    argv = ["dataset", "build", "--collection", str(tmp_path / "c"), "--out", str(tmp_path / "shards")]
    assert main([*argv, "--image-size", "48", "--no-progress"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 230 + 3 * 2


def test_dataset_build_from_an_empty_collection_is_a_clear_error(tmp_path, capsys):
    from pipeline.cli import main

    assert main(["dataset", "build", "--collection", str(tmp_path), "--out", str(tmp_path / "shards")]) == 2
    assert "holds no collected playlists" in capsys.readouterr().err
