from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="AudioFeatures")


@_attrs_define
class AudioFeatures:
    """The 8 Spotify audio features in Spotify's own units (loudness in dB, the rest in [0, 1]).

    Attributes:
        acousticness (float): Confidence the track is acoustic.
        danceability (float): How suitable the track is for dancing.
        energy (float): Perceived intensity and activity.
        instrumentalness (float): Likelihood the track has no vocals.
        liveness (float): Likelihood of a live audience.
        loudness (float): Overall loudness in dB.
        speechiness (float): Presence of spoken words.
        valence (float): Musical positiveness: high is happy, low is sad or angry.
    """

    acousticness: float
    danceability: float
    energy: float
    instrumentalness: float
    liveness: float
    loudness: float
    speechiness: float
    valence: float

    def to_dict(self) -> dict[str, Any]:
        acousticness = self.acousticness

        danceability = self.danceability

        energy = self.energy

        instrumentalness = self.instrumentalness

        liveness = self.liveness

        loudness = self.loudness

        speechiness = self.speechiness

        valence = self.valence

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "acousticness": acousticness,
                "danceability": danceability,
                "energy": energy,
                "instrumentalness": instrumentalness,
                "liveness": liveness,
                "loudness": loudness,
                "speechiness": speechiness,
                "valence": valence,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        acousticness = d.pop("acousticness")

        danceability = d.pop("danceability")

        energy = d.pop("energy")

        instrumentalness = d.pop("instrumentalness")

        liveness = d.pop("liveness")

        loudness = d.pop("loudness")

        speechiness = d.pop("speechiness")

        valence = d.pop("valence")

        audio_features = cls(
            acousticness=acousticness,
            danceability=danceability,
            energy=energy,
            instrumentalness=instrumentalness,
            liveness=liveness,
            loudness=loudness,
            speechiness=speechiness,
            valence=valence,
        )

        return audio_features
