"""The generated playlist on the user's Spotify account: create it, add the tracks, set the photo as its cover, and
unfollow the previous generated playlist the user did not save (as the original did).

Catalog tracks can be gone from Spotify, and Spotify then refuses the whole batch of items (400). A refused batch
is split in halves until the refused tracks are found, so every good track still lands, in order; each refused one
is replaced by the next candidate. At most one call per 100 tracks when nothing is refused.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError
from pydantic import BaseModel, Field

from services.playlist.spotify.store import KeyValueStore
from services.playlist.spotify.tokens import PREFIX
from services.playlist.spotify.webapi import ItemsRejected
from shared.errors import InvalidInput, NotFound, PayloadTooLarge
from shared.image_limits import ALLOWED_FORMATS, MAX_PIXELS

log = logging.getLogger("pressedplay.playlist.spotify")
ITEMS_PER_CALL: Final = 100
MAX_COVER_BASE64: Final = 256 * 1024  # Spotify's limit on the base64 body of PUT /playlists/{id}/images
COVER_SIDES: Final = (640, 480, 320)
COVER_QUALITIES: Final = (88, 75, 60)
GENERATED_TTL_S: Final = 180 * 24 * 3600

AddItems = Callable[[list[str]], Awaitable[None]]


class CoverImageUnusable(InvalidInput):
    """The photo could not be made into a cover."""


class GeneratedPlaylistNotFound(NotFound):
    """No playlist of this id was generated for the signed-in user."""


def track_uri(track_id: str) -> str:
    return f"spotify:track:{track_id}"


async def add_tracks(add: AddItems, track_ids: Sequence[str]) -> tuple[list[str], list[str]]:
    """Add the tracks 100 per call; (added, refused), each in the given order."""
    added: list[str] = []
    refused: list[str] = []

    async def attempt(chunk: list[str]) -> None:
        try:
            await add([track_uri(t) for t in chunk])
            added.extend(chunk)
        except ItemsRejected:
            if len(chunk) == 1:
                refused.extend(chunk)
                return
            middle = len(chunk) // 2
            await attempt(chunk[:middle])
            await attempt(chunk[middle:])

    for start in range(0, len(track_ids), ITEMS_PER_CALL):
        await attempt(list(track_ids[start : start + ITEMS_PER_CALL]))
    return added, refused


async def fill_playlist(add: AddItems, candidates: Sequence[str], n: int) -> tuple[list[str], int]:
    """Add the first n candidates, replacing refused ones with the next; (added ids, how many were refused)."""
    pool = list(dict.fromkeys(candidates))
    added: list[str] = []
    refused = 0
    cursor = 0
    while len(added) < n and cursor < len(pool):
        batch = pool[cursor : cursor + n - len(added)]
        cursor += len(batch)
        ok, bad = await add_tracks(add, batch)
        added.extend(ok)
        refused += len(bad)
    return added, refused


def cover_jpeg_base64(photo: bytes) -> str:
    """The photo as a square JPEG cover whose base64 fits Spotify's 256 KB: centre-cropped, resized, re-encoded."""
    too_large = f"the photo has more than {MAX_PIXELS:,} pixels"
    try:
        # Only the formats a photo is accepted in anywhere: Pillow's other parsers answer odd headers with errors
        # of their own (a DDS texture: NotImplementedError).
        with Image.open(io.BytesIO(photo), formats=ALLOWED_FORMATS) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise PayloadTooLarge(too_large)
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except Image.DecompressionBombError as exc:
        # Pillow's own guard, on a header claiming over ~179 million pixels, speaks before the check above can.
        raise PayloadTooLarge(too_large) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise CoverImageUnusable(f"the photo cannot be read as an image ({type(exc).__name__})") from exc
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    square = image.crop((left, top, left + side, top + side))
    for target in COVER_SIDES:
        resized = square.resize((min(target, side),) * 2, Image.Resampling.LANCZOS)
        for quality in COVER_QUALITIES:
            buffer = io.BytesIO()
            resized.save(buffer, format="JPEG", quality=quality, optimize=True)
            encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
            if len(encoded) <= MAX_COVER_BASE64:
                return encoded
    raise CoverImageUnusable("the photo could not be compressed under Spotify's 256 KB cover limit")


class GeneratedPlaylists(BaseModel):
    """The playlists generated for one Spotify user: unsaved ones are replaced by the next."""

    unsaved: list[str] = Field(default_factory=list)
    saved: list[str] = Field(default_factory=list)


class GeneratedPlaylistLog:
    """GeneratedPlaylists per Spotify user in the key-value store."""

    def __init__(self, store: KeyValueStore) -> None:
        self.store = store

    @staticmethod
    def _key(user_id: str) -> str:
        return f"{PREFIX}:generated:{user_id}"

    async def get(self, user_id: str) -> GeneratedPlaylists:
        raw = await self.store.get(self._key(user_id))
        return GeneratedPlaylists() if raw is None else GeneratedPlaylists.model_validate_json(raw)

    async def put(self, user_id: str, record: GeneratedPlaylists) -> None:
        await self.store.set(self._key(user_id), record.model_dump_json().encode(), ttl_s=GENERATED_TTL_S)

    async def save(self, user_id: str, playlist_id: str) -> None:
        """Keep this playlist when the next one is made; GeneratedPlaylistNotFound if it is not ours."""
        record = await self.get(user_id)
        if playlist_id in record.saved:
            return
        if playlist_id not in record.unsaved:
            raise GeneratedPlaylistNotFound(f"no generated playlist {playlist_id[:64]!r} for this Spotify user")
        record.unsaved.remove(playlist_id)
        record.saved.append(playlist_id)
        await self.put(user_id, record)
