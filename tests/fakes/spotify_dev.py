"""The fake Spotify as a dev server: `python -m tests.fakes.spotify_dev` (what `PRESSEDPLAY_SPOTIFY=fake make run`
starts on 127.0.0.1:8005), so the sign-in, the genre profile and the playlist on Spotify can be tried without a
Spotify account, and end-to-end tests can run it as a process.

Its world: a registered app (client id `pressedplay-dev`, redirect http://127.0.0.1:8000/v1/auth/callback plus any
--redirect-uri), a `demo` user whose top artists have genres (some have none, as in 2026) and whose top tracks are
catalog tracks, and a `newcomer` whose artists have no genres at all (the profile falls back to the catalog). Every
catalog track exists on it, so generated playlists fill; /authorize approves at once. Steer and inspect it under
/_fake (tests/fakes/spotify_control.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import uvicorn

from shared.paths import REPO_ROOT
from tests.fakes.spotify import create_app
from tests.fakes.spotify_state import SpotifyState

DEV_CLIENT_ID = "pressedplay-dev"
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8000/v1/auth/callback"
CATALOG = REPO_ROOT / "data" / "catalog.parquet"
# (artist name as the demo shows it, its Spotify micro-genres): some with genres, some without, as Spotify answers.
DEMO_ARTISTS: tuple[tuple[str, list[str]], ...] = (
    ("Clairo", ["bedroom pop", "indie pop"]),
    ("Fred again..", ["uk garage", "house"]),
    ("SZA", ["r&b", "pop"]),
    ("Khruangbin", []),
    ("Tame Impala", ["psychedelic rock", "neo-psychedelic"]),
    ("Little Simz", []),
)
# Seed genres whose best-stocked catalog artists become the users' top tracks' artists.
TOP_TRACK_GENRES = ("indie-pop", "r-n-b", "house", "jazz")


def _catalog_frame(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame({"track_id": [], "name": [], "artist": [], "genres": []})
    return pd.read_parquet(path, columns=["track_id", "name", "artist", "genres"])


def _top_catalog_tracks(frame: pd.DataFrame, genres: Sequence[str], per_genre: int = 3) -> list[tuple[str, str, str]]:
    """(track id, name, artist) of the most-stocked artist per genre: a handful of real catalog tracks."""
    picked: list[tuple[str, str, str]] = []
    for genre in genres:
        rows = frame[frame["genres"].map(lambda names, g=genre: g in list(names))]
        if rows.empty:
            continue
        artist = rows["artist"].value_counts().index[0]
        for row in rows[rows["artist"] == artist].head(per_genre).itertuples():
            picked.append((str(row.track_id), str(row.name), str(row.artist)))
    return picked


def demo_state(
    *, catalog: Path = CATALOG, redirect_uris: Sequence[str] = (), token_lifetime_s: int = 3600
) -> SpotifyState:
    """The dev server's world (see the module docstring)."""
    state = SpotifyState(token_lifetime_s=token_lifetime_s)
    state.add_app(
        client_id=DEV_CLIENT_ID,
        client_secret="pressedplay-dev-secret",
        redirect_uris=list(dict.fromkeys([DEFAULT_REDIRECT_URI, *redirect_uris])),
    )
    frame = _catalog_frame(catalog)
    pairs = zip(frame["name"].astype(str), frame["artist"].astype(str), strict=True)
    names = dict(zip(frame["track_id"].astype(str), pairs, strict=True))
    state.describe_unknown_track = _describer(names)
    demo = state.add_user("demo", display_name="Demo Listener")
    newcomer = state.add_user("newcomer", display_name="New Listener")
    artists = [state.add_artist(name, genres=genres).id for name, genres in DEMO_ARTISTS]
    tracks = []
    for track_id, name, artist_name in _top_catalog_tracks(frame, TOP_TRACK_GENRES):
        artist = next((a for a in state.artists.values() if a.name == artist_name), None) or state.add_artist(
            artist_name
        )
        tracks.append(state.add_track(name, artist_ids=[artist.id], track_id=track_id).id)
    demo.top_artists = {"short_term": artists[:4], "medium_term": artists[1:], "long_term": artists[::-1]}
    demo.top_tracks = {"short_term": tracks, "medium_term": tracks[::-1], "long_term": tracks}
    bare = [state.add_artist(f"Newcomer Favourite {n}").id for n in range(3)]
    newcomer.top_artists = {"medium_term": bare}
    newcomer.top_tracks = {"medium_term": tracks}
    return state


def _describer(names: dict[str, tuple[str, str]]) -> Callable[[str], tuple[str, str]]:
    def describe(track_id: str) -> tuple[str, str]:
        return names.get(track_id, (f"Track {track_id}", "Unknown artist"))

    return describe


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the demo world until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8005)
    parser.add_argument("--redirect-uri", action="append", default=[], help="another registered redirect URI")
    parser.add_argument("--catalog", type=Path, default=CATALOG)
    parser.add_argument("--token-lifetime-s", type=int, default=3600)
    args = parser.parse_args(argv)
    state = demo_state(catalog=args.catalog, redirect_uris=args.redirect_uri, token_lifetime_s=args.token_lifetime_s)
    print(
        f"fake Spotify on http://{args.host}:{args.port} (client id {DEV_CLIENT_ID}; users demo, newcomer)", flush=True
    )
    uvicorn.run(create_app(state), host=args.host, port=args.port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
