"""`pressedplay collect`: the original's Spotify collector (public playlists, covers, audio features)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `collect` command."""
    parser = subparsers.add_parser(
        "collect",
        help="collect a Spotify user's playlist covers and their tracks' audio features (terms permitting)",
        description=(
            "Needs SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET of an app with extended quota access, and terms that "
            "allow it: Spotify's developer terms forbid training models on Spotify content. Re-running with the "
            "same --out resumes where the last run stopped."
        ),
    )
    parser.add_argument("--user", default="spotify", help="Spotify user id whose public playlists to collect")
    parser.add_argument("--out", type=Path, required=True, help="output folder (state.json, playlists/, covers/)")
    parser.add_argument("--max-playlists", type=int, default=None, metavar="N")
    parser.add_argument("--api-url", default=None, help="Web API base (default $SPOTIFY_API_URL or Spotify's)")
    parser.add_argument("--accounts-url", default=None, help="accounts base (default $SPOTIFY_ACCOUNTS_URL)")
    parser.add_argument("--no-progress", action="store_true")
    parser.set_defaults(func=_collect)


def _collect(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from pipeline.collect.collector import collect
    from pipeline.collect.spotify_calls import PoliteCaller, SpotifySettings, spotify_client
    from shared.errors import InvalidInput

    if args.max_playlists is not None and args.max_playlists < 1:
        raise InvalidInput(f"--max-playlists must be at least 1, got {args.max_playlists}")
    overrides = {k: v for k, v in {"api_url": args.api_url, "accounts_url": args.accounts_url}.items() if v}
    settings = SpotifySettings(**overrides)
    caller = PoliteCaller(max_retries=settings.max_retries, max_retry_after_s=settings.max_retry_after_s)
    client = spotify_client(settings)  # refuses missing credentials before any progress bar appears
    with tqdm(desc="playlists", unit="playlist", disable=args.no_progress) as bar:
        summary = collect(
            client=client,
            user=args.user,
            out_dir=args.out,
            caller=caller,
            max_playlists=args.max_playlists,
            timeout_s=settings.requests_timeout_s,
            on_playlist=lambda _: bar.update(1),
        )
    print(json.dumps(asdict(summary), indent=2))
    return 0
