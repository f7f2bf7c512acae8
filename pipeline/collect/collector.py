"""The original's Spotify collector: a user's public playlists, their covers, their tracks' audio features.

For operators whose Spotify access and terms allow it (Spotify's developer terms forbid training models on Spotify
content; audio features need an app with extended access). Output in OUT:

    state.json                 progress: the playlist listing so far and the playlists done (a re-run resumes)
    playlists/<id>.json        {id, name, owner, cover_file, cover_url, tracks: [{id, features: [8 floats]}]}
    covers/<id>.jpg            the playlist's cover as Spotify serves it

`pressedplay dataset build --collection OUT` turns that into training shards (pipeline/collect/jobs.py).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import requests

from pipeline.collect.spotify_calls import PoliteCaller
from pipeline.data_errors import SpotifyFailed, SpotifyForbidden, SpotifyNotFound
from shared.features import AUDIO_FEATURES

log = logging.getLogger("pressedplay.collector")

STATE_FILE: Final = "state.json"
# Spotify's maxima (its published definition, 2026.5.31): 50 for /users/{id}/playlists and /playlists/{id}/items,
# 100 ids for /audio-features.
PLAYLISTS_PAGE: Final = 50
ITEMS_PAGE: Final = 50
FEATURES_BATCH: Final = 100
EXTENDED_ACCESS_NEEDED: Final = (
    "Spotify refused {what} (403): since 2024-11-27 only apps with extended quota access may read other users' "
    "playlists and audio features (Development Mode apps get 403). The collector needs such an app (and terms that "
    "allow collecting); the default training data does not."
)


@dataclass
class CollectionSummary:
    """What a collector run did."""

    user: str
    playlists_listed: int
    playlists_done: int
    collected_now: int
    skipped: list[str]
    tracks: int


def _write_json(path: Path, payload: Any) -> None:
    # Write-then-rename: an interrupted run never leaves a half-written file that a resume would trust.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(json.dumps(payload, indent=1, sort_keys=True))
    os.replace(partial, path)


def load_state(out_dir: Path, *, user: str) -> dict[str, Any]:
    """The saved progress for `user`, or a fresh one; progress for another user is refused."""
    path = out_dir / STATE_FILE
    if not path.is_file():
        return {"user": user, "listing": [], "listing_next": None, "listing_complete": False, "done": [], "skipped": []}
    state: dict[str, Any] = json.loads(path.read_text())
    if state.get("user") != user:
        raise SpotifyFailed(f"{out_dir} holds a collection of user {state.get('user')!r}; use another --out")
    return state


def _list_playlists(client: Any, caller: PoliteCaller, state: dict[str, Any], out_dir: Path, limit: int | None) -> None:
    """Page through the user's playlists, saving after every page."""
    user = state["user"]
    what = f"the playlists of {user}"
    while not state["listing_complete"] and (limit is None or len(state["listing"]) < limit):
        try:
            if state["listing_next"] is None:
                page = caller.call(what, client.user_playlists, user, limit=PLAYLISTS_PAGE)
            else:
                page = caller.call(what, client.next, {"next": state["listing_next"]})
        except SpotifyForbidden as exc:
            raise SpotifyForbidden(EXTENDED_ACCESS_NEEDED.format(what=what)) from exc
        for item in page.get("items") or []:
            if item is None:
                continue
            images = item.get("images") or []
            state["listing"].append({"id": item["id"], "name": item.get("name", ""), "cover_url": _largest(images)})
        state["listing_next"] = page.get("next")
        state["listing_complete"] = page.get("next") is None
        _write_json(out_dir / STATE_FILE, state)


def _largest(images: list[dict[str, Any]]) -> str | None:
    if not images:
        return None
    return str(max(images, key=lambda i: (i.get("width") or 0) * (i.get("height") or 0))["url"])


def fetch_track_ids(client: Any, caller: PoliteCaller, playlist_id: str) -> list[str]:
    """Every track id of a playlist, following the items pages (local files and episodes skipped)."""
    ids: list[str] = []
    what = f"the items of playlist {playlist_id}"
    page = caller.call(what, client.playlist_items, playlist_id, limit=ITEMS_PAGE, additional_types=("track",))
    while page:
        for item in page.get("items") or []:
            track = (item or {}).get("track") or (item or {}).get("item")
            if track and track.get("id") and not track.get("is_local") and track.get("type", "track") == "track":
                ids.append(str(track["id"]))
        page = caller.call(what, client.next, page) if page.get("next") else None
    return ids


