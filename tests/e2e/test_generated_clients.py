"""Both generated clients against the running gateway (the four services as processes): each makes a playlist from a
photo with a bearer session, rates it, lists its ratings, meets a typed error and revokes its session. The Python
client (clients/python) runs here; the TypeScript one (clients/typescript/test/gateway.test.ts) is type-checked
against its generated schema by `tsc` and run by Node's test runner."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.contract.generated_clients import PYTHON_CLIENT, TYPESCRIPT, typescript_missing
from tests.e2e.conftest import Stack
from tests.e2e.test_playlist_flow import sunset_photo

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

sys.path.insert(0, str(PYTHON_CLIENT.parent))  # the generated package is not installed: it is imported in place

from pressedplay_client import AuthenticatedClient, Client  # noqa: E402
from pressedplay_client.api.genres import list_genres_v1_genres_get  # noqa: E402
from pressedplay_client.api.playlists import (  # noqa: E402
    get_playlist_v1_playlists_playlist_id_get,
    post_feedback_v1_playlists_playlist_id_feedback_post,
    post_playlist_v1_playlists_post,
)
from pressedplay_client.api.ratings import get_my_ratings_v1_me_ratings_get  # noqa: E402
from pressedplay_client.api.sessions import (  # noqa: E402
    new_bearer_session_v1_sessions_post,
    revoke_session_v1_sessions_current_delete,
)
from pressedplay_client.models import (  # noqa: E402
    BearerSession,
    BodyPostPlaylistV1PlaylistsPost,
    BodyPostPlaylistV1PlaylistsPostMode,
    ErrorEnvelope,
    FeedbackIn,
    FeedbackInRating,
    MyRatings,
    Playlist,
)
from pressedplay_client.types import File  # noqa: E402


def bearer_client(stack: Stack) -> AuthenticatedClient:
    with Client(base_url=stack.gateway) as anonymous:
        issued = new_bearer_session_v1_sessions_post.sync(client=anonymous)
    assert isinstance(issued, BearerSession) and issued.token_type == "Bearer"
    return AuthenticatedClient(base_url=stack.gateway, token=issued.token, timeout=httpx.Timeout(120))


@pytest.fixture
def native(stack: Stack) -> Iterator[AuthenticatedClient]:
    with bearer_client(stack) as client:
        yield client


def upload(client: AuthenticatedClient, genres: str) -> Playlist | ErrorEnvelope | None:
    photo = File(payload=io.BytesIO(sunset_photo()), file_name="sunset.jpg", mime_type="image/jpeg")
    body = BodyPostPlaylistV1PlaylistsPost(  # `image` is a list: one photo, or an album's
        image=[photo], genres=genres, n=5, mode=BodyPostPlaylistV1PlaylistsPostMode.CALM
    )
    return post_playlist_v1_playlists_post.sync(client=client, body=body)


def test_the_python_client_makes_a_playlist_and_rates_it_with_a_bearer_session(
    stack: Stack, native: AuthenticatedClient
) -> None:
    genres = list_genres_v1_genres_get.sync(client=native)
    assert genres is not None and "rock" in genres.genres
    made = upload(native, "rock")
    assert isinstance(made, Playlist), made
    assert len(made.tracks) == 5 and "rock" in made.genres and made.mode == "calm"
    again = get_playlist_v1_playlists_playlist_id_get.sync(made.id, client=native)
    assert isinstance(again, Playlist) and [t.id for t in again.tracks] == [t.id for t in made.tracks]
    rated = post_feedback_v1_playlists_playlist_id_feedback_post.sync_detailed(
        made.id, client=native, body=FeedbackIn(rating=FeedbackInRating.VALUE_1)
    )
    assert rated.status_code == 201, rated.content
    mine = get_my_ratings_v1_me_ratings_get.sync(client=native)
    assert isinstance(mine, MyRatings) and [r.rating for r in mine.ratings if r.playlist_id == made.id] == [1]
    with bearer_client(stack) as stranger:
        hidden = get_playlist_v1_playlists_playlist_id_get.sync_detailed(made.id, client=stranger)
    assert hidden.status_code == 404


def test_the_python_client_gets_typed_errors_and_revokes_its_session(native: AuthenticatedClient) -> None:
    refused = upload(native, "<b>not a genre</b>")
    assert isinstance(refused, ErrorEnvelope) and refused.error == "UnknownGenre"
    assert revoke_session_v1_sessions_current_delete.sync_detailed(client=native).status_code == 204
    twice = revoke_session_v1_sessions_current_delete.sync(client=native)
    assert isinstance(twice, ErrorEnvelope) and twice.error == "SessionNotFound"


def test_the_typescript_client_runs_against_the_gateway(stack: Stack, tmp_path: Path) -> None:
    missing = typescript_missing()
    if missing:
        pytest.skip(f"the TypeScript client is not run: {missing}")
    dist = TYPESCRIPT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    compiled = subprocess.run(
        [str(TYPESCRIPT / "node_modules" / ".bin" / "tsc"), "-p", "tsconfig.json"],
        cwd=TYPESCRIPT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert compiled.returncode == 0, f"the TypeScript client's test does not type-check:\n{compiled.stdout}"
    photo = tmp_path / "sunset.jpg"
    photo.write_bytes(sunset_photo())
    env = {**os.environ, "GATEWAY_URL": stack.gateway, "PHOTO_PATH": str(photo)}
    ran = subprocess.run(
        ["node", "--test", str(dist / "test" / "gateway.test.js")],
        cwd=TYPESCRIPT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]
    assert "# pass 2" in ran.stdout and "# fail 0" in ran.stdout, ran.stdout[-2000:]
