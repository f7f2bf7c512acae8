from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="PhotoMood")


@_attrs_define
class PhotoMood:
    """How the photo feels, on the 1-9 scale people used to rate photos: valence 1 unpleasant .. 9 pleasant,
    arousal 1 calm .. 9 excited.

        Attributes:
            arousal (float):
            valence (float):
    """

    arousal: float
    valence: float

    def to_dict(self) -> dict[str, Any]:
        arousal = self.arousal

        valence = self.valence

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "arousal": arousal,
                "valence": valence,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        arousal = d.pop("arousal")

        valence = d.pop("valence")

        photo_mood = cls(
            arousal=arousal,
            valence=valence,
        )

        return photo_mood
