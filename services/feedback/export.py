"""Ratings out of the store into Parquet: every page of the table (never "the first 100"), in the training
dataset's schema (`cover`, `features`, `genre`, `release_id`, `split`, `track_id`) plus what a reward-weighted
fine-tune and the per-version report need (`reward`, `model_version`, the served mood, timestamps).

Nothing is deleted unless asked, and then only what was exported: each exported rating is deleted on the
condition that it is still the version exported (a rating changed after its page was read stays)."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from services.feedback.adapters.photos import PhotoStore, with_photo
from services.feedback.ratings import Rating, RatingStore
from shared.features import AUDIO_FEATURES

SCHEMA = pa.schema(
    [
        ("cover", pa.binary()),
        ("features", pa.list_(pa.float32(), len(AUDIO_FEATURES))),
        ("genre", pa.string()),
        ("release_id", pa.string()),
        ("split", pa.string()),
        ("track_id", pa.string()),
        ("reward", pa.float32()),
        ("model_version", pa.string()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("stored_at", pa.timestamp("us", tz="UTC")),
        ("exported_at", pa.timestamp("us", tz="UTC")),
        ("rating_id", pa.string()),
        ("playlist_id", pa.string()),
        ("rater", pa.string()),
        ("valence", pa.float32()),
        ("arousal", pa.float32()),
        ("genre_look", pa.string()),
        ("genres", pa.list_(pa.string())),
        ("mode", pa.string()),
        ("track_ids", pa.list_(pa.string())),
        # An album's: each track's photo; its cover is then the album's collage (the fine-tune leaves those out).
        ("track_photos", pa.list_(pa.int32())),
    ]
)
SPLIT = "feedback"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote (and deleted)."""

    count: int
    files: list[str]
    deleted: int


def to_table(ratings: list[Rating], *, exported_at: datetime) -> pa.Table:
    """Ratings (photos already fetched) as rows of SCHEMA."""
    rows = []
    for r in ratings:
        look = r.genre_look or {}
        rows.append(
            {
                "cover": r.photo,
                "features": [float(getattr(r.features, name)) for name in AUDIO_FEATURES],
                "genre": max(look, key=look.__getitem__) if look else None,
                "release_id": f"feedback:{r.id}",
                "split": SPLIT,
                "track_id": r.track_ids[0] if r.track_ids else None,
                "reward": float(r.rating),
                "model_version": r.model_version,
                "created_at": r.created_at,
                "stored_at": r.stored_at,
                "exported_at": exported_at,
                "rating_id": r.id,
                "playlist_id": r.playlist_id,
                "rater": r.rater,
                "valence": r.mood.valence if r.mood else None,
                "arousal": r.mood.arousal if r.mood else None,
                "genre_look": json.dumps(look) if look else None,
                "genres": list(r.genres),
                "mode": r.mode,
                "track_ids": list(r.track_ids),
                "track_photos": list(r.track_photos),
            }
        )
    return pa.Table.from_pylist(rows, schema=SCHEMA)


async def pages(store: RatingStore, photos: PhotoStore, *, page_size: int) -> AsyncIterator[list[Rating]]:
    """Every rating of the store, a page at a time, photos included."""
    cursor: str | None = None
    while True:
        page, cursor = await store.scan(limit=page_size, cursor=cursor)
        if page:
            yield [await with_photo(r, photos) for r in page]
        if cursor is None:
            return


async def _delete_exported(store: RatingStore, photos: PhotoStore, exported: list[Rating]) -> int:
    deleted = 0
    for r in exported:
        if await store.delete(r.playlist_id, r.id, created_at=r.created_at):
            deleted += 1
            if r.photo_ref is not None:
                await photos.delete(r.photo_ref)
    return deleted


async def export_to_dir(
    store: RatingStore, photos: PhotoStore, out: Path, *, page_size: int = 500, delete: bool = False
) -> ExportResult:
    """One Parquet file per page (`ratings-00000.parquet` ...) and `manifest.json`; then, if asked, delete what
    was written (after every file is on disk)."""
    out.mkdir(parents=True, exist_ok=True)
    exported_at = datetime.now(UTC)
    exported: list[Rating] = []
    files: list[str] = []
    async for page in pages(store, photos, page_size=page_size):
        name = f"ratings-{len(files):05d}.parquet"
        temp = out / f".{name}.tmp"
        pq.write_table(to_table(page, exported_at=exported_at), temp)
        temp.replace(out / name)
        files.append(name)
        exported.extend(page)
    deleted = await _delete_exported(store, photos, exported) if delete else 0
    manifest = {
        "count": len(exported),
        "files": files,
        "page_size": page_size,
        "exported_at": exported_at.isoformat(),
        "deleted": deleted,
        "model_versions": sorted({r.model_version for r in exported}),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return ExportResult(count=len(exported), files=files, deleted=deleted)


async def export_parquet_bytes(
    store: RatingStore, photos: PhotoStore, *, page_size: int = 500, delete: bool = False
) -> tuple[bytes, int]:
    """The whole table as one Parquet file in memory (the admin endpoint) and how many ratings it holds."""
    exported_at = datetime.now(UTC)
    exported: list[Rating] = []
    buffer = io.BytesIO()
    with pq.ParquetWriter(buffer, SCHEMA) as writer:
        async for page in pages(store, photos, page_size=page_size):
            writer.write_table(to_table(page, exported_at=exported_at))
            exported.extend(page)
    if delete:
        await _delete_exported(store, photos, exported)
    return buffer.getvalue(), len(exported)


def read_export(folder: Path) -> pa.Table:
    """Every ratings-*.parquet file of an export folder as one table."""
    files = sorted(folder.glob("ratings-*.parquet"))
    if not files:
        return SCHEMA.empty_table()
    return pa.concat_tables([pq.read_table(f, schema=SCHEMA) for f in files])