def fetch_features(client: Any, caller: PoliteCaller, track_ids: list[str]) -> dict[str, list[float]]:
    """track id -> 8 features (AUDIO_FEATURES order), from the batch endpoint, 100 ids per call."""
    features: dict[str, list[float]] = {}
    for start in range(0, len(track_ids), FEATURES_BATCH):
        batch = track_ids[start : start + FEATURES_BATCH]
        try:
            answer = caller.call("audio features", client.audio_features, batch) or []
        except SpotifyForbidden as exc:
            raise SpotifyForbidden(EXTENDED_ACCESS_NEEDED.format(what="audio features")) from exc
        for row in answer:
            if row and all(row.get(name) is not None for name in AUDIO_FEATURES):
                features[str(row["id"])] = [float(row[name]) for name in AUDIO_FEATURES]
    return features


def download_cover(url: str, *, caller: PoliteCaller, timeout_s: float) -> bytes:
    """The cover image bytes (the image CDN gets the same polite retries as the API)."""
    from spotipy.exceptions import SpotifyException

    def get() -> bytes:
        response = requests.get(url, timeout=timeout_s)
        if response.status_code >= 400:
            raise SpotifyException(
                response.status_code, -1, f"{url}:\n cover download failed", headers=response.headers
            )
        return response.content

    return caller.call(f"the cover {url}", get)


def collect(
    *,
    client: Any,
    user: str,
    out_dir: Path,
    caller: PoliteCaller | None = None,
    max_playlists: int | None = None,
    timeout_s: float = 10.0,
    on_playlist: Callable[[str], None] | None = None,
) -> CollectionSummary:
    """List `user`'s public playlists, then for each not yet done: cover, track ids, features -> OUT."""
    caller = caller or PoliteCaller()
    out_dir.mkdir(parents=True, exist_ok=True)
    state = load_state(out_dir, user=user)
    _list_playlists(client, caller, state, out_dir, max_playlists)
    if not state["listing"]:
        # Spotify-owned (editorial) playlists are hidden from apps without extended access: say so, not just "0".
        log.warning("collector.no_playlists", extra={"user": user})
    listing = state["listing"][:max_playlists] if max_playlists is not None else state["listing"]
    done, skipped = set(state["done"]), set(state["skipped"])
    collected_now = 0
    for entry in listing:
        playlist_id = entry["id"]
        if playlist_id in done or playlist_id in skipped:
            continue
        try:
            track_ids = fetch_track_ids(client, caller, playlist_id)
        except SpotifyNotFound:
            track_ids = []  # deleted or made private since the listing: nothing to collect
        features = fetch_features(client, caller, track_ids) if track_ids else {}
        if not entry["cover_url"] or not features:
            log.info("collector.skipped", extra={"playlist": playlist_id, "tracks": len(features)})
            state["skipped"].append(playlist_id)
        else:
            cover = download_cover(entry["cover_url"], caller=caller, timeout_s=timeout_s)
            (out_dir / "covers").mkdir(exist_ok=True)
            (out_dir / "covers" / f"{playlist_id}.jpg").write_bytes(cover)
            tracks = [{"id": t, "features": features[t]} for t in track_ids if t in features]
            record = {
                "id": playlist_id,
                "name": entry["name"],
                "owner": user,
                "cover_url": entry["cover_url"],
                "cover_file": f"covers/{playlist_id}.jpg",
                "tracks": tracks,
            }
            _write_json(out_dir / "playlists" / f"{playlist_id}.json", record)
            state["done"].append(playlist_id)
            collected_now += 1
        _write_json(out_dir / STATE_FILE, state)
        if on_playlist is not None:
            on_playlist(playlist_id)
    return CollectionSummary(
        user=user,
        playlists_listed=len(listing),
        playlists_done=len(state["done"]),
        collected_now=collected_now,
        skipped=list(state["skipped"]),
        tracks=sum(len(json.loads(p.read_text())["tracks"]) for p in (out_dir / "playlists").glob("*.json")),
    )
