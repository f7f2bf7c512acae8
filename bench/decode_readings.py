"""What a person gets when a big photo is decoded at reduced scale: the same photos read at full size and at the
service's INFERENCE_DECODE_MIN_SIDE, side by side (`python -m bench decode` appends the table).

Phone-sized photos of real scenes: one rated photo from each emotion folder of ../shared/data/affect/emotion6-dev,
enlarged to 4000 x 3000 and saved as a quality-90 JPEG (the rated photos themselves are all under 512 px, where the
reduction never applies). Absent in a clone, and then the section says so. For each: valence and energy served,
the largest change of any feature (each on its 0-1 scale), and how many of the 20 tracks of its playlist (genres
pop, rock) are the same.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from services.inference.model.image_io import decode_image
from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor
from services.playlist.genres.mapping import load_genre_mapper
from services.playlist.recommend.catalog import load_catalog
from services.playlist.recommend.recommender import Recommender, parse_request
from shared.features import feature_vector, normalise
from shared.paths import REPO_ROOT

AFFECT = REPO_ROOT.parent / "shared" / "data" / "affect" / "emotion6-dev" / "images"


def phone_sized(path: str) -> bytes:
    """A rated photo enlarged to 4000 x 3000, as a quality-90 JPEG."""
    with Image.open(AFFECT / path) as image:
        big = image.convert("RGB").resize((4000, 3000), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    big.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def side_by_side(min_side: int | None) -> list[str]:
    """The table rows (or a line saying why there are none)."""
    if not AFFECT.is_dir():
        return [f"(no side-by-side readings: {AFFECT.name} of ../shared/data/affect is absent here)"]
    folders = sorted(p for p in AFFECT.iterdir() if p.is_dir())
    photos = [f"{folder.name}/{sorted(folder.glob('*.jpg'))[0].name}" for folder in folders]
    predictor = Predictor.load(DEFAULT_MODEL_PATH, device="cpu")
    recommender = Recommender(load_catalog(), load_genre_mapper())
    rows = [
        "| photo | valence full / reduced | energy full / reduced | largest feature change | same tracks of 20 |",
        "|---|---|---|---|---|",
    ]
    for name in photos:
        data = phone_sized(name)
        full, reduced = predictor.predict([decode_image(data), decode_image(data, min_side=min_side)])
        change = np.abs(normalise(feature_vector(full.features.model_dump()))
                        - normalise(feature_vector(reduced.features.model_dump()))).max()  # fmt: skip
        playlists = [
            {track.id for track in recommender.recommend(parse_request({
                "features": reading.features.model_dump(), "genres": ["pop", "rock"], "n": 20,
            })).tracks}
            for reading in (full, reduced)
        ]  # fmt: skip
        f, r = full.features, reduced.features
        rows.append(
            f"| {name} | {f.valence:.3f} / {r.valence:.3f} | {f.energy:.3f} / {r.energy:.3f} | {change:.4f} "
            f"| {len(playlists[0] & playlists[1])} |"
        )
    return rows
